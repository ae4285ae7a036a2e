//! The SQL of the items part. Every query is scoped to the caller's account.

use crate::store::db::{Db, Flag};

#[derive(sqlx::FromRow)]
pub(super) struct ListedRow {
    pub id: i64,
    pub kind: String,
    pub name: String,
    pub size: i64,
    pub sha256: String,
}

/// Up to `limit` items of a ROOM after the id `after`, of `kind` if given, by id.
pub(super) async fn list(
    db: &Db,
    user_id: i64,
    room: i64,
    kind: Option<&str>,
    after: i64,
    limit: i64,
) -> sqlx::Result<Vec<ListedRow>> {
    sqlx::query_as(
        "SELECT id, kind, name, size, sha256 FROM items
         WHERE user_id = $1 AND room = $2 AND id > $3 AND ($4 IS NULL OR kind = $5)
         ORDER BY id LIMIT $6",
    )
    .bind(user_id)
    .bind(room)
    .bind(after)
    .bind(kind)
    .bind(kind)
    .bind(limit)
    .fetch_all(db)
    .await
}

#[derive(sqlx::FromRow)]
pub(super) struct OwnedRow {
    pub kind: String,
    pub name: String,
    pub sha256: String,
}

pub(super) async fn owned(db: &Db, user_id: i64, id: i64) -> sqlx::Result<Option<OwnedRow>> {
    sqlx::query_as("SELECT kind, name, sha256 FROM items WHERE id = $1 AND user_id = $2")
        .bind(id)
        .bind(user_id)
        .fetch_optional(db)
        .await
}

/// Whether the account holds a file with this content.
pub(super) async fn holds_content(db: &Db, user_id: i64, sha256: &str) -> sqlx::Result<bool> {
    // `+user_id` keeps SQLite on the sha256 index: the (user_id, room, sha256) one would read
    // every item of the account (90 ms per thumbnail at a million items).
    let Flag(held) = sqlx::query_scalar(
        "SELECT EXISTS (SELECT 1 FROM items WHERE sha256 = $1 AND +user_id = $2)",
    )
    .bind(sha256)
    .bind(user_id)
    .fetch_one(db)
    .await?;
    Ok(held)
}

/// Deletes the item; its content's hash, if it was the account's.
pub(super) async fn delete(db: &Db, user_id: i64, id: i64) -> sqlx::Result<Option<String>> {
    sqlx::query_scalar("DELETE FROM items WHERE id = $1 AND user_id = $2 RETURNING sha256")
        .bind(id)
        .bind(user_id)
        .fetch_optional(db)
        .await
}

#[derive(sqlx::FromRow)]
pub(super) struct DetailsRow {
    pub id: i64,
    pub room: i64,
    pub kind: String,
    pub name: String,
    pub size: i64,
    pub sha256: String,
    pub local_time: i64,
    pub width: Option<i64>,
    pub height: Option<i64>,
    pub camera: Option<String>,
    pub duration_ms: Option<i64>,
    pub has_preview: Option<Flag>,
}

pub(super) async fn details(db: &Db, user_id: i64, id: i64) -> sqlx::Result<Option<DetailsRow>> {
    sqlx::query_as(
        "SELECT i.id, i.room, i.kind, i.name, i.size, i.sha256, i.local_time,
                m.width, m.height, m.camera, m.duration_ms, m.has_preview
         FROM items i LEFT JOIN media m ON m.item_id = i.id
         WHERE i.id = $1 AND i.user_id = $2",
    )
    .bind(id)
    .bind(user_id)
    .fetch_optional(db)
    .await
}

#[derive(sqlx::FromRow)]
pub(super) struct TrackRow {
    pub id: i64,
    pub title: String,
    pub artist: Option<String>,
    pub album: Option<String>,
    pub duration_ms: Option<i64>,
    pub size: i64,
}

/// By artist, album and title; untagged files by name, last.
pub(super) async fn music(db: &Db, user_id: i64, room: i64) -> sqlx::Result<Vec<TrackRow>> {
    sqlx::query_as(
        "SELECT i.id, COALESCE(NULLIF(TRIM(m.title), ''), i.name) AS title, m.artist, m.album,
                m.duration_ms, i.size
         FROM items i LEFT JOIN media m ON m.item_id = i.id
         WHERE i.user_id = $1 AND i.room = $2 AND i.kind = 'music'
         ORDER BY m.artist IS NULL, m.artist, m.album IS NULL, m.album, title, i.id",
    )
    .bind(user_id)
    .bind(room)
    .fetch_all(db)
    .await
}

#[derive(sqlx::FromRow)]
pub(super) struct DocumentRow {
    pub id: i64,
    pub name: String,
    pub size: i64,
    pub local_time: i64,
}

/// Newest first.
pub(super) async fn documents(db: &Db, user_id: i64, room: i64) -> sqlx::Result<Vec<DocumentRow>> {
    // A document's local time is its creation time on the phone: no media job changes it.
    sqlx::query_as(
        "SELECT id, name, size, local_time FROM items
         WHERE user_id = $1 AND room = $2 AND kind = 'document'
         ORDER BY local_time DESC, id DESC",
    )
    .bind(user_id)
    .bind(room)
    .fetch_all(db)
    .await
}
