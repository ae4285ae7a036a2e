//! 履歴 (SPEC C5, C9): the company's operations, newest first, filtered by menu, status,
//! period (Japan dates) and admin, 20/50/100 a page; and one operation's lines with the time
//! and result of each. While something is 処理中 the page reads itself again every 2 seconds.

use std::time::Duration;

use hako_protocol::{HistoryDetail, HistoryEntry, HistoryQuery, Menu, OperationStatus, PAGE_SIZES};
use leptos::{ev::SubmitEvent, prelude::*};
use leptos_router::hooks::use_params_map;

use super::{Allowed, Pager, PerPage, reason_text};
use crate::{
    api,
    components::form::ErrorMessage,
    i18n::{COMMON, CORP, japan_time, use_i18n, use_texts},
    query::from_name,
};

const REFRESH: Duration = Duration::from_secs(2);

/// Reads again every 2 s while `processing` says so: `tick` moves the resource on.
fn refresh_while(processing: impl Fn() -> bool + 'static, tick: RwSignal<u32>) {
    Effect::new(move |_| {
        if processing() {
            set_timeout(move || tick.update(|t| *t += 1), REFRESH);
        }
    });
}

#[component]
fn OperationStatusMark(status: OperationStatus) -> impl IntoView {
    let texts = use_texts(&CORP);
    let class = match status {
        OperationStatus::Processing => "corp-status processing",
        OperationStatus::Succeeded => "corp-status ok",
        OperationStatus::Failed => "corp-status cancelled",
    };
    view! { <span class=class data-status=status.as_str()>{move || texts().operation_status(status)}</span> }
}

