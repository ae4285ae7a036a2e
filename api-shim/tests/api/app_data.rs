//! App data backup (SPEC P): the operator's catalog of supported apps (P6) and each phone's
//! switches (P2).

use std::process::Command;

use hako_api_shim::app_data::{AppDataError, NewApp, add_app, catalog, remove_app};
use hako_protocol::APP_DATA_DEFAULT_MAX_BYTES;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::helpers::{Phone, spawn_app};

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
