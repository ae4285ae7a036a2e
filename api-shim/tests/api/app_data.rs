//! App data backup (SPEC P1–P7): the operator's catalog (P6), saves behind preconditions,
//! versions, deletes, bulk backup, and each phone's switches (P2).

use std::process::Command;

use hako_api_shim::app_data::{AppDataError, NewApp, add_app, catalog, remove_app};
use hako_protocol::{
    APP_DATA_DEFAULT_MAX_BYTES, AppDataBulk, AppDataDeleted, AppDataEntry, AppDataOutcome,
    AppDataSaved, AppDataVersion, ErrorCode, PhoneAppDataSwitches,
};
use reqwest::{Method, Response, StatusCode};
use serde_json::{Value, json};

use crate::helpers::{Phone, TestApp, expect_error, sha256_hex, spawn_app};

fn mail(max_bytes: Option<u64>) -> NewApp<'static> {
    NewApp {
        app_id: "jp.example.mail",
        name_ja: "メール",
        name_en: "Mail",
        max_bytes,
    }
}

#[tokio::test]
async fn p6_the_catalog_adds_updates_removes_and_brings_back_apps() {
    let app = spawn_app().await;
    let (db, now) = (&app.state.db, app.state.clock.now());

    assert!(add_app(db, now, mail(None)).await.unwrap(), "new");
    let listed = catalog(db).await.unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(
        (listed[0].name_ja.as_str(), listed[0].max_bytes),
        ("メール", APP_DATA_DEFAULT_MAX_BYTES)
    );
    assert_eq!((listed[0].added_at, listed[0].removed_at), (now, None));

    // Adding it again updates it; it is not a second app.
    assert!(!add_app(db, now + 5, mail(Some(1024))).await.unwrap());
    let listed = catalog(db).await.unwrap();
    assert_eq!((listed.len(), listed[0].max_bytes), (1, 1024));
    assert_eq!(listed[0].added_at, now, "first added, not last updated");

    // Removed: still listed, with when; removing twice or an unknown app is refused.
    remove_app(db, now + 10, "jp.example.mail").await.unwrap();
    assert_eq!(catalog(db).await.unwrap()[0].removed_at, Some(now + 10));
    for id in ["jp.example.mail", "jp.example.unknown"] {
        assert!(matches!(
            remove_app(db, now + 20, id).await,
            Err(AppDataError::NotInCatalog)
        ));
    }

    // Added again: supported again.
    add_app(db, now + 30, mail(None)).await.unwrap();
    assert_eq!(catalog(db).await.unwrap()[0].removed_at, None);
}

#[tokio::test]
async fn p6_bad_ids_names_and_caps_are_refused_and_nothing_is_listed() {
    let app = spawn_app().await;
    let (db, now) = (&app.state.db, app.state.clock.now());
    let refused = |id: &'static str, ja: &'static str, en: &'static str, max: Option<u64>| {
        add_app(
            db,
            now,
            NewApp {
                app_id: id,
                name_ja: ja,
                name_en: en,
                max_bytes: max,
            },
        )
    };
    assert!(matches!(
        refused("mail", "メール", "Mail", None).await,
        Err(AppDataError::InvalidAppId)
    ));
    assert!(matches!(
        refused("jp.example/../mail", "メール", "Mail", None).await,
        Err(AppDataError::InvalidAppId)
    ));
    assert!(matches!(
        refused("jp.example.mail", "  ", "Mail", None).await,
        Err(AppDataError::MissingName)
    ));
    assert!(matches!(
        refused("jp.example.mail", "メール", "", None).await,
        Err(AppDataError::MissingName)
    ));
    assert!(matches!(
        refused("jp.example.mail", "メール", "Mail", Some(0)).await,
        Err(AppDataError::ZeroCap)
    ));
    assert!(catalog(db).await.unwrap().is_empty());
}