#[component]
pub fn CorpHistory() -> impl IntoView {
    let common = use_texts(&COMMON);
    let texts = use_texts(&CORP);
    let menu = RwSignal::new(String::new());
    let status = RwSignal::new(String::new());
    let from = RwSignal::new(String::new());
    let to = RwSignal::new(String::new());
    let admin = RwSignal::new(String::new());
    let applied = RwSignal::new(HistoryQuery::default());
    let page = RwSignal::new(1u32);
    let per_page = RwSignal::new(PAGE_SIZES[0]);
    let tick = RwSignal::new(0u32);
    let admins = LocalResource::new(api::corp::admins);
    let list = LocalResource::new(move || {
        tick.track();
        let query = HistoryQuery {
            page: Some(page.get()),
            per_page: Some(per_page.get()),
            ..applied.get()
        };
        async move { api::corp::history(&query).await }
    });
    let processing = move || {
        list.get().and_then(Result::ok).is_some_and(|p| {
            p.entries
                .iter()
                .any(|e| e.status == OperationStatus::Processing)
        })
    };
    refresh_while(processing, tick);
    let total = Signal::derive(move || list.get().and_then(Result::ok).map_or(0, |p| p.total));
    let filter = move |ev: SubmitEvent| {
        ev.prevent_default();
        let text = |s: RwSignal<String>| Some(s.get_untracked()).filter(|v| !v.is_empty());
        applied.set(HistoryQuery {
            menu: text(menu).and_then(|m| from_name::<Menu>(&m)),
            status: text(status).and_then(|s| from_name::<OperationStatus>(&s)),
            from: text(from),
            to: text(to),
            admin: text(admin),
            page: None,
            per_page: None,
        });
        page.set(1);
    };
    let clear = move |_| {
        for s in [menu, status, from, to, admin] {
            s.set(String::new());
        }
        applied.set(HistoryQuery::default());
        page.set(1);
    };
    let select = move |value: RwSignal<String>,
                       testid: &'static str,
                       options: Vec<(String, String)>| {
        view! {
            <select class="corp-select" data-testid=testid on:change=move |ev| value.set(event_target_value(&ev))>
                <option value="" prop:selected=move || value.get().is_empty()>{move || texts().any}</option>
                {options.into_iter().map(|(v, label)| {
                    let v2 = v.clone();
                    view! { <option value=v prop:selected=move || value.get() == v2>{label}</option> }
                }).collect_view()}
            </select>
        }
    };
    let menus = move || {
        [Menu::PermissionChange, Menu::PasswordNotice]
            .iter()
            .map(|m| (m.as_str().to_owned(), texts().menu(*m).to_owned()))
            .collect::<Vec<_>>()
    };
    let statuses = move || {
        [
            OperationStatus::Processing,
            OperationStatus::Succeeded,
            OperationStatus::Failed,
        ]
        .iter()
        .map(|s| {
            (
                s.as_str().to_owned(),
                texts().operation_status(*s).to_owned(),
            )
        })
        .collect::<Vec<_>>()
    };
    let admin_options = move || {
        admins
            .get()
            .and_then(Result::ok)
            .unwrap_or_default()
            .into_iter()
            .map(|a| (a.admin_id.clone(), format!("{}（{}）", a.name, a.admin_id)))
            .collect::<Vec<_>>()
    };
    let rows = move || {
        match list.get() {
        None => view! { <p class="list-note" role="status">{move || common().loading}</p> }.into_any(),
        Some(Err(e)) => view! { <ErrorMessage error=RwSignal::new(Some(e)) testid="corp-history-error"/> }.into_any(),
        Some(Ok(p)) if p.entries.is_empty() => {
            view! { <p class="list-note" data-testid="corp-history-empty">{move || texts().no_history}</p> }.into_any()
        }
        Some(Ok(p)) => view! {
            <table class="corp-table" data-testid="corp-history-table">
                <thead><tr>
                    <th scope="col">{move || texts().col_reception}</th>
                    <th scope="col">{move || texts().col_admin_name}</th>
                    <th scope="col">{move || texts().col_admin_id}</th>
                    <th scope="col">{move || texts().col_received}</th>
                    <th scope="col">{move || texts().col_finished}</th>
                    <th scope="col">{move || texts().col_menu}</th>
                    <th scope="col">{move || texts().col_lines}</th>
                    <th scope="col">{move || texts().col_status}</th>
                </tr></thead>
                <tbody>
                    {p.entries.into_iter().map(|entry| view! { <HistoryRow entry=entry/> }).collect_view()}
                </tbody>
            </table>
        }
        .into_any(),
    }
    };
    view! {
        <section class="corp-card" aria-labelledby="corp-history-title" data-testid="corp-history">
            <h2 id="corp-history-title">{move || texts().history}</h2>
            <p class="corp-lead">{move || texts().history_lead}</p>
            <form class="corp-tools corp-filters" on:submit=filter data-testid="corp-history-filters">
                <label class="corp-field">
                    <span>{move || texts().menu_filter}</span>
                    {move || select(menu, "corp-filter-menu", menus())}
                </label>
                <label class="corp-field">
                    <span>{move || texts().status_filter}</span>
                    {move || select(status, "corp-filter-status", statuses())}
                </label>
                <fieldset class="corp-field corp-period">
                    <legend>{move || texts().period}</legend>
                    <input type="date" data-testid="corp-filter-from" aria-label=move || format!("{} {}", texts().period, texts().period_from)
                        prop:value=move || from.get() on:input=move |ev| from.set(event_target_value(&ev))/>
                    <span>{move || texts().period_from}</span>
                    <input type="date" data-testid="corp-filter-to" aria-label=move || format!("{} {}", texts().period, texts().period_to)
                        prop:value=move || to.get() on:input=move |ev| to.set(event_target_value(&ev))/>
                    <span>{move || texts().period_to}</span>
                </fieldset>
                <label class="corp-field">
                    <span>{move || texts().admin_filter}</span>
                    {move || select(admin, "corp-filter-admin", admin_options())}
                </label>
                <div class="corp-tool-buttons">
                    <button type="submit" class="btn ghost corp-outline" data-testid="corp-filter-apply">{move || texts().apply}</button>
                    <button type="button" class="btn ghost" data-testid="corp-filter-clear" on:click=clear>{move || texts().clear}</button>
                </div>
            </form>
            <div class="corp-list-head">
                <p class="corp-count" data-testid="corp-history-count">
                    {move || texts().reception_count.replace("{n}", &total.get().to_string())}
                </p>
                <PerPage per_page=per_page page=page testid="corp-history-per-page"/>
            </div>
            <p class="corp-hint">{move || texts().japan_time}</p>
            <Show when=processing>
                <p class="corp-hint" role="status" data-testid="corp-refreshing">{move || texts().refreshing}</p>
            </Show>
            {rows}
            <Pager page=page per_page=per_page total=total testid="corp-history-pager"/>
        </section>
    }
}

