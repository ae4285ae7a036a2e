//! Sign-in and sign-up with Google and Apple (SPEC V1, V2, A1): OpenID Connect's
//! authorization-code flow with state, nonce and PKCE (S256), run by the server.
//!
//! Accounts: an identity is keyed by provider + subject, never by email address (addresses
//! change hands, subjects do not). The first sign-in with an identity joins the account with
//! the same address only when the provider says the address is verified. Without a verified
//! address nothing is created either: an account's user ID is its address, and taking an
//! unverified one would let anyone claim an address before its owner signs up. The browser
//! then lands on `/signin?error=oidc_email_unverified`.

use std::{collections::HashMap, time::Duration};

use anyhow::{Context, anyhow};
use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use hako_protocol::{AuthProvider, VariantArray, normalize_email};
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation, jwk::JwkSet};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

mod store;

use super::{
    error::AccountsError,
    password, store as accounts_store,
    tokens::{new_token, token_hash},
};
use crate::{
    AppState,
    config::{OidcConfig, OidcProviderConfig},
};

/// Time a person has at the provider's sign-in page.
pub(crate) const LOGIN_TTL_SECS: i64 = 600;
/// Binds a sign-in to the browser that started it, so nobody can finish their own sign-in
/// in someone else's browser (login CSRF). SameSite=Lax: it rides on the top-level GET
/// callback, and Apple's cross-site POST goes on to that GET.
pub(crate) const STATE_COOKIE: &str = "hako_oidc_state";
pub(crate) const STATE_COOKIE_PATH: &str = "/api/v1/auth/oidc";
/// Apple accepts client-secret JWTs of up to six months; a short one is worthless if it leaks.
const APPLE_SECRET_TTL_SECS: i64 = 300;

/// The configured providers and the HTTP client that talks to them.
pub struct Providers {
    http: reqwest::Client,
    providers: HashMap<AuthProvider, Provider>,
}

struct Provider {
    config: OidcProviderConfig,
    /// Apple's client secret is a JWT signed with the team's key, made per token request.
    apple_key: Option<EncodingKey>,
    /// Fetched on first use, so a provider that is down does not stop the server starting.
    discovery: tokio::sync::OnceCell<Discovery>,
}

#[derive(Debug, Deserialize)]
struct Discovery {
    issuer: String,
    authorization_endpoint: String,
    token_endpoint: String,
    jwks_uri: String,
}

/// What the provider sends back to the callback, as query (Google) or form (Apple).
#[derive(Debug, Default, Deserialize, utoipa::IntoParams, utoipa::ToSchema)]
#[into_params(parameter_in = Query)]
pub(crate) struct Callback {
    pub code: Option<String>,
    pub state: Option<String>,
    /// Set when the person cancelled or the provider refused.
    pub error: Option<String>,
    /// Apple only, first sign-in only: JSON with the person's name.
    pub user: Option<String>,
}

/// The account a finished sign-in belongs to.
pub(crate) struct SignedIn {
    pub user_id: i64,
    /// A new account: the app shows its welcome page.
    pub created: bool,
}

