//! 利用可否設定 (SPEC C3–C6): STEP 1 chooses lines from the number list or by group and the
//! wanted value of each function; 確認 shows every line the change names (group members
//! read from the server) and sends it with an `Idempotency-Key`; 完了 gives the reception
//! number, the way to its history, and — when the change allowed something — the app download
//! request or the notice with the changed lines chosen. 戻る keeps
//! the choice: it lives in this page, not in the steps.

use hako_protocol::{CorpLine, Menu, PAGE_SIZES, PermissionChange};
use leptos::prelude::*;
use leptos_router::hooks::use_navigate;

use super::{
    Allowed, Handoff, Pager, PerPage, Steps,
    mail::{DoneActions, Received},
    selector::{ActionBar, GroupList, LineList, Selection},
};
use crate::{
    api::{self, ClientError},
    components::form::ErrorMessage,
    i18n::{COMMON, CORP, use_texts},
};

#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    Lines,
    Groups,
}

#[derive(Clone, PartialEq, Eq)]
enum Step {
    Choose,
    Confirm,
    Done(String),
}

#[component]
pub fn CorpPermissions() -> impl IntoView {
    let texts = use_texts(&CORP);
    let selection = Selection::new(Vec::new());
    let mode = RwSignal::new(Mode::Lines);
    let backup = RwSignal::new(false);
    let migration = RwSignal::new(false);
    let step = RwSignal::new(Step::Choose);
    let changed = RwSignal::new(Vec::<CorpLine>::new());
    let current = Signal::derive(move || match step.get() {
        Step::Choose => 1,
        Step::Confirm => 2,
        Step::Done(_) => 3,
    });
    let body = move || {
        match step.get() {
        Step::Choose => view! {
            <Choose selection=selection mode=mode backup=backup migration=migration step=step/>
        }
        .into_any(),
        Step::Confirm => view! {
            <Confirm selection=selection backup=backup migration=migration step=step changed=changed/>
        }
        .into_any(),
        Step::Done(reception) => {
            // The lines are "allowed" when the change turned either function on.
            let allowed = backup.get_untracked() || migration.get_untracked();
            view! { <Done reception=reception changed=changed allowed=allowed/> }.into_any()
        }
    }
    };
    view! {
        <section class="corp-card corp-flow" aria-labelledby="corp-permissions-title" data-testid="corp-permissions">
            <h2 id="corp-permissions-title">{move || texts().permissions}</h2>
            <Steps current=current/>
            {body}
        </section>
    }
}

