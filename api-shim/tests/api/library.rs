//! The viewer's item details and tabs (SPEC V3, V11–V14, X4): data backed up through the
//! device API, read back by a web session, never by another account.

use hako_api_shim::fixtures::demo;
use hako_media::exif_writer::with_exif;
use hako_protocol::{
    CallList, ContactList, Document, ErrorCode, EventList, ItemInfo, ItemKind, Track,
};
use reqwest::StatusCode;

use crate::{helpers::*, media::generated};

fn song(dir: &std::path::Path, name: &str, tags: &[(&str, &str)]) -> Vec<u8> {
    generated(dir, "sine=frequency=440:duration=2", tags, &[], name)
}

async fn json<T: serde::de::DeserializeOwned>(
    web: &reqwest::Client,
    app: &TestApp,
    path: &str,
) -> T {
    let response = web.get(app.url(path)).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK, "{path}");
    response.json().await.unwrap()
}

#[tokio::test]
async fn v11_v12_item_details_and_music_that_plays_inline() {
    let app = spawn_app().await;
    let phone = app.registered_phone("music@example.jp").await;
    let dir = tempfile::tempdir().unwrap();
    let image = image::RgbImage::from_fn(320, 240, |x, y| image::Rgb([x as u8, y as u8, 9]));
    let mut jpeg = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut jpeg, 80)
        .encode_image(&image)
        .unwrap();
    let photo = with_exif(&jpeg, "Canon", "EOS R6", "2024:08:15 09:00:00", "+09:00");
    phone.upload("IMG_1.jpg", &photo).await;
    let tagged = song(
        dir.path(),
        "a.mp3",
        &[("title", "夏の歌"), ("artist", "ハコ"), ("album", "テスト")],
    );
    let early = song(
        dir.path(),
        "b.mp3",
        &[("title", "朝"), ("artist", "アオイ")],
    );
    let untagged = song(dir.path(), "untagged.mp3", &[]);
    for (name, bytes) in [
        ("a.mp3", &tagged),
        ("b.mp3", &early),
        ("untagged.mp3", &untagged),
    ] {
        assert_eq!(
            phone.upload(name, bytes).await.status(),
            StatusCode::NO_CONTENT
        );
    }
    process_all(&app).await;
    let ids = app.item_ids(&phone).await;
    let web = app.signed_in("music@example.jp").await;

    let info: ItemInfo = json(&web, &app, &format!("/api/v1/items/{}", ids[0])).await;
    assert_eq!(
        (info.kind, info.room, info.name.as_str()),
        (ItemKind::Photo, 1, "IMG_1.jpg")
    );
    assert_eq!(info.taken, "2024-08-15T09:00:00");
    assert_eq!((info.width, info.height), (Some(320), Some(240)));
    assert_eq!(info.camera.as_deref(), Some("Canon EOS R6"));
    assert_eq!(
        (info.size, info.sha256.clone()),
        (photo.len() as u64, sha256_hex(&photo))
    );
    for url in [info.preview_url.unwrap(), info.original_url] {
        let response = web.get(app.url(&url)).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::OK, "{url}");
    }

    let tracks: Vec<Track> = json(&web, &app, "/api/v1/rooms/1/music").await;
    let shown: Vec<(&str, Option<&str>, Option<&str>)> = tracks
        .iter()
        .map(|t| (t.title.as_str(), t.artist.as_deref(), t.album.as_deref()))
        .collect();
    assert_eq!(
        shown,
        [
            ("朝", Some("アオイ"), None),
            ("夏の歌", Some("ハコ"), Some("テスト")),
            ("untagged.mp3", None, None),
        ]
    );
    assert!(
        tracks[0]
            .duration_ms
            .is_some_and(|d| (1900..2200).contains(&d))
    );
    assert_eq!(tracks[1].size, tagged.len() as u64);

    let part = web
        .get(app.url(&tracks[1].stream_url))
        .header("range", "bytes=0-99")
        .send()
        .await
        .unwrap();
    assert_eq!(part.status(), StatusCode::PARTIAL_CONTENT);
    let headers = part.headers();
    assert_eq!(headers["content-type"], "audio/mpeg");
    assert_eq!(headers["x-content-type-options"], "nosniff");
    assert!(
        headers["content-security-policy"]
            .to_str()
            .unwrap()
            .contains("sandbox")
    );
    assert!(
        headers["content-disposition"]
            .to_str()
            .unwrap()
            .starts_with("inline")
    );
    assert_eq!(part.bytes().await.unwrap(), tagged[..100]);
    // A photo is not something to play.
    let response = web
        .get(app.url(&format!("/api/v1/items/{}/stream", ids[0])))
        .send()
        .await
        .unwrap();
    expect_error(response, StatusCode::NOT_FOUND, ErrorCode::NotFound).await;

    let stranger = app.registered_phone("curious@example.jp").await;
    for path in [
        format!("/api/v1/items/{}", ids[0]),
        tracks[1].stream_url.clone(),
    ] {
        expect_error(
            stranger.get(&path).await,
            StatusCode::NOT_FOUND,
            ErrorCode::NotFound,
        )
        .await;
    }
    let theirs: Vec<Track> = stranger
        .get("/api/v1/rooms/1/music")
        .await
        .json()
        .await
        .unwrap();
    assert!(theirs.is_empty(), "another account sees its own ROOM 1");
    let anonymous = reqwest::get(app.url(&format!("/api/v1/items/{}", ids[0])))
        .await
        .unwrap();
    expect_error(
        anonymous,
        StatusCode::UNAUTHORIZED,
        ErrorCode::Unauthenticated,
    )
    .await;
    let anonymous = reqwest::get(app.url("/api/v1/rooms/1/music"))
        .await
        .unwrap();
    expect_error(
        anonymous,
        StatusCode::UNAUTHORIZED,
        ErrorCode::Unauthenticated,
    )
    .await;
}

