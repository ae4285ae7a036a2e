//! Sign-in with Google and Apple (SPEC V1, V2, A1) against a real OpenID provider
//! (oauth2-mock-server, in tests/oidc-provider) started per test on 127.0.0.1.

use std::{
    io::{BufRead, BufReader},
    path::PathBuf,
    process::{Child, Command, Stdio},
    sync::Mutex,
};

use hako_api_shim::config::OidcProviderConfig;
use reqwest::{StatusCode, Url, header, redirect::Policy};

use crate::helpers::*;

fn provider_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/oidc-provider")
}

/// One provider process; it exits when the test drops it.
struct TestProvider {
    issuer: String,
    child: Child,
}

impl Drop for TestProvider {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Installs the provider's npm packages once (scripts/ensure-tools.sh does it too), then
/// starts it with the user it signs in given by `claims` (see provider.mjs).
fn start_provider(claims: &[(&str, &str)]) -> TestProvider {
    static INSTALL: Mutex<()> = Mutex::new(());
    {
        let _once = INSTALL.lock().unwrap();
        if !provider_dir()
            .join("node_modules/oauth2-mock-server")
            .exists()
        {
            let status = Command::new("npm")
                .args(["ci", "--no-audit", "--no-fund"])
                .current_dir(provider_dir())
                .status()
                .expect("npm is needed for the OpenID provider");
            assert!(status.success(), "npm ci in tests/oidc-provider failed");
        }
    }
    let mut child = Command::new("node")
        .arg("provider.mjs")
        .current_dir(provider_dir())
        .envs(claims.iter().copied())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("node is needed for the OpenID provider");
    let mut issuer = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut issuer)
        .unwrap();
    assert!(issuer.starts_with("http://"), "provider said {issuer:?}");
    TestProvider {
        issuer: issuer.trim().to_owned(),
        child,
    }
}

fn google(provider: &TestProvider) -> OidcProviderConfig {
    OidcProviderConfig {
        issuer: provider.issuer.clone(),
        client_id: "hako-google".into(),
        client_secret: Some("google-secret".into()),
        team_id: None,
        key_id: None,
        private_key_path: None,
    }
}

/// Apple with a team key, so the client secret is the ES256 JWT.
fn apple(provider: &TestProvider) -> OidcProviderConfig {
    OidcProviderConfig {
        issuer: provider.issuer.clone(),
        client_id: "jp.example.hako".into(),
        client_secret: None,
        team_id: Some("TEAM123456".into()),
        key_id: Some("KEY1234567".into()),
        private_key_path: Some(provider_dir().join("apple-test-key.p8")),
    }
}

/// A browser that keeps cookies and lets the test follow each redirect itself.
fn browser() -> reqwest::Client {
    reqwest::Client::builder()
        .cookie_store(true)
        .redirect(Policy::none())
        .build()
        .unwrap()
}

fn location(response: &reqwest::Response) -> String {
    response.headers()[header::LOCATION]
        .to_str()
        .unwrap()
        .to_owned()
}

/// The server's redirect URIs name its configured public URL; the test server listens elsewhere.
fn on_app(app: &TestApp, url: &str) -> String {
    let url = Url::parse(url).unwrap();
    app.url(&format!("{}?{}", url.path(), url.query().unwrap_or("")))
}

/// Start → the provider's authorization endpoint, which signs the user in at once and sends
/// the browser back: returns the callback URL it was sent back to.
async fn through_provider(app: &TestApp, client: &reqwest::Client, provider: &str) -> String {
    let start = client
        .get(app.url(&format!("/api/v1/auth/oidc/{provider}/start")))
        .send()
        .await
        .unwrap();
    assert_eq!(start.status(), StatusCode::FOUND);
    let authorize = location(&start);
    for needed in [
        "state=",
        "nonce=",
        "code_challenge=",
        "code_challenge_method=S256",
    ] {
        assert!(authorize.contains(needed), "{authorize} lacks {needed}");
    }
    let back = client.get(&authorize).send().await.unwrap();
    assert_eq!(back.status(), StatusCode::FOUND, "{:?}", back.text().await);
    let callback = location(&back);
    assert!(
        callback.contains(&format!("/api/v1/auth/oidc/{provider}/callback?")),
        "{callback}"
    );
    on_app(app, &callback)
}

