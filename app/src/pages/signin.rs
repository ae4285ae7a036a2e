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
    i18n::use_i18n,
};

#[component]
pub fn SignIn() -> impl IntoView {
    let i18n = use_i18n();
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
        <AuthCard title=|t| t.sign_in_title>
            <ProviderButtons/>
            <form on:submit=on_submit data-testid="signin-form" novalidate>
                <Field id="signin-email" testid="signin-email" label=|t| t.email value=email
                    kind="email" autocomplete="username" inputmode="email" focus=true/>
                <Field id="signin-password" testid="signin-password" label=|t| t.password value=password
                    kind="password" autocomplete="current-password"/>
                <ErrorMessage error=error testid="signin-error"/>
                <SubmitButton label=|t| t.sign_in pending=submit.pending().into() testid="signin-submit"/>
            </form>
            <nav class="card-links">
                <a href="/password-reset" data-testid="signin-forgot">{move || i18n.t().forgot_password}</a>
                <p>
                    {move || i18n.t().no_account}" "
                    <a href="/signup" data-testid="signin-to-signup">{move || i18n.t().create_account}</a>
                </p>
            </nav>
        </AuthCard>
    }
}
