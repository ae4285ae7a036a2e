//! `/app-data`: app data backup from the browser (SPEC P2, P3, P5). The apps whose data the
//! account keeps (name, last backup, size, whether the app is still supported), deleting one
//! app's data or all of it, and each phone's two switches. Saving and restoring are the
//! apps' own, on the phones.

mod switches;

use hako_protocol::{AppDataEntry, Lang};
use leptos::{html, prelude::*, task::spawn_local};

use crate::{
    api::{self, ClientError},
    components::{dialog::Dialog, form::ErrorMessage, shell::TopBar},
    i18n::{APP_DATA, COMMON, format_size, japan_date_time, use_i18n, use_texts},
};

/// What the open confirmation would delete.
#[derive(Clone)]
enum Deleting {
    App(AppDataEntry),
    /// Every app's data; the number of apps listed.
    All(usize),
}

/// An app's name in the reader's language.
fn app_name(app: &AppDataEntry, lang: Lang) -> &str {
    match lang {
        Lang::Ja => &app.name_ja,
        Lang::En => &app.name_en,
    }
}

#[component]
pub fn AppData() -> impl IntoView {
    let common = use_texts(&COMMON);
    let texts = use_texts(&APP_DATA);
    let version = RwSignal::new(0u32);
    // Each answer says which reading it is, so focus moves only once a delete's is in.
    let apps = LocalResource::new(move || {
        let read = version.get();
        async move { (read, api::app_data::apps().await) }
    });
    let asking = RwSignal::new(None::<Deleting>);
    let error = RwSignal::new(None::<ClientError>);
    let deleted_all = RwSignal::new(None::<u32>);
    let heading = NodeRef::<html::H2>::new();
    // A deleted row takes its button with it: focus goes to the list's heading instead of
    // being lost, once the reading after the delete is in.
    let refocus = RwSignal::new(None::<u32>);
    Effect::new(move |_| {
        let read = apps.get().map(|(read, _)| read);
        if read.is_some() && read == refocus.get_untracked() {
            refocus.set(None);
            if let Some(heading) = heading.get_untracked() {
                let _ = heading.focus();
            }
        }
    });
    let list = move || match apps.get().map(|(_, list)| list) {
        None => {
            view! { <p class="list-note" role="status">{move || common().loading}</p> }.into_any()
        }
        Some(Err(e)) => {
            view! { <ErrorMessage error=RwSignal::new(Some(e)) testid="app-data-load-error"/> }
                .into_any()
        }
        Some(Ok(list)) if list.is_empty() => view! {
            <div class="app-data-empty" data-testid="app-data-empty">
                <h3>{move || texts().empty_title}</h3>
                <p>{move || texts().empty_body}</p>
            </div>
        }
        .into_any(),
        Some(Ok(mut list)) => {
            // The newest backups first, like the timeline.
            list.sort_by(|a, b| b.saved_at.cmp(&a.saved_at));
            let count = list.len();
            view! {
                <ul class="app-data-list">
                    {list.into_iter().map(|app| view! { <AppRow app=app asking=asking/> }).collect_view()}
                </ul>
                <button type="button" class="btn ghost danger app-data-delete-all" data-testid="app-data-delete-all"
                    on:click=move |_| asking.set(Some(Deleting::All(count)))>{move || texts().delete_all}</button>
            }
            .into_any()
        }
    };
    view! {
        <div class="app-frame" data-testid="app-data-page">
            <TopBar title=move || common().app_data_title/>
            <main class="tab-page page-app-data">
                <p class="app-data-lead">{move || texts().lead}</p>
                <section class="app-data-section" aria-labelledby="app-data-apps">
                    <h2 id="app-data-apps" node_ref=heading tabindex="-1">{move || texts().apps_heading}</h2>
                    <ErrorMessage error=error testid="app-data-error"/>
                    {move || deleted_all.get().map(|apps| view! {
                        <p class="notice" role="status" data-testid="app-data-deleted">
                            {move || texts().deleted_all.replace("{apps}", &texts().apps(apps as usize))}
                        </p>
                    })}
                    {list}
                </section>
                <switches::PhoneSwitches/>
            </main>
            <Show when=move || asking.with(Option::is_some)>
                <ConfirmDelete asking=asking version=version error=error deleted_all=deleted_all refocus=refocus/>
            </Show>
        </div>
    }
}

