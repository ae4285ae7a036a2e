//! The tus 1.0 server (core, creation, checksum, termination, expiration) at
//! `/api/v1/uploads`: headers in, the rules of `uploads`, headers out.

use std::time::{Duration, UNIX_EPOCH};

use axum::{
    body::Body,
    extract::{Path, Request, State},
    http::{HeaderMap, HeaderName, HeaderValue, Method, StatusCode, header},
    middleware::{self, Next},
    response::{IntoResponse, Response},
};
use hako_protocol::{AccountSetup, ErrorBody, ErrorCode};
use tower_http::set_header::SetResponseHeaderLayer;
use utoipa_axum::{router::OpenApiRouter, routes};

use super::{Chunk, Declared, UploadError, Uploader};
use crate::{
    AppState,
    accounts::CurrentUser,
    http::error::{ApiError, ApiJson, ApiResult},
    phones::CurrentDevice,
};

pub const TUS_VERSION: &str = "1.0.0";
const TUS_EXTENSIONS: &str = "creation,checksum,termination,expiration";

fn h(name: &'static str) -> HeaderName {
    HeaderName::from_static(name)
}

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(options, create))
        .routes(routes!(head, patch, terminate))
        .layer(middleware::from_fn(require_tus))
        .layer(SetResponseHeaderLayer::overriding(
            h("tus-resumable"),
            HeaderValue::from_static(TUS_VERSION),
        ))
        // Added after the tus layers: a browser asks these, not a tus client.
        .routes(routes!(setup))
        .routes(routes!(setup_qr))
}

/// What a new account needs to start backing up: the phone app's store page, the address to
/// enter in it, and the storage used against a free member's quota (the library's first run).
#[utoipa::path(get, path = "/api/v1/account/setup", tag = "uploads", security(("session_cookie" = [])),
    responses(
        (status = 200, body = AccountSetup)))]
async fn setup(
    State(state): State<AppState>,
    user: CurrentUser,
) -> ApiResult<ApiJson<AccountSetup>> {
    Ok(ApiJson(super::setup(&state, user.id).await?))
}

/// The address to enter in the phone app as a QR code, for the phone's camera.
#[utoipa::path(get, path = "/api/v1/account/setup/qr.svg", tag = "uploads",
    security(("session_cookie" = [])),
    responses(
        (status = 200, description = "An SVG picture", content_type = "image/svg+xml", body = String)))]
async fn setup_qr(State(state): State<AppState>, _user: CurrentUser) -> ApiResult<Response> {
    let svg = super::address_qr(&state.config.public_url)?;
    let headers = [
        (header::CONTENT_TYPE, "image/svg+xml"),
        (header::CACHE_CONTROL, "private, max-age=3600"),
    ];
    Ok((headers, svg).into_response())
}

/// Every request but `OPTIONS` must speak tus 1.0.0; others get 412 and the version we speak.
async fn require_tus(request: Request, next: Next) -> Response {
    let speaks_tus = request.method() == Method::OPTIONS
        || request
            .headers()
            .get("tus-resumable")
            .and_then(|v| v.to_str().ok())
            == Some(TUS_VERSION);
    if speaks_tus {
        return next.run(request).await;
    }
    let mut response = ApiError::new(ErrorCode::InvalidUploadRequest).into_response();
    *response.status_mut() = StatusCode::PRECONDITION_FAILED;
    response
        .headers_mut()
        .insert(h("tus-version"), HeaderValue::from_static(TUS_VERSION));
    response
}

fn uploader(device: &CurrentDevice) -> Uploader {
    Uploader {
        device_id: device.id,
        user_id: device.user_id,
        os: device.os,
        room: device.room,
    }
}

fn header_text<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers.get(name).and_then(|v| v.to_str().ok())
}

fn expires_header(expires_at: i64) -> String {
    let at = UNIX_EPOCH + Duration::from_secs(u64::try_from(expires_at).unwrap_or(0));
    httpdate::fmt_http_date(at)
}

/// The server's tus capabilities.
#[utoipa::path(options, path = "/api/v1/uploads", tag = "uploads",
    responses((status = 204, description = "Tus-Version, Tus-Extension, Tus-Max-Size, Tus-Checksum-Algorithm headers")))]
async fn options(State(state): State<AppState>) -> impl IntoResponse {
    (
        StatusCode::NO_CONTENT,
        [
            (h("tus-version"), TUS_VERSION.to_owned()),
            (h("tus-extension"), TUS_EXTENSIONS.to_owned()),
            (
                h("tus-max-size"),
                state.config.limits.max_file_bytes.to_string(),
            ),
            (
                h("tus-checksum-algorithm"),
                super::CHECKSUM_ALGORITHMS.to_owned(),
            ),
        ],
    )
}

/// Starts an upload. `Upload-Length` and `Upload-Metadata` (`filename`, `sha256` as hex,
/// optionally `created_at` in Unix seconds) are required.
#[utoipa::path(post, path = "/api/v1/uploads", tag = "uploads", security(("device_token" = [])),
    params(
        ("Tus-Resumable" = String, Header, description = "`1.0.0`, or the answer is 412", pattern = r"^1\.0\.0$"),
        ("Upload-Length" = u64, Header, description = "The file's size in bytes"),
        ("Upload-Metadata" = String, Header, description = "`filename <base64>,sha256 <base64 of the hex digest>`, optionally `,created_at <base64 of Unix seconds>`")),
    responses(
        (status = 201, description = "Created; `Location` is the upload's URL"),
        (status = 400, description = "Bad metadata, name or hash", body = ErrorBody),
        (status = 403, description = "Monthly limit or free quota reached; type not allowed on iPhone", body = ErrorBody),
        (status = 409, description = "Already in the ROOM, or the phone has no ROOM", body = ErrorBody),
        (status = 412, description = "Without `Tus-Resumable: 1.0.0`; `Tus-Version` names the version spoken (`invalid_upload_request`)", body = ErrorBody),
        (status = 413, description = "Larger than 15 GB", body = ErrorBody),
        (status = 415, description = "Not a format of SPEC T2", body = ErrorBody),
        (status = 507, description = "The server's disk is full", body = ErrorBody)))]
