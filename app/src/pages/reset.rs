//! `/password-reset` (SPEC A5): the address, then the mailed code and a new password.

use hako_protocol::{
    PasswordResetRequest, PasswordResetVerify, normalize_email, validate_password,
};
use leptos::{ev::SubmitEvent, prelude::*};
use leptos_router::hooks::use_navigate;

use super::local_error;
use crate::{
    api,
    auth::use_auth,
    components::{
        form::{ErrorMessage, Field, SubmitButton, follow},
        resend::ResendCode,
        shell::AuthCard,
    },
    i18n::{AUTH, COMMON, use_texts},
};

#[component]
pub fn PasswordReset() -> impl IntoView {
    let common = use_texts(&COMMON);
    let texts = use_texts(&AUTH);
    let auth = use_auth();
    let navigate = use_navigate();
    let email = RwSignal::new(String::new());
    let code = RwSignal::new(String::new());
    let new_password = RwSignal::new(String::new());
    let error = RwSignal::new(None);
    let code_sent = RwSignal::new(false);

    let request = Action::new_local(move |_: &()| {
        let email = email.get_untracked();
        async move { api::accounts::request_password_reset(&PasswordResetRequest { email }).await }
    });
    Effect::new(move |_| match request.value().get() {
        Some(Ok(_)) => {
            error.set(None);
            code_sent.set(true);
        }
        // Once on the code step, the resend control shows its own refusals.
        Some(Err(e)) if !code_sent.get_untracked() => error.set(Some(e)),
        _ => {}
    });
    let reset = Action::new_local(move |body: &PasswordResetVerify| {
        let body = body.clone();
        async move { api::accounts::reset_password(&body).await }
    });
    follow(reset, error, move |me| {
        auth.signed_in(me);
        navigate("/", Default::default());
    });

    let on_email = move |ev: SubmitEvent| {
        ev.prevent_default();
        match normalize_email(&email.get_untracked()) {
            Ok(normalized) => {
                email.set(normalized);
                request.dispatch(());
            }
            Err(code) => error.set(Some(local_error(code))),
        }
    };
    let on_reset = move |ev: SubmitEvent| {
        ev.prevent_default();
        let password = new_password.get_untracked();
        if let Err(code) = validate_password(&password) {
            error.set(Some(local_error(code)));
            return;
        }
        reset.dispatch(PasswordResetVerify {
            email: email.get_untracked(),
            code: code.get_untracked(),
            new_password: password,
        });
    };

    view! {
        <AuthCard title=move || texts().reset_title>
            <Show when=move || !code_sent.get()
                fallback=move || view! {
                    <form on:submit=on_reset data-testid="reset-code-form" novalidate>
                        <p class="lead">{move || texts().reset_code_intro}</p>
                        <p class="chosen-email" data-testid="reset-chosen-email">{move || email.get()}</p>
                        <Field id="reset-code" testid="reset-code" label=move || common().code value=code
                            autocomplete="one-time-code" inputmode="numeric" focus=true/>
                        <Field id="reset-new-password" testid="reset-new-password" label=move || common().new_password
                            value=new_password kind="password" autocomplete="new-password" hint=move || common().password_hint/>
                        <ErrorMessage error=error testid="reset-error"/>
                        <SubmitButton label=move || texts().reset_submit pending=reset.pending().into() testid="reset-submit"/>
                    </form>
                    <ResendCode resend=request error=error/>
                }>
                <form on:submit=on_email data-testid="reset-email-form" novalidate>
                    <p class="lead">{move || texts().reset_intro}</p>
                    <Field id="reset-email" testid="reset-email" label=move || texts().email value=email
                        kind="email" autocomplete="username" inputmode="email" focus=true/>
                    <ErrorMessage error=error testid="reset-error"/>
                    <SubmitButton label=move || common().send_code pending=request.pending().into() testid="reset-send"/>
                </form>
            </Show>
            <nav class="card-links">
                <a href="/signin" data-testid="reset-to-signin">{move || texts().back_to_sign_in}</a>
            </nav>
        </AuthCard>
    }
}
