//! App data backup (SPEC P1–P7): apps keep their own data under the account. So far: the
//! operator's catalog of supported apps (P6, `hako apps add|remove|list`) and each phone's
//! two switches (P2, `http.rs`); the phones' data API and the web page follow here.

mod http;
mod store;

use hako_protocol::{APP_DATA_DEFAULT_MAX_BYTES, AppDataSwitches, valid_app_id};

pub use http::router;

use crate::store::db::Db;

/// Why the catalog refused a change.
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
    #[error(transparent)]
    Store(#[from] sqlx::Error),
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
        .map(|row| CatalogApp {
            app_id: row.app_id,
            name_ja: row.name_ja,
            name_en: row.name_en,
            max_bytes: u64::try_from(row.max_bytes).unwrap_or(0),
            added_at: row.added_at,
            removed_at: row.removed_at,
        })
        .collect())
}

/// A phone's switches: as it saved them, or the defaults (on; not abroad).
pub async fn switches(db: &Db, device_id: i64) -> sqlx::Result<AppDataSwitches> {
    Ok(store::switches(db, device_id)
        .await?
        .map_or_else(AppDataSwitches::default, |row| AppDataSwitches {
            use_backup: row.use_backup.0,
            abroad: row.abroad.0,
        }))
}

pub async fn set_switches(
    db: &Db,
    device_id: i64,
    now: i64,
    switches: AppDataSwitches,
) -> sqlx::Result<()> {
    store::save_switches(db, device_id, switches.use_backup, switches.abroad, now).await
}
