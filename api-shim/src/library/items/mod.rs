//! A ROOM's stored files (SPEC D4, V3, V9–V13): listed page by page, one file's details, the
//! Music and Documents tabs, and which file is served how: originals only ever as attachments,
//! music and video played inline, PDF and text shown inline (X4).

pub(super) mod http;
mod store;

use hako_protocol::{Document, ItemInfo, ItemKind, ItemPage, StoredItem, Track};

use super::{LibraryError, non_negative};
use crate::store::{blobs::BlobStore, db::Db};

type Result<T> = std::result::Result<T, LibraryError>;

const PAGE: i64 = 1000;

/// A page of a ROOM's files after `cursor`, of `kind` if given.
pub(super) async fn list(
    db: &Db,
    user_id: i64,
    room: i64,
    kind: Option<ItemKind>,
    cursor: Option<i64>,
) -> Result<ItemPage> {
    let kind = kind.map(ItemKind::as_str);
    let rows = store::list(db, user_id, room, kind, cursor.unwrap_or(0), PAGE + 1).await?;
    let more = rows.len() as i64 > PAGE;
    let items: Vec<StoredItem> = rows
        .into_iter()
        .take(PAGE as usize)
        .map(|row| StoredItem {
            id: row.id,
            kind: ItemKind::parse(&row.kind).unwrap_or(ItemKind::Document),
            name: row.name,
            size: u64::try_from(row.size).unwrap_or(0),
            sha256: row.sha256,
        })
        .collect();
    let next_cursor = if more {
        items.last().map(|i| i.id)
    } else {
        None
    };
    Ok(ItemPage { items, next_cursor })
}

/// A stored file of the caller's, and how a browser gets it.
pub(super) struct Served {
    pub sha256: String,
    pub name: String,
    /// `None`: an attachment, typed by its name; else shown inline as this type.
    pub inline: Option<mime::Mime>,
}

/// How the caller asks for an item's bytes.
#[derive(Clone, Copy)]
pub(super) enum Use {
    /// Downloaded byte for byte.
    Original,
    /// Played in `<audio>` / `<video>` (SPEC V12).
    Play,
    /// Read in the browser: PDF and text only (SPEC V13).
    View,
}

/// The item's file for `use_`; not found unless it is the caller's and fits that use.
pub(super) async fn served(db: &Db, user_id: i64, id: i64, use_: Use) -> Result<Served> {
    let row = store::owned(db, user_id, id)
        .await?
        .ok_or(LibraryError::NotFound)?;
    let kind = || ItemKind::parse(&row.kind).ok_or(LibraryError::NotFound);
    let inline = match use_ {
        Use::Original => None,
        Use::Play => Some(playable_type(kind()?, &row.name).ok_or(LibraryError::NotFound)?),
        Use::View => Some(
            viewable_type(&row.name)
                .filter(|_| kind().ok() == Some(ItemKind::Document))
                .ok_or(LibraryError::NotFound)?,
        ),
    };
    Ok(Served {
        sha256: row.sha256,
        name: row.name,
        inline,
    })
}

/// A JPEG the media job makes of a photo or video.
#[derive(Clone, Copy)]
pub(super) enum Picture {
    /// ~256 px, for the grid.
    Thumb,
    /// ~1440 px, for the photo view.
    Preview,
}

impl Picture {
    pub fn parse(size: &str) -> Option<Self> {
        match size {
            "thumb" => Some(Self::Thumb),
            "preview" => Some(Self::Preview),
            _ => None,
        }
    }

    /// Its name in the blob store and in URLs.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Thumb => "thumb",
            Self::Preview => "preview",
        }
    }
}

/// The content hash whose pictures the caller may see: an item of theirs.
pub(super) async fn item_content(db: &Db, user_id: i64, id: i64) -> Result<String> {
    let row = store::owned(db, user_id, id).await?;
    Ok(row.ok_or(LibraryError::NotFound)?.sha256)
}

/// Pictures by content are the caller's to see only if they hold a file with that content.
pub(super) async fn check_content(db: &Db, user_id: i64, sha256: &str) -> Result<()> {
    if hako_protocol::valid_sha256_hex(sha256) && store::holds_content(db, user_id, sha256).await? {
        Ok(())
    } else {
        Err(LibraryError::NotFound)
    }
}

/// Deletes a file from the server (SPEC V10), and its content when no item refers to it.
pub(super) async fn delete(db: &Db, blobs: &BlobStore, user_id: i64, id: i64) -> Result<()> {
    let sha256 = store::delete(db, user_id, id)
        .await?
        .ok_or(LibraryError::NotFound)?;
    blobs.remove_unreferenced(db, &[sha256]).await?;
    Ok(())
}

