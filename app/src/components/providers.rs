//! "Sign in with Google / Apple" (SPEC V1, V2): shown only for providers the operator
//! configured; each is a plain link, since the provider's page takes over the browser.

use hako_protocol::{AuthProvider, ErrorBody, ErrorCode, paths};
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use crate::{
    api,
    i18n::{AUTH, use_texts},
};

#[component]
pub fn ProviderButtons() -> impl IntoView {
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
                            href=paths::oidc_start(provider)>{label}</a>
                    }
                }).collect_view()}
                <p class="or"><span>{move || texts().or}</span></p>
            </div>
        })
    }
}

/// The error a provider sign-in came back with (`/signin?error=oidc_failed`), if any.
pub fn provider_error() -> Option<crate::api::ClientError> {
    let code = use_query_map().with_untracked(|q| q.get("error"))?;
    let code: ErrorCode = serde_json::from_value(serde_json::Value::String(code)).ok()?;
    Some(crate::api::ClientError::Api(ErrorBody::new(code)))
}
