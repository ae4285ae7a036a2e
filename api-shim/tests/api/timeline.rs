//! The timeline API (SPEC V4–V7): months with per-day counts, month pages with a cursor.

use hako_media::exif_writer::with_exif;
use hako_protocol::{Badge, ErrorCode, Timeline, TimelinePage};
use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::*;

fn photo_taken(i: u32, taken: &str) -> Vec<u8> {
    let image = image::RgbImage::from_fn(40, 30, |x, y| image::Rgb([x as u8, y as u8, i as u8]));
    let mut bytes = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut bytes, 80)
        .encode_image(&image)
        .unwrap();
    with_exif(&bytes, "Hako", "Test", taken, "+09:00")
}

#[tokio::test]
async fn v4_months_and_days_newest_first_with_pages_and_badges() {
    let app = spawn_app().await;
    let phone = app.registered_phone("timeline@example.jp").await;
    let shots = [
        "2024:08:15 09:00:00",
        "2024:08:15 21:00:00",
        "2024:08:01 00:30:00", // 2024-07-31 15:30 UTC: still August 1st in Japan
        "2023:12:31 23:59:00",
        "2023:12:31 12:00:00",
    ];
    let mut hashes = Vec::new();
    for (i, taken) in shots.iter().enumerate() {
        let bytes = photo_taken(i as u32, taken);
        hashes.push(sha256_hex(&bytes));
        assert_eq!(
            phone.upload(&format!("IMG_{i}.jpg"), &bytes).await.status(),
            StatusCode::NO_CONTENT
        );
    }
    phone
        .upload("doc.pdf", b"%PDF-1.4 not in the timeline")
        .await;
    process_all(&app).await;

    let timeline: Timeline = phone
        .get("/api/v1/rooms/1/timeline")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(timeline.total, 5);
    let shape: Vec<String> = timeline
        .months
        .iter()
        .map(|m| {
            let days: Vec<String> = m
                .days
                .iter()
                .map(|d| format!("{}:{}", d.day, d.count))
                .collect();
            format!("{} {} [{}]", m.month, m.count, days.join(" "))
        })
        .collect();
    assert_eq!(shape, vec!["2024-08 3 [15:2 1:1]", "2023-12 2 [31:2]"]);
    let videos: Timeline = phone
        .get("/api/v1/rooms/1/timeline?filter=videos")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(videos.total, 0);

    // The phone reported only the first photo as still on it, and excluded the second.
    phone.post("/api/v1/device/report", json!({"name": "p", "model": "m", "free_bytes": 0, "total_bytes": 0, "inventory": [hashes[0]]})).await;
    phone
        .request(reqwest::Method::PUT, "/api/v1/device/exclusions")
        .json(&json!({"sha256": [hashes[1]], "excluded": true}))
        .send()
        .await
        .unwrap();

    let first: TimelinePage = phone
        .get("/api/v1/rooms/1/timeline/2024-08?limit=2")
        .await
        .json()
        .await
        .unwrap();
    let taken: Vec<&str> = first.items.iter().map(|i| i.taken.as_str()).collect();
    assert_eq!(taken, vec!["2024-08-15T21:00:00", "2024-08-15T09:00:00"]);
    assert_eq!(first.items[0].badge, Badge::Excluded);
    assert_eq!(first.items[1].badge, Badge::PhoneAndCloud);
    assert_eq!(
        (first.items[1].width, first.items[1].height),
        (Some(40), Some(30))
    );
    let thumb = first.items[1].thumbnail_url.clone().unwrap();
    assert_eq!(phone.get(&thumb).await.status(), StatusCode::OK);
    let cursor = first.next_cursor.unwrap();
    let rest: TimelinePage = phone
        .get(&format!(
            "/api/v1/rooms/1/timeline/2024-08?limit=2&cursor={cursor}"
        ))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(rest.items.len(), 1);
    assert_eq!(rest.items[0].taken, "2024-08-01T00:30:00");
    assert_eq!(rest.items[0].badge, Badge::CloudOnly);
    assert_eq!(rest.next_cursor, None);

    // V6: sorted by save status, each group by date; a month's items of one group.
    let by_status: Timeline = phone
        .get("/api/v1/rooms/1/timeline?sort=status")
        .await
        .json()
        .await
        .unwrap();
    let shape: Vec<String> = by_status
        .months
        .iter()
        .map(|m| {
            let days: Vec<String> = m
                .days
                .iter()
                .map(|d| format!("{}:{}", d.day, d.count))
                .collect();
            format!(
                "{} {} [{}]",
                m.status.map_or("-", Badge::as_str),
                m.month,
                days.join(" ")
            )
        })
        .collect();
    assert_eq!(
        shape,
        vec![
            "cloud_only 2024-08 [1:1]",
            "cloud_only 2023-12 [31:2]",
            "phone_and_cloud 2024-08 [15:1]",
            "excluded 2024-08 [15:1]"
        ]
    );
    assert_eq!(by_status.total, 5);
    let excluded: TimelinePage = phone
        .get("/api/v1/rooms/1/timeline/2024-08?status=excluded")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(excluded.items.len(), 1);
    assert_eq!(excluded.items[0].badge, Badge::Excluded);
    let bad = phone
        .get("/api/v1/rooms/1/timeline/2024-08?status=somewhere")
        .await;
    expect_error(bad, StatusCode::BAD_REQUEST, ErrorCode::InvalidQuery).await;

    let bad = phone
        .get("/api/v1/rooms/1/timeline/2024-08?cursor=nonsense")
        .await;
    expect_error(bad, StatusCode::BAD_REQUEST, ErrorCode::InvalidQuery).await;
    let bad = phone.get("/api/v1/rooms/1/timeline/2024-13").await;
    expect_error(bad, StatusCode::NOT_FOUND, ErrorCode::NotFound).await;
    let stranger = app.registered_phone("nosy@example.jp").await;
    let theirs: Timeline = stranger
        .get("/api/v1/rooms/1/timeline")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        theirs.total, 0,
        "another account sees its own (empty) ROOM 1"
    );
}

