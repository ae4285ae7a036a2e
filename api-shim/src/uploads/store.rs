//! The uploads area's SQL: the `uploads` and `upload_parts` tables, and the one transaction
//! that turns a complete upload into an item.

use crate::store::db::{Db, Flag, begin_account_write};

/// An unfinished upload as recorded.
#[derive(sqlx::FromRow)]
pub struct Upload {
    pub id: String,
    pub user_id: i64,
    pub room: i64,
    pub kind: String,
    pub name: String,
    pub sha256: String,
    pub length: i64,
    pub offset: i64,
    pub hash_state: Vec<u8>,
    pub file_created_at: i64,
    pub expires_at: i64,
    /// The bucket's multipart upload, when files go to a bucket.
    pub multipart_id: Option<String>,
    /// Bytes received that do not fill a part yet (bucket only).
    pub tail: Option<Vec<u8>>,
}

const UPLOAD_COLUMNS: &str =
    "id, user_id, room, kind, name, sha256, length, \"offset\", hash_state,
    file_created_at, expires_at, multipart_id, tail";

/// A new upload's row.
pub struct NewUpload<'a> {
    pub id: &'a str,
    pub user_id: i64,
    pub device_id: i64,
    pub room: i64,
    pub kind: &'a str,
    pub name: &'a str,
    pub sha256: &'a str,
    pub length: i64,
    pub hash_state: Vec<u8>,
    pub file_created_at: i64,
    pub expires_at: i64,
    pub multipart_id: Option<String>,
}

/// What counts against an account's limits (SPEC L1, L2).
#[derive(sqlx::FromRow)]
pub struct Usage {
    /// Uploaded this month.
    pub month_bytes: i64,
    pub stored_bytes: i64,
    /// Uploads in progress count as if finished, so parallel uploads cannot pass a limit
    /// together.
    pub pending_bytes: i64,
    pub member_type: String,
}

/// The item a complete upload becomes, with its shooting date when one was read.
pub struct NewItem<'a> {
    pub upload: &'a Upload,
    pub now: i64,
    pub month: &'a str,
    pub local_time: i64,
    pub taken_at: Option<i64>,
    pub utc_offset: Option<i32>,
    /// Photos, videos and music are queued for the media worker in the same transaction:
    /// the file is never visible without its job.
    pub media_job: bool,
}

pub async fn already_stored(db: &Db, user_id: i64, room: i64, sha256: &str) -> sqlx::Result<bool> {
    let Flag(held) = sqlx::query_scalar(
        "SELECT EXISTS (SELECT 1 FROM items WHERE user_id = $1 AND room = $2 AND sha256 = $3)",
    )
    .bind(user_id)
    .bind(room)
    .bind(sha256)
    .fetch_one(db)
    .await?;
    Ok(held)
}

pub async fn usage(db: &Db, user_id: i64, month: &str) -> sqlx::Result<Usage> {
    sqlx::query_as(
        "SELECT
        COALESCE((SELECT bytes FROM upload_volume WHERE user_id = $1 AND month = $2), 0) AS month_bytes,
        CAST(COALESCE((SELECT SUM(bytes) FROM room_totals WHERE user_id = $1), 0) AS BIGINT) AS stored_bytes,
        CAST(COALESCE((SELECT SUM(length) FROM uploads WHERE user_id = $1), 0) AS BIGINT) AS pending_bytes,
        (SELECT member_type FROM users WHERE id = $1) AS member_type",
    )
    .bind(user_id)
    .bind(month)
    .fetch_one(db)
    .await
}

pub async fn insert(db: &Db, new: NewUpload<'_>) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO uploads (id, user_id, device_id, room, kind, name, sha256, length, \"offset\",
                              hash_state, file_created_at, expires_at, multipart_id)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 0, $9, $10, $11, $12)",
    )
    .bind(new.id)
    .bind(new.user_id)
    .bind(new.device_id)
    .bind(new.room)
    .bind(new.kind)
    .bind(new.name)
    .bind(new.sha256)
    .bind(new.length)
    .bind(new.hash_state)
    .bind(new.file_created_at)
    .bind(new.expires_at)
    .bind(new.multipart_id)
    .execute(db)
    .await
    .map(drop)
}

/// An upload of this phone (another account's, or another phone's, is not found).
pub async fn of_device(db: &Db, device_id: i64, id: &str) -> sqlx::Result<Option<Upload>> {
    sqlx::query_as(&format!(
        "SELECT {UPLOAD_COLUMNS} FROM uploads WHERE id = $1 AND device_id = $2"
    ))
    .bind(id)
    .bind(device_id)
    .fetch_optional(db)
    .await
}

