//! Phones and ROOMs (SPEC D1, D2) and the missing-files check (D3).

use hako_protocol::{ErrorCode, Rooms};
use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::helpers::*;

async fn rooms(phone: &Phone) -> Rooms {
    phone
        .get("/api/v1/device/rooms")
        .await
        .json()
        .await
        .unwrap()
}

#[tokio::test]
async fn d1_a_new_phone_takes_a_free_room() {
    let app = spawn_app().await;
    app.signed_up("family@example.jp").await;
    let phone = app.phone("family@example.jp", "android").await;
    let before = rooms(&phone).await;
    assert_eq!(before.this_phone_room, None);
    assert!(before.rooms.iter().all(|r| r.phone.is_none()));
    let response = phone
        .post("/api/v1/device/register", json!({"room": 2}))
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    let after: Rooms = response.json().await.unwrap();
    assert_eq!(after.this_phone_room, Some(2));
    assert_eq!(after.rooms[1].phone.as_ref().unwrap().name, "android phone");
    for bad in [0, 4] {
        let response = phone
            .post("/api/v1/device/register", json!({"room": bad}))
            .await;
        expect_error(response, StatusCode::BAD_REQUEST, ErrorCode::RoomOutOfRange).await;
    }
}

#[tokio::test]
async fn d1_take_over_keeps_the_data_and_locks_the_old_phone_out() {
    let app = spawn_app().await;
    let old = app.registered_phone("change@example.jp").await;
    let photo = b"\xff\xd8\xff old phone photo".to_vec();
    assert_eq!(
        old.upload("IMG_0001.jpg", &photo).await.status(),
        StatusCode::NO_CONTENT
    );

    let new = app.phone("change@example.jp", "android").await;
    let refused = new
        .post("/api/v1/device/register", json!({"room": 1}))
        .await;
    expect_error(refused, StatusCode::CONFLICT, ErrorCode::RoomOccupied).await;
    let taken = new
        .post(
            "/api/v1/device/register",
            json!({"room": 1, "mode": "take_over"}),
        )
        .await;
    assert_eq!(taken.status(), StatusCode::OK);
    assert!(
        new.missing(&[sha256_hex(&photo)]).await.is_empty(),
        "data kept"
    );

    let locked_out = old
        .create_upload("IMG_0002.jpg", 3, &sha256_hex(b"abc"))
        .await;
    expect_error(
        locked_out,
        StatusCode::CONFLICT,
        ErrorCode::DeviceNotRegistered,
    )
    .await;
}

#[tokio::test]
async fn d1_wipe_deletes_the_room_then_registers() {
    let app = spawn_app().await;
    let old = app.registered_phone("wipe@example.jp").await;
    let photo = b"\xff\xd8\xff to be wiped".to_vec();
    old.upload("IMG_0001.jpg", &photo).await;
    let blob = sha256_hex(&photo);
    assert!(app.stored(&blob).await.is_some());

    let new = app.phone("wipe@example.jp", "ios").await;
    let response = new
        .post(
            "/api/v1/device/register",
            json!({"room": 1, "mode": "wipe"}),
        )
        .await;
    let rooms: Rooms = response.json().await.unwrap();
    assert_eq!(rooms.rooms[0].item_count, 0);
    assert_eq!(new.missing(&[sha256_hex(&photo)]).await.len(), 1);
    assert!(
        app.stored(&blob).await.is_none(),
        "the wiped file's bytes are gone"
    );
}

#[tokio::test]
async fn d2_a_fourth_phone_is_told_to_use_another_account() {
    let app = spawn_app().await;
    app.signed_up("three@example.jp").await;
    for room in 1..=3 {
        let phone = app.phone("three@example.jp", "android").await;
        let response = phone
            .post("/api/v1/device/register", json!({"room": room}))
            .await;
        assert_eq!(response.status(), StatusCode::OK);
    }
    let fourth = app.phone("three@example.jp", "android").await;
    let response = fourth
        .post("/api/v1/device/register", json!({"room": 3}))
        .await;
    let body = expect_error(response, StatusCode::CONFLICT, ErrorCode::TooManyPhones).await;
    assert!(
        ErrorCode::TooManyPhones
            .message(hako_protocol::Lang::Ja)
            .contains("別のアカウント")
    );
    assert!(body.message.contains("another account"));
}

