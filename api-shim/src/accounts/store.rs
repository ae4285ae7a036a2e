//! The SQL of accounts, web sessions, emailed codes and guess throttles; rows come back as
//! named structs. Licenses and OIDC keep theirs in their own `store.rs`.

use sqlx::{Any, AnyConnection, Executor};

use crate::store::db::Db;

/// What sign-in checks an address against.
#[derive(sqlx::FromRow)]
pub(crate) struct Login {
    pub id: i64,
    pub password_hash: String,
}

pub(crate) async fn login_by_email<'e>(
    db: impl Executor<'e, Database = Any>,
    email: &str,
) -> sqlx::Result<Option<Login>> {
    sqlx::query_as("SELECT id, password_hash FROM users WHERE email = $1")
        .bind(email)
        .fetch_optional(db)
        .await
}

/// A verified account; `None` if the address is taken.
pub(crate) async fn insert_user<'e>(
    db: impl Executor<'e, Database = Any>,
    email: &str,
    password_hash: &str,
    now: i64,
) -> sqlx::Result<Option<i64>> {
    sqlx::query_scalar(
        "INSERT INTO users (email, password_hash, created_at) VALUES ($1, $2, $3)
         ON CONFLICT (email) DO NOTHING RETURNING id",
    )
    .bind(email)
    .bind(password_hash)
    .bind(now)
    .fetch_optional(db)
    .await
}

#[derive(sqlx::FromRow)]
pub(crate) struct Profile {
    pub email: String,
    pub member_type: String,
    pub created_at: i64,
}

pub(crate) async fn profile(db: &Db, user_id: i64) -> sqlx::Result<Profile> {
    sqlx::query_as("SELECT email, member_type, created_at FROM users WHERE id = $1")
        .bind(user_id)
        .fetch_one(db)
        .await
}

pub(crate) async fn set_password<'e>(
    db: impl Executor<'e, Database = Any>,
    user_id: i64,
    password_hash: &str,
) -> sqlx::Result<()> {
    sqlx::query("UPDATE users SET password_hash = $1 WHERE id = $2")
        .bind(password_hash)
        .bind(user_id)
        .execute(db)
        .await?;
    Ok(())
}

/// Makes `email` the account's address unless another account has it; whether it did.
pub(crate) async fn set_email(
    conn: &mut AnyConnection,
    user_id: i64,
    email: &str,
) -> sqlx::Result<bool> {
    let changed = sqlx::query(
        "UPDATE users SET email = $1 WHERE id = $2
           AND NOT EXISTS (SELECT 1 FROM users WHERE email = $1)",
    )
    .bind(email)
    .bind(user_id)
    .execute(conn)
    .await?;
    Ok(changed.rows_affected() > 0)
}

pub(crate) async fn insert_session(
    db: &Db,
    token_hash: &[u8],
    user_id: i64,
    now: i64,
) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO sessions (token_hash, user_id, created_at, last_seen_at) VALUES ($1, $2, $3, $4)",
    )
    .bind(token_hash)
    .bind(user_id)
    .bind(now)
    .bind(now)
    .execute(db)
    .await?;
    Ok(())
}

/// A session and the account it belongs to.
#[derive(sqlx::FromRow)]
pub(crate) struct SessionRow {
    pub user_id: i64,
    pub email: String,
    pub created_at: i64,
    pub last_seen_at: i64,
}

pub(crate) async fn session(db: &Db, token_hash: &[u8]) -> sqlx::Result<Option<SessionRow>> {
    sqlx::query_as(
        "SELECT u.id AS user_id, u.email, s.created_at, s.last_seen_at
         FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.token_hash = $1",
    )
    .bind(token_hash)
    .fetch_optional(db)
    .await
}

pub(crate) async fn touch_session(db: &Db, token_hash: &[u8], now: i64) -> sqlx::Result<()> {
    sqlx::query("UPDATE sessions SET last_seen_at = $1 WHERE token_hash = $2")
        .bind(now)
        .bind(token_hash)
        .execute(db)
        .await?;
    Ok(())
}

pub(crate) async fn delete_session(db: &Db, token_hash: &[u8]) -> sqlx::Result<()> {
    sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
        .bind(token_hash)
        .execute(db)
        .await?;
    Ok(())
}