#[test]
fn p6_the_operator_manages_the_catalog_from_the_command_line() {
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

    let added = hako(&[
        "apps",
        "add",
        "jp.example.mail",
        "--name-ja",
        "メール",
        "--name-en",
        "Mail",
    ]);
    assert!(added.status.success(), "{}", text(&added.stderr));
    assert_eq!(text(&added.stdout), "added jp.example.mail\n");
    let capped = hako(&[
        "apps",
        "add",
        "jp.example.memo",
        "--name-ja",
        "メモ",
        "--name-en",
        "Memo",
        "--max-bytes",
        "1048576",
    ]);
    assert!(capped.status.success(), "{}", text(&capped.stderr));

    let bad = hako(&[
        "apps",
        "add",
        "mail",
        "--name-ja",
        "メール",
        "--name-en",
        "Mail",
    ]);
    assert!(!bad.status.success());
    assert!(
        text(&bad.stderr).contains("reverse-DNS"),
        "{}",
        text(&bad.stderr)
    );

    let removed = hako(&["apps", "remove", "jp.example.memo"]);
    assert!(removed.status.success(), "{}", text(&removed.stderr));
    let again = hako(&["apps", "remove", "jp.example.memo"]);
    assert!(!again.status.success());
    assert!(text(&again.stderr).contains("no supported app"));

    let listed = text(&hako(&["apps", "list"]).stdout);
    let rows: Vec<Vec<&str>> = listed
        .lines()
        .skip(1)
        .map(|l| l.split('\t').collect())
        .collect();
    assert_eq!(rows.len(), 2, "{listed}");
    assert_eq!(
        rows[0][..4],
        ["jp.example.mail", "メール", "Mail", "26214400"]
    );
    assert_eq!(rows[0][5], "-");
    assert_eq!(rows[1][..4], ["jp.example.memo", "メモ", "Memo", "1048576"]);
    assert!(rows[1][5].ends_with(" JST"), "{listed}");
}

#[tokio::test]
async fn p2_each_phone_keeps_its_own_switches_on_by_default_and_not_abroad() {
    let app = spawn_app().await;
    let email = "switches@example.jp";
    let web = app.signed_up(email).await;
    let first = app.phone(email, "android").await;
    let second = app.phone(email, "ios").await;
    let path = "/api/v1/device/app-data-switches";
    let read = |phone: &Phone| {
        let request = phone.request(Method::GET, path);
        async move {
            let response = request.send().await.unwrap();
            assert_eq!(response.status(), StatusCode::OK);
            response.json::<Value>().await.unwrap()
        }
    };
    assert_eq!(read(&first).await, json!({"use": true, "abroad": false}));

    let set = first
        .request(Method::PUT, path)
        .json(&json!({"use": false, "abroad": true}))
        .send()
        .await
        .unwrap();
    assert_eq!(set.status(), StatusCode::OK);
    assert_eq!(
        set.json::<Value>().await.unwrap(),
        json!({"use": false, "abroad": true})
    );
    assert_eq!(read(&first).await, json!({"use": false, "abroad": true}));
    assert_eq!(
        read(&second).await,
        json!({"use": true, "abroad": false}),
        "another phone of the account keeps its own"
    );

    // Both switches, as booleans, or nothing changes.
    for bad in [
        json!({"use": true}),
        json!({"use": "yes", "abroad": false}),
        json!([]),
    ] {
        let refused = first
            .request(Method::PUT, path)
            .json(&bad)
            .send()
            .await
            .unwrap();
        assert_eq!(refused.status(), StatusCode::BAD_REQUEST, "{bad}");
    }
    assert_eq!(read(&first).await, json!({"use": false, "abroad": true}));

    // The switches are the phone's: a web session is not a phone.
    let as_web = web.get(app.url(path)).send().await.unwrap();
    assert_eq!(as_web.status(), StatusCode::UNAUTHORIZED);
}

const MAIL: &str = "/api/v1/app-data/jp.example.mail";
const MEMO: &str = "/api/v1/app-data/jp.example.memo";

/// A server whose catalog has Mail (cap 1 KiB) and Memo (the default cap).
async fn with_catalog() -> TestApp {
    let app = spawn_app().await;
    let (db, now) = (&app.state.db, app.state.clock.now());
    add_app(db, now, mail(Some(1024))).await.unwrap();
    let memo = NewApp {
        app_id: "jp.example.memo",
        name_ja: "メモ",
        name_en: "Memo",
        max_bytes: None,
    };
    add_app(db, now, memo).await.unwrap();
    app
}

/// Saves `body` with one precondition header (`("", "")` for none).
async fn put(phone: &Phone, path: &str, precondition: (&str, &str), body: &[u8]) -> Response {
    let mut request = phone.request(Method::PUT, path).body(body.to_vec());
    if !precondition.0.is_empty() {
        request = request.header(precondition.0, precondition.1);
    }
    request.send().await.unwrap()
}

