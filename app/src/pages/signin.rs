//! `/signin` (SPEC V1, email path).

use hako_protocol::Credentials;
use leptos::{ev::SubmitEvent, prelude::*};
use leptos_router::hooks::use_navigate;

use crate::{
    api,
    auth::use_auth,
    components::{
        form::{ErrorMessage, Field, SubmitButton, follow},
        providers::{ProviderButtons, provider_error},
        shell::AuthCard,
    },
    i18n::{AUTH, COMMON, use_texts},
};

#[component]
pub fn SignIn() -> impl IntoView {
    let common = use_texts(&COMMON);
    let texts = use_texts(&AUTH);
    let auth = use_auth();
    let navigate = use_navigate();
    let email = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let error = RwSignal::new(provider_error());

    let already = navigate.clone();
    Effect::new(move |_| {
        if auth.me.with(Option::is_some) {
            already("/", Default::default());
        }
    });

    let submit = Action::new_local(move |credentials: &Credentials| {
        let credentials = credentials.clone();
        async move { api::accounts::signin(&credentials).await }
    });
    follow(submit, error, move |me| {
        error.set(None);
        auth.signed_in(me);
        navigate("/", Default::default());
    });
    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        submit.dispatch(Credentials {
            email: email.get_untracked(),
            password: password.get_untracked(),
        });
    };

    view! {
        <AuthCard title=move || texts().sign_in_title>
            <ProviderButtons/>
            <form on:submit=on_submit data-testid="signin-form" novalidate>
                <Field id="signin-email" testid="signin-email" label=move || texts().email value=email
                    kind="email" autocomplete="username" inputmode="email" focus=true/>
                <Field id="signin-password" testid="signin-password" label=move || common().password value=password
                    kind="password" autocomplete="current-password"/>
                <ErrorMessage error=error testid="signin-error"/>
                <SubmitButton label=move || texts().sign_in pending=submit.pending().into() testid="signin-submit"/>
            </form>
            <nav class="card-links">
                <a href="/password-reset" data-testid="signin-forgot">{move || texts().forgot_password}</a>
                <p>
                    {move || texts().no_account}" "
                    <a href="/signup" data-testid="signin-to-signup">{move || texts().create_account}</a>
                </p>
            </nav>
        </AuthCard>
    }
}
