//! A ROOM's stored files and their originals (SPEC D4, V9, X4): listed page by page,
//! downloaded byte for byte with HTTP Range, always as attachments a browser never runs.

use axum::{
    body::Body,
    extract::{Request, State},
    http::{HeaderValue, header},
    response::{IntoResponse, Response},
};
use hako_protocol::{ErrorBody, ErrorCode, ItemKind, ItemPage, StoredItem};
use serde::Deserialize;
use tower::ServiceExt;
use tower_http::services::ServeFile;
use utoipa::IntoParams;
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::{
    AppState,
    http::caller::{Caller, room_number},
    http::error::{ApiJson, ApiPath, ApiQuery, ApiResult},
    store::db::Flag,
};

const PAGE: i64 = 1000;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list))
        .routes(routes!(original))
        .routes(routes!(latest_backup))
        .routes(routes!(picture))
        .routes(routes!(item_thumbnail))
        .routes(routes!(item_preview))
        .routes(routes!(delete_item))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct ListQuery {
    /// Only files of this kind.
    kind: Option<ItemKind>,
    /// From `next_cursor` of the previous page.
    cursor: Option<i64>,
}

/// The files of one of the account's ROOMs.
#[utoipa::path(get, path = "/api/v1/rooms/{room}/items", tag = "items",
    security(("session_cookie" = []), ("device_token" = [])),
    params(("room" = u8, Path), ListQuery),
    responses((status = 200, body = ItemPage), (status = 400, body = ErrorBody)))]
async fn list(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(room): ApiPath<u8>,
    ApiQuery(query): ApiQuery<ListQuery>,
) -> ApiResult<ApiJson<ItemPage>> {
    let room = room_number(room)?;
    let rows: Vec<(i64, String, String, i64, String)> = sqlx::query_as(
        "SELECT id, kind, name, size, sha256 FROM items
         WHERE user_id = $1 AND room = $2 AND id > $3 AND ($4 IS NULL OR kind = $5)
         ORDER BY id LIMIT $6",
    )
    .bind(caller.user_id)
    .bind(room)
    .bind(query.cursor.unwrap_or(0))
    .bind(query.kind.map(ItemKind::as_str))
    .bind(query.kind.map(ItemKind::as_str))
    .bind(PAGE + 1)
    .fetch_all(&state.db)
    .await?;
    let more = rows.len() as i64 > PAGE;
    let items: Vec<StoredItem> = rows
        .into_iter()
        .take(PAGE as usize)
        .map(|(id, kind, name, size, sha256)| StoredItem {
            id,
            kind: ItemKind::parse(&kind).unwrap_or(ItemKind::Document),
            name,
            size: u64::try_from(size).unwrap_or(0),
            sha256,
        })
        .collect();
    let next_cursor = if more {
        items.last().map(|i| i.id)
    } else {
        None
    };
    Ok(ApiJson(ItemPage { items, next_cursor }))
}

/// `attachment; filename*=UTF-8''…` (the browser saves the file under its own name and never
/// shows or runs it inline), or `inline; …` for what the viewer plays or shows, sandboxed.
pub(crate) fn disposition(how: &str, name: &str) -> HeaderValue {
    let encoded: String = name
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'.' | b'-' | b'_' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect();
    HeaderValue::from_str(&format!("{how}; filename*=UTF-8''{encoded}"))
        .expect("percent-encoded ASCII is a valid header")
}

/// Marks a response that carries a stored file's bytes: sent as they are, never gzipped, so
/// Content-Length and Range stay true (photos and videos are compressed already).
#[derive(Clone, Copy, Debug)]
pub struct StoredBytes;

/// What serving a stored file answers besides 200 and the errors: one byte range (`Range`,
/// `If-Range`; [`serve_blob`], the ZIPs of downloads) and, for files kept on the server's disk,
/// conditional requests (`If-Modified-Since`, `If-Unmodified-Since`; [`serve_file`]). None
/// has a body to read. In the `responses(...)` of every operation that serves stored bytes.
pub(crate) struct FileAnswers;

impl utoipa::IntoResponses for FileAnswers {
    fn responses() -> std::collections::BTreeMap<
        String,
        utoipa::openapi::RefOr<utoipa::openapi::response::Response>,
    > {
        [
            ("206", "The requested range (`Content-Range`)"),
            ("304", "Not modified since `If-Modified-Since`"),
            ("412", "Modified since `If-Unmodified-Since`"),
            (
                "416",
                "Range not satisfiable (`Content-Range: bytes */<size>`)",
            ),
        ]
        .into_iter()
        .map(|(status, description)| {
            let response = utoipa::openapi::response::Response::new(description);
            (status.to_owned(), response.into())
        })
        .collect()
    }
}

/// A file with Range, If-Modified-Since and HEAD handled by tower-http.
async fn serve_file(
    path: std::path::PathBuf,
    mime: &mime::Mime,
    request: Request,
) -> ApiResult<Response> {
    let response = ServeFile::new_with_mime(&path, mime)
        .oneshot(request)
        .await
        .map_err(|e| anyhow::anyhow!("serving {}: {e}", path.display()))?;
    Ok(response.map(Body::new))
}

