//! Email accounts: every rule of SPEC A2 and A5, sessions, throttles.

use hako_protocol::{CodeSent, ErrorCode, Me, MemberType};
use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::*;

const SIGNUP: &str = "/api/v1/auth/signup";
const VERIFY: &str = "/api/v1/auth/signup/verify";
const SIGNIN: &str = "/api/v1/auth/signin";
const RESET: &str = "/api/v1/auth/password-reset";
const RESET_VERIFY: &str = "/api/v1/auth/password-reset/verify";

#[tokio::test]
async fn sign_up_with_a_mailed_code_then_sign_out() {
    let app = spawn_app().await;
    let client = app.client();
    let response = app
        .post(
            &client,
            SIGNUP,
            json!({"email": " Hanako@Example.JP ", "password": PASSWORD}),
        )
        .await;
    assert_eq!(response.status(), StatusCode::ACCEPTED);
    let sent: CodeSent = response.json().await.unwrap();
    assert_eq!(
        sent,
        CodeSent {
            expires_in_secs: 600,
            resend_after_secs: 60
        }
    );

    let mail = app.next_mail("hanako@example.jp").await;
    assert!(
        mail.contains("アカウント登録"),
        "the mail says what the code is for"
    );
    assert!(
        mail.contains("有効期限は10分"),
        "the mail says how long it is valid"
    );
    let code = code_in(&mail).unwrap();
    assert!(
        code.len() == 6 && code.bytes().all(|b| b.is_ascii_digit()),
        "{code}"
    );

    let response = app
        .post(
            &client,
            VERIFY,
            json!({"email": "hanako@example.jp", "code": code}),
        )
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    let set_cookie = response.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .to_owned();
    for flag in ["HttpOnly", "SameSite=Lax", "Path=/"] {
        assert!(set_cookie.contains(flag), "{set_cookie}");
    }
    assert!(
        !set_cookie.contains("Secure"),
        "plain-HTTP deployments cannot use Secure cookies"
    );
    let me: Me = client
        .get(app.url("/api/v1/me"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(me.email, "hanako@example.jp");
    assert_eq!(me.member_type, MemberType::Free);

    let response = app.post(&client, "/api/v1/auth/signout", json!({})).await;
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    let response = client.get(app.url("/api/v1/me")).send().await.unwrap();
    expect_error(
        response,
        StatusCode::UNAUTHORIZED,
        ErrorCode::Unauthenticated,
    )
    .await;
}

#[tokio::test]
async fn cookies_are_secure_when_the_public_address_is_https() {
    let app = spawn_app_with(|c| c.public_url = "https://photos.example.jp".into()).await;
    let client = app.client();
    app.post(
        &client,
        SIGNUP,
        json!({"email": "s@example.jp", "password": PASSWORD}),
    )
    .await;
    let code = app.next_code("s@example.jp").await;
    let response = app
        .post(
            &client,
            VERIFY,
            json!({"email": "s@example.jp", "code": code}),
        )
        .await;
    assert!(
        response.headers()["set-cookie"]
            .to_str()
            .unwrap()
            .contains("; Secure")
    );
}

#[tokio::test]
async fn a2_a_code_is_valid_for_ten_minutes() {
    let app = spawn_app().await;
    let client = app.client();
    for (email, wait, works) in [
        ("early@example.jp", 599, true),
        ("late@example.jp", 600, false),
    ] {
        app.post(
            &client,
            SIGNUP,
            json!({"email": email, "password": PASSWORD}),
        )
        .await;
        let code = app.next_code(email).await;
        app.clock.advance(wait);
        let response = app
            .post(&client, VERIFY, json!({"email": email, "code": code}))
            .await;
        if works {
            assert_eq!(response.status(), StatusCode::OK, "{email}");
        } else {
            expect_error(response, StatusCode::BAD_REQUEST, ErrorCode::CodeExpired).await;
        }
    }
}

#[tokio::test]
async fn a2_five_wrong_tries_kill_the_code() {
    let app = spawn_app().await;
    let client = app.client();
    let email = "guess@example.jp";
    app.post(
        &client,
        SIGNUP,
        json!({"email": email, "password": PASSWORD}),
    )
    .await;
    let code = app.next_code(email).await;
    let wrong = if code == "000000" { "111111" } else { "000000" };
    for left in [4, 3, 2, 1] {
        let response = app
            .post(&client, VERIFY, json!({"email": email, "code": wrong}))
            .await;
        let body = expect_error(response, StatusCode::BAD_REQUEST, ErrorCode::CodeInvalid).await;
        assert_eq!(body.attempts_left, Some(left));
    }
    let response = app
        .post(&client, VERIFY, json!({"email": email, "code": wrong}))
        .await;
    expect_error(response, StatusCode::BAD_REQUEST, ErrorCode::CodeExpired).await;
    let response = app
        .post(&client, VERIFY, json!({"email": email, "code": code}))
        .await;
    expect_error(response, StatusCode::BAD_REQUEST, ErrorCode::CodeExpired).await;
}

#[tokio::test]
async fn a2_a_malformed_code_costs_no_try_and_full_width_digits_work() {
    let app = spawn_app().await;
    let client = app.client();
    let email = "typo@example.jp";
    app.post(
        &client,
        SIGNUP,
        json!({"email": email, "password": PASSWORD}),
    )
    .await;
    let code = app.next_code(email).await;
    for _ in 0..6 {
        let response = app
            .post(&client, VERIFY, json!({"email": email, "code": "12a"}))
            .await;
        let body = expect_error(response, StatusCode::BAD_REQUEST, ErrorCode::CodeInvalid).await;
        assert_eq!(body.attempts_left, Some(5));
    }
    let full_width: String = code
        .chars()
        .map(|c| char::from_u32(c as u32 - '0' as u32 + '０' as u32).unwrap())
        .collect();
    let response = app
        .post(&client, VERIFY, json!({"email": email, "code": full_width}))
        .await;
    assert_eq!(response.status(), StatusCode::OK);
}

#[tokio::test]
async fn a2_only_the_latest_code_works() {
    let app = spawn_app().await;
    let client = app.client();
    let email = "latest@example.jp";
    app.post(
        &client,
        SIGNUP,
        json!({"email": email, "password": PASSWORD}),
    )
    .await;
    let first = app.next_code(email).await;
    app.clock.advance(60);
    app.post(
        &client,
        SIGNUP,
        json!({"email": email, "password": PASSWORD}),
    )
    .await;
    let second = app.next_code(email).await;
    if first == second {
        return; // one chance in a million: nothing to tell apart
    }
    let response = app
        .post(&client, VERIFY, json!({"email": email, "code": first}))
        .await;
    expect_error(response, StatusCode::BAD_REQUEST, ErrorCode::CodeInvalid).await;
    let response = app
        .post(&client, VERIFY, json!({"email": email, "code": second}))
        .await;
    assert_eq!(response.status(), StatusCode::OK);
}

#[tokio::test]
async fn a2_sixty_seconds_between_sends() {
    let app = spawn_app().await;
    let client = app.client();
    let email = "soon@example.jp";
    let body = json!({"email": email, "password": PASSWORD});
    assert_eq!(
        app.post(&client, SIGNUP, body.clone()).await.status(),
        StatusCode::ACCEPTED
    );
    app.clock.advance(59);
    let response = app.post(&client, SIGNUP, body.clone()).await;
    assert_eq!(response.headers()["retry-after"], "1");
    let error = expect_error(
        response,
        StatusCode::TOO_MANY_REQUESTS,
        ErrorCode::CodeResendTooSoon,
    )
    .await;
    assert_eq!(error.retry_after_secs, Some(1));
    // The limit is per address, whatever the code is for.
    let response = app.post(&client, RESET, json!({"email": email})).await;
    expect_error(
        response,
        StatusCode::TOO_MANY_REQUESTS,
        ErrorCode::CodeResendTooSoon,
    )
    .await;
    app.clock.advance(1);
    assert_eq!(
        app.post(&client, SIGNUP, body).await.status(),
        StatusCode::ACCEPTED
    );
    assert_eq!(app.mails_to(email).await, 2, "refused sends mail nothing");
}

#[tokio::test]
async fn a2_five_sends_per_address_per_hour() {
    let app = spawn_app().await;
    let client = app.client();
    let email = "often@example.jp";
    let body = json!({"email": email, "password": PASSWORD});
    for _ in 0..5 {
        assert_eq!(
            app.post(&client, SIGNUP, body.clone()).await.status(),
            StatusCode::ACCEPTED
        );
        app.clock.advance(61);
    }
    // 5 × 61 s have passed since the first send; it leaves the hour after 3600 − 305 s more.
    let response = app.post(&client, SIGNUP, body.clone()).await;
    let error = expect_error(
        response,
        StatusCode::TOO_MANY_REQUESTS,
        ErrorCode::CodeSendLimit,
    )
    .await;
    assert_eq!(error.retry_after_secs, Some(3600 - 305));
    // Another address is not affected.
    let other = json!({"email": "other@example.jp", "password": PASSWORD});
    assert_eq!(
        app.post(&client, SIGNUP, other).await.status(),
        StatusCode::ACCEPTED
    );
    app.clock.advance(3600 - 305);
    assert_eq!(
        app.post(&client, SIGNUP, body).await.status(),
        StatusCode::ACCEPTED
    );
}

#[tokio::test]
async fn a2_answers_do_not_reveal_whether_an_address_has_an_account() {
    let app = spawn_app().await;
    app.signed_up("known@example.jp").await;
    let client = app.client();

    // Sign-up: the same answer; the owner of the known address gets a notice, not a code.
    let mut answers = Vec::new();
    for email in ["known@example.jp", "unknown@example.jp"] {
        let response = app
            .post(
                &client,
                SIGNUP,
                json!({"email": email, "password": PASSWORD}),
            )
            .await;
        answers.push((response.status(), response.text().await.unwrap()));
    }
    assert_eq!(answers[0], answers[1]);
    let notice = app.next_mail("known@example.jp").await;
    assert!(
        code_in(&notice).is_none() && notice.contains("すでに"),
        "{notice}"
    );

    // Password reset: the same answer, and wrong codes count down the same way.
    app.clock.advance(60);
    let mut answers = Vec::new();
    for email in ["known@example.jp", "unknown@example.jp"] {
        let mut seen = Vec::new();
        let response = app.post(&client, RESET, json!({"email": email})).await;
        seen.push((response.status(), response.text().await.unwrap()));
        for _ in 0..6 {
            let response = app
                .post(&client, RESET_VERIFY, json!({"email": email, "code": "999999", "new_password": "another long password"}))
                .await;
            seen.push((response.status(), response.text().await.unwrap()));
        }
        answers.push(seen);
    }
    assert_eq!(answers[0], answers[1]);
    assert_eq!(
        app.mails_to("unknown@example.jp").await,
        1,
        "only the sign-up mail"
    );
}

#[tokio::test]
async fn a2_codes_are_stored_only_as_keyed_hashes() {
    let app = spawn_app().await;
    let client = app.client();
    app.post(
        &client,
        SIGNUP,
        json!({"email": "h@example.jp", "password": PASSWORD}),
    )
    .await;
    let code = app.next_code("h@example.jp").await;
    let stored: Vec<u8> = sqlx::query_scalar("SELECT code_hash FROM email_codes")
        .fetch_one(&app.state.db)
        .await
        .unwrap();
    assert_eq!(stored.len(), 32);
    assert!(!stored.windows(6).any(|w| w == code.as_bytes()));
    let password_hash: String = sqlx::query_scalar("SELECT password_hash FROM email_codes")
        .fetch_one(&app.state.db)
        .await
        .unwrap();
    assert!(password_hash.starts_with("$argon2id$") && !password_hash.contains(PASSWORD));
}

#[tokio::test]
async fn sign_up_refuses_bad_addresses_and_passwords_clearly() {
    let app = spawn_app().await;
    let client = app.client();
    for (email, password, code) in [
        ("not-an-address", PASSWORD, ErrorCode::InvalidEmail),
        ("ok@example.jp", "elevenchars", ErrorCode::PasswordTooShort),
        (
            "ok@example.jp",
            &"x".repeat(129),
            ErrorCode::PasswordTooLong,
        ),
    ] {
        let response = app
            .post(
                &client,
                SIGNUP,
                json!({"email": email, "password": password}),
            )
            .await;
        let body = expect_error(response, StatusCode::BAD_REQUEST, code).await;
        assert!(!body.message.is_empty());
    }
    assert_eq!(app.mails_to("ok@example.jp").await, 0);
}

#[tokio::test]
async fn sign_in_rotates_the_session_and_ends_the_old_one() {
    let app = spawn_app().await;
    app.signed_up("rotate@example.jp").await;
    let credentials = json!({"email": "rotate@example.jp", "password": PASSWORD});
    // A session id planted before sign-in is never adopted (fixation).
    let response = reqwest::Client::new()
        .post(app.url(SIGNIN))
        .header("cookie", "hako_session=planted-by-an-attacker")
        .json(&credentials)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let first = session_cookie(&response).unwrap();
    assert_ne!(first, "planted-by-an-attacker");
    assert_eq!(me_with_token(&app, &first).await, StatusCode::OK);
    assert_eq!(
        me_with_token(&app, "planted-by-an-attacker").await,
        StatusCode::UNAUTHORIZED
    );

    let response = reqwest::Client::new()
        .post(app.url(SIGNIN))
        .header("cookie", format!("hako_session={first}"))
        .json(&credentials)
        .send()
        .await
        .unwrap();
    let second = session_cookie(&response).unwrap();
    assert_ne!(first, second);
    assert_eq!(me_with_token(&app, &first).await, StatusCode::UNAUTHORIZED);
    assert_eq!(me_with_token(&app, &second).await, StatusCode::OK);
}

#[tokio::test]
async fn a5_sign_out_ends_the_session_on_the_server() {
    let app = spawn_app().await;
    app.signed_up("out@example.jp").await;
    let response = app
        .post(
            &reqwest::Client::new(),
            SIGNIN,
            json!({"email": "out@example.jp", "password": PASSWORD}),
        )
        .await;
    let token = session_cookie(&response).unwrap();
    let response = reqwest::Client::new()
        .post(app.url("/api/v1/auth/signout"))
        .header("cookie", format!("hako_session={token}"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    assert!(
        response.headers()["set-cookie"]
            .to_str()
            .unwrap()
            .contains("Max-Age=0")
    );
    // Replaying the old cookie does not bring the session back.
    assert_eq!(me_with_token(&app, &token).await, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn sessions_end_after_idle_and_absolute_timeouts() {
    let app = spawn_app().await;
    app.signed_up("idle@example.jp").await;
    let sign_in = || async {
        let response = app
            .post(
                &reqwest::Client::new(),
                SIGNIN,
                json!({"email": "idle@example.jp", "password": PASSWORD}),
            )
            .await;
        session_cookie(&response).unwrap()
    };
    let idle = app.state.config.session_idle.as_secs() as i64;
    let token = sign_in().await;
    app.clock.advance(idle + 1);
    assert_eq!(me_with_token(&app, &token).await, StatusCode::UNAUTHORIZED);

    // Used every day, a session still ends at the absolute limit.
    let token = sign_in().await;
    let absolute = app.state.config.session_absolute.as_secs() as i64;
    let day = 24 * 3600;
    for _ in 0..(absolute / day) {
        assert_eq!(me_with_token(&app, &token).await, StatusCode::OK);
        app.clock.advance(day);
    }
    app.clock.advance(absolute % day + 1);
    assert_eq!(me_with_token(&app, &token).await, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn sign_in_failures_are_the_same_for_unknown_addresses_and_wrong_passwords() {
    let app = spawn_app().await;
    app.signed_up("real@example.jp").await;
    let client = app.client();
    let wrong_password = app
        .post(
            &client,
            SIGNIN,
            json!({"email": "real@example.jp", "password": "not the password"}),
        )
        .await;
    let unknown = app
        .post(
            &client,
            SIGNIN,
            json!({"email": "nobody@example.jp", "password": "not the password"}),
        )
        .await;
    assert_eq!(wrong_password.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(
        wrong_password.text().await.unwrap(),
        unknown.text().await.unwrap()
    );
}

#[tokio::test]
async fn sign_in_is_throttled_per_address() {
    let app = spawn_app().await;
    app.signed_up("target@example.jp").await;
    let client = app.client();
    for _ in 0..5 {
        let response = app
            .post(
                &client,
                SIGNIN,
                json!({"email": "target@example.jp", "password": "guess guess guess"}),
            )
            .await;
        expect_error(
            response,
            StatusCode::UNAUTHORIZED,
            ErrorCode::InvalidCredentials,
        )
        .await;
    }
    let right = json!({"email": "target@example.jp", "password": PASSWORD});
    let response = app.post(&client, SIGNIN, right.clone()).await;
    let error = expect_error(
        response,
        StatusCode::TOO_MANY_REQUESTS,
        ErrorCode::TooManyAttempts,
    )
    .await;
    assert_eq!(error.retry_after_secs, Some(15 * 60));
    app.clock.advance(15 * 60);
    assert_eq!(
        app.post(&client, SIGNIN, right).await.status(),
        StatusCode::OK
    );
}

#[tokio::test]
async fn sign_in_is_throttled_per_client_address() {
    let app = spawn_app().await;
    app.signed_up("victim@example.jp").await;
    let client = app.client();
    for i in 0..20 {
        let response = app
            .post(
                &client,
                SIGNIN,
                json!({"email": format!("spray{i}@example.jp"), "password": "Summer2026!!"}),
            )
            .await;
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    }
    let response = app
        .post(
            &client,
            SIGNIN,
            json!({"email": "victim@example.jp", "password": PASSWORD}),
        )
        .await;
    expect_error(
        response,
        StatusCode::TOO_MANY_REQUESTS,
        ErrorCode::TooManyAttempts,
    )
    .await;
}

#[tokio::test]
async fn a5_password_reset_by_code_ends_every_other_session() {
    let app = spawn_app().await;
    let other_device = app.signed_up("forgot@example.jp").await;
    let client = app.client();
    assert_eq!(
        app.post(&client, RESET, json!({"email": "forgot@example.jp"}))
            .await
            .status(),
        StatusCode::ACCEPTED
    );
    let mail = app.next_mail("forgot@example.jp").await;
    assert!(mail.contains("パスワードを再設定"), "{mail}");
    let code = code_in(&mail).unwrap();

    // A password that breaks the rules is refused and does not use up the code.
    let response = app
        .post(
            &client,
            RESET_VERIFY,
            json!({"email": "forgot@example.jp", "code": code, "new_password": "short"}),
        )
        .await;
    expect_error(
        response,
        StatusCode::BAD_REQUEST,
        ErrorCode::PasswordTooShort,
    )
    .await;

    let new_password = "a brand new passphrase";
    let response = app
        .post(
            &client,
            RESET_VERIFY,
            json!({"email": "forgot@example.jp", "code": code, "new_password": new_password}),
        )
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(
        client
            .get(app.url("/api/v1/me"))
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::OK
    );
    let stale = other_device
        .get(app.url("/api/v1/me"))
        .send()
        .await
        .unwrap();
    expect_error(stale, StatusCode::UNAUTHORIZED, ErrorCode::Unauthenticated).await;

    let old = app
        .post(
            &client,
            SIGNIN,
            json!({"email": "forgot@example.jp", "password": PASSWORD}),
        )
        .await;
    expect_error(old, StatusCode::UNAUTHORIZED, ErrorCode::InvalidCredentials).await;
    let new = app
        .post(
            &client,
            SIGNIN,
            json!({"email": "forgot@example.jp", "password": new_password}),
        )
        .await;
    assert_eq!(new.status(), StatusCode::OK);
    // The code was used up.
    let again = app
        .post(
            &client,
            RESET_VERIFY,
            json!({"email": "forgot@example.jp", "code": code, "new_password": new_password}),
        )
        .await;
    expect_error(again, StatusCode::BAD_REQUEST, ErrorCode::CodeExpired).await;
}

#[tokio::test]
async fn cross_site_requests_are_refused_and_plain_clients_are_not() {
    let app = spawn_app().await;
    app.signed_up("csrf@example.jp").await;
    let body = json!({"email": "csrf@example.jp", "password": PASSWORD});
    let client = reqwest::Client::new();
    let from_elsewhere = client
        .post(app.url(SIGNIN))
        .header("origin", "https://evil.example")
        .json(&body)
        .send()
        .await
        .unwrap();
    expect_error(
        from_elsewhere,
        StatusCode::FORBIDDEN,
        ErrorCode::CrossSiteRequest,
    )
    .await;
    let fetch_metadata = client
        .post(app.url("/api/v1/auth/signout"))
        .header("sec-fetch-site", "cross-site")
        .send()
        .await
        .unwrap();
    expect_error(
        fetch_metadata,
        StatusCode::FORBIDDEN,
        ErrorCode::CrossSiteRequest,
    )
    .await;
    let same_origin = client
        .post(app.url(SIGNIN))
        .header("origin", &app.base)
        .header("sec-fetch-site", "same-origin")
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(same_origin.status(), StatusCode::OK);
    let no_headers = client
        .post(app.url(SIGNIN))
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(no_headers.status(), StatusCode::OK);
}
