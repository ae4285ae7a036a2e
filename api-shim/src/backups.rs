//! Contacts (vCard 3.0/4.0), calendar (iCalendar) and call history (JSON) backups: each run
//! of a phone stores one version; the latest is what the viewer shows (SPEC D3, T5, D8).

use std::io::BufReader;

use axum::{
    body::Bytes,
    extract::{DefaultBodyLimit, Path, State},
    http::StatusCode,
};
use hako_protocol::{BackupKind, BackupVersion, CallRecord, ErrorBody, ErrorCode};
use sha2::{Digest, Sha256};
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::{
    AppState,
    devices::token::CurrentDevice,
    error::{ApiError, ApiJson, ApiResult},
};

/// A phone's whole address book or calendar stays well under this.
pub const BACKUP_BODY_LIMIT: usize = 64 * 1024 * 1024;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(store))
        .layer(DefaultBodyLimit::max(BACKUP_BODY_LIMIT))
}

pub fn parse_kind(kind: &str) -> Result<BackupKind, ApiError> {
    BackupKind::parse(kind).ok_or_else(|| ErrorCode::UnknownBackupKind.into())
}

/// How many entries the file holds, or why it is not a file of that kind.
pub fn count_entries(kind: BackupKind, bytes: &[u8]) -> Result<u64, ErrorCode> {
    let invalid = ErrorCode::InvalidBackupFile;
    let text = std::str::from_utf8(bytes).map_err(|_| invalid)?;
    let count = match kind {
        BackupKind::Contacts => {
            if !text.trim_start().starts_with("BEGIN:VCARD") {
                return Err(invalid);
            }
            let mut n = 0;
            for contact in ical::VcardParser::new(BufReader::new(bytes)) {
                contact.map_err(|_| invalid)?;
                n += 1;
            }
            n
        }
        BackupKind::Calendar => {
            if !text.trim_start().starts_with("BEGIN:VCALENDAR") {
                return Err(invalid);
            }
            let mut n = 0;
            for calendar in ical::IcalParser::new(BufReader::new(bytes)) {
                n += calendar.map_err(|_| invalid)?.events.len() as u64;
            }
            n
        }
        BackupKind::CallHistory => serde_json::from_str::<Vec<CallRecord>>(text)
            .map_err(|_| invalid)?
            .len() as u64,
    };
    Ok(count)
}

/// Stores a new version of this phone's contacts, calendar or call history.
#[utoipa::path(put, path = "/api/v1/device/backups/{kind}", tag = "devices", security(("device_token" = [])),
    params(("kind" = String, Path, description = "contacts | calendar | call_history")),
    request_body(content = Vec<u8>, description = "vCard, iCalendar or a JSON array of CallRecord"),
    responses(
        (status = 201, description = "Stored as the newest version", body = BackupVersion),
        (status = 400, description = "Not a valid file of that kind", body = ErrorBody),
        (status = 403, description = "Call history from an iPhone (SPEC D8)", body = ErrorBody),
        (status = 404, description = "No such kind", body = ErrorBody),
        (status = 409, description = "The phone has no ROOM yet", body = ErrorBody)))]
