//! The phones page (SPEC V18): per-ROOM summary, renaming the phone, Reset ROOM.

use hako_protocol::{DataType, ErrorCode, RoomSummary, Rooms};
use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::*;

#[tokio::test]
async fn v18_summary_rename_and_reset_room() {
    let app = spawn_app().await;
    let phone = app.registered_phone("owner@example.jp").await;
    phone.upload("a.jpg", b"\xff\xd8\xff not really").await;
    phone.upload("b.txt", b"hello").await;
    let contacts = "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:X\r\nN:X;;;;\r\nEND:VCARD\r\n";
    let stored = phone
        .request(reqwest::Method::PUT, "/api/v1/device/backups/contacts")
        .body(contacts)
        .send()
        .await
        .unwrap();
    assert_eq!(stored.status(), StatusCode::CREATED);
    phone
        .post("/api/v1/device/report", json!({"name": "花子のPixel", "model": "Pixel 9", "free_bytes": 10, "total_bytes": 64, "inventory": []}))
        .await;
    let web = app.signed_in("owner@example.jp").await;

    let summary: RoomSummary = web
        .get(app.url("/api/v1/rooms/1/summary"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let count = |kind: DataType| {
        summary
            .kinds
            .iter()
            .find(|k| k.kind == kind)
            .map(|k| (k.count, k.bytes))
    };
    assert_eq!(count(DataType::Photo), Some((1, 14)));
    assert_eq!(count(DataType::Document), Some((1, 5)));
    assert_eq!(count(DataType::Contacts), Some((1, contacts.len() as u64)));
    assert_eq!(count(DataType::Music), Some((0, 0)));
    assert_eq!(
        (summary.phone_free_bytes, summary.phone_total_bytes),
        (Some(10), Some(64))
    );
    assert!(summary.last_backup.is_some());
    assert_eq!(summary.stored_bytes, 14 + 5 + contacts.len() as u64);

    // Rename: trimmed; empty, too long or control characters refused.
    for bad in ["", "   ", &"長".repeat(41), "a\u{7}b"] {
        let response = web
            .patch(app.url("/api/v1/rooms/1"))
            .json(&json!({"name": bad}))
            .send()
            .await
            .unwrap();
        expect_error(
            response,
            StatusCode::BAD_REQUEST,
            ErrorCode::InvalidPhoneName,
        )
        .await;
    }
    let response = web
        .patch(app.url("/api/v1/rooms/1"))
        .json(&json!({"name": " 仕事用 "}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    let response = web
        .patch(app.url("/api/v1/rooms/2"))
        .json(&json!({"name": "空き"}))
        .send()
        .await
        .unwrap();
    expect_error(response, StatusCode::NOT_FOUND, ErrorCode::NotFound).await;
    let rooms: Rooms = phone.get("/api/v1/rooms").await.json().await.unwrap();
    assert_eq!(rooms.rooms[0].phone.as_ref().unwrap().name, "仕事用");

    // Phones manage themselves through the device API, not these.
    let response = phone
        .request(reqwest::Method::DELETE, "/api/v1/rooms/1")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);

    // Reset ROOM: data and registration gone, files off the disk; the phone may register again.
    let sha = sha256_hex(b"hello");
    assert!(app.stored(&sha).await.is_some());
    let response = web.delete(app.url("/api/v1/rooms/1")).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    assert!(app.stored(&sha).await.is_none());
    let rooms: Rooms = phone.get("/api/v1/rooms").await.json().await.unwrap();
    assert!(rooms.rooms[0].phone.is_none());
    assert_eq!(rooms.rooms[0].item_count, 0);
    assert_eq!(rooms.this_phone_room, None);
    let again = phone
        .post("/api/v1/device/register", json!({"room": 1}))
        .await;
    assert_eq!(again.status(), StatusCode::OK);
    let summary: RoomSummary = web
        .get(app.url("/api/v1/rooms/1/summary"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(summary.stored_bytes, 0);
}
