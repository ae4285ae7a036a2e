//! The app data area's SQL: the operator's catalog of apps (`app_catalog`), the kept versions
//! of each account's apps' data (`app_data_versions`, the newest the highest id), and each
//! phone's switches (`app_data_switches`).

use hako_protocol::AppDataSwitches;
use sqlx::{Any, AnyConnection, Executor};

use crate::store::db::{Db, Flag};

/// An app of the catalog, supported or removed.
#[derive(sqlx::FromRow)]
pub struct CatalogRow {
    pub app_id: String,
    pub name_ja: String,
    pub name_en: String,
    pub max_bytes: i64,
    pub added_at: i64,
    pub removed_at: Option<i64>,
}

/// Adds an app, or brings a listed one up to date (names, cap) and back into support;
/// `true` when it was not listed before.
pub async fn upsert(db: &Db, app: &CatalogRow) -> sqlx::Result<bool> {
    let known: Option<String> =
        sqlx::query_scalar("SELECT app_id FROM app_catalog WHERE app_id = $1")
            .bind(&app.app_id)
            .fetch_optional(db)
            .await?;
    sqlx::query(
        "INSERT INTO app_catalog (app_id, name_ja, name_en, max_bytes, added_at, removed_at)
         VALUES ($1, $2, $3, $4, $5, NULL)
         ON CONFLICT (app_id) DO UPDATE SET name_ja = excluded.name_ja,
            name_en = excluded.name_en, max_bytes = excluded.max_bytes, removed_at = NULL",
    )
    .bind(&app.app_id)
    .bind(&app.name_ja)
    .bind(&app.name_en)
    .bind(app.max_bytes)
    .bind(app.added_at)
    .execute(db)
    .await?;
    Ok(known.is_none())
}

/// Marks a supported app removed; `false` when there is no such supported app.
pub async fn mark_removed(db: &Db, app_id: &str, now: i64) -> sqlx::Result<bool> {
    let changed = sqlx::query(
        "UPDATE app_catalog SET removed_at = $1 WHERE app_id = $2 AND removed_at IS NULL",
    )
    .bind(now)
    .bind(app_id)
    .execute(db)
    .await?;
    Ok(changed.rows_affected() == 1)
}

pub async fn catalog_app(db: &Db, app_id: &str) -> sqlx::Result<Option<CatalogRow>> {
    sqlx::query_as(
        "SELECT app_id, name_ja, name_en, max_bytes, added_at, removed_at
         FROM app_catalog WHERE app_id = $1",
    )
    .bind(app_id)
    .fetch_optional(db)
    .await
}

pub async fn all(db: &Db) -> sqlx::Result<Vec<CatalogRow>> {
    sqlx::query_as(
        "SELECT app_id, name_ja, name_en, max_bytes, added_at, removed_at
         FROM app_catalog ORDER BY app_id",
    )
    .fetch_all(db)
    .await
}

/// A kept version of an app's data.
#[derive(sqlx::FromRow)]
pub struct VersionRow {
    pub id: i64,
    pub sha256: String,
    pub size: i64,
    pub saved_at: i64,
}

/// A version to add.
pub struct NewRow<'a> {
    pub user_id: i64,
    pub app_id: &'a str,
    pub sha256: &'a str,
    pub size: i64,
    pub saved_at: i64,
    pub device_id: i64,
}

const VERSION_COLUMNS: &str = "id, sha256, size, saved_at";

pub async fn newest<'e>(
    db: impl Executor<'e, Database = Any>,
    user_id: i64,
    app_id: &str,
) -> sqlx::Result<Option<VersionRow>> {
    sqlx::query_as(&format!(
        "SELECT {VERSION_COLUMNS} FROM app_data_versions WHERE user_id = $1 AND app_id = $2
         ORDER BY id DESC LIMIT 1"
    ))
    .bind(user_id)
    .bind(app_id)
    .fetch_optional(db)
    .await
}

pub async fn version(
    db: &Db,
    user_id: i64,
    app_id: &str,
    id: i64,
) -> sqlx::Result<Option<VersionRow>> {
    sqlx::query_as(&format!(
        "SELECT {VERSION_COLUMNS} FROM app_data_versions
         WHERE user_id = $1 AND app_id = $2 AND id = $3"
    ))
    .bind(user_id)
    .bind(app_id)
    .bind(id)
    .fetch_optional(db)
    .await
}

/// An app's kept versions, newest first.
pub async fn versions(db: &Db, user_id: i64, app_id: &str) -> sqlx::Result<Vec<VersionRow>> {
    sqlx::query_as(&format!(
        "SELECT {VERSION_COLUMNS} FROM app_data_versions WHERE user_id = $1 AND app_id = $2
         ORDER BY id DESC"
    ))
    .bind(user_id)
    .bind(app_id)
    .fetch_all(db)
    .await
}

/// Adds a version; answers its id.
pub async fn insert_version(conn: &mut AnyConnection, new: &NewRow<'_>) -> sqlx::Result<i64> {
    sqlx::query_scalar(
        "INSERT INTO app_data_versions (user_id, app_id, sha256, size, saved_at, device_id)
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
    )
    .bind(new.user_id)
    .bind(new.app_id)
    .bind(new.sha256)
    .bind(new.size)
    .bind(new.saved_at)
    .bind(new.device_id)
    .fetch_one(conn)
    .await
}