async fn store(
    State(state): State<AppState>,
    device: CurrentDevice,
    Path(kind): Path<String>,
    body: Bytes,
) -> ApiResult<(StatusCode, ApiJson<BackupVersion>)> {
    let kind = parse_kind(&kind)?;
    let room = device.registered_room()?;
    if !kind.allowed_on(device.os) {
        return Err(ErrorCode::TypeNotAllowedOnIphone.into());
    }
    let bytes = body.clone();
    // A hostile file must not stall the runtime: parse it on a blocking thread, and a parser
    // panic is a refusal, not a crash.
    let entries = tokio::task::spawn_blocking(move || count_entries(kind, &bytes))
        .await
        .unwrap_or(Err(ErrorCode::InvalidBackupFile))?;
    let sha256 = hex::encode(Sha256::digest(&body));
    state
        .blobs
        .put_bytes(&sha256, &body)
        .await
        .map_err(crate::uploads::io_error)?;
    let size = i64::try_from(body.len()).unwrap_or(i64::MAX);
    let version: i64 = sqlx::query_scalar(
        "INSERT INTO backups (user_id, room, kind, version, sha256, size, entries, created_at)
         VALUES (?1, ?2, ?3,
                 (SELECT COALESCE(MAX(version), 0) + 1 FROM backups WHERE user_id = ?1 AND room = ?2 AND kind = ?3),
                 ?4, ?5, ?6, ?7)
         RETURNING version",
    )
    .bind(device.user_id)
    .bind(room)
    .bind(kind.as_str())
    .bind(&sha256)
    .bind(size)
    .bind(i64::try_from(entries).unwrap_or(i64::MAX))
    .bind(state.clock.now())
    .fetch_one(&state.db)
    .await?;
    Ok((
        StatusCode::CREATED,
        ApiJson(BackupVersion {
            kind,
            version: u32::try_from(version).unwrap_or(u32::MAX),
            entries,
            size: body.len() as u64,
            sha256,
        }),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    const VCARD: &str = "BEGIN:VCARD\r\nVERSION:4.0\r\nFN:山田 太郎\r\nN;SORT-AS=\"ヤマダ,タロウ\":山田;太郎;;;\r\nTEL;TYPE=cell:090-1234-5678\r\nEMAIL:taro@example.jp\r\nEND:VCARD\r\n\
BEGIN:VCARD\r\nVERSION:3.0\r\nFN:佐藤 花子\r\nN:佐藤;花子;;;\r\nX-PHONETIC-LAST-NAME:サトウ\r\nEND:VCARD\r\n";

    #[test]
    fn t5_contacts_calendar_and_calls_are_counted() {
        assert_eq!(count_entries(BackupKind::Contacts, VCARD.as_bytes()), Ok(2));
        let ics = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//x//y//EN\r\nBEGIN:VEVENT\r\nUID:1\r\nDTSTART:20240815T100000Z\r\nSUMMARY:花火大会\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";
        assert_eq!(count_entries(BackupKind::Calendar, ics.as_bytes()), Ok(1));
        let calls = r#"[{"number":"0312345678","name":"母","direction":"missed","time":"2024-08-15T10:00:00+09:00","duration_secs":0}]"#;
        assert_eq!(
            count_entries(BackupKind::CallHistory, calls.as_bytes()),
            Ok(1)
        );
    }

    #[test]
    fn truncated_or_hostile_files_are_refused_without_panicking() {
        let invalid = Err(ErrorCode::InvalidBackupFile);
        // Cut mid-contact: inside a character, and at a character boundary.
        let cut = VCARD
            .char_indices()
            .map(|(i, _)| i)
            .find(|&i| i > 100)
            .unwrap();
        let bad_contacts: [&[u8]; 6] = [
            &VCARD.as_bytes()[..88],
            &VCARD.as_bytes()[..cut],
            b"",
            b"hello",
            b"BEGIN:VCARD\r\nBEGIN:VCARD\r\n",
            b"BEGIN:VCARD\r\n:::\r\n",
        ];
        for bad in bad_contacts {
            let shown = String::from_utf8_lossy(bad);
            assert_eq!(
                count_entries(BackupKind::Contacts, bad),
                invalid,
                "{shown:?}"
            );
        }
        assert_eq!(
            count_entries(BackupKind::Contacts, b"\xff\xfe\x00"),
            invalid
        );
        for bad in [
            "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\n",
            "BEGIN:VEVENT\r\nEND:VEVENT\r\n",
            "{}",
        ] {
            assert_eq!(
                count_entries(BackupKind::Calendar, bad.as_bytes()),
                invalid,
                "{bad:?}"
            );
        }
        for bad in [
            "{}",
            "[{\"number\":1}]",
            "[",
            r#"[{"number":"1","direction":"sideways","time":"t","duration_secs":0}]"#,
        ] {
            assert_eq!(
                count_entries(BackupKind::CallHistory, bad.as_bytes()),
                invalid,
                "{bad:?}"
            );
        }
        let deep = "[".repeat(100_000);
        assert_eq!(
            count_entries(BackupKind::CallHistory, deep.as_bytes()),
            invalid
        );
    }
}
