//! Music: title, artist, album and duration from the file's tags (SPEC V12).

use std::path::Path;

use lofty::{
    file::{AudioFile, FileType, TaggedFileExt},
    probe::Probe,
    tag::Accessor,
};

use crate::Extracted;

/// Stored files have no extension, so the type comes from the name the phone sent.
pub fn extract(name: &str, path: &Path) -> anyhow::Result<Extracted> {
    let probe = Probe::open(path)?;
    let ext = name.rsplit_once('.').map(|(_, e)| e).unwrap_or_default();
    let probe = match FileType::from_ext(ext) {
        Some(file_type) => probe.set_file_type(file_type),
        None => probe.guess_file_type()?,
    };
    let file = probe.read()?;
    let mut out = Extracted {
        duration_ms: i64::try_from(file.properties().duration().as_millis()).ok(),
        ..Extracted::default()
    };
    if let Some(tag) = file.primary_tag().or_else(|| file.first_tag()) {
        out.title = tag.title().map(|s| s.into_owned());
        out.artist = tag.artist().map(|s| s.into_owned());
        out.album = tag.album().map(|s| s.into_owned());
    }
    Ok(out)
}
