//! "Send a new code", with the 60-second wait of SPEC A2 counted down on screen.

use std::time::Duration;

use hako_protocol::{CodeSent, ErrorBody};
use leptos::prelude::*;

use crate::{
    api::ClientError,
    components::form::duration,
    i18n::{COMMON, use_texts},
};

/// `resend` mails a new code; its answer restarts the countdown (or sets it to the
/// server's `retry_after`). `error` receives a refusal so the page shows it in one place.
#[component]
pub fn ResendCode(
    resend: Action<(), Result<CodeSent, ClientError>>,
    error: RwSignal<Option<ClientError>>,
    #[prop(default = 60)] wait_secs: u64,
) -> impl IntoView {
    let common = use_texts(&COMMON);
    let remaining = RwSignal::new(wait_secs);
    let resent = RwSignal::new(false);
    if let Ok(handle) = set_interval_with_handle(
        move || remaining.update(|r| *r = r.saturating_sub(1)),
        Duration::from_secs(1),
    ) {
        on_cleanup(move || handle.clear());
    }
    Effect::new(move |_| match resend.value().get() {
        Some(Ok(sent)) => {
            remaining.set(sent.resend_after_secs);
            resent.set(true);
            error.set(None);
        }
        Some(Err(e)) => {
            if let ClientError::Api(ErrorBody {
                retry_after_secs: Some(secs),
                ..
            }) = &e
            {
                remaining.set(*secs);
            }
            resent.set(false);
            error.set(Some(e));
        }
        None => {}
    });
    view! {
        <div class="resend">
            <button type="button" class="btn link" data-testid="code-resend"
                disabled=move || { remaining.get() > 0 || resend.pending().get() }
                on:click=move |_| { resend.dispatch(()); }>
                {move || common().resend_code}
                <Show when=move || { remaining.get() > 0 }>
                    <span class="countdown">
                        {move || format!("（{} {}）", common().resend_in, duration(remaining.get(), common()))}
                    </span>
                </Show>
            </button>
            <Show when=move || resent.get()>
                <p class="notice" role="status" data-testid="code-resent">{move || common().code_resent}</p>
            </Show>
        </div>
    }
}
