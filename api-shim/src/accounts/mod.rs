//! Accounts (SPEC V1, V2, V17, A1–A5): sign-up, sign-in and password reset by email, web
//! sessions, emailed codes, guess throttles, Google and Apple sign-in (`oidc`) and license
//! keys (`license`). This file holds the account rules, plain data in and out; `store.rs`
//! their SQL; `http.rs` the endpoints. Other areas call what is `pub(crate)` here.
//!
//! Who calls whom inside: `http` → this file → `codes`, `session`, `throttle`, `license`,
//! `oidc` → `store`; all of them return [`AccountsError`] (`error.rs`). `license` and `oidc`
//! never call this file back.

mod codes;
mod error;
pub(crate) mod http;
pub mod license;
mod oidc;
pub mod password;
mod session;
mod store;
mod throttle;
mod tokens;

use hako_protocol::{
    ChangeEmail, ChangeEmailVerify, ChangePassword, Credentials, Me, MemberType,
    PASSWORD_MAX_CHARS, PasswordResetVerify, VerifyCode, normalize_email, validate_password,
};

use codes::{Codes, Purpose};
pub use error::AccountsError;
pub use oidc::Providers as OidcProviders;
pub(crate) use session::{COOKIE_NAME as SESSION_COOKIE, CurrentUser};
pub(crate) use tokens::{new_token, token_hash};

use crate::{AppState, config::Config, mail::Mail, store::db::Db};

/// Emailed codes at this moment, under the server's key.
fn codes(state: &AppState) -> Codes<'_> {
    Codes {
        db: &state.db,
        key: &state.code_key,
        now: state.clock.now(),
    }
}

/// License keys at this moment, under the server's key.
pub fn license_keys(state: &AppState) -> license::Keys<'_> {
    license::Keys {
        db: &state.db,
        code_key: &state.code_key,
        now: state.clock.now(),
    }
}

/// Step 1 of sign-up: mails a code. An address that already has an account gets a notice
/// instead, and the caller cannot tell the difference.
pub(crate) async fn request_signup(
    state: &AppState,
    credentials: Credentials,
) -> Result<(), AccountsError> {
    let email = normalize_email(&credentials.email).map_err(AccountsError::Refused)?;
    validate_password(&credentials.password).map_err(AccountsError::Refused)?;
    let password_hash = password::hash(credentials.password).await?;
    let exists = store::login_by_email(&state.db, &email).await?.is_some();
    let code = codes(state)
        .issue(&email, Purpose::Signup, (!exists).then_some(password_hash))
        .await?;
    let mail = if exists {
        Mail::SignupAlreadyRegistered
    } else {
        Mail::SignupCode { code }
    };
    state.mail_in_background(email, mail);
    Ok(())
}

/// Step 2 of sign-up: the code creates the account, unlimited when a license key came with
/// it (SPEC V2). Returns the new account's id.
///
/// A key the server refuses (used, cancelled, mistyped past the browser's check digit, or
/// too many tries) does not cost the person the account: it is created free, the done page
/// says the key was not registered, and the account page takes a key again (SPEC V17).
pub(crate) async fn verify_signup(
    state: &AppState,
    request: VerifyCode,
    client_ip: &str,
) -> Result<i64, AccountsError> {
    let email = normalize_email(&request.email).map_err(AccountsError::Refused)?;
    let password_hash = codes(state)
        .consume(&email, Purpose::Signup, &request.code)
        .await?
        // A code stored for an existing address carries no password and was never mailed.
        .ok_or(AccountsError::CodeInvalid {
            attempts_left: None,
        })?;
    let now = state.clock.now();
    let id = store::insert_user(&state.db, &email, &password_hash, now)
        .await?
        .ok_or(AccountsError::CodeInvalid {
            attempts_left: None,
        })?;
    if let Some(raw) = request.license_key.filter(|k| !k.trim().is_empty())
        && let Err(error) = license_keys(state).register(id, &raw, client_ip).await
    {
        tracing::info!(user = id, %error, "the sign-up's license key was not registered");
    }
    Ok(id)
}

/// Creates a verified account (`hako user add`, fixtures); `None` if the address is taken.
pub async fn create_account(
    db: &Db,
    email: &str,
    password_hash: &str,
    now: i64,
) -> Result<Option<i64>, AccountsError> {
    Ok(store::insert_user(db, email, password_hash, now).await?)
}