impl Providers {
    pub fn new(config: &OidcConfig) -> anyhow::Result<Self> {
        let mut providers = HashMap::new();
        for (name, entry) in [
            (AuthProvider::Google, &config.google),
            (AuthProvider::Apple, &config.apple),
        ] {
            let Some(entry) = entry else { continue };
            let apple_key = match (&entry.team_id, &entry.key_id, &entry.private_key_path) {
                (Some(_), Some(_), Some(path)) => {
                    let pem = std::fs::read(path)
                        .with_context(|| format!("reading {}", path.display()))?;
                    Some(
                        EncodingKey::from_ec_pem(&pem).with_context(|| {
                            format!("{} is not a PKCS#8 P-256 key", path.display())
                        })?,
                    )
                }
                (None, None, None) if entry.client_secret.is_some() => None,
                _ => anyhow::bail!(
                    "[oidc.{}] needs client_secret, or all of team_id, key_id and private_key_path",
                    name.as_str()
                ),
            };
            providers.insert(
                name,
                Provider {
                    config: entry.clone(),
                    apple_key,
                    discovery: tokio::sync::OnceCell::new(),
                },
            );
        }
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(15))
            .build()?;
        Ok(Self { http, providers })
    }

    /// The configured providers, in a fixed order.
    pub(crate) fn configured(&self) -> Vec<AuthProvider> {
        AuthProvider::VARIANTS
            .iter()
            .copied()
            .filter(|name| self.providers.contains_key(name))
            .collect()
    }

    /// A provider named in a path; one that is not configured does not exist.
    fn get(&self, name: &str) -> Result<(AuthProvider, &Provider), AccountsError> {
        AuthProvider::VARIANTS
            .iter()
            .copied()
            .find(|provider| provider.as_str() == name)
            .and_then(|provider| Some((provider, self.providers.get(&provider)?)))
            .ok_or(AccountsError::NoSuchProvider)
    }

    async fn discovery<'a>(&self, provider: &'a Provider) -> Result<&'a Discovery, AccountsError> {
        provider
            .discovery
            .get_or_try_init(|| async {
                let issuer = provider.config.issuer.trim_end_matches('/');
                let url = format!("{issuer}/.well-known/openid-configuration");
                let discovery: Discovery = self.get_json(&url).await?;
                // OpenID Connect Discovery §4.3: a document for another issuer is refused.
                if discovery.issuer.trim_end_matches('/') != issuer {
                    return Err(failed(anyhow!(
                        "discovery at {url} names issuer {}",
                        discovery.issuer
                    )));
                }
                Ok(discovery)
            })
            .await
    }

    async fn get_json<T: serde::de::DeserializeOwned>(
        &self,
        url: &str,
    ) -> Result<T, AccountsError> {
        let response = self.http.get(url).send().await.map_err(failed)?;
        let response = response.error_for_status().map_err(failed)?;
        response.json().await.map_err(failed)
    }
}

/// The provider's answer went wrong; the cause is logged, the person is asked to try again.
fn failed(cause: impl Into<anyhow::Error>) -> AccountsError {
    AccountsError::OidcFailed(cause.into())
}

fn redirect_uri(state: &AppState, provider: AuthProvider) -> String {
    format!(
        "{}/api/v1/auth/oidc/{}/callback",
        state.config.public_url,
        provider.as_str()
    )
}

/// Starts a sign-in: keeps state, nonce and PKCE verifier, and returns the provider's
/// authorization URL to send the browser to, and the state to bind the sign-in to it with
/// a cookie.
pub(crate) async fn begin(state: &AppState, name: &str) -> Result<(String, String), AccountsError> {
    let (provider, entry) = state.oidc.get(name)?;
    let discovery = state.oidc.discovery(entry).await?;
    let (login_state, state_hash) = new_token();
    let (nonce, _) = new_token();
    // 32 random bytes in base64url: 43 characters, inside RFC 7636's 43–128.
    let (verifier, _) = new_token();
    let challenge = URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()));
    let login = store::Login {
        provider: provider.as_str().to_owned(),
        nonce,
        pkce_verifier: verifier,
        expires_at: state.clock.now() + LOGIN_TTL_SECS,
    };
    store::insert_login(&state.db, &state_hash, &login).await?;
    let mut url = reqwest::Url::parse(&discovery.authorization_endpoint).map_err(failed)?;
    url.query_pairs_mut()
        .append_pair("response_type", "code")
        .append_pair("client_id", &entry.config.client_id)
        .append_pair("redirect_uri", &redirect_uri(state, provider))
        .append_pair("state", &login_state)
        .append_pair("nonce", &login.nonce)
        .append_pair("code_challenge", &challenge)
        .append_pair("code_challenge_method", "S256");
    match provider {
        AuthProvider::Google => {
            url.query_pairs_mut().append_pair("scope", "openid email");
        }
        // Apple sends name and email only with form_post, as a cross-site POST.
        AuthProvider::Apple => {
            url.query_pairs_mut()
                .append_pair("scope", "openid name email")
                .append_pair("response_mode", "form_post");
        }
    }
    Ok((url.into(), login_state))
}

