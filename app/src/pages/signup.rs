//! Sign-up by email (SPEC V2): address → password → the mailed code → done.

use hako_protocol::{
    Credentials, ErrorCode, LicenseKey, MemberType, VerifyCode, normalize_email, validate_password,
};
use leptos::{ev::SubmitEvent, prelude::*};
use leptos_router::hooks::{use_navigate, use_query};
use serde::{Deserialize, Serialize};

use super::local_error;
use crate::{
    api,
    auth::use_auth,
    components::{
        form::{ErrorMessage, Field, SubmitButton, follow},
        icons::{CheckIcon, MailIcon},
        providers::ProviderButtons,
        resend::ResendCode,
        shell::AuthCard,
    },
    i18n::{AUTH, COMMON, use_texts},
    query::{query_params, with_query},
};

/// The address and password between the steps, kept only in memory: a new code needs
/// both, and the password must never be written anywhere in the browser.
#[derive(Clone, Copy)]
pub struct SignupDraft(pub RwSignal<Option<Credentials>>);

/// `/signup?key=…` from the contract site, `/signup/verify?email=…&key=…`, and
/// `/signup/done?license=refused` when the server did not take the key.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
struct SignupQuery {
    email: Option<String>,
    key: Option<String>,
    license: Option<String>,
}

query_params!(SignupQuery);

#[derive(Clone, Copy, PartialEq, Eq)]
enum Step {
    Email,
    Password,
}

#[component]
pub fn SignUp() -> impl IntoView {
    let common = use_texts(&COMMON);
    let texts = use_texts(&AUTH);
    let navigate = use_navigate();
    let draft = expect_context::<SignupDraft>().0;
    // A sign-up link from the contract site carries the license key (SPEC V2): shown, and its
    // check digit checked here, so a mistyped key is fixed (or dropped) before anything is sent.
    let key =
        RwSignal::new(use_query::<SignupQuery>().with_untracked(|q| q.as_ref().ok()?.key.clone()));
    let key_text = RwSignal::new(key.with_untracked(|k| {
        k.as_deref()
            .map(|raw| LicenseKey::parse(raw).map_or_else(|_| raw.to_owned(), |k| k.to_string()))
            .unwrap_or_default()
    }));
    let step = RwSignal::new(Step::Email);
    let email = RwSignal::new(draft.get_untracked().map(|d| d.email).unwrap_or_default());
    let password = RwSignal::new(String::new());
    let error = RwSignal::new(None);
    // A key whose check digit is wrong is named at once, before anything is typed.
    if key.with_untracked(|k| {
        k.as_deref()
            .is_some_and(|raw| LicenseKey::parse(raw).is_err())
    }) {
        error.set(Some(local_error(ErrorCode::LicenseKeyInvalid)));
    }

    let submit = Action::new_local(move |credentials: &Credentials| {
        let credentials = credentials.clone();
        async move {
            api::accounts::signup(&credentials)
                .await
                .map(|_| credentials)
        }
    });
    follow(submit, error, move |credentials| {
        let query = SignupQuery {
            email: Some(credentials.email.clone()),
            key: key.get_untracked(),
            license: None,
        };
        draft.set(Some(credentials));
        navigate(
            &with_query("/signup/verify".to_owned(), &query),
            Default::default(),
        );
    });

    let on_email = move |ev: SubmitEvent| {
        ev.prevent_default();
        if key.with_untracked(Option::is_some) {
            match LicenseKey::parse(&key_text.get_untracked()) {
                Ok(parsed) => {
                    key_text.set(parsed.to_string());
                    key.set(Some(parsed.to_string()));
                }
                Err(code) => {
                    error.set(Some(local_error(code)));
                    return;
                }
            }
        }
        match normalize_email(&email.get_untracked()) {
            Ok(normalized) => {
                email.set(normalized);
                error.set(None);
                step.set(Step::Password);
            }
            Err(code) => error.set(Some(local_error(code))),
        }
    };
    let on_password = move |ev: SubmitEvent| {
        ev.prevent_default();
        let chosen = password.get_untracked();
        if let Err(code) = validate_password(&chosen) {
            error.set(Some(local_error(code)));
            return;
        }
        error.set(None);
        submit.dispatch(Credentials {
            email: email.get_untracked(),
            password: chosen,
        });
    };

    view! {
        <AuthCard title=move || texts().signup_title>
            <Show when=move || step.get() == Step::Email>
                <ProviderButtons/>
            </Show>
            <ol class="steps" aria-hidden="true">
                <li class:active=move || step.get() == Step::Email>"1"</li>
                <li class:active=move || step.get() == Step::Password>"2"</li>
                <li>"3"</li>
            </ol>
            <Show when=move || step.get() == Step::Email>
                <form on:submit=on_email data-testid="signup-email-form" novalidate>
                    <p class="lead">{move || texts().signup_email_step}</p>
                    <Field id="signup-email" testid="signup-email" label=move || texts().email value=email
                        kind="email" autocomplete="email" inputmode="email" focus=true/>
                    <Show when=move || key.with(Option::is_some)>
                        <div class="license-from-link" data-testid="signup-license">
                            <Field id="signup-license-key" testid="signup-license-key" label=move || texts().license_key
                                value=key_text inputmode="numeric" hint=move || texts().license_from_link/>
                            <button type="button" class="btn link" data-testid="signup-drop-key"
                                on:click=move |_| { key.set(None); error.set(None); }>
                                {move || texts().license_drop}
                            </button>
                        </div>
                    </Show>
                    <ErrorMessage error=error testid="signup-error"/>
                    <SubmitButton label=move || texts().next pending=Signal::from(false) testid="signup-next"/>
                </form>
            </Show>
            <Show when=move || step.get() == Step::Password>
                <form on:submit=on_password data-testid="signup-password-form" novalidate>
                    <p class="lead">{move || texts().signup_password_step}</p>
                    <p class="chosen-email">
                        <span data-testid="signup-chosen-email">{move || email.get()}</span>
                        <button type="button" class="btn link" data-testid="signup-back"
                            on:click=move |_| { error.set(None); step.set(Step::Email); }>
                            {move || texts().back}
                        </button>
                    </p>
                    <Field id="signup-password" testid="signup-password" label=move || common().password value=password
                        kind="password" autocomplete="new-password" hint=move || common().password_hint focus=true/>
                    <ErrorMessage error=error testid="signup-error"/>
                    <SubmitButton label=move || common().send_code pending=submit.pending().into() testid="signup-submit"/>
                </form>
            </Show>
            <nav class="card-links">
                <p>
                    {move || texts().have_account}" "
                    <a href="/signin" data-testid="signup-to-signin">{move || texts().sign_in}</a>
                </p>
            </nav>
        </AuthCard>
    }
}

