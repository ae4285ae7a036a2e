//! Wire types shared by the Hako web viewer, the server and the device client.
//!
//! Everything that crosses HTTP is defined once, here. No I/O: this crate builds for
//! wasm32 and for the host alike.

mod app_data;
mod corp;
mod device;
mod error;
mod library;
mod license;
pub mod paths;
mod validate;

pub use app_data::*;
pub use corp::*;
pub use device::*;
pub use library::*;

pub use error::{ErrorBody, ErrorCode, Lang};
pub use license::{LICENSE_KEY_DIGITS, LicenseKey, RegisterLicense, masked_license_key};
/// `Enum::VARIANTS`: every variant, in declaration order.
pub use strum::VariantArray;
pub use validate::{
    CODE_LEN, PASSWORD_MAX_CHARS, PASSWORD_MIN_CHARS, normalize_code, normalize_email,
    validate_password,
};

use serde::{Deserialize, Serialize};

#[cfg(feature = "openapi")]
use utoipa::ToSchema;

/// Email and password: the body of sign-up and of sign-in.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct Credentials {
    pub email: String,
    pub password: String,
}

/// A 6-digit code sent to an address, and what the caller does with it.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct VerifyCode {
    pub email: String,
    pub code: String,
    /// A license key from the sign-up link (SPEC V2): the account is created unlimited, or
    /// free when the key cannot be registered. Sent here, not in step 1, because this is the
    /// step that creates the account (step 1 checks only its check digit, in the browser).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub license_key: Option<String>,
}

/// Asks for a password-reset code.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct PasswordResetRequest {
    pub email: String,
}

/// Sets a new password with a code from the password-reset mail.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct PasswordResetVerify {
    pub email: String,
    pub code: String,
    pub new_password: String,
}

/// The answer to every request that mails a code (SPEC A2). It is the same whether or not
/// the address has an account.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct CodeSent {
    /// How long the code stays valid.
    pub expires_in_secs: u64,
    /// How long until another code can be sent to the same address.
    pub resend_after_secs: u64,
}

/// Free members have the operator's quota; unlimited members registered a license key (SPEC A3).
#[derive(Clone, Copy, Debug, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum MemberType {
    Free,
    Unlimited,
}

/// An OpenID provider the server can sign in with (SPEC V1, V2, A1). Its spelling is the
/// `{provider}` of `/api/v1/auth/oidc/{provider}/start`.
#[derive(
    Clone,
    Copy,
    Debug,
    Serialize,
    Deserialize,
    PartialEq,
    Eq,
    Hash,
    strum::VariantArray,
    strum::IntoStaticStr,
)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum AuthProvider {
    Google,
    Apple,
}

impl AuthProvider {
    pub fn as_str(self) -> &'static str {
        self.into()
    }
}

/// The providers this server is configured for; the app offers only these buttons.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct AuthProviders {
    pub providers: Vec<AuthProvider>,
}

/// The signed-in account.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct Me {
    /// The user ID (SPEC A1).
    pub email: String,
    /// `"member": "free" | "unlimited"` on the wire (the public surface).
    #[serde(rename = "member")]
    pub member_type: MemberType,
    /// RFC 3339.
    pub created_at: String,
    /// The registered license key, masked (`****-****-****-3456`); keys are stored only as a
    /// keyed hash, so the full key cannot be shown again (SPEC V17).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub license_key_masked: Option<String>,
}

/// `GET /api/v1/account/setup`: what a new account needs to start, shown by the library's
/// first run — where to get the phone app, the address to enter in it, and the storage used.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct AccountSetup {
    /// The address to enter in the phone app (also as a QR code at `…/setup/qr.svg`).
    pub server_url: String,
    /// The phone app's store page, when the operator configured one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub app_url: Option<String>,
    /// Bytes stored in all the account's ROOMs.
    pub used_bytes: u64,
    /// A free member's total quota (SPEC L2); absent for unlimited members.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quota_bytes: Option<u64>,
}

/// Changes the password of the signed-in account (SPEC V17, A5): the current one is required,
/// and the account's other sessions end.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct ChangePassword {
    pub current_password: String,
    pub new_password: String,
}

/// Starts changing the user ID (SPEC V17): a code goes to the new address.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct ChangeEmail {
    pub new_email: String,
    pub password: String,
}

/// Confirms the new user ID with the code mailed to it; the old address is told.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct ChangeEmailVerify {
    pub new_email: String,
    pub code: String,
}

/// `GET /api/health`.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct Health {
    pub status: String,
}
