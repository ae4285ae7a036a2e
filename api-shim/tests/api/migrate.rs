//! `hako migrate-storage`: an embedded installation (SQLite + files in the data folder) moved
//! to PostgreSQL + a bucket, checked through the API of a server started on the target.
//! Runs only with HAKO_TEST_POSTGRES and HAKO_TEST_S3_* set.

use hako_api_shim::{config::S3Config, store::migrate as migrate_storage};
use reqwest::{Method, StatusCode};
use serde_json::Value;

use crate::helpers::*;

const EMAIL: &str = "move@example.jp";

fn jpeg(width: u32, height: u32) -> Vec<u8> {
    let image = image::RgbImage::from_fn(width, height, |x, y| {
        image::Rgb([x as u8, y as u8, (x ^ y) as u8])
    });
    let mut bytes = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut bytes, 85)
        .encode_image(&image)
        .unwrap();
    bytes
}

/// A new PostgreSQL database and bucket prefix to migrate into; `None` (test skipped) without
/// the test services.
async fn target() -> Option<(String, S3Config)> {
    let s3 = fresh_bucket_prefix()?;
    let url = fresh_postgres_database().await?;
    Some((url, s3))
}

/// An embedded installation with an account, a phone, processed photos, a document and a
/// contacts backup.
async fn embedded_installation() -> (TestApp, Phone) {
    let app = spawn_app_with(|c| {
        c.database_url = None;
        c.s3 = None;
    })
    .await;
    assert!(app.state.blobs.local().is_some());
    let phone = app.registered_phone(EMAIL).await;
    for (name, bytes) in [
        ("IMG_0001.JPG", jpeg(640, 480)),
        ("IMG_0002.JPG", jpeg(300, 200)),
        ("IMG_0003.JPG", jpeg(48, 80)),
        ("notes.txt", "メモ: 引っ越し\n".as_bytes().to_vec()),
        ("empty.txt", Vec::new()),
    ] {
        assert_eq!(
            phone.upload(name, &bytes).await.status(),
            StatusCode::NO_CONTENT,
            "{name}"
        );
    }
    let vcard = "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:山田 太郎\r\nN:山田;太郎;;;\r\nEND:VCARD\r\n";
    let response = phone
        .request(Method::PUT, "/api/v1/device/backups/contacts")
        .body(vcard)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::CREATED);
    process_all(&app).await;
    (app, phone)
}

/// An item's id, SHA-256, original, and thumbnail answer (status, bytes).
type FileView = (i64, String, Vec<u8>, StatusCode, Vec<u8>);

/// What the account sees: its items, each original and thumbnail, its contacts backup.
#[derive(Debug, PartialEq)]
struct View {
    items: Value,
    files: Vec<FileView>,
    contacts: (StatusCode, Vec<u8>),
}

async fn view(phone: &Phone) -> View {
    let response = phone.get("/api/v1/rooms/1/items").await;
    assert_eq!(response.status(), StatusCode::OK);
    let items: Value = response.json().await.unwrap();
    let mut files = Vec::new();
    for item in items["items"].as_array().unwrap() {
        let id = item["id"].as_i64().unwrap();
        let original = phone.get(&format!("/api/v1/items/{id}/original")).await;
        assert_eq!(original.status(), StatusCode::OK, "{item}");
        let original = original.bytes().await.unwrap().to_vec();
        let sha = item["sha256"].as_str().unwrap_or_default().to_owned();
        let thumb = phone.get(&format!("/api/v1/items/{id}/thumbnail")).await;
        let status = thumb.status();
        files.push((
            id,
            sha,
            original,
            status,
            thumb.bytes().await.unwrap().to_vec(),
        ));
    }
    let contacts = phone.get("/api/v1/rooms/1/backups/contacts/latest").await;
    let contacts = (contacts.status(), contacts.bytes().await.unwrap().to_vec());
    View {
        items,
        files,
        contacts,
    }
}

fn options(app: &TestApp, url: &str, s3: &S3Config) -> migrate_storage::Options {
    migrate_storage::Options {
        data_dir: app.state.config.data_dir.clone(),
        to_database_url: url.to_owned(),
        to_s3: s3.clone(),
        stop_after_files: None,
    }
}

async fn app_on(url: &str, s3: &S3Config) -> TestApp {
    let (url, s3) = (url.to_owned(), s3.clone());
    spawn_app_with(move |c| {
        c.database_url = Some(url);
        c.s3 = Some(s3);
    })
    .await
}

