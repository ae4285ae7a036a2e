//! Downloads from the web viewer (SPEC V9, L3, X4): one file as itself, up to 50 as a ZIP
//! with an exact length and byte ranges, behind a short-lived ticket of the same account.

use hako_api_shim::clock::Clock;
use hako_protocol::{DownloadTicket, ErrorCode, Lang};
use reqwest::{Client, StatusCode};
use serde_json::json;

use crate::helpers::*;

async fn ticket_for(app: &TestApp, web: &Client, ids: &[i64]) -> DownloadTicket {
    let response = app
        .post(web, "/api/v1/downloads", json!({ "item_ids": ids }))
        .await;
    assert_eq!(response.status(), StatusCode::CREATED);
    response.json().await.unwrap()
}

async fn get_range(app: &TestApp, web: &Client, url: &str, range: &str) -> reqwest::Response {
    web.get(app.url(url))
        .header("range", range)
        .send()
        .await
        .unwrap()
}

/// Distinct, not very compressible bytes.
fn content(i: usize, len: usize) -> Vec<u8> {
    (0..len)
        .map(|j| ((j * 31 + i * 7919) % 251) as u8 ^ (j / 251) as u8)
        .collect()
}

/// `(name, SHA-256)` of each member, after Python's zipfile checked every CRC; and `unzip -t`
/// where it is installed.
fn members(zip: &[u8]) -> Vec<(String, String)> {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("download.zip");
    std::fs::write(&path, zip).unwrap();
    let script = "import sys, zipfile, hashlib, json\n\
        z = zipfile.ZipFile(sys.argv[1])\n\
        assert z.testzip() is None\n\
        print(json.dumps([(i.filename, hashlib.sha256(z.read(i)).hexdigest()) for i in z.infolist()]))";
    let out = std::process::Command::new("python3")
        .args(["-c", script])
        .arg(&path)
        .output()
        .expect("python3 is needed to check archives");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    if let Ok(unzip) = std::process::Command::new("unzip")
        .arg("-tq")
        .arg(&path)
        .output()
    {
        assert!(
            unzip.status.success(),
            "unzip -t: {}",
            String::from_utf8_lossy(&unzip.stdout)
        );
    }
    serde_json::from_slice(&out.stdout).unwrap()
}