/// Drops an app's versions older than the newest `keep`; answers their blobs' hashes.
pub async fn drop_old_versions(
    conn: &mut AnyConnection,
    user_id: i64,
    app_id: &str,
    keep: usize,
) -> sqlx::Result<Vec<String>> {
    sqlx::query_scalar(
        "DELETE FROM app_data_versions WHERE user_id = $1 AND app_id = $2 AND id NOT IN
            (SELECT id FROM app_data_versions WHERE user_id = $1 AND app_id = $2
             ORDER BY id DESC LIMIT $3)
         RETURNING sha256",
    )
    .bind(user_id)
    .bind(app_id)
    .bind(i64::try_from(keep).unwrap_or(i64::MAX))
    .fetch_all(conn)
    .await
}

pub async fn count_versions(
    conn: &mut AnyConnection,
    user_id: i64,
    app_id: &str,
) -> sqlx::Result<i64> {
    sqlx::query_scalar("SELECT COUNT(*) FROM app_data_versions WHERE user_id = $1 AND app_id = $2")
        .bind(user_id)
        .bind(app_id)
        .fetch_one(conn)
        .await
}

/// Deletes one app's versions, or every app's (`None`); answers each deleted version's app
/// and blob.
pub async fn delete(
    conn: &mut AnyConnection,
    user_id: i64,
    app_id: Option<&str>,
) -> sqlx::Result<Vec<(String, String)>> {
    sqlx::query_as(
        "DELETE FROM app_data_versions WHERE user_id = $1 AND ($2 IS NULL OR app_id = $2)
         RETURNING app_id, sha256",
    )
    .bind(user_id)
    .bind(app_id)
    .fetch_all(conn)
    .await
}

/// An app with data, as listed: its newest version, how many are kept, its catalog entry.
#[derive(sqlx::FromRow)]
pub struct EntryRow {
    pub app_id: String,
    pub name_ja: Option<String>,
    pub name_en: Option<String>,
    pub supported: Flag,
    pub version_id: i64,
    pub sha256: String,
    pub size: i64,
    pub saved_at: i64,
    pub versions: i64,
}

pub async fn entries(db: &Db, user_id: i64) -> sqlx::Result<Vec<EntryRow>> {
    sqlx::query_as(
        "SELECT v.app_id, c.name_ja, c.name_en,
                (c.app_id IS NOT NULL AND c.removed_at IS NULL) AS supported,
                v.id AS version_id, v.sha256, v.size, v.saved_at, n.versions
         FROM (SELECT app_id, MAX(id) AS newest, COUNT(*) AS versions
               FROM app_data_versions WHERE user_id = $1 GROUP BY app_id) n
         JOIN app_data_versions v ON v.id = n.newest
         LEFT JOIN app_catalog c ON c.app_id = v.app_id
         ORDER BY v.app_id",
    )
    .bind(user_id)
    .fetch_all(db)
    .await
}

/// A phone's switches as saved.
#[derive(sqlx::FromRow)]
pub struct SwitchesRow {
    pub use_backup: Flag,
    pub abroad: Flag,
}

impl SwitchesRow {
    pub fn switches(&self) -> AppDataSwitches {
        AppDataSwitches {
            use_backup: self.use_backup.0,
            abroad: self.abroad.0,
        }
    }
}

/// A phone in one of the account's ROOMs, with its switches (the defaults when never set).
#[derive(sqlx::FromRow)]
pub struct PhoneSwitchesRow {
    pub room: i64,
    pub name: String,
    pub use_backup: Option<Flag>,
    pub abroad: Option<Flag>,
}

impl PhoneSwitchesRow {
    pub fn switches(&self) -> AppDataSwitches {
        let defaults = AppDataSwitches::default();
        AppDataSwitches {
            use_backup: self.use_backup.map_or(defaults.use_backup, |flag| flag.0),
            abroad: self.abroad.map_or(defaults.abroad, |flag| flag.0),
        }
    }
}

pub async fn phone_switches(db: &Db, user_id: i64) -> sqlx::Result<Vec<PhoneSwitchesRow>> {
    sqlx::query_as(
        "SELECT r.room, d.name, s.use_backup, s.abroad
         FROM rooms r JOIN devices d ON d.id = r.device_id
         LEFT JOIN app_data_switches s ON s.device_id = d.id
         WHERE r.user_id = $1 ORDER BY r.room",
    )
    .bind(user_id)
    .fetch_all(db)
    .await
}

/// The phone in a ROOM of the account.
pub async fn room_device(db: &Db, user_id: i64, room: i64) -> sqlx::Result<Option<i64>> {
    sqlx::query_scalar("SELECT device_id FROM rooms WHERE user_id = $1 AND room = $2")
        .bind(user_id)
        .bind(room)
        .fetch_optional(db)
        .await
}

pub async fn switches(db: &Db, device_id: i64) -> sqlx::Result<Option<SwitchesRow>> {
    sqlx::query_as("SELECT use_backup, abroad FROM app_data_switches WHERE device_id = $1")
        .bind(device_id)
        .fetch_optional(db)
        .await
}

pub async fn save_switches(
    db: &Db,
    device_id: i64,
    use_backup: bool,
    abroad: bool,
    now: i64,
) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO app_data_switches (device_id, use_backup, abroad, changed_at)
         VALUES ($1, $2, $3, $4)
         ON CONFLICT (device_id) DO UPDATE SET use_backup = excluded.use_backup,
            abroad = excluded.abroad, changed_at = excluded.changed_at",
    )
    .bind(device_id)
    .bind(use_backup)
    .bind(abroad)
    .bind(now)
    .execute(db)
    .await
    .map(drop)
}
