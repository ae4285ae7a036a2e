//! Sign-in throttling: too many failures for one address or from one client address and
//! further tries are refused, without checking the password, until the window moves on.

use hako_protocol::ErrorCode;

use crate::{db::Db, error::ApiError};

const WINDOW_SECS: i64 = 15 * 60;
pub const MAX_FAILURES_PER_EMAIL: i64 = 5;
pub const MAX_FAILURES_PER_IP: i64 = 20;

pub async fn check(db: &Db, now: i64, email: &str, ip: &str) -> Result<(), ApiError> {
    for (scope, key, limit) in [
        ("email", email, MAX_FAILURES_PER_EMAIL),
        ("ip", ip, MAX_FAILURES_PER_IP),
    ] {
        let (count, oldest): (i64, Option<i64>) = sqlx::query_as(
            "SELECT COUNT(*), MIN(failed_at) FROM signin_failures
             WHERE scope = ? AND key = ? AND failed_at > ?",
        )
        .bind(scope)
        .bind(key)
        .bind(now - WINDOW_SECS)
        .fetch_one(db)
        .await?;
        if count >= limit {
            let free_at = oldest.unwrap_or(now) + WINDOW_SECS;
            return Err(ApiError::new(ErrorCode::TooManyAttempts)
                .retry_after(u64::try_from(free_at - now).unwrap_or(1)));
        }
    }
    Ok(())
}

pub async fn record_failure(db: &Db, now: i64, email: &str, ip: &str) -> Result<(), ApiError> {
    sqlx::query(
        "INSERT INTO signin_failures (scope, key, failed_at) VALUES ('email', ?, ?), ('ip', ?, ?)",
    )
    .bind(email)
    .bind(now)
    .bind(ip)
    .bind(now)
    .execute(db)
    .await?;
    Ok(())
}

/// A successful sign-in forgives the address's earlier failures (not the client address's).
pub async fn clear(db: &Db, email: &str) -> Result<(), ApiError> {
    sqlx::query("DELETE FROM signin_failures WHERE scope = 'email' AND key = ?")
        .bind(email)
        .execute(db)
        .await?;
    Ok(())
}

/// Drops rows no window can see any more.
pub async fn prune(db: &Db, now: i64) -> sqlx::Result<()> {
    sqlx::query("DELETE FROM signin_failures WHERE failed_at <= ?")
        .bind(now - WINDOW_SECS)
        .execute(db)
        .await?;
    Ok(())
}
