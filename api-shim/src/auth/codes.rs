//! Emailed 6-digit codes, exactly as SPEC A2 says: valid 10 minutes, dead after 5 wrong
//! tries, only the latest works, 60 s between sends, 5 sends per address per hour.
//!
//! A code row is stored for every request, also for addresses without an account (it is
//! simply never mailed), so every answer and every timing is the same either way.

use hako_protocol::{CODE_LEN, ErrorCode, normalize_code};
use hmac::{Hmac, KeyInit, Mac};
use rand::Rng;
use sha2::Sha256;
use sqlx::AnyConnection;
use subtle::ConstantTimeEq;

use crate::{AppState, http::error::ApiError};

pub const CODE_TTL_SECS: i64 = 10 * 60;
pub const RESEND_INTERVAL_SECS: i64 = 60;
pub const SENDS_PER_HOUR: i64 = 5;
pub const MAX_WRONG_TRIES: i64 = 5;
const HOUR_SECS: i64 = 3600;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Purpose {
    Signup,
    PasswordReset,
    /// Making the address the user ID of this account (SPEC V17): the code proves the
    /// account's owner reads the new address, and works only for that account.
    EmailChange {
        user_id: i64,
    },
}

impl Purpose {
    fn as_str(self) -> &'static str {
        match self {
            Purpose::Signup => "signup",
            Purpose::PasswordReset => "password_reset",
            Purpose::EmailChange { .. } => "email_change",
        }
    }

    fn user_id(self) -> Option<i64> {
        match self {
            Purpose::EmailChange { user_id } => Some(user_id),
            Purpose::Signup | Purpose::PasswordReset => None,
        }
    }
}

/// Keyed hash: a stolen database does not give the codes away, even by trying all 10⁶.
fn code_hash(key: &[u8], email: &str, purpose: Purpose, code: &str) -> Vec<u8> {
    let mut mac = Hmac::<Sha256>::new_from_slice(key).expect("HMAC takes any key length");
    let account = purpose
        .user_id()
        .map(|id| id.to_string())
        .unwrap_or_default();
    for part in [purpose.as_str(), &account, email, code] {
        mac.update(part.as_bytes());
        mac.update(&[0]);
    }
    mac.finalize().into_bytes().to_vec()
}

/// Records a send if the address's limits allow one, and stores a fresh code in place of
/// any earlier one. Returns the code to mail. `password_hash` travels with a sign-up code.
pub async fn issue(
    state: &AppState,
    email: &str,
    purpose: Purpose,
    password_hash: Option<String>,
) -> Result<String, ApiError> {
    let now = state.clock.now();
    // Check-and-record in one statement, so two racing requests cannot both pass.
    let recorded = sqlx::query(
        "INSERT INTO code_sends (email, sent_at)
         SELECT $1, $2
         WHERE NOT EXISTS (SELECT 1 FROM code_sends WHERE email = $1 AND sent_at > $2 - $3)
           AND (SELECT COUNT(*) FROM code_sends WHERE email = $1 AND sent_at > $2 - $4) < $5",
    )
    .bind(email)
    .bind(now)
    .bind(RESEND_INTERVAL_SECS)
    .bind(HOUR_SECS)
    .bind(SENDS_PER_HOUR)
    .execute(&state.db)
    .await?;
    if recorded.rows_affected() == 0 {
        return Err(send_refusal(state, email, now).await?);
    }

    let code = format!("{:06}", rand::rng().random_range(0..1_000_000u32));
    debug_assert_eq!(code.len(), CODE_LEN);
    let mut tx = crate::store::db::begin_write(&state.db).await?;
    // Only the latest works also per account: a change to another address drops the earlier code.
    sqlx::query("DELETE FROM email_codes WHERE purpose = $1 AND user_id = $2")
        .bind(purpose.as_str())
        .bind(purpose.user_id())
        .execute(&mut *tx)
        .await?;
    sqlx::query(
        "INSERT INTO email_codes (email, purpose, code_hash, password_hash, expires_at, failed_attempts, user_id)
         VALUES ($1, $2, $3, $4, $5, 0, $6)
         ON CONFLICT (email, purpose) DO UPDATE SET
            code_hash = excluded.code_hash, password_hash = excluded.password_hash,
            expires_at = excluded.expires_at, failed_attempts = 0, user_id = excluded.user_id",
    )
    .bind(email)
    .bind(purpose.as_str())
    .bind(code_hash(&state.code_key, email, purpose, &code))
    .bind(password_hash)
    .bind(now + CODE_TTL_SECS)
    .bind(purpose.user_id())
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(code)
}

/// Which limit refused a send, and when the next send can succeed.
async fn send_refusal(state: &AppState, email: &str, now: i64) -> Result<ApiError, ApiError> {
    let (count, oldest, latest): (i64, Option<i64>, Option<i64>) = sqlx::query_as(
        "SELECT COUNT(*), MIN(sent_at), MAX(sent_at) FROM code_sends WHERE email = $1 AND sent_at > $2",
    )
    .bind(email)
    .bind(now - HOUR_SECS)
    .fetch_one(&state.db)
    .await?;
    let wait = |until: i64| u64::try_from(until - now).unwrap_or(1);
    Ok(if count >= SENDS_PER_HOUR {
        ApiError::new(ErrorCode::CodeSendLimit).retry_after(wait(oldest.unwrap_or(now) + HOUR_SECS))
    } else {
        ApiError::new(ErrorCode::CodeResendTooSoon)
            .retry_after(wait(latest.unwrap_or(now) + RESEND_INTERVAL_SECS))
    })
}

