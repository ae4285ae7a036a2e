//! What the viewer shows besides the timeline (SPEC V3, V11–V14): one item's details, the
//! Music and Documents tabs with inline playing and viewing, and the latest contacts,
//! calendar and call history parsed for reading. Every query is scoped to the caller's account.

use axum::{
    extract::{Request, State},
    response::Response,
};
use hako_protocol::{
    BackupKind, CallList, Contact, ContactList, Document, ErrorBody, ErrorCode, EventList,
    ItemInfo, ItemKind, Track,
};
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::{
    AppState,
    http::caller::{Caller, room_number},
    http::error::{ApiError, ApiJson, ApiPath, ApiResult},
    items::{FileAnswers, Shown, serve_blob},
    store::db::Flag,
};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(item_info))
        .routes(routes!(stream))
        .routes(routes!(view))
        .routes(routes!(music))
        .routes(routes!(documents))
        .routes(routes!(contacts))
        .routes(routes!(calendar))
        .routes(routes!(calls))
}

fn non_negative<T: TryFrom<i64>>(value: Option<i64>) -> Option<T> {
    value.and_then(|v| T::try_from(v).ok())
}

type InfoRow = (
    i64,
    i64,
    String,
    String,
    i64,
    String,
    i64,
    Option<i64>,
    Option<i64>,
    Option<String>,
    Option<i64>,
    Option<Flag>,
);

/// One file with what its media job learned: the photo view's info panel (SPEC V11).
#[utoipa::path(get, path = "/api/v1/items/{id}", tag = "library",
    security(("session_cookie" = []), ("device_token" = [])), params(("id" = i64, Path)),
    responses((status = 200, body = ItemInfo), (status = 404, body = ErrorBody)))]
async fn item_info(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<ApiJson<ItemInfo>> {
    let (id, room, kind, name, size, sha256, local, width, height, camera, duration, preview): InfoRow =
        sqlx::query_as(
            "SELECT i.id, i.room, i.kind, i.name, i.size, i.sha256, i.local_time,
                    m.width, m.height, m.camera, m.duration_ms, m.has_preview
             FROM items i LEFT JOIN media m ON m.item_id = i.id
             WHERE i.id = $1 AND i.user_id = $2",
        )
        .bind(id)
        .bind(caller.user_id)
        .fetch_optional(&state.db)
        .await?
        .ok_or(ErrorCode::NotFound)?;
    Ok(ApiJson(ItemInfo {
        id,
        room: u8::try_from(room).unwrap_or(1),
        kind: ItemKind::parse(&kind).unwrap_or(ItemKind::Document),
        name,
        size: u64::try_from(size).unwrap_or(0),
        taken: crate::clock::local_iso(local),
        width: non_negative(width),
        height: non_negative(height),
        camera,
        duration_ms: non_negative(duration),
        preview_url: preview
            .is_some_and(|Flag(made)| made)
            .then(|| format!("/api/v1/pictures/{sha256}/preview")),
        original_url: format!("/api/v1/items/{id}/original"),
        sha256,
    }))
}

/// The item's kind and name, if it is the caller's.
async fn owned_item(
    state: &AppState,
    caller: &Caller,
    id: i64,
) -> ApiResult<(ItemKind, String, String)> {
    let (kind, name, sha256): (String, String, String) =
        sqlx::query_as("SELECT kind, name, sha256 FROM items WHERE id = $1 AND user_id = $2")
            .bind(id)
            .bind(caller.user_id)
            .fetch_optional(&state.db)
            .await?
            .ok_or(ErrorCode::NotFound)?;
    let kind = ItemKind::parse(&kind).ok_or(ErrorCode::NotFound)?;
    Ok((kind, name, sha256))
}

/// The `audio/*` or `video/*` type a browser plays a music or video file with.
fn playable_type(kind: ItemKind, name: &str) -> Option<mime::Mime> {
    let top = match kind {
        ItemKind::Music => mime::AUDIO,
        ItemKind::Video => mime::VIDEO,
        ItemKind::Photo | ItemKind::Document => return None,
    };
    // mime_guess says audio/m4a, which browsers do not know; MP4 audio is audio/mp4.
    let guess = if name.to_ascii_lowercase().ends_with(".m4a") {
        "audio/mp4".parse().ok()
    } else {
        mime_guess::from_path(name).first()
    };
    Some(
        guess
            .filter(|m| m.type_() == top)
            .unwrap_or(mime::APPLICATION_OCTET_STREAM),
    )
}

/// The type a browser shows a document with, for the two it can show safely (SPEC V13).
fn viewable_type(name: &str) -> Option<mime::Mime> {
    let ext = name.rsplit_once('.')?.1.to_ascii_lowercase();
    match ext.as_str() {
        "pdf" => Some(mime::APPLICATION_PDF),
        "txt" => Some(mime::TEXT_PLAIN_UTF_8),
        _ => None,
    }
}

/// A music or video file for `<audio>` / `<video>`: inline, with Range for seeking, sandboxed.
#[utoipa::path(get, path = "/api/v1/items/{id}/stream", tag = "library",
    security(("session_cookie" = []), ("device_token" = [])), params(("id" = i64, Path)),
    responses(
        (status = 200, description = "The file, `audio/*` or `video/*`"),
        (status = 404, description = "Not the caller's, or not music or video", body = ErrorBody),
        FileAnswers))]
