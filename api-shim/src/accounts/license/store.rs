//! The SQL of license keys and of the member type they give an account.

use sqlx::{AnyConnection, Executor};

use crate::store::db::{Db, Flag};

/// SQL: the keys of the account `user` (an SQL expression) that work now: redeemed, or
/// cancelled but still in their month. `?2` is now.
fn live_keys(user: &str) -> String {
    format!(
        "SELECT live.last4 FROM license_keys live WHERE live.user_id = {user}
            AND (live.state = 'redeemed' OR (live.state = 'cancelled' AND live.valid_until > $2))"
    )
}

/// SQL: the account `user` holds a working key, so it is an unlimited member. `?2` is now.
fn holds_live_key(user: &str) -> String {
    format!("EXISTS ({})", live_keys(user))
}

/// The last four digits of the account's working key, the latest registered if several.
pub(super) async fn live_key_last4(
    db: &Db,
    user_id: i64,
    now: i64,
) -> sqlx::Result<Option<String>> {
    sqlx::query_scalar(&format!(
        "{} ORDER BY live.redeemed_at DESC, live.id DESC LIMIT 1",
        live_keys("$1")
    ))
    .bind(user_id)
    .bind(now)
    .fetch_optional(db)
    .await
}

#[derive(sqlx::FromRow)]
pub(super) struct KeyRow {
    pub id: i64,
    pub state: String,
    pub user_id: Option<i64>,
    pub valid_until: Option<i64>,
    pub data_deleted_at: Option<i64>,
}

pub(super) async fn find(conn: &mut AnyConnection, hash: &[u8]) -> sqlx::Result<Option<KeyRow>> {
    sqlx::query_as(
        "SELECT id, state, user_id, valid_until, data_deleted_at FROM license_keys WHERE key_hash = $1",
    )
    .bind(hash)
    .fetch_optional(conn)
    .await
}

/// How a key becomes an account's.
pub(super) enum Take {
    /// A key nobody holds. `user_id IS NULL` again: of two accounts racing for it, one wins.
    Claim,
    /// The account's own lapsed key, which works again while its data is still there.
    Restore,
}

/// Gives the key to `user_id` as `how` says; whether it did.
pub(super) async fn take(
    conn: &mut AnyConnection,
    how: Take,
    key_id: i64,
    user_id: i64,
    now: i64,
) -> sqlx::Result<bool> {
    let sql = match how {
        Take::Claim => {
            "UPDATE license_keys SET user_id = $1, redeemed_at = $2,
                state = CASE state WHEN 'issued' THEN 'redeemed' ELSE state END
             WHERE id = $3 AND user_id IS NULL"
        }
        Take::Restore => {
            "UPDATE license_keys SET user_id = $1, redeemed_at = $2, state = 'redeemed',
                cancelled_at = NULL, valid_until = NULL
             WHERE id = $3 AND data_deleted_at IS NULL"
        }
    };
    let changed = sqlx::query(sql)
        .bind(user_id)
        .bind(now)
        .bind(key_id)
        .execute(conn)
        .await?;
    Ok(changed.rows_affected() > 0)
}

pub(super) async fn make_unlimited(conn: &mut AnyConnection, user_id: i64) -> sqlx::Result<()> {
    sqlx::query("UPDATE users SET member_type = 'unlimited' WHERE id = $1")
        .bind(user_id)
        .execute(conn)
        .await?;
    Ok(())
}

/// Stores a new key unless its hash is taken; whether it did.
pub(super) async fn insert_key(
    conn: &mut AnyConnection,
    hash: &[u8],
    last4: &str,
    now: i64,
) -> sqlx::Result<bool> {
    let stored = sqlx::query(
        "INSERT INTO license_keys (key_hash, last4, issued_at) VALUES ($1, $2, $3)
         ON CONFLICT (key_hash) DO NOTHING",
    )
    .bind(hash)
    .bind(last4)
    .bind(now)
    .execute(conn)
    .await?;
    Ok(stored.rows_affected() == 1)
}