/// One file with what its media job learned (SPEC V11).
pub(super) async fn details(db: &Db, user_id: i64, id: i64) -> Result<ItemInfo> {
    let row = store::details(db, user_id, id)
        .await?
        .ok_or(LibraryError::NotFound)?;
    Ok(ItemInfo {
        id: row.id,
        room: u8::try_from(row.room).unwrap_or(1),
        kind: ItemKind::parse(&row.kind).unwrap_or(ItemKind::Document),
        name: row.name,
        size: u64::try_from(row.size).unwrap_or(0),
        taken: crate::clock::local_iso(row.local_time),
        width: non_negative(row.width),
        height: non_negative(row.height),
        camera: row.camera,
        duration_ms: non_negative(row.duration_ms),
        preview_url: row
            .has_preview
            .is_some_and(|made| made.0)
            .then(|| format!("/api/v1/pictures/{}/preview", row.sha256)),
        original_url: format!("/api/v1/items/{}/original", row.id),
        sha256: row.sha256,
    })
}

/// The Music tab (SPEC V12).
pub(super) async fn music(db: &Db, user_id: i64, room: i64) -> Result<Vec<Track>> {
    let rows = store::music(db, user_id, room).await?;
    Ok(rows
        .into_iter()
        .map(|row| Track {
            id: row.id,
            title: row.title,
            artist: row.artist,
            album: row.album,
            duration_ms: non_negative(row.duration_ms),
            size: u64::try_from(row.size).unwrap_or(0),
            stream_url: format!("/api/v1/items/{}/stream", row.id),
        })
        .collect())
}

/// The Documents tab (SPEC V13), newest first.
pub(super) async fn documents(db: &Db, user_id: i64, room: i64) -> Result<Vec<Document>> {
    let rows = store::documents(db, user_id, room).await?;
    Ok(rows
        .into_iter()
        .map(|row| Document {
            id: row.id,
            mime: mime_guess::from_path(&row.name)
                .first_or_octet_stream()
                .to_string(),
            size: u64::try_from(row.size).unwrap_or(0),
            created: crate::clock::local_iso(row.local_time),
            view_url: viewable_type(&row.name).map(|_| format!("/api/v1/items/{}/view", row.id)),
            name: row.name,
        })
        .collect())
}

/// The `audio/*` or `video/*` type a browser plays a music or video file with.
fn playable_type(kind: ItemKind, name: &str) -> Option<mime::Mime> {
    let top = match kind {
        ItemKind::Music => mime::AUDIO,
        ItemKind::Video => mime::VIDEO,
        ItemKind::Photo | ItemKind::Document => return None,
    };
    // mime_guess says audio/m4a, which browsers do not know; MP4 audio is audio/mp4.
    let guess = if name.to_ascii_lowercase().ends_with(".m4a") {
        "audio/mp4".parse().ok()
    } else {
        mime_guess::from_path(name).first()
    };
    Some(
        guess
            .filter(|m| m.type_() == top)
            .unwrap_or(mime::APPLICATION_OCTET_STREAM),
    )
}

/// The type a browser shows a document with, for the two it can show safely (SPEC V13).
fn viewable_type(name: &str) -> Option<mime::Mime> {
    let ext = name.rsplit_once('.')?.1.to_ascii_lowercase();
    match ext.as_str() {
        "pdf" => Some(mime::APPLICATION_PDF),
        "txt" => Some(mime::TEXT_PLAIN_UTF_8),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn v12_v13_only_media_plays_and_only_pdf_and_text_show() {
        let audio = |name| playable_type(ItemKind::Music, name).map(|m| m.to_string());
        assert_eq!(audio("a.mp3").as_deref(), Some("audio/mpeg"));
        assert_eq!(audio("a.M4A").as_deref(), Some("audio/mp4"));
        assert_eq!(audio("a.flac").as_deref(), Some("audio/flac"));
        assert_eq!(
            playable_type(ItemKind::Video, "v.mov")
                .map(|m| m.to_string())
                .as_deref(),
            Some("video/quicktime")
        );
        assert_eq!(playable_type(ItemKind::Photo, "a.jpg"), None);
        assert_eq!(playable_type(ItemKind::Document, "a.mp3"), None);
        assert_eq!(viewable_type("旅行.PDF"), Some(mime::APPLICATION_PDF));
        assert_eq!(viewable_type("memo.txt"), Some(mime::TEXT_PLAIN_UTF_8));
        assert_eq!(viewable_type("report.docx"), None);
        assert_eq!(viewable_type("noext"), None);
    }
}