fn header(response: &Response, name: &str) -> String {
    response.headers()[name].to_str().unwrap().to_owned()
}

async fn saved(response: Response, status: StatusCode) -> AppDataSaved {
    assert_eq!(response.status(), status);
    let etag = header(&response, "etag");
    assert!(response.headers().contains_key("last-modified"));
    let saved: AppDataSaved = response.json().await.unwrap();
    assert_eq!(
        saved.etag, etag,
        "the body names the ETag the header carries"
    );
    saved
}

#[tokio::test]
async fn p1_an_apps_data_comes_back_byte_for_byte_on_another_phone_of_the_account() {
    let app = with_catalog().await;
    let first = app.registered_phone("p1@example.jp").await;
    let bytes: Vec<u8> = (0..=255u8).cycle().take(1000).collect();
    let created = saved(
        put(&first, MAIL, ("If-None-Match", "*"), &bytes).await,
        StatusCode::CREATED,
    )
    .await;
    assert_eq!((created.size, created.versions), (1000, 1));

    // A new phone of the same account restores it, byte for byte, with its ETag.
    let second = app.phone("p1@example.jp", "ios").await;
    let restored = second.get(MAIL).await;
    assert_eq!(restored.status(), StatusCode::OK);
    assert_eq!(header(&restored, "etag"), created.etag);
    assert_eq!(
        header(&restored, "content-type"),
        "application/octet-stream"
    );
    assert_eq!(restored.bytes().await.unwrap().as_ref(), bytes.as_slice());
    // It holds that version already: 304.
    let held = second
        .request(Method::GET, MAIL)
        .header("if-none-match", &created.etag)
        .send()
        .await
        .unwrap();
    assert_eq!(held.status(), StatusCode::NOT_MODIFIED);

    // The list names it (P3).
    let listed: Vec<AppDataEntry> = second.get("/api/v1/app-data").await.json().await.unwrap();
    assert_eq!(listed.len(), 1);
    let entry = &listed[0];
    assert_eq!(
        (
            entry.app_id.as_str(),
            entry.name_ja.as_str(),
            entry.name_en.as_str()
        ),
        ("jp.example.mail", "メール", "Mail")
    );
    assert_eq!(
        (entry.size, entry.versions, entry.supported),
        (1000, 1, true)
    );
    assert_eq!(
        (&entry.etag, &entry.saved_at),
        (&created.etag, &created.saved_at)
    );

    // An app without data: 404 with its own code.
    expect_error(
        second.get(MEMO).await,
        StatusCode::NOT_FOUND,
        ErrorCode::AppDataNotFound,
    )
    .await;
}