/// Uses up the latest code for this address and purpose if `submitted` matches it.
/// Returns what was stored with it (the sign-up's password hash, if any).
pub async fn consume(
    state: &AppState,
    email: &str,
    purpose: Purpose,
    submitted: &str,
) -> Result<Option<String>, ApiError> {
    consume_then(state, email, purpose, submitted, async |_, stored| {
        Ok(stored)
    })
    .await
}

/// [`consume`], then `then` in the same write transaction: the code is used up only if what
/// it confirms is done too. A refused code is still committed, so a wrong try always counts.
pub async fn consume_then<T>(
    state: &AppState,
    email: &str,
    purpose: Purpose,
    submitted: &str,
    then: impl AsyncFnOnce(&mut AnyConnection, Option<String>) -> Result<T, ApiError>,
) -> Result<T, ApiError> {
    let mut tx = crate::store::db::begin_write(&state.db).await?;
    match use_up(state, &mut tx, email, purpose, submitted).await {
        Ok(stored) => {
            let done = then(&mut tx, stored).await?;
            tx.commit().await?;
            Ok(done)
        }
        Err(refused) => {
            tx.commit().await?;
            Err(refused)
        }
    }
}

/// The checks of SPEC A2, inside the caller's write transaction (BEGIN IMMEDIATE), so a
/// racing wrong try or a newer code cannot slip between reading the row and using it up.
async fn use_up(
    state: &AppState,
    conn: &mut AnyConnection,
    email: &str,
    purpose: Purpose,
    submitted: &str,
) -> Result<Option<String>, ApiError> {
    let now = state.clock.now();
    let row: Option<(Vec<u8>, i64, i64, Option<String>)> = sqlx::query_as(
        "SELECT code_hash, expires_at, failed_attempts, password_hash FROM email_codes
         WHERE email = $1 AND purpose = $2 AND user_id IS NOT DISTINCT FROM $3",
    )
    .bind(email)
    .bind(purpose.as_str())
    .bind(purpose.user_id())
    .fetch_optional(&mut *conn)
    .await?;
    let Some((stored_hash, expires_at, failed, password_hash)) = row else {
        return Err(ErrorCode::CodeExpired.into());
    };
    if now >= expires_at || failed >= MAX_WRONG_TRIES {
        forget(conn, email, purpose).await?;
        return Err(ErrorCode::CodeExpired.into());
    }
    // Something that is not six digits is a typing slip, not a guess: it costs no try.
    let Some(code) = normalize_code(submitted) else {
        return Err(ApiError::new(ErrorCode::CodeInvalid)
            .attempts_left(u32::try_from(MAX_WRONG_TRIES - failed).unwrap_or(0)));
    };
    let matches: bool = code_hash(&state.code_key, email, purpose, &code)
        .ct_eq(&stored_hash)
        .into();
    if !matches {
        let failed: i64 = sqlx::query_scalar(
            "UPDATE email_codes SET failed_attempts = failed_attempts + 1
             WHERE email = $1 AND purpose = $2 RETURNING failed_attempts",
        )
        .bind(email)
        .bind(purpose.as_str())
        .fetch_one(&mut *conn)
        .await?;
        let left = MAX_WRONG_TRIES - failed;
        return Err(if left <= 0 {
            ErrorCode::CodeExpired.into()
        } else {
            ApiError::new(ErrorCode::CodeInvalid).attempts_left(u32::try_from(left).unwrap_or(0))
        });
    }
    forget(conn, email, purpose).await?;
    Ok(password_hash)
}

async fn forget(conn: &mut AnyConnection, email: &str, purpose: Purpose) -> sqlx::Result<()> {
    sqlx::query("DELETE FROM email_codes WHERE email = $1 AND purpose = $2")
        .bind(email)
        .bind(purpose.as_str())
        .execute(conn)
        .await?;
    Ok(())
}

/// Drops sends older than any limit looks at and codes past their time.
pub async fn prune(db: &crate::store::db::Db, now: i64) -> sqlx::Result<()> {
    sqlx::query("DELETE FROM code_sends WHERE sent_at <= $1")
        .bind(now - HOUR_SECS)
        .execute(db)
        .await?;
    sqlx::query("DELETE FROM email_codes WHERE expires_at <= $1")
        .bind(now)
        .execute(db)
        .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_hash_depends_on_key_address_purpose_and_code() {
        let base = code_hash(b"k1", "a@example.jp", Purpose::Signup, "123456");
        assert_eq!(
            base,
            code_hash(b"k1", "a@example.jp", Purpose::Signup, "123456")
        );
        assert_ne!(
            base,
            code_hash(b"k2", "a@example.jp", Purpose::Signup, "123456")
        );
        assert_ne!(
            base,
            code_hash(b"k1", "b@example.jp", Purpose::Signup, "123456")
        );
        assert_ne!(
            base,
            code_hash(b"k1", "a@example.jp", Purpose::PasswordReset, "123456")
        );
        assert_ne!(
            base,
            code_hash(b"k1", "a@example.jp", Purpose::Signup, "123457")
        );
        assert_ne!(
            code_hash(
                b"k1",
                "a@example.jp",
                Purpose::EmailChange { user_id: 1 },
                "1"
            ),
            code_hash(
                b"k1",
                "a@example.jp",
                Purpose::EmailChange { user_id: 2 },
                "1"
            )
        );
    }
}