/// How long an invitation's code stays valid: three days to find the mail.
pub const INVITATION_TTL_SECS: i64 = 72 * 3600;

/// An account for someone another user brings in (a company's admin): the one at `email`, or
/// a new one with a password nobody knows and a code, valid for days, that sets a password
/// through the ordinary password reset.
pub enum Invited {
    Existing { user_id: i64 },
    New { user_id: i64, code: String },
}

pub async fn invite(state: &AppState, email: &str) -> Result<Invited, AccountsError> {
    let email = normalize_email(email).map_err(AccountsError::Refused)?;
    if let Some(login) = store::login_by_email(&state.db, &email).await? {
        return Ok(Invited::Existing { user_id: login.id });
    }
    let now = state.clock.now();
    let password_hash = password::hash(tokens::new_token().0).await?;
    let user_id = store::insert_user(&state.db, &email, &password_hash, now)
        .await?
        .ok_or(AccountsError::Refused(hako_protocol::ErrorCode::EmailTaken))?;
    let code = codes(state)
        .issue_valid_for(&email, Purpose::PasswordReset, None, INVITATION_TTL_SECS)
        .await?;
    Ok(Invited::New { user_id, code })
}

/// The account as the web viewer shows it, read fresh: every answer that carries `Me` comes
/// from here, so a license or user ID change shows at once.
pub(crate) async fn me(db: &Db, now: i64, user_id: i64) -> Result<Me, AccountsError> {
    let profile = store::profile(db, user_id).await?;
    Ok(Me {
        email: profile.email,
        member_type: if profile.member_type == "unlimited" {
            MemberType::Unlimited
        } else {
            MemberType::Free
        },
        created_at: crate::clock::rfc3339(profile.created_at),
        license_key_masked: license::live_key_masked(db, user_id, now).await?,
    })
}

/// Checks email and password under the throttles. Returns the account's id.
pub(crate) async fn sign_in(
    state: &AppState,
    credentials: Credentials,
    client_ip: &str,
) -> Result<i64, AccountsError> {
    let email =
        normalize_email(&credentials.email).map_err(|_| AccountsError::InvalidCredentials)?;
    password_checked(state, &email, credentials.password, client_ip).await
}

/// The password of the account at `email`, under the sign-in throttle: signing in and every
/// change confirmed by the current password count their failures together, so neither can
/// be used to guess. Returns the account's id.
async fn password_checked(
    state: &AppState,
    email: &str,
    password: String,
    client_ip: &str,
) -> Result<i64, AccountsError> {
    let now = state.clock.now();
    throttle::SIGN_IN
        .check(&state.db, now, [email, client_ip])
        .await?;
    let account = store::login_by_email(&state.db, email).await?;
    // An over-long password cannot be right; refusing it before hashing bounds the work.
    let plausible = password.chars().count() <= PASSWORD_MAX_CHARS;
    let verified = plausible
        && password::verify(
            password,
            account.as_ref().map(|login| login.password_hash.clone()),
        )
        .await?;
    match account {
        Some(login) if verified => {
            throttle::SIGN_IN.clear(&state.db, email).await?;
            Ok(login.id)
        }
        _ => {
            throttle::SIGN_IN
                .record_failure(&state.db, now, [email, client_ip])
                .await?;
            Err(AccountsError::InvalidCredentials)
        }
    }
}

/// The signed-in user's current password, typed again to confirm a change (SPEC V17). A
/// wrong one is not "signed out" (401) but its own clear error.
async fn confirm_password(
    state: &AppState,
    user: &CurrentUser,
    password: String,
    client_ip: &str,
) -> Result<(), AccountsError> {
    match password_checked(state, &user.email, password, client_ip).await {
        Err(AccountsError::InvalidCredentials) => Err(AccountsError::CurrentPasswordWrong),
        checked => checked.map(drop),
    }
}