#[tokio::test]
async fn device_tokens_are_checked_and_can_be_revoked() {
    let app = spawn_app().await;
    let phone = app.registered_phone("token@example.jp").await;
    let forged = Phone {
        token: "forged".into(),
        client: reqwest::Client::new(),
        base: app.base.clone(),
    };
    expect_error(
        forged.get("/api/v1/device/rooms").await,
        StatusCode::UNAUTHORIZED,
        ErrorCode::DeviceTokenInvalid,
    )
    .await;
    let anonymous = reqwest::get(app.url("/api/v1/device/rooms")).await.unwrap();
    expect_error(
        anonymous,
        StatusCode::UNAUTHORIZED,
        ErrorCode::DeviceTokenInvalid,
    )
    .await;
    assert_eq!(
        phone
            .post("/api/v1/device/logout", json!({}))
            .await
            .status(),
        StatusCode::NO_CONTENT
    );
    expect_error(
        phone.get("/api/v1/device/rooms").await,
        StatusCode::UNAUTHORIZED,
        ErrorCode::DeviceTokenInvalid,
    )
    .await;
    // A phone signs in with the account's password: wrong passwords are refused and throttled.
    let wrong = app
        .post(
            &reqwest::Client::new(),
            "/api/v1/devices/login",
            json!({"email": "token@example.jp", "password": "wrong wrong wrong", "name": "x", "os": "android", "model": "y"}),
        )
        .await;
    expect_error(
        wrong,
        StatusCode::UNAUTHORIZED,
        ErrorCode::InvalidCredentials,
    )
    .await;
}

#[tokio::test]
async fn d3_missing_lists_only_what_the_room_lacks_in_the_order_asked() {
    let app = spawn_app().await;
    let phone = app.registered_phone("missing@example.jp").await;
    let stored = b"\x89PNG stored".to_vec();
    phone.upload("a.png", &stored).await;
    let absent1 = sha256_hex(b"one");
    let absent2 = sha256_hex(b"two");
    let asked = vec![
        absent2.clone(),
        sha256_hex(&stored),
        absent1.clone(),
        absent2.clone(),
    ];
    assert_eq!(phone.missing(&asked).await, vec![absent2, absent1]);

    // Another account's ROOM is separate: the same content is missing there.
    let other = app.registered_phone("other@example.jp").await;
    assert_eq!(other.missing(&[sha256_hex(&stored)]).await.len(), 1);

    let bad = phone
        .post("/api/v1/device/missing", json!({"sha256": ["not-a-hash"]}))
        .await;
    expect_error(bad, StatusCode::BAD_REQUEST, ErrorCode::InvalidSha256).await;
    let unregistered = app.phone("missing@example.jp", "android").await;
    let response = unregistered
        .post("/api/v1/device/missing", json!({"sha256": []}))
        .await;
    expect_error(
        response,
        StatusCode::CONFLICT,
        ErrorCode::DeviceNotRegistered,
    )
    .await;
}

#[tokio::test]
async fn d3_missing_answers_for_100k_hashes() {
    let app = spawn_app().await;
    let phone = app.registered_phone("many@example.jp").await;
    let mut hashes: Vec<String> = (0..100_000u32)
        .map(|i| sha256_hex(&i.to_le_bytes()))
        .collect();
    assert_eq!(phone.missing(&hashes).await, hashes);

    // One the ROOM holds, deep in the batch, is left out; the rest stay in order.
    let stored = b"\x89PNG stored".to_vec();
    phone.upload("a.png", &stored).await;
    hashes[77_777] = sha256_hex(&stored);
    let mut expected = hashes.clone();
    expected.remove(77_777);
    assert_eq!(phone.missing(&hashes).await, expected);
}

#[tokio::test]
async fn t5_contacts_calendar_and_call_history_are_kept_as_versions() {
    let app = spawn_app().await;
    let phone = app.registered_phone("book@example.jp").await;
    let vcard = "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:山田 太郎\r\nN:山田;太郎;;;\r\nX-PHONETIC-LAST-NAME:ヤマダ\r\nEND:VCARD\r\n";
    let put = |kind: &str, body: &str| {
        phone
            .request(Method::PUT, &format!("/api/v1/device/backups/{kind}"))
            .body(body.to_owned())
            .send()
    };
    for expected_version in [1, 2] {
        let response = put("contacts", vcard).await.unwrap();
        assert_eq!(response.status(), StatusCode::CREATED);
        let version: hako_protocol::BackupVersion = response.json().await.unwrap();
        assert_eq!((version.version, version.entries), (expected_version, 1));
    }
    let calls = r#"[{"number":"09012345678","name":"母","direction":"incoming","time":"2024-08-15T10:00:00+09:00","duration_secs":125}]"#;
    assert_eq!(
        put("call_history", calls).await.unwrap().status(),
        StatusCode::CREATED
    );
    let broken = put("contacts", &vcard[..42]).await.unwrap();
    expect_error(
        broken,
        StatusCode::BAD_REQUEST,
        ErrorCode::InvalidBackupFile,
    )
    .await;
    let unknown = put("photos", vcard).await.unwrap();
    expect_error(unknown, StatusCode::NOT_FOUND, ErrorCode::UnknownBackupKind).await;

    app.signed_up("ibook@example.jp").await;
    let iphone = app.phone("ibook@example.jp", "ios").await;
    iphone
        .post("/api/v1/device/register", json!({"room": 1}))
        .await;
    let refused = iphone
        .request(Method::PUT, "/api/v1/device/backups/call_history")
        .body(calls)
        .send()
        .await
        .unwrap();
    expect_error(
        refused,
        StatusCode::FORBIDDEN,
        ErrorCode::TypeNotAllowedOnIphone,
    )
    .await;
}

