//! "Sign in with Google / Apple" (SPEC V1, V2): shown only for providers the operator
//! configured; each is a plain link, since the provider's page takes over the browser.

use hako_protocol::{AuthProvider, ErrorBody, ErrorCode, paths};
use leptos::prelude::*;
use leptos_router::hooks::use_query;
use serde::Deserialize;

use crate::{
    api::{self, ClientError},
    auth::remember_next,
    i18n::{AUTH, use_texts},
    query::{lenient, query_params},
};

/// `next`: the page the sign-in guard was asked for, kept for when the provider sends the
/// browser back.
#[component]
pub fn ProviderButtons(#[prop(optional, into)] next: Option<String>) -> impl IntoView {
    let next = StoredValue::new(next);
    let texts = use_texts(&AUTH);
    let providers = LocalResource::new(api::accounts::providers);
    move || {
        providers.get().and_then(Result::ok).filter(|p| !p.providers.is_empty()).map(|p| view! {
            <div class="providers">
                {p.providers.into_iter().map(|provider| {
                    let label = move || match provider {
                        AuthProvider::Google => texts().continue_with_google,
                        AuthProvider::Apple => texts().continue_with_apple,
                    };
                    view! {
                        <a class="btn provider" rel="external" data-testid=format!("signin-{}", provider.as_str())
                            href=paths::oidc_start(provider)
                            on:click=move |_| {
                                if let Some(next) = next.get_value() {
                                    remember_next(&next);
                                }
                            }>{label}</a>
                    }
                }).collect_view()}
                <p class="or"><span>{move || texts().or}</span></p>
            </div>
        })
    }
}

/// `/signin?error=oidc_failed`: how a provider sign-in came back.
#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
struct SigninQuery {
    #[serde(default, deserialize_with = "lenient")]
    error: Option<ErrorCode>,
}

query_params!(SigninQuery);

/// The error a provider sign-in came back with, if any.
pub fn provider_error() -> Option<ClientError> {
    let code = use_query::<SigninQuery>().with_untracked(|q| q.as_ref().ok()?.error)?;
    Some(ClientError::Api(ErrorBody::new(code)))
}