#[tokio::test]
async fn v4_v5_the_bench_fixture_fills_a_timeline_whose_counts_add_up() {
    let app = spawn_app().await;
    let hash = hako_api_shim::accounts::password::hash(PASSWORD.to_owned())
        .await
        .unwrap();
    let done =
        hako_api_shim::fixtures::bench::create(&app.state, "bench@example.jp", &hash, 2_000, 20)
            .await
            .unwrap();
    assert_eq!(done.inserted, 2_000);
    // Run again: the same account and ROOM get 500 more.
    hako_api_shim::fixtures::bench::create(&app.state, "bench@example.jp", &hash, 500, 20)
        .await
        .unwrap();
    let web = app.signed_in("bench@example.jp").await;
    let timeline: Timeline = web
        .get(app.url("/api/v1/rooms/1/timeline"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(timeline.total, 2_500);
    let per_month: u64 = timeline.months.iter().map(|m| u64::from(m.count)).sum();
    let per_day: u64 = timeline
        .months
        .iter()
        .flat_map(|m| &m.days)
        .map(|d| u64::from(d.count))
        .sum();
    assert_eq!((per_month, per_day), (2_500, 2_500));
    assert!(
        timeline.months.len() > 150,
        "spread over the years: {}",
        timeline.months.len()
    );
    let videos: Timeline = web
        .get(app.url("/api/v1/rooms/1/timeline?filter=videos"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!((20..200).contains(&videos.total), "{}", videos.total);

    // The newest month's page shows real thumbnails, and the originals download whole.
    let newest = &timeline.months[0];
    let page: TimelinePage = web
        .get(app.url(&format!("/api/v1/rooms/1/timeline/{}", newest.month)))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(page.items.len() as u32, newest.count.min(500));
    // A phone's upload after the fixture gets a new id (PostgreSQL's id sequence knows the
    // fixture's chosen ids).
    let phone = app.registered_phone("after-fixture@example.jp").await;
    let uploaded = phone.upload("IMG_after.jpg", b"not the fixture's").await;
    assert!(uploaded.status().is_success(), "{}", uploaded.status());
    if app.state.blobs.s3().is_some() {
        // The fixture writes rows only when files go to a bucket (nothing to hard-link).
        return;
    }
    let item = &page.items[0];
    let thumb = web
        .get(app.url(item.thumbnail_url.as_ref().unwrap()))
        .send()
        .await
        .unwrap();
    assert_eq!(thumb.headers()["content-type"], "image/jpeg");
    assert!(image::load_from_memory(&thumb.bytes().await.unwrap()).is_ok());
    let original = web
        .get(app.url(&format!("/api/v1/items/{}/original", item.id)))
        .send()
        .await
        .unwrap();
    assert_eq!(original.status(), StatusCode::OK);
    let length: u64 = original.headers()["content-length"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert_eq!(original.bytes().await.unwrap().len() as u64, length);
}
