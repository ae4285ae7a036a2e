//! License keys (SPEC A3, A4, V2): registration, sign-up with a key, throttling, the operator
//! CLI and the life cycle after a cancellation, with the clock moved by the test.

use std::process::Command;

use hako_api_shim::{
    accounts::{license, license_keys},
    clock::Clock,
    run_license_lifecycle,
};
use hako_protocol::{ErrorCode, LicenseKey, Me, MemberType};
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{PASSWORD, Phone, TestApp, expect_error, sha256_hex, spawn_app};

const LICENSE: &str = "/api/v1/account/license";
const DAY: i64 = 86_400;

async fn new_key(app: &TestApp) -> LicenseKey {
    license_keys(&app.state).issue(1).await.unwrap().remove(0)
}

async fn register(app: &TestApp, client: &reqwest::Client, key: &str) -> reqwest::Response {
    app.post(client, LICENSE, json!({ "key": key })).await
}

async fn me(app: &TestApp, client: &reqwest::Client) -> Me {
    let response = client.get(app.url("/api/v1/me")).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    response.json().await.unwrap()
}

async fn refused(response: reqwest::Response) {
    expect_error(
        response,
        StatusCode::BAD_REQUEST,
        ErrorCode::LicenseKeyInvalid,
    )
    .await;
}

/// The same key with its last digit changed: a wrong check digit.
fn with_wrong_check_digit(key: &LicenseKey) -> String {
    let digits = key.digits();
    let last = (digits.as_bytes()[15] - b'0' + 1) % 10;
    format!("{}{last}", &digits[..15])
}

#[tokio::test]
async fn a3_a_key_makes_one_account_unlimited_and_only_that_one() {
    let app = spawn_app().await;
    let key = new_key(&app).await;
    let owner = app.signed_up("owner@example.jp").await;
    assert_eq!(me(&app, &owner).await.member_type, MemberType::Free);

    // Typed with spaces and full-width digits, as a Japanese IME may give it.
    let typed: String = key
        .to_string()
        .chars()
        .map(|c| match c {
            '0'..='9' => char::from_u32(c as u32 - '0' as u32 + '０' as u32).unwrap(),
            _ => ' ',
        })
        .collect();
    let response = register(&app, &owner, &typed).await;
    assert_eq!(response.status(), StatusCode::OK);
    let body: Me = response.json().await.unwrap();
    assert_eq!(body.member_type, MemberType::Unlimited);
    assert_eq!(me(&app, &owner).await.member_type, MemberType::Unlimited);

    // The same key again on the same account: accepted, nothing changes.
    let before = license::list(&app.state.db).await.unwrap();
    app.clock.advance(3600);
    let again = register(&app, &owner, key.digits()).await;
    assert_eq!(again.status(), StatusCode::OK);
    let after = license::list(&app.state.db).await.unwrap();
    assert_eq!(after.len(), 1);
    assert_eq!(after[0].redeemed_at, before[0].redeemed_at);
    assert_eq!(after[0].state, "redeemed");
    assert_eq!(after[0].email.as_deref(), Some("owner@example.jp"));

    // Another account gets the one generic answer for a used key, a wrong check digit, a key
    // never issued and something that is not a key at all.
    let other = app.signed_up("other@example.jp").await;
    refused(register(&app, &other, &key.to_string()).await).await;
    refused(register(&app, &other, &with_wrong_check_digit(&key)).await).await;
    let never_issued = LicenseKey::from_body("000000000000000").unwrap();
    refused(register(&app, &other, &never_issued.to_string()).await).await;
    refused(register(&app, &other, "not a key").await).await;
    assert_eq!(me(&app, &other).await.member_type, MemberType::Free);
}

#[tokio::test]
async fn a3_guessing_is_throttled_per_account_and_per_client() {
    let app = spawn_app().await;
    let key = new_key(&app).await;
    let guesser = app.signed_up("guesser@example.jp").await;
    for _ in 0..5 {
        refused(register(&app, &guesser, &with_wrong_check_digit(&key)).await).await;
    }
    // Even the right key is not looked at now.
    let body = expect_error(
        register(&app, &guesser, &key.to_string()).await,
        StatusCode::TOO_MANY_REQUESTS,
        ErrorCode::TooManyAttempts,
    )
    .await;
    assert!(body.retry_after_secs.is_some());
    // After the window the account may try again.
    app.clock.advance(15 * 60 + 1);
    assert_eq!(
        register(&app, &guesser, &key.to_string()).await.status(),
        StatusCode::OK
    );

    // From one client address, 20 wrong keys over several accounts stop every account there.
    for n in 0..4 {
        let client = app.signed_up(&format!("spray{n}@example.jp")).await;
        for _ in 0..5 {
            refused(register(&app, &client, "1111-1111-1111-1111").await).await;
        }
    }
    let fresh = app.signed_up("fresh@example.jp").await;
    expect_error(
        register(&app, &fresh, "1111-1111-1111-1111").await,
        StatusCode::TOO_MANY_REQUESTS,
        ErrorCode::TooManyAttempts,
    )
    .await;
}

