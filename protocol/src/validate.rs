//! Input rules both sides apply: the app to answer at once, the server because it must.

use crate::ErrorCode;

pub const PASSWORD_MIN_CHARS: usize = 12;
pub const PASSWORD_MAX_CHARS: usize = 128;
pub const CODE_LEN: usize = 6;
const EMAIL_MAX_LEN: usize = 254;

/// Trims and lower-cases an address and checks its shape. The user ID is compared in this form.
pub fn normalize_email(raw: &str) -> Result<String, ErrorCode> {
    let email = raw.trim().to_ascii_lowercase();
    let valid_shape = email.len() <= EMAIL_MAX_LEN
        && !email.chars().any(|c| c.is_whitespace() || c.is_control())
        && match email.split_once('@') {
            Some((local, domain)) => {
                !local.is_empty()
                    && !domain.contains('@')
                    && domain.contains('.')
                    && !domain.starts_with('.')
                    && !domain.ends_with('.')
                    && !domain.contains("..")
            }
            None => false,
        };
    if valid_shape {
        Ok(email)
    } else {
        Err(ErrorCode::InvalidEmail)
    }
}

/// Length is counted in characters, so a Japanese passphrase is measured as the user sees it.
pub fn validate_password(password: &str) -> Result<(), ErrorCode> {
    let chars = password.chars().count();
    if chars < PASSWORD_MIN_CHARS {
        Err(ErrorCode::PasswordTooShort)
    } else if chars > PASSWORD_MAX_CHARS {
        Err(ErrorCode::PasswordTooLong)
    } else {
        Ok(())
    }
}

/// Accepts what people type from a mail: spaces, hyphens and full-width digits (Japanese IMEs
/// often produce those). Anything that is not then exactly six digits is `None`.
pub fn normalize_code(raw: &str) -> Option<String> {
    normalize_digits(raw, CODE_LEN)
}

/// The digits of `raw` when it holds exactly `len` of them among spaces and hyphens
/// (half- or full-width). Shared by emailed codes and license keys.
pub(crate) fn normalize_digits(raw: &str, len: usize) -> Option<String> {
    let mut digits = String::with_capacity(len);
    for c in raw.chars() {
        match c {
            '0'..='9' => digits.push(c),
            '０'..='９' => digits.push(char::from(b'0' + (c as u32 - '０' as u32) as u8)),
            ' ' | '　' | '-' | 'ー' | '－' => {}
            _ => return None,
        }
    }
    (digits.len() == len).then_some(digits)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_are_trimmed_and_lowercased() {
        assert_eq!(
            normalize_email("  Taro.Yamada@Example.JP ").unwrap(),
            "taro.yamada@example.jp"
        );
    }

    #[test]
    fn malformed_emails_are_refused() {
        for bad in [
            "",
            "taro",
            "@example.jp",
            "taro@",
            "taro@localhost",
            "ta ro@example.jp",
            "a@b@example.jp",
            "taro@.example.jp",
            "taro@example..jp",
        ] {
            assert_eq!(
                normalize_email(bad),
                Err(ErrorCode::InvalidEmail),
                "{bad:?}"
            );
        }
        let long = format!("{}@example.jp", "a".repeat(250));
        assert_eq!(normalize_email(&long), Err(ErrorCode::InvalidEmail));
    }

    #[test]
    fn password_length_is_counted_in_characters() {
        assert_eq!(
            validate_password("elevenchars"),
            Err(ErrorCode::PasswordTooShort)
        );
        assert_eq!(validate_password("twelve chars"), Ok(()));
        // 12 Japanese characters are 36 bytes but 12 characters: accepted.
        assert_eq!(validate_password("あいうえおかきくけこさし"), Ok(()));
        assert_eq!(
            validate_password("あいうえおかきくけこさ"),
            Err(ErrorCode::PasswordTooShort)
        );
        assert_eq!(validate_password(&"x".repeat(128)), Ok(()));
        assert_eq!(
            validate_password(&"x".repeat(129)),
            Err(ErrorCode::PasswordTooLong)
        );
    }

    #[test]
    fn codes_accept_spaces_and_full_width_digits() {
        assert_eq!(normalize_code("123456").as_deref(), Some("123456"));
        assert_eq!(normalize_code(" 123 456 ").as_deref(), Some("123456"));
        assert_eq!(normalize_code("１２３４５６").as_deref(), Some("123456"));
        assert_eq!(normalize_code("12345"), None);
        assert_eq!(normalize_code("1234567"), None);
        assert_eq!(normalize_code("12a456"), None);
    }
}
