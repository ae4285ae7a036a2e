//! License keys (SPEC A3, A4): issued and cancelled by the operator from the command line,
//! registered by members, and a life cycle the janitor runs: a cancelled key works until the
//! end of its month (Japan time), then the account is a free member again and its data is
//! kept 30 days; the same key registered again within them restores everything; from day 31
//! the account's data (not the account) is deleted.

mod store;

use hako_protocol::{LicenseKey, ROOMS, masked_license_key};
use hmac::{Hmac, KeyInit, Mac};
use rand::Rng;
use sha2::Sha256;
use sqlx::AnyConnection;

pub use store::Listed;
use store::{KeyRow, Take};

use super::{error::AccountsError, throttle::LICENSE_KEYS};
use crate::store::{blobs::BlobStore, db::Db};

/// Data outlives its license by this long (SPEC A4: kept 30 days, deleted from day 31).
pub const GRACE_SECS: i64 = 30 * 86_400;

/// The account's working key as the account page shows it, `****-****-****-3456` (SPEC V17):
/// only the last four digits are stored. The latest registered if there are several.
pub(crate) async fn live_key_masked(
    db: &Db,
    user_id: i64,
    now: i64,
) -> sqlx::Result<Option<String>> {
    let last4 = store::live_key_last4(db, user_id, now).await?;
    Ok(last4.as_deref().map(masked_license_key))
}

/// Keyed hash, as for emailed codes: a copied database does not give the keys away, and the
/// label keeps these hashes apart from the codes' under the same server key.
fn key_hash(code_key: &[u8], key: &LicenseKey) -> Vec<u8> {
    let mut mac = Hmac::<Sha256>::new_from_slice(code_key).expect("HMAC takes any key length");
    mac.update(b"license_key\0");
    mac.update(key.digits().as_bytes());
    mac.finalize().into_bytes().to_vec()
}

/// Where keys live and the key they are hashed under, read at one moment.
pub struct Keys<'a> {
    pub db: &'a Db,
    pub code_key: &'a [u8],
    pub now: i64,
}

impl Keys<'_> {
    /// Parses, throttles and counts wrong keys for `subject` (an account id or an address
    /// signing up), then runs `attempt` with the key's hash.
    async fn guarded<T>(
        &self,
        raw: &str,
        subject: &str,
        client_ip: &str,
        attempt: impl AsyncFnOnce(Vec<u8>) -> Result<T, AccountsError>,
    ) -> Result<T, AccountsError> {
        let keys = [subject, client_ip];
        LICENSE_KEYS.check(self.db, self.now, keys).await?;
        let result = match LicenseKey::parse(raw) {
            Ok(key) => attempt(key_hash(self.code_key, &key)).await,
            Err(_) => Err(AccountsError::LicenseKeyInvalid),
        };
        if matches!(result, Err(AccountsError::LicenseKeyInvalid)) {
            LICENSE_KEYS.record_failure(self.db, self.now, keys).await?;
        }
        result
    }

    /// Registers `raw` on the account in one transaction (SPEC A3).
    pub(crate) async fn register(
        &self,
        user_id: i64,
        raw: &str,
        client_ip: &str,
    ) -> Result<(), AccountsError> {
        self.guarded(raw, &user_id.to_string(), client_ip, async |hash| {
            let mut tx = crate::store::db::begin_write(self.db).await?;
            redeem_in(&mut tx, &hash, user_id, self.now).await?;
            tx.commit().await?;
            Ok(())
        })
        .await
    }

    /// Makes `count` new keys. All or none are stored; each is shown only here.
    pub async fn issue(&self, count: usize) -> Result<Vec<LicenseKey>, AccountsError> {
        let mut tx = crate::store::db::begin_write(self.db).await?;
        let mut keys = Vec::with_capacity(count);
        while keys.len() < count {
            let body = format!(
                "{:015}",
                rand::rng().random_range(0..1_000_000_000_000_000u64)
            );
            let key = LicenseKey::from_body(&body).expect("15 digits");
            // 15 digits from the OS-seeded CSPRNG: unguessable; a draw that repeats a stored
            // key (rare among 10¹⁵) is simply drawn again.
            let hash = key_hash(self.code_key, &key);
            if store::insert_key(&mut tx, &hash, key.last4(), self.now).await? {
                keys.push(key);
            }
        }
        tx.commit().await?;
        Ok(keys)
    }

    /// Cancels a key: it stays valid to the end of this month in Japan (SPEC A4). Returns
    /// that end.
    pub async fn cancel(&self, key: &LicenseKey) -> Result<i64, AccountsError> {
        // Months end in the users' time zone: the contract site's "end of the month" is Japan's.
        let until = crate::clock::end_of_month_in_japan(self.now)?;
        let hash = key_hash(self.code_key, key);
        if let Some(until) = store::cancel(self.db, &hash, self.now, until).await? {
            return Ok(until);
        }
        match store::find(&mut *self.db.acquire().await?, &hash).await? {
            None => Err(AccountsError::LicenseKeyUnknown),
            Some(row) => Err(AccountsError::LicenseKeyNotCancellable(row.state)),
        }
    }
}

#[derive(Debug, PartialEq, Eq)]
enum Decision {
    /// A key nobody holds: it becomes this account's.
    Claim,
    /// This account's key that lapsed less than 30 days ago: it works again, data kept.
    Restore,
    /// Already this account's working key: nothing to do.
    Unchanged,
    Refuse,
}

