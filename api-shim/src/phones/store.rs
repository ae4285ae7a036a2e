//! The phones area's SQL: the `devices` and `rooms` tables, what a ROOM's phone keeps
//! (`exclusions`, `phone_settings`, `inventory`), and the totals the ROOM pages show.

use hako_protocol::RegisterMode;
use sqlx::AnyConnection;

use crate::store::db::{Db, begin_account_write, hex_list};

/// The phone a device token belongs to, while the token is not revoked.
#[derive(sqlx::FromRow)]
pub struct TokenDevice {
    pub id: i64,
    pub user_id: i64,
    pub os: String,
    pub room: Option<i64>,
}

/// A signed-in phone's new row.
pub struct NewDevice<'a> {
    pub user_id: i64,
    pub token_hash: &'a [u8],
    pub name: &'a str,
    pub os: &'a str,
    pub model: &'a str,
    pub now: i64,
}

/// A ROOM and the phone registered in it.
#[derive(sqlx::FromRow)]
pub struct RoomPhone {
    pub room: i64,
    pub device_id: i64,
    pub name: String,
    pub os: String,
    pub model: String,
}

/// What a ROOM holds, as `room_totals` keeps it.
#[derive(sqlx::FromRow)]
pub struct RoomTotal {
    pub room: i64,
    pub items: i64,
    pub bytes: i64,
}

/// A ROOM's phone's storage as it last reported it, and the ROOM's last backup.
#[derive(sqlx::FromRow, Default)]
pub struct RoomState {
    pub free_bytes: Option<i64>,
    pub total_bytes: Option<i64>,
    pub last_backup_at: Option<i64>,
}

/// A count and a size for one kind of file or backup.
#[derive(sqlx::FromRow)]
pub struct KindTotal {
    pub kind: String,
    pub count: i64,
    pub bytes: i64,
}

/// What a phone reports about itself, and the files it holds now.
pub struct Report<'a> {
    pub device_id: i64,
    pub user_id: i64,
    pub room: i64,
    pub name: &'a str,
    pub model: &'a str,
    pub free_bytes: i64,
    pub total_bytes: i64,
    pub inventory: &'a [String],
    pub now: i64,
}

/// How a registration ended.
pub enum Registration {
    /// With the SHA-256s of a wiped ROOM's data, to hand to `remove_unreferenced`.
    Done { wiped: Vec<String> },
    /// The ROOM is another phone's and the mode was free-only: nothing changed.
    Occupied { rooms_held: i64 },
}

pub async fn device_by_token(db: &Db, token_hash: &[u8]) -> sqlx::Result<Option<TokenDevice>> {
    sqlx::query_as(
        "SELECT d.id, d.user_id, d.os, r.room FROM devices d
         LEFT JOIN rooms r ON r.device_id = d.id
         WHERE d.token_hash = $1 AND d.revoked_at IS NULL",
    )
    .bind(token_hash)
    .fetch_optional(db)
    .await
}

pub async fn insert_device(db: &Db, new: NewDevice<'_>) -> sqlx::Result<i64> {
    sqlx::query_scalar(
        "INSERT INTO devices (user_id, token_hash, name, os, model, created_at, last_seen_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
    )
    .bind(new.user_id)
    .bind(new.token_hash)
    .bind(new.name)
    .bind(new.os)
    .bind(new.model)
    .bind(new.now)
    .bind(new.now)
    .fetch_one(db)
    .await
}

pub async fn revoke(db: &Db, token_hash: &[u8], now: i64) -> sqlx::Result<()> {
    sqlx::query("UPDATE devices SET revoked_at = $1 WHERE token_hash = $2")
        .bind(now)
        .bind(token_hash)
        .execute(db)
        .await?;
    Ok(())
}

pub async fn room_phones(db: &Db, user_id: i64) -> sqlx::Result<Vec<RoomPhone>> {
    sqlx::query_as(
        "SELECT r.room, d.id AS device_id, d.name, d.os, d.model
         FROM rooms r JOIN devices d ON d.id = r.device_id
         WHERE r.user_id = $1",
    )
    .bind(user_id)
    .fetch_all(db)
    .await
}

pub async fn room_totals(db: &Db, user_id: i64) -> sqlx::Result<Vec<RoomTotal>> {
    sqlx::query_as("SELECT room, items, bytes FROM room_totals WHERE user_id = $1")
        .bind(user_id)
        .fetch_all(db)
        .await
}