#[tokio::test]
async fn p6_two_phones_racing_on_one_app_get_one_success_and_one_412_never_a_lost_update() {
    let app = with_catalog().await;
    let first = app.registered_phone("race@example.jp").await;
    let second = app.phone("race@example.jp", "ios").await;

    // Two first saves at once: one creates, the other is told what is there now.
    let (a, b) = tokio::join!(
        put(&first, MAIL, ("If-None-Match", "*"), b"from the first"),
        put(&second, MAIL, ("If-None-Match", "*"), b"from the second"),
    );
    let mut statuses = [a.status(), b.status()];
    statuses.sort();
    assert_eq!(
        statuses,
        [StatusCode::CREATED, StatusCode::PRECONDITION_FAILED]
    );
    let (winner, loser) = if a.status() == StatusCode::CREATED {
        (a, b)
    } else {
        (b, a)
    };
    let winner = saved(winner, StatusCode::CREATED).await;
    let refused = expect_error(
        loser,
        StatusCode::PRECONDITION_FAILED,
        ErrorCode::AppDataPreconditionFailed,
    )
    .await;
    assert_eq!(refused.current_etag.as_deref(), Some(winner.etag.as_str()));
    assert_eq!(
        refused.current_saved_at.as_deref(),
        Some(winner.saved_at.as_str())
    );

    // Both read that version, both change it at once: one wins, one gets 412.
    for _ in 0..3 {
        let etag = header(&first.get(MAIL).await, "etag");
        let (a, b) = tokio::join!(
            put(&first, MAIL, ("If-Match", &etag), b"first's change"),
            put(&second, MAIL, ("If-Match", &etag), b"second's change"),
        );
        let mut statuses = [a.status(), b.status()];
        statuses.sort();
        assert_eq!(statuses, [StatusCode::OK, StatusCode::PRECONDITION_FAILED]);
        let (winner, body) = if a.status() == StatusCode::OK {
            (a, &b"first's change"[..])
        } else {
            (b, &b"second's change"[..])
        };
        let winner = saved(winner, StatusCode::OK).await;
        let now = first.get(MAIL).await;
        assert_eq!(header(&now, "etag"), winner.etag);
        assert_eq!(
            now.bytes().await.unwrap().as_ref(),
            body,
            "the winner's bytes"
        );
    }

    // No precondition on existing data, a stale one, a first-save one: 412, nothing written.
    let current = header(&first.get(MAIL).await, "etag");
    for precondition in [
        ("", ""),
        ("If-Match", "\"1-0000000000000000\""),
        ("If-None-Match", "*"),
        ("If-Match", &format!("W/{current}")),
    ] {
        let refused = expect_error(
            put(&first, MAIL, precondition, b"blind").await,
            StatusCode::PRECONDITION_FAILED,
            ErrorCode::AppDataPreconditionFailed,
        )
        .await;
        assert_eq!(
            refused.current_etag.as_deref(),
            Some(current.as_str()),
            "{precondition:?}"
        );
    }
    // A change to data that is not there: 412 without a current version.
    let refused = expect_error(
        put(&first, MEMO, ("If-Match", &current), b"x").await,
        StatusCode::PRECONDITION_FAILED,
        ErrorCode::AppDataPreconditionFailed,
    )
    .await;
    assert_eq!(refused.current_etag, None);
    // A header that is not an entity tag: 400.
    for bad in [("If-Match", "7-abc"), ("If-None-Match", "\"unclosed")] {
        expect_error(
            put(&first, MAIL, bad, b"x").await,
            StatusCode::BAD_REQUEST,
            ErrorCode::InvalidPrecondition,
        )
        .await;
    }
    assert_eq!(
        header(&first.get(MAIL).await, "etag"),
        current,
        "nothing written"
    );
}

#[tokio::test]
async fn p6_unknown_removed_oversize_and_empty_saves_are_refused_with_their_reasons() {
    let app = with_catalog().await;
    let phone = app.registered_phone("limits@example.jp").await;
    let star = ("If-None-Match", "*");

    let too_large = expect_error(
        put(&phone, MAIL, star, &[7; 1025]).await,
        StatusCode::PAYLOAD_TOO_LARGE,
        ErrorCode::AppDataTooLarge,
    )
    .await;
    assert_eq!(too_large.max_bytes, Some(1024));
    // Without a Content-Length too (a chunked body): refused as it passes the cap.
    let chunks =
        futures_util::stream::iter((0..3).map(|_| Ok::<_, std::io::Error>(vec![1u8; 400])));
    let chunked = phone
        .request(Method::PUT, MAIL)
        .header("if-none-match", "*")
        .body(reqwest::Body::wrap_stream(chunks))
        .send()
        .await
        .unwrap();
    expect_error(
        chunked,
        StatusCode::PAYLOAD_TOO_LARGE,
        ErrorCode::AppDataTooLarge,
    )
    .await;
    expect_error(
        put(&phone, MAIL, star, b"").await,
        StatusCode::BAD_REQUEST,
        ErrorCode::AppDataEmpty,
    )
    .await;
    expect_error(
        put(&phone, "/api/v1/app-data/jp.example.unknown", star, b"x").await,
        StatusCode::NOT_FOUND,
        ErrorCode::AppNotInCatalog,
    )
    .await;
    for bad in ["mail", "jp..mail", "jp.example.mail%20x"] {
        expect_error(
            put(&phone, &format!("/api/v1/app-data/{bad}"), star, b"x").await,
            StatusCode::BAD_REQUEST,
            ErrorCode::InvalidAppId,
        )
        .await;
    }
    // Exactly the cap is fine.
    saved(
        put(&phone, MAIL, star, &[7; 1024]).await,
        StatusCode::CREATED,
    )
    .await;

    // Taken off the catalog: no new backups; what is kept stays readable and deletable.
    remove_app(&app.state.db, app.state.clock.now(), "jp.example.mail")
        .await
        .unwrap();
    let etag = header(&phone.get(MAIL).await, "etag");
    expect_error(
        put(&phone, MAIL, ("If-Match", &etag), b"new").await,
        StatusCode::FORBIDDEN,
        ErrorCode::AppNoLongerSupported,
    )
    .await;
    let kept = phone.get(MAIL).await;
    assert_eq!(kept.bytes().await.unwrap().as_ref(), &[7; 1024]);
    let listed: Vec<AppDataEntry> = phone.get("/api/v1/app-data").await.json().await.unwrap();
    assert!(!listed[0].supported, "listed as no longer supported");
    let deleted = phone.request(Method::DELETE, MAIL).send().await.unwrap();
    assert_eq!(deleted.status(), StatusCode::NO_CONTENT);
}