/// What registering this key means for `user_id`.
fn decide(row: &KeyRow, user_id: i64, now: i64) -> Decision {
    let still_valid = row.valid_until.is_none_or(|until| now < until);
    let mine = row.user_id == Some(user_id);
    match row.state.as_str() {
        "issued" if row.user_id.is_none() => Decision::Claim,
        // A cancelled key that nobody registered still works to the end of its month.
        "cancelled" if row.user_id.is_none() && still_valid => Decision::Claim,
        "redeemed" if mine => Decision::Unchanged,
        "cancelled" if mine && still_valid => Decision::Unchanged,
        "cancelled" | "expired"
            if mine
                && row.data_deleted_at.is_none()
                && row
                    .valid_until
                    .is_some_and(|until| now < until + GRACE_SECS) =>
        {
            Decision::Restore
        }
        _ => Decision::Refuse,
    }
}

/// Makes the key with this hash `user_id`'s and the account unlimited, inside the caller's
/// transaction. Anything else than a key the account may hold is the generic refusal.
pub(crate) async fn redeem_in(
    conn: &mut AnyConnection,
    hash: &[u8],
    user_id: i64,
    now: i64,
) -> Result<(), AccountsError> {
    let row = store::find(conn, hash)
        .await?
        .ok_or(AccountsError::LicenseKeyInvalid)?;
    let changed = match decide(&row, user_id, now) {
        Decision::Refuse => return Err(AccountsError::LicenseKeyInvalid),
        Decision::Unchanged => return Ok(()),
        Decision::Claim => store::take(conn, Take::Claim, row.id, user_id, now).await?,
        Decision::Restore => store::take(conn, Take::Restore, row.id, user_id, now).await?,
    };
    if !changed {
        return Err(AccountsError::LicenseKeyInvalid);
    }
    store::make_unlimited(conn, user_id).await?;
    Ok(())
}

/// Every key, for `hako license list`.
pub async fn list(db: &Db) -> Result<Vec<Listed>, AccountsError> {
    Ok(store::list(db).await?)
}

/// The life cycle step the janitor runs (SPEC A4): cancelled keys past their month expire and
/// their accounts become free members; 30 days later the data of accounts that did not
/// register a key again is deleted, by `wipe_room` (account, ROOM) inside the transaction that
/// records it, which returns the stored files it let go of. The deleting comes in as an
/// argument because the phones area owns that data and calls accounts for sign-in: accounts
/// must not call it back.
pub async fn run_lifecycle(
    db: &Db,
    blobs: &BlobStore,
    now: i64,
    wipe_room: impl AsyncFn(&mut AnyConnection, i64, i64) -> sqlx::Result<Vec<String>>,
) -> Result<(), AccountsError> {
    let mut tx = crate::store::db::begin_write(db).await?;
    for user_id in store::expire_lapsed(&mut tx, now).await? {
        store::make_free_unless_licensed(&mut tx, user_id, now).await?;
    }
    tx.commit().await?;

    // The 30 days count from the account's latest lapse, and stop for one that holds a key again.
    for user_id in store::data_due(db, now, GRACE_SECS).await? {
        purge_data(db, blobs, user_id, now, &wipe_room).await?;
    }
    Ok(())
}

/// Deletes the account's files, backups and phone state, unless it holds a working key again.
async fn purge_data(
    db: &Db,
    blobs: &BlobStore,
    user_id: i64,
    now: i64,
    wipe_room: &impl AsyncFn(&mut AnyConnection, i64, i64) -> sqlx::Result<Vec<String>>,
) -> Result<(), AccountsError> {
    let mut tx = crate::store::db::begin_write(db).await?;
    if store::holds_live_key_now(&mut *tx, user_id, now).await? {
        return Ok(());
    }
    let mut wiped = Vec::new();
    for room in ROOMS {
        wiped.extend(wipe_room(&mut tx, user_id, i64::from(room)).await?);
    }
    store::mark_data_deleted(&mut tx, user_id, now).await?;
    tx.commit().await?;
    blobs.remove_unreferenced(db, &wiped).await?;
    tracing::info!(
        user_id,
        files = wiped.len(),
        "deleted the data of a license that lapsed 30 days ago"
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(state: &str, user_id: Option<i64>, valid_until: Option<i64>) -> KeyRow {
        KeyRow {
            id: 1,
            state: state.to_owned(),
            user_id,
            valid_until,
            data_deleted_at: None,
        }
    }

    #[test]
    fn a_key_goes_to_one_account_and_comes_back_only_to_it_within_30_days() {
        let now = 1_000_000;
        assert_eq!(decide(&row("issued", None, None), 7, now), Decision::Claim);
        assert_eq!(
            decide(&row("redeemed", Some(7), None), 7, now),
            Decision::Unchanged
        );
        assert_eq!(
            decide(&row("redeemed", Some(7), None), 8, now),
            Decision::Refuse
        );
        let lapsed = row("expired", Some(7), Some(now - GRACE_SECS + 1));
        assert_eq!(decide(&lapsed, 7, now), Decision::Restore);
        assert_eq!(decide(&lapsed, 8, now), Decision::Refuse);
        let too_late = row("expired", Some(7), Some(now - GRACE_SECS));
        assert_eq!(decide(&too_late, 7, now), Decision::Refuse);
        assert_eq!(
            decide(&row("cancelled", None, Some(now + 1)), 7, now),
            Decision::Claim
        );
        assert_eq!(
            decide(&row("cancelled", None, Some(now)), 7, now),
            Decision::Refuse
        );
        assert_eq!(
            decide(&row("expired", None, Some(now - 1)), 7, now),
            Decision::Refuse
        );
    }
}