pub async fn expired(db: &Db, now: i64) -> sqlx::Result<Vec<Upload>> {
    sqlx::query_as(&format!(
        "SELECT {UPLOAD_COLUMNS} FROM uploads WHERE expires_at <= $1"
    ))
    .bind(now)
    .fetch_all(db)
    .await
}

/// ETags of the parts sent so far, in order.
pub async fn part_etags(db: &Db, upload_id: &str) -> sqlx::Result<Vec<String>> {
    sqlx::query_scalar("SELECT etag FROM upload_parts WHERE upload_id = $1 ORDER BY part_number")
        .bind(upload_id)
        .fetch_all(db)
        .await
}

/// What one PATCH moved an upload forward by.
pub struct Progress<'a> {
    pub user_id: i64,
    pub from_offset: i64,
    pub offset: i64,
    pub hash_state: Vec<u8>,
    pub expires_at: i64,
    pub tail: Option<Vec<u8>>,
    pub first_new_part: usize,
    pub new_parts: &'a [String],
}

/// Records a PATCH's bytes; `false` when a PATCH on another instance recorded its bytes
/// first (the offset it started from has moved).
pub async fn record_progress(db: &Db, id: &str, progress: Progress<'_>) -> sqlx::Result<bool> {
    let mut tx = begin_account_write(db, progress.user_id).await?;
    let recorded = sqlx::query(
        "UPDATE uploads SET \"offset\" = $1, hash_state = $2, expires_at = $3, tail = $4
         WHERE id = $5 AND \"offset\" = $6",
    )
    .bind(progress.offset)
    .bind(progress.hash_state)
    .bind(progress.expires_at)
    .bind(progress.tail)
    .bind(id)
    .bind(progress.from_offset)
    .execute(&mut *tx)
    .await?;
    if recorded.rows_affected() == 0 {
        return Ok(false);
    }
    for (n, etag) in progress.new_parts.iter().enumerate() {
        sqlx::query("INSERT INTO upload_parts (upload_id, part_number, etag) VALUES ($1, $2, $3)")
            .bind(id)
            .bind(i64::try_from(progress.first_new_part + n).unwrap_or(i64::MAX))
            .bind(etag)
            .execute(&mut *tx)
            .await?;
    }
    tx.commit().await?;
    Ok(true)
}

/// In one transaction: the item, the month's volume, the ROOM's last backup, the media job,
/// and the upload gone.
pub async fn make_item(db: &Db, new: NewItem<'_>) -> sqlx::Result<()> {
    let upload = new.upload;
    let mut tx = begin_account_write(db, upload.user_id).await?;
    sqlx::query(
        "INSERT INTO items (user_id, room, kind, sha256, size, name, created_at, uploaded_at, local_time)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (user_id, room, sha256) DO NOTHING",
    )
    .bind(upload.user_id)
    .bind(upload.room)
    .bind(&upload.kind)
    .bind(&upload.sha256)
    .bind(upload.length)
    .bind(&upload.name)
    .bind(upload.file_created_at)
    .bind(new.now)
    .bind(new.local_time)
    .execute(&mut *tx)
    .await?;
    sqlx::query(
        "INSERT INTO upload_volume (user_id, month, bytes) VALUES ($1, $2, $3)
         ON CONFLICT (user_id, month) DO UPDATE SET bytes = upload_volume.bytes + excluded.bytes",
    )
    .bind(upload.user_id)
    .bind(new.month)
    .bind(upload.length)
    .execute(&mut *tx)
    .await?;
    sqlx::query("UPDATE rooms SET last_backup_at = $1 WHERE user_id = $2 AND room = $3")
        .bind(new.now)
        .bind(upload.user_id)
        .bind(upload.room)
        .execute(&mut *tx)
        .await?;
    if new.media_job {
        sqlx::query(
            "INSERT INTO media (item_id, taken_at, utc_offset)
             SELECT id, $4, $5 FROM items WHERE user_id = $1 AND room = $2 AND sha256 = $3
             ON CONFLICT (item_id) DO NOTHING",
        )
        .bind(upload.user_id)
        .bind(upload.room)
        .bind(&upload.sha256)
        .bind(new.taken_at)
        .bind(new.utc_offset)
        .execute(&mut *tx)
        .await?;
    }
    sqlx::query("DELETE FROM uploads WHERE id = $1")
        .bind(&upload.id)
        .execute(&mut *tx)
        .await?;
    tx.commit().await
}

pub async fn delete(db: &Db, id: &str) -> sqlx::Result<()> {
    sqlx::query("DELETE FROM uploads WHERE id = $1")
        .bind(id)
        .execute(db)
        .await
        .map(drop)
}