#[tokio::test]
async fn v9_fifty_files_stream_as_one_zip_with_exact_length_and_ranges() {
    let app = spawn_app().await;
    let phone = app.registered_phone("zip@example.jp").await;
    let mut expected = Vec::new();
    for i in 0..50 {
        // Five names twice, and one file spanning several read chunks.
        let name = format!("IMG_{}.jpg", i % 45);
        let bytes = content(i, if i == 7 { 700_000 } else { 1_000 + i * 397 });
        assert_eq!(
            phone.upload(&name, &bytes).await.status(),
            StatusCode::NO_CONTENT
        );
        let shown = if i >= 45 {
            format!("IMG_{} (2).jpg", i % 45)
        } else {
            name
        };
        expected.push((shown, sha256_hex(&bytes)));
    }
    let ids = app.item_ids(&phone).await;
    let web = app.signed_in("zip@example.jp").await;
    let ticket = ticket_for(&app, &web, &ids).await;
    assert!(ticket.url.starts_with("/api/v1/downloads/"));
    assert!(
        ticket.file_name.starts_with("hako-") && ticket.file_name.ends_with(".zip"),
        "{}",
        ticket.file_name
    );
    let size = ticket.size;

    // Before any full download, a range in the central directory needs every CRC-32: they are
    // read from the files then, and must agree with the whole archive fetched afterwards.
    let tail = get_range(&app, &web, &ticket.url, "bytes=-3000").await;
    assert_eq!(tail.status(), StatusCode::PARTIAL_CONTENT);
    let tail = tail.bytes().await.unwrap();

    let whole = web
        .get(app.url(&ticket.url))
        .header("accept-encoding", "gzip, br")
        .send()
        .await
        .unwrap();
    assert_eq!(whole.status(), StatusCode::OK);
    let headers = whole.headers().clone();
    assert_eq!(headers["content-type"], "application/zip");
    assert_eq!(headers["content-length"], size.to_string().as_str());
    assert!(
        headers.get("content-encoding").is_none(),
        "stored bytes are never gzipped"
    );
    assert_eq!(headers["accept-ranges"], "bytes");
    assert_eq!(headers["x-content-type-options"], "nosniff");
    assert_eq!(headers["cache-control"], "no-store");
    assert_eq!(
        headers["content-disposition"].to_str().unwrap(),
        format!("attachment; filename*=UTF-8''{}", ticket.file_name)
    );
    let whole = whole.bytes().await.unwrap();
    assert_eq!(whole.len() as u64, size);
    assert_eq!(&whole[whole.len() - 3000..], &tail[..]);
    assert_eq!(members(&whole), expected);

    // A range across the big file's end and the next header, and one from inside a header.
    for (first, last) in [(1_000u64, 760_000u64), (3, 40)] {
        let part = get_range(&app, &web, &ticket.url, &format!("bytes={first}-{last}")).await;
        assert_eq!(part.status(), StatusCode::PARTIAL_CONTENT);
        assert_eq!(
            part.headers()["content-range"].to_str().unwrap(),
            format!("bytes {first}-{last}/{size}")
        );
        assert_eq!(
            part.headers()["content-length"],
            (last - first + 1).to_string().as_str()
        );
        assert_eq!(
            part.bytes().await.unwrap(),
            whole[first as usize..=last as usize]
        );
    }
    let resumed = get_range(&app, &web, &ticket.url, "bytes=500000-").await;
    assert_eq!(resumed.bytes().await.unwrap(), whole[500_000..]);
    let past = get_range(&app, &web, &ticket.url, &format!("bytes={size}-")).await;
    assert_eq!(past.status(), StatusCode::RANGE_NOT_SATISFIABLE);
    assert_eq!(
        past.headers()["content-range"],
        format!("bytes */{size}").as_str()
    );
    // A resume against other bytes (If-Range does not match) starts over.
    let stale = web
        .get(app.url(&ticket.url))
        .header("range", "bytes=10-20")
        .header("if-range", "\"something else\"")
        .send()
        .await
        .unwrap();
    assert_eq!(stale.status(), StatusCode::OK);
    assert_eq!(stale.bytes().await.unwrap().len() as u64, size);
}

#[tokio::test]
async fn v9_l3_more_than_50_files_or_a_bad_list_is_refused_clearly() {
    let app = spawn_app().await;
    let phone = app.registered_phone("limit@example.jp").await;
    phone.upload("a.jpg", b"\xff\xd8\xffa").await;
    let id = app.item_ids(&phone).await[0];
    let web = app.signed_in("limit@example.jp").await;
    let too_many: Vec<i64> = (1..=51).collect();
    let response = app
        .post(&web, "/api/v1/downloads", json!({ "item_ids": too_many }))
        .await;
    let body = expect_error(
        response,
        StatusCode::UNPROCESSABLE_ENTITY,
        ErrorCode::TooManyDownloadItems,
    )
    .await;
    assert!(body.message.contains("50"));
    assert!(
        ErrorCode::TooManyDownloadItems
            .message(Lang::Ja)
            .contains("一度にダウンロードできるのは50ファイルまでです")
    );
    for bad in [json!([]), json!([id, id])] {
        let response = app
            .post(&web, "/api/v1/downloads", json!({ "item_ids": bad }))
            .await;
        expect_error(
            response,
            StatusCode::BAD_REQUEST,
            ErrorCode::InvalidDownloadRequest,
        )
        .await;
    }
    let anonymous = app
        .post(
            &Client::new(),
            "/api/v1/downloads",
            json!({ "item_ids": [id] }),
        )
        .await;
    expect_error(
        anonymous,
        StatusCode::UNAUTHORIZED,
        ErrorCode::Unauthenticated,
    )
    .await;
}

