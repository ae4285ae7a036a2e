//! License keys (SPEC A3, A4): issued and cancelled by the operator from the command line,
//! registered by members, and a life cycle the janitor runs: a cancelled key works until the
//! end of its month (Japan time), then the account is a free member again and its data is
//! kept 30 days; the same key registered again within them restores everything; from day 31
//! the account's data (not the account) is deleted.

use axum::extract::State;
use hako_protocol::{
    ErrorBody, ErrorCode, LicenseKey, Me, ROOMS, RegisterLicense, masked_license_key,
};
use hmac::{Hmac, KeyInit, Mac};
use rand::Rng;
use sha2::Sha256;
use sqlx::AnyConnection;
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::{
    AppState,
    auth::{ClientIp, accounts, session::CurrentUser, throttle::LICENSE_KEYS},
    http::error::{ApiError, ApiJson, ApiResult},
    phones::wipe_room,
    store::db::Db,
    store::db::Flag,
};

/// Data outlives its license by this long (SPEC A4: kept 30 days, deleted from day 31).
pub const GRACE_SECS: i64 = 30 * 86_400;

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

/// The account's working key as the account page shows it, `****-****-****-3456` (SPEC V17):
/// only the last four digits are stored. The latest registered if there are several.
pub async fn live_key_masked(db: &Db, user_id: i64, now: i64) -> sqlx::Result<Option<String>> {
    let last4: Option<String> = sqlx::query_scalar(&format!(
        "{} ORDER BY live.redeemed_at DESC, live.id DESC LIMIT 1",
        live_keys("$1")
    ))
    .bind(user_id)
    .bind(now)
    .fetch_optional(db)
    .await?;
    Ok(last4.as_deref().map(masked_license_key))
}

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(register))
}

/// Registers a license key on the signed-in account, which becomes an unlimited member
/// (SPEC A3, V17). The same key again on the same account changes nothing. Web sessions only:
/// a phone's token cannot change what the account is.
#[utoipa::path(post, path = "/api/v1/account/license", tag = "account",
    security(("session_cookie" = [])), request_body = RegisterLicense,
    responses(
        (status = 200, description = "The key belongs to this account; it is an unlimited member", body = Me),
        (status = 400, description = "Wrong, used, cancelled or revoked key (one answer for all)", body = ErrorBody),
        (status = 429, description = "Too many wrong keys from this account or client", body = ErrorBody)))]
async fn register(
    State(state): State<AppState>,
    user: CurrentUser,
    ClientIp(ip): ClientIp,
    ApiJson(body): ApiJson<RegisterLicense>,
) -> ApiResult<ApiJson<Me>> {
    register_key(&state, user.id, &body.key, &ip.to_string()).await?;
    Ok(ApiJson(accounts::me(&state, user.id).await?))
}

/// Keyed hash, as for emailed codes: a copied database does not give the keys away, and the
/// label keeps these hashes apart from the codes' under the same server key.
fn key_hash(state: &AppState, key: &LicenseKey) -> Vec<u8> {
    let mut mac =
        Hmac::<Sha256>::new_from_slice(&state.code_key).expect("HMAC takes any key length");
    mac.update(b"license_key\0");
    mac.update(key.digits().as_bytes());
    mac.finalize().into_bytes().to_vec()
}

/// Parses, throttles and counts wrong keys for `subject` (an account id or an address
/// signing up), then runs `attempt` with the key's hash.
async fn guarded<T>(
    state: &AppState,
    raw: &str,
    subject: &str,
    client_ip: &str,
    attempt: impl AsyncFnOnce(Vec<u8>) -> Result<T, ApiError>,
) -> Result<T, ApiError> {
    let now = state.clock.now();
    let keys = [subject, client_ip];
    LICENSE_KEYS.check(&state.db, now, keys).await?;
    let result = match LicenseKey::parse(raw) {
        Ok(key) => attempt(key_hash(state, &key)).await,
        Err(code) => Err(code.into()),
    };
    if matches!(&result, Err(e) if e.code() == ErrorCode::LicenseKeyInvalid) {
        LICENSE_KEYS.record_failure(&state.db, now, keys).await?;
    }
    result
}

/// Registers `raw` on the account in one transaction (SPEC A3).
pub async fn register_key(
    state: &AppState,
    user_id: i64,
    raw: &str,
    client_ip: &str,
) -> Result<(), ApiError> {
    guarded(state, raw, &user_id.to_string(), client_ip, async |hash| {
        let mut tx = crate::store::db::begin_write(&state.db).await?;
        redeem_in(&mut tx, &hash, user_id, state.clock.now()).await?;
        tx.commit().await?;
        Ok(())
    })
    .await
}

