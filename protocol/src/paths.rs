//! Every API path the web viewer and the phone client (`hako-device`) call, built in one
//! place so clients do not type URLs by hand. Segments that come from data (a month key) are percent-encoded; numbers and enum
//! names need no encoding. Query strings are the caller's (built with a URL-encoding library).

use percent_encoding::{AsciiSet, CONTROLS, utf8_percent_encode};

use crate::{AuthProvider, BackupKind};

const API: &str = "/api/v1";

/// What may not stand unencoded in one path segment (RFC 3986 `pchar`, plus `%` itself).
const SEGMENT: &AsciiSet = &CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'#')
    .add(b'%')
    .add(b'/')
    .add(b'<')
    .add(b'>')
    .add(b'?')
    .add(b'\\')
    .add(b'^')
    .add(b'`')
    .add(b'{')
    .add(b'|')
    .add(b'}');

fn segment(value: &str) -> String {
    utf8_percent_encode(value, SEGMENT).to_string()
}

// Accounts: sign-up, sign-in, password reset, the signed-in account.

pub fn me() -> String {
    format!("{API}/me")
}

pub fn signup() -> String {
    format!("{API}/auth/signup")
}

pub fn signup_verify() -> String {
    format!("{API}/auth/signup/verify")
}

pub fn signin() -> String {
    format!("{API}/auth/signin")
}

pub fn signout() -> String {
    format!("{API}/auth/signout")
}

pub fn password_reset() -> String {
    format!("{API}/auth/password-reset")
}

pub fn password_reset_verify() -> String {
    format!("{API}/auth/password-reset/verify")
}

pub fn auth_providers() -> String {
    format!("{API}/auth/providers")
}

/// Where a "Sign in with …" link sends the browser.
pub fn oidc_start(provider: AuthProvider) -> String {
    format!("{API}/auth/oidc/{}/start", provider.as_str())
}

pub fn account_license() -> String {
    format!("{API}/account/license")
}

pub fn account_setup() -> String {
    format!("{API}/account/setup")
}

/// The server address as a QR code (SVG), for a phone's camera.
pub fn account_setup_qr() -> String {
    format!("{API}/account/setup/qr.svg")
}

pub fn account_password() -> String {
    format!("{API}/account/password")
}

pub fn account_email() -> String {
    format!("{API}/account/email")
}

pub fn account_email_verify() -> String {
    format!("{API}/account/email/verify")
}

// Phones: the ROOMs (rename with PATCH, Reset ROOM with DELETE) and their summaries.

pub fn rooms() -> String {
    format!("{API}/rooms")
}

pub fn room(room: u8) -> String {
    format!("{API}/rooms/{room}")
}

pub fn room_summary(room: u8) -> String {
    format!("{API}/rooms/{room}/summary")
}

// A phone's own calls (device token).

pub fn device_login() -> String {
    format!("{API}/devices/login")
}

pub fn device_rooms() -> String {
    format!("{API}/device/rooms")
}

pub fn device_register() -> String {
    format!("{API}/device/register")
}

pub fn device_missing() -> String {
    format!("{API}/device/missing")
}

pub fn device_exclusions() -> String {
    format!("{API}/device/exclusions")
}

pub fn device_settings() -> String {
    format!("{API}/device/settings")
}

pub fn device_report() -> String {
    format!("{API}/device/report")
}

/// This phone's app data switches (GET, PUT).
pub fn device_app_data_switches() -> String {
    format!("{API}/device/app-data-switches")
}

/// Every app's backed-up data of the account (GET), all of it at once (DELETE), or a bulk
/// backup (POST, multipart).
pub fn app_data() -> String {
    format!("{API}/app-data")
}

/// One app's data: its newest version (GET), a new version (PUT), all of it (DELETE).
pub fn app_data_app(app_id: &str) -> String {
    format!("{API}/app-data/{}", segment(app_id))
}

/// The kept versions of one app's data.
pub fn app_data_versions(app_id: &str) -> String {
    format!("{API}/app-data/{}/versions", segment(app_id))
}

/// Makes a kept version the newest again.
pub fn app_data_restore(app_id: &str, version: i64) -> String {
    format!(
        "{API}/app-data/{}/versions/{version}/restore",
        segment(app_id)
    )
}

/// Every phone of the account with its app data switches (for the web page).
pub fn app_data_switches() -> String {
    format!("{API}/app-data-switches")
}

/// One phone's app data switches, set from the web page.
pub fn room_app_data_switches(room: u8) -> String {
    format!("{API}/rooms/{room}/app-data-switches")
}