/// Registers the phone in the ROOM in one transaction; a phone holds one ROOM, so it leaves
/// its old one free (that ROOM's data stays). Another phone's ROOM is taken over, wiped
/// first, or left alone, as `mode` says.
pub async fn register(
    db: &Db,
    user_id: i64,
    device_id: i64,
    room: i64,
    mode: RegisterMode,
    now: i64,
) -> sqlx::Result<Registration> {
    let mut tx = begin_account_write(db, user_id).await?;
    let occupant: Option<i64> =
        sqlx::query_scalar("SELECT device_id FROM rooms WHERE user_id = $1 AND room = $2")
            .bind(user_id)
            .bind(room)
            .fetch_optional(&mut *tx)
            .await?;
    let mut wiped = Vec::new();
    if occupant.is_some() {
        match mode {
            RegisterMode::FreeOnly => {
                let rooms_held: i64 =
                    sqlx::query_scalar("SELECT COUNT(*) FROM rooms WHERE user_id = $1")
                        .bind(user_id)
                        .fetch_one(&mut *tx)
                        .await?;
                return Ok(Registration::Occupied { rooms_held });
            }
            RegisterMode::TakeOver => {}
            RegisterMode::Wipe => wiped = wipe_room(&mut tx, user_id, room).await?,
        }
    }
    sqlx::query("DELETE FROM rooms WHERE device_id = $1")
        .bind(device_id)
        .execute(&mut *tx)
        .await?;
    sqlx::query(
        "INSERT INTO rooms (user_id, room, device_id, registered_at) VALUES ($1, $2, $3, $4)
         ON CONFLICT (user_id, room) DO UPDATE SET device_id = excluded.device_id,
            registered_at = excluded.registered_at",
    )
    .bind(user_id)
    .bind(room)
    .bind(device_id)
    .bind(now)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(Registration::Done { wiped })
}

/// Deletes a ROOM's files, backups and phone state (not the ROOM's phone), inside the
/// caller's transaction. Returns the SHA-256s to hand to `BlobStore::remove_unreferenced`
/// once the transaction is committed.
pub async fn wipe_room(
    conn: &mut AnyConnection,
    user_id: i64,
    room: i64,
) -> sqlx::Result<Vec<String>> {
    let mut wiped: Vec<String> =
        sqlx::query_scalar("DELETE FROM items WHERE user_id = $1 AND room = $2 RETURNING sha256")
            .bind(user_id)
            .bind(room)
            .fetch_all(&mut *conn)
            .await?;
    let backups: Vec<String> =
        sqlx::query_scalar("DELETE FROM backups WHERE user_id = $1 AND room = $2 RETURNING sha256")
            .bind(user_id)
            .bind(room)
            .fetch_all(&mut *conn)
            .await?;
    wiped.extend(backups);
    for table in ["exclusions", "phone_settings", "inventory"] {
        sqlx::query(&format!(
            "DELETE FROM {table} WHERE user_id = $1 AND room = $2"
        ))
        .bind(user_id)
        .bind(room)
        .execute(&mut *conn)
        .await?;
    }
    Ok(wiped)
}

/// Wipes the ROOM and frees it, in one transaction. Returns the wiped SHA-256s.
pub async fn reset_room(db: &Db, user_id: i64, room: i64) -> sqlx::Result<Vec<String>> {
    let mut tx = begin_account_write(db, user_id).await?;
    let wiped = wipe_room(&mut tx, user_id, room).await?;
    sqlx::query("DELETE FROM rooms WHERE user_id = $1 AND room = $2")
        .bind(user_id)
        .bind(room)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(wiped)
}

pub async fn room_state(db: &Db, user_id: i64, room: i64) -> sqlx::Result<Option<RoomState>> {
    sqlx::query_as(
        "SELECT d.free_bytes, d.total_bytes, r.last_backup_at FROM rooms r
         JOIN devices d ON d.id = r.device_id WHERE r.user_id = $1 AND r.room = $2",
    )
    .bind(user_id)
    .bind(room)
    .fetch_optional(db)
    .await
}

/// Files per kind in the ROOM.
pub async fn item_totals(db: &Db, user_id: i64, room: i64) -> sqlx::Result<Vec<KindTotal>> {
    sqlx::query_as(
        "SELECT kind, COUNT(*) AS count, CAST(COALESCE(SUM(size), 0) AS BIGINT) AS bytes
         FROM items WHERE user_id = $1 AND room = $2 GROUP BY kind",
    )
    .bind(user_id)
    .bind(room)
    .fetch_all(db)
    .await
}

/// The latest version of each backup kind in the ROOM: its entries and size.
pub async fn backup_totals(db: &Db, user_id: i64, room: i64) -> sqlx::Result<Vec<KindTotal>> {
    sqlx::query_as(
        "SELECT kind, entries AS count, size AS bytes FROM backups b WHERE user_id = $1 AND room = $2
           AND version = (SELECT MAX(version) FROM backups WHERE user_id = b.user_id AND room = b.room AND kind = b.kind)",
    )
    .bind(user_id)
    .bind(room)
    .fetch_all(db)
    .await
}

/// Renames the phone registered in the ROOM; false when there is none.
pub async fn rename_room_phone(db: &Db, user_id: i64, room: i64, name: &str) -> sqlx::Result<bool> {
    let renamed = sqlx::query(
        "UPDATE devices SET name = $1 WHERE id = (SELECT device_id FROM rooms WHERE user_id = $2 AND room = $3)",
    )
    .bind(name)
    .bind(user_id)
    .bind(room)
    .execute(db)
    .await?
    .rows_affected();
    Ok(renamed > 0)
}

