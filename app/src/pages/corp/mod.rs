//! `/corp/…`: the corporate console (SPEC C1–C9), for the admins of a company. The frame
//! (`CorpFrame`) asks the server who the admin is once and shows the company and the admin's
//! name above every page; the service menu leads to the permission settings
//! (`permissions.rs`), the two mail menus — app download request and sign-in code notice, one
//! page (`mail.rs`) —, the history (`history.rs`), the lines import (`import.rs`) and, for the
//! main admin, the admins (`admins.rs`). Both ways of choosing lines are one component
//! (`selector.rs`). Tables turn into cards on a phone (`data-label` names each cell).

mod admins;
mod history;
mod import;
mod mail;
mod permissions;
mod selector;

pub use admins::CorpAdmins;
pub use history::{CorpHistory, CorpHistoryDetail};
pub use import::CorpImport;
pub use mail::{CorpAppDownload, CorpNotice};
pub use permissions::CorpPermissions;

use hako_protocol::{AdminRole, CorpAdminMe, CorpLine, ErrorCode, PAGE_SIZES};
use leptos::prelude::*;
use leptos_router::components::{A, Outlet};

use crate::{
    api::{self, ClientError},
    components::{form::ErrorMessage, shell::TopBar},
    i18n::{COMMON, CORP, use_texts},
    query::from_name,
};

/// Lines a 完了 screen hands to the next mail page, to come chosen there (the permission
/// change's to the app download request or the notice, the request's to the notice).
#[derive(Clone, Copy)]
pub struct Handoff(pub RwSignal<Vec<CorpLine>>);

/// The frame of every console page: who is signed in, for which company; an account that is
/// no admin reads why instead.
#[component]
pub fn CorpFrame() -> impl IntoView {
    let common = use_texts(&COMMON);
    let texts = use_texts(&CORP);
    let me = LocalResource::new(api::corp::me);
    provide_context(Handoff(RwSignal::new(Vec::new())));
    let body = move || match me.get() {
        None => {
            view! { <p class="list-note" role="status">{move || common().loading}</p> }.into_any()
        }
        Some(Err(error)) => view! {
            <section class="corp-card">
                <ErrorMessage error=RwSignal::new(Some(error)) testid="corp-denied"/>
                <a class="btn ghost" href="/">{move || common().go_home}</a>
            </section>
        }
        .into_any(),
        Some(Ok(me)) => {
            provide_context(me.clone());
            view! { <CorpHeader me=me/> <Outlet/> }.into_any()
        }
    };
    view! {
        <div class="app-frame" data-testid="corp-page">
            <TopBar title=move || texts().title/>
            <main class="tab-page page-corp">{body}</main>
        </div>
    }
}

#[component]
fn CorpHeader(me: CorpAdminMe) -> impl IntoView {
    let texts = use_texts(&CORP);
    let role = me.role;
    view! {
        <header class="corp-header">
            <p class="corp-company">
                <span class="corp-label">{move || texts().company}</span>
                <strong data-testid="corp-company-name">{me.company_name}</strong>
            </p>
            <p class="corp-admin">
                <span class="corp-label">{move || texts().admin}</span>
                <span data-testid="corp-admin-name">{me.admin_name}</span>
                <span class="corp-role" data-testid="corp-admin-role">{move || match role {
                    AdminRole::Main => texts().role_main,
                    AdminRole::Sub => texts().role_sub,
                }}</span>
            </p>
            <nav class="corp-nav" aria-label=move || texts().service_menu>
                <A href="/corp" exact=true attr:data-testid="corp-nav-menu">{move || texts().service_menu}</A>
                <A href="/corp/permissions" attr:data-testid="corp-nav-permissions">{move || texts().permissions}</A>
                <A href="/corp/app-download" attr:data-testid="corp-nav-app-download">{move || texts().app_download_menu}</A>
                <A href="/corp/password-notice" attr:data-testid="corp-nav-notice">{move || texts().notice}</A>
                <A href="/corp/history" attr:data-testid="corp-nav-history">{move || texts().history}</A>
                <A href="/corp/lines/import" attr:data-testid="corp-nav-import">{move || texts().import}</A>
                {(role == AdminRole::Main).then(|| view! {
                    <A href="/corp/admins" attr:data-testid="corp-nav-admins">{move || texts().admins}</A>
                })}
            </nav>
        </header>
    }
}

