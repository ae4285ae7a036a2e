//! 回線の取り込み (issue 15, SPEC C1): the company's lines from a CSV file. The file goes to
//! the server as it is (UTF-8 or Shift_JIS — the server tells them apart), first as a dry run
//! that lists what would be added and updated, then, on 「取り込む」, for real. A refused file
//! lists every bad row with its line, value and problem, so it can be fixed in one go.

use hako_protocol::{BadRow, ErrorCode, ImportPreview, LineChange, LineChangeKind, PAGE_SIZES};
use leptos::{prelude::*, task::spawn_local};
use wasm_bindgen::JsCast;

use super::{Pager, PerPage};
use crate::{
    api::{self, ClientError},
    components::form::ErrorMessage,
    i18n::{CORP, CorpTexts, use_i18n, use_texts},
};

/// Where the page is: nothing chosen, a file being read, its preview, the import done.
#[derive(Clone)]
enum State {
    Empty,
    Checking,
    Preview(ImportPreview),
    Done(ImportPreview),
}

#[component]
pub fn CorpImport() -> impl IntoView {
    let texts = use_texts(&CORP);
    // The chosen file itself (a browser object, so kept on this thread): sent twice, as is.
    let file = RwSignal::new_local(None::<web_sys::File>);
    let state = RwSignal::new(State::Empty);
    let error = RwSignal::new(None::<ClientError>);
    let busy = RwSignal::new(false);
    let input = NodeRef::<leptos::html::Input>::new();
    let run = move |dry_run: bool| {
        let Some(chosen) = file.get_untracked() else {
            return;
        };
        busy.set(true);
        error.set(None);
        if dry_run {
            state.set(State::Checking);
        }
        spawn_local(async move {
            match api::corp::import_lines(&chosen, dry_run).await {
                Ok(preview) if dry_run => state.set(State::Preview(preview)),
                Ok(done) => state.set(State::Done(done)),
                Err(e) => {
                    if dry_run {
                        state.set(State::Empty);
                    }
                    error.set(Some(e));
                }
            }
            busy.set(false);
        });
    };
    let choose = move |ev: leptos::ev::Event| {
        let picked = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
            .and_then(|el| el.files())
            .and_then(|files| files.get(0));
        file.set(picked);
        state.set(State::Empty);
        error.set(None);
        // Choosing is asking what the file would do: the dry run starts at once.
        run(true);
    };
    let again = move |_| {
        if let Some(el) = input.get_untracked() {
            el.set_value("");
            el.click();
        }
    };
    let bad_rows = move || {
        error.with(|e| match e {
            Some(ClientError::Api(body)) if body.code == ErrorCode::InvalidLinesCsv => {
                body.bad_rows.clone()
            }
            _ => None,
        })
    };
    let body = move || {
        match state.get() {
        State::Empty => ().into_any(),
        State::Checking => view! {
            <p class="list-note" role="status" data-testid="corp-import-checking">{move || texts().import_checking}</p>
        }
        .into_any(),
        State::Preview(preview) => {
            let nothing = preview.added + preview.updated == 0;
            view! {
                <section class="corp-import-result" aria-labelledby="corp-import-preview-title" data-testid="corp-import-preview">
                    <h3 id="corp-import-preview-title">{move || texts().import_preview_title}</h3>
                    <p class="corp-private">{move || if nothing { texts().import_nothing } else { texts().import_preview_note }}</p>
                    <Changes preview=preview/>
                    <div class="corp-actions">
                        <button type="button" class="btn ghost corp-outline" data-testid="corp-import-other" on:click=again>
                            {move || texts().import_other}
                        </button>
                        <button type="button" class="btn primary corp-go" data-testid="corp-import-apply"
                            disabled=move || busy.get() || nothing aria-busy=move || busy.get().to_string()
                            on:click=move |_| run(false)>
                            <Show when=move || busy.get()><span class="spinner" aria-hidden="true"></span></Show>
                            {move || texts().import_apply}
                        </button>
                    </div>
                </section>
            }
            .into_any()
        }
        State::Done(done) => view! {
            <section class="corp-import-result" data-testid="corp-import-done" role="status">
                <p class="corp-done-title" data-testid="corp-import-done-message">{move || texts().import_done}</p>
                <Changes preview=done/>
                <div class="corp-actions">
                    <button type="button" class="btn ghost corp-outline" data-testid="corp-import-other" on:click=again>
                        {move || texts().import_other}
                    </button>
                    <a class="btn primary corp-go" href="/corp/permissions" data-testid="corp-import-to-lines">
                        {move || texts().import_to_lines}
                    </a>
                </div>
            </section>
        }
        .into_any(),
    }
    };
    view! {
        <section class="corp-card corp-import" aria-labelledby="corp-import-title" data-testid="corp-import">
            <h2 id="corp-import-title">{move || texts().import}</h2>
            <p class="corp-lead">{move || texts().import_lead}</p>
            <Columns/>
            <div class="corp-file">
                <label class="corp-field" for="corp-import-file">
                    <span>{move || texts().import_file}</span>
                </label>
                <input node_ref=input id="corp-import-file" type="file" accept=".csv,text/csv"
                    data-testid="corp-import-file" aria-describedby="corp-import-file-hint"
                    disabled=move || busy.get() on:change=choose/>
                <p class="corp-hint" id="corp-import-file-hint">{move || texts().import_file_hint}</p>
            </div>
            <ErrorMessage error=error testid="corp-import-error"/>
            {move || bad_rows().map(|rows| view! { <BadRows rows=rows/> })}
            {body}
        </section>
    }
}