// The corporate console (a signed-in admin) and a line's phone.

/// The signed-in admin and their company.
pub fn corp() -> String {
    format!("{API}/corp")
}

pub fn corp_lines() -> String {
    format!("{API}/corp/lines")
}

pub fn corp_groups() -> String {
    format!("{API}/corp/groups")
}

pub fn corp_permission_changes() -> String {
    format!("{API}/corp/permission-changes")
}

pub fn corp_password_notice() -> String {
    format!("{API}/corp/mails/password-notice")
}

pub fn corp_app_download() -> String {
    format!("{API}/corp/mails/app-download")
}

pub fn corp_history() -> String {
    format!("{API}/corp/history")
}

pub fn corp_history_resend(reception_number: &str) -> String {
    format!("{API}/corp/history/{}/resend", segment(reception_number))
}

pub fn corp_lines_csv() -> String {
    format!("{API}/corp/lines.csv")
}

pub fn corp_lines_import() -> String {
    format!("{API}/corp/lines/import")
}

pub fn corp_history_csv() -> String {
    format!("{API}/corp/history.csv")
}

pub fn corp_history_detail_csv(reception_number: &str) -> String {
    format!("{API}/corp/history/{}.csv", segment(reception_number))
}

pub fn corp_history_detail(reception_number: &str) -> String {
    format!("{API}/corp/history/{}", segment(reception_number))
}

pub fn corp_admins() -> String {
    format!("{API}/corp/admins")
}

pub fn corp_admin(user_id: i64) -> String {
    format!("{API}/corp/admins/{user_id}")
}

/// A line's phone signs in with its number and code.
pub fn line_login() -> String {
    format!("{API}/devices/line-login")
}

/// Hands a phonebook over (PUT) or takes it (GET): phonebook migration.
pub fn device_contacts_migration() -> String {
    format!("{API}/device/contacts-migration")
}

/// Stores a new version of this phone's contacts, calendar or call history.
pub fn device_backup(kind: BackupKind) -> String {
    format!("{API}/device/backups/{}", kind.as_str())
}

/// tus uploads: creating one (POST); each one's own URL comes back in `Location`.
pub fn uploads() -> String {
    format!("{API}/uploads")
}

// Library: the timeline, the other tabs, items and downloads.

/// A ROOM's stored files, page by page (`?cursor=`).
pub fn room_items(room: u8) -> String {
    format!("{API}/rooms/{room}/items")
}

/// The newest contacts, calendar or call history of a ROOM, as the phone stored it.
pub fn latest_backup(room: u8, kind: BackupKind) -> String {
    format!("{API}/rooms/{room}/backups/{}/latest", kind.as_str())
}

pub fn timeline(room: u8) -> String {
    format!("{API}/rooms/{room}/timeline")
}

/// One month (`YYYY-MM`) of the timeline.
pub fn timeline_month(room: u8, month: &str) -> String {
    format!("{API}/rooms/{room}/timeline/{}", segment(month))
}

pub fn music(room: u8) -> String {
    format!("{API}/rooms/{room}/music")
}

pub fn documents(room: u8) -> String {
    format!("{API}/rooms/{room}/documents")
}

pub fn contacts(room: u8) -> String {
    format!("{API}/rooms/{room}/contacts")
}

pub fn calendar(room: u8) -> String {
    format!("{API}/rooms/{room}/calendar")
}

pub fn calls(room: u8) -> String {
    format!("{API}/rooms/{room}/calls")
}

/// One item: its details (GET) or deleting it (DELETE).
pub fn item(id: i64) -> String {
    format!("{API}/items/{id}")
}

/// The file itself, as an attachment with Range support.
pub fn item_original(id: i64) -> String {
    format!("{API}/items/{id}/original")
}

/// A video, inline with Range support, for the player.
pub fn item_stream(id: i64) -> String {
    format!("{API}/items/{id}/stream")
}

pub fn downloads() -> String {
    format!("{API}/downloads")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn data_in_a_segment_is_encoded() {
        assert_eq!(
            timeline_month(2, "2024-08"),
            "/api/v1/rooms/2/timeline/2024-08"
        );
        assert_eq!(
            timeline_month(1, "../x?y#z"),
            "/api/v1/rooms/1/timeline/..%2Fx%3Fy%23z"
        );
        assert_eq!(
            oidc_start(AuthProvider::Google),
            "/api/v1/auth/oidc/google/start"
        );
    }
}
