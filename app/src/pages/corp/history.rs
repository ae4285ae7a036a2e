//! 履歴 (SPEC C5, C9): the company's operations, newest first, filtered by menu, status,
//! period (Japan dates) and admin, 20/50/100 a page, as CSV too; the sign-in code notices as
//! a list of their own (the seed's 「…パスワード通知メールの履歴はこちら」: the same list with
//! the menu in its URL, titled for it). One operation's lines with the time, result and reason
//! of each; a mail operation's lines can be chosen and mailed again (メール再送), and a resend
//! names the operation it repeats. While something is 処理中 the page reads itself again
//! every 2 seconds.

use std::{collections::BTreeSet, time::Duration};

use hako_protocol::{
    ErrorCode, HistoryDetail, HistoryEntry, HistoryLine, HistoryQuery, LineResult,
    MAX_LINES_PER_OPERATION, Menu, OperationStatus, PAGE_SIZES, VariantArray,
};
use leptos::{ev::SubmitEvent, html, prelude::*};
use leptos_router::hooks::{use_navigate, use_params_map, use_query_map};

use super::{
    Allowed, CsvLink, Pager, PerPage, Period, mail::ConfirmMail, mail::Received, reason_text,
    refused,
};
use crate::{
    api::{self, ClientError},
    components::form::ErrorMessage,
    i18n::{COMMON, CORP, japan_time, use_i18n, use_texts},
    query::{from_map, from_name, with_query},
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

/// The list of one menu's operations: the notices' list is this page with `?menu=`.
fn history_href(query: &HistoryQuery) -> String {
    with_query("/corp/history".to_owned(), query)
}

fn notice_history() -> HistoryQuery {
    HistoryQuery {
        menu: Some(Menu::PasswordNotice),
        ..HistoryQuery::default()
    }
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

/// One line's result: 正常終了（送信済み） for a sent mail, 対象外 for a line that needed none.
#[component]
fn LineResultMark(status: LineResult) -> impl IntoView {
    let texts = use_texts(&CORP);
    let class = match status {
        LineResult::Processing => "corp-status processing",
        LineResult::Succeeded | LineResult::Sent => "corp-status ok",
        LineResult::Failed => "corp-status cancelled",
        LineResult::Skipped => "corp-status",
    };
    view! { <span class=class data-status=status.as_str()>{move || texts().line_result(status)}</span> }
}

#[component]
pub fn CorpHistory() -> impl IntoView {
    let common = use_texts(&COMMON);
    let texts = use_texts(&CORP);
    // The filters live in the URL, so the notices' own list is a link and survives a reload.
    let url = use_query_map();
    let applied = Memo::new(move |_| url.with(|q| from_map::<HistoryQuery>(q).unwrap_or_default()));
    let navigate = use_navigate();
    let menu = RwSignal::new(String::new());
    let status = RwSignal::new(String::new());
    let from = RwSignal::new(String::new());
    let to = RwSignal::new(String::new());
    let admin = RwSignal::new(String::new());
    let page = RwSignal::new(1u32);
    let per_page = RwSignal::new(PAGE_SIZES[0]);
    // The form shows what the URL asks for, and a new ask starts at the first page.
    Effect::new(move |_| {
        let q = applied.get();
        let name = |v: Option<&'static str>| v.unwrap_or_default().to_owned();
        menu.set(name(q.menu.map(Menu::as_str)));
        status.set(name(q.status.map(OperationStatus::as_str)));
        from.set(q.from.unwrap_or_default());
        to.set(q.to.unwrap_or_default());
        admin.set(q.admin.unwrap_or_default());
        page.set(1);
    });
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
    let notices = move || applied.with(|q| q.menu == Some(Menu::PasswordNotice));
    let go = move |query: HistoryQuery| navigate(&history_href(&query), Default::default());
    let filter = {
        let go = go.clone();
        move |ev: SubmitEvent| {
            ev.prevent_default();
            let text = |s: RwSignal<String>| Some(s.get_untracked()).filter(|v| !v.is_empty());
            go(HistoryQuery {
                menu: text(menu).and_then(|m| from_name::<Menu>(&m)),
                status: text(status).and_then(|s| from_name::<OperationStatus>(&s)),
                from: text(from),
                to: text(to),
                admin: text(admin),
                page: None,
                per_page: None,
            });
        }
    };
    let clear = move |_| {
        // The notices' list stays the notices' list.
        let keep = applied.with_untracked(|q| q.menu.filter(|m| *m == Menu::PasswordNotice));
        go(HistoryQuery {
            menu: keep,
            ..HistoryQuery::default()
        });
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
        Menu::VARIANTS
            .iter()
            .map(|m| (m.as_str().to_owned(), texts().menu(*m).to_owned()))
            .collect::<Vec<_>>()
    };
    let statuses = move || {
        OperationStatus::VARIANTS
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
        <section class="corp-card" aria-labelledby="corp-history-title" data-testid="corp-history"
            data-list=move || if notices() { "password_notice" } else { "all" }>
            <h2 id="corp-history-title" data-testid="corp-history-title">
                {move || if notices() { texts().notice_history_title } else { texts().history }}
            </h2>
            <p class="corp-lead">{move || if notices() { texts().notice_history_lead } else { texts().history_lead }}</p>
            <p class="corp-other-list">
                {move || if notices() {
                    view! { <a href="/corp/history" data-testid="corp-history-all">"≫ "{move || texts().all_history_link}</a> }.into_any()
                } else {
                    view! {
                        <a href=history_href(&notice_history()) data-testid="corp-history-notices">
                            "≫ "{move || texts().notice_history_link}
                        </a>
                    }.into_any()
                }}
            </p>
            <form class="corp-tools corp-filters" on:submit=filter data-testid="corp-history-filters">
                <label class="corp-field">
                    <span>{move || texts().menu_filter}</span>
                    {move || select(menu, "corp-filter-menu", menus())}
                </label>
                <label class="corp-field">
                    <span>{move || texts().status_filter}</span>
                    {move || select(status, "corp-filter-status", statuses())}
                </label>
                <Period legend=Signal::derive(move || texts().period) from=from to=to testid="corp-filter"/>
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
                <CsvLink href=Signal::derive(move || api::corp::history_csv_href(&applied.get())) testid="corp-history-csv"/>
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
    let resent = entry.resend_of.is_some();
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
            <td data-label=move || texts().col_menu data-testid="corp-history-menu">
                <span>{move || texts().menu(menu)}</span>
                {resent.then(|| view! { <span class="corp-tag" data-testid="corp-history-resent">{move || texts().resent_mark}</span> })}
            </td>
            <td data-label=move || texts().col_lines class="corp-num">{entry.line_count}</td>
            <td data-label=move || texts().col_status data-testid="corp-history-status">
                <OperationStatusMark status=entry.status/>
            </td>
        </tr>
    }
}

/// 履歴詳細: one operation, each of its lines; for a mail, メール再送 of the lines chosen.
#[component]
pub fn CorpHistoryDetail() -> impl IntoView {
    let common = use_texts(&COMMON);
    let texts = use_texts(&CORP);
    let params = use_params_map();
    let reception = Memo::new(move |_| params.with(|p| p.get("reception").unwrap_or_default()));
    let tick = RwSignal::new(0u32);
    // Here, not in the table: a reading every 2 s keeps the page and the choice the admin
    // has; another operation (the link to a resend) starts afresh.
    let page = RwSignal::new(1u32);
    let per_page = RwSignal::new(PAGE_SIZES[0]);
    let chosen = RwSignal::new(BTreeSet::<i64>::new());
    let resent = RwSignal::new(None::<String>);
    let asking = RwSignal::new(false);
    let error = RwSignal::new(None::<ClientError>);
    Effect::watch(
        move || reception.get(),
        move |_, _, _| {
            page.set(1);
            chosen.set(BTreeSet::new());
            resent.set(None);
            error.set(None);
        },
        false,
    );
    let detail = LocalResource::new(move || {
        tick.track();
        let reception = reception.get();
        async move { api::corp::history_detail(&reception).await }
    });
    let loaded = move || detail.get().and_then(Result::ok);
    let processing =
        move || loaded().is_some_and(|d| d.entry.status == OperationStatus::Processing);
    refresh_while(processing, tick);
    let menu = move || loaded().map(|d| d.entry.menu);
    let mails = move || menu().is_some_and(Menu::mails);
    // The notices' detail goes back to the notices' list.
    let back = move || match menu() {
        Some(Menu::PasswordNotice) => history_href(&notice_history()),
        _ => "/corp/history".to_owned(),
    };
    let ask = move |_| {
        let count = chosen.with(BTreeSet::len);
        let problem = if count == 0 {
            Some(ErrorCode::NoLinesSelected)
        } else if count > MAX_LINES_PER_OPERATION {
            Some(ErrorCode::TooManyLines)
        } else {
            None
        };
        error.set(problem.and_then(refused));
        if problem.is_none() {
            asking.set(true);
        }
    };
    let sent = Callback::new(move |number: String| {
        chosen.set(BTreeSet::new());
        resent.set(Some(number));
    });
    let body = move || match detail.get() {
        None => {
            view! { <p class="list-note" role="status">{move || common().loading}</p> }.into_any()
        }
        Some(Err(e)) => {
            view! { <ErrorMessage error=RwSignal::new(Some(e)) testid="corp-detail-error"/> }
                .into_any()
        }
        Some(Ok(d)) => {
            view! { <Detail detail=d page=page per_page=per_page chosen=chosen/> }.into_any()
        }
    };
    let total = move || loaded().map_or(0, |d| d.lines.len() as u64);
    view! {
        <section class="corp-card" aria-labelledby="corp-detail-title" data-testid="corp-history-detail">
            <h2 id="corp-detail-title">{move || texts().detail_title}</h2>
            <p class="corp-lead">{move || if mails() { texts().detail_mail_lead } else { texts().detail_lead }}</p>
            {body}
            <Show when=processing>
                <p class="corp-hint" role="status" data-testid="corp-refreshing">{move || texts().refreshing}</p>
            </Show>
            {move || resent.get().map(|number| view! { <Resent reception=number/> })}
            {move || if mails() {
                view! {
                    <div class="corp-actionbar" data-testid="corp-resend-bar">
                        <p class="corp-count" data-testid="corp-resend-count" aria-live="polite">
                            {move || texts().selected(chosen.with(BTreeSet::len), total())}
                        </p>
                        <ErrorMessage error=error testid="corp-resend-error"/>
                        <div class="corp-actions">
                            <a class="btn ghost" href=back data-testid="corp-back-to-history">{move || texts().back_to_history}</a>
                            <button type="button" class="btn primary corp-go" data-testid="corp-resend" on:click=ask>
                                {move || texts().resend}
                            </button>
                        </div>
                    </div>
                }.into_any()
            } else {
                view! {
                    <div class="corp-actions">
                        <a class="btn ghost corp-outline" href=back data-testid="corp-back-to-history">{move || texts().back_to_history}</a>
                        <a class="btn primary corp-go" href="/corp/permissions" data-testid="corp-to-permissions">{move || texts().permissions}</a>
                    </div>
                }.into_any()
            }}
        </section>
        <Show when=move || asking.get()>
            {move || {
                let menu = menu().unwrap_or(Menu::PasswordNotice);
                let line_ids = chosen.get_untracked().into_iter().collect::<Vec<_>>();
                view! {
                    <ConfirmMail menu=menu resend_of=Some(reception.get_untracked()) line_ids=line_ids
                        asking=asking on_sent=sent/>
                }
            }}
        </Show>
    }
}

/// メール再送の受付が完了しました, where the admin pressed it, with the way to the new operation.
#[component]
fn Resent(reception: String) -> impl IntoView {
    let texts = use_texts(&CORP);
    let node = NodeRef::<html::Div>::new();
    Effect::new(move |_| {
        if let Some(el) = node.get() {
            // To the top: at the bottom the sticky action bar would cover it.
            el.scroll_into_view_with_bool(true);
        }
    });
    view! {
        <div node_ref=node class="corp-resent" data-testid="corp-resent">
            <Received reception=reception title=Signal::derive(move || texts().resend_done)
                note=Signal::derive(move || texts().notice_done)/>
        </div>
    }
}

#[component]
fn Detail(
    detail: HistoryDetail,
    page: RwSignal<u32>,
    per_page: RwSignal<u32>,
    chosen: RwSignal<BTreeSet<i64>>,
) -> impl IntoView {
    let texts = use_texts(&CORP);
    let entry = detail.entry;
    let menu = entry.menu;
    let mails = menu.mails();
    let total = detail.lines.len() as u64;
    let lines = StoredValue::new(detail.lines);
    let values = detail.backup.zip(detail.migration);
    let csv = api::corp::history_detail_csv_href(&entry.reception_number);
    let window = move || {
        let size = per_page.get() as usize;
        let start = (page.get().saturating_sub(1) as usize) * size;
        (start, size)
    };
    // A line that needed no mail (a 4G feature phone) is not mailed again either.
    let select_page = move |on: bool| {
        let (start, size) = window();
        lines.with_value(|lines| {
            chosen.update(|c| {
                for line in lines.iter().skip(start).take(size) {
                    if !on {
                        c.remove(&line.line_id);
                    } else if line.status != LineResult::Skipped {
                        c.insert(line.line_id);
                    }
                }
            });
        });
    };
    let rows = move || {
        let (start, size) = window();
        lines.with_value(|lines| {
            lines
                .iter()
                .cloned()
                .enumerate()
                .skip(start)
                .take(size)
                .map(
                    |(i, line)| view! { <DetailRow line=line no=i + 1 mails=mails chosen=chosen/> },
                )
                .collect_view()
        })
    };
    view! {
        <dl class="corp-values corp-facts" data-testid="corp-detail-facts">
            <dt>{move || texts().col_reception}</dt>
            <dd data-testid="corp-detail-reception">{entry.reception_number.clone()}</dd>
            <dt>{move || texts().col_menu}</dt>
            <dd data-testid="corp-detail-menu">{move || texts().menu(menu)}</dd>
            {entry.resend_of.map(|of| {
                let href = format!("/corp/history/{of}");
                view! {
                    <dt>{move || texts().resend_of}</dt>
                    <dd><a href=href data-testid="corp-detail-resend-of">{of}</a></dd>
                }
            })}
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
            <CsvLink href=csv testid="corp-detail-csv"/>
        </div>
        <p class="corp-hint">{move || texts().japan_time}</p>
        {mails.then(|| view! {
            <div class="corp-page-actions">
                <button type="button" class="btn ghost corp-outline" data-testid="corp-detail-select-page"
                    on:click=move |_| select_page(true)>{move || texts().select_page}</button>
                <button type="button" class="btn ghost corp-outline" data-testid="corp-detail-clear-page"
                    on:click=move |_| select_page(false)>{move || texts().clear_page}</button>
            </div>
        })}
        <table class="corp-table" data-testid="corp-detail-table">
            <thead><tr>
                {mails.then(|| view! { <th scope="col">{move || texts().col_select}</th> })}
                <th scope="col">{move || texts().col_no}</th>
                <th scope="col">{move || texts().col_group}</th>
                <th scope="col">{move || texts().col_number}</th>
                <th scope="col">{move || texts().col_name}</th>
                <th scope="col">{move || texts().col_finished}</th>
                {(!mails).then(|| view! {
                    <th scope="col">{move || texts().backup}</th>
                    <th scope="col">{move || texts().migration}</th>
                })}
                <th scope="col">{move || texts().col_status}</th>
            </tr></thead>
            <tbody>{rows}</tbody>
        </table>
        <Pager page=page per_page=per_page total=Signal::derive(move || total) testid="corp-detail-pager"/>
    }
}

/// One line of an operation: when it finished, its result and why (in words). A mail's line
/// has a box to choose it for メール再送; a permission change's line shows the values set.
#[component]
fn DetailRow(
    line: HistoryLine,
    no: usize,
    mails: bool,
    chosen: RwSignal<BTreeSet<i64>>,
) -> impl IntoView {
    let texts = use_texts(&CORP);
    let lang = use_i18n().lang;
    let id = line.line_id;
    let skipped = line.status == LineResult::Skipped;
    let checked = move || chosen.with(|c| c.contains(&id));
    let (label_number, label_name) = (line.number.clone(), line.name.clone());
    let reason = line.reason.clone();
    view! {
        <tr data-testid="corp-detail-row" data-number=line.number.clone() data-line-id=id.to_string()
            data-status=line.status.as_str() class:chosen=checked class:cancelled=skipped>
            {mails.then(|| view! {
                <td class="corp-check-cell" data-label=move || texts().col_select>
                    <label class="corp-check">
                        <input type="checkbox" data-testid="corp-detail-check" disabled=skipped
                            aria-label=move || texts().select_line.replace("{number}", &label_number).replace("{name}", &label_name)
                            prop:checked=checked
                            on:change=move |ev| {
                                let on = event_target_checked(&ev);
                                chosen.update(|c| {
                                    if on {
                                        c.insert(id);
                                    } else {
                                        c.remove(&id);
                                    }
                                });
                            }/>
                    </label>
                </td>
            })}
            <td data-label=move || texts().col_no class="corp-num">{no}</td>
            <td data-label=move || texts().col_group>{line.group.clone().unwrap_or_default()}</td>
            <td data-label=move || texts().col_number class="corp-number">{line.number.clone()}</td>
            <td data-label=move || texts().col_name>{line.name.clone()}</td>
            <td data-label=move || texts().col_finished class="corp-time" data-testid="corp-detail-time">
                {line.finished_at.as_deref().map_or_else(|| "—".to_owned(), japan_time)}
            </td>
            {(!mails).then(|| view! {
                <td data-label=move || texts().backup>{line.backup.map(|on| view! { <Allowed on=on/> })}</td>
                <td data-label=move || texts().migration>{line.migration.map(|on| view! { <Allowed on=on/> })}</td>
            })}
            <td data-label=move || texts().col_status class="corp-wide" data-testid="corp-detail-status">
                <LineResultMark status=line.status/>
                {reason.map(|r| view! {
                    <small class="corp-why" data-testid="corp-detail-reason">{move || reason_text(&r, lang.get())}</small>
                })}
            </td>
        </tr>
    }
}