#[tokio::test]
async fn v13_documents_newest_first_with_pdf_and_text_shown_sandboxed() {
    let app = spawn_app().await;
    let phone = app.registered_phone("docs@example.jp").await;
    phone.upload("report.docx", b"PK\x03\x04 not really").await;
    phone.upload("旅行.pdf", b"%PDF-1.4 trip").await;
    phone
        .upload("memo.txt", "牛乳\n<script>alert(1)</script>\n".as_bytes())
        .await;
    let web = app.signed_in("docs@example.jp").await;

    let documents: Vec<Document> = json(&web, &app, "/api/v1/rooms/1/documents").await;
    let shown: Vec<(&str, &str, bool)> = documents
        .iter()
        .map(|d| (d.name.as_str(), d.mime.as_str(), d.view_url.is_some()))
        .collect();
    // The helper sends the same creation time for each: the later upload is newer.
    assert_eq!(
        shown,
        [
            ("memo.txt", "text/plain", true),
            ("旅行.pdf", "application/pdf", true),
            (
                "report.docx",
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                false
            ),
        ]
    );
    // Created at Unix 1700000000, shown in Japan time.
    assert_eq!(documents[0].created, "2023-11-15T07:13:20");

    for (document, mime) in [
        (&documents[0], "text/plain; charset=utf-8"),
        (&documents[1], "application/pdf"),
    ] {
        let response = web
            .get(app.url(document.view_url.as_ref().unwrap()))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::OK);
        assert_eq!(response.headers()["content-type"], mime);
        assert_eq!(response.headers()["x-content-type-options"], "nosniff");
        assert!(
            response.headers()["content-security-policy"]
                .to_str()
                .unwrap()
                .contains("sandbox")
        );
        assert!(
            response.headers()["content-disposition"]
                .to_str()
                .unwrap()
                .starts_with("inline")
        );
    }
    let docx = web
        .get(app.url(&format!("/api/v1/items/{}/view", documents[2].id)))
        .send()
        .await
        .unwrap();
    expect_error(docx, StatusCode::NOT_FOUND, ErrorCode::NotFound).await;
    let stranger = app.registered_phone("peek@example.jp").await;
    let response = stranger.get(documents[0].view_url.as_ref().unwrap()).await;
    expect_error(response, StatusCode::NOT_FOUND, ErrorCode::NotFound).await;
    let bad_room = web
        .get(app.url("/api/v1/rooms/4/documents"))
        .send()
        .await
        .unwrap();
    expect_error(bad_room, StatusCode::BAD_REQUEST, ErrorCode::RoomOutOfRange).await;
}