/// A full sign-in with Google: where the browser lands, and the session cookie set.
async fn sign_in_with_google(app: &TestApp, client: &reqwest::Client) -> (String, Option<String>) {
    let callback = through_provider(app, client, "google").await;
    let done = client.get(callback).send().await.unwrap();
    assert_eq!(done.status(), StatusCode::SEE_OTHER);
    let cookie = done
        .headers()
        .get(header::SET_COOKIE)
        .map(|value| value.to_str().unwrap().to_owned());
    (location(&done), cookie)
}

async fn me(app: &TestApp, client: &reqwest::Client) -> hako_protocol::Me {
    let response = client.get(app.url("/api/v1/me")).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    response.json().await.unwrap()
}

async fn count(app: &TestApp, table: &str) -> i64 {
    sqlx::query_scalar(&format!("SELECT COUNT(*) FROM {table}"))
        .fetch_one(&app.state.db)
        .await
        .unwrap()
}

#[tokio::test]
async fn google_creates_an_account_keyed_by_subject_and_the_same_subject_returns_to_it() {
    let provider = start_provider(&[("OIDC_SUB", "g-1001"), ("OIDC_EMAIL", "Hana@Example.jp")]);
    let app = spawn_app_with(|config| config.oidc.google = Some(google(&provider))).await;
    let client = browser();

    let (page, first_cookie) = sign_in_with_google(&app, &client).await;
    assert_eq!(page, "/signup/done");
    assert!(
        first_cookie
            .as_deref()
            .unwrap()
            .starts_with("hako_session=")
    );
    assert_eq!(me(&app, &client).await.email, "hana@example.jp");

    let (page, second_cookie) = sign_in_with_google(&app, &client).await;
    assert_eq!(page, "/");
    assert_ne!(
        first_cookie, second_cookie,
        "every sign-in gets a new session id"
    );
    assert_eq!(me(&app, &client).await.email, "hana@example.jp");
    assert_eq!(count(&app, "users").await, 1);
    assert_eq!(count(&app, "oidc_identities").await, 1);
    // The session the second sign-in replaced is gone.
    assert_eq!(count(&app, "sessions").await, 1);
}

#[tokio::test]
async fn only_a_verified_address_joins_an_existing_email_account() {
    let unverified = start_provider(&[
        ("OIDC_SUB", "g-2001"),
        ("OIDC_EMAIL", "taro@example.jp"),
        ("OIDC_EMAIL_VERIFIED", "false"),
    ]);
    let app = spawn_app_with(|config| config.oidc.google = Some(google(&unverified))).await;
    app.signed_up("taro@example.jp").await;
    let client = browser();
    let (page, cookie) = sign_in_with_google(&app, &client).await;
    assert_eq!(page, "/signin?error=oidc_email_unverified");
    assert_eq!(cookie, None);
    assert_eq!(count(&app, "oidc_identities").await, 0);
    assert_eq!(count(&app, "users").await, 1);
    drop(unverified);

    let verified = start_provider(&[("OIDC_SUB", "g-2002"), ("OIDC_EMAIL", "taro@example.jp")]);
    let app2 = spawn_app_with(|config| config.oidc.google = Some(google(&verified))).await;
    app2.signed_up("taro@example.jp").await;
    let (page, _) = sign_in_with_google(&app2, &client).await;
    assert_eq!(page, "/", "linked, not created");
    assert_eq!(me(&app2, &client).await.email, "taro@example.jp");
    assert_eq!(count(&app2, "users").await, 1);
}

#[tokio::test]
async fn a_new_identity_without_an_address_creates_nothing() {
    let provider = start_provider(&[("OIDC_SUB", "g-3001")]);
    let app = spawn_app_with(|config| config.oidc.google = Some(google(&provider))).await;
    let (page, _) = sign_in_with_google(&app, &browser()).await;
    assert_eq!(page, "/signin?error=oidc_email_unverified");
    assert_eq!(count(&app, "users").await, 0);
}

