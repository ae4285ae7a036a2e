//! The account information page (SPEC V17): change the password, change the user ID by a code
//! mailed to the new address, and the masked license key in `Me`.

use hako_api_shim::{accounts::license_keys, clock::Clock, run_license_lifecycle};
use hako_protocol::{CodeSent, ErrorCode, Me};
use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::{PASSWORD, TestApp, expect_error, spawn_app};

const PASSWORD_CHANGE: &str = "/api/v1/account/password";
const EMAIL_CHANGE: &str = "/api/v1/account/email";
const EMAIL_VERIFY: &str = "/api/v1/account/email/verify";
const SIGNIN: &str = "/api/v1/auth/signin";
const NEW_PASSWORD: &str = "a brand new passphrase";

async fn me_status(app: &TestApp, client: &reqwest::Client) -> StatusCode {
    client
        .get(app.url("/api/v1/me"))
        .send()
        .await
        .unwrap()
        .status()
}

async fn me(app: &TestApp, client: &reqwest::Client) -> Me {
    let response = client.get(app.url("/api/v1/me")).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    response.json().await.unwrap()
}

async fn sign_in(app: &TestApp, email: &str, password: &str) -> reqwest::Response {
    app.post(
        &app.client(),
        SIGNIN,
        json!({"email": email, "password": password}),
    )
    .await
}

async fn change_password(
    app: &TestApp,
    client: &reqwest::Client,
    current: &str,
) -> reqwest::Response {
    app.post(
        client,
        PASSWORD_CHANGE,
        json!({"current_password": current, "new_password": NEW_PASSWORD}),
    )
    .await
}

async fn ask_email_change(
    app: &TestApp,
    client: &reqwest::Client,
    new_email: &str,
) -> reqwest::Response {
    app.post(
        client,
        EMAIL_CHANGE,
        json!({"new_email": new_email, "password": PASSWORD}),
    )
    .await
}

async fn verify_email(
    app: &TestApp,
    client: &reqwest::Client,
    new_email: &str,
    code: &str,
) -> reqwest::Response {
    app.post(
        client,
        EMAIL_VERIFY,
        json!({"new_email": new_email, "code": code}),
    )
    .await
}

/// A six-digit code that is not `code`.
fn wrong(code: &str) -> String {
    let n: u32 = code.parse().unwrap();
    format!("{:06}", (n + 1) % 1_000_000)
}

#[tokio::test]
async fn v17_a_password_change_ends_the_other_sessions_and_keeps_this_one_and_the_phones() {
    let app = spawn_app().await;
    let this = app.signed_up("pw@example.jp").await;
    let other = app.signed_in("pw@example.jp").await;
    let phone = app.phone("pw@example.jp", "android").await;

    let response = change_password(&app, &this, "not the password").await;
    expect_error(
        response,
        StatusCode::BAD_REQUEST,
        ErrorCode::CurrentPasswordWrong,
    )
    .await;
    let weak = app
        .post(
            &this,
            PASSWORD_CHANGE,
            json!({"current_password": PASSWORD, "new_password": "short"}),
        )
        .await;
    expect_error(weak, StatusCode::BAD_REQUEST, ErrorCode::PasswordTooShort).await;
    // Neither refusal changed anything.
    assert_eq!(me_status(&app, &other).await, StatusCode::OK);

    let response = change_password(&app, &this, PASSWORD).await;
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    assert_eq!(me_status(&app, &this).await, StatusCode::OK);
    assert_eq!(me_status(&app, &other).await, StatusCode::UNAUTHORIZED);
    assert_eq!(
        phone.get("/api/v1/device/rooms").await.status(),
        StatusCode::OK,
        "a phone keeps its device token"
    );

    expect_error(
        sign_in(&app, "pw@example.jp", PASSWORD).await,
        StatusCode::UNAUTHORIZED,
        ErrorCode::InvalidCredentials,
    )
    .await;
    assert_eq!(
        sign_in(&app, "pw@example.jp", NEW_PASSWORD).await.status(),
        StatusCode::OK
    );
}

