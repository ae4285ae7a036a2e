//! Web sessions: a random token in an HttpOnly, SameSite=Lax cookie (made in `http.rs`); the
//! server keeps only its SHA-256, with idle and absolute timeouts.

use std::time::Duration;

use super::{
    error::AccountsError,
    store,
    tokens::{new_token, token_hash},
};
use crate::{config::Config, store::db::Db};

pub(crate) const COOKIE_NAME: &str = "hako_session";
/// Writing `last_seen_at` on every request would turn every read into a write.
const TOUCH_AFTER_SECS: i64 = 60;

/// How long a session lives: since its last request, and at most since it started.
pub(crate) struct Timeouts {
    idle: i64,
    absolute: i64,
}

impl Timeouts {
    pub(crate) fn of(config: &Config) -> Self {
        let secs = |d: Duration| i64::try_from(d.as_secs()).unwrap_or(i64::MAX);
        Self {
            idle: secs(config.session_idle),
            absolute: secs(config.session_absolute),
        }
    }
}

/// The signed-in account, for handlers that need one (its extractor is in `http.rs`).
#[derive(Clone, Debug)]
pub struct CurrentUser {
    pub id: i64,
    pub email: String,
    /// The hash of the session the request came with, the one a password change keeps.
    pub session: Vec<u8>,
}

/// Starts a session with a new id (never the one the browser brought: no fixation) and
/// ends the one it replaces. Returns the new session's token.
pub(crate) async fn start(
    db: &Db,
    now: i64,
    user_id: i64,
    replacing: Option<&str>,
) -> Result<String, AccountsError> {
    if let Some(old) = replacing {
        end(db, old).await?;
    }
    let (token, hash) = new_token();
    store::insert_session(db, &hash, user_id, now).await?;
    Ok(token)
}

pub(crate) async fn end(db: &Db, token: &str) -> Result<(), AccountsError> {
    store::delete_session(db, &token_hash(token)).await?;
    Ok(())
}

/// The account a session token stands for, if the session lives; an expired one is ended.
pub(crate) async fn resolve(
    db: &Db,
    now: i64,
    timeouts: &Timeouts,
    token: &str,
) -> Result<Option<CurrentUser>, AccountsError> {
    let hash = token_hash(token);
    let Some(row) = store::session(db, &hash).await? else {
        return Ok(None);
    };
    if now - row.last_seen_at > timeouts.idle || now - row.created_at > timeouts.absolute {
        end(db, token).await?;
        return Ok(None);
    }
    if now - row.last_seen_at > TOUCH_AFTER_SECS {
        store::touch_session(db, &hash, now).await?;
    }
    Ok(Some(CurrentUser {
        id: row.user_id,
        email: row.email,
        session: hash,
    }))
}

/// Drops sessions past either timeout.
pub(crate) async fn prune(db: &Db, now: i64, timeouts: &Timeouts) -> sqlx::Result<()> {
    store::delete_old_sessions(
        db,
        now.saturating_sub(timeouts.idle),
        now.saturating_sub(timeouts.absolute),
    )
    .await
}
