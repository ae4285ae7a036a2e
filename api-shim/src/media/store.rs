//! The media job's SQL: the `media` table (one row per photo, video or song; the job queue)
//! and the item it describes.

use hako_media::Extracted;

use crate::store::db::Db;

/// The stored file a job is about.
#[derive(sqlx::FromRow)]
pub struct File {
    pub kind: String,
    pub name: String,
    pub sha256: String,
}

pub async fn file(db: &Db, item_id: i64) -> sqlx::Result<Option<File>> {
    sqlx::query_as("SELECT kind, name, sha256 FROM items WHERE id = $1")
        .bind(item_id)
        .fetch_optional(db)
        .await
}

/// Records what processing learned. A shooting date the whole file gives also corrects the
/// item's: usually what the upload's finish found already, but a bucket's file was dated by
/// its head only, so the whole file may know better.
pub async fn done(db: &Db, item_id: i64, found: &Extracted) -> sqlx::Result<()> {
    sqlx::query(
        "UPDATE media SET status = 'done', taken_at = COALESCE($1, taken_at),
            utc_offset = COALESCE($2, utc_offset), width = $3, height = $4,
            camera = $5, duration_ms = $6, title = $7, artist = $8, album = $9,
            has_thumb = $10, has_preview = $11, error = NULL
         WHERE item_id = $12",
    )
    .bind(found.shot.map(|shot| shot.taken_at))
    .bind(found.shot.and_then(|shot| shot.utc_offset))
    .bind(found.width.map(i64::from))
    .bind(found.height.map(i64::from))
    .bind(&found.camera)
    .bind(found.duration_ms)
    .bind(&found.title)
    .bind(&found.artist)
    .bind(&found.album)
    .bind(found.thumb.is_some())
    .bind(found.preview.is_some())
    .bind(item_id)
    .execute(db)
    .await?;
    if let Some(shot) = found.shot {
        sqlx::query("UPDATE items SET local_time = $1 WHERE id = $2 AND local_time <> $1")
            .bind(shot.local_time())
            .bind(item_id)
            .execute(db)
            .await?;
    }
    Ok(())
}

/// A file that cannot be decoded stays listed; the viewer shows a placeholder.
pub async fn failed(db: &Db, item_id: i64, error: &str) -> sqlx::Result<()> {
    sqlx::query("UPDATE media SET status = 'failed', error = $1 WHERE item_id = $2")
        .bind(error)
        .bind(item_id)
        .execute(db)
        .await
        .map(drop)
}