#[tokio::test]
async fn v17_wrong_current_passwords_count_toward_the_sign_in_throttle() {
    let app = spawn_app().await;
    let client = app.signed_up("guess@example.jp").await;
    for _ in 0..5 {
        expect_error(
            change_password(&app, &client, "guess guess guess").await,
            StatusCode::BAD_REQUEST,
            ErrorCode::CurrentPasswordWrong,
        )
        .await;
    }
    // Now even the right password is refused, here and at sign-in, until the window moves on.
    for response in [
        change_password(&app, &client, PASSWORD).await,
        ask_email_change(&app, &client, "elsewhere@example.jp").await,
        sign_in(&app, "guess@example.jp", PASSWORD).await,
    ] {
        expect_error(
            response,
            StatusCode::TOO_MANY_REQUESTS,
            ErrorCode::TooManyAttempts,
        )
        .await;
    }
    app.clock.advance(15 * 60);
    assert_eq!(
        change_password(&app, &client, PASSWORD).await.status(),
        StatusCode::NO_CONTENT
    );
}

#[tokio::test]
async fn v17_the_user_id_changes_by_a_code_to_the_new_address_and_the_old_one_is_told() {
    let app = spawn_app().await;
    let client = app.signed_up("old@example.jp").await;
    let other = app.signed_in("old@example.jp").await;

    let response = ask_email_change(&app, &client, "  New@Example.JP ").await;
    assert_eq!(response.status(), StatusCode::ACCEPTED);
    let sent: CodeSent = response.json().await.unwrap();
    assert_eq!(sent.expires_in_secs, 600);
    let code = app.next_code("new@example.jp").await;

    let error = expect_error(
        verify_email(&app, &client, "new@example.jp", &wrong(&code)).await,
        StatusCode::BAD_REQUEST,
        ErrorCode::CodeInvalid,
    )
    .await;
    assert_eq!(error.attempts_left, Some(4));
    let response = verify_email(&app, &client, "NEW@example.jp", &code).await;
    assert_eq!(response.status(), StatusCode::OK);
    let changed: Me = response.json().await.unwrap();
    assert_eq!(changed.email, "new@example.jp");

    let notice = app.next_mail("old@example.jp").await;
    let ja = notice.find("次のアドレスに変更されました").expect(&notice);
    let en = notice.find("was changed to").expect(&notice);
    assert!(ja < en, "Japanese first:\n{notice}");
    assert!(notice.contains("new@example.jp"), "{notice}");

    // Sessions stay; the next sign-in uses the new address.
    assert_eq!(me(&app, &client).await.email, "new@example.jp");
    assert_eq!(me(&app, &other).await.email, "new@example.jp");
    expect_error(
        sign_in(&app, "old@example.jp", PASSWORD).await,
        StatusCode::UNAUTHORIZED,
        ErrorCode::InvalidCredentials,
    )
    .await;
    assert_eq!(
        sign_in(&app, "new@example.jp", PASSWORD).await.status(),
        StatusCode::OK
    );
    // The code is used up.
    expect_error(
        verify_email(&app, &client, "new@example.jp", &code).await,
        StatusCode::BAD_REQUEST,
        ErrorCode::CodeExpired,
    )
    .await;
}

#[tokio::test]
async fn v17_a_user_id_change_refuses_a_wrong_password_the_current_address_and_a_bad_one() {
    let app = spawn_app().await;
    let client = app.signed_up("same@example.jp").await;
    let wrong_password = app
        .post(
            &client,
            EMAIL_CHANGE,
            json!({"new_email": "next@example.jp", "password": "not the password"}),
        )
        .await;
    expect_error(
        wrong_password,
        StatusCode::BAD_REQUEST,
        ErrorCode::CurrentPasswordWrong,
    )
    .await;
    expect_error(
        ask_email_change(&app, &client, " SAME@example.jp").await,
        StatusCode::BAD_REQUEST,
        ErrorCode::EmailUnchanged,
    )
    .await;
    expect_error(
        ask_email_change(&app, &client, "not an address").await,
        StatusCode::BAD_REQUEST,
        ErrorCode::InvalidEmail,
    )
    .await;
    assert_eq!(app.mails_to("next@example.jp").await, 0);
    assert_eq!(me(&app, &client).await.email, "same@example.jp");
}

