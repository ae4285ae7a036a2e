//! `/account`: account information (SPEC V17): member type, the license key (masked; it is
//! stored only as a keyed hash), registering a key, changing the user ID (confirmed by a code
//! sent to the new address) and the password (the account's other sessions end).

use hako_protocol::{ChangeEmail, ChangeEmailVerify, ChangePassword, MemberType};
use leptos::{ev::SubmitEvent, prelude::*};

use crate::{
    api::{self, ClientError},
    auth::use_auth,
    components::{
        form::{ErrorMessage, Field, SubmitButton, follow},
        shell::TopBar,
    },
    i18n::{ACCOUNT, COMMON, use_texts},
};

#[component]
pub fn Account() -> impl IntoView {
    let common = use_texts(&COMMON);
    let texts = use_texts(&ACCOUNT);
    let auth = use_auth();
    let member = move || {
        auth.me.with(|me| match me.as_ref().map(|m| m.member_type) {
            Some(MemberType::Unlimited) => texts().member_unlimited,
            _ => texts().member_free,
        })
    };
    let key = move || {
        auth.me
            .with(|me| me.as_ref().and_then(|m| m.license_key_masked.clone()))
            .unwrap_or_else(|| texts().license_none.to_owned())
    };
    view! {
        <div class="app-frame" data-testid="account-page">
            <TopBar title=move || common().account_title/>
            <main class="tab-page page-account">
                <section class="card account-card">
                    <dl class="room-facts">
                        <dt>{move || texts().user_id}</dt>
                        <dd data-testid="account-email">{move || auth.me.with(|m| m.as_ref().map(|m| m.email.clone()).unwrap_or_default())}</dd>
                        <dt>{move || texts().member_type}</dt>
                        <dd data-testid="account-member-type">{member}</dd>
                        <dt>{move || texts().license_key}</dt>
                        <dd data-testid="account-license-key">{key}</dd>
                    </dl>
                </section>
                <RegisterKey/>
                <ChangeUserId/>
                <ChangeOwnPassword/>
            </main>
        </div>
    }
}

#[component]
fn RegisterKey() -> impl IntoView {
    let texts = use_texts(&ACCOUNT);
    let auth = use_auth();
    let key = RwSignal::new(String::new());
    let error = RwSignal::new(None::<ClientError>);
    let done = RwSignal::new(false);
    let register = Action::new_local(move |key: &String| {
        let key = key.clone();
        async move { api::accounts::register_license(key).await }
    });
    follow(register, error, move |me| {
        auth.signed_in(me);
        key.set(String::new());
        done.set(true);
    });
    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        error.set(None);
        done.set(false);
        register.dispatch(key.get_untracked());
    };
    view! {
        <section class="card account-card">
            <h2>{move || texts().license_register}</h2>
            <form on:submit=submit novalidate>
                <Field label=move || texts().license_key value=key id="license-key" testid="license-key-input" inputmode="numeric"/>
                <ErrorMessage error=error testid="license-error"/>
                <Show when=move || done.get()>
                    <p class="notice" role="status" data-testid="license-done">{move || texts().license_registered}</p>
                </Show>
                <SubmitButton label=move || texts().license_register pending=register.pending().into() testid="license-submit"/>
            </form>
        </section>
    }
}

#[component]
fn ChangeUserId() -> impl IntoView {
    let common = use_texts(&COMMON);
    let texts = use_texts(&ACCOUNT);
    let auth = use_auth();
    let new_email = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let code = RwSignal::new(String::new());
    let error = RwSignal::new(None::<ClientError>);
    let code_sent = RwSignal::new(false);
    let done = RwSignal::new(false);
    let request = Action::new_local(move |body: &ChangeEmail| {
        let body = body.clone();
        async move { api::accounts::change_email(&body).await }
    });
    follow(request, error, move |_| code_sent.set(true));
    let verify = Action::new_local(move |body: &ChangeEmailVerify| {
        let body = body.clone();
        async move { api::accounts::verify_email_change(&body).await }
    });
    follow(verify, error, move |me| {
        auth.signed_in(me);
        code_sent.set(false);
        password.set(String::new());
        code.set(String::new());
        done.set(true);
    });
    let on_request = move |ev: SubmitEvent| {
        ev.prevent_default();
        error.set(None);
        done.set(false);
        request.dispatch(ChangeEmail {
            new_email: new_email.get_untracked(),
            password: password.get_untracked(),
        });
    };
    let on_verify = move |ev: SubmitEvent| {
        ev.prevent_default();
        error.set(None);
        verify.dispatch(ChangeEmailVerify {
            new_email: new_email.get_untracked(),
            code: code.get_untracked(),
        });
    };
    view! {
        <section class="card account-card">
            <h2>{move || texts().change_user_id}</h2>
            <Show when=move || code_sent.get()
                fallback=move || view! {
                    <form on:submit=on_request novalidate>
                        <Field label=move || texts().new_user_id value=new_email id="new-email" testid="new-email-input" kind="email" autocomplete="email"/>
                        <Field label=move || common().password value=password id="email-password" testid="email-password-input" kind="password" autocomplete="current-password"/>
                        <ErrorMessage error=error testid="email-error"/>
                        <Show when=move || done.get()>
                            <p class="notice" role="status" data-testid="email-done">{move || texts().user_id_changed}</p>
                        </Show>
                        <SubmitButton label=move || common().send_code pending=request.pending().into() testid="email-submit"/>
                    </form>
                }>
                <form on:submit=on_verify novalidate>
                    <p class="lead">{move || common().code_sent_to}" "<strong>{move || new_email.get()}</strong></p>
                    <Field label=move || common().code value=code id="email-code" testid="email-code-input" inputmode="numeric" autocomplete="one-time-code" focus=true/>
                    <ErrorMessage error=error testid="email-code-error"/>
                    <SubmitButton label=move || common().confirm pending=verify.pending().into() testid="email-code-submit"/>
                </form>
            </Show>
        </section>
    }
}

#[component]
fn ChangeOwnPassword() -> impl IntoView {
    let common = use_texts(&COMMON);
    let texts = use_texts(&ACCOUNT);
    let current = RwSignal::new(String::new());
    let new_password = RwSignal::new(String::new());
    let error = RwSignal::new(None::<ClientError>);
    let done = RwSignal::new(false);
    let change = Action::new_local(move |body: &ChangePassword| {
        let body = body.clone();
        async move { api::accounts::change_password(&body).await }
    });
    follow(change, error, move |()| {
        current.set(String::new());
        new_password.set(String::new());
        done.set(true);
    });
    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        error.set(None);
        done.set(false);
        change.dispatch(ChangePassword {
            current_password: current.get_untracked(),
            new_password: new_password.get_untracked(),
        });
    };
    view! {
        <section class="card account-card">
            <h2>{move || texts().change_password}</h2>
            <form on:submit=submit novalidate>
                <Field label=move || texts().current_password value=current id="current-password" testid="current-password-input" kind="password" autocomplete="current-password"/>
                <Field label=move || common().new_password value=new_password id="changed-password" testid="new-password-input" kind="password" autocomplete="new-password" hint=move || common().password_hint/>
                <ErrorMessage error=error testid="password-error"/>
                <Show when=move || done.get()>
                    <p class="notice" role="status" data-testid="password-done">{move || texts().password_changed}</p>
                </Show>
                <SubmitButton label=move || texts().change_password pending=change.pending().into() testid="password-submit"/>
            </form>
        </section>
    }
}
