//! Contacts (vCard 3.0/4.0), calendar (iCalendar) and call history (JSON) backups: each run
//! of a phone stores one version; the latest is what the viewer shows (SPEC D3, D8, T5, V14).

pub(super) mod http;
mod store;

use axum::body::Bytes;
use hako_media::records::count_entries;
use hako_protocol::{BackupKind, BackupVersion, DeviceOs, ErrorCode};

use super::LibraryError;
use crate::store::{blobs::BlobStore, db::Db};

type Result<T> = std::result::Result<T, LibraryError>;

/// A phone's whole address book or calendar stays well under this.
pub(super) const BACKUP_BODY_LIMIT: usize = 64 * 1024 * 1024;

pub(super) fn parse_kind(kind: &str) -> Result<BackupKind> {
    BackupKind::parse(kind).ok_or(LibraryError::UnknownBackupKind)
}

/// A backup a phone sends.
pub(super) struct Sent {
    pub user_id: i64,
    pub room: i64,
    pub os: DeviceOs,
    pub kind: BackupKind,
    pub body: Bytes,
    pub now: i64,
}

/// Stores a new version of a phone's contacts, calendar or call history, if it reads as one.
pub(super) async fn store(db: &Db, blobs: &BlobStore, sent: Sent) -> Result<BackupVersion> {
    let Sent {
        user_id,
        room,
        os,
        kind,
        body,
        now,
    } = sent;
    if !kind.allowed_on(os) {
        return Err(LibraryError::NotAllowedOnIphone);
    }
    let bytes = body.clone();
    // A hostile file must not stall the runtime: parse it on a blocking thread, and a parser
    // panic is a refusal, not a crash.
    let entries = tokio::task::spawn_blocking(move || count_entries(kind, &bytes))
        .await
        .unwrap_or(Err(ErrorCode::InvalidBackupFile))
        .map_err(|_| LibraryError::InvalidBackupFile)?;
    let sha256 = blobs.put_new(body.clone()).await?;
    let new = store::NewVersion {
        user_id,
        room,
        kind: kind.as_str(),
        sha256: &sha256,
        size: i64::try_from(body.len()).unwrap_or(i64::MAX),
        entries: i64::try_from(entries).unwrap_or(i64::MAX),
        created_at: now,
    };
    let version = store::insert(db, new).await?;
    Ok(BackupVersion {
        kind,
        version: u32::try_from(version).unwrap_or(u32::MAX),
        entries,
        size: body.len() as u64,
        sha256,
    })
}

/// The stored file of the ROOM's latest backup of `kind` and the name it is downloaded
/// under; not found before the first.
pub(super) async fn latest_file(
    db: &Db,
    user_id: i64,
    room: i64,
    kind: &str,
) -> Result<(String, &'static str)> {
    let kind = parse_kind(kind)?;
    let latest = store::latest(db, user_id, room, kind.as_str()).await?;
    Ok((
        latest.ok_or(LibraryError::NotFound)?.sha256,
        kind.file_name(),
    ))
}

/// The ROOM's latest backup of `kind`, read on a blocking thread; `(None, [])` before the
/// first. A stored file that no longer reads (damaged storage) is a clear error, not a panic.
pub(super) async fn latest_entries<T: Send + 'static>(
    db: &Db,
    blobs: &BlobStore,
    (user_id, room): (i64, i64),
    kind: BackupKind,
    read: fn(&[u8]) -> std::result::Result<Vec<T>, ErrorCode>,
) -> Result<(Option<u32>, Vec<T>)> {
    let Some(latest) = store::latest(db, user_id, room, kind.as_str()).await? else {
        return Ok((None, Vec::new()));
    };
    let unreadable = |cause: anyhow::Error| LibraryError::BackupUnreadable {
        what: format!("{} backup {}", kind.as_str(), latest.sha256),
        cause,
    };
    let bytes = blobs
        .read(&latest.sha256)
        .await
        .map_err(|e| unreadable(e.into()))?;
    let entries = tokio::task::spawn_blocking(move || read(&bytes))
        .await
        .map_err(|e| unreadable(e.into()))?
        .map_err(|code| unreadable(anyhow::anyhow!("{code:?}")))?;
    Ok((u32::try_from(latest.version).ok(), entries))
}
