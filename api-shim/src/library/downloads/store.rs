//! The SQL of downloads: tickets, and the items they name.

use crate::store::db::{Db, params};

#[derive(sqlx::FromRow)]
pub(super) struct Item {
    pub id: i64,
    pub name: String,
    pub size: i64,
    pub sha256: String,
    pub local_time: Option<i64>,
    pub crc32: Option<i64>,
}

/// Those of `ids` that are the account's items, in no particular order.
pub(super) async fn owned_items(db: &Db, user_id: i64, ids: &[i64]) -> sqlx::Result<Vec<Item>> {
    let sql = format!(
        "SELECT id, name, size, sha256, local_time, crc32 FROM items WHERE user_id = $1 AND id IN ({})",
        params(2, ids.len())
    );
    let query = ids
        .iter()
        .fold(sqlx::query_as::<_, Item>(&sql).bind(user_id), |q, id| {
            q.bind(id)
        });
    query.fetch_all(db).await
}

/// Keeps the CRC-32 read from an item's file, so a ZIP reads it once.
pub(super) async fn set_crc32(db: &Db, id: i64, crc: u32) -> sqlx::Result<()> {
    sqlx::query("UPDATE items SET crc32 = $1 WHERE id = $2")
        .bind(i64::from(crc))
        .bind(id)
        .execute(db)
        .await?;
    Ok(())
}

/// A ticket about to be kept: the token's hash, never the token.
pub(super) struct NewTicket<'a> {
    pub token_hash: Vec<u8>,
    pub user_id: i64,
    /// The item ids, as a JSON array.
    pub item_ids: String,
    pub file_name: &'a str,
    pub expires_at: i64,
}

pub(super) async fn insert_ticket(db: &Db, ticket: NewTicket<'_>) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO downloads (token_hash, user_id, item_ids, file_name, expires_at)
         VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(ticket.token_hash)
    .bind(ticket.user_id)
    .bind(ticket.item_ids)
    .bind(ticket.file_name)
    .bind(ticket.expires_at)
    .execute(db)
    .await?;
    Ok(())
}

#[derive(sqlx::FromRow)]
pub(super) struct TicketRow {
    pub item_ids: String,
    pub file_name: String,
    pub expires_at: i64,
}

pub(super) async fn ticket(
    db: &Db,
    user_id: i64,
    token_hash: &[u8],
) -> sqlx::Result<Option<TicketRow>> {
    sqlx::query_as(
        "SELECT item_ids, file_name, expires_at FROM downloads WHERE token_hash = $1 AND user_id = $2",
    )
    .bind(token_hash)
    .bind(user_id)
    .fetch_optional(db)
    .await
}

pub(super) async fn delete_expired(db: &Db, now: i64) -> sqlx::Result<()> {
    sqlx::query("DELETE FROM downloads WHERE expires_at <= $1")
        .bind(now)
        .execute(db)
        .await?;
    Ok(())
}