#[tokio::test]
async fn a_wrong_nonce_an_unknown_state_a_used_state_and_an_expired_state_are_refused() {
    let forged = start_provider(&[("OIDC_EMAIL", "a@example.jp"), ("OIDC_NONCE", "forged")]);
    let app = spawn_app_with(|config| config.oidc.google = Some(google(&forged))).await;
    let client = browser();
    let (page, cookie) = sign_in_with_google(&app, &client).await;
    assert_eq!(page, "/signin?error=oidc_failed");
    assert_eq!(cookie, None);
    drop(forged);

    let provider = start_provider(&[("OIDC_EMAIL", "a@example.jp")]);
    let app = spawn_app_with(|config| config.oidc.google = Some(google(&provider))).await;
    let refused = |response: reqwest::Response| {
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        assert_eq!(location(&response), "/signin?error=oidc_state_invalid");
    };
    refused(
        client
            .get(app.url("/api/v1/auth/oidc/google/callback?code=x&state=made-up"))
            .send()
            .await
            .unwrap(),
    );

    let callback = through_provider(&app, &client, "google").await;
    app.clock.advance(601);
    refused(client.get(&callback).send().await.unwrap());

    let callback = through_provider(&app, &client, "google").await;
    let first = client.get(&callback).send().await.unwrap();
    assert_eq!(location(&first), "/signup/done");
    refused(client.get(&callback).send().await.unwrap());
    assert_eq!(count(&app, "users").await, 1);
}

#[tokio::test]
async fn only_configured_providers_are_offered() {
    let provider = start_provider(&[]);
    let app = spawn_app_with(|config| config.oidc.google = Some(google(&provider))).await;
    let listed: hako_protocol::AuthProviders = reqwest::get(app.url("/api/v1/auth/providers"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(listed.providers, [hako_protocol::AuthProvider::Google]);
    for unknown in ["apple", "github"] {
        let response = browser()
            .get(app.url(&format!("/api/v1/auth/oidc/{unknown}/start")))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::NOT_FOUND, "{unknown}");
    }

    let bare = spawn_app().await;
    let listed: hako_protocol::AuthProviders = reqwest::get(bare.url("/api/v1/auth/providers"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(listed.providers.is_empty());
}

#[tokio::test]
async fn a_provider_that_cannot_be_reached_sends_the_browser_back_to_sign_in() {
    let app = spawn_app_with(|config| {
        config.oidc.google = Some(OidcProviderConfig {
            // Nothing listens on port 1.
            issuer: "http://127.0.0.1:1".into(),
            client_id: "hako-google".into(),
            client_secret: Some("google-secret".into()),
            team_id: None,
            key_id: None,
            private_key_path: None,
        })
    })
    .await;
    let response = browser()
        .get(app.url("/api/v1/auth/oidc/google/start"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&response), "/signin?error=oidc_failed");
}

#[tokio::test]
async fn apple_form_post_arrives_cross_site_without_the_session_cookie_and_keeps_the_name() {
    let provider = start_provider(&[
        ("OIDC_SUB", "001234.abcd"),
        ("OIDC_EMAIL", "hanako@privaterelay.appleid.com"),
        ("OIDC_EMAIL_VERIFIED", "true"),
    ]);
    let app = spawn_app_with(|config| config.oidc.apple = Some(apple(&provider))).await;
    let client = browser();
    let start = client
        .get(app.url("/api/v1/auth/oidc/apple/start"))
        .send()
        .await
        .unwrap();
    assert!(location(&start).contains("response_mode=form_post"));
    // The provider under test answers by redirect; Apple would post the same fields.
    let callback = through_provider(&app, &client, "apple").await;
    let fields: Vec<(String, String)> = Url::parse(&callback)
        .unwrap()
        .query_pairs()
        .into_owned()
        .chain([(
            "user".to_owned(),
            r#"{"name":{"firstName":"Hanako","lastName":"Yamada"}}"#.to_owned(),
        )])
        .collect();
    // A cross-site POST with no cookies at all, as Apple's page sends it.
    let posted = reqwest::Client::builder()
        .redirect(Policy::none())
        .build()
        .unwrap()
        .post(app.url("/api/v1/auth/oidc/apple/callback"))
        .header(header::ORIGIN, "https://appleid.apple.com")
        .header("sec-fetch-site", "cross-site")
        .form(&fields)
        .send()
        .await
        .unwrap();
    assert_eq!(posted.status(), StatusCode::SEE_OTHER);
    assert!(posted.headers().get(header::SET_COOKIE).is_none());
    // On to the same-site GET, which sets the session cookie.
    let done = client
        .get(on_app(&app, &location(&posted)))
        .send()
        .await
        .unwrap();
    assert_eq!(location(&done), "/signup/done");
    assert_eq!(
        me(&app, &client).await.email,
        "hanako@privaterelay.appleid.com"
    );
    let name: Option<String> = sqlx::query_scalar("SELECT name FROM oidc_identities")
        .fetch_one(&app.state.db)
        .await
        .unwrap();
    assert_eq!(name.as_deref(), Some("Hanako Yamada"));
}
