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
