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
    let (mut image, (width, height)) = decode(name, path, scratch)?;
    if let Some(orientation) = orientation {
        image.apply_orientation(orientation);
    }
    // The photo's own size, turned as the picture was.
    let turned = (image.width() >= image.height()) != (width >= height);
    let (width, height) = if turned {
        (height, width)
    } else {
        (width, height)
    };
    out.width = Some(width);
    out.height = Some(height);
    add_pictures(&image, &mut out)?;
    Ok(out)
}

/// A JPEG decoded at the smallest DCT scale (1/8, 1/4, 1/2 or 1) that still covers the
/// preview: a 12 MP photo comes out at 2000×1500, a quarter of the pixels to decode, hold and
/// shrink. With the photo's own size; `None` for what this decoder leaves to `image` (CMYK,
/// 16-bit, or a file it cannot read).
fn decode_jpeg_scaled(path: &Path) -> Option<(DynamicImage, (u32, u32))> {
    let file = std::io::BufReader::new(std::fs::File::open(path).ok()?);
    let mut decoder = jpeg_decoder::Decoder::new(file);
    decoder.read_info().ok()?;
    let info = decoder.info()?;
    let (width, height) = (u32::from(info.width), u32::from(info.height));
    let longest = width.max(height).max(1);
    let fit = |side: u32| u16::try_from((side * PREVIEW_PX / longest).max(1)).unwrap_or(u16::MAX);
    decoder.scale(fit(width), fit(height)).ok()?;
    let pixels = decoder.decode().ok()?;
    let info = decoder.info()?;
    let (w, h) = (u32::from(info.width), u32::from(info.height));
    let image = match info.pixel_format {
        jpeg_decoder::PixelFormat::RGB24 => {
            DynamicImage::ImageRgb8(image::RgbImage::from_raw(w, h, pixels)?)
        }
        jpeg_decoder::PixelFormat::L8 => {
            DynamicImage::ImageLuma8(image::GrayImage::from_raw(w, h, pixels)?)
        }
        _ => return None,
    };
    Some((image, (width, height)))
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

/// The picture to make the thumbnail and preview from, and the photo's own size.
fn decode(name: &str, path: &Path, scratch: &Path) -> anyhow::Result<(DynamicImage, (u32, u32))> {
    let full = |image: DynamicImage| {
        let size = (image.width(), image.height());
        (image, size)
    };
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
            decode_bytes(&bytes?).map(full)
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
            decode_bytes(&output.stdout).map(full)
        }
        "jpg" | "jpeg" if let Some(scaled) = decode_jpeg_scaled(path) => Ok(scaled),
        _ => {
            let mut reader = ImageReader::open(path)?.with_guessed_format()?;
            // The default limits refuse images that would need more than 512 MiB.
            reader.limits(image::Limits::default());
            Ok(full(reader.decode()?))
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

#[cfg(test)]
mod tests {
    use super::*;

    fn jpeg_file(dir: &Path, width: u32, height: u32) -> std::path::PathBuf {
        let image = image::RgbImage::from_fn(width, height, |x, y| {
            image::Rgb([(x % 251) as u8, (y % 241) as u8, 90])
        });
        let path = dir.join(format!("IMG_{width}x{height}.jpg"));
        jpeg(&DynamicImage::ImageRgb8(image), 90)
            .and_then(|bytes| Ok(std::fs::write(&path, bytes)?))
            .unwrap();
        path
    }

    #[test]
    fn a_large_jpeg_is_decoded_at_a_reduced_scale_but_keeps_its_own_size() {
        let dir = tempfile::tempdir().unwrap();
        for (width, height, preview) in [(3000, 2000, (1440, 960)), (2000, 3000, (960, 1440))] {
            let path = jpeg_file(dir.path(), width, height);
            let (picture, size) = decode_jpeg_scaled(&path).expect("a baseline RGB JPEG");
            // Half the size on each side: the smallest DCT scale still over 1440 px.
            assert_eq!((picture.width(), picture.height()), (width / 2, height / 2));
            let found = extract("IMG.jpg", &path, dir.path()).unwrap();
            assert_eq!((found.width, found.height), (Some(width), Some(height)));
            assert_eq!(size, (width, height));
            let shown = image::load_from_memory(found.preview.as_deref().unwrap()).unwrap();
            assert_eq!((shown.width(), shown.height()), preview);
        }
    }
}
