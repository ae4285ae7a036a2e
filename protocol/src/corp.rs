//! The corporate console (SPEC C1–C10): a company's admins set, per employee phone line,
//! whether its phone may use the backup function and the phonebook migration function.

use serde::{Deserialize, Serialize};

#[cfg(feature = "openapi")]
use utoipa::{IntoParams, ToSchema};

use crate::DeviceOs;

/// Lines per operation at most (SPEC L5, C3).
pub const MAX_LINES_PER_OPERATION: usize = 200;

/// Page sizes the console offers (SPEC C3).
pub const PAGE_SIZES: [u32; 3] = [20, 50, 100];

macro_rules! wire_enum {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(
            Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize,
            strum::VariantArray, strum::IntoStaticStr, strum::EnumString,
        )]
        #[cfg_attr(feature = "openapi", derive(ToSchema))]
        #[serde(rename_all = "snake_case")]
        #[strum(serialize_all = "snake_case")]
        pub enum $name { $($(#[$vmeta])* $variant),+ }

        impl $name {
            /// The name serde writes, as the database keeps it too.
            pub fn as_str(self) -> &'static str {
                self.into()
            }

            /// The inverse of `as_str`.
            pub fn parse(s: &str) -> Option<Self> {
                s.parse().ok()
            }
        }
    };
}

wire_enum!(
    /// The main admin adds and removes sub-admins; both set permissions (SPEC C1).
    AdminRole { Main, Sub }
);

wire_enum!(
    /// What phone a line has (SPEC C1).
    DeviceKind { Smartphone, Iphone, FeaturePhone, Windows }
);

wire_enum!(
    /// A line's contract: in service, or cancelled (then it cannot be chosen, SPEC C3).
    LineStatus { InService, Cancelled }
);

wire_enum!(
    /// Which console menu an operation came from (利用メニュー).
    Menu { PermissionChange, PasswordNotice, AppDownload }
);

impl Menu {
    /// The menus whose operations send mail: their lines can be mailed again (メール再送).
    pub fn mails(self) -> bool {
        matches!(self, Self::PasswordNotice | Self::AppDownload)
    }
}

wire_enum!(
    /// 処理中 / 正常終了 / 異常終了 (SPEC C5), of an operation and of each of its lines.
    OperationStatus { Processing, Succeeded, Failed }
);

wire_enum!(
    /// Where one line of an operation stands: a change's line succeeds or fails; a mail's line
    /// is sent, fails, or is skipped (a 4G feature phone needs no app, SPEC C7). Only `failed`
    /// makes the operation 異常終了.
    LineResult { Processing, Succeeded, Sent, Failed, Skipped }
);

/// The signed-in admin and their company (404 for an account that is no admin).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct CorpAdminMe {
    pub company_id: i64,
    pub company_name: String,
    pub role: AdminRole,
    pub admin_name: String,
    /// The admin ID the history shows: the account's address.
    pub admin_id: String,
}

/// A phone line of the company, as the number list shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct CorpLine {
    pub id: i64,
    /// Written with hyphens, as people read it: `090-1234-5678`.
    pub number: String,
    pub name: String,
    /// The name in kana (氏名カナ), for searching and sorting.
    pub reading: String,
    pub group_id: Option<i64>,
    pub group: Option<String>,
    pub department: String,
    pub device_kind: DeviceKind,
    /// `YYYY-MM-DD`.
    pub contract_date: String,
    pub email: String,
    pub status: LineStatus,
    /// A permission change for this line is still being applied (処理中).
    pub processing: bool,
    /// The backup function (save to and restore from the server), as in effect now.
    pub backup: bool,
    /// The phonebook migration function, as in effect now.
    pub migration: bool,
    /// When the last app-download request was mailed to the line (RFC 3339), if ever.
    pub last_app_request_at: Option<String>,
}

/// One page of the number list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct CorpLinePage {
    pub lines: Vec<CorpLine>,
    /// Lines matching the search, on every page.
    pub total: u64,
    pub page: u32,
    pub per_page: u32,
}

/// The number list's search (SPEC C3).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(IntoParams))]
pub struct LineQuery {
    /// Part of the number (digits, hyphens ignored), the name or the reading.
    #[serde(default)]
    pub q: Option<String>,
    /// Only this group's lines.
    #[serde(default)]
    pub group: Option<i64>,
    /// Only lines whose last app-download request was mailed on or after this Japan date
    /// (`YYYY-MM-DD`, 依頼メール送信日時 … から).
    #[serde(default)]
    pub requested_from: Option<String>,
    /// … and on or before this Japan date (… まで).
    #[serde(default)]
    pub requested_to: Option<String>,
    /// From 1.
    #[serde(default)]
    pub page: Option<u32>,
    /// 20, 50 or 100.
    #[serde(default)]
    pub per_page: Option<u32>,
}

