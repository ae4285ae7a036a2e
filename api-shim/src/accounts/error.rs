//! The accounts area's error, and the one place it becomes an answer of the API. Its own
//! file so that every part of the area (codes, licenses, OIDC) can return it without
//! importing the rules in `mod.rs`, which import them.

use hako_protocol::ErrorCode;

use crate::http::error::ApiError;

#[derive(Debug, thiserror::Error)]
pub enum AccountsError {
    /// No session cookie, or one whose session has ended.
    #[error("not signed in")]
    SignedOut,
    /// The protocol's own check refused what was typed: an address or a password.
    #[error("refused: {0:?}")]
    Refused(ErrorCode),
    #[error("wrong address or password")]
    InvalidCredentials,
    #[error("wrong current password")]
    CurrentPasswordWrong,
    #[error("the new address is the current one")]
    EmailUnchanged,
    #[error("the address belongs to another account")]
    EmailTaken,
    #[error("wrong code")]
    CodeInvalid { attempts_left: Option<u32> },
    #[error("no live code")]
    CodeExpired,
    #[error("too many codes sent this hour")]
    CodeSendLimit { retry_after: u64 },
    #[error("a code was sent moments ago")]
    CodeResendTooSoon { retry_after: u64 },
    #[error("too many failures")]
    TooManyAttempts { retry_after: u64 },
    /// One answer for a wrong, used, cancelled or revoked key (SPEC A3).
    #[error("not a license key that can be registered")]
    LicenseKeyInvalid,
    /// The operator's `hako license cancel` named a key this server never issued.
    #[error("no such license key was issued here")]
    LicenseKeyUnknown,
    #[error("the key is already {0}")]
    LicenseKeyNotCancellable(String),
    #[error("no such sign-in provider is configured")]
    NoSuchProvider,
    /// The provider's answer went wrong; the cause is logged, the person is asked to retry.
    #[error("sign-in with the provider failed: {0:#}")]
    OidcFailed(anyhow::Error),
    #[error("unknown, used or expired sign-in")]
    OidcStateInvalid,
    #[error("the provider did not vouch for the address")]
    OidcEmailUnverified,
    #[error(transparent)]
    Database(#[from] sqlx::Error),
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

impl From<AccountsError> for ApiError {
    fn from(error: AccountsError) -> Self {
        use AccountsError as E;
        let code = |code: ErrorCode| ApiError::new(code);
        match error {
            E::SignedOut => code(ErrorCode::Unauthenticated),
            E::Refused(refused) => code(refused),
            E::InvalidCredentials => code(ErrorCode::InvalidCredentials),
            E::CurrentPasswordWrong => code(ErrorCode::CurrentPasswordWrong),
            E::EmailUnchanged => code(ErrorCode::EmailUnchanged),
            E::EmailTaken => code(ErrorCode::EmailTaken),
            E::CodeInvalid {
                attempts_left: None,
            } => code(ErrorCode::CodeInvalid),
            E::CodeInvalid {
                attempts_left: Some(left),
            } => code(ErrorCode::CodeInvalid).attempts_left(left),
            E::CodeExpired => code(ErrorCode::CodeExpired),
            E::CodeSendLimit { retry_after } => {
                code(ErrorCode::CodeSendLimit).retry_after(retry_after)
            }
            E::CodeResendTooSoon { retry_after } => {
                code(ErrorCode::CodeResendTooSoon).retry_after(retry_after)
            }
            E::TooManyAttempts { retry_after } => {
                code(ErrorCode::TooManyAttempts).retry_after(retry_after)
            }
            E::LicenseKeyInvalid => code(ErrorCode::LicenseKeyInvalid),
            E::NoSuchProvider => code(ErrorCode::NotFound),
            E::OidcFailed(cause) => code(ErrorCode::OidcFailed).because(cause),
            E::OidcStateInvalid => code(ErrorCode::OidcStateInvalid),
            E::OidcEmailUnverified => code(ErrorCode::OidcEmailUnverified),
            E::Database(cause) => cause.into(),
            E::Internal(cause) => cause.into(),
            // Only the operator's commands cancel keys; no request reaches these.
            error @ (E::LicenseKeyUnknown | E::LicenseKeyNotCancellable(_)) => {
                anyhow::Error::from(error).into()
            }
        }
    }
}
