//! The backups' endpoints: a phone stores a version; the viewer reads the latest.

use axum::{
    body::Bytes,
    extract::{DefaultBodyLimit, FromRequestParts, State, rejection::BytesRejection},
    http::{HeaderMap, StatusCode},
    response::Response,
};
use hako_media::records::{read_calls, read_contacts, read_events};
use hako_protocol::{BackupKind, BackupVersion, CallList, ContactList, ErrorBody, EventList};
use utoipa_axum::{router::OpenApiRouter, routes};

use super::{BACKUP_BODY_LIMIT, Sent};
use crate::{
    AppState, corp,
    http::error::{ApiJson, ApiPath, ApiResult},
    http::files::{FileAnswers, Shown, serve_blob},
    phones::CurrentDevice,
    phones::{Caller, room_number},
};

pub(in crate::library) fn router() -> OpenApiRouter<AppState> {
    let upload = OpenApiRouter::new()
        .routes(routes!(store))
        .layer(DefaultBodyLimit::max(BACKUP_BODY_LIMIT));
    OpenApiRouter::new()
        .merge(upload)
        .routes(routes!(latest_backup))
        .routes(routes!(contacts))
        .routes(routes!(calendar))
        .routes(routes!(calls))
}

/// Stores a new version of this phone's contacts, calendar or call history.
#[utoipa::path(put, path = "/api/v1/device/backups/{kind}", tag = "library", security(("device_token" = [])),
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
    corp::check_function(&state.db, device.user_id, corp::Function::Backup).await?;
    let body = body?;
    let kind = super::parse_kind(&kind)?;
    let sent = Sent {
        room: device.registered_room()?,
        user_id: device.user_id,
        os: device.os,
        kind,
        body,
        now: state.clock.now(),
    };
    let version = super::store(&state.db, &state.blobs, sent).await?;
    Ok((StatusCode::CREATED, ApiJson(version)))
}

/// The newest contacts (vCard), calendar (iCalendar) or call history (JSON) of a ROOM.
#[utoipa::path(get, path = "/api/v1/rooms/{room}/backups/{kind}/latest", tag = "library",
    security(("session_cookie" = []), ("device_token" = [])),
    params(("room" = u8, Path), ("kind" = String, Path, description = "contacts | calendar | call_history")),
    responses(
        (status = 200, description = "The file: vCard, iCalendar or JSON"),
        (status = 400, description = "No such ROOM", body = ErrorBody),
        (status = 404, description = "No such kind, or no backup of it yet", body = ErrorBody),
        FileAnswers))]
async fn latest_backup(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath((room, kind)): ApiPath<(u8, String)>,
    headers: HeaderMap,
) -> ApiResult<Response> {
    let room = room_number(room)?;
    crate::library::restoring(&state.db, &caller).await?;
    let (sha256, name) = super::latest_file(&state.db, caller.user_id, room, &kind).await?;
    serve_blob(&state.blobs, &sha256, name, Shown::Attachment, &headers).await
}

/// A request for a list read from a ROOM's latest backup.
#[derive(FromRequestParts)]
#[from_request(state(AppState))]
struct LatestOfRoom {
    state: State<AppState>,
    caller: Caller,
    room: ApiPath<u8>,
}

/// The one body of the three endpoints below: the latest backup of `kind`, read with `read`
/// and answered as `list` makes it.
async fn latest_list<T: Send + 'static, L>(
    request: LatestOfRoom,
    kind: BackupKind,
    read: fn(&[u8]) -> Result<Vec<T>, hako_protocol::ErrorCode>,
    list: fn(Option<u32>, Vec<T>) -> L,
) -> ApiResult<ApiJson<L>> {
    let LatestOfRoom {
        state: State(state),
        caller,
        room: ApiPath(room),
    } = request;
    let whose = (caller.user_id, room_number(room)?);
    crate::library::restoring(&state.db, &caller).await?;
    let (version, entries) =
        super::latest_entries(&state.db, &state.blobs, whose, kind, read).await?;
    Ok(ApiJson(list(version, entries)))
}

/// An endpoint for a list read from the latest backup of its kind: utoipa documents one path
/// per function, so each path has a function, written once here; its body is `latest_list`.
macro_rules! latest_endpoint {
    ($(#[doc = $doc:literal])* $name:ident, $path:tt, $kind:expr, $read:ident, $list:ident { $field:ident }) => {
        $(#[doc = $doc])*
        #[utoipa::path(get, path = $path, tag = "library",
            security(("session_cookie" = []), ("device_token" = [])), params(("room" = u8, Path)),
            responses((status = 200, body = $list), (status = 400, description = "No such ROOM", body = ErrorBody), (status = 500, description = "The stored backup cannot be read (`backup_unreadable`)", body = ErrorBody)))]
        async fn $name(request: LatestOfRoom) -> ApiResult<ApiJson<$list>> {
            latest_list(request, $kind, $read, |version, $field| $list { version, $field }).await
        }
    };
}

latest_endpoint!(
    /// The Contacts tab (SPEC V14): the latest contacts backup, ordered by reading.
    contacts, "/api/v1/rooms/{room}/contacts",
    BackupKind::Contacts, read_contacts, ContactList { contacts }
);
latest_endpoint!(
    /// The Calendar tab (SPEC V14): the latest calendar backup's events by start.
    calendar, "/api/v1/rooms/{room}/calendar",
    BackupKind::Calendar, read_events, EventList { events }
);
latest_endpoint!(
    /// The Call history tab (SPEC V14): the latest call-history backup, newest first.
    calls, "/api/v1/rooms/{room}/calls",
    BackupKind::CallHistory, read_calls, CallList { calls }
);