/// Sets a new password and ends the account's other sessions (SPEC V17, A5); the session
/// that made the change stays. Phones' device tokens stay valid: a phone signs in with the
/// password once and never again, so a new password must not cut its backups off.
pub(crate) async fn change_password(
    state: &AppState,
    user: &CurrentUser,
    request: ChangePassword,
    client_ip: &str,
) -> Result<(), AccountsError> {
    // Checked first: a password that breaks the rules costs no try of the current one.
    validate_password(&request.new_password).map_err(AccountsError::Refused)?;
    confirm_password(state, user, request.current_password, client_ip).await?;
    let hash = password::hash(request.new_password).await?;
    let mut tx = crate::store::db::begin_account_write(&state.db, user.id).await?;
    store::set_password(&mut *tx, user.id, &hash).await?;
    store::delete_sessions_of(&mut *tx, user.id, Some(&user.session)).await?;
    tx.commit().await?;
    Ok(())
}

/// Step 1 of changing the user ID (SPEC V17): mails a code to the new address under the A2
/// rules. An address that belongs to another account gets its code all the same, so the
/// answer does not reveal it (SPEC A2); only someone who reads that mailbox learns, at
/// step 2, that it is taken.
pub(crate) async fn request_email_change(
    state: &AppState,
    user: &CurrentUser,
    request: ChangeEmail,
    client_ip: &str,
) -> Result<(), AccountsError> {
    let new_email = normalize_email(&request.new_email).map_err(AccountsError::Refused)?;
    if new_email == user.email {
        return Err(AccountsError::EmailUnchanged);
    }
    confirm_password(state, user, request.password, client_ip).await?;
    let purpose = Purpose::EmailChange { user_id: user.id };
    let code = codes(state).issue(&new_email, purpose, None).await?;
    state.mail_in_background(new_email, Mail::EmailChangeCode { code });
    Ok(())
}

/// Step 2: the code makes the new address the user ID, in the transaction that uses the code
/// up; then the old address is told. Sessions and device tokens stay.
pub(crate) async fn change_email(
    state: &AppState,
    user: &CurrentUser,
    request: ChangeEmailVerify,
) -> Result<Me, AccountsError> {
    let new_email = normalize_email(&request.new_email).map_err(AccountsError::Refused)?;
    let purpose = Purpose::EmailChange { user_id: user.id };
    codes(state)
        .consume_then(&new_email, purpose, &request.code, async |conn, _| {
            if store::set_email(conn, user.id, &new_email).await? {
                Ok(())
            } else {
                Err(AccountsError::EmailTaken)
            }
        })
        .await?;
    state.mail_in_background(
        user.email.clone(),
        Mail::EmailChanged {
            new_email: new_email.clone(),
        },
    );
    me(&state.db, state.clock.now(), user.id).await
}

/// Mails a password-reset code if the address has an account; answers the same if not.
pub(crate) async fn request_password_reset(
    state: &AppState,
    email: &str,
) -> Result<(), AccountsError> {
    let email = normalize_email(email).map_err(AccountsError::Refused)?;
    let exists = store::login_by_email(&state.db, &email).await?.is_some();
    let code = codes(state)
        .issue(&email, Purpose::PasswordReset, None)
        .await?;
    if exists {
        state.mail_in_background(email, Mail::PasswordResetCode { code });
    }
    Ok(())
}

/// Sets the new password and ends every session of the account (SPEC A5).
pub(crate) async fn reset_password(
    state: &AppState,
    request: PasswordResetVerify,
) -> Result<i64, AccountsError> {
    let email = normalize_email(&request.email).map_err(AccountsError::Refused)?;
    // Checked first, so a password that breaks the rules does not use up the code.
    validate_password(&request.new_password).map_err(AccountsError::Refused)?;
    codes(state)
        .consume(&email, Purpose::PasswordReset, &request.code)
        .await?;
    let login =
        store::login_by_email(&state.db, &email)
            .await?
            .ok_or(AccountsError::CodeInvalid {
                attempts_left: None,
            })?;
    let hash = password::hash(request.new_password).await?;
    store::set_password(&state.db, login.id, &hash).await?;
    store::delete_sessions_of(&state.db, login.id, None).await?;
    Ok(login.id)
}

/// Drops what no rule looks at any more: sessions past their timeouts, old code sends,
/// expired codes, unfinished OpenID sign-ins and throttle rows outside their window.
pub(crate) async fn prune(db: &Db, now: i64, config: &Config) -> sqlx::Result<()> {
    session::prune(db, now, &session::Timeouts::of(config)).await?;
    codes::prune(db, now).await?;
    oidc::prune(db, now).await?;
    throttle::SIGN_IN.prune(db, now).await?;
    throttle::LICENSE_KEYS.prune(db, now).await
}