#[tokio::test]
async fn v17_an_address_of_another_account_is_refused_only_once_its_code_is_entered() {
    let app = spawn_app().await;
    app.signed_up("taken@example.jp").await;
    let mover = app.signed_up("mover@example.jp").await;

    // The same answer as for a free address: nothing tells that "taken" has an account.
    let free = ask_email_change(&app, &mover, "free@example.jp").await;
    assert_eq!(free.status(), StatusCode::ACCEPTED);
    let free: CodeSent = free.json().await.unwrap();
    let taken = ask_email_change(&app, &mover, "taken@example.jp").await;
    assert_eq!(taken.status(), StatusCode::ACCEPTED);
    assert_eq!(taken.json::<CodeSent>().await.unwrap(), free);

    // Whoever reads that mailbox may learn it: the code is right, the address is not free.
    let code = app.next_code("taken@example.jp").await;
    expect_error(
        verify_email(&app, &mover, "taken@example.jp", &code).await,
        StatusCode::CONFLICT,
        ErrorCode::EmailTaken,
    )
    .await;
    assert_eq!(me(&app, &mover).await.email, "mover@example.jp");
    assert_eq!(
        sign_in(&app, "taken@example.jp", PASSWORD).await.status(),
        StatusCode::OK
    );
}

#[tokio::test]
async fn v17_user_id_codes_follow_a2() {
    let app = spawn_app().await;
    let client = app.signed_up("rules@example.jp").await;
    let target = "target@example.jp";

    // Valid 10 minutes.
    assert_eq!(
        ask_email_change(&app, &client, target).await.status(),
        StatusCode::ACCEPTED
    );
    let code = app.next_code(target).await;
    // 60 s between sends.
    expect_error(
        ask_email_change(&app, &client, target).await,
        StatusCode::TOO_MANY_REQUESTS,
        ErrorCode::CodeResendTooSoon,
    )
    .await;
    app.clock.advance(600);
    expect_error(
        verify_email(&app, &client, target, &code).await,
        StatusCode::BAD_REQUEST,
        ErrorCode::CodeExpired,
    )
    .await;

    // Dead after 5 wrong tries, even for the right code.
    assert_eq!(
        ask_email_change(&app, &client, target).await.status(),
        StatusCode::ACCEPTED
    );
    let code = app.next_code(target).await;
    for left in (1..5).rev() {
        let error = expect_error(
            verify_email(&app, &client, target, &wrong(&code)).await,
            StatusCode::BAD_REQUEST,
            ErrorCode::CodeInvalid,
        )
        .await;
        assert_eq!(error.attempts_left, Some(left));
    }
    for attempt in [wrong(&code), code] {
        expect_error(
            verify_email(&app, &client, target, &attempt).await,
            StatusCode::BAD_REQUEST,
            ErrorCode::CodeExpired,
        )
        .await;
    }

    // Only the latest works: a newer code, or a change to another address, kills the older one.
    app.clock.advance(60);
    assert_eq!(
        ask_email_change(&app, &client, target).await.status(),
        StatusCode::ACCEPTED
    );
    let first = app.next_code(target).await;
    app.clock.advance(60);
    assert_eq!(
        ask_email_change(&app, &client, target).await.status(),
        StatusCode::ACCEPTED
    );
    let second = app.next_code(target).await;
    if first != second {
        expect_error(
            verify_email(&app, &client, target, &first).await,
            StatusCode::BAD_REQUEST,
            ErrorCode::CodeInvalid,
        )
        .await;
    }
    assert_eq!(
        ask_email_change(&app, &client, "other@example.jp")
            .await
            .status(),
        StatusCode::ACCEPTED
    );
    expect_error(
        verify_email(&app, &client, target, &second).await,
        StatusCode::BAD_REQUEST,
        ErrorCode::CodeExpired,
    )
    .await;

    // 5 sends per address per hour (this is the fifth to the target).
    app.clock.advance(60);
    assert_eq!(
        ask_email_change(&app, &client, target).await.status(),
        StatusCode::ACCEPTED
    );
    app.clock.advance(60);
    expect_error(
        ask_email_change(&app, &client, target).await,
        StatusCode::TOO_MANY_REQUESTS,
        ErrorCode::CodeSendLimit,
    )
    .await;
}

