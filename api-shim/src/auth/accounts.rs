//! Email accounts (SPEC V2, A1, A2, A5): the steps behind the auth endpoints, without HTTP.

use hako_protocol::{
    ChangeEmail, ChangeEmailVerify, ChangePassword, Credentials, ErrorCode, Me, MemberType,
    PASSWORD_MAX_CHARS, PasswordResetVerify, VerifyCode, normalize_email, validate_password,
};

use super::{
    codes::{self, Purpose},
    password,
    session::{self, CurrentUser},
    throttle,
};
use crate::{AppState, http::error::ApiError, license, mail::Mail};

async fn account_by_email(
    state: &AppState,
    email: &str,
) -> Result<Option<(i64, String)>, ApiError> {
    Ok(
        sqlx::query_as("SELECT id, password_hash FROM users WHERE email = $1")
            .bind(email)
            .fetch_optional(&state.db)
            .await?,
    )
}

/// Step 1 of sign-up: mails a code. An address that already has an account gets a notice
/// instead, and the caller cannot tell the difference.
pub async fn request_signup(state: &AppState, credentials: Credentials) -> Result<(), ApiError> {
    let email = normalize_email(&credentials.email)?;
    validate_password(&credentials.password)?;
    let password_hash = password::hash(credentials.password).await?;
    let exists = account_by_email(state, &email).await?.is_some();
    let code = codes::issue(
        state,
        &email,
        Purpose::Signup,
        (!exists).then_some(password_hash),
    )
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
pub async fn verify_signup(
    state: &AppState,
    request: VerifyCode,
    client_ip: &str,
) -> Result<i64, ApiError> {
    let email = normalize_email(&request.email)?;
    // The key is checked before the code is used up, so a mistyped key costs no code.
    let key = match request.license_key.as_deref() {
        Some(raw) if !raw.trim().is_empty() => {
            Some(license::check_for_signup(state, raw, &email, client_ip).await?)
        }
        _ => None,
    };
    let password_hash = codes::consume(state, &email, Purpose::Signup, &request.code)
        .await?
        // A code stored for an existing address carries no password and was never mailed.
        .ok_or(ErrorCode::CodeInvalid)?;
    let now = state.clock.now();
    let mut tx = crate::store::db::begin_write(&state.db).await?;
    let id = create_account(&mut *tx, &email, &password_hash, now)
        .await?
        .ok_or(ErrorCode::CodeInvalid)?;
    if let Some(key) = key {
        // In the same transaction: a key taken meanwhile leaves no account behind.
        license::redeem_in(&mut tx, &key, id, now).await?;
    }
    tx.commit().await?;
    Ok(id)
}

/// Creates a verified account; `None` if the address is taken.
pub async fn create_account<'e>(
    db: impl sqlx::Executor<'e, Database = sqlx::Any>,
    email: &str,
    password_hash: &str,
    now: i64,
) -> Result<Option<i64>, ApiError> {
    Ok(sqlx::query_scalar(
        "INSERT INTO users (email, password_hash, created_at) VALUES ($1, $2, $3)
         ON CONFLICT (email) DO NOTHING RETURNING id",
    )
    .bind(email)
    .bind(password_hash)
    .bind(now)
    .fetch_optional(db)
    .await?)
}

/// The account as the web viewer shows it, read fresh: every answer that carries `Me` comes
/// from here, so a license or user ID change shows at once.
pub async fn me(state: &AppState, user_id: i64) -> Result<Me, ApiError> {
    let (email, member_type, created_at) = sqlx::query_as::<_, (String, String, i64)>(
        "SELECT email, member_type, created_at FROM users WHERE id = $1",
    )
    .bind(user_id)
    .fetch_one(&state.db)
    .await?;
    Ok(Me {
        email,
        member_type: if member_type == "unlimited" {
            MemberType::Unlimited
        } else {
            MemberType::Free
        },
        created_at: crate::clock::rfc3339(created_at),
        license_key_masked: license::live_key_masked(&state.db, user_id, state.clock.now()).await?,
    })
}