/// Every session of an account but `keep` (a session's token hash).
pub(crate) async fn delete_sessions_of<'e>(
    db: impl Executor<'e, Database = Any>,
    user_id: i64,
    keep: Option<&[u8]>,
) -> sqlx::Result<()> {
    sqlx::query("DELETE FROM sessions WHERE user_id = $1 AND token_hash IS DISTINCT FROM $2")
        .bind(user_id)
        .bind(keep)
        .execute(db)
        .await?;
    Ok(())
}

/// Sessions idle since before `idle_before` or started before `started_before`.
pub(crate) async fn delete_old_sessions(
    db: &Db,
    idle_before: i64,
    started_before: i64,
) -> sqlx::Result<()> {
    sqlx::query("DELETE FROM sessions WHERE last_seen_at < $1 OR created_at < $2")
        .bind(idle_before)
        .bind(started_before)
        .execute(db)
        .await?;
    Ok(())
}

/// The limits on sending codes to one address.
pub(crate) struct SendLimits {
    pub interval_secs: i64,
    pub window_secs: i64,
    pub per_window: i64,
}

/// Records a send to `email` if the limits allow one; whether it did. Check and record in one
/// statement, so two racing requests cannot both pass.
pub(crate) async fn record_send(
    db: &Db,
    email: &str,
    now: i64,
    limits: &SendLimits,
) -> sqlx::Result<bool> {
    let recorded = sqlx::query(
        "INSERT INTO code_sends (email, sent_at)
         SELECT $1, $2
         WHERE NOT EXISTS (SELECT 1 FROM code_sends WHERE email = $1 AND sent_at > $2 - $3)
           AND (SELECT COUNT(*) FROM code_sends WHERE email = $1 AND sent_at > $2 - $4) < $5",
    )
    .bind(email)
    .bind(now)
    .bind(limits.interval_secs)
    .bind(limits.window_secs)
    .bind(limits.per_window)
    .execute(db)
    .await?;
    Ok(recorded.rows_affected() > 0)
}

/// How many rows fall in a window, and the first and last of them.
#[derive(sqlx::FromRow)]
pub(crate) struct Window {
    pub count: i64,
    pub oldest: Option<i64>,
    pub latest: Option<i64>,
}

pub(crate) async fn sends_since(db: &Db, email: &str, since: i64) -> sqlx::Result<Window> {
    sqlx::query_as(
        "SELECT COUNT(*) AS count, MIN(sent_at) AS oldest, MAX(sent_at) AS latest
         FROM code_sends WHERE email = $1 AND sent_at > $2",
    )
    .bind(email)
    .bind(since)
    .fetch_one(db)
    .await
}

/// A code as stored: its keyed hash and what travels with it.
#[derive(sqlx::FromRow)]
pub(crate) struct StoredCode {
    pub code_hash: Vec<u8>,
    pub expires_at: i64,
    pub failed_attempts: i64,
    pub password_hash: Option<String>,
}

/// The address and purpose a code is for, and the account for a purpose that has one.
pub(crate) struct CodeFor<'a> {
    pub email: &'a str,
    pub purpose: &'a str,
    pub user_id: Option<i64>,
}

/// Stores a fresh code in place of the address's earlier one, and of the account's earlier
/// one of the same purpose.
pub(crate) async fn replace_code(
    conn: &mut AnyConnection,
    code: &CodeFor<'_>,
    stored: &StoredCode,
) -> sqlx::Result<()> {
    sqlx::query("DELETE FROM email_codes WHERE purpose = $1 AND user_id = $2")
        .bind(code.purpose)
        .bind(code.user_id)
        .execute(&mut *conn)
        .await?;
    sqlx::query(
        "INSERT INTO email_codes (email, purpose, code_hash, password_hash, expires_at, failed_attempts, user_id)
         VALUES ($1, $2, $3, $4, $5, $6, $7)
         ON CONFLICT (email, purpose) DO UPDATE SET
            code_hash = excluded.code_hash, password_hash = excluded.password_hash,
            expires_at = excluded.expires_at, failed_attempts = excluded.failed_attempts,
            user_id = excluded.user_id",
    )
    .bind(code.email)
    .bind(code.purpose)
    .bind(&stored.code_hash)
    .bind(&stored.password_hash)
    .bind(stored.expires_at)
    .bind(stored.failed_attempts)
    .bind(code.user_id)
    .execute(conn)
    .await?;
    Ok(())
}