/// Where a form_post callback goes on to: the GET callback with the same fields, a
/// same-site navigation that carries (and can replace) the browser's session cookie.
pub(crate) fn callback_url(
    state: &AppState,
    name: &str,
    fields: &Callback,
) -> Result<String, AccountsError> {
    let (provider, _) = state.oidc.get(name)?;
    let mut url = reqwest::Url::parse(&redirect_uri(state, provider)).map_err(failed)?;
    let pairs = [
        ("code", &fields.code),
        ("state", &fields.state),
        ("error", &fields.error),
        ("user", &fields.user),
    ];
    for (key, value) in pairs {
        if let Some(value) = value {
            url.query_pairs_mut().append_pair(key, value);
        }
    }
    Ok(url.into())
}

/// Uses up the sign-in `state` names: each works once, for its provider, until it expires.
async fn take_login(
    state: &AppState,
    provider: AuthProvider,
    login_state: &str,
) -> Result<store::Login, AccountsError> {
    match store::take_login(&state.db, &token_hash(login_state)).await? {
        Some(login)
            if login.provider == provider.as_str() && login.expires_at >= state.clock.now() =>
        {
            Ok(login)
        }
        _ => Err(AccountsError::OidcStateInvalid),
    }
}

#[derive(Deserialize)]
struct TokenResponse {
    id_token: String,
}

#[derive(Debug, Deserialize)]
struct IdClaims {
    sub: String,
    nonce: Option<String>,
    email: Option<String>,
    email_verified: Option<Flag>,
}

/// Google sends `email_verified` as a boolean, Apple as the string `"true"`.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum Flag {
    Bool(bool),
    Text(String),
}

impl IdClaims {
    fn verified_email(&self) -> Option<&str> {
        let verified = match &self.email_verified {
            Some(Flag::Bool(verified)) => *verified,
            Some(Flag::Text(text)) => text == "true",
            None => false,
        };
        self.email.as_deref().filter(|_| verified)
    }
}

/// Finishes a sign-in from the provider's callback: checks state (against the browser's
/// binding cookie, `bound`), exchanges the code, validates the ID token and finds or creates
/// the account.
pub(crate) async fn finish(
    state: &AppState,
    name: &str,
    fields: Callback,
    bound: Option<String>,
) -> Result<SignedIn, AccountsError> {
    let (provider, entry) = state.oidc.get(name)?;
    let login_state = fields
        .state
        .filter(|login_state| bound.as_deref() == Some(login_state.as_str()))
        .ok_or(AccountsError::OidcStateInvalid)?;
    let login = take_login(state, provider, &login_state).await?;
    if let Some(error) = fields.error {
        return Err(failed(anyhow!("{} answered error={error}", name)));
    }
    let code = fields
        .code
        .ok_or_else(|| failed(anyhow!("no code in the callback")))?;
    let discovery = state.oidc.discovery(entry).await?;
    let id_token = exchange(state, provider, entry, discovery, &code, &login).await?;
    let claims = validate(state, entry, discovery, &id_token).await?;
    if claims.nonce.as_deref() != Some(login.nonce.as_str()) {
        return Err(failed(anyhow!(
            "the ID token's nonce is not this sign-in's"
        )));
    }
    let name = fields.user.as_deref().and_then(apple_user_name);
    account_for(state, provider, &claims, name).await
}

async fn exchange(
    state: &AppState,
    provider: AuthProvider,
    entry: &Provider,
    discovery: &Discovery,
    code: &str,
    login: &store::Login,
) -> Result<String, AccountsError> {
    let secret = client_secret(entry, state.clock.now())?;
    let redirect = redirect_uri(state, provider);
    let form = [
        ("grant_type", "authorization_code"),
        ("code", code),
        ("redirect_uri", &redirect),
        ("client_id", &entry.config.client_id),
        ("client_secret", &secret),
        ("code_verifier", &login.pkce_verifier),
    ];
    let response = state
        .oidc
        .http
        .post(&discovery.token_endpoint)
        .form(&form)
        .send()
        .await
        .map_err(failed)?;
    let status = response.status();
    if !status.is_success() {
        let body = response.text().await.unwrap_or_default();
        return Err(failed(anyhow!("token endpoint answered {status}: {body}")));
    }
    let tokens: TokenResponse = response.json().await.map_err(failed)?;
    Ok(tokens.id_token)
}

