//! Email accounts (SPEC V2, A1, A2, A5): the steps behind the auth endpoints, without HTTP.

use hako_protocol::{
    Credentials, ErrorCode, PASSWORD_MAX_CHARS, PasswordResetVerify, VerifyCode, normalize_email,
    validate_password,
};

use super::{
    codes::{self, Purpose},
    password, throttle,
};
use crate::{AppState, error::ApiError, mail::Mail};

async fn account_by_email(
    state: &AppState,
    email: &str,
) -> Result<Option<(i64, String)>, ApiError> {
    Ok(
        sqlx::query_as("SELECT id, password_hash FROM users WHERE email = ?")
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

/// Step 2 of sign-up: the code creates the account. Returns the new account's id.
pub async fn verify_signup(state: &AppState, request: VerifyCode) -> Result<i64, ApiError> {
    let email = normalize_email(&request.email)?;
    let password_hash = codes::consume(state, &email, Purpose::Signup, &request.code)
        .await?
        // A code stored for an existing address carries no password and was never mailed.
        .ok_or(ErrorCode::CodeInvalid)?;
    create_account(state, &email, &password_hash)
        .await?
        .ok_or_else(|| ErrorCode::CodeInvalid.into())
}

/// Creates a verified account; `None` if the address is taken.
pub async fn create_account(
    state: &AppState,
    email: &str,
    password_hash: &str,
) -> Result<Option<i64>, ApiError> {
    Ok(sqlx::query_scalar(
        "INSERT INTO users (email, password_hash, created_at) VALUES (?, ?, ?)
         ON CONFLICT (email) DO NOTHING RETURNING id",
    )
    .bind(email)
    .bind(password_hash)
    .bind(state.clock.now())
    .fetch_optional(&state.db)
    .await?)
}

/// Checks email and password under the throttles. Returns the account's id.
pub async fn sign_in(
    state: &AppState,
    credentials: Credentials,
    client_ip: &str,
) -> Result<i64, ApiError> {
    let email = normalize_email(&credentials.email).map_err(|_| ErrorCode::InvalidCredentials)?;
    let now = state.clock.now();
    throttle::check(&state.db, now, &email, client_ip).await?;
    let account = account_by_email(state, &email).await?;
    // An over-long password cannot be right; refusing it before hashing bounds the work.
    let plausible = credentials.password.chars().count() <= PASSWORD_MAX_CHARS;
    let verified = plausible
        && password::verify(
            credentials.password,
            account.as_ref().map(|(_, hash)| hash.clone()),
        )
        .await?;
    match account {
        Some((id, _)) if verified => {
            throttle::clear(&state.db, &email).await?;
            Ok(id)
        }
        _ => {
            throttle::record_failure(&state.db, now, &email, client_ip).await?;
            Err(ErrorCode::InvalidCredentials.into())
        }
    }
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
    sqlx::query("UPDATE users SET password_hash = ? WHERE id = ?")
        .bind(hash)
        .bind(id)
        .execute(&state.db)
        .await?;
    super::session::end_all(state, id).await?;
    Ok(id)
}
