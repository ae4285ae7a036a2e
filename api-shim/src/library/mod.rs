//! The library area: what a ROOM holds and how it comes back (SPEC D4, V3–V14, L3). Each part
//! keeps its rules in `mod.rs` (plain data in and out, [`LibraryError`] out), its SQL in
//! `store.rs` and its handlers in `http.rs`; the parts do not call each other.
//!
//! - `items`: lists, originals, pictures, deleting, an item's details, the Music and
//!   Documents tabs, playing and viewing in the browser
//! - `timeline`: months with per-day counts, a month's items page by page
//! - `backups`: contacts, calendar and call-history versions, the latest read for the viewer
//! - `downloads`: tickets for one file or a ZIP of up to 50, streamed with Range

mod backups;
pub mod downloads;
pub(crate) mod http;
mod items;
mod timeline;

use hako_protocol::ErrorCode;

use crate::{corp, http::error::ApiError, phones::Caller, store::db::Db};

/// A phone reading its library is restoring: its line must allow the backup function
/// (SPEC C10). The web viewer reads freely.
pub(crate) async fn restoring(db: &Db, caller: &Caller) -> Result<(), ApiError> {
    if caller.device.is_some() {
        corp::check_function(db, caller.user_id, corp::Function::Backup).await?;
    }
    Ok(())
}

/// Why a library rule refused or failed. The HTTP edge turns it into an [`ErrorCode`] in
/// `From<LibraryError> for ApiError`, the one place that mapping is written.
#[derive(Debug, thiserror::Error)]
pub(crate) enum LibraryError {
    #[error("no such item, backup or ticket of this account")]
    NotFound,
    #[error("a cursor or filter that does not parse")]
    InvalidQuery,
    #[error("no such backup kind")]
    UnknownBackupKind,
    #[error("call history from an iPhone")]
    NotAllowedOnIphone,
    #[error("not a valid file of that backup kind")]
    InvalidBackupFile,
    #[error("the stored {what} cannot be read")]
    BackupUnreadable {
        what: String,
        #[source]
        cause: anyhow::Error,
    },
    #[error("more than 50 files in one download")]
    TooManyDownloadItems,
    #[error("a download of no files, or of one file twice")]
    InvalidDownloadRequest,
    #[error("the download ticket expired")]
    DownloadExpired,
    #[error(transparent)]
    Database(#[from] sqlx::Error),
    /// Reading or writing stored files; a full disk is told apart.
    #[error(transparent)]
    Storage(#[from] std::io::Error),
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

impl From<LibraryError> for ApiError {
    fn from(error: LibraryError) -> Self {
        let code = match &error {
            LibraryError::NotFound => ErrorCode::NotFound,
            LibraryError::InvalidQuery => ErrorCode::InvalidQuery,
            LibraryError::UnknownBackupKind => ErrorCode::UnknownBackupKind,
            LibraryError::NotAllowedOnIphone => ErrorCode::TypeNotAllowedOnIphone,
            LibraryError::InvalidBackupFile => ErrorCode::InvalidBackupFile,
            LibraryError::TooManyDownloadItems => ErrorCode::TooManyDownloadItems,
            LibraryError::InvalidDownloadRequest => ErrorCode::InvalidDownloadRequest,
            LibraryError::DownloadExpired => ErrorCode::DownloadExpired,
            LibraryError::BackupUnreadable { .. } => {
                return ApiError::new(ErrorCode::BackupUnreadable)
                    .because(anyhow::Error::from(error));
            }
            LibraryError::Storage(e) if e.kind() == std::io::ErrorKind::StorageFull => {
                ErrorCode::StorageFull
            }
            LibraryError::Database(_) | LibraryError::Storage(_) | LibraryError::Internal(_) => {
                return anyhow::Error::from(error).into();
            }
        };
        ApiError::new(code)
    }
}

/// A count or size the database keeps as a signed integer, as the wire's unsigned type.
fn non_negative<T: TryFrom<i64>>(value: Option<i64>) -> Option<T> {
    value.and_then(|v| T::try_from(v).ok())
}
