//! What a phone (or `hako-device`) and the server say to each other (SPEC D1–D9).

use serde::{Deserialize, Serialize};

#[cfg(feature = "openapi")]
use utoipa::ToSchema;

/// ROOMs are numbered 1 to 3: one per phone (SPEC D1, L4).
pub const ROOMS: std::ops::RangeInclusive<u8> = 1..=3;

#[derive(
    Clone,
    Copy,
    Debug,
    Serialize,
    Deserialize,
    PartialEq,
    Eq,
    strum::VariantArray,
    strum::IntoStaticStr,
    strum::EnumString,
)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "lowercase")]
#[strum(serialize_all = "lowercase")]
pub enum DeviceOs {
    Android,
    Ios,
}

impl DeviceOs {
    /// The inverse of [`DeviceOs::as_str`].
    pub fn parse(s: &str) -> Option<Self> {
        s.parse().ok()
    }

    /// The name serde writes, as the database keeps it too.
    pub fn as_str(self) -> &'static str {
        self.into()
    }
}

/// A phone signs in with the account and describes itself.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct DeviceLogin {
    pub email: String,
    pub password: String,
    pub name: String,
    pub os: DeviceOs,
    pub model: String,
}

/// Sent once: the server keeps only a hash of the token.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct DeviceSession {
    pub device_token: String,
    pub device_id: i64,
}

/// The phone registered in a ROOM, as other phones and the viewer see it.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct RoomPhone {
    pub device_id: i64,
    pub name: String,
    pub os: DeviceOs,
    pub model: String,
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct RoomSlot {
    pub room: u8,
    /// `None`: the ROOM is free.
    pub phone: Option<RoomPhone>,
    pub item_count: u64,
    pub total_bytes: u64,
}

/// Every ROOM of the account, and which one is this phone's.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct Rooms {
    pub rooms: Vec<RoomSlot>,
    pub this_phone_room: Option<u8>,
}

/// How to take a ROOM that holds another phone's data (SPEC D1).
#[derive(Clone, Copy, Debug, Default, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum RegisterMode {
    /// Only a free ROOM.
    #[default]
    FreeOnly,
    /// Keep the data; the old phone can no longer use the ROOM.
    TakeOver,
    /// Delete the ROOM's data, then register.
    Wipe,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct RegisterRoom {
    pub room: u8,
    #[serde(default)]
    pub mode: RegisterMode,
}

/// Before uploading, a phone asks which of its files the ROOM lacks (SPEC D3).
#[derive(Clone, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct MissingRequest {
    /// Lower-case hex SHA-256 of each file.
    pub sha256: Vec<String>,
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct MissingResponse {
    /// The asked-for hashes the ROOM does not hold, in the order asked.
    pub missing: Vec<String>,
}

/// Kinds of backed-up files (SPEC T2).
#[derive(
    Clone,
    Copy,
    Debug,
    Serialize,
    Deserialize,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    strum::VariantArray,
    strum::IntoStaticStr,
    strum::EnumString,
)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "lowercase")]
#[strum(serialize_all = "lowercase")]
pub enum ItemKind {
    Photo,
    Video,
    Music,
    Document,
}

impl ItemKind {
    /// The kind a file name's extension says, if SPEC T2 accepts it.
    pub fn from_file_name(name: &str) -> Option<Self> {
        let ext = name.rsplit_once('.')?.1.to_ascii_lowercase();
        Some(match ext.as_str() {
            "jpg" | "jpeg" | "png" | "gif" | "webp" | "heic" | "heif" | "bmp" | "dng" => {
                Self::Photo
            }
            "mp4" | "mov" | "3gp" | "webm" | "mkv" => Self::Video,
            "mp3" | "m4a" | "aac" | "flac" | "ogg" | "oga" | "wav" => Self::Music,
            "txt" | "pdf" | "doc" | "docx" | "xls" | "xlsx" | "ppt" | "pptx" => Self::Document,
            _ => return None,
        })
    }

    /// The inverse of [`ItemKind::as_str`].
    pub fn parse(s: &str) -> Option<Self> {
        s.parse().ok()
    }

