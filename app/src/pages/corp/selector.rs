//! Choosing lines, written once for the permission change and the mails (app download
//! request, sign-in code notice): the number list (search over number, name and reading, a
//! group, for the app download request the date of its last mail, 20/50/100 a page,
//! ページ内全選択 / ページ内全解除, the list as CSV) and, for a permission change, the groups. The choice lives in [`Selection`]
//! and survives paging and searching; the count is always in view. The seed's three refusals
//! (none, over 200, a line outside the service) show while choosing, in its words.

use std::collections::{BTreeMap, BTreeSet};

use hako_protocol::{
    CorpGroup, CorpLine, ErrorCode, LineQuery, LineStatus, MAX_LINES_PER_OPERATION, Menu,
};
use leptos::{ev::SubmitEvent, prelude::*, task::spawn_local};

use super::{Allowed, CsvLink, Pager, PerPage, Period, refused};
use crate::{
    api::{self, ClientError},
    components::form::ErrorMessage,
    i18n::{COMMON, CORP, japan_time, use_texts},
};

/// The lines and groups chosen, and the company's number of lines (the count's 「/120件」).
#[derive(Clone, Copy)]
pub struct Selection {
    pub lines: RwSignal<BTreeMap<i64, CorpLine>>,
    pub groups: RwSignal<BTreeMap<i64, CorpGroup>>,
    pub total: RwSignal<u64>,
    /// What the seed would say about the choice now, shown beside the count.
    pub error: RwSignal<Option<ClientError>>,
}

impl Selection {
    pub fn new(lines: Vec<CorpLine>) -> Self {
        let selection = Self {
            lines: RwSignal::new(lines.into_iter().map(|l| (l.id, l)).collect()),
            groups: RwSignal::new(BTreeMap::new()),
            total: RwSignal::new(0),
            error: RwSignal::new(None),
        };
        let total = selection.total;
        spawn_local(async move {
            if let Ok(page) = api::corp::lines(&LineQuery::default()).await {
                total.set(page.total);
            }
        });
        // Over 200 is said at once; the message goes when the choice is right again.
        Effect::new(move |_| {
            let count = selection.count();
            let shown = selection.error.with_untracked(|e| match e {
                Some(ClientError::Api(body)) => Some(body.code),
                _ => None,
            });
            if count > MAX_LINES_PER_OPERATION {
                if shown != Some(ErrorCode::TooManyLines) {
                    selection.error.set(refused(ErrorCode::TooManyLines));
                }
            } else if matches!(
                shown,
                Some(ErrorCode::TooManyLines | ErrorCode::NoLinesSelected)
            ) && count > 0
            {
                selection.error.set(None);
            }
        });
        selection
    }

    /// Lines the choice names: chosen lines outside the chosen groups and every member of
    /// each chosen group (a line is in one group at most).
    pub fn count(&self) -> usize {
        let groups = self.groups.get();
        let members: u64 = groups.values().map(|g| g.members).sum();
        let alone = self.lines.with(|lines| {
            lines
                .values()
                .filter(|l| !l.group_id.is_some_and(|g| groups.contains_key(&g)))
                .count()
        });
        alone + usize::try_from(members).unwrap_or(usize::MAX)
    }

    /// The seed's refusals in its order: none, over 200, a line outside the service.
    pub fn problem(&self) -> Option<ErrorCode> {
        let count = self.count();
        let outside = self
            .lines
            .with(|l| l.values().any(|l| l.status != LineStatus::InService))
            || self.groups.with(|g| g.values().any(|g| !g.selectable));
        if count == 0 {
            Some(ErrorCode::NoLinesSelected)
        } else if count > MAX_LINES_PER_OPERATION {
            Some(ErrorCode::TooManyLines)
        } else if outside {
            Some(ErrorCode::LineNotInService)
        } else {
            None
        }
    }

    /// Checks the choice before going on; says why not when it cannot.
    pub fn ready(&self) -> bool {
        let problem = self.problem();
        self.error.set(problem.and_then(refused));
        problem.is_none()
    }

