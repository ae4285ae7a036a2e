//! What the web viewer reads besides the timeline: one item's details, the Music, Documents,
//! Contacts, Calendar and Call history tabs (SPEC V3, V11–V14), and downloads (V9).

use serde::{Deserialize, Serialize};

#[cfg(feature = "openapi")]
use utoipa::ToSchema;

use crate::{CallRecord, ItemKind};

/// At most this many files in one download (SPEC V9).
pub const MAX_DOWNLOAD_ITEMS: usize = 50;

/// One stored file with what its media job learned: the photo view's info panel (SPEC V11).
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct ItemInfo {
    pub id: i64,
    pub room: u8,
    pub kind: ItemKind,
    pub name: String,
    pub size: u64,
    pub sha256: String,
    /// Local shooting (or creation) time, `YYYY-MM-DDTHH:MM:SS`.
    pub taken: String,
    pub width: Option<u32>,
    pub height: Option<u32>,
    pub camera: Option<String>,
    pub duration_ms: Option<u64>,
    /// The 1440 px picture, once made.
    pub preview_url: Option<String>,
    /// The file itself, served as an attachment with Range support.
    pub original_url: String,
}

/// A song of the Music tab (SPEC V12).
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct Track {
    pub id: i64,
    /// The title tag, else the file name.
    pub title: String,
    pub artist: Option<String>,
    pub album: Option<String>,
    pub duration_ms: Option<u64>,
    pub size: u64,
    /// Plays inline with Range (an `audio/*` type the browser can stream).
    pub stream_url: String,
}

/// A file of the Documents tab (SPEC V13).
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct Document {
    pub id: i64,
    pub name: String,
    /// The media type served with the file.
    pub mime: String,
    pub size: u64,
    /// The file's creation time on the phone, `YYYY-MM-DDTHH:MM:SS`.
    pub created: String,
    /// Present for PDF and plain text: opens in the browser, sandboxed.
    pub view_url: Option<String>,
}

/// A contact of the Contacts tab (SPEC V14).
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct Contact {
    pub name: String,
    /// Furigana, e.g. 「やまだ たろう」.
    pub reading: Option<String>,
    pub phones: Vec<String>,
    pub emails: Vec<String>,
}

/// An event of the Calendar tab.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct CalendarEvent {
    pub summary: String,
    /// `YYYY-MM-DD` for all-day events, else `YYYY-MM-DDTHH:MM:SS` (local).
    pub start: String,
    pub end: Option<String>,
    pub all_day: bool,
    pub location: Option<String>,
}

/// The latest contacts, calendar or call-history backup of a ROOM, parsed for reading.
/// `version` is `None` when the phone has not sent one yet.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct ContactList {
    pub version: Option<u32>,
    /// Ordered by reading (name when there is none).
    pub contacts: Vec<Contact>,
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct EventList {
    pub version: Option<u32>,
    /// Ordered by start.
    pub events: Vec<CalendarEvent>,
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct CallList {
    pub version: Option<u32>,
    /// Newest first.
    pub calls: Vec<CallRecord>,
}

/// Files to download together (SPEC V9): 1 to [`MAX_DOWNLOAD_ITEMS`] of the caller's items.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct DownloadRequest {
    pub item_ids: Vec<i64>,
}

/// A short-lived URL a plain browser download can fetch: the file itself, or a ZIP of them.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct DownloadTicket {
    pub url: String,
    pub file_name: String,
    /// Exact bytes the URL answers with.
    pub size: u64,
    /// RFC 3339.
    pub expires_at: String,
}

/// One kind of data in a ROOM: how many and how large (SPEC V18).
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct KindTotal {
    pub kind: crate::DataType,
    /// Files; for contacts, calendar and call history the entries of the latest backup.
    pub count: u64,
    pub bytes: u64,
}

/// A ROOM on the phones page (SPEC V18): its phone, capacity, last backup and what it holds.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct RoomSummary {
    pub room: u8,
    pub phone: Option<crate::RoomPhone>,
    /// The phone's storage as it last reported it.
    pub phone_free_bytes: Option<u64>,
    pub phone_total_bytes: Option<u64>,
    /// RFC 3339, `None` before the first backup.
    pub last_backup: Option<String>,
    pub stored_bytes: u64,
    pub kinds: Vec<KindTotal>,
}

/// A new name for the phone in a ROOM: 1 to 40 characters.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct RenamePhone {
    pub name: String,
}

/// Longest phone name the phones page accepts.
pub const PHONE_NAME_MAX_CHARS: usize = 40;