/// The client secret for the token request: Google's as configured, Apple's as a JWT.
fn client_secret(entry: &Provider, now: i64) -> Result<String, AccountsError> {
    let config = &entry.config;
    let (Some(key), Some(team_id), Some(key_id)) =
        (&entry.apple_key, &config.team_id, &config.key_id)
    else {
        return Ok(config.client_secret.clone().unwrap_or_default());
    };
    #[derive(Serialize)]
    struct AppleSecret<'a> {
        iss: &'a str,
        iat: i64,
        exp: i64,
        aud: &'a str,
        sub: &'a str,
    }
    let mut header = Header::new(Algorithm::ES256);
    header.kid = Some(key_id.clone());
    let claims = AppleSecret {
        iss: team_id,
        iat: now,
        exp: now + APPLE_SECRET_TTL_SECS,
        aud: config.issuer.trim_end_matches('/'),
        sub: &config.client_id,
    };
    jsonwebtoken::encode(&header, &claims, key)
        .map_err(|error| anyhow!("signing Apple's client secret: {error}").into())
}

/// Checks the ID token's signature against the provider's current keys, and its issuer,
/// audience and expiry. Keys are fetched each time: sign-ins are rare and providers rotate.
async fn validate(
    state: &AppState,
    entry: &Provider,
    discovery: &Discovery,
    id_token: &str,
) -> Result<IdClaims, AccountsError> {
    let header = jsonwebtoken::decode_header(id_token).map_err(failed)?;
    // Only the asymmetric algorithms providers use: never HS256 keyed by something public.
    if !matches!(header.alg, Algorithm::RS256 | Algorithm::ES256) {
        return Err(failed(anyhow!("ID token signed with {:?}", header.alg)));
    }
    let keys: JwkSet = state.oidc.get_json(&discovery.jwks_uri).await?;
    let jwk = match &header.kid {
        Some(kid) => keys.find(kid),
        None => keys.keys.first(),
    }
    .ok_or_else(|| failed(anyhow!("no key {:?} in {}", header.kid, discovery.jwks_uri)))?;
    let key = DecodingKey::from_jwk(jwk).map_err(failed)?;
    let mut validation = Validation::new(header.alg);
    // Google documents that its ID tokens may name the issuer without the scheme.
    let bare_issuer = discovery.issuer.trim_start_matches("https://");
    validation.set_issuer(&[discovery.issuer.as_str(), bare_issuer]);
    validation.set_audience(&[&entry.config.client_id]);
    validation.set_required_spec_claims(&["exp", "iss", "aud", "sub"]);
    let token = jsonwebtoken::decode::<IdClaims>(id_token, &key, &validation).map_err(failed)?;
    Ok(token.claims)
}

/// Apple's `user` field: `{"name":{"firstName":"…","lastName":"…"},"email":"…"}`.
fn apple_user_name(user: &str) -> Option<String> {
    #[derive(Deserialize)]
    struct User {
        name: Option<Name>,
    }
    #[derive(Deserialize)]
    #[serde(rename_all = "camelCase")]
    struct Name {
        first_name: Option<String>,
        last_name: Option<String>,
    }
    let name = serde_json::from_str::<User>(user).ok()?.name?;
    let full = [name.first_name, name.last_name]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(" ");
    (!full.trim().is_empty()).then(|| full.trim().to_owned())
}

/// The account of an identity: the one it signed in to before, else the one with its
/// verified address, else a new one.
async fn account_for(
    state: &AppState,
    provider: AuthProvider,
    claims: &IdClaims,
    name: Option<String>,
) -> Result<SignedIn, AccountsError> {
    let provider = provider.as_str();
    if let Some(user_id) = store::identity_account(&state.db, provider, &claims.sub).await? {
        if let Some(name) = &name {
            store::rename_identity(&state.db, provider, &claims.sub, name).await?;
        }
        return Ok(SignedIn {
            user_id,
            created: false,
        });
    }
    let email = claims
        .verified_email()
        .ok_or(AccountsError::OidcEmailUnverified)?;
    let email = normalize_email(email).map_err(|_| AccountsError::OidcEmailUnverified)?;
    // A password nobody knows, so the account is complete; its owner can set one with a
    // password reset to the (verified) address. Hashed before the write lock is taken.
    let password_hash = password::hash(new_token().0).await?;
    let now = state.clock.now();
    let mut tx = crate::store::db::begin_write(&state.db).await?;
    // Two callbacks for the same new identity: the second finds what the first made.
    if let Some(user_id) = store::identity_account(&mut *tx, provider, &claims.sub).await? {
        return Ok(SignedIn {
            user_id,
            created: false,
        });
    }
    let existing = accounts_store::login_by_email(&mut *tx, &email).await?;
    let (user_id, created) = match existing {
        Some(login) => (login.id, false),
        None => {
            let user_id = accounts_store::insert_user(&mut *tx, &email, &password_hash, now)
                .await?
                .ok_or_else(|| anyhow!("the address was free inside the write transaction"))?;
            (user_id, true)
        }
    };
    let identity = store::Identity {
        provider,
        subject: &claims.sub,
        user_id,
        name: name.as_deref(),
    };
    store::insert_identity(&mut tx, &identity, now).await?;
    tx.commit().await?;
    Ok(SignedIn { user_id, created })
}

