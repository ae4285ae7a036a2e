//! Listing and downloading originals (SPEC D4, V9, X4), by web session and by device token.

use hako_protocol::{ErrorCode, ItemPage};
use reqwest::StatusCode;

use crate::helpers::*;

async fn page(phone: &Phone, query: &str) -> ItemPage {
    phone
        .get(&format!("/api/v1/rooms/1/items{query}"))
        .await
        .json()
        .await
        .unwrap()
}

#[tokio::test]
async fn d4_originals_come_back_byte_for_byte_with_ranges() {
    let app = spawn_app().await;
    let phone = app.registered_phone("restore@example.jp").await;
    let video: Vec<u8> = (0..100_000u32).map(|i| (i % 241) as u8).collect();
    phone.upload("夏 休み.mp4", &video).await;
    phone.upload("memo.txt", b"<script>alert(1)</script>").await;

    let listed = page(&phone, "").await;
    assert_eq!(listed.items.len(), 2);
    assert_eq!(page(&phone, "?kind=video").await.items.len(), 1);
    let item = &listed.items[0];
    assert_eq!((item.name.as_str(), item.size), ("夏 休み.mp4", 100_000));

    let url = format!("/api/v1/items/{}/original", item.id);
    let whole = phone.get(&url).await;
    assert_eq!(whole.status(), StatusCode::OK);
    assert_eq!(whole.headers()["accept-ranges"], "bytes");
    assert_eq!(whole.headers()["content-type"], "video/mp4");
    assert_eq!(
        whole.headers()["content-disposition"],
        "attachment; filename*=UTF-8''%E5%A4%8F%20%E4%BC%91%E3%81%BF.mp4"
    );
    assert_eq!(whole.bytes().await.unwrap().to_vec(), video);

    let part = phone
        .request(reqwest::Method::GET, &url)
        .header("range", "bytes=1000-1999")
        .send()
        .await
        .unwrap();
    assert_eq!(part.status(), StatusCode::PARTIAL_CONTENT);
    assert_eq!(part.headers()["content-range"], "bytes 1000-1999/100000");
    assert_eq!(
        part.bytes().await.unwrap().to_vec(),
        video[1000..2000].to_vec()
    );
    let beyond = phone
        .request(reqwest::Method::GET, &url)
        .header("range", "bytes=200000-")
        .send()
        .await
        .unwrap();
    assert_eq!(beyond.status(), StatusCode::RANGE_NOT_SATISFIABLE);

    // Text a browser could run is still only ever downloaded.
    let memo = phone
        .get(&format!("/api/v1/items/{}/original", listed.items[1].id))
        .await;
    assert!(
        memo.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .starts_with("attachment")
    );
    assert_eq!(memo.headers()["x-content-type-options"], "nosniff");
    assert!(
        memo.headers()["content-security-policy"]
            .to_str()
            .unwrap()
            .contains("sandbox")
    );
}

/// A browser revalidates a cached original by its ETag (the content's hash) and gets no bytes
/// back while the file is unchanged, from the data folder and from a bucket alike.
#[tokio::test]
async fn v9_an_unchanged_original_is_not_sent_again() {
    let app = spawn_app().await;
    let phone = app.registered_phone("etag@example.jp").await;
    let photo = b"\xff\xd8\xffsame bytes".to_vec();
    phone.upload("a.jpg", &photo).await;
    let url = format!(
        "/api/v1/items/{}/original",
        page(&phone, "").await.items[0].id
    );

    let whole = phone.get(&url).await;
    assert_eq!(whole.status(), StatusCode::OK);
    let etag = whole.headers()["etag"].to_str().unwrap().to_owned();
    assert_eq!(etag, format!("\"{}\"", &sha256_hex(&photo)[..32]));
    assert_eq!(whole.headers()["cache-control"], "private, no-cache");

    let revalidate = |tag: &str| {
        phone
            .request(reqwest::Method::GET, &url)
            .header("if-none-match", tag)
            .send()
    };
    let unchanged = revalidate(&etag).await.unwrap();
    assert_eq!(unchanged.status(), StatusCode::NOT_MODIFIED);
    assert_eq!(unchanged.headers()["etag"], etag.as_str());
    assert!(unchanged.bytes().await.unwrap().is_empty());
    let other = revalidate("\"0123456789abcdef0123456789abcdef\"")
        .await
        .unwrap();
    assert_eq!(other.status(), StatusCode::OK);
    assert_eq!(other.bytes().await.unwrap().to_vec(), photo);
}

