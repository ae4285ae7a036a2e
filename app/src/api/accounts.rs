//! Sign-up, sign-in, password reset and the signed-in account (SPEC A1–A5, V1, V2, V17).

use gloo_net::http::Request;
use hako_protocol::{
    AccountSetup, AuthProviders, ChangeEmail, ChangeEmailVerify, ChangePassword, CodeSent,
    Credentials, Me, PasswordResetRequest, PasswordResetVerify, RegisterLicense, VerifyCode, paths,
};

use super::{ApiResult, get, post, send, send_json};

pub async fn me() -> ApiResult<Me> {
    get(&paths::me()).await
}

pub async fn signup(credentials: &Credentials) -> ApiResult<CodeSent> {
    post(&paths::signup(), credentials).await
}

pub async fn verify_signup(request: &VerifyCode) -> ApiResult<Me> {
    post(&paths::signup_verify(), request).await
}

pub async fn signin(credentials: &Credentials) -> ApiResult<Me> {
    post(&paths::signin(), credentials).await
}

pub async fn signout() -> ApiResult<()> {
    send(Request::post(&paths::signout())).await.map(drop)
}

pub async fn request_password_reset(request: &PasswordResetRequest) -> ApiResult<CodeSent> {
    post(&paths::password_reset(), request).await
}

pub async fn reset_password(request: &PasswordResetVerify) -> ApiResult<Me> {
    post(&paths::password_reset_verify(), request).await
}

/// The sign-in providers the operator configured.
pub async fn providers() -> ApiResult<AuthProviders> {
    get(&paths::auth_providers()).await
}

/// What a new account needs to start backing up (the library's first run).
pub async fn setup() -> ApiResult<AccountSetup> {
    get(&paths::account_setup()).await
}

pub async fn register_license(key: String) -> ApiResult<Me> {
    post(&paths::account_license(), &RegisterLicense { key }).await
}

pub async fn change_password(body: &ChangePassword) -> ApiResult<()> {
    send_json(Request::post(&paths::account_password()), body)
        .await
        .map(drop)
}

pub async fn change_email(body: &ChangeEmail) -> ApiResult<CodeSent> {
    post(&paths::account_email(), body).await
}

pub async fn verify_email_change(body: &ChangeEmailVerify) -> ApiResult<Me> {
    post(&paths::account_email_verify(), body).await
}