/// `/signup/verify?email=…`: the code from the mail.
#[component]
pub fn SignupVerify() -> impl IntoView {
    let common = use_texts(&COMMON);
    let texts = use_texts(&AUTH);
    let auth = use_auth();
    let navigate = use_navigate();
    let draft = expect_context::<SignupDraft>().0;
    let query = use_query::<SignupQuery>();
    let email = Memo::new(move |_| {
        query.with(|q| {
            q.as_ref()
                .ok()
                .and_then(|q| q.email.clone())
                .unwrap_or_default()
        })
    });
    let code = RwSignal::new(String::new());
    let error = RwSignal::new(None);

    let verify = Action::new_local(move |request: &VerifyCode| {
        let request = request.clone();
        async move { api::accounts::verify_signup(&request).await }
    });
    follow(verify, error, move |me| {
        draft.set(None);
        // The server creates the account even when it cannot take the key: say so on the next page.
        let sent_key = query.with_untracked(|q| q.as_ref().is_ok_and(|q| q.key.is_some()));
        let refused = sent_key && me.member_type == MemberType::Free;
        auth.signed_in(me);
        navigate(
            if refused {
                "/signup/done?license=refused"
            } else {
                "/signup/done"
            },
            Default::default(),
        );
    });
    let resend = Action::new_local(move |_: &()| {
        let credentials = draft.get_untracked();
        async move {
            match credentials {
                Some(credentials) => api::accounts::signup(&credentials).await,
                None => Err(local_error(ErrorCode::CodeExpired)),
            }
        }
    });
    // A new code after a reload needs the password again: that means starting over.
    let can_resend = move || draft.with(|d| d.as_ref().is_some_and(|d| d.email == email.get()));
    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        verify.dispatch(VerifyCode {
            email: email.get_untracked(),
            code: code.get_untracked(),
            license_key: query.with_untracked(|q| q.as_ref().ok()?.key.clone()),
        });
    };

    view! {
        <AuthCard title=move || texts().code_title>
            <div class="mail-sent"><MailIcon/></div>
            <p class="lead">{move || common().code_sent_to}</p>
            <p class="chosen-email" data-testid="code-email">{move || email.get()}</p>
            <p class="hint">{move || texts().code_valid_for}</p>
            <form on:submit=on_submit data-testid="code-form" novalidate>
                <Field id="code" testid="code-input" label=move || common().code value=code
                    kind="text" autocomplete="one-time-code" inputmode="numeric" focus=true/>
                <ErrorMessage error=error testid="code-error"/>
                <SubmitButton label=move || common().confirm pending=verify.pending().into() testid="code-submit"/>
            </form>
            <Show when=can_resend
                fallback=move || view! {
                    <a class="btn link" href="/signup" data-testid="code-start-over">{move || texts().start_over}</a>
                }>
                <ResendCode resend=resend error=error/>
            </Show>
        </AuthCard>
    }
}

/// `/signup/done`.
#[component]
pub fn SignupDone() -> impl IntoView {
    let common = use_texts(&COMMON);
    let texts = use_texts(&AUTH);
    let auth = use_auth();
    let key_refused = use_query::<SignupQuery>().with_untracked(|q| {
        q.as_ref()
            .is_ok_and(|q| q.license.as_deref() == Some("refused"))
    });
    let unlimited = move || {
        auth.me.with(|me| {
            me.as_ref()
                .is_some_and(|me| me.member_type == MemberType::Unlimited)
        })
    };
    view! {
        <AuthCard title=move || texts().done_title>
            <div class="done" data-testid="signup-done">
                <div class="done-icon"><CheckIcon/></div>
                <p>{move || texts().done_body}</p>
                <p class="member-type" data-testid="signup-done-member-type">{move || if unlimited() { texts().done_unlimited_member } else { texts().done_free_member }}</p>
                {key_refused.then(|| view! {
                    <p class="notice warning" role="status" data-testid="signup-license-refused">
                        {move || texts().license_refused}" "
                        <a href="/account" data-testid="signup-register-key">{move || texts().license_register_later}</a>
                    </p>
                })}
                <a class="btn primary" href="/" data-testid="signup-done-continue">{move || common().go_to_library}</a>
            </div>
        </AuthCard>
    }
}