#[component]
fn HistoryRow(entry: HistoryEntry) -> impl IntoView {
    let texts = use_texts(&CORP);
    let menu = entry.menu;
    let href = format!("/corp/history/{}", entry.reception_number);
    view! {
        <tr data-testid="corp-history-row" data-reception=entry.reception_number.clone() data-status=entry.status.as_str()>
            <td data-label=move || texts().col_reception class="corp-number">
                <a href=href data-testid="corp-history-link">{entry.reception_number.clone()}</a>
            </td>
            <td data-label=move || texts().col_admin_name>{entry.admin_name}</td>
            <td data-label=move || texts().col_admin_id class="corp-id">{entry.admin_id}</td>
            <td data-label=move || texts().col_received class="corp-time">{japan_time(&entry.received_at)}</td>
            <td data-label=move || texts().col_finished class="corp-time">
                {entry.finished_at.as_deref().map_or_else(|| "—".to_owned(), japan_time)}
            </td>
            <td data-label=move || texts().col_menu>{move || texts().menu(menu)}</td>
            <td data-label=move || texts().col_lines class="corp-num">{entry.line_count}</td>
            <td data-label=move || texts().col_status data-testid="corp-history-status">
                <OperationStatusMark status=entry.status/>
            </td>
        </tr>
    }
}

/// 履歴詳細: one operation, each of its lines.
#[component]
pub fn CorpHistoryDetail() -> impl IntoView {
    let common = use_texts(&COMMON);
    let texts = use_texts(&CORP);
    let params = use_params_map();
    let tick = RwSignal::new(0u32);
    // Here, not in the table: a reading every 2 s keeps the page the admin is on.
    let page = RwSignal::new(1u32);
    let per_page = RwSignal::new(PAGE_SIZES[0]);
    let detail = LocalResource::new(move || {
        tick.track();
        let reception = params.with(|p| p.get("reception").unwrap_or_default());
        async move { api::corp::history_detail(&reception).await }
    });
    let processing = move || {
        detail
            .get()
            .and_then(Result::ok)
            .is_some_and(|d| d.entry.status == OperationStatus::Processing)
    };
    refresh_while(processing, tick);
    let body = move || match detail.get() {
        None => {
            view! { <p class="list-note" role="status">{move || common().loading}</p> }.into_any()
        }
        Some(Err(e)) => {
            view! { <ErrorMessage error=RwSignal::new(Some(e)) testid="corp-detail-error"/> }
                .into_any()
        }
        Some(Ok(d)) => view! { <Detail detail=d page=page per_page=per_page/> }.into_any(),
    };
    view! {
        <section class="corp-card" aria-labelledby="corp-detail-title" data-testid="corp-history-detail">
            <h2 id="corp-detail-title">{move || texts().detail_title}</h2>
            <p class="corp-lead">{move || texts().detail_lead}</p>
            {body}
            <Show when=processing>
                <p class="corp-hint" role="status" data-testid="corp-refreshing">{move || texts().refreshing}</p>
            </Show>
            <div class="corp-actions">
                <a class="btn ghost corp-outline" href="/corp/history" data-testid="corp-back-to-history">{move || texts().back_to_history}</a>
                <a class="btn primary corp-go" href="/corp/permissions" data-testid="corp-to-permissions">{move || texts().permissions}</a>
            </div>
        </section>
    }
}