/// A group of lines (SPEC C1, C3).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct CorpGroup {
    pub id: i64,
    pub name: String,
    pub members: u64,
    /// `false` when the group holds a line outside the service: it cannot be chosen.
    pub selectable: bool,
}

/// A permission change for chosen lines or groups (SPEC C3): the wanted value of each.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct PermissionChange {
    #[serde(default)]
    pub line_ids: Vec<i64>,
    #[serde(default)]
    pub group_ids: Vec<i64>,
    pub backup: bool,
    pub migration: bool,
}

/// Lines chosen for a mail (a sign-in code notice, an app-download request, a resend).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct LineSelection {
    pub line_ids: Vec<i64>,
}

/// An accepted operation: its reception number (受付番号), the Japan date and a sequence.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct Reception {
    pub reception_number: String,
}

/// An operation in the history (SPEC C9).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct HistoryEntry {
    pub reception_number: String,
    pub admin_name: String,
    pub admin_id: String,
    /// RFC 3339.
    pub received_at: String,
    pub finished_at: Option<String>,
    pub menu: Menu,
    pub status: OperationStatus,
    /// How many lines the operation names.
    pub line_count: u64,
    /// The operation this one mails again (メール再送), by its reception number.
    pub resend_of: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct HistoryPage {
    pub entries: Vec<HistoryEntry>,
    pub total: u64,
    pub page: u32,
    pub per_page: u32,
}

/// The history's filters (SPEC C9).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(IntoParams))]
pub struct HistoryQuery {
    #[serde(default)]
    pub menu: Option<Menu>,
    #[serde(default)]
    pub status: Option<OperationStatus>,
    /// Received on or after this Japan date (`YYYY-MM-DD`).
    #[serde(default)]
    pub from: Option<String>,
    /// Received on or before this Japan date (`YYYY-MM-DD`).
    #[serde(default)]
    pub to: Option<String>,
    /// Only this admin's (their admin ID, the address).
    #[serde(default)]
    pub admin: Option<String>,
    #[serde(default)]
    pub page: Option<u32>,
    #[serde(default)]
    pub per_page: Option<u32>,
}

/// One line of an operation, with its result (履歴詳細).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct HistoryLine {
    pub line_id: i64,
    pub number: String,
    pub name: String,
    pub group: Option<String>,
    pub finished_at: Option<String>,
    /// The values the change sets (permission changes only).
    pub backup: Option<bool>,
    pub migration: Option<bool>,
    pub status: LineResult,
    /// Why the line failed or was skipped: `line_not_in_service`, `no_mail_address`,
    /// `mail_refused`, `no_app_needed`.
    pub reason: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct HistoryDetail {
    #[serde(flatten)]
    pub entry: HistoryEntry,
    /// The values a permission change sets.
    pub backup: Option<bool>,
    pub migration: Option<bool>,
    pub lines: Vec<HistoryLine>,
}

/// An admin of the company (main admin's page).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct CorpAdmin {
    pub user_id: i64,
    pub admin_id: String,
    pub name: String,
    pub role: AdminRole,
    pub added_at: String,
}

/// A sub-admin to add: an existing account becomes one at once; a new address is invited.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct NewAdmin {
    pub email: String,
    pub name: String,
}

/// A line's phone signs in with its number and the code of its password notice (SPEC C8).
#[derive(Clone, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct LineLogin {
    pub number: String,
    pub code: String,
    pub name: String,
    pub os: DeviceOs,
    pub model: String,
}

/// Why a row of a lines CSV was refused (every bad row is reported, nothing is imported).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(tag = "problem", rename_all = "snake_case")]
pub enum RowProblem {
    /// The file is neither UTF-8 nor Shift_JIS text.
    Encoding,
    /// The header row does not name the columns.
    Header {
        missing: Vec<String>,
        unknown: Vec<String>,
    },
    /// Not a CSV row (a stray quote, …).
    Unreadable,
    Number,
    Name,
    Reading,
    DeviceKind,
    ContractDate,
    Email,
    Status,
    /// The number is on an earlier line too.
    Duplicate {
        first_line: u64,
    },
}