async fn stream(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<i64>,
    request: Request,
) -> ApiResult<Response> {
    let (kind, name, sha256) = owned_item(&state, &caller, id).await?;
    let mime = playable_type(kind, &name).ok_or(ErrorCode::NotFound)?;
    serve_blob(&state, &sha256, &name, Shown::Inline(mime), request).await
}

/// A PDF or text document to read in the browser: inline, sandboxed.
#[utoipa::path(get, path = "/api/v1/items/{id}/view", tag = "library",
    security(("session_cookie" = []), ("device_token" = [])), params(("id" = i64, Path)),
    responses(
        (status = 200, description = "`application/pdf` or `text/plain; charset=utf-8`"),
        (status = 404, description = "Not the caller's, or not a PDF or text document", body = ErrorBody),
        FileAnswers))]
async fn view(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<i64>,
    request: Request,
) -> ApiResult<Response> {
    let (kind, name, sha256) = owned_item(&state, &caller, id).await?;
    let mime = viewable_type(&name)
        .filter(|_| kind == ItemKind::Document)
        .ok_or(ErrorCode::NotFound)?;
    serve_blob(&state, &sha256, &name, Shown::Inline(mime), request).await
}

type TrackRow = (
    i64,
    String,
    Option<String>,
    Option<String>,
    Option<i64>,
    i64,
);

/// The Music tab (SPEC V12): by artist, album and title; untagged files by name, last.
#[utoipa::path(get, path = "/api/v1/rooms/{room}/music", tag = "library",
    security(("session_cookie" = []), ("device_token" = [])), params(("room" = u8, Path)),
    responses((status = 200, body = Vec<Track>), (status = 400, body = ErrorBody)))]
async fn music(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(room): ApiPath<u8>,
) -> ApiResult<ApiJson<Vec<Track>>> {
    let room = room_number(room)?;
    let rows: Vec<TrackRow> = sqlx::query_as(
        "SELECT i.id, COALESCE(NULLIF(TRIM(m.title), ''), i.name) AS title, m.artist, m.album,
                m.duration_ms, i.size
         FROM items i LEFT JOIN media m ON m.item_id = i.id
         WHERE i.user_id = $1 AND i.room = $2 AND i.kind = 'music'
         ORDER BY m.artist IS NULL, m.artist, m.album IS NULL, m.album, title, i.id",
    )
    .bind(caller.user_id)
    .bind(room)
    .fetch_all(&state.db)
    .await?;
    Ok(ApiJson(
        rows.into_iter()
            .map(|(id, title, artist, album, duration, size)| Track {
                id,
                title,
                artist,
                album,
                duration_ms: non_negative(duration),
                size: u64::try_from(size).unwrap_or(0),
                stream_url: format!("/api/v1/items/{id}/stream"),
            })
            .collect(),
    ))
}

/// The Documents tab (SPEC V13): newest first.
#[utoipa::path(get, path = "/api/v1/rooms/{room}/documents", tag = "library",
    security(("session_cookie" = []), ("device_token" = [])), params(("room" = u8, Path)),
    responses((status = 200, body = Vec<Document>), (status = 400, body = ErrorBody)))]
async fn documents(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(room): ApiPath<u8>,
) -> ApiResult<ApiJson<Vec<Document>>> {
    let room = room_number(room)?;
    // A document's local time is its creation time on the phone: no media job changes it.
    let rows: Vec<(i64, String, i64, i64)> = sqlx::query_as(
        "SELECT id, name, size, local_time FROM items
         WHERE user_id = $1 AND room = $2 AND kind = 'document'
         ORDER BY local_time DESC, id DESC",
    )
    .bind(caller.user_id)
    .bind(room)
    .fetch_all(&state.db)
    .await?;
    Ok(ApiJson(
        rows.into_iter()
            .map(|(id, name, size, local)| Document {
                id,
                mime: mime_guess::from_path(&name)
                    .first_or_octet_stream()
                    .to_string(),
                size: u64::try_from(size).unwrap_or(0),
                created: crate::clock::local_iso(local),
                view_url: viewable_type(&name).map(|_| format!("/api/v1/items/{id}/view")),
                name,
            })
            .collect(),
    ))
}