#[component]
fn AppRow(app: AppDataEntry, asking: RwSignal<Option<Deleting>>) -> impl IntoView {
    let texts = use_texts(&APP_DATA);
    let lang = use_i18n().lang;
    let app = StoredValue::new(app);
    let name = move || app.with_value(|app| app_name(app, lang.get()).to_owned());
    let (datetime, size, supported, app_id) = app.with_value(|app| {
        (
            app.saved_at.clone(),
            format_size(app.size),
            app.supported,
            app.app_id.clone(),
        )
    });
    view! {
        <li class="app-data-row" data-testid="app-data-row" data-app-id=app_id>
            <div class="app-data-text">
                <p class="app-data-title">
                    <strong data-testid="app-data-name">{name}</strong>
                    {(!supported).then(|| view! {
                        <span class="app-data-badge" data-testid="app-data-unsupported">{move || texts().unsupported}</span>
                    })}
                </p>
                <p class="app-data-meta">
                    <span>{move || texts().last_backup}" "<time datetime=datetime data-testid="app-data-saved-at">{
                        let at = datetime.clone();
                        move || japan_date_time(lang.get(), &at)
                    }</time></span>
                    <span>{move || texts().size}" "<span data-testid="app-data-size">{size}</span></span>
                </p>
                {(!supported).then(|| view! { <p class="app-data-note">{move || texts().unsupported_note}</p> })}
            </div>
            <button type="button" class="btn ghost danger" data-testid="app-data-delete"
                aria-label=move || texts().delete_label.replace("{name}", &name())
                on:click=move |_| asking.set(Some(Deleting::App(app.get_value())))>{move || texts().delete}</button>
        </li>
    }
}

/// The confirmation before data goes: what is deleted, how much, and that the apps on the
/// phones keep what they hold (UI.md).
#[component]
fn ConfirmDelete(
    asking: RwSignal<Option<Deleting>>,
    version: RwSignal<u32>,
    error: RwSignal<Option<ClientError>>,
    deleted_all: RwSignal<Option<u32>>,
    refocus: RwSignal<Option<u32>>,
) -> impl IntoView {
    let common = use_texts(&COMMON);
    let texts = use_texts(&APP_DATA);
    let lang = use_i18n().lang;
    let busy = RwSignal::new(false);
    let all = asking.with_untracked(|a| matches!(a, Some(Deleting::All(_))));
    let title = move || {
        let t = texts();
        asking.with(|a| match a {
            Some(Deleting::App(app)) => t.delete_title.replace("{name}", app_name(app, lang.get())),
            Some(Deleting::All(count)) => t.delete_all_title.replace("{apps}", &t.apps(*count)),
            None => String::new(),
        })
    };
    let body = move || {
        let t = texts();
        asking.with(|a| match a {
            Some(Deleting::App(app)) => t.delete_app_body(app.versions),
            Some(Deleting::All(count)) => t.delete_all_body.replace("{apps}", &t.apps(*count)),
            None => String::new(),
        })
    };
    let confirm = move |_| {
        let Some(what) = asking.get_untracked() else {
            return;
        };
        busy.set(true);
        error.set(None);
        deleted_all.set(None);
        spawn_local(async move {
            let result = match what {
                Deleting::App(app) => api::app_data::delete_app(&app.app_id).await,
                Deleting::All(_) => api::app_data::delete_all()
                    .await
                    .map(|done| deleted_all.set(Some(done.apps))),
            };
            if let Err(e) = result {
                error.set(Some(e));
            }
            // Read again either way: a failure may mean another device changed the list.
            refocus.set(Some(version.get_untracked() + 1));
            version.update(|v| *v += 1);
            busy.set(false);
            asking.set(None);
        });
    };
    let dismiss = Callback::new(move |()| {
        if !busy.get_untracked() {
            asking.set(None);
        }
    });
    view! {
        <Dialog on_close=dismiss class="dialog" backdrop="dialog-backdrop" role="alertdialog"
            labelledby="app-data-delete-title"
            testid=if all { "app-data-confirm-delete-all" } else { "app-data-confirm-delete" }>
            <h2 id="app-data-delete-title">{title}</h2>
            <p>{body}</p>
            <div class="dialog-actions">
                <button type="button" class="btn ghost" data-testid="app-data-confirm-cancel" disabled=move || busy.get()
                    on:click=move |_| asking.set(None)>{move || common().cancel}</button>
                <button type="button" class="btn danger-solid" data-testid="app-data-confirm-ok" disabled=move || busy.get()
                    aria-busy=move || busy.get().to_string() on:click=confirm>
                    {move || if all { texts().delete_all_confirm } else { texts().delete_confirm }}
                </button>
            </div>
        </Dialog>
    }
}
