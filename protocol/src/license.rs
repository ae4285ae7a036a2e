//! License keys (SPEC A3): 16 digits shown as `1234-5678-9012-3456`, the last a Damm check
//! digit. Damm rather than Luhn: it catches every single-digit error and every swap of two
//! neighbouring digits (Luhn misses 09↔90), and needs no doubling rule.

use std::fmt;

use serde::{Deserialize, Serialize};

#[cfg(feature = "openapi")]
use utoipa::ToSchema;

use crate::{ErrorCode, validate::normalize_digits};

pub const LICENSE_KEY_DIGITS: usize = 16;

/// The Damm quasigroup of order 10 (weakly totally anti-symmetric, zero diagonal).
const DAMM: [[u8; 10]; 10] = [
    [0, 3, 1, 7, 5, 9, 8, 6, 4, 2],
    [7, 0, 9, 2, 1, 5, 4, 8, 6, 3],
    [4, 2, 0, 6, 8, 7, 1, 3, 5, 9],
    [1, 7, 5, 0, 9, 8, 3, 4, 2, 6],
    [6, 1, 2, 3, 0, 4, 5, 9, 7, 8],
    [3, 6, 7, 4, 2, 0, 9, 5, 8, 1],
    [5, 8, 6, 9, 7, 2, 0, 1, 3, 4],
    [8, 9, 4, 5, 3, 6, 2, 0, 1, 7],
    [9, 4, 3, 8, 6, 1, 7, 2, 0, 5],
    [2, 5, 8, 1, 4, 3, 6, 7, 9, 0],
];

/// The Damm interim digit of ASCII digits: the check digit of a body, 0 for a whole valid key.
fn damm(digits: &str) -> u8 {
    digits.bytes().fold(0, |interim, d| {
        DAMM[usize::from(interim)][usize::from(d - b'0')]
    })
}

/// A license key whose check digit is right. Holds the 16 ASCII digits.
#[derive(Clone, PartialEq, Eq)]
pub struct LicenseKey(String);

impl LicenseKey {
    /// Reads what a person typed or pasted: spaces, hyphens and full-width digits are fine.
    /// Any other shape, or a wrong check digit, is the one generic refusal (SPEC A3).
    pub fn parse(raw: &str) -> Result<Self, ErrorCode> {
        normalize_digits(raw, LICENSE_KEY_DIGITS)
            .filter(|digits| damm(digits) == 0)
            .map(Self)
            .ok_or(ErrorCode::LicenseKeyInvalid)
    }

    /// Completes 15 digits with their check digit; `None` unless given exactly 15 ASCII digits.
    pub fn from_body(body: &str) -> Option<Self> {
        (body.len() == LICENSE_KEY_DIGITS - 1 && body.bytes().all(|b| b.is_ascii_digit()))
            .then(|| Self(format!("{body}{}", damm(body))))
    }

    /// The bare 16 digits, as hashed for storage.
    pub fn digits(&self) -> &str {
        &self.0
    }

    pub fn last4(&self) -> &str {
        &self.0[LICENSE_KEY_DIGITS - 4..]
    }
}

/// `1234-5678-9012-3456`.
impl fmt::Display for LicenseKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, group) in self.0.as_bytes().chunks(4).enumerate() {
            if i > 0 {
                f.write_str("-")?;
            }
            f.write_str(std::str::from_utf8(group).map_err(|_| fmt::Error)?)?;
        }
        Ok(())
    }
}

/// Never prints the key: it is a secret that logs must not hold.
impl fmt::Debug for LicenseKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "LicenseKey({})", masked_license_key(self.last4()))
    }
}

/// How a key is shown when only its last four digits are known: `****-****-****-3456`.
pub fn masked_license_key(last4: &str) -> String {
    format!("****-****-****-{last4}")
}

/// `POST /api/v1/account/license`: registers a license key on the signed-in account.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct RegisterLicense {
    /// 16 digits; spaces, hyphens and full-width digits are accepted.
    pub key: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_damm_digit_matches_the_published_example() {
        // The textbook example: 572 → check digit 4.
        assert_eq!(damm("572"), 4);
        assert_eq!(damm("5724"), 0);
    }

    #[test]
    fn keys_accept_hyphens_spaces_and_full_width_digits() {
        let key = LicenseKey::from_body("123456789012345").unwrap();
        let shown = key.to_string();
        assert_eq!(shown.len(), 19);
        assert_eq!(&shown[..15], "1234-5678-9012-");
        assert_eq!(LicenseKey::parse(&shown), Ok(key.clone()));
        assert_eq!(LicenseKey::parse(key.digits()), Ok(key.clone()));
        assert_eq!(
            LicenseKey::parse(&format!(" {} ", shown.replace('-', " "))),
            Ok(key.clone())
        );
        let full_width: String = shown
            .chars()
            .map(|c| match c {
                '0'..='9' => char::from_u32(c as u32 - '0' as u32 + '０' as u32).unwrap(),
                _ => 'ー',
            })
            .collect();
        assert_eq!(LicenseKey::parse(&full_width), Ok(key));
    }

    #[test]
    fn every_single_digit_error_and_neighbour_swap_is_caught() {
        let key = LicenseKey::from_body("902718364550197").unwrap();
        let digits: Vec<u8> = key.digits().bytes().collect();
        for i in 0..LICENSE_KEY_DIGITS {
            for d in b'0'..=b'9' {
                if d != digits[i] {
                    let mut typo = digits.clone();
                    typo[i] = d;
                    let typo = String::from_utf8(typo).unwrap();
                    assert_eq!(
                        LicenseKey::parse(&typo),
                        Err(ErrorCode::LicenseKeyInvalid),
                        "{typo}"
                    );
                }
            }
        }
        for i in 0..LICENSE_KEY_DIGITS - 1 {
            if digits[i] != digits[i + 1] {
                let mut swapped = digits.clone();
                swapped.swap(i, i + 1);
                let swapped = String::from_utf8(swapped).unwrap();
                assert_eq!(
                    LicenseKey::parse(&swapped),
                    Err(ErrorCode::LicenseKeyInvalid),
                    "{swapped}"
                );
            }
        }
    }

    #[test]
    fn other_shapes_are_refused() {
        for bad in [
            "",
            "123456789012345",
            "12345678901234567",
            "1234-5678-9012-345a",
            "1234_5678_9012_3456",
        ] {
            assert_eq!(
                LicenseKey::parse(bad),
                Err(ErrorCode::LicenseKeyInvalid),
                "{bad:?}"
            );
        }
        assert_eq!(LicenseKey::from_body("12345678901234"), None);
        assert_eq!(LicenseKey::from_body("12345678901234x"), None);
    }

    #[test]
    fn masks_and_debug_never_show_the_whole_key() {
        let key = LicenseKey::from_body("111122223333444").unwrap();
        assert_eq!(key.last4(), &key.digits()[12..]);
        let masked = masked_license_key(key.last4());
        assert!(masked.starts_with("****-****-****-"));
        assert!(!format!("{key:?}").contains("1111"));
    }
}
