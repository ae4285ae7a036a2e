//! Photos: shooting time and camera from EXIF, dimensions, a grid thumbnail and a preview
//! (SPEC T3, T4). HEIC goes through libheif's `heif-convert`, DNG through `dcraw`; the rest
//! through `image`.

use std::{path::Path, process::Command};

use anyhow::{Context, bail};
use image::{DynamicImage, ImageReader, metadata::Orientation};

use crate::{Extracted, dating};

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
    let head = dating::read_head(path).ok()?;
    let exif = dating::Exif::read(&head);
    out.shot = dating::photo(exif.as_ref(), &head);
    let exif = exif?;
    let camera = [exif.text(exif::Tag::Make), exif.text(exif::Tag::Model)]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(" ");
    out.camera = (!camera.is_empty()).then_some(camera);
    exif.uint(exif::Tag::Orientation)
        .and_then(|v| Orientation::from_exif(u8::try_from(v).ok()?))
}
