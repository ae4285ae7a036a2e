//! Guess throttling: too many failures about one subject (an address, an account) or from one
//! client address and further tries are refused, without checking anything, until the window
//! moves on. Sign-in and license keys (SPEC A3) each count their failures in their own table.

use super::{error::AccountsError, store};
use crate::store::db::Db;

const WINDOW_SECS: i64 = 15 * 60;
const MAX_FAILURES_PER_SUBJECT: i64 = 5;
const MAX_FAILURES_PER_IP: i64 = 20;

/// A kind of guess: the table its failures go to, and the limit of each of its two scopes —
/// first the subject guessed about, then the client's address.
pub(crate) struct Guesses {
    table: &'static str,
    scopes: [(&'static str, i64); 2],
}

pub(crate) const SIGN_IN: Guesses = Guesses {
    table: "signin_failures",
    scopes: [
        ("email", MAX_FAILURES_PER_SUBJECT),
        ("ip", MAX_FAILURES_PER_IP),
    ],
};

/// The subject is the account registering a key, or the address signing up with one.
pub(crate) const LICENSE_KEYS: Guesses = Guesses {
    table: "license_failures",
    scopes: [
        ("account", MAX_FAILURES_PER_SUBJECT),
        ("ip", MAX_FAILURES_PER_IP),
    ],
};

impl Guesses {
    /// `keys` are the subject and the client address, in the order of `scopes`.
    pub(crate) async fn check(
        &self,
        db: &Db,
        now: i64,
        keys: [&str; 2],
    ) -> Result<(), AccountsError> {
        for ((scope, limit), key) in self.scopes.into_iter().zip(keys) {
            let window =
                store::failures_since(db, self.table, scope, key, now - WINDOW_SECS).await?;
            if window.count >= limit {
                let free_at = window.oldest.unwrap_or(now) + WINDOW_SECS;
                return Err(AccountsError::TooManyAttempts {
                    retry_after: u64::try_from(free_at - now).unwrap_or(1),
                });
            }
        }
        Ok(())
    }

    pub(crate) async fn record_failure(
        &self,
        db: &Db,
        now: i64,
        [subject, ip]: [&str; 2],
    ) -> Result<(), AccountsError> {
        let [(subject_scope, _), (ip_scope, _)] = self.scopes;
        store::insert_failures(
            db,
            self.table,
            [(subject_scope, subject), (ip_scope, ip)],
            now,
        )
        .await?;
        Ok(())
    }

    /// A success forgives the subject's earlier failures (not the client address's).
    pub(crate) async fn clear(&self, db: &Db, subject: &str) -> Result<(), AccountsError> {
        store::delete_failures(db, self.table, self.scopes[0].0, subject).await?;
        Ok(())
    }

    /// Drops rows no window can see any more.
    pub(crate) async fn prune(&self, db: &Db, now: i64) -> sqlx::Result<()> {
        store::delete_old_failures(db, self.table, now - WINDOW_SECS).await
    }
}