/// A stored file from the bucket, whole or the one range asked for (206, 416) like
/// `serve_file` does for local files. Its content never changes, so its hash is its ETag.
async fn serve_from_bucket(
    state: &AppState,
    sha256: &str,
    mime: &mime::Mime,
    headers: &axum::http::HeaderMap,
) -> ApiResult<Response> {
    let size = match state.blobs.size(sha256).await {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Ok(axum::http::StatusCode::NOT_FOUND.into_response());
        }
        other => other.map_err(anyhow::Error::from)?,
    };
    let etag = format!("\"{}\"", &sha256[..32]);
    let Ok(range) = crate::downloads::requested_range(headers, size, &etag) else {
        return Ok(crate::downloads::not_satisfiable(size));
    };
    let bytes = range.clone().unwrap_or(0..size);
    let stream = state
        .blobs
        .read_range(sha256, bytes.clone())
        .await
        .map_err(anyhow::Error::from)?;
    let mut response = Response::new(Body::from_stream(stream));
    let headers = response.headers_mut();
    let mut set = |name, value: String| {
        headers.insert(name, HeaderValue::from_str(&value).expect("ASCII header"));
    };
    set(header::CONTENT_TYPE, mime.to_string());
    set(
        header::CONTENT_LENGTH,
        (bytes.end - bytes.start).to_string(),
    );
    set(header::ACCEPT_RANGES, "bytes".into());
    set(header::ETAG, etag);
    if range.is_some() {
        set(
            header::CONTENT_RANGE,
            format!("bytes {}-{}/{size}", bytes.start, bytes.end - 1),
        );
        *response.status_mut() = axum::http::StatusCode::PARTIAL_CONTENT;
    }
    Ok(response)
}

/// How a stored file reaches the browser.
pub(crate) enum Shown {
    /// Downloaded under its name, typed by its extension.
    Attachment,
    /// Played or shown in the page with this type (SPEC V12, V13).
    Inline(mime::Mime),
}

/// Serves a stored blob with Range support, sandboxed so that a browser never runs it (X4).
pub(crate) async fn serve_blob(
    state: &AppState,
    sha256: &str,
    name: &str,
    shown: Shown,
    request: Request,
) -> ApiResult<Response> {
    let (how, mime) = match shown {
        Shown::Attachment => (
            "attachment",
            mime_guess::from_path(name).first_or_octet_stream(),
        ),
        Shown::Inline(mime) => ("inline", mime),
    };
    let mut response = match state.blobs.local() {
        Some(local) => serve_file(local.path(sha256), &mime, request).await?,
        None => serve_from_bucket(state, sha256, &mime, request.headers()).await?,
    };
    if response.status() == axum::http::StatusCode::NOT_FOUND {
        return Err(anyhow::anyhow!("blob {sha256} of a listed item is missing").into());
    }
    response.extensions_mut().insert(StoredBytes);
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_DISPOSITION, disposition(how, name));
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, no-cache"),
    );
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static("default-src 'none'; sandbox"),
    );
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    Ok(response)
}

/// The original file, byte for byte. Supports `Range` (206, 416) for resuming and seeking.
#[utoipa::path(get, path = "/api/v1/items/{id}/original", tag = "items",
    security(("session_cookie" = []), ("device_token" = [])),
    params(("id" = i64, Path)),
    responses(
        (status = 200, description = "The file, typed by its name's extension", content_type = "*/*"),
        (status = 404, description = "No such file of this account", body = ErrorBody),
        FileAnswers))]
async fn original(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<i64>,
    request: Request,
) -> ApiResult<Response> {
    let (sha256, name): (String, String) =
        sqlx::query_as("SELECT sha256, name FROM items WHERE id = $1 AND user_id = $2")
            .bind(id)
            .bind(caller.user_id)
            .fetch_optional(&state.db)
            .await?
            .ok_or(ErrorCode::NotFound)?;
    serve_blob(&state, &sha256, &name, Shown::Attachment, request).await
}

/// A thumbnail (~256 px) or preview (~1440 px) of a photo or video. The URL is keyed by the
/// content's SHA-256, so it never changes and is cached for good; the caller must hold a file
/// with that content.
#[utoipa::path(get, path = "/api/v1/pictures/{sha256}/{size}", tag = "items",
    security(("session_cookie" = []), ("device_token" = [])),
    params(("sha256" = String, Path), ("size" = String, Path, description = "thumb | preview")),
    responses(
        (status = 200, description = "JPEG", content_type = "image/jpeg"),
        FileAnswers,
        (status = 404, description = "Not one of the caller's files, not made (yet), or undecodable", body = ErrorBody)))]