    pub fn line_ids(&self) -> Vec<i64> {
        self.lines.with_untracked(|l| l.keys().copied().collect())
    }

    pub fn group_ids(&self) -> Vec<i64> {
        self.groups.with_untracked(|g| g.keys().copied().collect())
    }

    /// Every line the choice names, members of the chosen groups read from the server,
    /// in number order.
    pub async fn resolve(
        lines: Vec<CorpLine>,
        groups: Vec<i64>,
    ) -> Result<Vec<CorpLine>, ClientError> {
        let chosen: BTreeSet<i64> = groups.iter().copied().collect();
        let mut out: BTreeMap<i64, CorpLine> = lines
            .into_iter()
            .filter(|l| !l.group_id.is_some_and(|g| chosen.contains(&g)))
            .map(|l| (l.id, l))
            .collect();
        for group in groups {
            let mut page = 1;
            loop {
                let query = LineQuery {
                    group: Some(group),
                    page: Some(page),
                    per_page: Some(100),
                    ..LineQuery::default()
                };
                let answer = api::corp::lines(&query).await?;
                let done = u64::from(page) * 100 >= answer.total || answer.lines.is_empty();
                out.extend(answer.lines.into_iter().map(|l| (l.id, l)));
                if done {
                    break;
                }
                page += 1;
            }
        }
        let mut all: Vec<CorpLine> = out.into_values().collect();
        all.sort_by(|a, b| a.number.cmp(&b.number));
        Ok(all)
    }
}

/// 「対象回線選択: 3件/120件」 and what is wrong with the choice, if anything.
#[component]
pub fn SelectionCount(selection: Selection, #[prop(into)] testid: String) -> impl IntoView {
    let texts = use_texts(&CORP);
    view! {
        <p class="corp-count" data-testid=testid aria-live="polite">
            {move || texts().selected(selection.count(), selection.total.get())}
        </p>
    }
}

/// The bar that stays at the bottom of the screen while choosing: the count, what is wrong
/// with the choice if anything, and the page's buttons (within thumb reach on a phone).
#[component]
pub fn ActionBar(selection: Selection, children: Children) -> impl IntoView {
    view! {
        <div class="corp-actionbar" data-testid="corp-actionbar">
            <SelectionCount selection=selection testid="corp-selected-count"/>
            <ErrorMessage error=selection.error testid="corp-selection-error"/>
            <div class="corp-actions">{children()}</div>
        </div>
    }
}

