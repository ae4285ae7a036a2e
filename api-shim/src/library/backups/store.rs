//! The SQL of the backups: one row per stored version, numbered per account, ROOM and kind.

use crate::store::db::Db;

/// A backup version about to be kept.
pub(super) struct NewVersion<'a> {
    pub user_id: i64,
    pub room: i64,
    pub kind: &'a str,
    pub sha256: &'a str,
    pub size: i64,
    pub entries: i64,
    pub created_at: i64,
}

/// Keeps the version after the newest one; its number.
pub(super) async fn insert(db: &Db, new: NewVersion<'_>) -> sqlx::Result<i64> {
    sqlx::query_scalar(
        "INSERT INTO backups (user_id, room, kind, version, sha256, size, entries, created_at)
         VALUES ($1, $2, $3,
                 (SELECT COALESCE(MAX(version), 0) + 1 FROM backups WHERE user_id = $1 AND room = $2 AND kind = $3),
                 $4, $5, $6, $7)
         RETURNING version",
    )
    .bind(new.user_id)
    .bind(new.room)
    .bind(new.kind)
    .bind(new.sha256)
    .bind(new.size)
    .bind(new.entries)
    .bind(new.created_at)
    .fetch_one(db)
    .await
}

#[derive(sqlx::FromRow)]
pub(super) struct LatestRow {
    pub version: i64,
    pub sha256: String,
}

pub(super) async fn latest(
    db: &Db,
    user_id: i64,
    room: i64,
    kind: &str,
) -> sqlx::Result<Option<LatestRow>> {
    sqlx::query_as(
        "SELECT version, sha256 FROM backups WHERE user_id = $1 AND room = $2 AND kind = $3
         ORDER BY version DESC LIMIT 1",
    )
    .bind(user_id)
    .bind(room)
    .bind(kind)
    .fetch_optional(db)
    .await
}