impl RowProblem {
    pub fn message(&self, lang: crate::Lang) -> String {
        let ja = matches!(lang, crate::Lang::Ja);
        let text = |j: &str, e: &str| if ja { j.to_owned() } else { e.to_owned() };
        match self {
            Self::Encoding => text(
                "UTF-8 でも Shift_JIS でもないファイルです",
                "the file is neither UTF-8 nor Shift_JIS text",
            ),
            Self::Header { missing, unknown } => {
                let columns =
                    "number,name,reading,group,department,device_kind,contract_date,email,status";
                if ja {
                    format!(
                        "見出し行は {columns} にしてください（不足: {} / 不明: {}）",
                        missing.join(","),
                        unknown.join(",")
                    )
                } else {
                    format!(
                        "the header row must name {columns} (missing: {}; unknown: {})",
                        missing.join(","),
                        unknown.join(",")
                    )
                }
            }
            Self::Unreadable => text("CSV の行として読めません", "not a readable CSV row"),
            Self::Number => text(
                "電話番号の形式が正しくありません",
                "not a Japanese phone number",
            ),
            Self::Name => text("氏名が空です", "the name is empty"),
            Self::Reading => text(
                "氏名カナはかなで入力してください",
                "write the reading in kana",
            ),
            Self::DeviceKind => text(
                "端末種別は smartphone / iphone / feature_phone / windows のいずれかです",
                "device_kind is smartphone, iphone, feature_phone or windows",
            ),
            Self::ContractDate => text(
                "契約日は YYYY-MM-DD で入力してください",
                "write contract_date as YYYY-MM-DD",
            ),
            Self::Email => text(
                "メールアドレスの形式が正しくありません",
                "not a mail address",
            ),
            Self::Status => text(
                "ステータスは in_service か cancelled です",
                "status is in_service or cancelled",
            ),
            Self::Duplicate { first_line } => {
                if ja {
                    format!("同じ電話番号が {first_line} 行目にもあります")
                } else {
                    format!("the same number is on line {first_line} too")
                }
            }
        }
    }
}

/// A refused row: its line in the file (the header is line 1), the value at fault.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct BadRow {
    pub line: u64,
    pub value: String,
    #[serde(flatten)]
    pub problem: RowProblem,
}

wire_enum!(
    /// What an import does to a line.
    LineChangeKind { Added, Updated, Unchanged }
);

/// What an import does (or, in a dry run, would do) to one line.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct LineChange {
    pub number: String,
    pub name: String,
    pub change: LineChangeKind,
    /// The columns an update changes.
    pub fields: Vec<String>,
}

/// The answer to an import from the console: what it changed (or would change).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct ImportPreview {
    /// `true`: nothing was written.
    pub dry_run: bool,
    pub added: u64,
    pub updated: u64,
    pub unchanged: u64,
    /// Added and updated lines (unchanged ones are only counted).
    pub changes: Vec<LineChange>,
}

/// A phonebook handed over for the new phone (migrate-out).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct PhonebookSent {
    pub contacts: u64,
}

/// Digits only: `090-1234-5678` and `09012345678` are one number. `None` unless a Japanese
/// number: 11 digits for mobile and IP phones (`050`, `070`, `080`, `090`), else 10, from 0.
pub fn normalize_line_number(number: &str) -> Option<String> {
    let digits: String = number
        .chars()
        .filter(|c| !matches!(c, '-' | ' ' | '－' | 'ー'))
        .map(|c| match c {
            '０'..='９' => char::from(b'0' + (c as u32 - '０' as u32) as u8),
            other => other,
        })
        .collect();
    let mobile = ["050", "070", "080", "090"]
        .iter()
        .any(|prefix| digits.starts_with(prefix));
    let ok = digits.len() == if mobile { 11 } else { 10 }
        && digits.starts_with('0')
        && digits.chars().all(|c| c.is_ascii_digit());
    ok.then_some(digits)
}

/// With hyphens as Japanese numbers are read: `090-1234-5678`, `03-1234-5678`.
pub fn format_line_number(digits: &str) -> String {
    match digits.len() {
        11 => format!("{}-{}-{}", &digits[..3], &digits[3..7], &digits[7..]),
        10 => format!("{}-{}-{}", &digits[..2], &digits[2..6], &digits[6..]),
        _ => digits.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn c1_line_numbers_are_digits_however_they_are_written() {
        for written in [
            "090-1234-5678",
            "09012345678",
            "０９０－１２３４－５６７８",
            "090 1234 5678",
        ] {
            assert_eq!(
                normalize_line_number(written).as_deref(),
                Some("09012345678"),
                "{written}"
            );
        }
        for bad in [
            "",
            "9012345678",
            "090-1234-567",
            "090-1234-56789",
            "+819012345678",
            "090-abcd-5678",
        ] {
            assert_eq!(normalize_line_number(bad), None, "{bad}");
        }
        assert_eq!(format_line_number("09012345678"), "090-1234-5678");
        assert_eq!(format_line_number("0312345678"), "03-1234-5678");
    }

    #[test]
    fn enums_are_snake_case_on_the_wire_and_in_the_database() {
        assert_eq!(DeviceKind::FeaturePhone.as_str(), "feature_phone");
        assert_eq!(DeviceKind::parse("iphone"), Some(DeviceKind::Iphone));
        assert_eq!(
            serde_json::to_string(&OperationStatus::Succeeded).unwrap(),
            "\"succeeded\""
        );
        assert_eq!(
            Menu::parse("permission_change"),
            Some(Menu::PermissionChange)
        );
    }
}