/// 携帯電話番号一覧から選択. `purpose` is the menu the list serves: an app download request
/// shows each line's phone and when its last request was mailed (依頼メール送信日時), and
/// filters by that date; the others show the two permissions.
#[component]
pub fn LineList(selection: Selection, purpose: Menu) -> impl IntoView {
    let common = use_texts(&COMMON);
    let texts = use_texts(&CORP);
    let requests = purpose == Menu::AppDownload;
    let draft = RwSignal::new(String::new());
    let draft_from = RwSignal::new(String::new());
    let draft_to = RwSignal::new(String::new());
    // What the list shows: the search as last submitted, without page and size.
    let applied = RwSignal::new(LineQuery::default());
    let page = RwSignal::new(1u32);
    let per_page = RwSignal::new(50u32);
    let groups = LocalResource::new(api::corp::groups);
    let list = LocalResource::new(move || {
        let query = LineQuery {
            page: Some(page.get()),
            per_page: Some(per_page.get()),
            ..applied.get()
        };
        async move { api::corp::lines(&query).await }
    });
    let shown = move || {
        list.get()
            .and_then(Result::ok)
            .map(|p| p.lines)
            .unwrap_or_default()
    };
    let found = Signal::derive(move || list.get().and_then(Result::ok).map_or(0, |p| p.total));
    let text = |s: RwSignal<String>| Some(s.get_untracked()).filter(|v| !v.trim().is_empty());
    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        applied.update(|q| {
            q.q = text(draft);
            q.requested_from = text(draft_from);
            q.requested_to = text(draft_to);
        });
        page.set(1);
    };
    let clear = move |_| {
        for s in [draft, draft_from, draft_to] {
            s.set(String::new());
        }
        applied.set(LineQuery::default());
        page.set(1);
    };
    let select_page = move |on: bool| {
        let lines = shown();
        selection.lines.update(|chosen| {
            for line in lines {
                if !on {
                    chosen.remove(&line.id);
                } else if line.status == LineStatus::InService {
                    chosen.insert(line.id, line);
                }
            }
        });
    };
    let first = move || (page.get().saturating_sub(1) as usize) * per_page.get() as usize;
    let rows = move || {
        match list.get() {
        None => view! { <p class="list-note" role="status">{move || common().loading}</p> }.into_any(),
        Some(Err(e)) => view! { <ErrorMessage error=RwSignal::new(Some(e)) testid="corp-lines-error"/> }.into_any(),
        Some(Ok(p)) if p.lines.is_empty() => {
            view! { <p class="list-note" data-testid="corp-lines-empty">{move || texts().no_lines}</p> }.into_any()
        }
        Some(Ok(p)) => {
            let start = first();
            view! {
                <table class="corp-table" data-testid="corp-lines-table">
                    <thead><tr>
                        <th scope="col">{move || texts().col_select}</th>
                        <th scope="col">{move || texts().col_no}</th>
                        <th scope="col">{move || texts().col_group}</th>
                        <th scope="col">{move || texts().col_number}</th>
                        <th scope="col">{move || texts().col_name}</th>
                        <th scope="col">{move || texts().col_status}</th>
                        {if requests {
                            view! {
                                <th scope="col">{move || texts().col_device}</th>
                                <th scope="col">{move || texts().col_requested}</th>
                            }.into_any()
                        } else {
                            view! {
                                <th scope="col">{move || texts().backup}</th>
                                <th scope="col">{move || texts().migration}</th>
                            }.into_any()
                        }}
                    </tr></thead>
                    <tbody>
                        {p.lines.into_iter().enumerate().map(|(i, line)| view! {
                            <LineRow line=line no=start + i + 1 selection=selection requests=requests/>
                        }).collect_view()}
                    </tbody>
                </table>
            }
            .into_any()
        }
    }
    };
    view! {
        <div class="corp-list" data-testid="corp-line-list">
            <form class="corp-tools" on:submit=submit role="search">
                <label class="corp-field">
                    <span>{move || texts().search_label}</span>
                    <input type="search" class="search" data-testid="corp-search"
                        prop:value=move || draft.get() on:input=move |ev| draft.set(event_target_value(&ev))/>
                </label>
                <label class="corp-field">
                    <span>{move || texts().group_filter}</span>
                    <select class="corp-select" data-testid="corp-group-filter"
                        on:change=move |ev| {
                            let chosen = event_target_value(&ev).parse().ok();
                            applied.update(|q| q.group = chosen);
                            page.set(1);
                        }>
                        <option value="" prop:selected=move || applied.with(|q| q.group.is_none())>{move || texts().any}</option>
                        {move || groups.get().and_then(Result::ok).unwrap_or_default().into_iter().map(|g| {
                            let id = g.id;
                            view! { <option value=id.to_string() prop:selected=move || applied.with(|q| q.group == Some(id))>{g.name}</option> }
                        }).collect_view()}
                    </select>
                </label>
                {requests.then(|| view! {
                    <Period legend=Signal::derive(move || texts().col_requested) from=draft_from to=draft_to testid="corp-requested"/>
                })}
                <div class="corp-tool-buttons">
                    <button type="submit" class="btn ghost corp-outline" data-testid="corp-search-submit">{move || texts().search}</button>
                    <button type="button" class="btn ghost" data-testid="corp-search-clear" on:click=clear>{move || texts().clear}</button>
                    <PerPage per_page=per_page page=page testid="corp-per-page"/>
                </div>
            </form>
            <div class="corp-list-head">
                <SelectionCount selection=selection testid="corp-selected-count-top"/>
                <p class="corp-hint">{move || texts().limit_note}</p>
                <CsvLink href=Signal::derive(move || api::corp::lines_csv_href(&applied.get())) testid="corp-lines-csv"/>
            </div>
            <div class="corp-page-actions">
                <button type="button" class="btn ghost corp-outline" data-testid="corp-select-page"
                    on:click=move |_| select_page(true)>{move || texts().select_page}</button>
                <button type="button" class="btn ghost corp-outline" data-testid="corp-clear-page"
                    on:click=move |_| select_page(false)>{move || texts().clear_page}</button>
                <span class="corp-hint">{move || texts().cancelled_note}</span>
            </div>
            {rows}
            <Pager page=page per_page=per_page total=found testid="corp-lines-pager"/>
        </div>
    }
}