    /// The name serde writes, as the database keeps it too.
    pub fn as_str(self) -> &'static str {
        self.into()
    }

    /// iPhones back up only photos and videos among files (SPEC D8).
    pub fn allowed_on(self, os: DeviceOs) -> bool {
        os == DeviceOs::Android || matches!(self, Self::Photo | Self::Video)
    }
}

/// Checks a file name a phone sent: a plain name, no path, no control characters.
pub fn valid_file_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 255
        && name != "."
        && name != ".."
        && !name
            .chars()
            .any(|c| c == '/' || c == '\\' || c.is_control())
}

/// Lower-case hex of 32 bytes.
pub fn valid_sha256_hex(hex: &str) -> bool {
    hex.len() == 64
        && hex
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn t2_formats_are_sorted_by_kind_and_others_refused() {
        assert_eq!(
            ItemKind::from_file_name("IMG_0001.HEIC"),
            Some(ItemKind::Photo)
        );
        assert_eq!(ItemKind::from_file_name("clip.mov"), Some(ItemKind::Video));
        assert_eq!(ItemKind::from_file_name("song.flac"), Some(ItemKind::Music));
        assert_eq!(
            ItemKind::from_file_name("見積書.xlsx"),
            Some(ItemKind::Document)
        );
        for refused in [
            "virus.exe",
            "page.html",
            "noextension",
            "archive.zip",
            "image.svg",
        ] {
            assert_eq!(ItemKind::from_file_name(refused), None, "{refused}");
        }
    }

    #[test]
    fn d8_iphones_keep_photos_and_videos_only() {
        assert!(ItemKind::Photo.allowed_on(DeviceOs::Ios));
        assert!(ItemKind::Video.allowed_on(DeviceOs::Ios));
        assert!(!ItemKind::Music.allowed_on(DeviceOs::Ios));
        assert!(!ItemKind::Document.allowed_on(DeviceOs::Ios));
        assert!(ItemKind::Document.allowed_on(DeviceOs::Android));
    }

    #[test]
    fn file_names_with_paths_or_control_characters_are_refused() {
        assert!(valid_file_name("IMG_0001.jpg"));
        assert!(valid_file_name("夏休み 2024.jpg"));
        for bad in [
            "",
            ".",
            "..",
            "../etc/passwd",
            "a/b.jpg",
            "a\\b.jpg",
            "nul\0.jpg",
            "tab\t.jpg",
        ] {
            assert!(!valid_file_name(bad), "{bad:?}");
        }
        assert!(!valid_file_name(&format!("{}.jpg", "a".repeat(2000))));
    }
}

/// Data a phone backs up as a whole, one version per backup run (SPEC D3, T5).
#[derive(
    Clone,
    Copy,
    Debug,
    Serialize,
    Deserialize,
    PartialEq,
    Eq,
    strum::VariantArray,
    strum::IntoStaticStr,
    strum::EnumString,
)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum BackupKind {
    /// vCard 3.0 / 4.0.
    Contacts,
    /// iCalendar (RFC 5545).
    Calendar,
    /// A JSON array of [`CallRecord`].
    CallHistory,
}

impl BackupKind {
    /// The inverse of [`BackupKind::as_str`].
    pub fn parse(s: &str) -> Option<Self> {
        s.parse().ok()
    }

    /// The file a restore writes it to.
    pub fn file_name(self) -> &'static str {
        match self {
            Self::Contacts => "contacts.vcf",
            Self::Calendar => "calendar.ics",
            Self::CallHistory => "call_history.json",
        }
    }

    /// The name serde writes, as the database keeps it too.
    pub fn as_str(self) -> &'static str {
        self.into()
    }

    /// iPhones back up contacts and calendar, not call history (SPEC D8).
    pub fn allowed_on(self, os: DeviceOs) -> bool {
        os == DeviceOs::Android || self != Self::CallHistory
    }
}

#[derive(Clone, Copy, Debug, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum CallDirection {
    Incoming,
    Outgoing,
    Missed,
}

/// One call of the call history (SPEC V14).
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CallRecord {
    pub number: String,
    #[serde(default)]
    pub name: Option<String>,
    pub direction: CallDirection,
    /// RFC 3339.
    pub time: String,
    pub duration_secs: u64,
}

/// A stored backup version.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct BackupVersion {
    pub kind: BackupKind,
    pub version: u32,
    /// Contacts, events or calls in it.
    pub entries: u64,
    pub size: u64,
    pub sha256: String,
}

