//! Media processing through the whole path: upload, background job, derived pictures (T3, T4).

use std::process::Command;

use hako_api_shim::{clock::Clock, store::db::Flag};
use hako_media::exif_writer::with_exif;
use reqwest::StatusCode;

use crate::helpers::*;

fn jpeg(width: u32, height: u32) -> Vec<u8> {
    let image = image::RgbImage::from_fn(width, height, |x, y| image::Rgb([x as u8, y as u8, 90]));
    let mut bytes = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut bytes, 85)
        .encode_image(&image)
        .unwrap();
    bytes
}

type MediaRow = (
    String,
    Option<i64>,
    Option<i64>,
    Option<i64>,
    Option<String>,
    Option<i64>,
    Option<String>,
    Flag,
);

async fn media_of(app: &TestApp, sha256: &str) -> MediaRow {
    sqlx::query_as(
        "SELECT m.status, m.taken_at, m.width, m.height, m.camera, m.duration_ms, m.title, m.has_thumb
         FROM media m JOIN items i ON i.id = m.item_id WHERE i.sha256 = $1",
    )
    .bind(sha256)
    .fetch_one(&app.state.db)
    .await
    .unwrap()
}

/// Makes a file with ffmpeg (or another tool) in a temporary folder and returns its bytes.
pub fn made_with(tool: &str, args: &[&str], out_name: &str, dir: &std::path::Path) -> Vec<u8> {
    let out = dir.join(out_name);
    let status = Command::new(tool)
        .args(args)
        .arg(&out)
        .current_dir(dir)
        .output()
        .unwrap_or_else(|e| panic!("{tool} (scripts/ensure-tools.sh installs it): {e}"));
    assert!(
        status.status.success(),
        "{tool}: {}",
        String::from_utf8_lossy(&status.stderr)
    );
    std::fs::read(out).unwrap()
}

/// A file ffmpeg makes from one of its generated sources (`testsrc=…`, `sine=…`), with
/// metadata tags and extra output options. Its MP4 index (`moov`) comes last, after the
/// frames, as phones record it.
pub fn generated(
    dir: &std::path::Path,
    source: &str,
    tags: &[(&str, &str)],
    extra: &[&str],
    out_name: &str,
) -> Vec<u8> {
    let mut args = ["-v", "error", "-f", "lavfi", "-i", source]
        .map(str::to_owned)
        .to_vec();
    for (key, value) in tags {
        args.extend(["-metadata".to_owned(), format!("{key}={value}")]);
    }
    args.extend(extra.iter().map(|s| s.to_string()));
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    made_with("ffmpeg", &args, out_name, dir)
}