#[component]
fn LineRow(line: CorpLine, no: usize, selection: Selection, requests: bool) -> impl IntoView {
    let texts = use_texts(&CORP);
    let id = line.id;
    let cancelled = line.status != LineStatus::InService;
    let status = line.status;
    let processing = line.processing;
    let (backup, migration) = (line.backup, line.migration);
    let device = line.device_kind;
    let requested = line.last_app_request_at.as_deref().map(japan_time);
    let number = line.number.clone();
    let name = line.name.clone();
    let group = line.group.clone().unwrap_or_default();
    let label_number = number.clone();
    let label_name = name.clone();
    let row_number = number.clone();
    let line = StoredValue::new(line);
    let checked = move || selection.lines.with(|l| l.contains_key(&id));
    view! {
        <tr data-testid="corp-line-row" data-line-id=id.to_string() data-number=row_number
            class:cancelled=cancelled class:chosen=checked>
            <td class="corp-check-cell" data-label=move || texts().col_select>
                <label class="corp-check">
                    <input type="checkbox" data-testid="corp-line-check"
                        aria-label=move || texts().select_line.replace("{number}", &label_number).replace("{name}", &label_name)
                        aria-disabled=cancelled.then_some("true")
                        prop:checked=checked
                        on:click=move |ev| {
                            if cancelled {
                                // Visibly not choosable; trying says why, in the seed's words.
                                ev.prevent_default();
                                selection.error.set(refused(ErrorCode::LineNotInService));
                            }
                        }
                        on:change=move |ev| {
                            let on = event_target_checked(&ev);
                            selection.lines.update(|l| {
                                if on {
                                    l.insert(id, line.get_value());
                                } else {
                                    l.remove(&id);
                                }
                            });
                        }/>
                </label>
            </td>
            <td data-label=move || texts().col_no class="corp-num">{no}</td>
            <td data-label=move || texts().col_group>{group}</td>
            <td data-label=move || texts().col_number class="corp-number" data-testid="corp-line-number">{number}</td>
            <td data-label=move || texts().col_name data-testid="corp-line-name">{name}</td>
            <td data-label=move || texts().col_status data-testid="corp-line-status">
                <span class="corp-status" class:cancelled=cancelled class:processing=processing>
                    {move || texts().line_status(status, processing)}
                </span>
            </td>
            {if requests {
                view! {
                    <td data-label=move || texts().col_device data-testid="corp-line-device" data-kind=device.as_str()>
                        {move || texts().device(device)}
                    </td>
                    <td data-label=move || texts().col_requested class="corp-time" data-testid="corp-line-requested">
                        {match requested.clone() {
                            Some(at) => at.into_any(),
                            None => view! { <span class="corp-muted">{move || texts().never_requested}</span> }.into_any(),
                        }}
                    </td>
                }.into_any()
            } else {
                view! {
                    <td data-label=move || texts().backup data-testid="corp-line-backup"><Allowed on=backup/></td>
                    <td data-label=move || texts().migration data-testid="corp-line-migration"><Allowed on=migration/></td>
                }.into_any()
            }}
        </tr>
    }
}