#[tokio::test]
async fn registering_needs_a_web_session_from_this_site() {
    let app = spawn_app().await;
    let key = new_key(&app).await;
    let body = json!({ "key": key.to_string() });
    expect_error(
        app.post(&app.client(), LICENSE, body.clone()).await,
        StatusCode::UNAUTHORIZED,
        ErrorCode::Unauthenticated,
    )
    .await;
    // A phone's token does not change what the account is.
    let phone = app.registered_phone("phone@example.jp").await;
    expect_error(
        phone.post(LICENSE, body.clone()).await,
        StatusCode::UNAUTHORIZED,
        ErrorCode::Unauthenticated,
    )
    .await;
    let browser = app.signed_in("phone@example.jp").await;
    let cross_site = browser
        .post(app.url(LICENSE))
        .header("origin", "https://evil.example")
        .json(&body)
        .send()
        .await
        .unwrap();
    expect_error(
        cross_site,
        StatusCode::FORBIDDEN,
        ErrorCode::CrossSiteRequest,
    )
    .await;
    assert_eq!(me(&app, &browser).await.member_type, MemberType::Free);
    let bad_body = app.post(&browser, LICENSE, json!({ "code": "1" })).await;
    expect_error(bad_body, StatusCode::BAD_REQUEST, ErrorCode::InvalidJson).await;
    let openapi: Value = app.openapi().await;
    assert!(openapi["paths"][LICENSE]["post"].is_object());
}

/// Sign-up steps 1 and 2 with an optional key; returns the client and the verify answer.
async fn sign_up_with(
    app: &TestApp,
    email: &str,
    license_key: Option<&str>,
) -> (reqwest::Client, reqwest::Response) {
    let client = app.client();
    let response = app
        .post(
            &client,
            "/api/v1/auth/signup",
            json!({"email": email, "password": PASSWORD}),
        )
        .await;
    assert_eq!(response.status(), StatusCode::ACCEPTED);
    let code = app.next_code(email).await;
    let mut body = json!({"email": email, "code": code});
    if let Some(key) = license_key {
        body["license_key"] = Value::from(key);
    }
    let response = app.post(&client, "/api/v1/auth/signup/verify", body).await;
    (client, response)
}

#[tokio::test]
async fn v2_sign_up_with_a_key_creates_an_unlimited_member() {
    let app = spawn_app().await;
    let key = new_key(&app).await;
    let (client, response) =
        sign_up_with(&app, "contract@example.jp", Some(&key.to_string())).await;
    assert_eq!(response.status(), StatusCode::OK);
    let done: Me = response.json().await.unwrap();
    assert_eq!(done.member_type, MemberType::Unlimited);
    assert_eq!(me(&app, &client).await.member_type, MemberType::Unlimited);

    // A used key does not cost the account: it is created free, and takes a key later.
    let (client, used) = sign_up_with(&app, "late@example.jp", Some(&key.to_string())).await;
    assert_eq!(used.status(), StatusCode::OK);
    let done: Me = used.json().await.unwrap();
    assert_eq!(done.member_type, MemberType::Free);
    assert_eq!(done.license_key_masked, None);
    let own = new_key(&app).await;
    assert_eq!(
        register(&app, &client, &own.to_string()).await.status(),
        StatusCode::OK
    );
    assert_eq!(me(&app, &client).await.member_type, MemberType::Unlimited);
    // So does a key whose check digit is wrong (one the browser would have caught).
    let (_, mistyped) =
        sign_up_with(&app, "typo@example.jp", Some(&with_wrong_check_digit(&key))).await;
    assert_eq!(mistyped.status(), StatusCode::OK);
    let done: Me = mistyped.json().await.unwrap();
    assert_eq!(done.member_type, MemberType::Free);
}