#[tokio::test]
async fn t3_t4_photos_videos_heic_and_music_are_processed_after_upload() {
    let app = spawn_app().await;
    let phone = app.registered_phone("media@example.jp").await;
    let dir = tempfile::tempdir().unwrap();

    let photo = with_exif(
        &jpeg(800, 600),
        "SONY",
        "ILCE-7M4",
        "2022:12:31 23:59:00",
        "+09:00",
    );
    std::fs::write(dir.path().join("in.jpg"), jpeg(640, 480)).unwrap();
    let heic = made_with(
        "heif-enc",
        &["-q", "50", "in.jpg", "-o"],
        "IMG_0002.heic",
        dir.path(),
    );
    let video = generated(
        dir.path(),
        "testsrc=duration=2:size=320x240:rate=10",
        &[("creation_time", "2021-05-05T03:00:00Z")],
        &["-pix_fmt", "yuv420p"],
        "VID.mp4",
    );
    let song = generated(
        dir.path(),
        "sine=frequency=440:duration=3",
        &[("title", "夏の歌"), ("artist", "ハコ"), ("album", "テスト")],
        &[],
        "song.mp3",
    );
    let broken = jpeg(100, 100)[..300].to_vec();

    for (name, bytes) in [
        ("IMG_0001.JPG", &photo),
        ("IMG_0002.heic", &heic),
        ("VID.mp4", &video),
        ("song.mp3", &song),
        ("broken.jpg", &broken),
    ] {
        assert_eq!(
            phone.upload(name, bytes).await.status(),
            StatusCode::NO_CONTENT,
            "{name}"
        );
    }
    process_all(&app).await;

    let (status, taken, width, height, camera, _, _, thumb) =
        media_of(&app, &sha256_hex(&photo)).await;
    assert_eq!(
        (status.as_str(), taken, width, height),
        ("done", Some(1_672_498_740), Some(800), Some(600))
    );
    assert_eq!(camera.as_deref(), Some("SONY ILCE-7M4"));
    assert!(
        thumb.0
            && app
                .state
                .blobs
                .read_derived(&sha256_hex(&photo), "thumb")
                .await
                .unwrap()
                .is_some()
    );

    // Pictures are served at URLs keyed by content, cached for good, to the owner only.
    let url = format!("/api/v1/pictures/{}/thumb", sha256_hex(&photo));
    let response = phone.get(&url).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()["content-type"], "image/jpeg");
    assert!(
        response.headers()["cache-control"]
            .to_str()
            .unwrap()
            .contains("immutable")
    );
    let thumb = image::load_from_memory(&response.bytes().await.unwrap()).unwrap();
    assert_eq!((thumb.width(), thumb.height()), (256, 192));
    let preview = phone
        .get(&format!("/api/v1/pictures/{}/preview", sha256_hex(&photo)))
        .await;
    assert_eq!(preview.status(), StatusCode::OK);
    let stranger = app.registered_phone("stranger@example.jp").await;
    assert_eq!(stranger.get(&url).await.status(), StatusCode::NOT_FOUND);
    let bogus = phone
        .get(&format!("/api/v1/pictures/{}/huge", sha256_hex(&photo)))
        .await;
    assert_eq!(bogus.status(), StatusCode::NOT_FOUND);
    let undecodable = phone
        .get(&format!("/api/v1/pictures/{}/thumb", sha256_hex(&broken)))
        .await;
    assert_eq!(
        undecodable.status(),
        StatusCode::NOT_FOUND,
        "the viewer shows its placeholder"
    );

    let (status, _, width, height, _, _, _, thumb) = media_of(&app, &sha256_hex(&heic)).await;
    assert_eq!(
        (status.as_str(), width, height, thumb),
        ("done", Some(640), Some(480), Flag(true))
    );

    let (status, taken, width, _, _, duration, _, thumb) =
        media_of(&app, &sha256_hex(&video)).await;
    assert_eq!(
        (status.as_str(), taken, width, thumb),
        ("done", Some(1_620_183_600), Some(320), Flag(true))
    );
    assert!((1900..=2100).contains(&duration.unwrap()), "{duration:?}");

    let (status, _, _, _, _, duration, title, _) = media_of(&app, &sha256_hex(&song)).await;
    assert_eq!(
        (status.as_str(), title.as_deref()),
        ("done", Some("夏の歌"))
    );
    assert!((2900..=3200).contains(&duration.unwrap()), "{duration:?}");

    // A file that cannot be decoded stays listed, marked for a placeholder.
    let (status, ..) = media_of(&app, &sha256_hex(&broken)).await;
    assert_eq!(status, "failed");
}

#[tokio::test]
async fn pending_jobs_survive_a_restart() {
    let app = spawn_app().await;
    let phone = app.registered_phone("restart@example.jp").await;
    let photo = jpeg(300, 200);
    phone.upload("a.jpg", &photo).await;
    // Whatever the worker did meanwhile, put the job back as a crash in the middle of it
    // would leave it: still pending, claimed by the instance that died. Its claim runs out.
    sqlx::query("UPDATE media SET status = 'pending', claimed_until = $1")
        .bind(app.clock.now() + 60)
        .execute(&app.state.db)
        .await
        .unwrap();
    let reopened = hako_api_shim::AppState::open(
        (*app.state.config).clone(),
        std::sync::Arc::new(app.clock.clone()),
    )
    .await
    .unwrap();
    assert!(
        !hako_api_shim::media::process_next(&reopened).await.unwrap(),
        "another instance's claim is respected while it lasts"
    );
    app.clock.advance(61);
    while hako_api_shim::media::process_next(&reopened).await.unwrap() {}
    let (status, ..) = media_of(&app, &sha256_hex(&photo)).await;
    assert_eq!(status, "done");
}

/// A small but real DNG (LinearRaw RGB, DNG 1.4), as a raw converter reads it.
fn tiny_dng(width: u32, height: u32) -> Vec<u8> {
    let pixels: Vec<u8> = (0..height)
        .flat_map(|y| (0..width).flat_map(move |x| [(x * 4) as u8, (y * 5) as u8, 128]))
        .collect();
    let model = b"Hako Test\0";
    let count = 13u16;
    let data_at = 8 + 2 + u32::from(count) * 12 + 4;
    let (bits_at, model_at) = (data_at, data_at + 6);
    let pixels_at = model_at + model.len() as u32;
    // (tag, type, count, value or offset); types: 1 BYTE, 2 ASCII, 3 SHORT, 4 LONG.
    let entries: [(u16, u16, u32, [u8; 4]); 13] = [
        (254, 4, 1, 0u32.to_le_bytes()),
        (256, 4, 1, width.to_le_bytes()),
        (257, 4, 1, height.to_le_bytes()),
        (258, 3, 3, bits_at.to_le_bytes()),
        (259, 3, 1, 1u32.to_le_bytes()),
        (262, 3, 1, 34892u32.to_le_bytes()),
        (273, 4, 1, pixels_at.to_le_bytes()),
        (277, 3, 1, 3u32.to_le_bytes()),
        (278, 4, 1, height.to_le_bytes()),
        (279, 4, 1, (pixels.len() as u32).to_le_bytes()),
        (284, 3, 1, 1u32.to_le_bytes()),
        (50706, 1, 4, [1, 4, 0, 0]),
        (50708, 2, model.len() as u32, model_at.to_le_bytes()),
    ];
    let mut out = b"II*\0".to_vec();
    out.extend(8u32.to_le_bytes());
    out.extend(count.to_le_bytes());
    for (tag, kind, n, value) in entries {
        out.extend(tag.to_le_bytes());
        out.extend(kind.to_le_bytes());
        out.extend(n.to_le_bytes());
        out.extend(value);
    }
    out.extend(0u32.to_le_bytes());
    out.extend([8u8, 0, 8, 0, 8, 0]);
    out.extend(model);
    out.extend(pixels);
    out
}

