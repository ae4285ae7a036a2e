//! The items part's endpoints: extract, call the rules, answer.

use axum::{
    extract::{FromRequestParts, State},
    http::{HeaderMap, StatusCode},
    response::Response,
};
use hako_protocol::{Document, ErrorBody, ItemInfo, ItemKind, ItemPage, Track};
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_axum::{router::OpenApiRouter, routes};

use super::{Picture, Use};
use crate::{
    AppState,
    http::error::{ApiJson, ApiPath, ApiQuery, ApiResult},
    http::files::{FileAnswers, Shown, serve_blob, serve_picture},
    library::LibraryError,
    phones::{Caller, room_number},
};

pub(in crate::library) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list))
        .routes(routes!(original))
        .routes(routes!(picture))
        .routes(routes!(item_thumbnail))
        .routes(routes!(item_preview))
        .routes(routes!(delete_item))
        .routes(routes!(item_info))
        .routes(routes!(stream))
        .routes(routes!(view))
        .routes(routes!(music))
        .routes(routes!(documents))
}

/// A request for one of the caller's items' bytes: `/items/{id}/…`.
#[derive(FromRequestParts)]
#[from_request(state(AppState))]
struct ItemBytes {
    state: State<AppState>,
    caller: Caller,
    id: ApiPath<i64>,
    headers: HeaderMap,
}

/// A request about one of the caller's ROOMs: `/rooms/{room}/…`.
#[derive(FromRequestParts)]
#[from_request(state(AppState))]
struct CallersRoom {
    state: State<AppState>,
    caller: Caller,
    room: ApiPath<u8>,
}

impl CallersRoom {
    /// The state, the account and the ROOM as the database keeps it (1 to 3).
    fn parts(self) -> ApiResult<(AppState, i64, i64)> {
        let Self {
            state: State(state),
            caller,
            room: ApiPath(room),
        } = self;
        Ok((state, caller.user_id, room_number(room)?))
    }
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
#[utoipa::path(get, path = "/api/v1/rooms/{room}/items", tag = "library",
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
    crate::library::restoring(&state.db, &caller).await?;
    let page = super::list(&state.db, caller.user_id, room, query.kind, query.cursor).await?;
    Ok(ApiJson(page))
}

/// The item's file for `use_`, whole or the range asked for, sandboxed.
async fn serve_item(request: ItemBytes, use_: Use) -> ApiResult<Response> {
    let (state, user_id) = (&request.state, request.caller.user_id);
    crate::library::restoring(&state.db, &request.caller).await?;
    let served = super::served(&state.db, user_id, request.id.0, use_).await?;
    let shown = served.inline.map_or(Shown::Attachment, Shown::Inline);
    let (sha256, name) = (&served.sha256, &served.name);
    serve_blob(&state.blobs, sha256, name, shown, &request.headers).await
}

/// The endpoints for one item's bytes, `/api/v1/items/{id}/…`: utoipa documents one path per
/// function, so each path has a function, written once here; its body is `serve_item` (the
/// original, playing, viewing) or `item_picture` (thumbnail, preview).
macro_rules! item_bytes_endpoints {
    ($($(#[doc = $doc:literal])* $name:ident $path:tt => $serve:ident($how:expr), responses $responses:tt;)*) => {$(
        $(#[doc = $doc])*
        #[utoipa::path(get, path = $path, tag = "library",
            security(("session_cookie" = []), ("device_token" = [])), params(("id" = i64, Path)),
            responses $responses)]
        async fn $name(request: ItemBytes) -> ApiResult<Response> {
            $serve(request, $how).await
        }
    )*};
}