/// グループから選択: a group holding a line outside the service cannot be chosen, and says so.
#[component]
pub fn GroupList(selection: Selection) -> impl IntoView {
    let common = use_texts(&COMMON);
    let texts = use_texts(&CORP);
    let groups = LocalResource::new(api::corp::groups);
    let rows = move || match groups.get() {
        None => {
            view! { <p class="list-note" role="status">{move || common().loading}</p> }.into_any()
        }
        Some(Err(e)) => {
            view! { <ErrorMessage error=RwSignal::new(Some(e)) testid="corp-groups-error"/> }
                .into_any()
        }
        Some(Ok(list)) if list.is_empty() => {
            view! { <p class="list-note">{move || texts().no_groups}</p> }.into_any()
        }
        Some(Ok(list)) => view! {
            <table class="corp-table" data-testid="corp-groups-table">
                <thead><tr>
                    <th scope="col">{move || texts().col_select}</th>
                    <th scope="col">{move || texts().col_no}</th>
                    <th scope="col">{move || texts().col_group}</th>
                    <th scope="col">{move || texts().col_members}</th>
                    <th scope="col">{move || texts().col_status}</th>
                </tr></thead>
                <tbody>
                    {list.into_iter().enumerate().map(|(i, group)| view! {
                        <GroupRow group=group no=i + 1 selection=selection/>
                    }).collect_view()}
                </tbody>
            </table>
        }
        .into_any(),
    };
    view! {
        <div class="corp-list" data-testid="corp-group-list">
            <div class="corp-list-head">
                <SelectionCount selection=selection testid="corp-selected-count-top"/>
                <p class="corp-hint">{move || texts().group_blocked_note}</p>
            </div>
            {rows}
        </div>
    }
}

#[component]
fn GroupRow(group: CorpGroup, no: usize, selection: Selection) -> impl IntoView {
    let texts = use_texts(&CORP);
    let id = group.id;
    let blocked = !group.selectable;
    let members = group.members;
    let name = group.name.clone();
    let label_name = group.name.clone();
    let row_name = group.name.clone();
    let group = StoredValue::new(group);
    let checked = move || selection.groups.with(|g| g.contains_key(&id));
    view! {
        <tr data-testid="corp-group-row" data-group-id=id.to_string() data-name=row_name
            class:cancelled=blocked class:chosen=checked>
            <td class="corp-check-cell" data-label=move || texts().col_select>
                <label class="corp-check">
                    <input type="checkbox" data-testid="corp-group-check"
                        aria-label=move || texts().select_group.replace("{name}", &label_name)
                        aria-disabled=blocked.then_some("true")
                        aria-describedby=blocked.then(|| format!("corp-group-why-{id}"))
                        prop:checked=checked
                        on:click=move |ev| {
                            if blocked {
                                ev.prevent_default();
                                selection.error.set(refused(ErrorCode::LineNotInService));
                            }
                        }
                        on:change=move |ev| {
                            let on = event_target_checked(&ev);
                            selection.groups.update(|g| {
                                if on {
                                    g.insert(id, group.get_value());
                                } else {
                                    g.remove(&id);
                                }
                            });
                        }/>
                </label>
            </td>
            <td data-label=move || texts().col_no class="corp-num">{no}</td>
            <td data-label=move || texts().col_group data-testid="corp-group-name">{name}</td>
            <td data-label=move || texts().col_members data-testid="corp-group-members">
                {move || texts().members.replace("{n}", &members.to_string())}
            </td>
            <td data-label=move || texts().col_status data-testid="corp-group-status">
                {if blocked {
                    view! {
                        <span class="corp-status cancelled">{move || texts().group_blocked}</span>
                        <small class="corp-why" id=format!("corp-group-why-{id}")>{move || texts().group_blocked_note}</small>
                    }.into_any()
                } else {
                    view! { <span class="corp-status">{move || texts().in_service}</span> }.into_any()
                }}
            </td>
        </tr>
    }
}