/// Checks email and password under the throttles. Returns the account's id.
pub async fn sign_in(
    state: &AppState,
    credentials: Credentials,
    client_ip: &str,
) -> Result<i64, ApiError> {
    let email = normalize_email(&credentials.email).map_err(|_| ErrorCode::InvalidCredentials)?;
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
) -> Result<i64, ApiError> {
    let now = state.clock.now();
    throttle::SIGN_IN
        .check(&state.db, now, [email, client_ip])
        .await?;
    let account = account_by_email(state, email).await?;
    // An over-long password cannot be right; refusing it before hashing bounds the work.
    let plausible = password.chars().count() <= PASSWORD_MAX_CHARS;
    let verified = plausible
        && password::verify(password, account.as_ref().map(|(_, hash)| hash.clone())).await?;
    match account {
        Some((id, _)) if verified => {
            throttle::SIGN_IN.clear(&state.db, email).await?;
            Ok(id)
        }
        _ => {
            throttle::SIGN_IN
                .record_failure(&state.db, now, [email, client_ip])
                .await?;
            Err(ErrorCode::InvalidCredentials.into())
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
) -> Result<(), ApiError> {
    match password_checked(state, &user.email, password, client_ip).await {
        Err(e) if e.code() == ErrorCode::InvalidCredentials => {
            Err(ErrorCode::CurrentPasswordWrong.into())
        }
        checked => checked.map(drop),
    }
}

/// Sets a new password and ends the account's other sessions (SPEC V17, A5); the session
/// that made the change stays. Phones' device tokens stay valid: a phone signs in with the
/// password once and never again, so a new password must not cut its backups off.
pub async fn change_password(
    state: &AppState,
    user: &CurrentUser,
    request: ChangePassword,
    client_ip: &str,
) -> Result<(), ApiError> {
    // Checked first: a password that breaks the rules costs no try of the current one.
    validate_password(&request.new_password)?;
    confirm_password(state, user, request.current_password, client_ip).await?;
    let hash = password::hash(request.new_password).await?;
    let mut tx = crate::store::db::begin_write(&state.db).await?;
    sqlx::query("UPDATE users SET password_hash = $1 WHERE id = $2")
        .bind(hash)
        .bind(user.id)
        .execute(&mut *tx)
        .await?;
    session::end_all(&mut *tx, user.id, Some(&user.session)).await?;
    tx.commit().await?;
    Ok(())
}

/// Step 1 of changing the user ID (SPEC V17): mails a code to the new address under the A2
/// rules. An address that belongs to another account gets its code all the same, so the
/// answer does not reveal it (SPEC A2); only someone who reads that mailbox learns, at
/// step 2, that it is taken.
pub async fn request_email_change(
    state: &AppState,
    user: &CurrentUser,
    request: ChangeEmail,
    client_ip: &str,
) -> Result<(), ApiError> {
    let new_email = normalize_email(&request.new_email)?;
    if new_email == user.email {
        return Err(ErrorCode::EmailUnchanged.into());
    }
    confirm_password(state, user, request.password, client_ip).await?;
    let purpose = Purpose::EmailChange { user_id: user.id };
    let code = codes::issue(state, &new_email, purpose, None).await?;
    state.mail_in_background(new_email, Mail::EmailChangeCode { code });
    Ok(())
}

/// Step 2: the code makes the new address the user ID, in the transaction that uses the code
/// up; then the old address is told. Sessions and device tokens stay.
pub async fn change_email(
    state: &AppState,
    user: &CurrentUser,
    request: ChangeEmailVerify,
) -> Result<Me, ApiError> {
    let new_email = normalize_email(&request.new_email)?;
    let purpose = Purpose::EmailChange { user_id: user.id };
    codes::consume_then(
        state,
        &new_email,
        purpose,
        &request.code,
        async |conn, _| {
            let changed = sqlx::query(
                "UPDATE users SET email = $1 WHERE id = $2
               AND NOT EXISTS (SELECT 1 FROM users WHERE email = $1)",
            )
            .bind(&new_email)
            .bind(user.id)
            .execute(conn)
            .await?;
            if changed.rows_affected() == 0 {
                return Err(ApiError::new(ErrorCode::EmailTaken));
            }
            Ok(())
        },
    )
    .await?;
    state.mail_in_background(
        user.email.clone(),
        Mail::EmailChanged {
            new_email: new_email.clone(),
        },
    );
    me(state, user.id).await
}

/// Mails a password-reset code if the address has an account; answers the same if not.
pub async fn request_password_reset(state: &AppState, email: &str) -> Result<(), ApiError> {
    let email = normalize_email(email)?;
    let exists = account_by_email(state, &email).await?.is_some();
    let code = codes::issue(state, &email, Purpose::PasswordReset, None).await?;
    if exists {
        state.mail_in_background(email, Mail::PasswordResetCode { code });
    }
    Ok(())
}

/// Sets the new password and ends every session of the account (SPEC A5).
pub async fn reset_password(
    state: &AppState,
    request: PasswordResetVerify,
) -> Result<i64, ApiError> {
    let email = normalize_email(&request.email)?;
    // Checked first, so a password that breaks the rules does not use up the code.
    validate_password(&request.new_password)?;
    codes::consume(state, &email, Purpose::PasswordReset, &request.code).await?;
    let (id, _) = account_by_email(state, &email)
        .await?
        .ok_or(ErrorCode::CodeInvalid)?;
    let hash = password::hash(request.new_password).await?;
    sqlx::query("UPDATE users SET password_hash = $1 WHERE id = $2")
        .bind(hash)
        .bind(id)
        .execute(&state.db)
        .await?;
    session::end_all(&state.db, id, None).await?;
    Ok(id)
}
