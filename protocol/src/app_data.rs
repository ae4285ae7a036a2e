//! App data backup (SPEC P1–P6): what apps, the server and the phone client agree on.

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