async fn picture(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath((sha256, size)): ApiPath<(String, String)>,
    request: Request,
) -> ApiResult<Response> {
    if !hako_protocol::valid_sha256_hex(&sha256) || !matches!(size.as_str(), "thumb" | "preview") {
        return Err(ErrorCode::NotFound.into());
    }
    // `+user_id` keeps SQLite on the sha256 index: the (user_id, room, sha256) one would read
    // every item of the account (90 ms per thumbnail at a million items).
    let Flag(owned) = sqlx::query_scalar(
        "SELECT EXISTS (SELECT 1 FROM items WHERE sha256 = $1 AND +user_id = $2)",
    )
    .bind(&sha256)
    .bind(caller.user_id)
    .fetch_one(&state.db)
    .await?;
    if !owned {
        return Err(ErrorCode::NotFound.into());
    }
    serve_picture(&state, &sha256, &size, request).await
}

/// A derived JPEG, cached for good: its URL names its content.
async fn serve_picture(
    state: &AppState,
    sha256: &str,
    size: &str,
    request: Request,
) -> ApiResult<Response> {
    let mut response = match state.blobs.local() {
        Some(local) => {
            let path = local.derived_path(sha256, size);
            if !tokio::fs::try_exists(&path).await.unwrap_or(false) {
                return Err(ErrorCode::NotFound.into());
            }
            serve_file(path, &mime::IMAGE_JPEG, request).await?
        }
        None => {
            let jpeg = state
                .blobs
                .read_derived(sha256, size)
                .await
                .map_err(anyhow::Error::from)?
                .ok_or(ErrorCode::NotFound)?;
            ([(header::CONTENT_TYPE, "image/jpeg")], jpeg).into_response()
        }
    };
    response.headers_mut().insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, max-age=31536000, immutable"),
    );
    Ok(response)
}

async fn owned_sha256(state: &AppState, caller: &Caller, id: i64) -> ApiResult<String> {
    Ok(
        sqlx::query_scalar("SELECT sha256 FROM items WHERE id = $1 AND user_id = $2")
            .bind(id)
            .bind(caller.user_id)
            .fetch_optional(&state.db)
            .await?
            .ok_or(ErrorCode::NotFound)?,
    )
}

/// The item's grid thumbnail (~256 px).
#[utoipa::path(get, path = "/api/v1/items/{id}/thumbnail", tag = "items",
    security(("session_cookie" = []), ("device_token" = [])), params(("id" = i64, Path)),
    responses((status = 200, content_type = "image/jpeg"), (status = 404, body = ErrorBody), FileAnswers))]
async fn item_thumbnail(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<i64>,
    request: Request,
) -> ApiResult<Response> {
    let sha256 = owned_sha256(&state, &caller, id).await?;
    serve_picture(&state, &sha256, "thumb", request).await
}

/// The item's preview for the photo view (~1440 px).
#[utoipa::path(get, path = "/api/v1/items/{id}/preview", tag = "items",
    security(("session_cookie" = []), ("device_token" = [])), params(("id" = i64, Path)),
    responses((status = 200, content_type = "image/jpeg"), (status = 404, body = ErrorBody), FileAnswers))]
async fn item_preview(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<i64>,
    request: Request,
) -> ApiResult<Response> {
    let sha256 = owned_sha256(&state, &caller, id).await?;
    serve_picture(&state, &sha256, "preview", request).await
}

/// Deletes a file from the server (SPEC V10); the phone's own copy is not touched.
#[utoipa::path(delete, path = "/api/v1/items/{id}", tag = "items",
    security(("session_cookie" = []), ("device_token" = [])), params(("id" = i64, Path)),
    responses((status = 204, description = "Deleted"), (status = 404, body = ErrorBody)))]
async fn delete_item(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<axum::http::StatusCode> {
    let sha256: String =
        sqlx::query_scalar("DELETE FROM items WHERE id = $1 AND user_id = $2 RETURNING sha256")
            .bind(id)
            .bind(caller.user_id)
            .fetch_optional(&state.db)
            .await?
            .ok_or(ErrorCode::NotFound)?;
    state
        .blobs
        .remove_unreferenced(&state.db, &[sha256])
        .await?;
    Ok(axum::http::StatusCode::NO_CONTENT)
}

/// The newest contacts (vCard), calendar (iCalendar) or call history (JSON) of a ROOM.
#[utoipa::path(get, path = "/api/v1/rooms/{room}/backups/{kind}/latest", tag = "items",
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
    request: Request,
) -> ApiResult<Response> {
    let room = room_number(room)?;
    let kind = crate::backups::parse_kind(&kind)?;
    let sha256: String = sqlx::query_scalar(
        "SELECT sha256 FROM backups WHERE user_id = $1 AND room = $2 AND kind = $3
         ORDER BY version DESC LIMIT 1",
    )
    .bind(caller.user_id)
    .bind(room)
    .bind(kind.as_str())
    .fetch_optional(&state.db)
    .await?
    .ok_or(ErrorCode::NotFound)?;
    serve_blob(
        &state,
        &sha256,
        kind.file_name(),
        Shown::Attachment,
        request,
    )
    .await
    .map(IntoResponse::into_response)
}