item_bytes_endpoints! {
    /// The original file, byte for byte. Supports `Range` (206, 416) for resuming and seeking.
    original "/api/v1/items/{id}/original" => serve_item(Use::Original),
    responses((status = 200, description = "The file, typed by its name's extension", content_type = "*/*"), (status = 404, description = "No such file of this account", body = ErrorBody), FileAnswers);
    /// A music or video file for `<audio>` / `<video>`: inline, with Range for seeking, sandboxed.
    stream "/api/v1/items/{id}/stream" => serve_item(Use::Play),
    responses((status = 200, description = "The file, `audio/*` or `video/*`"), (status = 404, description = "Not the caller's, or not music or video", body = ErrorBody), FileAnswers);
    /// A PDF or text document to read in the browser: inline, sandboxed.
    view "/api/v1/items/{id}/view" => serve_item(Use::View),
    responses((status = 200, description = "`application/pdf` or `text/plain; charset=utf-8`"), (status = 404, description = "Not the caller's, or not a PDF or text document", body = ErrorBody), FileAnswers);
    /// The item's grid thumbnail (~256 px).
    item_thumbnail "/api/v1/items/{id}/thumbnail" => item_picture(Picture::Thumb),
    responses((status = 200, content_type = "image/jpeg"), (status = 404, body = ErrorBody), FileAnswers);
    /// The item's preview for the photo view (~1440 px).
    item_preview "/api/v1/items/{id}/preview" => item_picture(Picture::Preview),
    responses((status = 200, content_type = "image/jpeg"), (status = 404, body = ErrorBody), FileAnswers);
}

/// A thumbnail (~256 px) or preview (~1440 px) of a photo or video. The URL is keyed by the
/// content's SHA-256, so it never changes and is cached for good; the caller must hold a file
/// with that content.
#[utoipa::path(get, path = "/api/v1/pictures/{sha256}/{size}", tag = "library",
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
    headers: HeaderMap,
) -> ApiResult<Response> {
    let picture = Picture::parse(&size).ok_or(LibraryError::NotFound)?;
    super::check_content(&state.db, caller.user_id, &sha256).await?;
    serve_picture(&state.blobs, &sha256, picture.as_str(), &headers).await
}

/// The item's thumbnail or preview: the one body of `item_thumbnail` and `item_preview`.
async fn item_picture(request: ItemBytes, picture: Picture) -> ApiResult<Response> {
    let (state, user_id) = (&request.state, request.caller.user_id);
    let sha256 = super::item_content(&state.db, user_id, request.id.0).await?;
    serve_picture(&state.blobs, &sha256, picture.as_str(), &request.headers).await
}

/// Deletes a file from the server (SPEC V10); the phone's own copy is not touched.
#[utoipa::path(delete, path = "/api/v1/items/{id}", tag = "library",
    security(("session_cookie" = []), ("device_token" = [])), params(("id" = i64, Path)),
    responses((status = 204, description = "Deleted"), (status = 404, body = ErrorBody)))]
async fn delete_item(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<StatusCode> {
    super::delete(&state.db, &state.blobs, caller.user_id, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// One file with what its media job learned: the photo view's info panel (SPEC V11).
#[utoipa::path(get, path = "/api/v1/items/{id}", tag = "library",
    security(("session_cookie" = []), ("device_token" = [])), params(("id" = i64, Path)),
    responses((status = 200, body = ItemInfo), (status = 404, body = ErrorBody)))]
async fn item_info(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<ApiJson<ItemInfo>> {
    let info = super::details(&state.db, caller.user_id, id).await?;
    Ok(ApiJson(info))
}

/// The Music tab (SPEC V12): by artist, album and title; untagged files by name, last.
#[utoipa::path(get, path = "/api/v1/rooms/{room}/music", tag = "library",
    security(("session_cookie" = []), ("device_token" = [])), params(("room" = u8, Path)),
    responses((status = 200, body = Vec<Track>), (status = 400, body = ErrorBody)))]
async fn music(room: CallersRoom) -> ApiResult<ApiJson<Vec<Track>>> {
    let (state, user_id, room) = room.parts()?;
    Ok(ApiJson(super::music(&state.db, user_id, room).await?))
}

/// The Documents tab (SPEC V13): newest first.
#[utoipa::path(get, path = "/api/v1/rooms/{room}/documents", tag = "library",
    security(("session_cookie" = []), ("device_token" = [])), params(("room" = u8, Path)),
    responses((status = 200, body = Vec<Document>), (status = 400, body = ErrorBody)))]
async fn documents(room: CallersRoom) -> ApiResult<ApiJson<Vec<Document>>> {
    let (state, user_id, room) = room.parts()?;
    Ok(ApiJson(super::documents(&state.db, user_id, room).await?))
}
