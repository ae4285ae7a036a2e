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
    i18n::use_i18n,
};

#[component]
pub fn Account() -> impl IntoView {
    let i18n = use_i18n();
    let auth = use_auth();
    let navigate = leptos_router::hooks::use_navigate();
    Effect::new(move |_| {
        if auth.checked.get() && auth.me.with(Option::is_none) {
            navigate("/signin", Default::default());
        }
    });
    let member = move || {
        auth.me.with(|me| match me.as_ref().map(|m| m.member_type) {
            Some(MemberType::Unlimited) => i18n.t().member_unlimited,
            _ => i18n.t().member_free,
        })
    };
    let key = move || {
        auth.me
            .with(|me| me.as_ref().and_then(|m| m.license_key_masked.clone()))
            .unwrap_or_else(|| i18n.t().license_none.to_owned())
    };
    view! {
        <div class="library" data-testid="account-page">
            <TopBar title=|t| t.account_title/>
            <main class="tab-page account">
                <section class="card account-card">
                    <dl class="room-facts">
                        <dt>{move || i18n.t().user_id}</dt>
                        <dd data-testid="account-email">{move || auth.me.with(|m| m.as_ref().map(|m| m.email.clone()).unwrap_or_default())}</dd>
                        <dt>{move || i18n.t().member_type}</dt>
                        <dd data-testid="account-member-type">{member}</dd>
                        <dt>{move || i18n.t().license_key}</dt>
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
    let i18n = use_i18n();
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
            <h2>{move || i18n.t().license_register}</h2>
            <form on:submit=submit novalidate>
                <Field label=|t| t.license_key value=key id="license-key" testid="license-key-input" inputmode="numeric"/>
                <ErrorMessage error=error testid="license-error"/>
                <Show when=move || done.get()>
                    <p class="notice" role="status" data-testid="license-done">{move || i18n.t().license_registered}</p>
                </Show>
                <SubmitButton label=|t| t.license_register pending=register.pending().into() testid="license-submit"/>
            </form>
        </section>
    }
}

#[component]
fn ChangeUserId() -> impl IntoView {
    let i18n = use_i18n();
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
            <h2>{move || i18n.t().change_user_id}</h2>
            <Show when=move || code_sent.get()
                fallback=move || view! {
                    <form on:submit=on_request novalidate>
                        <Field label=|t| t.new_user_id value=new_email id="new-email" testid="new-email-input" kind="email" autocomplete="email"/>
                        <Field label=|t| t.password value=password id="email-password" testid="email-password-input" kind="password" autocomplete="current-password"/>
                        <ErrorMessage error=error testid="email-error"/>
                        <Show when=move || done.get()>
                            <p class="notice" role="status" data-testid="email-done">{move || i18n.t().user_id_changed}</p>
                        </Show>
                        <SubmitButton label=|t| t.send_code pending=request.pending().into() testid="email-submit"/>
                    </form>
                }>
                <form on:submit=on_verify novalidate>
                    <p class="lead">{move || i18n.t().code_sent_to}" "<strong>{move || new_email.get()}</strong></p>
                    <Field label=|t| t.code value=code id="email-code" testid="email-code-input" inputmode="numeric" autocomplete="one-time-code" focus=true/>
                    <ErrorMessage error=error testid="email-code-error"/>
                    <SubmitButton label=|t| t.confirm pending=verify.pending().into() testid="email-code-submit"/>
                </form>
            </Show>
        </section>
    }
}

#[component]
fn ChangeOwnPassword() -> impl IntoView {
    let i18n = use_i18n();
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
            <h2>{move || i18n.t().change_password}</h2>
            <form on:submit=submit novalidate>
                <Field label=|t| t.current_password value=current id="current-password" testid="current-password-input" kind="password" autocomplete="current-password"/>
                <Field label=|t| t.new_password value=new_password id="changed-password" testid="new-password-input" kind="password" autocomplete="new-password" hint=|t| t.password_hint/>
                <ErrorMessage error=error testid="password-error"/>
                <Show when=move || done.get()>
                    <p class="notice" role="status" data-testid="password-done">{move || i18n.t().password_changed}</p>
                </Show>
                <SubmitButton label=|t| t.change_password pending=change.pending().into() testid="password-submit"/>
            </form>
        </section>
    }
}
