//! Photos: shooting time and camera from EXIF, dimensions, a grid thumbnail and a preview
//! (SPEC T3, T4). HEIC goes through libheif's `heif-convert`, DNG through `dcraw`; the rest
//! through `image`.

use std::{io::BufReader, path::Path, process::Command};

use anyhow::{Context, bail};
use image::{DynamicImage, ImageReader, metadata::Orientation};

use super::Extracted;

/// Grid thumbnails fit this box; previews for the photo view fit the larger one.
pub const THUMB_PX: u32 = 256;
pub const PREVIEW_PX: u32 = 1440;

pub fn extract(name: &str, path: &Path, scratch: &Path) -> anyhow::Result<Extracted> {
    let mut out = Extracted::default();
    let orientation = read_exif(path, &mut out);
    let mut image = decode(name, path, scratch)?;
    if let Some(orientation) = orientation {
        image.apply_orientation(orientation);
    }
    out.width = Some(image.width());
    out.height = Some(image.height());
    add_pictures(&image, &mut out)?;
    Ok(out)
}

pub fn add_pictures(image: &DynamicImage, out: &mut Extracted) -> anyhow::Result<()> {
    out.thumb = Some(jpeg(&image.thumbnail(THUMB_PX, THUMB_PX), 78)?);
    let preview = if image.width().max(image.height()) > PREVIEW_PX {
        image.resize(
            PREVIEW_PX,
            PREVIEW_PX,
            image::imageops::FilterType::Triangle,
        )
    } else {
        image.clone()
    };
    out.preview = Some(jpeg(&preview, 85)?);
    Ok(())
}

fn jpeg(image: &DynamicImage, quality: u8) -> anyhow::Result<Vec<u8>> {
    let mut bytes = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut bytes, quality)
        .encode_image(&image.to_rgb8())
        .context("encoding JPEG")?;
    Ok(bytes)
}

pub fn decode_bytes(bytes: &[u8]) -> anyhow::Result<DynamicImage> {
    let mut reader = ImageReader::new(std::io::Cursor::new(bytes)).with_guessed_format()?;
    reader.limits(image::Limits::default());
    Ok(reader.decode()?)
}

fn decode(name: &str, path: &Path, scratch: &Path) -> anyhow::Result<DynamicImage> {
    let ext = name
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    match ext.as_str() {
        "heic" | "heif" => {
            let converted = scratch.join(format!("heif-{}.jpg", rand::random::<u64>()));
            let status = Command::new("timeout")
                .args(["60", "heif-convert", "-q", "90"])
                .arg(path)
                .arg(&converted)
                .stdout(std::process::Stdio::null())
                .stderr(std::process::Stdio::null())
                .status()
                .context("running heif-convert (Debian package libheif-examples)")?;
            let bytes = std::fs::read(&converted);
            let _ = std::fs::remove_file(&converted);
            if !status.success() {
                bail!("heif-convert could not decode the file");
            }
            decode_bytes(&bytes?)
        }
        // Developed at full size, so the reported dimensions are the photo's own.
        "dng" => {
            let output = Command::new("timeout")
                .args(["60", "dcraw", "-c", "-w"])
                .arg(path)
                .stderr(std::process::Stdio::null())
                .output()
                .context("running dcraw (Debian package dcraw)")?;
            if !output.status.success() || output.stdout.is_empty() {
                bail!("dcraw could not develop the file");
            }
            decode_bytes(&output.stdout)
        }
        _ => {
            let mut reader = ImageReader::open(path)?.with_guessed_format()?;
            // The default limits refuse images that would need more than 512 MiB.
            reader.limits(image::Limits::default());
            Ok(reader.decode()?)
        }
    }
}

/// Fills time and camera; returns how the picture must be turned to stand upright.
fn read_exif(path: &Path, out: &mut Extracted) -> Option<Orientation> {
    let file = std::fs::File::open(path).ok()?;
    let exif = exif::Reader::new()
        .read_from_container(&mut BufReader::new(file))
        .ok()?;
    let text = |tag| {
        exif.get_field(tag, exif::In::PRIMARY)
            .and_then(|f| match &f.value {
                exif::Value::Ascii(v) => v
                    .first()
                    .map(|s| String::from_utf8_lossy(s).trim().to_owned()),
                _ => None,
            })
    };
    let offset = text(exif::Tag::OffsetTimeOriginal).and_then(|s| parse_offset(&s));
    if let Some(local) = text(exif::Tag::DateTimeOriginal).or_else(|| text(exif::Tag::DateTime)) {
        out.taken_at = local_to_unix(&local, offset);
        out.utc_offset = offset;
    }
    let camera = [text(exif::Tag::Make), text(exif::Tag::Model)]
        .into_iter()
        .flatten()
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join(" ");
    out.camera = (!camera.is_empty()).then_some(camera);
    exif.get_field(exif::Tag::Orientation, exif::In::PRIMARY)
        .and_then(|f| f.value.get_uint(0))
        .and_then(|v| Orientation::from_exif(u8::try_from(v).ok()?))
}

/// `+09:00` → 32400.
pub fn parse_offset(s: &str) -> Option<i32> {
    let sign = match s.as_bytes().first()? {
        b'+' => 1,
        b'-' => -1,
        _ => return None,
    };
    let (h, m) = s[1..].split_once(':')?;
    Some(sign * (h.parse::<i32>().ok()? * 3600 + m.parse::<i32>().ok()? * 60))
}

/// EXIF local time `YYYY:MM:DD HH:MM:SS`. Without an offset the users' own (+09:00) is assumed.
pub fn local_to_unix(local: &str, offset: Option<i32>) -> Option<i64> {
    let n = |range: std::ops::Range<usize>| local.get(range)?.parse::<u32>().ok();
    let date = time::Date::from_calendar_date(
        i32::try_from(n(0..4)?).ok()?,
        time::Month::try_from(u8::try_from(n(5..7)?).ok()?).ok()?,
        u8::try_from(n(8..10)?).ok()?,
    )
    .ok()?;
    let clock = time::Time::from_hms(
        u8::try_from(n(11..13)?).ok()?,
        u8::try_from(n(14..16)?).ok()?,
        u8::try_from(n(17..19)?).ok()?,
    )
    .ok()?;
    let offset = time::UtcOffset::from_whole_seconds(offset.unwrap_or(9 * 3600)).ok()?;
    Some(
        time::PrimitiveDateTime::new(date, clock)
            .assume_offset(offset)
            .unix_timestamp(),
    )
}