#[tokio::test]
async fn x3_an_embedded_installation_moves_to_postgres_and_a_bucket_byte_for_byte() {
    let Some((url, s3)) = target().await else {
        eprintln!("SKIPPED: needs HAKO_TEST_POSTGRES and HAKO_TEST_S3_*");
        return;
    };
    let (source, phone) = embedded_installation().await;
    let before = view(&phone).await;
    assert_eq!(before.files.len(), 5);
    assert_eq!(
        before
            .files
            .iter()
            .filter(|f| f.3 == StatusCode::OK)
            .count(),
        3,
        "the three photos have thumbnails"
    );
    assert_eq!(before.contacts.0, StatusCode::OK);

    let first = migrate_storage::run(options(&source, &url, &s3))
        .await
        .unwrap();
    assert!(first.metadata_copied);
    assert!(first.mismatches.is_empty());
    // 5 originals + 1 contacts backup + 3 thumbnails + 3 previews (at least the thumbnails).
    assert!(first.files >= 9, "{first:?}");
    assert_eq!(first.files_sent, first.files);
    eprintln!("first run: {first:?}");

    // Again: nothing to copy, everything verified again.
    let second = migrate_storage::run(options(&source, &url, &s3))
        .await
        .unwrap();
    assert!(!second.metadata_copied);
    assert_eq!(
        (second.files_sent, second.files_already_there, second.rows),
        (0, first.files, first.rows)
    );

    // A server on the target: same password, same items, same bytes.
    let target_app = app_on(&url, &s3).await;
    assert!(target_app.state.blobs.s3().is_some());
    target_app.signed_in(EMAIL).await;
    let moved_phone = Phone {
        token: phone.token.clone(),
        client: reqwest::Client::new(),
        base: target_app.base.clone(),
    };
    let after = view(&moved_phone).await;
    assert_eq!(after, before);
    for (_, sha, original, status, thumb) in &after.files {
        assert_eq!(&sha256_hex(original), sha);
        assert_eq!(target_app.stored(sha).await.as_ref(), Some(original));
        if *status == StatusCode::OK {
            let local = source
                .state
                .blobs
                .read_derived(sha, "thumb")
                .await
                .unwrap()
                .unwrap();
            assert_eq!(&local, thumb);
        }
    }
    // New rows get new ids past the copied ones (the identity sequences were moved on).
    let new_photo = jpeg(20, 20);
    assert_eq!(
        moved_phone.upload("new.jpg", &new_photo).await.status(),
        StatusCode::NO_CONTENT
    );
    let max_before = before.files.iter().map(|f| f.0).max().unwrap();
    let ids = target_app.item_ids(&moved_phone).await;
    assert_eq!(ids.len(), 6);
    assert!(ids.iter().any(|id| *id > max_before), "{ids:?}");

    // The target now differs (new upload, sessions): a run refuses rather than mixing.
    let err = migrate_storage::run(options(&source, &url, &s3))
        .await
        .unwrap_err();
    assert!(format!("{err:#}").contains("different data"), "{err:#}");
}

#[tokio::test]
async fn x3_an_interrupted_migration_finishes_on_the_next_run() {
    let Some((url, s3)) = target().await else {
        eprintln!("SKIPPED: needs HAKO_TEST_POSTGRES and HAKO_TEST_S3_*");
        return;
    };
    let (source, _phone) = embedded_installation().await;
    let mut interrupted = options(&source, &url, &s3);
    interrupted.stop_after_files = Some(3);
    let err = migrate_storage::run(interrupted).await.unwrap_err();
    assert!(
        format!("{err:#}").contains("stopped after sending 3"),
        "{err:#}"
    );

    let resumed = migrate_storage::run(options(&source, &url, &s3))
        .await
        .unwrap();
    assert!(
        !resumed.metadata_copied,
        "the metadata was committed before the files"
    );
    assert_eq!(resumed.files_already_there, 3);
    assert_eq!(resumed.files_sent, resumed.files - 3);
    assert!(resumed.mismatches.is_empty());

    // A damaged object (same size, other bytes) is found by the hashes, not by sizes.
    let (sha, size): (String, i64) =
        sqlx::query_as("SELECT sha256, size FROM items WHERE size > 0 ORDER BY id LIMIT 1")
            .fetch_one(&source.state.db)
            .await
            .unwrap();
    let scratch = tempfile::tempdir().unwrap();
    hako_api_shim::store::blobs::BlobStore::open(scratch.path(), Some(&s3))
        .unwrap()
        .put_bytes(&sha, vec![0; size as usize].into())
        .await
        .unwrap();
    let err = migrate_storage::run(options(&source, &url, &s3))
        .await
        .unwrap_err();
    assert!(
        format!("{err:#}").contains("differs from the source in 1 place"),
        "{err:#}"
    );
}