/// An account with a photo and a contacts backup in ROOM 1, unlimited by `key`.
/// Returns the SHA-256s of the stored files.
async fn licensed_with_data(app: &TestApp, email: &str, key: &LicenseKey) -> [String; 2] {
    let phone = app.registered_phone(email).await;
    let photo = b"\xff\xd8\xff a photo worth keeping".to_vec();
    assert_eq!(
        phone.upload("IMG_0001.jpg", &photo).await.status(),
        StatusCode::NO_CONTENT
    );
    back_up_contacts(&phone).await;
    let browser = app.signed_in(email).await;
    assert_eq!(
        register(app, &browser, &key.to_string()).await.status(),
        StatusCode::OK
    );
    let hashes = [sha256_hex(&photo), sha256_hex(VCARD.as_bytes())];
    for sha in &hashes {
        assert!(app.stored(sha).await.is_some());
    }
    hashes
}

const VCARD: &str = "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:山田 太郎\r\nEND:VCARD\r\n";

async fn back_up_contacts(phone: &Phone) {
    let put = phone
        .request(reqwest::Method::PUT, "/api/v1/device/backups/contacts")
        .body(VCARD)
        .send()
        .await
        .unwrap();
    assert_eq!(put.status(), StatusCode::CREATED);
}

async fn files_of(app: &TestApp, email: &str) -> i64 {
    sqlx::query_scalar(
        "SELECT (SELECT COUNT(*) FROM items WHERE user_id = u.id)
              + (SELECT COUNT(*) FROM backups WHERE user_id = u.id)
         FROM users u WHERE email = $1",
    )
    .bind(email)
    .fetch_one(&app.state.db)
    .await
    .unwrap()
}

/// Signs in afresh: moving the clock by weeks ends the sessions a test started before.
async fn member_type(app: &TestApp, email: &str) -> MemberType {
    me(app, &app.signed_in(email).await).await.member_type
}

/// Cancels `key` now and moves the clock to the moment it stops working.
async fn cancel_and_reach_month_end(app: &TestApp, email: &str, key: &LicenseKey) -> i64 {
    let until = license_keys(&app.state).cancel(key).await.unwrap();
    assert!(until > app.clock.now());
    // Still unlimited for the rest of the month, whatever the job does.
    app.clock.advance(until - 1 - app.clock.now());
    run_license_lifecycle(&app.state).await.unwrap();
    assert_eq!(member_type(app, email).await, MemberType::Unlimited);
    app.clock.advance(1);
    run_license_lifecycle(&app.state).await.unwrap();
    assert_eq!(member_type(app, email).await, MemberType::Free);
    until
}

#[tokio::test]
async fn a4_a_cancelled_key_registered_again_within_30_days_keeps_everything() {
    let app = spawn_app().await;
    let key = new_key(&app).await;
    let email = "loyal@example.jp";
    let hashes = licensed_with_data(&app, email, &key).await;
    let until = cancel_and_reach_month_end(&app, email, &key).await;
    assert!(hako_api_shim::clock::japan_minutes(until).ends_with("-01 00:00 JST"));

    app.clock.advance(29 * DAY);
    run_license_lifecycle(&app.state).await.unwrap();
    assert_eq!(files_of(&app, email).await, 2);
    let again = register(&app, &app.signed_in(email).await, &key.to_string()).await;
    assert_eq!(again.status(), StatusCode::OK);
    let again: Me = again.json().await.unwrap();
    assert_eq!(again.member_type, MemberType::Unlimited);
    assert_eq!(
        license::list(&app.state.db).await.unwrap()[0].state,
        "redeemed"
    );

    app.clock.advance(2 * DAY);
    run_license_lifecycle(&app.state).await.unwrap();
    assert_eq!(files_of(&app, email).await, 2);
    for sha in &hashes {
        assert!(app.stored(sha).await.is_some());
    }
    assert_eq!(member_type(&app, email).await, MemberType::Unlimited);
}