#[tokio::test]
async fn x4_items_are_only_their_accounts_own() {
    let app = spawn_app().await;
    let owner = app.registered_phone("mine@example.jp").await;
    owner.upload("a.jpg", b"\xff\xd8\xffmine").await;
    let id = page(&owner, "").await.items[0].id;
    let url = format!("/api/v1/items/{id}/original");

    let stranger = app.registered_phone("theirs@example.jp").await;
    expect_error(
        stranger.get(&url).await,
        StatusCode::NOT_FOUND,
        ErrorCode::NotFound,
    )
    .await;
    assert!(page(&stranger, "").await.items.is_empty());
    let web_stranger = app.signed_up("web@example.jp").await;
    let response = web_stranger.get(app.url(&url)).send().await.unwrap();
    expect_error(response, StatusCode::NOT_FOUND, ErrorCode::NotFound).await;
    let anonymous = reqwest::get(app.url(&url)).await.unwrap();
    expect_error(
        anonymous,
        StatusCode::UNAUTHORIZED,
        ErrorCode::Unauthenticated,
    )
    .await;

    // The owner's web session works too.
    let web_owner = app.signed_in("mine@example.jp").await;
    let response = web_owner.get(app.url(&url)).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let bad_room = owner.get("/api/v1/rooms/9/items").await;
    expect_error(bad_room, StatusCode::BAD_REQUEST, ErrorCode::RoomOutOfRange).await;
}

#[tokio::test]
async fn d4_the_latest_contacts_come_back_as_one_vcard() {
    let app = spawn_app().await;
    let phone = app.registered_phone("vcard@example.jp").await;
    let missing = phone.get("/api/v1/rooms/1/backups/contacts/latest").await;
    expect_error(missing, StatusCode::NOT_FOUND, ErrorCode::NotFound).await;
    for name in ["一", "二"] {
        let vcard =
            format!("BEGIN:VCARD\r\nVERSION:3.0\r\nFN:{name}\r\nN:{name};;;;\r\nEND:VCARD\r\n");
        phone
            .request(reqwest::Method::PUT, "/api/v1/device/backups/contacts")
            .body(vcard)
            .send()
            .await
            .unwrap();
    }
    let latest = phone.get("/api/v1/rooms/1/backups/contacts/latest").await;
    assert_eq!(latest.status(), StatusCode::OK);
    assert!(
        latest.headers()["content-type"]
            .to_str()
            .unwrap()
            .contains("vcard")
    );
    assert!(latest.text().await.unwrap().contains("FN:二"));
}

#[tokio::test]
async fn v10_a_deleted_photo_is_gone_with_its_pictures_and_counts() {
    let app = spawn_app().await;
    let phone = app.registered_phone("delete@example.jp").await;
    let image = image::RgbImage::from_fn(64, 48, |x, _| image::Rgb([x as u8, 0, 0]));
    let mut photo = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut photo, 80)
        .encode_image(&image)
        .unwrap();
    phone.upload("IMG_1.jpg", &photo).await;
    process_all(&app).await;
    let id = page(&phone, "").await.items[0].id;
    let room_totals =
        |rooms: hako_protocol::Rooms| (rooms.rooms[0].item_count, rooms.rooms[0].total_bytes);
    let rooms: hako_protocol::Rooms = phone.get("/api/v1/rooms").await.json().await.unwrap();
    assert_eq!(room_totals(rooms), (1, photo.len() as u64));
    for picture in ["thumbnail", "preview"] {
        let response = phone.get(&format!("/api/v1/items/{id}/{picture}")).await;
        assert_eq!(response.status(), StatusCode::OK, "{picture}");
    }

    let stranger = app.registered_phone("vandal@example.jp").await;
    let response = stranger
        .request(reqwest::Method::DELETE, &format!("/api/v1/items/{id}"))
        .send()
        .await
        .unwrap();
    expect_error(response, StatusCode::NOT_FOUND, ErrorCode::NotFound).await;
    let thumb = stranger.get(&format!("/api/v1/items/{id}/thumbnail")).await;
    assert_eq!(thumb.status(), StatusCode::NOT_FOUND);

    // The owner deletes it from the web viewer.
    let web = app.signed_in("delete@example.jp").await;
    let response = web
        .delete(app.url(&format!("/api/v1/items/{id}")))
        .header("origin", &app.base)
        .header("sec-fetch-site", "same-origin")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    let timeline: hako_protocol::Timeline = phone
        .get("/api/v1/rooms/1/timeline")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(timeline.total, 0);
    let rooms: hako_protocol::Rooms = phone.get("/api/v1/rooms").await.json().await.unwrap();
    assert_eq!(room_totals(rooms), (0, 0));
    let sha = sha256_hex(&photo);
    assert!(app.stored(&sha).await.is_none());
    assert!(
        app.state
            .blobs
            .read_derived(&sha, "thumb")
            .await
            .unwrap()
            .is_none()
    );
    let again = phone
        .request(reqwest::Method::DELETE, &format!("/api/v1/items/{id}"))
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), StatusCode::NOT_FOUND);
    // A cross-site delete is refused.
    let response = web
        .delete(app.url(&format!("/api/v1/items/{id}")))
        .header("origin", "https://evil.example")
        .send()
        .await
        .unwrap();
    expect_error(response, StatusCode::FORBIDDEN, ErrorCode::CrossSiteRequest).await;
}
