//! Contacts (vCard 3.0/4.0), calendar (iCalendar) and call history (JSON) backups: each run
//! of a phone stores one version; the latest is what the viewer shows (SPEC D3, T5, D8).

use axum::{
    body::Bytes,
    extract::{DefaultBodyLimit, State, rejection::BytesRejection},
    http::StatusCode,
};
use hako_media::records::count_entries;
use hako_protocol::{BackupKind, BackupVersion, ErrorBody, ErrorCode};
use sha2::{Digest, Sha256};
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::{
    AppState,
    devices::token::CurrentDevice,
    http::error::{ApiError, ApiJson, ApiPath, ApiResult},
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

/// Stores a new version of this phone's contacts, calendar or call history.
#[utoipa::path(put, path = "/api/v1/device/backups/{kind}", tag = "devices", security(("device_token" = [])),
    params(("kind" = String, Path, description = "contacts | calendar | call_history")),
    request_body(content = Vec<u8>, description = "vCard, iCalendar or a JSON array of CallRecord"),
    responses(
        (status = 201, description = "Stored as the newest version", body = BackupVersion),
        (status = 400, description = "Not a valid file of that kind", body = ErrorBody),
        (status = 403, description = "Call history from an iPhone (SPEC D8)", body = ErrorBody),
        (status = 404, description = "No such kind", body = ErrorBody),
        (status = 409, description = "The phone has no ROOM yet", body = ErrorBody),
        (status = 413, description = "Larger than 64 MB", body = ErrorBody)))]
async fn store(
    State(state): State<AppState>,
    device: CurrentDevice,
    ApiPath(kind): ApiPath<String>,
    body: Result<Bytes, BytesRejection>,
) -> ApiResult<(StatusCode, ApiJson<BackupVersion>)> {
    let body = body?;
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
        .map_err(crate::http::error::io_error)?;
    let size = i64::try_from(body.len()).unwrap_or(i64::MAX);
    let version: i64 = sqlx::query_scalar(
        "INSERT INTO backups (user_id, room, kind, version, sha256, size, entries, created_at)
         VALUES ($1, $2, $3,
                 (SELECT COALESCE(MAX(version), 0) + 1 FROM backups WHERE user_id = $1 AND room = $2 AND kind = $3),
                 $4, $5, $6, $7)
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