#[tokio::test]
async fn a4_from_day_31_the_data_is_deleted_but_not_the_account() {
    let app = spawn_app().await;
    let key = new_key(&app).await;
    let email = "gone@example.jp";
    let hashes = licensed_with_data(&app, email, &key).await;
    // Another account backed up the very same contacts: they share one stored file.
    back_up_contacts(&app.registered_phone("neighbour@example.jp").await).await;
    cancel_and_reach_month_end(&app, email, &key).await;

    app.clock.advance(30 * DAY - 1);
    run_license_lifecycle(&app.state).await.unwrap();
    assert_eq!(files_of(&app, email).await, 2, "kept 30 days");
    app.clock.advance(DAY + 1);
    run_license_lifecycle(&app.state).await.unwrap();
    assert_eq!(files_of(&app, email).await, 0);
    let [photo, contacts] = &hashes;
    assert!(app.stored(photo).await.is_none(), "the file left the disk");
    assert!(
        app.stored(contacts).await.is_some(),
        "the neighbour's copy stays"
    );
    assert_eq!(files_of(&app, "neighbour@example.jp").await, 1);
    // The account stays, a free member; the old key cannot bring anything back.
    let browser = app.signed_in(email).await;
    assert_eq!(me(&app, &browser).await.member_type, MemberType::Free);
    refused(register(&app, &browser, &key.to_string()).await).await;
    assert_eq!(
        license::list(&app.state.db).await.unwrap()[0].state,
        "expired"
    );
}

#[tokio::test]
async fn a4_the_30_days_count_from_the_latest_lapse() {
    let app = spawn_app().await;
    let [first, second] =
        <[LicenseKey; 2]>::try_from(license_keys(&app.state).issue(2).await.unwrap()).unwrap();
    let email = "twice@example.jp";
    licensed_with_data(&app, email, &first).await;
    cancel_and_reach_month_end(&app, email, &first).await;

    // A new contract's key within the 30 days keeps the data past them.
    app.clock.advance(10 * DAY);
    let browser = app.signed_in(email).await;
    assert_eq!(
        register(&app, &browser, &second.to_string()).await.status(),
        StatusCode::OK
    );
    app.clock.advance(40 * DAY);
    run_license_lifecycle(&app.state).await.unwrap();
    assert_eq!(files_of(&app, email).await, 2);

    // When that one lapses too, it gets its own 30 days.
    cancel_and_reach_month_end(&app, email, &second).await;
    app.clock.advance(30 * DAY - 1);
    run_license_lifecycle(&app.state).await.unwrap();
    assert_eq!(files_of(&app, email).await, 2);
    app.clock.advance(DAY + 1);
    run_license_lifecycle(&app.state).await.unwrap();
    assert_eq!(files_of(&app, email).await, 0);
}

#[test]
fn the_operator_issues_lists_and_cancels_keys_from_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let hako = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_hako"))
            .args(args)
            .env("HAKO_DATA", dir.path())
            .env("RUST_LOG", "warn")
            .output()
            .unwrap()
    };
    let text = |bytes: &[u8]| String::from_utf8_lossy(bytes).into_owned();

    let issued = hako(&["license", "issue", "--count", "3"]);
    assert!(issued.status.success(), "{}", text(&issued.stderr));
    let keys: Vec<String> = text(&issued.stdout).lines().map(str::to_owned).collect();
    assert_eq!(keys.len(), 3);
    for key in &keys {
        assert_eq!(key.len(), 19, "{key}");
        assert_eq!(LicenseKey::parse(key).unwrap().to_string(), *key);
    }

    let listed = hako(&["license", "list"]);
    assert!(listed.status.success());
    let listing = text(&listed.stdout);
    for key in &keys {
        assert!(!listing.contains(&key[..14]), "the list never shows a key");
        assert!(listing.contains(&format!("****-****-****-{}\tissued\t-", &key[15..])));
    }

    let cancelled = hako(&["license", "cancel", &keys[0].replace('-', " ")]);
    assert!(cancelled.status.success(), "{}", text(&cancelled.stderr));
    assert!(text(&cancelled.stdout).contains("valid until"));
    assert!(text(&cancelled.stdout).contains("-01 00:00 JST"));
    let listing = text(&hako(&["license", "list"]).stdout);
    assert!(listing.contains(&format!("****-****-****-{}\tcancelled", &keys[0][15..])));

    let twice = hako(&["license", "cancel", &keys[0]]);
    assert!(!twice.status.success());
    assert!(text(&twice.stderr).contains("already cancelled"));
    let unknown = hako(&[
        "license",
        "cancel",
        &LicenseKey::from_body("000000000000000")
            .unwrap()
            .to_string(),
    ]);
    assert!(!unknown.status.success());
    assert!(text(&unknown.stderr).contains("no such license key"));
    let mistyped = hako(&["license", "cancel", "1234-5678"]);
    assert!(!mistyped.status.success());
    assert!(text(&mistyped.stderr).contains("not a license key"));
    let none = hako(&["license", "issue", "--count", "0"]);
    assert!(!none.status.success());
}