#[tokio::test]
async fn p6_a_save_cut_off_midway_leaves_the_previous_version_whole() {
    use tokio::io::AsyncWriteExt;
    let app = with_catalog().await;
    let phone = app.registered_phone("cut@example.jp").await;
    let first = saved(
        put(&phone, MEMO, ("If-None-Match", "*"), b"version one").await,
        StatusCode::CREATED,
    )
    .await;
    // A request that promises 100000 bytes, sends 10 and hangs up.
    let address = app.base.trim_start_matches("http://");
    let mut socket = tokio::net::TcpStream::connect(address).await.unwrap();
    let head = format!(
        "PUT {MEMO} HTTP/1.1\r\nHost: {address}\r\nAuthorization: Bearer {}\r\n\
         If-Match: {}\r\nContent-Length: 100000\r\n\r\n0123456789",
        phone.token, first.etag
    );
    socket.write_all(head.as_bytes()).await.unwrap();
    drop(socket);
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;

    let now = phone.get(MEMO).await;
    assert_eq!(header(&now, "etag"), first.etag);
    assert_eq!(now.bytes().await.unwrap().as_ref(), b"version one");
    let versions: Vec<AppDataVersion> = phone
        .get(&format!("{MEMO}/versions"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(versions.len(), 1);
}

#[tokio::test]
async fn p7_the_last_five_versions_are_kept_and_one_can_be_restored() {
    let app = with_catalog().await;
    let phone = app.registered_phone("versions@example.jp").await;
    let mut etag = String::new();
    let mut etags = Vec::new();
    for n in 1..=7 {
        let precondition = if n == 1 {
            ("If-None-Match", "*")
        } else {
            ("If-Match", etag.as_str())
        };
        let status = if n == 1 {
            StatusCode::CREATED
        } else {
            StatusCode::OK
        };
        let body = format!("settings {n}");
        etag = saved(
            put(&phone, MEMO, precondition, body.as_bytes()).await,
            status,
        )
        .await
        .etag;
        etags.push(etag.clone());
    }
    let versions: Vec<AppDataVersion> = phone
        .get(&format!("{MEMO}/versions"))
        .await
        .json()
        .await
        .unwrap();
    let listed: Vec<&str> = versions.iter().map(|v| v.etag.as_str()).collect();
    let newest_five: Vec<&str> = etags.iter().rev().take(5).map(String::as_str).collect();
    assert_eq!(listed, newest_five, "newest first, the two oldest dropped");
    assert!(versions[0].current && versions[1..].iter().all(|v| !v.current));
    // The dropped versions' bytes are gone from the store.
    assert_eq!(app.stored(&sha256_hex(b"settings 1")).await, None);
    assert_eq!(
        app.stored(&sha256_hex(b"settings 3")).await.as_deref(),
        Some(&b"settings 3"[..])
    );

    // Restoring "settings 3": a stale precondition is refused; the newest ETag restores it.
    let oldest = versions.last().unwrap().version;
    let restore = format!("{MEMO}/versions/{oldest}/restore");
    let stale = phone
        .request(Method::POST, &restore)
        .header("if-match", &etags[0])
        .send()
        .await
        .unwrap();
    expect_error(
        stale,
        StatusCode::PRECONDITION_FAILED,
        ErrorCode::AppDataPreconditionFailed,
    )
    .await;
    let restored = phone
        .request(Method::POST, &restore)
        .header("if-match", &etag)
        .send()
        .await
        .unwrap();
    let restored = saved(restored, StatusCode::OK).await;
    assert_eq!(restored.versions, 5);
    let now = phone.get(MEMO).await;
    assert_eq!(header(&now, "etag"), restored.etag);
    assert_eq!(now.bytes().await.unwrap().as_ref(), b"settings 3");
    // A version that is not this app's: 404.
    let missing = phone
        .request(Method::POST, &format!("{MEMO}/versions/999999/restore"))
        .header("if-match", &restored.etag)
        .send()
        .await
        .unwrap();
    expect_error(missing, StatusCode::NOT_FOUND, ErrorCode::AppDataNotFound).await;
}

#[tokio::test]
async fn p5_one_app_or_every_app_is_deleted_at_once_and_only_the_callers() {
    let app = with_catalog().await;
    let phone = app.registered_phone("delete@example.jp").await;
    let other = app.registered_phone("other@example.jp").await;
    let star = ("If-None-Match", "*");
    for (who, path) in [(&phone, MAIL), (&phone, MEMO), (&other, MAIL)] {
        saved(
            put(who, path, star, b"same bytes").await,
            StatusCode::CREATED,
        )
        .await;
    }
    // Another account's phone sees none of it, and cannot delete it.
    assert!(
        other.get(MEMO).await.status() == StatusCode::NOT_FOUND,
        "the other account has no Memo data"
    );
    let refused = other.request(Method::DELETE, MEMO).send().await.unwrap();
    expect_error(refused, StatusCode::NOT_FOUND, ErrorCode::AppDataNotFound).await;

    let deleted = phone.request(Method::DELETE, MEMO).send().await.unwrap();
    assert_eq!(deleted.status(), StatusCode::NO_CONTENT);
    expect_error(
        phone.get(MEMO).await,
        StatusCode::NOT_FOUND,
        ErrorCode::AppDataNotFound,
    )
    .await;

    // The browser deletes everything of the account in one go (P5).
    let web = app.signed_in("delete@example.jp").await;
    let all: AppDataDeleted = web
        .delete(app.url("/api/v1/app-data"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(all.apps, 1);
    let listed: Vec<AppDataEntry> = phone.get("/api/v1/app-data").await.json().await.unwrap();
    assert!(listed.is_empty());
    // The other account's copy of the same bytes is kept, blob and all.
    let kept = other.get(MAIL).await;
    assert_eq!(kept.bytes().await.unwrap().as_ref(), b"same bytes");
    assert!(app.stored(&sha256_hex(b"same bytes")).await.is_some());
}

#[tokio::test]
async fn p2_switches_refuse_saves_and_restores_with_their_reasons_lists_and_deletes_go_on() {
    let app = with_catalog().await;
    let phone = app.registered_phone("switch@example.jp").await;
    saved(
        put(&phone, MEMO, ("If-None-Match", "*"), b"kept").await,
        StatusCode::CREATED,
    )
    .await;
    let switches = "/api/v1/device/app-data-switches";
    let set = |use_backup: bool, abroad: bool| {
        phone
            .request(Method::PUT, switches)
            .json(&json!({"use": use_backup, "abroad": abroad}))
            .send()
    };
    let abroad =
        |request: reqwest::RequestBuilder, value: &str| request.header("hako-abroad", value).send();

    // Abroad, with "also while abroad" off (the default): refused both ways.
    let etag = header(&phone.get(MEMO).await, "etag");
    let save = || {
        phone
            .request(Method::PUT, MEMO)
            .header("if-match", &etag)
            .body("new")
    };
    expect_error(
        abroad(save(), "1").await.unwrap(),
        StatusCode::FORBIDDEN,
        ErrorCode::AppDataAbroadOff,
    )
    .await;
    expect_error(
        abroad(phone.request(Method::GET, MEMO), "1").await.unwrap(),
        StatusCode::FORBIDDEN,
        ErrorCode::AppDataAbroadOff,
    )
    .await;
    expect_error(
        abroad(save(), "yes").await.unwrap(),
        StatusCode::BAD_REQUEST,
        ErrorCode::InvalidAbroadHeader,
    )
    .await;
    // At home ("0") it goes.
    assert_eq!(
        abroad(phone.request(Method::GET, MEMO), "0")
            .await
            .unwrap()
            .status(),
        StatusCode::OK
    );
    // "Also while abroad" on: abroad goes.
    set(true, true).await.unwrap();
    assert_eq!(
        abroad(phone.request(Method::GET, MEMO), "1")
            .await
            .unwrap()
            .status(),
        StatusCode::OK
    );

    // "Use app data backup" off: refused at home and abroad; the list and deletes go on.
    set(false, true).await.unwrap();
    let etag = header(
        &phone
            .request(Method::GET, "/api/v1/app-data")
            .send()
            .await
            .unwrap(),
        "content-type",
    );
    assert_eq!(etag, "application/json");
    expect_error(
        phone.get(MEMO).await,
        StatusCode::FORBIDDEN,
        ErrorCode::AppDataSwitchedOff,
    )
    .await;
    expect_error(
        put(&phone, MAIL, ("If-None-Match", "*"), b"x").await,
        StatusCode::FORBIDDEN,
        ErrorCode::AppDataSwitchedOff,
    )
    .await;
    let listed: Vec<AppDataEntry> = phone.get("/api/v1/app-data").await.json().await.unwrap();
    assert_eq!(listed.len(), 1);
    let message = ErrorCode::AppDataSwitchedOff.message(hako_protocol::Lang::Ja);
    assert!(message.contains("オフ"), "{message}");

    // Another phone of the account keeps its own switches and restores.
    let second = app.phone("switch@example.jp", "ios").await;
    assert_eq!(second.get(MEMO).await.status(), StatusCode::OK);

    // The web page sees each ROOM's phone and turns this one back on.
    let web = app.signed_in("switch@example.jp").await;
    let phones: Vec<PhoneAppDataSwitches> = web
        .get(app.url("/api/v1/app-data-switches"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(phones.len(), 1, "only phones in a ROOM");
    assert_eq!((phones[0].room, phones[0].switches.use_backup), (1, false));
    let on = web
        .put(app.url("/api/v1/rooms/1/app-data-switches"))
        .json(&json!({"use": true, "abroad": false}))
        .send()
        .await
        .unwrap();
    assert_eq!(on.status(), StatusCode::OK);
    assert_eq!(phone.get(MEMO).await.status(), StatusCode::OK);
    let empty_room = web
        .put(app.url("/api/v1/rooms/2/app-data-switches"))
        .json(&json!({"use": true, "abroad": false}))
        .send()
        .await
        .unwrap();
    expect_error(empty_room, StatusCode::NOT_FOUND, ErrorCode::NotFound).await;

    let deleted = phone.request(Method::DELETE, MEMO).send().await.unwrap();
    assert_eq!(deleted.status(), StatusCode::NO_CONTENT);
}

#[tokio::test]
async fn p1_writes_are_the_phones_a_web_session_reads_and_deletes() {
    let app = with_catalog().await;
    let phone = app.registered_phone("web@example.jp").await;
    saved(
        put(&phone, MEMO, ("If-None-Match", "*"), b"memo").await,
        StatusCode::CREATED,
    )
    .await;
    let web = app.signed_in("web@example.jp").await;
    let refused = web
        .put(app.url(MEMO))
        .header("if-match", "*")
        .body("from a browser")
        .send()
        .await
        .unwrap();
    expect_error(refused, StatusCode::FORBIDDEN, ErrorCode::AppDataPhoneOnly).await;
    let bulk = web
        .post(app.url("/api/v1/app-data"))
        .multipart(reqwest::multipart::Form::new().text("jp.example.memo", "x"))
        .send()
        .await
        .unwrap();
    expect_error(bulk, StatusCode::FORBIDDEN, ErrorCode::AppDataPhoneOnly).await;
    let read = web.get(app.url(MEMO)).send().await.unwrap();
    assert_eq!(read.bytes().await.unwrap().as_ref(), b"memo");
    let versions = web
        .get(app.url(&format!("{MEMO}/versions")))
        .send()
        .await
        .unwrap();
    assert_eq!(versions.status(), StatusCode::OK);
    let deleted = web.delete(app.url(MEMO)).send().await.unwrap();
    assert_eq!(deleted.status(), StatusCode::NO_CONTENT);
}

#[tokio::test]
async fn p4_a_bulk_backup_saves_every_app_it_can_and_says_why_not_for_the_rest() {
    let app = with_catalog().await;
    let (db, now) = (&app.state.db, app.state.clock.now());
    for id in ["jp.example.gone", "jp.example.news"] {
        let new = NewApp {
            app_id: id,
            name_ja: "旧",
            name_en: "Old",
            max_bytes: None,
        };
        add_app(db, now, new).await.unwrap();
    }
    remove_app(db, now, "jp.example.gone").await.unwrap();
    let phone = app.registered_phone("bulk@example.jp").await;
    let memo = saved(
        put(&phone, MEMO, ("If-None-Match", "*"), b"memo 1").await,
        StatusCode::CREATED,
    )
    .await;
    saved(
        put(
            &phone,
            "/api/v1/app-data/jp.example.news",
            ("If-None-Match", "*"),
            b"news 1",
        )
        .await,
        StatusCode::CREATED,
    )
    .await;

    let part = |name: &str, bytes: &[u8], precondition: Option<(&str, &str)>| {
        let mut headers = reqwest::header::HeaderMap::new();
        if let Some((name, value)) = precondition {
            headers.insert(
                reqwest::header::HeaderName::from_bytes(name.as_bytes()).unwrap(),
                value.parse().unwrap(),
            );
        }
        (
            name.to_owned(),
            reqwest::multipart::Part::bytes(bytes.to_vec())
                .file_name(name.to_owned())
                .headers(headers),
        )
    };
    let parts = [
        part("jp.example.mail", b"mail 1", Some(("if-none-match", "*"))),
        part("jp.example.memo", b"memo 2", Some(("if-match", &memo.etag))),
        part("jp.example.news", b"news 2", None),
        part("jp.example.mail", &[0; 2000], Some(("if-match", "*"))),
        part("jp.example.gone", b"x", None),
        part("jp.example.unknown", b"x", None),
        part("jp.example.memo", b"", Some(("if-match", "*"))),
    ];
    let mut form = reqwest::multipart::Form::new();
    for (name, part) in parts {
        form = form.part(name, part);
    }
    let answer = phone
        .request(Method::POST, "/api/v1/app-data")
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), StatusCode::OK);
    let bulk: AppDataBulk = answer.json().await.unwrap();
    let outcomes: Vec<(&str, AppDataOutcome)> = bulk
        .results
        .iter()
        .map(|r| (r.app_id.as_str(), r.outcome))
        .collect();
    use AppDataOutcome::*;
    assert_eq!(
        outcomes,
        [
            ("jp.example.mail", Saved),
            ("jp.example.memo", Saved),
            ("jp.example.news", PreconditionFailed),
            ("jp.example.mail", TooLarge),
            ("jp.example.gone", NotSupported),
            ("jp.example.unknown", NotSupported),
            ("jp.example.memo", Refused),
        ]
    );
    assert_eq!((bulk.saved, bulk.failed), (2, 5));
    let news = bulk.results[2].error.as_ref().unwrap();
    assert!(news.current_etag.is_some(), "the current version is named");
    assert_eq!(
        bulk.results[3].error.as_ref().unwrap().max_bytes,
        Some(1024)
    );
    assert_eq!(
        bulk.results[6].error.as_ref().unwrap().code,
        ErrorCode::AppDataEmpty
    );
    assert_eq!(
        phone.get(MAIL).await.bytes().await.unwrap().as_ref(),
        b"mail 1"
    );
    assert_eq!(
        phone.get(MEMO).await.bytes().await.unwrap().as_ref(),
        b"memo 2"
    );
    let news = phone.get("/api/v1/app-data/jp.example.news").await;
    assert_eq!(
        news.bytes().await.unwrap().as_ref(),
        b"news 1",
        "not overwritten"
    );

    // A bulk backup is a save: the switches decide.
    phone
        .request(Method::PUT, "/api/v1/device/app-data-switches")
        .json(&json!({"use": false, "abroad": false}))
        .send()
        .await
        .unwrap();
    let off = phone
        .request(Method::POST, "/api/v1/app-data")
        .multipart(reqwest::multipart::Form::new().text("jp.example.memo", "x"))
        .send()
        .await
        .unwrap();
    expect_error(off, StatusCode::FORBIDDEN, ErrorCode::AppDataSwitchedOff).await;
    // Not a multipart body: a clear 400.
    phone
        .request(Method::PUT, "/api/v1/device/app-data-switches")
        .json(&json!({"use": true, "abroad": false}))
        .send()
        .await
        .unwrap();
    let not_multipart = phone
        .request(Method::POST, "/api/v1/app-data")
        .body("jp.example.memo=x")
        .send()
        .await
        .unwrap();
    expect_error(
        not_multipart,
        StatusCode::BAD_REQUEST,
        ErrorCode::InvalidUploadRequest,
    )
    .await;
}