#[tokio::test]
async fn v17_a_user_id_code_works_only_for_the_account_that_asked() {
    let app = spawn_app().await;
    let asker = app.signed_up("asker@example.jp").await;
    let intruder = app.signed_up("intruder@example.jp").await;
    assert_eq!(
        ask_email_change(&app, &asker, "wanted@example.jp")
            .await
            .status(),
        StatusCode::ACCEPTED
    );
    let code = app.next_code("wanted@example.jp").await;
    expect_error(
        verify_email(&app, &intruder, "wanted@example.jp", &code).await,
        StatusCode::BAD_REQUEST,
        ErrorCode::CodeExpired,
    )
    .await;
    assert_eq!(me(&app, &intruder).await.email, "intruder@example.jp");
    assert_eq!(
        verify_email(&app, &asker, "wanted@example.jp", &code)
            .await
            .status(),
        StatusCode::OK
    );
}

#[tokio::test]
async fn v17_me_carries_the_masked_license_key_while_it_works() {
    let app = spawn_app().await;
    let client = app.signed_up("keyed@example.jp").await;
    assert_eq!(me(&app, &client).await.license_key_masked, None);

    let key = license_keys(&app.state).issue(1).await.unwrap().remove(0);
    let masked = format!("****-****-****-{}", key.last4());
    let response = app
        .post(
            &client,
            "/api/v1/account/license",
            json!({"key": key.digits()}),
        )
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    let registered: Me = response.json().await.unwrap();
    assert_eq!(
        registered.license_key_masked.as_deref(),
        Some(masked.as_str())
    );
    assert_eq!(
        me(&app, &client).await.license_key_masked.as_deref(),
        Some(masked.as_str())
    );
    let signed_in: Me = sign_in(&app, "keyed@example.jp", PASSWORD)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        signed_in.license_key_masked.as_deref(),
        Some(masked.as_str())
    );

    // Cancelled, it still works (and shows) to the end of the month; then it is gone.
    let until = license_keys(&app.state).cancel(&key).await.unwrap();
    assert_eq!(
        me(&app, &client).await.license_key_masked.as_deref(),
        Some(masked.as_str())
    );
    app.clock.advance(until - app.clock.now());
    run_license_lifecycle(&app.state).await.unwrap();
    assert_eq!(me(&app, &client).await.license_key_masked, None);
}

#[tokio::test]
async fn v17_account_changes_need_a_web_session() {
    let app = spawn_app().await;
    app.signed_up("web@example.jp").await;
    let phone = app.phone("web@example.jp", "ios").await;
    for (path, body) in [
        (
            PASSWORD_CHANGE,
            json!({"current_password": PASSWORD, "new_password": NEW_PASSWORD}),
        ),
        (
            EMAIL_CHANGE,
            json!({"new_email": "phone@example.jp", "password": PASSWORD}),
        ),
        (
            EMAIL_VERIFY,
            json!({"new_email": "phone@example.jp", "code": "123456"}),
        ),
    ] {
        expect_error(
            app.post(&reqwest::Client::new(), path, body.clone()).await,
            StatusCode::UNAUTHORIZED,
            ErrorCode::Unauthenticated,
        )
        .await;
        assert_eq!(
            phone.post(path, body).await.status(),
            StatusCode::UNAUTHORIZED,
            "{path} with a device token"
        );
    }
    assert_eq!(
        sign_in(&app, "web@example.jp", PASSWORD).await.status(),
        StatusCode::OK
    );
}