/// Those of `hashes` (checked lower-case hex) that the ROOM holds, run together: 64
/// characters each, in no particular order.
///
/// One statement for the whole batch. The hashes are bound as one text value that the
/// database splits ([`crate::store::db::hex_list`]), and each is looked up in the
/// `(user_id, room, sha256)` index, so the cost follows the batch, not the ROOM's size. They
/// go in sorted, so SQLite's look-ups walk the index in order, and the answer comes back as a
/// single aggregated value, not one row per hash (each row costs a hand-over between sqlx's
/// SQLite thread and the server's).
///
/// Not an `IN ($3, …, $5002)` list per 5,000 hashes: SQLite takes `$N` for a *named*
/// parameter and, while preparing, looks each name up in the list of those before it, so a
/// statement of n of them costs n²/2 comparisons (0.7–1.8 s for 100,000 hashes).
pub async fn held_in_room(
    db: &Db,
    user_id: i64,
    room: i64,
    hashes: &[String],
) -> sqlx::Result<String> {
    let mut sorted: Vec<&str> = hashes.iter().map(String::as_str).collect();
    sorted.sort_unstable();
    sorted.dedup();
    let list = hex_list(db, 3, &sorted);
    let sql = format!(
        "SELECT {joined}({column}, '') FROM {rows}
         WHERE EXISTS (SELECT 1 FROM items WHERE user_id = $1 AND room = $2 AND sha256 = {column})",
        joined = list.joined,
        column = list.column,
        rows = list.rows,
    );
    // Not a cached prepared statement: PostgreSQL would soon plan it once for any batch,
    // guessing 10 hashes, and probe the index once per hash (100 ms for 100,000 in an empty
    // ROOM, 10 ms with the batch's own plan).
    let held: Option<String> = sqlx::query_scalar(&sql)
        .persistent(false)
        .bind(user_id)
        .bind(room)
        .bind(list.bound)
        .fetch_one(db)
        .await?;
    Ok(held.unwrap_or_default())
}

pub async fn exclusions(db: &Db, user_id: i64, room: i64) -> sqlx::Result<Vec<String>> {
    sqlx::query_scalar(
        "SELECT sha256 FROM exclusions WHERE user_id = $1 AND room = $2 ORDER BY sha256",
    )
    .bind(user_id)
    .bind(room)
    .fetch_all(db)
    .await
}

/// Marks the files excluded, or lifts the mark, in one transaction.
pub async fn set_excluded(
    db: &Db,
    user_id: i64,
    room: i64,
    sha256: &[String],
    excluded: bool,
) -> sqlx::Result<()> {
    let sql = if excluded {
        "INSERT INTO exclusions (user_id, room, sha256) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING"
    } else {
        "DELETE FROM exclusions WHERE user_id = $1 AND room = $2 AND sha256 = $3"
    };
    let mut tx = begin_account_write(db, user_id).await?;
    for sha in sha256 {
        sqlx::query(sql)
            .bind(user_id)
            .bind(room)
            .bind(sha)
            .execute(&mut *tx)
            .await?;
    }
    tx.commit().await
}

/// The phone's settings as JSON, if it saved any.
pub async fn settings(db: &Db, user_id: i64, room: i64) -> sqlx::Result<Option<String>> {
    sqlx::query_scalar("SELECT settings FROM phone_settings WHERE user_id = $1 AND room = $2")
        .bind(user_id)
        .bind(room)
        .fetch_optional(db)
        .await
}

pub async fn save_settings(db: &Db, user_id: i64, room: i64, json: &str) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO phone_settings (user_id, room, settings) VALUES ($1, $2, $3)
         ON CONFLICT (user_id, room) DO UPDATE SET settings = excluded.settings",
    )
    .bind(user_id)
    .bind(room)
    .bind(json)
    .execute(db)
    .await?;
    Ok(())
}

/// Stores the report and replaces the ROOM's inventory with it, in one transaction.
pub async fn save_report(db: &Db, report: Report<'_>) -> sqlx::Result<()> {
    let mut tx = begin_account_write(db, report.user_id).await?;
    sqlx::query(
        "UPDATE devices SET name = $1, model = $2, free_bytes = $3, total_bytes = $4, reported_at = $5 WHERE id = $6",
    )
    .bind(report.name)
    .bind(report.model)
    .bind(report.free_bytes)
    .bind(report.total_bytes)
    .bind(report.now)
    .bind(report.device_id)
    .execute(&mut *tx)
    .await?;
    sqlx::query("DELETE FROM inventory WHERE user_id = $1 AND room = $2")
        .bind(report.user_id)
        .bind(report.room)
        .execute(&mut *tx)
        .await?;
    for sha in report.inventory {
        sqlx::query(
            "INSERT INTO inventory (user_id, room, sha256) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
        )
        .bind(report.user_id)
        .bind(report.room)
        .bind(sha)
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await
}