/// The ROOM's latest backup of `kind`, read on a blocking thread; `(None, [])` before the
/// first. A stored file that no longer reads (damaged storage) is a clear error, not a panic.
async fn latest<T: Send + 'static>(
    state: &AppState,
    caller: &Caller,
    room: u8,
    kind: BackupKind,
    read: fn(&[u8]) -> Result<Vec<T>, ErrorCode>,
) -> ApiResult<(Option<u32>, Vec<T>)> {
    let room = room_number(room)?;
    let latest: Option<(i64, String)> = sqlx::query_as(
        "SELECT version, sha256 FROM backups WHERE user_id = $1 AND room = $2 AND kind = $3
         ORDER BY version DESC LIMIT 1",
    )
    .bind(caller.user_id)
    .bind(room)
    .bind(kind.as_str())
    .fetch_optional(&state.db)
    .await?;
    let Some((version, sha256)) = latest else {
        return Ok((None, Vec::new()));
    };
    let unreadable = |cause: anyhow::Error| {
        ApiError::new(ErrorCode::BackupUnreadable)
            .because(cause.context(format!("{} backup {sha256}", kind.as_str())))
    };
    let bytes = state
        .blobs
        .read(&sha256)
        .await
        .map_err(|e| unreadable(e.into()))?;
    let entries = tokio::task::spawn_blocking(move || read(&bytes))
        .await
        .map_err(|e| unreadable(e.into()))?
        .map_err(|code| unreadable(anyhow::anyhow!("{code:?}")))?;
    Ok((u32::try_from(version).ok(), entries))
}

/// The Contacts tab (SPEC V14): the latest contacts backup, ordered by reading.
#[utoipa::path(get, path = "/api/v1/rooms/{room}/contacts", tag = "library",
    security(("session_cookie" = []), ("device_token" = [])), params(("room" = u8, Path)),
    responses((status = 200, body = ContactList), (status = 400, description = "No such ROOM", body = ErrorBody), (status = 500, description = "The stored backup cannot be read (`backup_unreadable`)", body = ErrorBody)))]
async fn contacts(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(room): ApiPath<u8>,
) -> ApiResult<ApiJson<ContactList>> {
    let (version, contacts): (_, Vec<Contact>) = latest(
        &state,
        &caller,
        room,
        BackupKind::Contacts,
        hako_media::records::read_contacts,
    )
    .await?;
    Ok(ApiJson(ContactList { version, contacts }))
}

/// The Calendar tab (SPEC V14): the latest calendar backup's events by start.
#[utoipa::path(get, path = "/api/v1/rooms/{room}/calendar", tag = "library",
    security(("session_cookie" = []), ("device_token" = [])), params(("room" = u8, Path)),
    responses((status = 200, body = EventList), (status = 400, description = "No such ROOM", body = ErrorBody), (status = 500, description = "The stored backup cannot be read (`backup_unreadable`)", body = ErrorBody)))]
async fn calendar(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(room): ApiPath<u8>,
) -> ApiResult<ApiJson<EventList>> {
    let (version, events) = latest(
        &state,
        &caller,
        room,
        BackupKind::Calendar,
        hako_media::records::read_events,
    )
    .await?;
    Ok(ApiJson(EventList { version, events }))
}

/// The Call history tab (SPEC V14): the latest call-history backup, newest first.
#[utoipa::path(get, path = "/api/v1/rooms/{room}/calls", tag = "library",
    security(("session_cookie" = []), ("device_token" = [])), params(("room" = u8, Path)),
    responses((status = 200, body = CallList), (status = 400, description = "No such ROOM", body = ErrorBody), (status = 500, description = "The stored backup cannot be read (`backup_unreadable`)", body = ErrorBody)))]
async fn calls(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(room): ApiPath<u8>,
) -> ApiResult<ApiJson<CallList>> {
    let (version, calls) = latest(
        &state,
        &caller,
        room,
        BackupKind::CallHistory,
        hako_media::records::read_calls,
    )
    .await?;
    Ok(ApiJson(CallList { version, calls }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn v12_v13_only_media_plays_and_only_pdf_and_text_show() {
        let audio = |name| playable_type(ItemKind::Music, name).map(|m| m.to_string());
        assert_eq!(audio("a.mp3").as_deref(), Some("audio/mpeg"));
        assert_eq!(audio("a.M4A").as_deref(), Some("audio/mp4"));
        assert_eq!(audio("a.flac").as_deref(), Some("audio/flac"));
        assert_eq!(
            playable_type(ItemKind::Video, "v.mov")
                .map(|m| m.to_string())
                .as_deref(),
            Some("video/quicktime")
        );
        assert_eq!(playable_type(ItemKind::Photo, "a.jpg"), None);
        assert_eq!(playable_type(ItemKind::Document, "a.mp3"), None);
        assert_eq!(viewable_type("旅行.PDF"), Some(mime::APPLICATION_PDF));
        assert_eq!(viewable_type("memo.txt"), Some(mime::TEXT_PLAIN_UTF_8));
        assert_eq!(viewable_type("report.docx"), None);
        assert_eq!(viewable_type("noext"), None);
    }
}
