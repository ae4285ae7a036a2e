//! The downloads' endpoints: a ticket, then its file or ZIP with Range.

use axum::{
    body::Body,
    extract::State,
    http::{HeaderMap, StatusCode},
    response::Response,
};
use hako_protocol::{DownloadRequest, DownloadTicket, ErrorBody};
use utoipa_axum::{router::OpenApiRouter, routes};

use super::Download;
use crate::{
    AppState,
    http::error::{ApiJson, ApiPath, ApiResult},
    http::files::{FileAnswers, Ranged, Shown, ranged, sandboxed, serve_blob},
    phones::Caller,
};

pub(in crate::library) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(create))
        .routes(routes!(fetch))
}

/// A download URL for 1 to 50 of the caller's files: the file itself, or a ZIP of them.
#[utoipa::path(post, path = "/api/v1/downloads", tag = "library",
    security(("session_cookie" = []), ("device_token" = [])),
    request_body = DownloadRequest,
    responses(
        (status = 201, description = "Fetch `url` within 10 minutes, with the same account", body = DownloadTicket),
        (status = 400, description = "No ids, or an id twice", body = ErrorBody),
        (status = 404, description = "An id that is not one of the caller's files", body = ErrorBody),
        (status = 422, description = "More than 50 files (SPEC L3)", body = ErrorBody)))]
async fn create(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(body): ApiJson<DownloadRequest>,
) -> ApiResult<(StatusCode, ApiJson<DownloadTicket>)> {
    let now = state.clock.now();
    let ticket = super::create(&state.db, caller.user_id, &body.item_ids, now).await?;
    Ok((StatusCode::CREATED, ApiJson(ticket)))
}

/// The ticket's file, or its ZIP. Supports one `Range` (206, 416) and `If-Range`.
#[utoipa::path(get, path = "/api/v1/downloads/{token}", tag = "library",
    security(("session_cookie" = []), ("device_token" = [])),
    params(("token" = String, Path, description = "From the ticket's `url`")),
    responses(
        (status = 200, description = "The file (typed by its name's extension), or an `application/zip` of them (stored, ZIP64 where needed)", content_type = "*/*"),
        (status = 404, description = "No such ticket of this account, or one of its files was deleted", body = ErrorBody),
        (status = 410, description = "The ticket expired", body = ErrorBody),
        FileAnswers))]
async fn fetch(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(token): ApiPath<String>,
    headers: HeaderMap,
) -> ApiResult<Response> {
    let now = state.clock.now();
    let archive = match super::fetch(&state.db, caller.user_id, &token, now).await? {
        Download::One { sha256, name } => {
            return serve_blob(&state.blobs, &sha256, &name, Shown::Attachment, &headers).await;
        }
        Download::Zip(archive) => archive,
    };
    let file = Ranged {
        size: archive.size(),
        etag: archive.etag(),
        content_type: "application/zip".into(),
    };
    let file_name = archive.file_name.clone();
    let (db, blobs) = (state.db.clone(), state.blobs.clone());
    let mut response = ranged(&headers, file, |bytes| async move {
        Ok(Body::from_stream(archive.stream(db, blobs, bytes)))
    })
    .await
    .map_err(anyhow::Error::from)?;
    // A ticket's ZIP is made for one download: nothing to keep.
    sandboxed(&mut response, "attachment", &file_name, "no-store");
    Ok(response)
}