#[component]
fn Choose(
    selection: Selection,
    mode: RwSignal<Mode>,
    backup: RwSignal<bool>,
    migration: RwSignal<bool>,
    step: RwSignal<Step>,
) -> impl IntoView {
    let texts = use_texts(&CORP);
    let tab = move |m: Mode, testid: &'static str| {
        let (title, desc) = match m {
            Mode::Lines => (
                (|t: &'static crate::i18n::CorpTexts| t.by_lines) as fn(_) -> _,
                (|t: &'static crate::i18n::CorpTexts| t.by_lines_desc) as fn(_) -> _,
            ),
            Mode::Groups => (
                (|t: &'static crate::i18n::CorpTexts| t.by_groups) as fn(_) -> _,
                (|t: &'static crate::i18n::CorpTexts| t.by_groups_desc) as fn(_) -> _,
            ),
        };
        view! {
            <button type="button" class="corp-mode" data-testid=testid
                aria-pressed=move || (mode.get() == m).to_string()
                on:click=move |_| mode.set(m)>
                <strong>{move || title(texts())}</strong>
                <small>{move || desc(texts())}</small>
            </button>
        }
    };
    let chosen_groups = move || {
        selection.groups.with(|g| {
            g.values()
                .map(|g| g.name.clone())
                .collect::<Vec<_>>()
                .join("、")
        })
    };
    let to_confirm = move |_| {
        if selection.ready() {
            step.set(Step::Confirm);
        }
    };
    view! {
        <div class="corp-modes" role="group">
            {tab(Mode::Lines, "corp-mode-lines")}
            {tab(Mode::Groups, "corp-mode-groups")}
        </div>
        <p class="corp-lead">{move || texts().choose_lead}</p>
        <fieldset class="corp-wanted" data-testid="corp-wanted">
            <legend>{move || texts().wanted_heading}</legend>
            <p class="corp-hint">{move || texts().wanted_hint}</p>
            <label class="corp-want">
                <input type="checkbox" data-testid="corp-want-backup" prop:checked=move || backup.get()
                    on:change=move |ev| backup.set(event_target_checked(&ev))/>
                <span>
                    <strong>{move || texts().backup}</strong>
                    <small>{move || texts().backup_desc}</small>
                </span>
            </label>
            <label class="corp-want">
                <input type="checkbox" data-testid="corp-want-migration" prop:checked=move || migration.get()
                    on:change=move |ev| migration.set(event_target_checked(&ev))/>
                <span>
                    <strong>{move || texts().migration}</strong>
                    <small>{move || texts().migration_desc}</small>
                </span>
            </label>
        </fieldset>
        <Show when=move || selection.groups.with(|g| !g.is_empty())>
            <p class="corp-chosen-groups" data-testid="corp-chosen-groups">
                {move || texts().chosen_groups}": "{chosen_groups}
            </p>
        </Show>
        {move || match mode.get() {
            Mode::Lines => view! { <LineList selection=selection purpose=Menu::PermissionChange/> }.into_any(),
            Mode::Groups => view! { <GroupList selection=selection/> }.into_any(),
        }}
        <ActionBar selection=selection>
            <a class="btn ghost" href="/corp" data-testid="corp-back">{move || texts().back}</a>
            <button type="button" class="btn primary corp-go" data-testid="corp-to-confirm" on:click=to_confirm>
                {move || texts().to_confirm}
            </button>
        </ActionBar>
    }
}

#[component]
fn Confirm(
    selection: Selection,
    backup: RwSignal<bool>,
    migration: RwSignal<bool>,
    step: RwSignal<Step>,
    changed: RwSignal<Vec<CorpLine>>,
) -> impl IntoView {
    let common = use_texts(&COMMON);
    let texts = use_texts(&CORP);
    let (want_backup, want_migration) = (backup.get_untracked(), migration.get_untracked());
    let chosen = selection
        .lines
        .get_untracked()
        .into_values()
        .collect::<Vec<_>>();
    let groups = selection.group_ids();
    let lines = LocalResource::new(move || Selection::resolve(chosen.clone(), groups.clone()));
    let page = RwSignal::new(1u32);
    let per_page = RwSignal::new(PAGE_SIZES[0]);
    let error = RwSignal::new(None::<ClientError>);
    let busy = RwSignal::new(false);
    // One key for this request however often it is sent (a double click, a retry).
    let key = StoredValue::new(api::corp::idempotency_key());
    let total = Signal::derive(move || {
        lines
            .get()
            .and_then(Result::ok)
            .map_or(0, |l| l.len() as u64)
    });
    let decide = move |_| {
        if busy.get_untracked() {
            return;
        }
        let change = PermissionChange {
            line_ids: selection.line_ids(),
            group_ids: selection.group_ids(),
            backup: want_backup,
            migration: want_migration,
        };
        busy.set(true);
        error.set(None);
        leptos::task::spawn_local(async move {
            match api::corp::permission_change(&change, &key.get_value()).await {
                Ok(reception) => {
                    changed.set(
                        lines
                            .get_untracked()
                            .and_then(Result::ok)
                            .unwrap_or_default(),
                    );
                    step.set(Step::Done(reception.reception_number));
                }
                Err(e) => error.set(Some(e)),
            }
            busy.set(false);
        });
    };
    let table = move || match lines.get() {
        None => {
            view! { <p class="list-note" role="status">{move || common().loading}</p> }.into_any()
        }
        Some(Err(e)) => {
            view! { <ErrorMessage error=RwSignal::new(Some(e)) testid="corp-confirm-load-error"/> }
                .into_any()
        }
        Some(Ok(all)) => {
            let size = per_page.get() as usize;
            let start = (page.get().saturating_sub(1) as usize) * size;
            view! {
                <table class="corp-table" data-testid="corp-confirm-table">
                    <thead><tr>
                        <th scope="col">{move || texts().col_no}</th>
                        <th scope="col">{move || texts().col_group}</th>
                        <th scope="col">{move || texts().col_number}</th>
                        <th scope="col">{move || texts().col_name}</th>
                        <th scope="col">{move || texts().backup}</th>
                        <th scope="col">{move || texts().migration}</th>
                    </tr></thead>
                    <tbody>
                        {all.into_iter().enumerate().skip(start).take(size).map(|(i, line)| view! {
                            <tr data-testid="corp-confirm-row" data-number=line.number.clone()>
                                <td data-label=move || texts().col_no class="corp-num">{i + 1}</td>
                                <td data-label=move || texts().col_group>{line.group.clone().unwrap_or_default()}</td>
                                <td data-label=move || texts().col_number class="corp-number">{line.number.clone()}</td>
                                <td data-label=move || texts().col_name>{line.name.clone()}</td>
                                <td data-label=move || texts().backup><Change now=line.backup wanted=want_backup/></td>
                                <td data-label=move || texts().migration><Change now=line.migration wanted=want_migration/></td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            }
            .into_any()
        }
    };
    view! {
        <p class="corp-lead">{move || texts().confirm_lead}</p>
        <dl class="corp-values" data-testid="corp-confirm-values">
            <dt>{move || texts().backup}</dt>
            <dd data-testid="corp-confirm-backup"><Allowed on=want_backup/></dd>
            <dt>{move || texts().migration}</dt>
            <dd data-testid="corp-confirm-migration"><Allowed on=want_migration/></dd>
        </dl>
        <div class="corp-list-head">
            <p class="corp-count" data-testid="corp-target-count">
                {move || texts().target_count.replace("{n}", &total.get().to_string())}
            </p>
            <PerPage per_page=per_page page=page testid="corp-confirm-per-page"/>
        </div>
        {table}
        <Pager page=page per_page=per_page total=total testid="corp-confirm-pager"/>
        <div class="corp-actionbar">
            <ErrorMessage error=error testid="corp-confirm-error"/>
            <div class="corp-actions">
                <button type="button" class="btn ghost" data-testid="corp-back" disabled=move || busy.get()
                    on:click=move |_| step.set(Step::Choose)>{move || texts().back}</button>
                <button type="button" class="btn primary corp-go" data-testid="corp-decide"
                    disabled=move || busy.get() || lines.get().is_none_or(|l| l.is_err())
                    aria-busy=move || busy.get().to_string() on:click=decide>
                    <Show when=move || busy.get()><span class="spinner" aria-hidden="true"></span></Show>
                    {move || texts().decide}
                </button>
            </div>
        </div>
    }
}

/// The value a change sets, and the one in effect now when they differ.
#[component]
fn Change(now: bool, wanted: bool) -> impl IntoView {
    let texts = use_texts(&CORP);
    view! {
        <Allowed on=wanted/>
        {(now != wanted).then(|| view! {
            <small class="corp-now">"（"{move || texts().now_value}": "{move || texts().allowed(now)}"）"</small>
        })}
    }
}

/// 完了: the reception number; when the change allowed something, the way on to the app
/// download request (the seed's button) or the notice, with the changed lines chosen.
#[component]
fn Done(reception: String, changed: RwSignal<Vec<CorpLine>>, allowed: bool) -> impl IntoView {
    let texts = use_texts(&CORP);
    let navigate = use_navigate();
    let handoff = expect_context::<Handoff>();
    let hand_to = move |path: &'static str| {
        let navigate = navigate.clone();
        move |_| {
            handoff.0.set(changed.get_untracked());
            navigate(path, Default::default());
        }
    };
    view! {
        <Received reception=reception title=Signal::derive(move || texts().done_received)
            note=Signal::derive(move || texts().done_history)/>
        {allowed.then(|| view! { <p class="corp-lead">{move || texts().done_notice_lead}</p> })}
        <DoneActions onward=allowed>
            <button type="button" class="btn ghost corp-outline" data-testid="corp-done-notice"
                on:click=hand_to("/corp/password-notice")>{move || texts().to_notice}</button>
            <button type="button" class="btn primary corp-go" data-testid="corp-done-app-download"
                on:click=hand_to("/corp/app-download")>{move || texts().to_app_download}</button>
        </DoneActions>
    }
}