#[tokio::test]
async fn t4_dng_photos_get_a_thumbnail_too() {
    let app = spawn_app().await;
    let phone = app.registered_phone("raw@example.jp").await;
    let dng = tiny_dng(640, 480);
    assert_eq!(
        phone.upload("RAW_0001.DNG", &dng).await.status(),
        StatusCode::NO_CONTENT
    );
    let broken = dng[..200].to_vec();
    phone.upload("RAW_0002.dng", &broken).await;
    process_all(&app).await;
    let (status, _, width, height, _, _, _, thumb) = media_of(&app, &sha256_hex(&dng)).await;
    assert_eq!(
        (status.as_str(), width, height, thumb),
        ("done", Some(640), Some(480), Flag(true))
    );
    let (status, ..) = media_of(&app, &sha256_hex(&broken)).await;
    assert_eq!(status, "failed");
}

/// A JPEG whose only date is in its XMP packet, as Lightroom and many apps export it.
fn jpeg_with_xmp_date(date: &str) -> Vec<u8> {
    let xmp = format!(
        r#"<?xpacket begin="" id="W5M0MpCehiHzreSzNTczkc9d"?><x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description rdf:about="" xmlns:xmp="http://ns.adobe.com/xap/1.0/" xmp:CreateDate="{date}"/></rdf:RDF></x:xmpmeta><?xpacket end="w"?>"#
    );
    let mut segment = b"http://ns.adobe.com/xap/1.0/\0".to_vec();
    segment.extend(xmp.as_bytes());
    let plain = jpeg(64, 48);
    let mut out = plain[..2].to_vec();
    out.extend([0xFF, 0xE1]);
    out.extend(u16::try_from(segment.len() + 2).unwrap().to_be_bytes());
    out.extend(segment);
    out.extend(&plain[2..]);
    out
}

#[tokio::test]
async fn t3_items_are_under_their_shooting_day_before_any_media_job_runs() {
    // No media worker on this server: what the timeline shows comes from the upload alone.
    let app = spawn_app_with(|config| config.media_worker = false).await;
    let phone = app.registered_phone("first-sight@example.jp").await;
    let dir = tempfile::tempdir().unwrap();
    let exif = with_exif(
        &jpeg(64, 48),
        "Hako",
        "Test",
        "2019:07:07 23:30:00",
        "+09:00",
    );
    let xmp = jpeg_with_xmp_date("2020-02-29T08:15:00-05:00");
    let video = generated(
        dir.path(),
        "testsrc=duration=1:size=160x120:rate=10",
        &[("creation_time", "2018-03-03T02:00:00Z")],
        &["-pix_fmt", "yuv420p"],
        "VID.mp4",
    );
    let undated = jpeg(32, 32);
    for (name, bytes) in [
        ("exif.jpg", &exif),
        ("xmp.jpg", &xmp),
        ("VID.mp4", &video),
        ("plain.jpg", &undated),
    ] {
        assert_eq!(
            phone.upload(name, bytes).await.status(),
            StatusCode::NO_CONTENT
        );
    }
    let months: hako_protocol::Timeline = phone
        .get("/api/v1/rooms/1/timeline")
        .await
        .json()
        .await
        .unwrap();
    let days: Vec<String> = months
        .months
        .iter()
        .flat_map(|m| {
            m.days
                .iter()
                .map(move |d| format!("{}-{:02}", m.month, d.day))
        })
        .collect();
    // Japan time where the file has no offset; the XMP date keeps its own (-05:00); the plain
    // photo is under the phone's file time (1700000000: 2023-11-15 in Japan).
    assert_eq!(
        days,
        ["2023-11-15", "2020-02-29", "2019-07-07", "2018-03-03"]
    );
    let Flag(all_pending) =
        sqlx::query_scalar("SELECT COUNT(*) = 4 FROM media WHERE status = 'pending'")
            .fetch_one(&app.state.db)
            .await
            .unwrap();
    assert!(all_pending, "no media job may have run yet");

    // The job, when it runs, agrees.
    process_all(&app).await;
    let after: hako_protocol::Timeline = phone
        .get("/api/v1/rooms/1/timeline")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(after.months, months.months);
}
