//! Emailed 6-digit codes, exactly as SPEC A2 says: valid 10 minutes, dead after 5 wrong
//! tries, only the latest works, 60 s between sends, 5 sends per address per hour.
//!
//! A code row is stored for every request, also for addresses without an account (it is
//! simply never mailed), so every answer and every timing is the same either way.

use hako_protocol::{CODE_LEN, normalize_code};
use hmac::{Hmac, KeyInit, Mac};
use rand::Rng;
use sha2::Sha256;
use sqlx::AnyConnection;
use subtle::ConstantTimeEq;

use super::{
    error::AccountsError,
    store::{self, CodeFor, SendLimits, StoredCode},
};
use crate::store::db::Db;

pub(crate) const CODE_TTL_SECS: i64 = 10 * 60;
pub(crate) const RESEND_INTERVAL_SECS: i64 = 60;
const SENDS_PER_HOUR: i64 = 5;
const MAX_WRONG_TRIES: i64 = 5;
const HOUR_SECS: i64 = 3600;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Purpose {
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

    fn code_for(self, email: &str) -> CodeFor<'_> {
        CodeFor {
            email,
            purpose: self.as_str(),
            user_id: self.user_id(),
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

/// Where codes live and the key they are hashed under, read at one moment.
pub(crate) struct Codes<'a> {
    pub db: &'a Db,
    pub key: &'a [u8],
    pub now: i64,
}

impl Codes<'_> {
    /// Records a send if the address's limits allow one, and stores a fresh code in place of
    /// any earlier one. Returns the code to mail. `password_hash` travels with a sign-up code.
    pub(crate) async fn issue(
        &self,
        email: &str,
        purpose: Purpose,
        password_hash: Option<String>,
    ) -> Result<String, AccountsError> {
        self.issue_valid_for(email, purpose, password_hash, CODE_TTL_SECS)
            .await
    }

    /// As `issue`, for a code that stays valid `ttl_secs` (an invitation waits for days).
    pub(crate) async fn issue_valid_for(
        &self,
        email: &str,
        purpose: Purpose,
        password_hash: Option<String>,
        ttl_secs: i64,
    ) -> Result<String, AccountsError> {
        let limits = SendLimits {
            interval_secs: RESEND_INTERVAL_SECS,
            window_secs: HOUR_SECS,
            per_window: SENDS_PER_HOUR,
        };
        if !store::record_send(self.db, email, self.now, &limits).await? {
            return Err(self.send_refusal(email).await?);
        }
        let code = format!("{:06}", rand::rng().random_range(0..1_000_000u32));
        debug_assert_eq!(code.len(), CODE_LEN);
        let stored = StoredCode {
            code_hash: code_hash(self.key, email, purpose, &code),
            expires_at: self.now + ttl_secs,
            failed_attempts: 0,
            password_hash,
        };
        let mut tx = crate::store::db::begin_write(self.db).await?;
        // Only the latest works also per account: a change to another address drops the earlier code.
        store::replace_code(&mut tx, &purpose.code_for(email), &stored).await?;
        tx.commit().await?;
        Ok(code)
    }

    /// Which limit refused a send, and when the next send can succeed.
    async fn send_refusal(&self, email: &str) -> Result<AccountsError, AccountsError> {
        let now = self.now;
        let sent = store::sends_since(self.db, email, now - HOUR_SECS).await?;
        let wait = |until: i64| u64::try_from(until - now).unwrap_or(1);
        Ok(if sent.count >= SENDS_PER_HOUR {
            AccountsError::CodeSendLimit {
                retry_after: wait(sent.oldest.unwrap_or(now) + HOUR_SECS),
            }
        } else {
            AccountsError::CodeResendTooSoon {
                retry_after: wait(sent.latest.unwrap_or(now) + RESEND_INTERVAL_SECS),
            }
        })
    }

    /// Uses up the latest code for this address and purpose if `submitted` matches it.
    /// Returns what was stored with it (the sign-up's password hash, if any).
    pub(crate) async fn consume(
        &self,
        email: &str,
        purpose: Purpose,
        submitted: &str,
    ) -> Result<Option<String>, AccountsError> {
        self.consume_then(email, purpose, submitted, async |_, stored| Ok(stored))
            .await
    }

    /// [`Self::consume`], then `then` in the same write transaction: the code is used up only
    /// if what it confirms is done too. A refused code is still committed, so a wrong try
    /// always counts.
    pub(crate) async fn consume_then<T>(
        &self,
        email: &str,
        purpose: Purpose,
        submitted: &str,
        then: impl AsyncFnOnce(&mut AnyConnection, Option<String>) -> Result<T, AccountsError>,
    ) -> Result<T, AccountsError> {
        let mut tx = crate::store::db::begin_write(self.db).await?;
        match self.use_up(&mut tx, email, purpose, submitted).await {
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
        &self,
        conn: &mut AnyConnection,
        email: &str,
        purpose: Purpose,
        submitted: &str,
    ) -> Result<Option<String>, AccountsError> {
        let target = purpose.code_for(email);
        let Some(stored) = store::code(conn, &target).await? else {
            return Err(AccountsError::CodeExpired);
        };
        let failed = stored.failed_attempts;
        if self.now >= stored.expires_at || failed >= MAX_WRONG_TRIES {
            store::delete_code(conn, &target).await?;
            return Err(AccountsError::CodeExpired);
        }
        // Something that is not six digits is a typing slip, not a guess: it costs no try.
        let Some(code) = normalize_code(submitted) else {
            return Err(AccountsError::CodeInvalid {
                attempts_left: Some(u32::try_from(MAX_WRONG_TRIES - failed).unwrap_or(0)),
            });
        };
        let matches: bool = code_hash(self.key, email, purpose, &code)
            .ct_eq(&stored.code_hash)
            .into();
        if !matches {
            let left = MAX_WRONG_TRIES - store::count_wrong_try(conn, &target).await?;
            return Err(if left <= 0 {
                AccountsError::CodeExpired
            } else {
                AccountsError::CodeInvalid {
                    attempts_left: Some(u32::try_from(left).unwrap_or(0)),
                }
            });
        }
        store::delete_code(conn, &target).await?;
        Ok(stored.password_hash)
    }
}

/// Drops sends older than any limit looks at and codes past their time.
pub(crate) async fn prune(db: &Db, now: i64) -> sqlx::Result<()> {
    store::delete_old_codes(db, now - HOUR_SECS, now).await
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
