//! The pure code of Hako: reading photos, videos and music (dates, sizes, tags, thumbnails),
//! the stored ZIP writer, vCard/iCalendar/call-history reading, and every date format in
//! Japan time. No database, HTTP or async runtime here: it is tested alone and compiles in
//! parallel with the server.

pub mod dating;
pub mod exif_writer;
mod music;
pub mod photo;
pub mod records;
pub mod stored_zip;
pub mod time;
mod video;

use std::path::Path;

use hako_protocol::ItemKind;

/// What processing learned about one file.
#[derive(Debug, Default)]
pub struct Extracted {
    pub shot: Option<dating::Shot>,
    pub width: Option<u32>,
    pub height: Option<u32>,
    pub camera: Option<String>,
    pub duration_ms: Option<i64>,
    pub title: Option<String>,
    pub artist: Option<String>,
    pub album: Option<String>,
    pub thumb: Option<Vec<u8>>,
    pub preview: Option<Vec<u8>>,
}

/// Decodes one stored file. Blocking: run it off the async runtime.
pub fn extract(
    kind: ItemKind,
    name: &str,
    path: &Path,
    scratch: &Path,
) -> anyhow::Result<Extracted> {
    match kind {
        ItemKind::Photo => photo::extract(name, path, scratch),
        ItemKind::Video => video::extract(path),
        ItemKind::Music => music::extract(name, path),
        ItemKind::Document => Ok(Extracted::default()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn photo_jpeg(width: u32, height: u32) -> Vec<u8> {
        let image = image::RgbImage::from_fn(width, height, |x, y| {
            image::Rgb([(x % 256) as u8, (y % 256) as u8, 128])
        });
        let mut bytes = Vec::new();
        image::codecs::jpeg::JpegEncoder::new_with_quality(&mut bytes, 90)
            .encode_image(&image)
            .unwrap();
        bytes
    }

    #[test]
    fn t3_t4_a_jpeg_gives_its_exif_time_camera_size_thumbnail_and_preview() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("IMG.jpg");
        let jpeg = exif_writer::with_exif(
            &photo_jpeg(2000, 1500),
            "Canon",
            "EOS R6",
            "2023:08:15 19:30:05",
            "+09:00",
        );
        std::fs::write(&path, jpeg).unwrap();
        let found = extract(ItemKind::Photo, "IMG.jpg", &path, dir.path()).unwrap();
        // 2023-08-15 19:30:05 +09:00 is 10:30:05 UTC.
        assert_eq!(found.shot.map(|s| s.taken_at), Some(1_692_095_405));
        assert_eq!(found.shot.and_then(|s| s.utc_offset), Some(9 * 3600));
        assert_eq!(found.camera.as_deref(), Some("Canon EOS R6"));
        assert_eq!((found.width, found.height), (Some(2000), Some(1500)));
        let thumb = photo::decode_bytes(&found.thumb.unwrap()).unwrap();
        assert_eq!((thumb.width(), thumb.height()), (256, 192));
        let preview = photo::decode_bytes(&found.preview.unwrap()).unwrap();
        assert_eq!((preview.width(), preview.height()), (1440, 1080));
    }

    #[test]
    fn t4_broken_photos_fail_cleanly() {
        let dir = tempfile::tempdir().unwrap();
        let jpeg = photo_jpeg(64, 64);
        for (name, bytes) in [
            ("cut.jpg", jpeg[..jpeg.len() / 2].to_vec()),
            ("noise.png", vec![0x89, b'P', b'N', b'G', 1, 2, 3]),
            ("empty.webp", vec![]),
            ("fake.heic", b"not really a heic".to_vec()),
        ] {
            let path = dir.path().join(name);
            std::fs::write(&path, bytes).unwrap();
            assert!(
                extract(ItemKind::Photo, name, &path, dir.path()).is_err(),
                "{name}"
            );
        }
    }
}
