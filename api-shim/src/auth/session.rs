//! Web sessions: a random token in an HttpOnly, SameSite=Lax cookie; the server keeps only
//! its SHA-256, with idle and absolute timeouts.

use super::tokens::{new_token, token_hash};
use crate::{AppState, http::error::ApiError};
use axum::{
    extract::FromRequestParts,
    http::{HeaderMap, header, request::Parts},
};
use hako_protocol::ErrorCode;

pub const COOKIE_NAME: &str = "hako_session";
/// Writing `last_seen_at` on every request would turn every read into a write.
const TOUCH_AFTER_SECS: i64 = 60;

/// The session token the request carries, if any.
pub fn token_from(headers: &HeaderMap) -> Option<String> {
    cookie_from(headers, COOKIE_NAME)
}

/// The value of the cookie `name` the request carries, if any.
pub fn cookie_from(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(found, _)| *found == name)
        .map(|(_, value)| value.to_owned())
}

/// Starts a session with a new id (never the one the browser brought: no fixation) and
/// ends the one it replaces. Returns the `Set-Cookie` value.
pub async fn start(
    state: &AppState,
    user_id: i64,
    replacing: Option<&str>,
) -> Result<String, ApiError> {
    if let Some(old) = replacing {
        end(state, old).await?;
    }
    let now = state.clock.now();
    let (token, hash) = new_token();
    sqlx::query(
        "INSERT INTO sessions (token_hash, user_id, created_at, last_seen_at) VALUES ($1, $2, $3, $4)",
    )
    .bind(hash)
    .bind(user_id)
    .bind(now)
    .bind(now)
    .execute(&state.db)
    .await?;
    Ok(cookie(
        state,
        COOKIE_NAME,
        &token,
        "/",
        state.config.session_absolute.as_secs(),
    ))
}

pub async fn end(state: &AppState, token: &str) -> Result<(), ApiError> {
    sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
        .bind(token_hash(token))
        .execute(&state.db)
        .await?;
    Ok(())
}

/// Ends every session of an account but `keep` (a session's token hash): a password reset
/// ends them all, a change from a signed-in session ends the others (SPEC A5).
pub async fn end_all<'e>(
    db: impl sqlx::Executor<'e, Database = sqlx::Any>,
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

/// A `Set-Cookie` value that removes the cookie.
pub fn clearing_cookie(state: &AppState) -> String {
    cookie(state, COOKIE_NAME, "", "/", 0)
}

/// A `Set-Cookie` value for an HttpOnly, SameSite=Lax cookie, `Secure` behind https.
pub fn cookie(state: &AppState, name: &str, value: &str, path: &str, max_age: u64) -> String {
    let secure = if state.config.secure_cookies() {
        "; Secure"
    } else {
        ""
    };
    format!("{name}={value}; Path={path}; HttpOnly; SameSite=Lax; Max-Age={max_age}{secure}")
}

/// The signed-in account, for handlers that need one. Absent or expired → 401.
#[derive(Clone, Debug)]
pub struct CurrentUser {
    pub id: i64,
    pub email: String,
    /// The hash of the session the request came with, the one a password change keeps.
    pub session: Vec<u8>,
}

impl FromRequestParts<AppState> for CurrentUser {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let token = token_from(&parts.headers).ok_or(ErrorCode::Unauthenticated)?;
        let hash = token_hash(&token);
        let now = state.clock.now();
        let row: Option<(i64, String, i64, i64)> = sqlx::query_as(
            "SELECT u.id, u.email, s.created_at, s.last_seen_at
             FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.token_hash = $1",
        )
        .bind(&hash)
        .fetch_optional(&state.db)
        .await?;
        let (id, email, started, last_seen) = row.ok_or(ErrorCode::Unauthenticated)?;
        let idle = i64::try_from(state.config.session_idle.as_secs()).unwrap_or(i64::MAX);
        let absolute = i64::try_from(state.config.session_absolute.as_secs()).unwrap_or(i64::MAX);
        if now - last_seen > idle || now - started > absolute {
            end(state, &token).await?;
            return Err(ErrorCode::Unauthenticated.into());
        }
        if now - last_seen > TOUCH_AFTER_SECS {
            sqlx::query("UPDATE sessions SET last_seen_at = $1 WHERE token_hash = $2")
                .bind(now)
                .bind(&hash)
                .execute(&state.db)
                .await?;
        }
        Ok(Self {
            id,
            email,
            session: hash,
        })
    }
}

/// Drops sessions past either timeout.
pub async fn prune(state: &AppState) -> sqlx::Result<()> {
    let now = state.clock.now();
    let idle = i64::try_from(state.config.session_idle.as_secs()).unwrap_or(i64::MAX);
    let absolute = i64::try_from(state.config.session_absolute.as_secs()).unwrap_or(i64::MAX);
    sqlx::query("DELETE FROM sessions WHERE last_seen_at < $1 OR created_at < $2")
        .bind(now.saturating_sub(idle))
        .bind(now.saturating_sub(absolute))
        .execute(&state.db)
        .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    #[test]
    fn the_session_cookie_is_found_among_others() {
        let mut headers = HeaderMap::new();
        headers.append(
            header::COOKIE,
            HeaderValue::from_static("theme=dark; hako_session=abc"),
        );
        headers.append(header::COOKIE, HeaderValue::from_static("other=1"));
        assert_eq!(token_from(&headers).as_deref(), Some("abc"));
        assert_eq!(token_from(&HeaderMap::new()), None);
    }
}
