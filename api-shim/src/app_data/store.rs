//! The app data area's SQL: the operator's catalog of apps (`app_catalog`).

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

pub async fn all(db: &Db) -> sqlx::Result<Vec<CatalogRow>> {
    sqlx::query_as(
        "SELECT app_id, name_ja, name_en, max_bytes, added_at, removed_at
         FROM app_catalog ORDER BY app_id",
    )
    .fetch_all(db)
    .await
}

/// A phone's switches as saved.
#[derive(sqlx::FromRow)]
pub struct SwitchesRow {
    pub use_backup: Flag,
    pub abroad: Flag,
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
