//! Videos: duration, size and QuickTime creation time from ffprobe, a poster frame from
//! ffmpeg (SPEC T3, T4). Both run under `timeout`, so a hostile file cannot hang the worker.

use std::{path::Path, process::Command};

use anyhow::{Context, bail};
use serde::Deserialize;

use crate::{Extracted, dating, photo};

/// What ffprobe says of a file.
#[derive(Deserialize)]
pub struct Probe {
    #[serde(default)]
    streams: Vec<Stream>,
    format: Option<Format>,
}

#[derive(Deserialize)]
struct Stream {
    codec_type: Option<String>,
    width: Option<u32>,
    height: Option<u32>,
}

#[derive(Deserialize)]
struct Format {
    duration: Option<String>,
    #[serde(default)]
    tags: std::collections::HashMap<String, String>,
}

pub fn probe(path: &Path) -> anyhow::Result<Probe> {
    let output = Command::new("timeout")
        .args([
            "60",
            "ffprobe",
            "-v",
            "error",
            "-print_format",
            "json",
            "-show_format",
            "-show_streams",
        ])
        .arg(path)
        .output()
        .context("running ffprobe (Debian package ffmpeg)")?;
    if !output.status.success() {
        bail!("ffprobe could not read the file");
    }
    serde_json::from_slice(&output.stdout).context("reading ffprobe's answer")
}

impl Probe {
    /// Apple's `creationdate` keeps the local time and its offset; `creation_time` is UTC.
    pub fn shot(&self) -> Option<dating::Shot> {
        let tags = &self.format.as_ref()?.tags;
        ["com.apple.quicktime.creationdate", "creation_time"]
            .iter()
            .find_map(|tag| dating::parse(tags.get(*tag)?, None))
    }
}

pub fn extract(path: &Path) -> anyhow::Result<Extracted> {
    let probe = probe(path)?;
    let mut out = Extracted::default();
    if let Some(video) = probe
        .streams
        .iter()
        .find(|s| s.codec_type.as_deref() == Some("video"))
    {
        out.width = video.width;
        out.height = video.height;
    }
    if let Some(format) = &probe.format {
        let seconds: Option<f64> = format.duration.as_deref().and_then(|d| d.parse().ok());
        out.duration_ms = seconds.map(|s| (s * 1000.0) as i64);
    }
    out.shot = probe.shot();
    let at = out
        .duration_ms
        .map_or(0.0, |ms| (ms as f64 / 1000.0 / 2.0).min(1.0));
    let frame = Command::new("timeout")
        .args([
            "60",
            "ffmpeg",
            "-v",
            "error",
            "-ss",
            &format!("{at:.2}"),
            "-i",
        ])
        .arg(path)
        .args(["-frames:v", "1", "-f", "image2pipe", "-c:v", "png", "-"])
        .output()
        .context("running ffmpeg")?;
    if frame.status.success() && !frame.stdout.is_empty() {
        let image = photo::decode_bytes(&frame.stdout)?;
        photo::add_pictures(&image, &mut out)?;
    }
    Ok(out)
}