async fn create(
    State(state): State<AppState>,
    device: CurrentDevice,
    headers: HeaderMap,
) -> ApiResult<Response> {
    crate::corp::check_function(&state.db, device.user_id, crate::corp::Function::Backup).await?;
    let declared = Declared {
        length: header_text(&headers, "upload-length"),
        metadata: header_text(&headers, "upload-metadata"),
    };
    let started = super::start(&state, &uploader(&device), declared).await?;
    Ok((
        StatusCode::CREATED,
        [
            (header::LOCATION, format!("/api/v1/uploads/{}", started.id)),
            (h("upload-expires"), expires_header(started.expires_at)),
        ],
    )
        .into_response())
}

/// Where an upload stands.
#[utoipa::path(head, path = "/api/v1/uploads/{id}", tag = "uploads", security(("device_token" = [])),
    params(("id" = String, Path), ("Tus-Resumable" = String, Header, description = "`1.0.0`, or the answer is 412", pattern = r"^1\.0\.0$")),
    responses(
        (status = 200, description = "Upload-Offset and Upload-Length headers"),
        (status = 404, description = "No such upload of this phone, or expired", body = ErrorBody),
        (status = 412, description = "Without `Tus-Resumable: 1.0.0`; `Tus-Version` names the version spoken (`invalid_upload_request`)", body = ErrorBody)))]
async fn head(
    State(state): State<AppState>,
    device: CurrentDevice,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    let standing = super::standing(&state, &uploader(&device), &id).await?;
    Ok((
        StatusCode::OK,
        [
            (h("upload-offset"), standing.offset.to_string()),
            (h("upload-length"), standing.length.to_string()),
            (h("upload-expires"), expires_header(standing.expires_at)),
            (header::CACHE_CONTROL, "no-store".to_owned()),
        ],
    )
        .into_response())
}

/// Appends bytes at `Upload-Offset`. With `Upload-Checksum: sha256 <base64>` a chunk that
/// does not match is discarded (460) and the offset stays.
#[utoipa::path(patch, path = "/api/v1/uploads/{id}", tag = "uploads", security(("device_token" = [])),
    params(
        ("id" = String, Path),
        ("Tus-Resumable" = String, Header, description = "`1.0.0`, or the answer is 412", pattern = r"^1\.0\.0$"),
        ("Upload-Offset" = u64, Header, description = "The upload's offset, as HEAD tells it"),
        ("Upload-Checksum" = Option<String>, Header, description = "`sha256 <base64 digest of this chunk>`")),
    request_body(content = Vec<u8>, content_type = "application/offset+octet-stream"),
    responses(
        (status = 204, description = "Stored; the new Upload-Offset header"),
        (status = 400, description = "An `Upload-Checksum` that is not `sha256 <base64>`, or a body that broke off (`invalid_upload_request`)", body = ErrorBody),
        (status = 404, description = "No such upload of this phone, or expired", body = ErrorBody),
        (status = 409, description = "Offset does not match", body = ErrorBody),
        (status = 412, description = "Without `Tus-Resumable: 1.0.0`; `Tus-Version` names the version spoken (`invalid_upload_request`)", body = ErrorBody),
        (status = 413, description = "More bytes than declared", body = ErrorBody),
        (status = 415, description = "Not `Content-Type: application/offset+octet-stream`", body = ErrorBody),
        (status = 460, description = "Checksum mismatch (chunk, or the whole file)", body = ErrorBody),
        (status = 507, description = "The server's disk is full", body = ErrorBody)))]
async fn patch(
    State(state): State<AppState>,
    device: CurrentDevice,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Body,
) -> ApiResult<Response> {
    let Some(_turn) = state.uploads_busy.claim(&id) else {
        return Err(UploadError::OffsetMismatch.into());
    };
    let chunk = Chunk {
        content_type: header_text(&headers, header::CONTENT_TYPE.as_str()),
        offset: header_text(&headers, "upload-offset"),
        checksum: headers
            .get("upload-checksum")
            .map(|v| v.to_str().map_err(|_| UploadError::InvalidRequest))
            .transpose()?,
    };
    let offset = super::append(
        &state,
        &uploader(&device),
        &id,
        chunk,
        body.into_data_stream(),
    )
    .await?;
    Ok((
        StatusCode::NO_CONTENT,
        [(h("upload-offset"), offset.to_string())],
    )
        .into_response())
}

/// Cancels an upload and removes its bytes.
#[utoipa::path(delete, path = "/api/v1/uploads/{id}", tag = "uploads", security(("device_token" = [])),
    params(("id" = String, Path), ("Tus-Resumable" = String, Header, description = "`1.0.0`, or the answer is 412", pattern = r"^1\.0\.0$")),
    responses(
        (status = 204, description = "Removed"),
        (status = 404, description = "No such upload of this phone, or expired", body = ErrorBody),
        (status = 412, description = "Without `Tus-Resumable: 1.0.0`; `Tus-Version` names the version spoken (`invalid_upload_request`)", body = ErrorBody)))]
async fn terminate(
    State(state): State<AppState>,
    device: CurrentDevice,
    Path(id): Path<String>,
) -> ApiResult<StatusCode> {
    let _turn = state.uploads_busy.claim(&id);
    super::cancel(&state, &uploader(&device), &id).await?;
    Ok(StatusCode::NO_CONTENT)
}
