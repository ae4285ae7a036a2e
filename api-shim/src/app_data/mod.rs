//! App data backup (SPEC P1–P7): apps keep their own data under the account, not a ROOM, so
//! a new phone of the account gets it back. The operator's catalog says which apps may save
//! and how much (P6); each save is a new version behind an HTTP precondition (never a silent
//! overwrite), the last five are kept (P7); each phone's two switches decide whether it saves
//! and restores at all (P2). The bytes are blobs in the blob store, like every stored file.

mod http;
mod precondition;
mod store;

use hako_media::time::rfc3339;
use hako_protocol::{
    APP_DATA_DEFAULT_MAX_BYTES, APP_DATA_KEPT_VERSIONS, AppDataEntry, AppDataSaved,
    AppDataSwitches, AppDataVersion, ErrorCode, PhoneAppDataSwitches, valid_app_id,
};

pub use http::router;
pub use precondition::Precondition;

use crate::{
    http::error::{ApiError, io_error},
    store::{blobs::BlobStore, db::Db},
};

/// Why app data, or the catalog, refused.
#[derive(Debug, thiserror::Error)]
pub enum AppDataError {
    #[error("not an app id: use a reverse-DNS name such as jp.example.mail")]
    InvalidAppId,
    #[error("an app needs a Japanese and an English name")]
    MissingName,
    #[error("the largest backup of an app must be at least 1 byte")]
    ZeroCap,
    #[error("no supported app with this id in the catalog")]
    NotInCatalog,
    #[error("the app was taken off the catalog")]
    NoLongerSupported,
    #[error("no data for this app")]
    NoData,
    #[error("empty data")]
    Empty,
    #[error("over the app's cap of {max_bytes} bytes")]
    TooLarge { max_bytes: u64 },
    /// The newest version, when there is one, is what the caller must read first.
    #[error("the precondition does not hold")]
    PreconditionFailed { current: Option<Current> },
    #[error("not a valid If-Match / If-None-Match header")]
    InvalidPrecondition,
    #[error("use app data backup is off on this phone")]
    SwitchedOff,
    #[error("the phone is abroad and backing up abroad is off")]
    AbroadOff,
    #[error("no phone in this ROOM")]
    NoPhone,
    #[error(transparent)]
    Store(#[from] sqlx::Error),
    #[error(transparent)]
    Io(#[from] std::io::Error),
    #[error(transparent)]
    Other(#[from] anyhow::Error),
}

impl From<AppDataError> for ApiError {
    fn from(error: AppDataError) -> Self {
        let code = match error {
            AppDataError::InvalidAppId => ErrorCode::InvalidAppId,
            // The catalog's own refusals come from the operator's commands, never over HTTP.
            AppDataError::MissingName | AppDataError::ZeroCap => ErrorCode::InvalidJson,
            AppDataError::NotInCatalog => ErrorCode::AppNotInCatalog,
            AppDataError::NoLongerSupported => ErrorCode::AppNoLongerSupported,
            AppDataError::NoData => ErrorCode::AppDataNotFound,
            AppDataError::Empty => ErrorCode::AppDataEmpty,
            AppDataError::TooLarge { max_bytes } => {
                return ApiError::new(ErrorCode::AppDataTooLarge).max_bytes(max_bytes);
            }
            AppDataError::PreconditionFailed { current } => {
                let error = ApiError::new(ErrorCode::AppDataPreconditionFailed);
                return match current {
                    Some(current) => error.current_version(current.etag, current.saved_at),
                    None => error,
                };
            }
            AppDataError::InvalidPrecondition => ErrorCode::InvalidPrecondition,
            AppDataError::SwitchedOff => ErrorCode::AppDataSwitchedOff,
            AppDataError::AbroadOff => ErrorCode::AppDataAbroadOff,
            AppDataError::NoPhone => ErrorCode::NotFound,
            AppDataError::Store(error) => return error.into(),
            AppDataError::Io(error) => return io_error(error),
            AppDataError::Other(error) => return error.into(),
        };
        code.into()
    }
}

type Result<T, E = AppDataError> = std::result::Result<T, E>;

/// An app's newest version, as a failed precondition names it.
#[derive(Debug)]
pub struct Current {
    pub etag: String,
    pub saved_at: String,
}

/// The phone asking to save or restore: its account, itself, and whether it says it is
/// abroad (`Hako-Abroad: 1`).
#[derive(Clone, Copy, Debug)]
pub struct Phone {
    pub user_id: i64,
    pub device_id: i64,
    pub abroad: bool,
}

/// Whether this phone's switches let it save and restore app data now (P2).
pub async fn check_switches(db: &Db, phone: Phone) -> Result<()> {
    let switches = switches(db, phone.device_id).await?;
    if !switches.use_backup {
        Err(AppDataError::SwitchedOff)
    } else if phone.abroad && !switches.abroad {
        Err(AppDataError::AbroadOff)
    } else {
        Ok(())
    }
}

/// An app as the operator describes it.
pub struct NewApp<'a> {
    pub app_id: &'a str,
    pub name_ja: &'a str,
    pub name_en: &'a str,
    /// The largest backup an app may keep; 25 MiB when not given.
    pub max_bytes: Option<u64>,
}

/// An app of the catalog.
pub struct CatalogApp {
    pub app_id: String,
    pub name_ja: String,
    pub name_en: String,
    pub max_bytes: u64,
    pub added_at: i64,
    /// When it was taken off the list; its data stays readable and deletable.
    pub removed_at: Option<i64>,
}

/// Adds an app to the catalog, or updates a listed one and brings it back into support;
/// `true` when it is new.
pub async fn add_app(db: &Db, now: i64, app: NewApp<'_>) -> Result<bool, AppDataError> {
    if !valid_app_id(app.app_id) {
        return Err(AppDataError::InvalidAppId);
    }
    let (name_ja, name_en) = (app.name_ja.trim(), app.name_en.trim());
    if name_ja.is_empty() || name_en.is_empty() {
        return Err(AppDataError::MissingName);
    }
    let max_bytes = app.max_bytes.unwrap_or(APP_DATA_DEFAULT_MAX_BYTES);
    if max_bytes == 0 {
        return Err(AppDataError::ZeroCap);
    }
    let row = store::CatalogRow {
        app_id: app.app_id.to_owned(),
        name_ja: name_ja.to_owned(),
        name_en: name_en.to_owned(),
        max_bytes: i64::try_from(max_bytes).unwrap_or(i64::MAX),
        added_at: now,
        removed_at: None,
    };
    Ok(store::upsert(db, &row).await?)
}

/// Takes an app off the list from `now` on: new backups of it are refused; what users keep
/// of it stays readable, restorable and deletable.
pub async fn remove_app(db: &Db, now: i64, app_id: &str) -> Result<(), AppDataError> {
    if store::mark_removed(db, app_id, now).await? {
        Ok(())
    } else {
        Err(AppDataError::NotInCatalog)
    }
}

/// Every app of the catalog, removed ones too, by id.
pub async fn catalog(db: &Db) -> Result<Vec<CatalogApp>, AppDataError> {
    Ok(store::all(db)
        .await?
        .into_iter()
        .map(CatalogApp::from)
        .collect())
}

impl From<store::CatalogRow> for CatalogApp {
    fn from(row: store::CatalogRow) -> Self {
        Self {
            app_id: row.app_id,
            name_ja: row.name_ja,
            name_en: row.name_en,
            max_bytes: u64::try_from(row.max_bytes).unwrap_or(0),
            added_at: row.added_at,
            removed_at: row.removed_at,
        }
    }
}

/// The strong validator of a version: its id (never reused) and the start of its content's
/// hash, so a phone can also tell two versions with the same bytes apart from a change.
fn etag(version_id: i64, sha256: &str) -> String {
    format!("\"{version_id}-{}\"", &sha256[..16.min(sha256.len())])
}

/// A kept version, as stored.
pub struct StoredVersion {
    pub id: i64,
    pub sha256: String,
    pub size: u64,
    pub saved_at: i64,
}

impl StoredVersion {
    pub fn etag(&self) -> String {
        etag(self.id, &self.sha256)
    }

    fn current(&self) -> Current {
        Current {
            etag: self.etag(),
            saved_at: rfc3339(self.saved_at),
        }
    }
}

impl From<store::VersionRow> for StoredVersion {
    fn from(row: store::VersionRow) -> Self {
        Self {
            id: row.id,
            sha256: row.sha256,
            size: u64::try_from(row.size).unwrap_or(0),
            saved_at: row.saved_at,
        }
    }
}

/// The catalog entry an app must have for a new version: listed and not removed. Its cap is
/// what a save may send.
pub async fn writable_app(db: &Db, app_id: &str) -> Result<CatalogApp> {
    if !valid_app_id(app_id) {
        return Err(AppDataError::InvalidAppId);
    }
    let app = store::catalog_app(db, app_id)
        .await?
        .ok_or(AppDataError::NotInCatalog)?;
    if app.removed_at.is_some() {
        return Err(AppDataError::NoLongerSupported);
    }
    Ok(CatalogApp::from(app))
}

/// An app's data as it arrives, held to the app's cap.
pub struct Incoming {
    bytes: Vec<u8>,
    max_bytes: u64,
}

impl Incoming {
    /// `expected`: the length the request declares, room for which is made at once.
    pub fn new(app: &CatalogApp, expected: Option<u64>) -> Self {
        let room = expected.unwrap_or(0).min(app.max_bytes);
        Self {
            bytes: Vec::with_capacity(usize::try_from(room).unwrap_or(0)),
            max_bytes: app.max_bytes,
        }
    }

    /// Takes the next chunk; over the cap, the save is refused before more is read.
    pub fn push(&mut self, chunk: &[u8]) -> Result<()> {
        if (self.bytes.len() + chunk.len()) as u64 > self.max_bytes {
            return Err(AppDataError::TooLarge {
                max_bytes: self.max_bytes,
            });
        }
        self.bytes.extend_from_slice(chunk);
        Ok(())
    }
}

/// A new version to save: the bytes a phone sent for an app it may save.
pub struct NewVersion<'a> {
    pub phone: Phone,
    pub app: &'a CatalogApp,
    pub precondition: Precondition,
    pub body: Incoming,
    pub now: i64,
}

/// Saves a new version of an app's data if the precondition holds on the newest one
/// (`true` with it when the app had no data before). The bytes are stored first, then the
/// version row is added in one write transaction, so a cut connection or a crash leaves the
/// previous version the newest, whole. Versions beyond the last five are dropped, and their
/// blobs when nothing else holds them.
pub async fn save(db: &Db, blobs: &BlobStore, new: NewVersion<'_>) -> Result<(AppDataSaved, bool)> {
    let NewVersion {
        phone,
        app,
        precondition,
        body,
        now,
    } = new;
    if body.bytes.is_empty() {
        return Err(AppDataError::Empty);
    }
    let size = body.bytes.len();
    let sha256 = blobs.put_new(body.bytes.into()).await?;
    let added = store::NewRow {
        user_id: phone.user_id,
        app_id: &app.app_id,
        sha256: &sha256,
        size: i64::try_from(size).unwrap_or(i64::MAX),
        saved_at: now,
        device_id: phone.device_id,
    };
    add_version(db, blobs, &precondition, added).await
}

/// Makes a kept version the newest again (P7): a new version with its bytes, under the same
/// precondition rules as a save.
pub async fn restore_version(
    db: &Db,
    blobs: &BlobStore,
    phone: Phone,
    app: &CatalogApp,
    version: i64,
    precondition: &Precondition,
    now: i64,
) -> Result<(AppDataSaved, bool)> {
    let old = store::version(db, phone.user_id, &app.app_id, version)
        .await?
        .ok_or(AppDataError::NoData)?;
    let added = store::NewRow {
        user_id: phone.user_id,
        app_id: &app.app_id,
        sha256: &old.sha256,
        size: old.size,
        saved_at: now,
        device_id: phone.device_id,
    };
    add_version(db, blobs, precondition, added).await
}

async fn add_version(
    db: &Db,
    blobs: &BlobStore,
    precondition: &Precondition,
    added: store::NewRow<'_>,
) -> Result<(AppDataSaved, bool)> {
    let mut tx = crate::store::db::begin_account_write(db, added.user_id).await?;
    let newest = store::newest(&mut *tx, added.user_id, added.app_id)
        .await?
        .map(StoredVersion::from);
    if !precondition.holds(newest.as_ref().map(StoredVersion::etag).as_deref()) {
        return Err(AppDataError::PreconditionFailed {
            current: newest.as_ref().map(StoredVersion::current),
        });
    }
    let id = store::insert_version(&mut tx, &added).await?;
    let dropped =
        store::drop_old_versions(&mut tx, added.user_id, added.app_id, APP_DATA_KEPT_VERSIONS)
            .await?;
    let versions = store::count_versions(&mut tx, added.user_id, added.app_id).await?;
    tx.commit().await?;
    blobs.remove_unreferenced(db, &dropped).await?;
    let saved = AppDataSaved {
        app_id: added.app_id.to_owned(),
        etag: etag(id, added.sha256),
        saved_at: rfc3339(added.saved_at),
        size: u64::try_from(added.size).unwrap_or(0),
        versions: u32::try_from(versions).unwrap_or(u32::MAX),
    };
    Ok((saved, newest.is_none()))
}

/// An app's newest version, to send back to a phone.
pub async fn newest(db: &Db, user_id: i64, app_id: &str) -> Result<StoredVersion> {
    if !valid_app_id(app_id) {
        return Err(AppDataError::InvalidAppId);
    }
    store::newest(db, user_id, app_id)
        .await?
        .map(StoredVersion::from)
        .ok_or(AppDataError::NoData)
}

/// Every app with data, by id, with its newest version (P3).
pub async fn list(db: &Db, user_id: i64) -> Result<Vec<AppDataEntry>> {
    Ok(store::entries(db, user_id)
        .await?
        .into_iter()
        .map(|row| AppDataEntry {
            etag: etag(row.version_id, &row.sha256),
            name_ja: row.name_ja.unwrap_or_else(|| row.app_id.clone()),
            name_en: row.name_en.unwrap_or_else(|| row.app_id.clone()),
            app_id: row.app_id,
            saved_at: rfc3339(row.saved_at),
            size: u64::try_from(row.size).unwrap_or(0),
            versions: u32::try_from(row.versions).unwrap_or(u32::MAX),
            supported: row.supported.0,
        })
        .collect())
}

/// An app's kept versions, newest first (P7).
pub async fn versions(db: &Db, user_id: i64, app_id: &str) -> Result<Vec<AppDataVersion>> {
    if !valid_app_id(app_id) {
        return Err(AppDataError::InvalidAppId);
    }
    let rows = store::versions(db, user_id, app_id).await?;
    if rows.is_empty() {
        return Err(AppDataError::NoData);
    }
    Ok(rows
        .into_iter()
        .enumerate()
        .map(|(i, row)| AppDataVersion {
            version: row.id,
            etag: etag(row.id, &row.sha256),
            saved_at: rfc3339(row.saved_at),
            size: u64::try_from(row.size).unwrap_or(0),
            current: i == 0,
        })
        .collect())
}

/// Deletes every version of one app's data (`Some`), or of every app (`None`, P5), in one
/// transaction; answers how many apps had data. Their blobs go when nothing else holds them.
pub async fn delete(db: &Db, blobs: &BlobStore, user_id: i64, app_id: Option<&str>) -> Result<u32> {
    if app_id.is_some_and(|id| !valid_app_id(id)) {
        return Err(AppDataError::InvalidAppId);
    }
    let mut tx = crate::store::db::begin_account_write(db, user_id).await?;
    let deleted = store::delete(&mut tx, user_id, app_id).await?;
    tx.commit().await?;
    let apps = deleted
        .iter()
        .map(|(app, _)| app.as_str())
        .collect::<std::collections::BTreeSet<_>>()
        .len();
    if app_id.is_some() && apps == 0 {
        return Err(AppDataError::NoData);
    }
    let shas: Vec<String> = deleted.into_iter().map(|(_, sha)| sha).collect();
    blobs.remove_unreferenced(db, &shas).await?;
    Ok(u32::try_from(apps).unwrap_or(u32::MAX))
}

/// Every phone of the account that holds a ROOM, with its switches (for the web page).
pub async fn phone_switches(db: &Db, user_id: i64) -> Result<Vec<PhoneAppDataSwitches>> {
    Ok(store::phone_switches(db, user_id)
        .await?
        .into_iter()
        .map(|row| PhoneAppDataSwitches {
            room: u8::try_from(row.room).unwrap_or(0),
            switches: row.switches(),
            phone_name: row.name,
        })
        .collect())
}

/// Sets the switches of the phone in one of the account's ROOMs, from the web page.
pub async fn set_room_switches(
    db: &Db,
    user_id: i64,
    room: i64,
    now: i64,
    switches: AppDataSwitches,
) -> Result<()> {
    let device_id = store::room_device(db, user_id, room)
        .await?
        .ok_or(AppDataError::NoPhone)?;
    Ok(set_switches(db, device_id, now, switches).await?)
}

/// A phone's switches: as it saved them, or the defaults (on; not abroad).
pub async fn switches(db: &Db, device_id: i64) -> sqlx::Result<AppDataSwitches> {
    Ok(store::switches(db, device_id)
        .await?
        .map_or_else(AppDataSwitches::default, |row| row.switches()))
}

pub async fn set_switches(
    db: &Db,
    device_id: i64,
    now: i64,
    switches: AppDataSwitches,
) -> sqlx::Result<()> {
    store::save_switches(db, device_id, switches.use_backup, switches.abroad, now).await
}