#[tokio::test]
async fn d5_d6_d7_exclusions_settings_and_reports_are_kept_per_room() {
    let app = spawn_app().await;
    let phone = app.registered_phone("state@example.jp").await;
    let a = sha256_hex(b"a");
    let response = phone
        .request(Method::PUT, "/api/v1/device/exclusions")
        .json(&json!({"sha256": [a], "excluded": true}))
        .send()
        .await
        .unwrap();
    let exclusions: hako_protocol::Exclusions = response.json().await.unwrap();
    assert_eq!(exclusions.sha256, vec![a.clone()]);
    let bad = phone
        .request(Method::PUT, "/api/v1/device/exclusions")
        .json(&json!({"sha256": ["zz"], "excluded": true}))
        .send()
        .await
        .unwrap();
    expect_error(bad, StatusCode::BAD_REQUEST, ErrorCode::InvalidSha256).await;

    let mut settings: hako_protocol::PhoneSettings = phone
        .get("/api/v1/device/settings")
        .await
        .json()
        .await
        .unwrap();
    assert!(settings.auto_backup.enabled, "defaults until saved");
    settings.auto_backup.weekdays = vec![hako_protocol::Weekday::Sat];
    settings.auto_backup.allow_mobile_data = true;
    let saved = phone
        .request(Method::PUT, "/api/v1/device/settings")
        .json(&settings)
        .send()
        .await
        .unwrap();
    assert_eq!(saved.status(), StatusCode::OK);
    let again: hako_protocol::PhoneSettings = phone
        .get("/api/v1/device/settings")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(again, settings);
    let broken = phone
        .request(Method::PUT, "/api/v1/device/settings")
        .json(&json!({"smart_backup": {"on_launch": "yes"}}))
        .send()
        .await
        .unwrap();
    expect_error(broken, StatusCode::BAD_REQUEST, ErrorCode::InvalidJson).await;

    let report = json!({"name": "花子のPixel", "model": "Pixel 9", "free_bytes": 1, "total_bytes": 2, "inventory": [a]});
    let response = phone.post("/api/v1/device/report", report).await;
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    let rooms: Rooms = phone
        .get("/api/v1/device/rooms")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(rooms.rooms[0].phone.as_ref().unwrap().name, "花子のPixel");

    // An iPhone cannot be set to back up what it may not (D8).
    app.signed_up("iset@example.jp").await;
    let iphone = app.phone("iset@example.jp", "ios").await;
    iphone
        .post("/api/v1/device/register", json!({"room": 1}))
        .await;
    let defaults: hako_protocol::PhoneSettings = iphone
        .get("/api/v1/device/settings")
        .await
        .json()
        .await
        .unwrap();
    assert!(defaults.fits(hako_protocol::DeviceOs::Ios));
    let refused = iphone
        .request(Method::PUT, "/api/v1/device/settings")
        .json(&settings)
        .send()
        .await
        .unwrap();
    expect_error(
        refused,
        StatusCode::FORBIDDEN,
        ErrorCode::TypeNotAllowedOnIphone,
    )
    .await;

    // Wiping the ROOM forgets all of it.
    let newcomer = app.phone("state@example.jp", "android").await;
    newcomer
        .post(
            "/api/v1/device/register",
            json!({"room": 1, "mode": "wipe"}),
        )
        .await;
    let exclusions: hako_protocol::Exclusions = newcomer
        .get("/api/v1/device/exclusions")
        .await
        .json()
        .await
        .unwrap();
    assert!(exclusions.sha256.is_empty());
}