/// サービスメニュー: what each part does, a 「次へ」 to each, and the seed's notes.
#[component]
pub fn CorpMenu() -> impl IntoView {
    let texts = use_texts(&CORP);
    let me = expect_context::<CorpAdminMe>();
    let main = me.role == AdminRole::Main;
    let item = move |href: &'static str,
                     testid: &'static str,
                     title: fn(&'static crate::i18n::CorpTexts) -> &'static str,
                     desc: fn(&'static crate::i18n::CorpTexts) -> &'static str| {
        view! {
            <li class="corp-menu-item">
                <h3>{move || title(texts())}</h3>
                <p>{move || desc(texts())}</p>
                <a class="btn ghost corp-next" href=href data-testid=testid>{move || texts().next}</a>
            </li>
        }
    };
    view! {
        <section class="corp-card" aria-labelledby="corp-menu-title">
            <h2 id="corp-menu-title">{move || texts().service_menu}</h2>
            <p class="corp-lead">{move || texts().service_lead}</p>
            <ul class="corp-menu">
                {item("/corp/permissions", "corp-menu-permissions", |t| t.permissions, |t| t.permissions_desc)}
                {item("/corp/app-download", "corp-menu-app-download", |t| t.app_download, |t| t.app_download_desc)}
                {item("/corp/password-notice", "corp-menu-notice", |t| t.notice, |t| t.notice_desc)}
                {item("/corp/history", "corp-menu-history", |t| t.history, |t| t.history_desc)}
                {item("/corp/lines/import", "corp-menu-import", |t| t.import, |t| t.import_desc)}
                {main.then(|| item("/corp/admins", "corp-menu-admins", |t| t.admins, |t| t.admins_desc))}
            </ul>
            <Notes/>
        </section>
    }
}

/// ご注意: the hours, the lag, the limit.
#[component]
fn Notes() -> impl IntoView {
    let texts = use_texts(&CORP);
    view! {
        <div class="corp-notes">
            <h3>{move || texts().notes_heading}</h3>
            <ul>
                <li>{move || texts().note_hours}</li>
                <li>{move || texts().note_lag}</li>
                <li>{move || texts().note_limit}</li>
            </ul>
        </div>
    }
}

/// Where the three steps of a change are: 対象回線の選択と設定 → 確認 → 完了.
#[component]
fn Steps(current: Signal<u8>) -> impl IntoView {
    let texts = use_texts(&CORP);
    let step = move |n: u8, label: fn(&'static crate::i18n::CorpTexts) -> &'static str| {
        view! {
            <li class:active=move || current.get() == n
                aria-current=move || (current.get() == n).then_some("step")>{move || label(texts())}</li>
        }
    };
    view! {
        <ol class="steps corp-steps" data-testid="corp-steps">
            {step(1, |t| t.step_choose)}
            {step(2, |t| t.step_confirm)}
            {step(3, |t| t.step_done)}
        </ol>
    }
}

/// 20/50/100件表示; a new size starts at the first page.
#[component]
fn PerPage(
    per_page: RwSignal<u32>,
    page: RwSignal<u32>,
    #[prop(into)] testid: String,
) -> impl IntoView {
    let texts = use_texts(&CORP);
    view! {
        <select class="corp-select" data-testid=testid aria-label=move || texts().per_page.replace("{n}", "")
            on:change=move |ev| {
                if let Ok(size) = event_target_value(&ev).parse() {
                    per_page.set(size);
                    page.set(1);
                }
            }>
            {PAGE_SIZES.iter().map(|&size| view! {
                <option value=size.to_string() prop:selected=move || per_page.get() == size>
                    {move || texts().per_page.replace("{n}", &size.to_string())}
                </option>
            }).collect_view()}
        </select>
    }
}

/// 前へ · n / m ページ · 次へ.
#[component]
fn Pager(
    page: RwSignal<u32>,
    #[prop(into)] per_page: Signal<u32>,
    #[prop(into)] total: Signal<u64>,
    #[prop(into)] testid: String,
) -> impl IntoView {
    let texts = use_texts(&CORP);
    let pages = move || {
        let per = u64::from(per_page.get().max(1));
        u32::try_from(total.get().div_ceil(per).max(1)).unwrap_or(u32::MAX)
    };
    let label = move || {
        texts()
            .page_of
            .replace("{page}", &page.get().to_string())
            .replace("{pages}", &pages().to_string())
    };
    view! {
        <nav class="corp-pager" data-testid=testid.clone() aria-label=label>
            <button type="button" class="btn ghost" data-testid=format!("{testid}-prev")
                disabled=move || { page.get() <= 1 } on:click=move |_| page.update(|p| *p = p.saturating_sub(1).max(1))>
                {move || texts().prev_page}
            </button>
            <span class="corp-page" data-testid=format!("{testid}-page")>{label}</span>
            <button type="button" class="btn ghost" data-testid=format!("{testid}-next")
                disabled=move || { page.get() >= pages() } on:click=move |_| page.update(|p| *p += 1)>
                {move || texts().next_page}
            </button>
        </nav>
    }
}

/// 利用可 / 利用不可 as a mark and a word, so it reads without colour.
#[component]
fn Allowed(on: bool) -> impl IntoView {
    let texts = use_texts(&CORP);
    view! {
        <span class="corp-flag" class:on=on data-testid="corp-flag" data-on=on.to_string()>
            <span aria-hidden="true">{if on { "○" } else { "×" }}</span>
            " "{move || texts().allowed(on)}
        </span>
    }
}

/// Why a line of an operation failed or was skipped, from its reason's wire name.
fn reason_text(reason: &str, lang: hako_protocol::Lang) -> String {
    let texts = CORP.get(lang);
    match reason {
        "no_mail_address" => texts.reason_no_mail.to_owned(),
        "mail_refused" => texts.reason_mail_refused.to_owned(),
        "no_app_needed" => texts.reason_no_app.to_owned(),
        other => from_name::<ErrorCode>(other)
            .map_or_else(|| other.to_owned(), |code| code.message(lang).to_owned()),
    }
}

/// A rule the page checked itself, shown as the server would word it.
fn refused(code: ErrorCode) -> Option<ClientError> {
    Some(super::local_error(code))
}

/// From / to Japan dates (`YYYY-MM-DD`; the browser's date picker), under one legend.
#[component]
fn Period(
    #[prop(into)] legend: Signal<&'static str>,
    from: RwSignal<String>,
    to: RwSignal<String>,
    #[prop(into)] testid: String,
) -> impl IntoView {
    let texts = use_texts(&CORP);
    view! {
        <fieldset class="corp-field corp-period">
            <legend>{move || legend.get()}</legend>
            <input type="date" data-testid=format!("{testid}-from")
                aria-label=move || format!("{} {}", legend.get(), texts().period_from)
                prop:value=move || from.get() on:input=move |ev| from.set(event_target_value(&ev))/>
            <span>{move || texts().period_from}</span>
            <input type="date" data-testid=format!("{testid}-to")
                aria-label=move || format!("{} {}", legend.get(), texts().period_to)
                prop:value=move || to.get() on:input=move |ev| to.set(event_target_value(&ev))/>
            <span>{move || texts().period_to}</span>
        </fieldset>
    }
}

/// 「CSVダウンロード」: a plain link, so the browser saves the server's file (its name, the
/// BOM Excel needs) and the session cookie goes with it.
#[component]
fn CsvLink(#[prop(into)] href: Signal<String>, #[prop(into)] testid: String) -> impl IntoView {
    let texts = use_texts(&CORP);
    view! {
        <a class="btn ghost corp-outline corp-csv" href=move || href.get() download="" data-testid=testid>
            <span aria-hidden="true">"⤓ "</span>{move || texts().csv_download}
        </a>
    }
}