/// Checks a key that comes with a sign-up before the account exists. Returns the key's hash
/// for [`redeem_in`], which the caller runs in the transaction that creates the account.
pub async fn check_for_signup(
    state: &AppState,
    raw: &str,
    email: &str,
    client_ip: &str,
) -> Result<Vec<u8>, ApiError> {
    guarded(state, raw, email, client_ip, async |hash| {
        let row = find(&mut *state.db.acquire().await?, &hash).await?;
        match row.map(|row| decide(&row, None, state.clock.now())) {
            Some(Decision::Claim) => Ok(hash),
            _ => Err(ErrorCode::LicenseKeyInvalid.into()),
        }
    })
    .await
}

#[derive(sqlx::FromRow)]
struct KeyRow {
    id: i64,
    state: String,
    user_id: Option<i64>,
    valid_until: Option<i64>,
    data_deleted_at: Option<i64>,
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

/// What registering this key means for `user_id` (`None`: an account about to be created).
fn decide(row: &KeyRow, user_id: Option<i64>, now: i64) -> Decision {
    let still_valid = row.valid_until.is_none_or(|until| now < until);
    let mine = row.user_id.is_some() && row.user_id == user_id;
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

async fn find(conn: &mut AnyConnection, hash: &[u8]) -> sqlx::Result<Option<KeyRow>> {
    sqlx::query_as(
        "SELECT id, state, user_id, valid_until, data_deleted_at FROM license_keys WHERE key_hash = $1",
    )
    .bind(hash)
    .fetch_optional(conn)
    .await
}

/// Makes the key with this hash `user_id`'s and the account unlimited, inside the caller's
/// transaction. Anything else than a key the account may hold is the generic refusal.
pub async fn redeem_in(
    conn: &mut AnyConnection,
    hash: &[u8],
    user_id: i64,
    now: i64,
) -> Result<(), ApiError> {
    let row = find(conn, hash)
        .await?
        .ok_or(ErrorCode::LicenseKeyInvalid)?;
    let changed = match decide(&row, Some(user_id), now) {
        Decision::Refuse => return Err(ErrorCode::LicenseKeyInvalid.into()),
        Decision::Unchanged => return Ok(()),
        // `user_id IS NULL` again: of two accounts racing for one key, one wins.
        Decision::Claim => sqlx::query(
            "UPDATE license_keys SET user_id = $1, redeemed_at = $2,
                state = CASE state WHEN 'issued' THEN 'redeemed' ELSE state END
             WHERE id = $3 AND user_id IS NULL",
        ),
        Decision::Restore => sqlx::query(
            "UPDATE license_keys SET user_id = $1, redeemed_at = $2, state = 'redeemed',
                cancelled_at = NULL, valid_until = NULL
             WHERE id = $3 AND data_deleted_at IS NULL",
        ),
    }
    .bind(user_id)
    .bind(now)
    .bind(row.id)
    .execute(&mut *conn)
    .await?;
    if changed.rows_affected() == 0 {
        return Err(ErrorCode::LicenseKeyInvalid.into());
    }
    sqlx::query("UPDATE users SET member_type = 'unlimited' WHERE id = $1")
        .bind(user_id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Makes `count` new keys. All or none are stored; each is shown only here.
pub async fn issue(state: &AppState, count: usize) -> anyhow::Result<Vec<LicenseKey>> {
    let now = state.clock.now();
    let mut tx = crate::store::db::begin_write(&state.db).await?;
    let mut keys = Vec::with_capacity(count);
    while keys.len() < count {
        let body = format!(
            "{:015}",
            rand::rng().random_range(0..1_000_000_000_000_000u64)
        );
        let key = LicenseKey::from_body(&body).expect("15 digits");
        // 15 digits from the OS-seeded CSPRNG: unguessable; a draw that repeats a stored key
        // (rare among 10¹⁵) is simply drawn again.
        let stored = sqlx::query(
            "INSERT INTO license_keys (key_hash, last4, issued_at) VALUES ($1, $2, $3)
             ON CONFLICT (key_hash) DO NOTHING",
        )
        .bind(key_hash(state, &key))
        .bind(key.last4())
        .bind(now)
        .execute(&mut *tx)
        .await?;
        if stored.rows_affected() == 1 {
            keys.push(key);
        }
    }
    tx.commit().await?;
    Ok(keys)
}

/// Cancels a key: it stays valid to the end of this month in Japan (SPEC A4). Returns that end.
pub async fn cancel(state: &AppState, key: &LicenseKey) -> anyhow::Result<i64> {
    let now = state.clock.now();
    // Months end in the users' time zone: the contract site's "end of the month" is Japan's.
    let until = crate::clock::end_of_month_in_japan(now)?;
    let cancelled: Option<i64> = sqlx::query_scalar(
        "UPDATE license_keys SET state = 'cancelled', cancelled_at = $1, valid_until = $2
         WHERE key_hash = $3 AND state IN ('issued', 'redeemed') RETURNING valid_until",
    )
    .bind(now)
    .bind(until)
    .bind(key_hash(state, key))
    .fetch_optional(&state.db)
    .await?;
    if let Some(until) = cancelled {
        return Ok(until);
    }
    let row = find(&mut *state.db.acquire().await?, &key_hash(state, key)).await?;
    match row {
        None => anyhow::bail!("no such license key was issued here"),
        Some(row) => anyhow::bail!("the key is already {}", row.state),
    }
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

pub async fn list(state: &AppState) -> sqlx::Result<Vec<Listed>> {
    sqlx::query_as(
        "SELECT k.last4, k.state, u.email, k.issued_at, k.redeemed_at, k.cancelled_at, k.valid_until
         FROM license_keys k LEFT JOIN users u ON u.id = k.user_id ORDER BY k.id",
    )
    .fetch_all(&state.db)
    .await
}

/// The life cycle step the janitor runs (SPEC A4): cancelled keys past their month expire and
/// their accounts become free members; 30 days later the data of accounts that did not
/// register a key again is deleted. Tests call it directly after moving the clock.
pub async fn run_lifecycle(state: &AppState) -> anyhow::Result<()> {
    let now = state.clock.now();
    let mut tx = crate::store::db::begin_write(&state.db).await?;
    let lapsed: Vec<Option<i64>> = sqlx::query_scalar(
        "UPDATE license_keys SET state = 'expired'
         WHERE state = 'cancelled' AND valid_until <= $1 RETURNING user_id",
    )
    .bind(now)
    .fetch_all(&mut *tx)
    .await?;
    for user_id in lapsed.into_iter().flatten() {
        sqlx::query(&format!(
            "UPDATE users SET member_type = 'free' WHERE id = $1 AND NOT {}",
            holds_live_key("$1")
        ))
        .bind(user_id)
        .bind(now)
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await?;

    // The 30 days count from the account's latest lapse, and stop for one that holds a key again.
    let due: Vec<i64> = sqlx::query_scalar(&format!(
        "SELECT k.user_id FROM license_keys k
         WHERE k.state = 'expired' AND k.user_id IS NOT NULL AND k.data_deleted_at IS NULL
           AND NOT {}
         GROUP BY k.user_id HAVING MAX(k.valid_until) + $1 <= $2",
        holds_live_key("k.user_id")
    ))
    .bind(GRACE_SECS)
    .bind(now)
    .fetch_all(&state.db)
    .await?;
    for user_id in due {
        purge_data(state, user_id, now).await?;
    }
    Ok(())
}

/// Deletes the account's files, backups and phone state, unless it holds a working key again.
async fn purge_data(state: &AppState, user_id: i64, now: i64) -> anyhow::Result<()> {
    let mut tx = crate::store::db::begin_write(&state.db).await?;
    let Flag(relicensed) = sqlx::query_scalar(&format!("SELECT {}", holds_live_key("$1")))
        .bind(user_id)
        .bind(now)
        .fetch_one(&mut *tx)
        .await?;
    if relicensed {
        return Ok(());
    }
    let mut wiped = Vec::new();
    for room in ROOMS {
        wiped.extend(wipe_room(&mut tx, user_id, i64::from(room)).await?);
    }
    sqlx::query(
        "UPDATE license_keys SET data_deleted_at = $1
         WHERE user_id = $2 AND state = 'expired' AND data_deleted_at IS NULL",
    )
    .bind(now)
    .bind(user_id)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    state.blobs.remove_unreferenced(&state.db, &wiped).await?;
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
        assert_eq!(
            decide(&row("issued", None, None), Some(7), now),
            Decision::Claim
        );
        assert_eq!(
            decide(&row("redeemed", Some(7), None), Some(7), now),
            Decision::Unchanged
        );
        assert_eq!(
            decide(&row("redeemed", Some(7), None), Some(8), now),
            Decision::Refuse
        );
        assert_eq!(
            decide(&row("redeemed", Some(7), None), None, now),
            Decision::Refuse
        );
        let lapsed = row("expired", Some(7), Some(now - GRACE_SECS + 1));
        assert_eq!(decide(&lapsed, Some(7), now), Decision::Restore);
        assert_eq!(decide(&lapsed, Some(8), now), Decision::Refuse);
        let too_late = row("expired", Some(7), Some(now - GRACE_SECS));
        assert_eq!(decide(&too_late, Some(7), now), Decision::Refuse);
        assert_eq!(
            decide(&row("cancelled", None, Some(now + 1)), None, now),
            Decision::Claim
        );
        assert_eq!(
            decide(&row("cancelled", None, Some(now)), None, now),
            Decision::Refuse
        );
        assert_eq!(
            decide(&row("expired", None, Some(now - 1)), Some(7), now),
            Decision::Refuse
        );
    }
}