/// Drops sign-ins nobody finished.
pub(crate) async fn prune(db: &crate::store::db::Db, now: i64) -> sqlx::Result<()> {
    store::delete_old_logins(db, now).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn apple_sends_the_name_once_as_json() {
        let user = r#"{"name":{"firstName":"Hanako","lastName":"Yamada"},"email":"h@example.jp"}"#;
        assert_eq!(apple_user_name(user).as_deref(), Some("Hanako Yamada"));
        assert_eq!(apple_user_name(r#"{"email":"h@example.jp"}"#), None);
        assert_eq!(apple_user_name("not json"), None);
    }

    #[test]
    fn apples_client_secret_is_an_es256_jwt_from_the_team_key() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/oidc-provider");
        let config = OidcConfig {
            google: None,
            apple: Some(OidcProviderConfig {
                issuer: "https://appleid.apple.com".into(),
                client_id: "jp.example.hako".into(),
                client_secret: None,
                team_id: Some("TEAM123456".into()),
                key_id: Some("KEY1234567".into()),
                private_key_path: Some(dir.join("apple-test-key.p8")),
            }),
        };
        let providers = Providers::new(&config).unwrap();
        let secret =
            client_secret(&providers.providers[&AuthProvider::Apple], 1_790_000_000).unwrap();
        let header = jsonwebtoken::decode_header(&secret).unwrap();
        assert_eq!(header.alg, Algorithm::ES256);
        assert_eq!(header.kid.as_deref(), Some("KEY1234567"));
        let claims: serde_json::Value = serde_json::from_slice(
            &URL_SAFE_NO_PAD
                .decode(secret.split('.').nth(1).unwrap())
                .unwrap(),
        )
        .unwrap();
        assert_eq!(claims["iss"], "TEAM123456");
        assert_eq!(claims["sub"], "jp.example.hako");
        assert_eq!(claims["aud"], "https://appleid.apple.com");
        assert_eq!(claims["exp"], 1_790_000_000 + APPLE_SECRET_TTL_SECS);
    }

    #[test]
    fn a_provider_without_a_secret_or_a_whole_team_key_is_a_configuration_error() {
        let half = OidcProviderConfig {
            issuer: "https://appleid.apple.com".into(),
            client_id: "jp.example.hako".into(),
            client_secret: None,
            team_id: Some("TEAM123456".into()),
            key_id: None,
            private_key_path: None,
        };
        let config = OidcConfig {
            google: None,
            apple: Some(half),
        };
        let error = Providers::new(&config).err().unwrap();
        assert!(format!("{error}").contains("[oidc.apple]"), "{error}");
        assert!(
            Providers::new(&OidcConfig::default())
                .unwrap()
                .configured()
                .is_empty()
        );
    }

    #[test]
    fn only_a_verified_address_counts() {
        let claims = |verified: Option<Flag>| IdClaims {
            sub: "s".into(),
            nonce: None,
            email: Some("a@example.jp".into()),
            email_verified: verified,
        };
        assert!(claims(Some(Flag::Bool(true))).verified_email().is_some());
        assert!(
            claims(Some(Flag::Text("true".into())))
                .verified_email()
                .is_some()
        );
        assert!(claims(Some(Flag::Bool(false))).verified_email().is_none());
        assert!(
            claims(Some(Flag::Text("false".into())))
                .verified_email()
                .is_none()
        );
        assert!(claims(None).verified_email().is_none());
    }
}
