//! The library of an account with nothing backed up yet: the way to a first backup — the phone
//! app, the address to enter in it (with a QR code for the phone's camera, when the page is
//! open on a PC), the guide — and the storage the account has.

use hako_protocol::{AccountSetup, paths};
use leptos::prelude::*;

use crate::{
    api,
    components::icons::PhotosIcon,
    i18n::{LIBRARY, format_size, use_texts},
};

#[component]
pub fn FirstRun() -> impl IntoView {
    let texts = use_texts(&LIBRARY);
    let setup = LocalResource::new(api::accounts::setup);
    view! {
        <div class="empty first-run" data-testid="library-empty">
            <PhotosIcon/>
            <h2>{move || texts().library_empty_title}</h2>
            <p>{move || texts().library_empty_body}</p>
            {move || setup.get().and_then(Result::ok).map(|setup| view! { <Steps setup=setup/> })}
        </div>
    }
}

#[component]
fn Steps(setup: AccountSetup) -> impl IntoView {
    let texts = use_texts(&LIBRARY);
    let copied = RwSignal::new(false);
    let server = setup.server_url.clone();
    let copy = move |_| {
        let clipboard = window().navigator().clipboard();
        let _ = clipboard.write_text(&server);
        copied.set(true);
    };
    let usage = move || {
        let t = texts();
        let used = format_size(setup.used_bytes);
        match setup.quota_bytes {
            Some(quota) => t
                .first_usage
                .replace("{used}", &used)
                .replace("{quota}", &format_size(quota)),
            None => t.first_usage_unlimited.replace("{used}", &used),
        }
    };
    view! {
        <ol class="first-steps">
            <li>
                <strong>{move || texts().first_step_app}</strong>
                {match setup.app_url.clone() {
                    Some(url) => view! {
                        <a class="btn primary" href=url target="_blank" rel="noopener" data-testid="first-run-app">
                            {move || texts().first_get_app}
                        </a>
                    }.into_any(),
                    None => view! { <span>{move || texts().first_find_app}</span> }.into_any(),
                }}
            </li>
            <li>
                <strong>{move || texts().first_step_server}</strong>
                <span class="server-address">
                    <code data-testid="first-run-server">{setup.server_url.clone()}</code>
                    <button type="button" class="btn" data-testid="first-run-copy" on:click=copy>
                        {move || if copied.get() { texts().first_copied } else { texts().first_copy }}
                    </button>
                </span>
                <img class="qr" src=paths::account_setup_qr() width="148" height="148"
                    alt=move || texts().first_qr_alt data-testid="first-run-qr"/>
                <small class="qr-hint">{move || texts().first_qr_hint}</small>
            </li>
            <li>
                <strong>{move || texts().first_step_backup}</strong>
                <a href="/guide" data-testid="first-run-guide">{move || texts().first_guide}</a>
            </li>
        </ol>
        <p class="usage" data-testid="first-run-usage">{usage}</p>
    }
}
