//! `/signin` (SPEC V1, email path).

use hako_protocol::Credentials;
use leptos::{ev::SubmitEvent, prelude::*};
use leptos_router::{
    NavigateOptions,
    hooks::{use_navigate, use_query},
};
use serde::Deserialize;

use crate::{
    api,
    auth::{safe_next, use_auth},
    components::{
        form::{ErrorMessage, Field, SubmitButton, follow},
        providers::{ProviderButtons, provider_error},
        shell::AuthCard,
    },
    i18n::{AUTH, COMMON, use_texts},
    query::query_params,
};

/// `/signin?next=%2F%3Fitem%3D298`: the page the sign-in guard was asked for.
#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
struct NextQuery {
    #[serde(default)]
    next: Option<String>,
}

query_params!(NextQuery);

/// Where to go once signed in: the page asked for before sign-in, else the library.
fn after_sign_in() -> String {
    use_query::<NextQuery>()
        .with_untracked(|q| q.as_ref().ok().and_then(|q| q.next.clone()))
        .and_then(|next| safe_next(&next).map(str::to_owned))
        .unwrap_or_else(|| "/".to_owned())
}

/// The sign-in page leaves the history: Back from the page reached does not come here again.
fn replace() -> NavigateOptions {
    NavigateOptions {
        replace: true,
        ..Default::default()
    }
}

#[component]
pub fn SignIn() -> impl IntoView {
    let common = use_texts(&COMMON);
    let texts = use_texts(&AUTH);
    let auth = use_auth();
    let navigate = use_navigate();
    let email = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let error = RwSignal::new(provider_error());
    let next = StoredValue::new(after_sign_in());

    let already = navigate.clone();
    Effect::new(move |_| {
        if auth.me.with(Option::is_some) {
            already(&next.get_value(), replace());
        }
    });

    let submit = Action::new_local(move |credentials: &Credentials| {
        let credentials = credentials.clone();
        async move { api::accounts::signin(&credentials).await }
    });
    follow(submit, error, move |me| {
        error.set(None);
        auth.signed_in(me);
        navigate(&next.get_value(), replace());
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
            <ProviderButtons next=next.get_value()/>
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
