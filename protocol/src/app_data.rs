//! App data backup (SPEC P1–P6): what apps, the server and the phone client agree on.

use serde::{Deserialize, Serialize};

#[cfg(feature = "openapi")]
use utoipa::ToSchema;

/// A phone's two app data switches (SPEC P2), kept on the server and enforced there.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct AppDataSwitches {
    /// Use app data backup on this phone: apps save and restore their data (on by default).
    #[serde(rename = "use")]
    pub use_backup: bool,
    /// Also while abroad: saves and restores go on when the phone says it is abroad
    /// (`Hako-Abroad: 1`); off by default.
    pub abroad: bool,
}

impl Default for AppDataSwitches {
    fn default() -> Self {
        Self {
            use_backup: true,
            abroad: false,
        }
    }
}

/// The most an app may keep unless the operator says otherwise, as Android's Auto Backup.
pub const APP_DATA_DEFAULT_MAX_BYTES: u64 = 25 * 1024 * 1024;

/// How many versions of each app's data are kept (SPEC P7): the newest and the four before.
pub const APP_DATA_KEPT_VERSIONS: usize = 5;

/// The request header a phone abroad sends on every app data request: `Hako-Abroad: 1`
/// (`0` or no header: at home).
pub const ABROAD_HEADER: &str = "hako-abroad";

/// An app's backed-up data, as the list shows it (SPEC P3).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct AppDataEntry {
    pub app_id: String,
    pub name_ja: String,
    pub name_en: String,
    /// When the newest version was saved (RFC 3339).
    pub saved_at: String,
    /// Bytes of the newest version.
    pub size: u64,
    /// The newest version's ETag, as `PUT`'s `If-Match` wants it (quotes included).
    pub etag: String,
    /// Versions kept, the newest included (at most [`APP_DATA_KEPT_VERSIONS`]).
    pub versions: u32,
    /// `false` once the operator took the app off the list: its data stays readable,
    /// restorable and deletable, but new backups are refused.
    pub supported: bool,
}

/// One kept version of an app's data, newest first in a list (SPEC P7).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct AppDataVersion {
    /// Names the version in `…/versions/{version}` (and only there).
    pub version: i64,
    pub etag: String,
    pub saved_at: String,
    pub size: u64,
    /// Whether this is the newest version, the one `GET /api/v1/app-data/{app_id}` answers.
    pub current: bool,
}

/// The answer to a save or a restored version: the app's newest version now.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct AppDataSaved {
    pub app_id: String,
    pub etag: String,
    pub saved_at: String,
    pub size: u64,
    /// Versions now kept.
    pub versions: u32,
}

/// What became of one app in a bulk backup (SPEC P4).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum AppDataOutcome {
    Saved,
    /// Another phone changed the app's data since this one read it (or there was data and
    /// no precondition was sent): `error` carries the current ETag and time.
    PreconditionFailed,
    /// Over the app's cap: `error.max_bytes` says the cap.
    TooLarge,
    /// Not in the catalog, or taken off it.
    NotSupported,
    /// Anything else wrong with this part (an empty file, a bad precondition header).
    Refused,
}

/// One app's result in a bulk backup.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct AppDataBulkResult {
    pub app_id: String,
    pub outcome: AppDataOutcome,
    /// The newest version after the save (only when `saved`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub saved: Option<AppDataSaved>,
    /// Why it was not saved, as the single `PUT` would have answered.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<crate::ErrorBody>,
}

/// The answer to a bulk backup: one result per part, in the order sent.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct AppDataBulk {
    pub results: Vec<AppDataBulkResult>,
    pub saved: u32,
    pub failed: u32,
}

/// How many apps' data a delete removed (SPEC P5).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct AppDataDeleted {
    pub apps: u32,
}

/// A phone of the account with its switches, for the web page (SPEC P2).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct PhoneAppDataSwitches {
    pub room: u8,
    pub phone_name: String,
    #[serde(flatten)]
    pub switches: AppDataSwitches,
}

/// An app id is a reverse-DNS name (`jp.example.mail`): two or more dot-separated labels of
/// ASCII letters, digits, `_` and `-`, each starting with a letter, at most 255 characters.
pub fn valid_app_id(id: &str) -> bool {
    let mut labels = 0;
    let labels_ok = id.split('.').all(|label| {
        labels += 1;
        label.starts_with(|c: char| c.is_ascii_alphabetic())
            && label
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
    });
    labels_ok && labels >= 2 && id.len() <= 255
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn p2_switches_are_use_and_abroad_on_the_wire() {
        let wire = serde_json::to_value(AppDataSwitches::default()).unwrap();
        assert_eq!(wire, serde_json::json!({"use": true, "abroad": false}));
    }

    #[test]
    fn p6_app_ids_are_reverse_dns_names() {
        for good in ["jp.example.mail", "com.example", "jp.co.docomo.app_data-2"] {
            assert!(valid_app_id(good), "{good}");
        }
        let too_long = format!("jp.{}", "a".repeat(260));
        for bad in [
            "",
            "mail",
            "jp..mail",
            ".jp.mail",
            "jp.mail.",
            "jp.1mail",
            "jp.メール",
            "jp.example/mail",
            "jp.example mail",
            too_long.as_str(),
        ] {
            assert!(!valid_app_id(bad), "{bad:?}");
        }
    }
}