#[tokio::test]
async fn v9_x4_a_ticket_is_its_accounts_own_and_short_lived() {
    let app = spawn_app().await;
    let owner = app.registered_phone("owner@example.jp").await;
    owner.upload("a.jpg", b"\xff\xd8\xffa").await;
    owner.upload("b.jpg", b"\xff\xd8\xffb").await;
    let ids = app.item_ids(&owner).await;
    let stranger = app.registered_phone("stranger@example.jp").await;
    stranger.upload("c.jpg", b"\xff\xd8\xffc").await;
    let theirs = app.item_ids(&stranger).await[0];

    let web = app.signed_in("owner@example.jp").await;
    let response = app
        .post(
            &web,
            "/api/v1/downloads",
            json!({ "item_ids": [ids[0], theirs] }),
        )
        .await;
    expect_error(response, StatusCode::NOT_FOUND, ErrorCode::NotFound).await;

    let ticket = ticket_for(&app, &web, &ids).await;
    let web_stranger = app.signed_in("stranger@example.jp").await;
    let response = web_stranger.get(app.url(&ticket.url)).send().await.unwrap();
    expect_error(response, StatusCode::NOT_FOUND, ErrorCode::NotFound).await;
    let response = stranger.get(&ticket.url).await;
    expect_error(response, StatusCode::NOT_FOUND, ErrorCode::NotFound).await;
    let response = reqwest::get(app.url(&ticket.url)).await.unwrap();
    expect_error(
        response,
        StatusCode::UNAUTHORIZED,
        ErrorCode::Unauthenticated,
    )
    .await;
    let made_up = web
        .get(app.url("/api/v1/downloads/not-a-ticket"))
        .send()
        .await
        .unwrap();
    expect_error(made_up, StatusCode::NOT_FOUND, ErrorCode::NotFound).await;
    // The same account's phone may fetch it too.
    assert_eq!(owner.get(&ticket.url).await.status(), StatusCode::OK);

    app.clock
        .advance(hako_api_shim::library::downloads::TICKET_SECS);
    let response = web.get(app.url(&ticket.url)).send().await.unwrap();
    expect_error(response, StatusCode::GONE, ErrorCode::DownloadExpired).await;
    hako_api_shim::library::downloads::prune(&app.state.db, app.clock.now())
        .await
        .unwrap();
    let response = web.get(app.url(&ticket.url)).send().await.unwrap();
    expect_error(response, StatusCode::NOT_FOUND, ErrorCode::NotFound).await;

    // A file deleted after the ticket was made: the archive would change, so it is gone.
    let another = ticket_for(&app, &web, &ids).await;
    owner
        .request(
            reqwest::Method::DELETE,
            &format!("/api/v1/items/{}", ids[1]),
        )
        .send()
        .await
        .unwrap();
    let response = web.get(app.url(&another.url)).send().await.unwrap();
    expect_error(response, StatusCode::NOT_FOUND, ErrorCode::NotFound).await;
}

#[tokio::test]
async fn v9_one_file_downloads_as_itself_with_ranges() {
    let app = spawn_app().await;
    let phone = app.registered_phone("single@example.jp").await;
    let video = content(1, 300_000);
    phone.upload("夏.mp4", &video).await;
    let id = app.item_ids(&phone).await[0];
    let web = app.signed_in("single@example.jp").await;
    let ticket = ticket_for(&app, &web, &[id]).await;
    assert_eq!(
        (ticket.file_name.as_str(), ticket.size),
        ("夏.mp4", 300_000)
    );

    let whole = web
        .get(app.url(&ticket.url))
        .header("accept-encoding", "gzip")
        .send()
        .await
        .unwrap();
    assert_eq!(whole.status(), StatusCode::OK);
    assert_eq!(whole.headers()["content-length"], "300000");
    assert!(whole.headers().get("content-encoding").is_none());
    assert_eq!(
        whole.headers()["content-disposition"],
        "attachment; filename*=UTF-8''%E5%A4%8F.mp4"
    );
    assert_eq!(whole.bytes().await.unwrap(), video);
    let part = get_range(&app, &web, &ticket.url, "bytes=-10").await;
    assert_eq!(part.status(), StatusCode::PARTIAL_CONTENT);
    assert_eq!(part.bytes().await.unwrap(), video[299_990..]);
}
