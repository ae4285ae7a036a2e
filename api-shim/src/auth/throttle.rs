//! Guess throttling: too many failures about one subject (an address, an account) or from one
//! client address and further tries are refused, without checking anything, until the window
//! moves on. Sign-in and license keys (SPEC A3) each count their failures in their own table.

use hako_protocol::ErrorCode;

use crate::{http::error::ApiError, store::db::Db};

const WINDOW_SECS: i64 = 15 * 60;
const MAX_FAILURES_PER_SUBJECT: i64 = 5;
const MAX_FAILURES_PER_IP: i64 = 20;

/// A kind of guess: the table its failures go to, and the limit of each of its two scopes —
/// first the subject guessed about, then the client's address.
pub struct Guesses {
    table: &'static str,
    scopes: [(&'static str, i64); 2],
}

pub const SIGN_IN: Guesses = Guesses {
    table: "signin_failures",
    scopes: [
        ("email", MAX_FAILURES_PER_SUBJECT),
        ("ip", MAX_FAILURES_PER_IP),
    ],
};

/// The subject is the account registering a key, or the address signing up with one.
pub const LICENSE_KEYS: Guesses = Guesses {
    table: "license_failures",
    scopes: [
        ("account", MAX_FAILURES_PER_SUBJECT),
        ("ip", MAX_FAILURES_PER_IP),
    ],
};

impl Guesses {
    /// `keys` are the subject and the client address, in the order of `scopes`.
    pub async fn check(&self, db: &Db, now: i64, keys: [&str; 2]) -> Result<(), ApiError> {
        for ((scope, limit), key) in self.scopes.into_iter().zip(keys) {
            let (count, oldest): (i64, Option<i64>) = sqlx::query_as(&format!(
                "SELECT COUNT(*), MIN(failed_at) FROM {}
                 WHERE scope = $1 AND key = $2 AND failed_at > $3",
                self.table
            ))
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

    pub async fn record_failure(&self, db: &Db, now: i64, keys: [&str; 2]) -> Result<(), ApiError> {
        let [(subject_scope, _), (ip_scope, _)] = self.scopes;
        sqlx::query(&format!(
            "INSERT INTO {} (scope, key, failed_at) VALUES ($1, $2, $3), ($4, $5, $6)",
            self.table
        ))
        .bind(subject_scope)
        .bind(keys[0])
        .bind(now)
        .bind(ip_scope)
        .bind(keys[1])
        .bind(now)
        .execute(db)
        .await?;
        Ok(())
    }

    /// A success forgives the subject's earlier failures (not the client address's).
    pub async fn clear(&self, db: &Db, subject: &str) -> Result<(), ApiError> {
        sqlx::query(&format!(
            "DELETE FROM {} WHERE scope = $1 AND key = $2",
            self.table
        ))
        .bind(self.scopes[0].0)
        .bind(subject)
        .execute(db)
        .await?;
        Ok(())
    }

    /// Drops rows no window can see any more.
    pub async fn prune(&self, db: &Db, now: i64) -> sqlx::Result<()> {
        sqlx::query(&format!("DELETE FROM {} WHERE failed_at <= $1", self.table))
            .bind(now - WINDOW_SECS)
            .execute(db)
            .await?;
        Ok(())
    }
}