/// The columns the file needs, what each holds, and the rules around them.
#[component]
fn Columns() -> impl IntoView {
    let texts = use_texts(&CORP);
    view! {
        <details class="corp-columns" data-testid="corp-import-columns" open>
            <summary>{move || texts().import_columns_heading}</summary>
            <table class="corp-table corp-columns-table">
                <thead><tr>
                    <th scope="col">{move || texts().col_column}</th>
                    <th scope="col">{move || texts().col_meaning}</th>
                </tr></thead>
                <tbody>
                    {move || texts().import_columns.iter().map(|(key, label, rule)| view! {
                        <tr>
                            <td data-label=move || texts().col_column><code>{*key}</code></td>
                            <td data-label=move || texts().col_meaning><strong>{*label}</strong>" "<small>{*rule}</small></td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
            <ul class="corp-hint-list">
                {move || texts().import_notes.iter().map(|note| view! { <li>{*note}</li> }).collect_view()}
            </ul>
        </details>
    }
}

/// 追加 / 更新 / 変更なし, and each added or updated line with the columns that change.
#[component]
fn Changes(preview: ImportPreview) -> impl IntoView {
    let texts = use_texts(&CORP);
    let page = RwSignal::new(1u32);
    let per_page = RwSignal::new(PAGE_SIZES[1]);
    let total = preview.changes.len() as u64;
    let changes = StoredValue::new(preview.changes);
    let count =
        move |testid: &'static str, label: fn(&'static CorpTexts) -> &'static str, n: u64| {
            view! {
                <div class="corp-tally" data-testid=testid>
                    <dt>{move || label(texts())}</dt>
                    <dd>{move || texts().import_count.replace("{n}", &n.to_string())}</dd>
                </div>
            }
        };
    let rows = move || {
        let size = per_page.get() as usize;
        let start = (page.get().saturating_sub(1) as usize) * size;
        changes.with_value(|all| {
            all.iter()
                .cloned()
                .enumerate()
                .skip(start)
                .take(size)
                .map(|(i, change)| view! { <ChangeRow change=change no=i + 1/> })
                .collect_view()
        })
    };
    view! {
        <dl class="corp-tallies" data-testid="corp-import-counts">
            {count("corp-import-added", |t| t.import_added, preview.added)}
            {count("corp-import-updated", |t| t.import_updated, preview.updated)}
            {count("corp-import-unchanged", |t| t.import_unchanged, preview.unchanged)}
        </dl>
        // Paging only for a file with more changes than one page shows.
        {(total > u64::from(PAGE_SIZES[1])).then(|| view! {
            <div class="corp-list-head">
                <PerPage per_page=per_page page=page testid="corp-import-per-page"/>
            </div>
        })}
        {(total > 0).then(|| view! {
            <table class="corp-table" data-testid="corp-import-changes">
                <thead><tr>
                    <th scope="col">{move || texts().col_no}</th>
                    <th scope="col">{move || texts().col_number}</th>
                    <th scope="col">{move || texts().col_name}</th>
                    <th scope="col">{move || texts().col_change}</th>
                    <th scope="col">{move || texts().col_fields}</th>
                </tr></thead>
                <tbody>{rows}</tbody>
            </table>
        })}
        {(total > u64::from(PAGE_SIZES[1])).then(|| view! {
            <Pager page=page per_page=per_page total=Signal::derive(move || total) testid="corp-import-pager"/>
        })}
    }
}

#[component]
fn ChangeRow(change: LineChange, no: usize) -> impl IntoView {
    let texts = use_texts(&CORP);
    let kind = change.change;
    let fields = change.fields;
    let row_number = change.number.clone();
    view! {
        <tr data-testid="corp-import-change" data-number=row_number data-change=kind.as_str()>
            <td data-label=move || texts().col_no class="corp-num">{no}</td>
            <td data-label=move || texts().col_number class="corp-number">{change.number}</td>
            <td data-label=move || texts().col_name>{change.name}</td>
            <td data-label=move || texts().col_change>
                <span class="corp-status" class:ok=kind == LineChangeKind::Added class:processing=kind == LineChangeKind::Updated>
                    {move || match kind {
                        LineChangeKind::Added => texts().import_added,
                        LineChangeKind::Updated => texts().import_updated,
                        LineChangeKind::Unchanged => texts().import_unchanged,
                    }}
                </span>
            </td>
            <td data-label=move || texts().col_fields data-testid="corp-import-fields">
                {move || if fields.is_empty() {
                    "—".to_owned()
                } else {
                    fields.iter().map(|f| texts().column(f)).collect::<Vec<_>>().join("、")
                }}
            </td>
        </tr>
    }
}

/// Every refused row: 行 (the header is row 1), 値, 内容.
#[component]
fn BadRows(rows: Vec<BadRow>) -> impl IntoView {
    let texts = use_texts(&CORP);
    let lang = use_i18n().lang;
    let count = rows.len();
    let rows = StoredValue::new(rows);
    view! {
        <section class="corp-bad-rows" aria-labelledby="corp-bad-rows-title" data-testid="corp-import-bad-rows">
            <h3 id="corp-bad-rows-title">{move || texts().import_refused.replace("{n}", &count.to_string())}</h3>
            <table class="corp-table">
                <thead><tr>
                    <th scope="col">{move || texts().col_line}</th>
                    <th scope="col">{move || texts().col_value}</th>
                    <th scope="col">{move || texts().col_problem}</th>
                </tr></thead>
                <tbody>
                    {move || rows.with_value(|rows| rows.iter().map(|row| {
                        let value = row.value.clone();
                        let problem = row.problem.clone();
                        let empty = value.is_empty();
                        view! {
                            <tr data-testid="corp-import-bad-row" data-line=row.line.to_string()>
                                <td data-label=move || texts().col_line class="corp-num-shown" data-testid="corp-bad-line">{row.line}</td>
                                <td data-label=move || texts().col_value class="corp-value" data-testid="corp-bad-value">
                                    {if empty { view! { <span class="corp-muted">{move || texts().empty_value}</span> }.into_any() } else { view! { <code>{value}</code> }.into_any() }}
                                </td>
                                <td data-label=move || texts().col_problem class="corp-wide" data-testid="corp-bad-problem">
                                    {move || problem.message(lang.get())}
                                </td>
                            </tr>
                        }
                    }).collect_view())}
                </tbody>
            </table>
        </section>
    }
}