/// A stored file, as a restore lists it.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct StoredItem {
    pub id: i64,
    pub kind: ItemKind,
    pub name: String,
    pub size: u64,
    pub sha256: String,
}

/// One page of a ROOM's files, oldest first; `next_cursor` asks for the next page.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct ItemPage {
    pub items: Vec<StoredItem>,
    pub next_cursor: Option<i64>,
}

/// Marks files "never back up" for this phone (SPEC D5), or lifts the mark.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct ExclusionChange {
    pub sha256: Vec<String>,
    pub excluded: bool,
}

/// The files this phone excludes from backup.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct Exclusions {
    pub sha256: Vec<String>,
}

/// Kinds of data a phone's settings can name.
#[derive(Clone, Copy, Debug, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum DataType {
    Photo,
    Video,
    Music,
    Document,
    Contacts,
    Calendar,
    CallHistory,
}

impl DataType {
    /// iPhones: photos, videos, contacts and calendar only (SPEC D8).
    pub fn allowed_on(self, os: DeviceOs) -> bool {
        os == DeviceOs::Android
            || matches!(
                self,
                Self::Photo | Self::Video | Self::Contacts | Self::Calendar
            )
    }
}

#[derive(Clone, Copy, Debug, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum Weekday {
    Mon,
    Tue,
    Wed,
    Thu,
    Fri,
    Sat,
    Sun,
}

/// Per-phone settings kept on the server (SPEC D6).
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct PhoneSettings {
    pub smart_backup: SmartBackup,
    pub auto_backup: AutoBackup,
    pub notifications: Notifications,
}

/// Back up when the app starts.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct SmartBackup {
    pub on_launch: bool,
    pub types: Vec<DataType>,
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct AutoBackup {
    pub enabled: bool,
    pub weekdays: Vec<Weekday>,
    pub allow_mobile_data: bool,
    pub only_while_charging: bool,
    pub types: Vec<DataType>,
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Notifications {
    /// Remind to back up after this many days without one; `None`: never.
    pub reminder_days: Option<u32>,
    pub report_auto_backup: bool,
}

impl PhoneSettings {
    /// What a new phone starts with: photos and videos, automatic backup at night on Wi-Fi.
    pub fn defaults_for(os: DeviceOs) -> Self {
        let types: Vec<DataType> = [
            DataType::Photo,
            DataType::Video,
            DataType::Music,
            DataType::Document,
            DataType::Contacts,
            DataType::Calendar,
            DataType::CallHistory,
        ]
        .into_iter()
        .filter(|t| t.allowed_on(os))
        .collect();
        Self {
            smart_backup: SmartBackup {
                on_launch: false,
                types: types.clone(),
            },
            auto_backup: AutoBackup {
                enabled: true,
                weekdays: vec![
                    Weekday::Mon,
                    Weekday::Tue,
                    Weekday::Wed,
                    Weekday::Thu,
                    Weekday::Fri,
                    Weekday::Sat,
                    Weekday::Sun,
                ],
                allow_mobile_data: false,
                only_while_charging: true,
                types,
            },
            notifications: Notifications {
                reminder_days: Some(7),
                report_auto_backup: true,
            },
        }
    }

    /// Every data type named is one this phone may back up.
    pub fn fits(&self, os: DeviceOs) -> bool {
        self.smart_backup
            .types
            .iter()
            .chain(&self.auto_backup.types)
            .all(|t| t.allowed_on(os))
    }
}

/// What a phone reports about itself after a backup (SPEC D7): for the viewer's badges (V7)
/// and the phones page (V18).
#[derive(Clone, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct DeviceReport {
    pub name: String,
    pub model: String,
    pub free_bytes: u64,
    pub total_bytes: u64,
    /// Every file on the phone, by content.
    pub inventory: Vec<String>,
}

/// Which items the timeline shows (SPEC V6).
#[derive(
    Clone,
    Copy,
    Debug,
    Default,
    Serialize,
    Deserialize,
    PartialEq,
    Eq,
    strum::VariantArray,
    strum::IntoStaticStr,
)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "lowercase")]
#[strum(serialize_all = "lowercase")]
pub enum TimelineFilter {
    #[default]
    All,
    Photos,
    Videos,
}