pub(crate) async fn code(
    conn: &mut AnyConnection,
    code: &CodeFor<'_>,
) -> sqlx::Result<Option<StoredCode>> {
    sqlx::query_as(
        "SELECT code_hash, expires_at, failed_attempts, password_hash FROM email_codes
         WHERE email = $1 AND purpose = $2 AND user_id IS NOT DISTINCT FROM $3",
    )
    .bind(code.email)
    .bind(code.purpose)
    .bind(code.user_id)
    .fetch_optional(conn)
    .await
}

/// Counts a wrong try; returns how many there have been.
pub(crate) async fn count_wrong_try(
    conn: &mut AnyConnection,
    code: &CodeFor<'_>,
) -> sqlx::Result<i64> {
    sqlx::query_scalar(
        "UPDATE email_codes SET failed_attempts = failed_attempts + 1
         WHERE email = $1 AND purpose = $2 RETURNING failed_attempts",
    )
    .bind(code.email)
    .bind(code.purpose)
    .fetch_one(conn)
    .await
}

pub(crate) async fn delete_code(conn: &mut AnyConnection, code: &CodeFor<'_>) -> sqlx::Result<()> {
    sqlx::query("DELETE FROM email_codes WHERE email = $1 AND purpose = $2")
        .bind(code.email)
        .bind(code.purpose)
        .execute(conn)
        .await?;
    Ok(())
}

/// Sends sent before `sends_before` and codes expired by `now`.
pub(crate) async fn delete_old_codes(db: &Db, sends_before: i64, now: i64) -> sqlx::Result<()> {
    sqlx::query("DELETE FROM code_sends WHERE sent_at <= $1")
        .bind(sends_before)
        .execute(db)
        .await?;
    sqlx::query("DELETE FROM email_codes WHERE expires_at <= $1")
        .bind(now)
        .execute(db)
        .await?;
    Ok(())
}

/// A throttle's failures about one key of one scope since `since`.
pub(crate) async fn failures_since(
    db: &Db,
    table: &str,
    scope: &str,
    key: &str,
    since: i64,
) -> sqlx::Result<Window> {
    sqlx::query_as(&format!(
        "SELECT COUNT(*) AS count, MIN(failed_at) AS oldest, MAX(failed_at) AS latest FROM {table}
         WHERE scope = $1 AND key = $2 AND failed_at > $3"
    ))
    .bind(scope)
    .bind(key)
    .bind(since)
    .fetch_one(db)
    .await
}

/// One failure under each of the two `(scope, key)`s.
pub(crate) async fn insert_failures(
    db: &Db,
    table: &str,
    [(scope_1, key_1), (scope_2, key_2)]: [(&str, &str); 2],
    now: i64,
) -> sqlx::Result<()> {
    sqlx::query(&format!(
        "INSERT INTO {table} (scope, key, failed_at) VALUES ($1, $2, $3), ($4, $5, $6)"
    ))
    .bind(scope_1)
    .bind(key_1)
    .bind(now)
    .bind(scope_2)
    .bind(key_2)
    .bind(now)
    .execute(db)
    .await?;
    Ok(())
}

pub(crate) async fn delete_failures(
    db: &Db,
    table: &str,
    scope: &str,
    key: &str,
) -> sqlx::Result<()> {
    sqlx::query(&format!(
        "DELETE FROM {table} WHERE scope = $1 AND key = $2"
    ))
    .bind(scope)
    .bind(key)
    .execute(db)
    .await?;
    Ok(())
}

pub(crate) async fn delete_old_failures(db: &Db, table: &str, before: i64) -> sqlx::Result<()> {
    sqlx::query(&format!("DELETE FROM {table} WHERE failed_at <= $1"))
        .bind(before)
        .execute(db)
        .await?;
    Ok(())
}