#[component]
fn Detail(detail: HistoryDetail, page: RwSignal<u32>, per_page: RwSignal<u32>) -> impl IntoView {
    let texts = use_texts(&CORP);
    let lang = use_i18n().lang;
    let entry = detail.entry;
    let menu = entry.menu;
    let total = detail.lines.len() as u64;
    let lines = StoredValue::new(detail.lines);
    let values = detail.backup.zip(detail.migration);
    let rows = move || {
        let size = per_page.get() as usize;
        let start = (page.get().saturating_sub(1) as usize) * size;
        lines.with_value(|lines| {
            lines.iter().cloned().enumerate().skip(start).take(size).map(|(i, line)| {
                let reason = line.reason.clone();
                view! {
                    <tr data-testid="corp-detail-row" data-number=line.number.clone() data-status=line.status.as_str()>
                        <td data-label=move || texts().col_no class="corp-num">{i + 1}</td>
                        <td data-label=move || texts().col_group>{line.group.clone().unwrap_or_default()}</td>
                        <td data-label=move || texts().col_number class="corp-number">{line.number.clone()}</td>
                        <td data-label=move || texts().col_name>{line.name.clone()}</td>
                        <td data-label=move || texts().col_finished class="corp-time">
                            {line.finished_at.as_deref().map_or_else(|| "—".to_owned(), japan_time)}
                        </td>
                        <td data-label=move || texts().backup>{line.backup.map(|on| view! { <Allowed on=on/> })}</td>
                        <td data-label=move || texts().migration>{line.migration.map(|on| view! { <Allowed on=on/> })}</td>
                        <td data-label=move || texts().col_status data-testid="corp-detail-status">
                            <OperationStatusMark status=line.status/>
                            {reason.map(|r| view! {
                                <small class="corp-why" data-testid="corp-detail-reason">{move || reason_text(&r, lang.get())}</small>
                            })}
                        </td>
                    </tr>
                }
            }).collect_view()
        })
    };
    view! {
        <dl class="corp-values corp-facts" data-testid="corp-detail-facts">
            <dt>{move || texts().col_reception}</dt>
            <dd data-testid="corp-detail-reception">{entry.reception_number.clone()}</dd>
            <dt>{move || texts().col_menu}</dt>
            <dd data-testid="corp-detail-menu">{move || texts().menu(menu)}</dd>
            <dt>{move || texts().col_admin_name}</dt>
            <dd>{format!("{}（{}）", entry.admin_name, entry.admin_id)}</dd>
            <dt>{move || texts().col_received}</dt>
            <dd>{japan_time(&entry.received_at)}</dd>
            <dt>{move || texts().col_finished}</dt>
            <dd>{entry.finished_at.as_deref().map_or_else(|| "—".to_owned(), japan_time)}</dd>
            <dt>{move || texts().col_status}</dt>
            <dd data-testid="corp-detail-state"><OperationStatusMark status=entry.status/></dd>
            {values.map(|(backup, migration)| view! {
                <dt>{move || texts().backup}</dt>
                <dd><Allowed on=backup/></dd>
                <dt>{move || texts().migration}</dt>
                <dd><Allowed on=migration/></dd>
            })}
        </dl>
        <div class="corp-list-head">
            <p class="corp-count" data-testid="corp-detail-count">
                {move || texts().target_count.replace("{n}", &total.to_string())}
            </p>
            <PerPage per_page=per_page page=page testid="corp-detail-per-page"/>
        </div>
        <p class="corp-hint">{move || texts().japan_time}</p>
        <table class="corp-table" data-testid="corp-detail-table">
            <thead><tr>
                <th scope="col">{move || texts().col_no}</th>
                <th scope="col">{move || texts().col_group}</th>
                <th scope="col">{move || texts().col_number}</th>
                <th scope="col">{move || texts().col_name}</th>
                <th scope="col">{move || texts().col_finished}</th>
                <th scope="col">{move || texts().backup}</th>
                <th scope="col">{move || texts().migration}</th>
                <th scope="col">{move || texts().col_status}</th>
            </tr></thead>
            <tbody>{rows}</tbody>
        </table>
        <Pager page=page per_page=per_page total=Signal::derive(move || total) testid="corp-detail-pager"/>
    }
}