impl TimelineFilter {
    /// The query value, as serde writes it.
    pub fn as_str(self) -> &'static str {
        self.into()
    }
}

/// How the timeline is ordered (SPEC V6): by date, or grouped by save status (each group by date).
#[derive(
    Clone,
    Copy,
    Debug,
    Default,
    Serialize,
    Deserialize,
    PartialEq,
    Eq,
    strum::VariantArray,
    strum::IntoStaticStr,
)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "lowercase")]
#[strum(serialize_all = "lowercase")]
pub enum TimelineSort {
    #[default]
    Date,
    Status,
}

impl TimelineSort {
    /// The query value, as serde writes it.
    pub fn as_str(self) -> &'static str {
        self.into()
    }
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct TimelineDay {
    pub day: u8,
    pub count: u32,
}

/// A month of the timeline with its per-day counts, newest day first.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct TimelineMonth {
    /// `YYYY-MM`.
    pub month: String,
    /// With `sort=status`, the save status group this month's entry belongs to; ask for its
    /// items with the same `status`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<Badge>,
    pub count: u32,
    pub days: Vec<TimelineDay>,
}

/// Every month of a ROOM, newest first: enough to lay out the whole library (SPEC V4, V5).
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct Timeline {
    pub total: u64,
    pub months: Vec<TimelineMonth>,
}

/// Where an item lives, from the phone's last report (SPEC V7). Items only on the phone are
/// not on the server, so they do not appear here.
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
    strum::EnumString,
)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum Badge {
    PhoneAndCloud,
    CloudOnly,
    Excluded,
}

impl Badge {
    /// The order of the groups when sorting by save status (a test holds it to every variant).
    pub const GROUP_ORDER: [Badge; 3] = [Self::CloudOnly, Self::PhoneAndCloud, Self::Excluded];

    pub fn as_str(self) -> &'static str {
        self.into()
    }

    pub fn parse(s: &str) -> Option<Self> {
        s.parse().ok()
    }
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct TimelineItem {
    pub id: i64,
    pub kind: ItemKind,
    /// Local shooting (or creation) time, `YYYY-MM-DDTHH:MM:SS`.
    pub taken: String,
    pub width: Option<u32>,
    pub height: Option<u32>,
    pub duration_ms: Option<u64>,
    pub badge: Badge,
    /// Absent while processing, or when the file cannot be decoded (show a placeholder).
    pub thumbnail_url: Option<String>,
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct TimelinePage {
    pub items: Vec<TimelineItem>,
    pub next_cursor: Option<String>,
}

#[cfg(test)]
mod names {
    use super::*;
    use strum::VariantArray;

    /// `as_str` and `parse` say each variant as serde does, for every variant there is.
    fn same_as_serde<T>(as_str: impl Fn(T) -> &'static str, parse: impl Fn(&str) -> Option<T>)
    where
        T: VariantArray + Serialize + PartialEq + std::fmt::Debug + Copy,
    {
        for &variant in T::VARIANTS {
            let name = as_str(variant);
            assert_eq!(
                serde_json::to_string(&variant).unwrap(),
                format!("\"{name}\"")
            );
            assert_eq!(parse(name), Some(variant));
        }
    }

    #[test]
    fn enum_names_match_the_wire_and_parse_back() {
        same_as_serde(DeviceOs::as_str, DeviceOs::parse);
        same_as_serde(ItemKind::as_str, ItemKind::parse);
        same_as_serde(BackupKind::as_str, BackupKind::parse);
        same_as_serde(Badge::as_str, Badge::parse);
        same_as_serde(TimelineFilter::as_str, |s| {
            TimelineFilter::VARIANTS
                .iter()
                .copied()
                .find(|f| f.as_str() == s)
        });
        same_as_serde(TimelineSort::as_str, |s| {
            TimelineSort::VARIANTS
                .iter()
                .copied()
                .find(|f| f.as_str() == s)
        });
        assert_eq!(ItemKind::parse("Photo"), None);
    }

    #[test]
    fn the_status_groups_hold_every_badge_once() {
        assert_eq!(Badge::GROUP_ORDER.len(), Badge::VARIANTS.len());
        for badge in Badge::VARIANTS {
            assert_eq!(Badge::GROUP_ORDER.iter().filter(|g| *g == badge).count(), 1);
        }
    }
}