/// Cancels an issued or redeemed key, valid until `until`; `None` if there is no such key.
pub(super) async fn cancel(
    db: &Db,
    hash: &[u8],
    now: i64,
    until: i64,
) -> sqlx::Result<Option<i64>> {
    sqlx::query_scalar(
        "UPDATE license_keys SET state = 'cancelled', cancelled_at = $1, valid_until = $2
         WHERE key_hash = $3 AND state IN ('issued', 'redeemed') RETURNING valid_until",
    )
    .bind(now)
    .bind(until)
    .bind(hash)
    .fetch_optional(db)
    .await
}

/// One line of `hako license list`: never the key, only its last four digits.
#[derive(sqlx::FromRow)]
pub struct Listed {
    pub last4: String,
    pub state: String,
    pub email: Option<String>,
    pub issued_at: i64,
    pub redeemed_at: Option<i64>,
    pub cancelled_at: Option<i64>,
    pub valid_until: Option<i64>,
}

pub(super) async fn list(db: &Db) -> sqlx::Result<Vec<Listed>> {
    sqlx::query_as(
        "SELECT k.last4, k.state, u.email, k.issued_at, k.redeemed_at, k.cancelled_at, k.valid_until
         FROM license_keys k LEFT JOIN users u ON u.id = k.user_id ORDER BY k.id",
    )
    .fetch_all(db)
    .await
}

/// Expires the cancelled keys past their month; returns the accounts that held them.
pub(super) async fn expire_lapsed(conn: &mut AnyConnection, now: i64) -> sqlx::Result<Vec<i64>> {
    let lapsed: Vec<Option<i64>> = sqlx::query_scalar(
        "UPDATE license_keys SET state = 'expired'
         WHERE state = 'cancelled' AND valid_until <= $1 RETURNING user_id",
    )
    .bind(now)
    .fetch_all(conn)
    .await?;
    Ok(lapsed.into_iter().flatten().collect())
}

/// Makes the account a free member unless it still holds a working key.
pub(super) async fn make_free_unless_licensed(
    conn: &mut AnyConnection,
    user_id: i64,
    now: i64,
) -> sqlx::Result<()> {
    sqlx::query(&format!(
        "UPDATE users SET member_type = 'free' WHERE id = $1 AND NOT {}",
        holds_live_key("$1")
    ))
    .bind(user_id)
    .bind(now)
    .execute(conn)
    .await?;
    Ok(())
}

/// The accounts whose latest lapse is `grace_secs` old, that hold no working key and whose
/// data is still there.
pub(super) async fn data_due(db: &Db, now: i64, grace_secs: i64) -> sqlx::Result<Vec<i64>> {
    sqlx::query_scalar(&format!(
        "SELECT k.user_id FROM license_keys k
         WHERE k.state = 'expired' AND k.user_id IS NOT NULL AND k.data_deleted_at IS NULL
           AND NOT {}
         GROUP BY k.user_id HAVING MAX(k.valid_until) + $1 <= $2",
        holds_live_key("k.user_id")
    ))
    .bind(grace_secs)
    .bind(now)
    .fetch_all(db)
    .await
}

pub(super) async fn holds_live_key_now<'e>(
    db: impl Executor<'e, Database = sqlx::Any>,
    user_id: i64,
    now: i64,
) -> sqlx::Result<bool> {
    let Flag(holds) = sqlx::query_scalar(&format!("SELECT {}", holds_live_key("$1")))
        .bind(user_id)
        .bind(now)
        .fetch_one(db)
        .await?;
    Ok(holds)
}

pub(super) async fn mark_data_deleted(
    conn: &mut AnyConnection,
    user_id: i64,
    now: i64,
) -> sqlx::Result<()> {
    sqlx::query(
        "UPDATE license_keys SET data_deleted_at = $1
         WHERE user_id = $2 AND state = 'expired' AND data_deleted_at IS NULL",
    )
    .bind(now)
    .bind(user_id)
    .execute(conn)
    .await?;
    Ok(())
}