#[tokio::test]
async fn v14_contacts_calendar_and_calls_come_from_the_latest_backups() {
    let app = spawn_app().await;
    let phone = app.registered_phone("book@example.jp").await;
    let web = app.signed_in("book@example.jp").await;
    let empty: ContactList = json(&web, &app, "/api/v1/rooms/1/contacts").await;
    assert_eq!((empty.version, empty.contacts.len()), (None, 0));
    let empty: EventList = json(&web, &app, "/api/v1/rooms/1/calendar").await;
    assert_eq!((empty.version, empty.events.len()), (None, 0));
    let empty: CallList = json(&web, &app, "/api/v1/rooms/1/calls").await;
    assert_eq!((empty.version, empty.calls.len()), (None, 0));

    let put = |kind: &'static str, body: String| {
        phone
            .request(
                reqwest::Method::PUT,
                &format!("/api/v1/device/backups/{kind}"),
            )
            .body(body)
            .send()
    };
    let old = "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:古い\r\nEND:VCARD\r\n".to_owned();
    for (kind, body) in [
        ("contacts", old),
        ("contacts", demo::contacts()),
        ("calendar", demo::calendar()),
        ("call_history", demo::calls()),
    ] {
        assert_eq!(
            put(kind, body).await.unwrap().status(),
            StatusCode::CREATED,
            "{kind}"
        );
    }

    let contacts: ContactList = json(&web, &app, "/api/v1/rooms/1/contacts").await;
    assert_eq!((contacts.version, contacts.contacts.len()), (Some(2), 12));
    let first = &contacts.contacts[0];
    assert_eq!(
        (first.name.as_str(), first.reading.as_deref()),
        ("伊藤 さくら", Some("イトウ サクラ"))
    );
    assert_eq!((first.phones.len(), first.emails.len()), (1, 1));
    let readings: Vec<&str> = contacts
        .contacts
        .iter()
        .filter_map(|c| c.reading.as_deref())
        .collect();
    assert!(readings.windows(2).all(|w| w[0] <= w[1]), "{readings:?}");

    let events: EventList = json(&web, &app, "/api/v1/rooms/1/calendar").await;
    assert_eq!((events.version, events.events.len()), (Some(1), 8));
    assert_eq!(
        (
            events.events[0].summary.as_str(),
            events.events[0].start.as_str()
        ),
        ("初詣", "2024-01-01T10:00:00")
    );
    assert!(events.events.windows(2).all(|w| w[0].start <= w[1].start));

    let calls: CallList = json(&web, &app, "/api/v1/rooms/1/calls").await;
    assert_eq!((calls.version, calls.calls.len()), (Some(1), 30));
    assert_eq!(calls.calls[0].time, "2024-12-24T19:41:00+09:00");
    assert!(calls.calls.windows(2).all(|w| w[0].time >= w[1].time));

    let stranger = app.registered_phone("nosy@example.jp").await;
    let theirs: ContactList = stranger
        .get("/api/v1/rooms/1/contacts")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!((theirs.version, theirs.contacts.len()), (None, 0));
    let anonymous = reqwest::get(app.url("/api/v1/rooms/1/calls"))
        .await
        .unwrap();
    expect_error(
        anonymous,
        StatusCode::UNAUTHORIZED,
        ErrorCode::Unauthenticated,
    )
    .await;

    // Storage that damaged the stored file: a clear error, and the server keeps serving.
    app.damage(&sha256_hex(demo::calls().as_bytes()), b"[{\"num")
        .await;
    let damaged = web
        .get(app.url("/api/v1/rooms/1/calls"))
        .send()
        .await
        .unwrap();
    expect_error(
        damaged,
        StatusCode::INTERNAL_SERVER_ERROR,
        ErrorCode::BackupUnreadable,
    )
    .await;
    let still: EventList = json(&web, &app, "/api/v1/rooms/1/calendar").await;
    assert_eq!(still.events.len(), 8);
}
