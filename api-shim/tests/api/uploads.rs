//! The tus server (SPEC D3, T1, T2, L1, L2) and every bad input it must survive.

use base64::{Engine, engine::general_purpose::STANDARD};
use hako_protocol::ErrorCode;
use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::helpers::*;

fn photo(len: usize) -> Vec<u8> {
    let mut bytes = b"\xff\xd8\xff\xe0".to_vec();
    bytes.extend((0..len).map(|i| (i * 7 % 251) as u8));
    bytes
}

fn location(response: &reqwest::Response) -> String {
    response.headers()["location"].to_str().unwrap().to_owned()
}

#[tokio::test]
async fn options_describes_the_server() {
    let app = spawn_app().await;
    let response = reqwest::Client::new()
        .request(Method::OPTIONS, app.url("/api/v1/uploads"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    let headers = response.headers();
    assert_eq!(headers["tus-resumable"], "1.0.0");
    assert_eq!(headers["tus-version"], "1.0.0");
    assert_eq!(headers["tus-max-size"], "15000000000");
    assert_eq!(headers["tus-checksum-algorithm"], "sha256,crc32");
    for extension in ["creation", "checksum", "termination", "expiration"] {
        assert!(
            headers["tus-extension"]
                .to_str()
                .unwrap()
                .contains(extension)
        );
    }
}

#[tokio::test]
async fn t1_a_chunked_upload_resumes_and_appears_only_when_complete() {
    let app = spawn_app().await;
    let phone = app.registered_phone("chunks@example.jp").await;
    let bytes = photo(300_000);
    let hash = sha256_hex(&bytes);
    let created = phone
        .create_upload("IMG_0042.JPG", bytes.len() as u64, &hash)
        .await;
    assert_eq!(created.status(), StatusCode::CREATED);
    assert!(created.headers().contains_key("upload-expires"));
    let url = location(&created);
    let mut offset = 0;
    for chunk in bytes.chunks(100_000) {
        assert_eq!(
            phone.missing(std::slice::from_ref(&hash)).await.len(),
            1,
            "not visible before the end"
        );
        assert_eq!(phone.offset(&url).await, Some(offset as u64));
        let response = phone
            .patch(&url, offset as u64, chunk.to_vec(), Some(&sha256(chunk)))
            .await;
        assert_eq!(response.status(), StatusCode::NO_CONTENT);
        offset += chunk.len();
        assert_eq!(
            response.headers()["upload-offset"],
            offset.to_string().as_str()
        );
    }
    assert!(phone.missing(std::slice::from_ref(&hash)).await.is_empty());
    let stored = app.stored(&hash).await.unwrap();
    assert_eq!(stored, bytes, "byte-identical original");
    // Finished uploads are gone; only the item remains.
    assert_eq!(phone.offset(&url).await, None);
    let again = phone
        .create_upload("copy.jpg", bytes.len() as u64, &hash)
        .await;
    expect_error(again, StatusCode::CONFLICT, ErrorCode::AlreadyStored).await;
}

/// A PATCH carrying `checksum` as its `Upload-Checksum`.
async fn crc_patch(
    phone: &Phone,
    url: &str,
    offset: u64,
    bytes: &[u8],
    checksum: &str,
) -> reqwest::Response {
    phone
        .request(Method::PATCH, url)
        .header("tus-resumable", "1.0.0")
        .header("upload-offset", offset.to_string())
        .header("content-type", "application/offset+octet-stream")
        .header("upload-checksum", checksum)
        .body(bytes.to_vec())
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn chunks_may_carry_a_crc32_instead_of_a_sha256() {
    let app = spawn_app().await;
    let phone = app.registered_phone("crc@example.jp").await;
    // Over one hashing block, so the block-by-block path is crossed too.
    let bytes = photo(5 * 1024 * 1024);
    let url = location(
        &phone
            .create_upload("a.jpg", bytes.len() as u64, &sha256_hex(&bytes))
            .await,
    );
    let crc = |b: &[u8]| {
        format!(
            "crc32 {}",
            STANDARD.encode(crc32fast::hash(b).to_be_bytes())
        )
    };
    let half = bytes.len() / 2;
    let first = crc_patch(&phone, &url, 0, &bytes[..half], &crc(&bytes[..half])).await;
    assert_eq!(first.status(), StatusCode::NO_CONTENT);
    let last = crc_patch(
        &phone,
        &url,
        half as u64,
        &bytes[half..],
        &crc(&bytes[half..]),
    )
    .await;
    assert_eq!(last.status(), StatusCode::NO_CONTENT);
    assert_eq!(
        phone.missing(&[sha256_hex(&bytes)]).await,
        Vec::<String>::new()
    );
}

#[tokio::test]
async fn a_chunk_with_a_wrong_checksum_is_discarded() {
    let app = spawn_app().await;
    let phone = app.registered_phone("checksum@example.jp").await;
    let bytes = photo(1000);
    let url = location(
        &phone
            .create_upload("a.jpg", bytes.len() as u64, &sha256_hex(&bytes))
            .await,
    );
    phone.patch(&url, 0, bytes[..500].to_vec(), None).await;
    let response = phone
        .patch(
            &url,
            500,
            bytes[500..].to_vec(),
            Some(&sha256(b"something else")),
        )
        .await;
    assert_eq!(response.status().as_u16(), 460);
    assert_eq!(phone.offset(&url).await, Some(500), "offset unchanged");
    // A checksum header without a digest, or with an algorithm we do not speak: refused too.
    // A CRC-32 that does not add up is refused like a wrong SHA-256.
    let wrong_crc = format!(
        "crc32 {}",
        STANDARD.encode(crc32fast::hash(b"else").to_be_bytes())
    );
    let response = crc_patch(&phone, &url, 500, &bytes[500..], &wrong_crc).await;
    assert_eq!(response.status().as_u16(), 460);
    assert_eq!(phone.offset(&url).await, Some(500), "offset unchanged");
    for header in ["sha256", "md5 AAAA", "sha256 !!!", "crc32 AAAA"] {
        let response = phone
            .request(Method::PATCH, &url)
            .header("tus-resumable", "1.0.0")
            .header("upload-offset", "500")
            .header("content-type", "application/offset+octet-stream")
            .header("upload-checksum", header)
            .body(bytes[500..].to_vec())
            .send()
            .await
            .unwrap();
        expect_error(
            response,
            StatusCode::BAD_REQUEST,
            ErrorCode::InvalidUploadRequest,
        )
        .await;
        assert_eq!(
            phone.offset(&url).await,
            Some(500),
            "{header}: offset unchanged"
        );
    }
    let response = phone
        .patch(
            &url,
            500,
            bytes[500..].to_vec(),
            Some(&sha256(&bytes[500..])),
        )
        .await;
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    assert_eq!(app.stored(&sha256_hex(&bytes)).await.unwrap(), bytes);
}

#[tokio::test]
async fn wrong_offsets_and_too_many_bytes_are_refused_without_harm() {
    let app = spawn_app().await;
    let phone = app.registered_phone("offset@example.jp").await;
    let bytes = photo(1000);
    let url = location(
        &phone
            .create_upload("a.jpg", bytes.len() as u64, &sha256_hex(&bytes))
            .await,
    );
    let response = phone.patch(&url, 10, bytes.clone(), None).await;
    expect_error(
        response,
        StatusCode::CONFLICT,
        ErrorCode::UploadOffsetMismatch,
    )
    .await;
    let mut too_long = bytes.clone();
    too_long.extend_from_slice(b"extra");
    let response = phone.patch(&url, 0, too_long, None).await;
    expect_error(
        response,
        StatusCode::PAYLOAD_TOO_LARGE,
        ErrorCode::UploadLengthExceeded,
    )
    .await;
    assert_eq!(phone.offset(&url).await, Some(0));
    let wrong_type = phone
        .request(Method::PATCH, &url)
        .header("tus-resumable", "1.0.0")
        .header("upload-offset", "0")
        .header("content-type", "application/json")
        .body("{}")
        .send()
        .await
        .unwrap();
    expect_error(
        wrong_type,
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        ErrorCode::UnsupportedMediaType,
    )
    .await;
    let no_version = phone.request(Method::HEAD, &url).send().await.unwrap();
    assert_eq!(no_version.status(), StatusCode::PRECONDITION_FAILED);
    assert_eq!(no_version.headers()["tus-version"], "1.0.0");
}

#[tokio::test]
async fn t1_a_file_whose_sha256_differs_from_the_declared_one_never_appears() {
    let app = spawn_app().await;
    let phone = app.registered_phone("liar@example.jp").await;
    let bytes = photo(1000);
    let declared = sha256_hex(b"something else entirely");
    let url = location(
        &phone
            .create_upload("a.jpg", bytes.len() as u64, &declared)
            .await,
    );
    let begun = multiparts(&app).await;
    let response = phone.patch(&url, 0, bytes.clone(), None).await;
    expect_error(
        response,
        StatusCode::from_u16(460).unwrap(),
        ErrorCode::ChecksumMismatch,
    )
    .await;
    assert_eq!(
        phone.missing(&[declared, sha256_hex(&bytes)]).await.len(),
        2
    );
    assert_eq!(phone.offset(&url).await, None, "the upload is gone");
    assert_eq!(held_uploads(&app).await, 0);
    for multipart in begun {
        assert!(
            aborted(&app, &multipart).await,
            "the bucket's parts dropped"
        );
    }
}

#[tokio::test]
async fn l1_t2_d8_creation_refuses_what_cannot_be_stored() {
    let app = spawn_app().await;
    let phone = app.registered_phone("refuse@example.jp").await;
    let hash = sha256_hex(b"x");
    let cases = [
        (
            phone.create_upload("huge.mp4", 15_000_000_001, &hash).await,
            StatusCode::PAYLOAD_TOO_LARGE,
            ErrorCode::FileTooLarge,
        ),
        (
            phone.create_upload("setup.exe", 10, &hash).await,
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            ErrorCode::UnsupportedFileType,
        ),
        (
            phone.create_upload("../../etc/passwd.jpg", 10, &hash).await,
            StatusCode::BAD_REQUEST,
            ErrorCode::InvalidFileName,
        ),
        (
            phone.create_upload("nul\0.jpg", 10, &hash).await,
            StatusCode::BAD_REQUEST,
            ErrorCode::InvalidFileName,
        ),
        (
            phone
                .create_upload(&format!("{}.jpg", "長".repeat(2000)), 10, &hash)
                .await,
            StatusCode::BAD_REQUEST,
            ErrorCode::InvalidFileName,
        ),
        (
            phone.create_upload("a.jpg", 10, "not-a-hash").await,
            StatusCode::BAD_REQUEST,
            ErrorCode::InvalidSha256,
        ),
    ];
    for (response, status, code) in cases {
        expect_error(response, status, code).await;
    }
    app.signed_up("iphone@example.jp").await;
    let iphone = app.phone("iphone@example.jp", "ios").await;
    iphone
        .post("/api/v1/device/register", json!({"room": 1}))
        .await;
    let music = iphone.create_upload("song.mp3", 10, &hash).await;
    expect_error(
        music,
        StatusCode::FORBIDDEN,
        ErrorCode::TypeNotAllowedOnIphone,
    )
    .await;
    assert_eq!(
        iphone
            .create_upload("IMG_0001.HEIC", 10, &hash)
            .await
            .status(),
        StatusCode::CREATED
    );
    assert_eq!(held_uploads(&app).await, 1, "refusals write nothing");
}

#[tokio::test]
async fn uploads_belong_to_their_phone() {
    let app = spawn_app().await;
    let owner = app.registered_phone("owner@example.jp").await;
    let bytes = photo(100);
    let url = location(
        &owner
            .create_upload("a.jpg", bytes.len() as u64, &sha256_hex(&bytes))
            .await,
    );
    let stranger = app.registered_phone("stranger@example.jp").await;
    let sibling = app.phone("owner@example.jp", "android").await;
    for other in [&stranger, &sibling] {
        assert_eq!(other.offset(&url).await, None);
        let response = other.patch(&url, 0, bytes.clone(), None).await;
        expect_error(response, StatusCode::NOT_FOUND, ErrorCode::UploadNotFound).await;
        let response = other
            .request(Method::DELETE, &url)
            .header("tus-resumable", "1.0.0")
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::NOT_FOUND);
    }
    assert_eq!(owner.offset(&url).await, Some(0));
}

#[tokio::test]
async fn termination_and_expiry_remove_the_bytes() {
    let app = spawn_app().await;
    let phone = app.registered_phone("cancel@example.jp").await;
    let bytes = photo(1000);
    let url = location(
        &phone
            .create_upload("a.jpg", bytes.len() as u64, &sha256_hex(&bytes))
            .await,
    );
    phone.patch(&url, 0, bytes[..10].to_vec(), None).await;
    let begun = multiparts(&app).await;
    let response = phone
        .request(Method::DELETE, &url)
        .header("tus-resumable", "1.0.0")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    assert_eq!(phone.offset(&url).await, None);
    assert_eq!(held_uploads(&app).await, 0);
    for multipart in &begun {
        assert!(aborted(&app, multipart).await, "the bucket's parts dropped");
    }

    let url = location(
        &phone
            .create_upload("b.jpg", bytes.len() as u64, &sha256_hex(&bytes))
            .await,
    );
    phone.patch(&url, 0, bytes[..10].to_vec(), None).await;
    app.clock.advance(23 * 3600);
    assert_eq!(
        phone.offset(&url).await,
        Some(10),
        "touched within the day: still there"
    );
    app.clock.advance(3600);
    assert_eq!(phone.offset(&url).await, None);
    let begun = multiparts(&app).await;
    hako_api_shim::uploads::prune(&app.state).await.unwrap();
    assert_eq!(held_uploads(&app).await, 0, "abandoned bytes removed");
    for multipart in &begun {
        assert!(aborted(&app, multipart).await, "abandoned parts dropped");
    }
}

#[tokio::test]
async fn l2_the_monthly_limit_and_the_free_quota_count_uploads_in_progress() {
    let app = spawn_app_with(|c| {
        c.limits.monthly_upload_bytes = 10_000;
        c.limits.free_quota_bytes = 6_000;
    })
    .await;
    let phone = app.registered_phone("quota@example.jp").await;
    let first = photo(4_000);
    assert_eq!(
        phone.upload("1.jpg", &first).await.status(),
        StatusCode::NO_CONTENT
    );
    // 4,004 stored + 3,000 more would pass 6,000 for a free member.
    let response = phone.create_upload("2.jpg", 3_000, &sha256_hex(b"2")).await;
    expect_error(response, StatusCode::FORBIDDEN, ErrorCode::QuotaExceeded).await;

    sqlx::query("UPDATE users SET member_type = 'unlimited'")
        .execute(&app.state.db)
        .await
        .unwrap();
    let pending = phone.create_upload("2.jpg", 3_000, &sha256_hex(b"2")).await;
    assert_eq!(pending.status(), StatusCode::CREATED);
    // 4,004 this month + 3,000 reserved + 3,000 would pass 10,000.
    let response = phone.create_upload("3.jpg", 3_000, &sha256_hex(b"3")).await;
    expect_error(
        response,
        StatusCode::FORBIDDEN,
        ErrorCode::MonthlyLimitReached,
    )
    .await;
    // Next month the count starts again.
    app.clock.advance(31 * 24 * 3600);
    let response = phone.create_upload("3.jpg", 3_000, &sha256_hex(b"3")).await;
    assert_eq!(response.status(), StatusCode::CREATED);
}

/// Unmounts the small disk a test made, however the test ends.
struct SmallDisk(std::path::PathBuf);

impl SmallDisk {
    /// A 1 MiB tmpfs at `path`; `None` where this machine does not let the test mount one.
    fn mount(path: &std::path::Path) -> Option<Self> {
        std::fs::create_dir_all(path).unwrap();
        let status = std::process::Command::new("mount")
            .args(["-t", "tmpfs", "-o", "size=1m", "tmpfs"])
            .arg(path)
            .stderr(std::process::Stdio::null())
            .status()
            .ok()?;
        status.success().then(|| Self(path.to_owned()))
    }
}

impl Drop for SmallDisk {
    fn drop(&mut self) {
        let _ = std::process::Command::new("umount").arg(&self.0).status();
    }
}

#[tokio::test]
async fn a_full_disk_gets_a_clear_error_and_nothing_half_visible() {
    let app = spawn_app().await;
    let phone = app.registered_phone("full@example.jp").await;
    if app.state.blobs.s3().is_some() {
        eprintln!("SKIPPED: uploads go to the bucket, not to a disk of this machine");
        return;
    }
    let Some(_disk) = SmallDisk::mount(&app.state.config.data_dir.join("uploads")) else {
        eprintln!(
            "SKIPPED: mounting a small tmpfs needs root; the disk-full path was not exercised here"
        );
        return;
    };
    let bytes = photo(3 * 1024 * 1024);
    let url = location(
        &phone
            .create_upload("big.jpg", bytes.len() as u64, &sha256_hex(&bytes))
            .await,
    );
    let response = phone.patch(&url, 0, bytes.clone(), None).await;
    expect_error(
        response,
        StatusCode::INSUFFICIENT_STORAGE,
        ErrorCode::StorageFull,
    )
    .await;
    assert_eq!(phone.offset(&url).await, Some(0), "nothing acknowledged");
    assert_eq!(
        phone.missing(&[sha256_hex(&bytes)]).await.len(),
        1,
        "nothing visible"
    );
    // Room again (the phone cancels): the next upload goes through.
    phone
        .request(Method::DELETE, &url)
        .header("tus-resumable", "1.0.0")
        .send()
        .await
        .unwrap();
    let small = photo(100_000);
    assert_eq!(
        phone.upload("small.jpg", &small).await.status(),
        StatusCode::NO_CONTENT
    );
}

/// Unfinished uploads holding bytes: files in the upload folder, or (bucket) the uploads the
/// database still knows.
async fn held_uploads(app: &TestApp) -> usize {
    match app.state.blobs.local() {
        Some(_) => std::fs::read_dir(app.state.config.data_dir.join("uploads"))
            .map(|d| d.count())
            .unwrap_or(0),
        None => {
            let rows: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM uploads")
                .fetch_one(&app.state.db)
                .await
                .unwrap();
            rows as usize
        }
    }
}

/// The bucket's multipart uploads (file hash, upload id) behind unfinished uploads.
async fn multiparts(app: &TestApp) -> Vec<(String, String)> {
    sqlx::query_as("SELECT sha256, multipart_id FROM uploads WHERE multipart_id IS NOT NULL")
        .fetch_all(&app.state.db)
        .await
        .unwrap()
}

/// Whether the bucket dropped a multipart upload: it takes no more parts.
async fn aborted(app: &TestApp, (sha256, id): &(String, String)) -> bool {
    let s3 = app
        .state
        .blobs
        .s3()
        .expect("multipart uploads exist only with a bucket");
    s3.send_part(sha256, id, 0, bytes::Bytes::from_static(b"late"))
        .await
        .is_err()
}

#[tokio::test]
async fn small_and_empty_files_are_stored_byte_for_byte() {
    let app = spawn_app().await;
    let phone = app.registered_phone("small@example.jp").await;
    for bytes in [Vec::new(), b"a short note".to_vec()] {
        let name = format!("note-{}.txt", bytes.len());
        let response = phone.upload(&name, &bytes).await;
        assert_eq!(response.status(), StatusCode::NO_CONTENT, "{name}");
        assert_eq!(app.stored(&sha256_hex(&bytes)).await, Some(bytes));
    }
}

/// The library's first run: the address to enter in the app (and its QR code), the app's store
/// page, and what the account stores against a free member's quota — none for an unlimited one.
#[tokio::test]
async fn the_first_run_names_the_server_the_app_and_the_storage_used() {
    let app = spawn_app_with(|c| {
        c.limits.free_quota_bytes = 6_000;
        c.corp.app_links.smartphone = Some("https://apps.example.jp/hako".into());
    })
    .await;
    let phone = app.registered_phone("first@example.jp").await;
    let web = app.signed_in("first@example.jp").await;
    let setup: hako_protocol::AccountSetup = get_json(&app, &web, "/api/v1/account/setup").await;
    assert_eq!(setup.server_url, app.state.config.public_url);
    assert_eq!(
        setup.app_url.as_deref(),
        Some("https://apps.example.jp/hako")
    );
    assert_eq!((setup.used_bytes, setup.quota_bytes), (0, Some(6_000)));

    let bytes = photo(4_000);
    assert_eq!(
        phone.upload("1.jpg", &bytes).await.status(),
        StatusCode::NO_CONTENT
    );
    let setup: hako_protocol::AccountSetup = get_json(&app, &web, "/api/v1/account/setup").await;
    assert_eq!(setup.used_bytes, bytes.len() as u64);

    let qr = web
        .get(app.url("/api/v1/account/setup/qr.svg"))
        .send()
        .await
        .unwrap();
    assert_eq!(qr.status(), StatusCode::OK);
    assert_eq!(qr.headers()["content-type"], "image/svg+xml");
    assert!(qr.text().await.unwrap().contains("<svg"));

    let key = hako_api_shim::accounts::license_keys(&app.state)
        .issue(1)
        .await
        .unwrap()
        .remove(0);
    let registered = app
        .post(
            &web,
            "/api/v1/account/license",
            json!({"key": key.digits()}),
        )
        .await;
    assert_eq!(registered.status(), StatusCode::OK);
    let setup: hako_protocol::AccountSetup = get_json(&app, &web, "/api/v1/account/setup").await;
    assert_eq!(setup.quota_bytes, None);
}
