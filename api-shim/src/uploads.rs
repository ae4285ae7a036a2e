//! Resumable uploads: a tus 1.0 server (core, creation, checksum, termination, expiration)
//! at `/api/v1/uploads` (SPEC D3, T1, L1, L2).
//!
//! The full file's SHA-256 is declared at creation. The server keeps the running hash state
//! with the acknowledged offset, so it never re-reads the file; when the last byte arrives it
//! compares, and only then, in one transaction, the file becomes an item.
//!
//! Bytes go to `<data>/uploads/<id>.part`, or, with a bucket configured, straight into a
//! multipart upload of the final object: the multipart id, the parts' ETags and the bytes
//! that do not yet fill a part live in the database, so any instance can take the next PATCH,
//! also after a restart (SPEC X3).

use std::{
    collections::HashSet,
    io::{self, SeekFrom},
    path::PathBuf,
    sync::{Arc, Mutex},
    time::{Duration, UNIX_EPOCH},
};

use axum::{
    body::Body,
    extract::{Path, Request, State},
    http::{HeaderMap, HeaderName, HeaderValue, Method, StatusCode, header},
    middleware::{self, Next},
    response::{IntoResponse, Response},
};
use base64::{Engine, engine::general_purpose::STANDARD};
use futures_util::StreamExt;
use hako_protocol::{ErrorBody, ErrorCode, ItemKind, valid_file_name, valid_sha256_hex};
use sha2::{Digest, Sha256, digest::common::hazmat::SerializableState};
use tokio::io::{AsyncSeekExt, AsyncWriteExt};
use tower_http::set_header::SetResponseHeaderLayer;
use utoipa_axum::{router::OpenApiRouter, routes};

use hako_media::dating;

use crate::{
    AppState,
    devices::token::CurrentDevice,
    http::error::{ApiError, ApiResult},
    store::blobs::{PART_BYTES, S3Blobs},
    store::db::Flag,
};

pub const TUS_VERSION: &str = "1.0.0";
const TUS_EXTENSIONS: &str = "creation,checksum,termination,expiration";
const OFFSET_STREAM: &str = "application/offset+octet-stream";

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
}

/// Uploads this instance is writing right now: a second PATCH to the same upload waits its
/// turn by being refused, as tus allows. Across instances (bucket storage), the offset each
/// PATCH started from is checked when it is recorded: the later one is refused.
#[derive(Clone, Default)]
pub struct Busy(Arc<Mutex<HashSet<String>>>);

struct BusyGuard(Busy, String);

impl Busy {
    fn claim(&self, id: &str) -> Option<BusyGuard> {
        let mut set = self.0.lock().expect("busy set lock");
        set.insert(id.to_owned())
            .then(|| BusyGuard(self.clone(), id.to_owned()))
    }
}

impl Drop for BusyGuard {
    fn drop(&mut self) {
        self.0.0.lock().expect("busy set lock").remove(&self.1);
    }
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
            (h("tus-checksum-algorithm"), "sha256".to_owned()),
        ],
    )
}

/// What `Upload-Metadata` must carry.
struct Metadata {
    name: String,
    sha256: String,
    file_created_at: Option<i64>,
}

fn parse_metadata(header: Option<&str>) -> Result<Metadata, ApiError> {
    let mut name = None;
    let mut sha256 = None;
    let mut file_created_at = None;
    for pair in header.unwrap_or_default().split(',') {
        let mut parts = pair.trim().splitn(2, ' ');
        let key = parts.next().unwrap_or_default();
        let value = match parts.next() {
            Some(encoded) => String::from_utf8(
                STANDARD
                    .decode(encoded.trim())
                    .map_err(|_| ErrorCode::InvalidUploadRequest)?,
            )
            .map_err(|_| ErrorCode::InvalidFileName)?,
            None => String::new(),
        };
        match key {
            "filename" | "name" => name = Some(value),
            "sha256" => sha256 = Some(value.to_ascii_lowercase()),
            "created_at" => file_created_at = value.parse().ok(),
            _ => {}
        }
    }
    let name = name.ok_or(ErrorCode::InvalidFileName)?;
    if !valid_file_name(&name) {
        return Err(ErrorCode::InvalidFileName.into());
    }
    let sha256 = sha256
        .filter(|s| valid_sha256_hex(s))
        .ok_or(ErrorCode::InvalidSha256)?;
    Ok(Metadata {
        name,
        sha256,
        file_created_at,
    })
}

/// When an upload touched at `now` expires if nothing more happens.
fn expiry_after(state: &AppState, now: i64) -> i64 {
    now + i64::try_from(state.config.limits.upload_expiry_hours * 3600).unwrap_or(i64::MAX / 2)
}

/// The calendar month an upload counts in for the monthly limit (SPEC L2).
fn month_of(unix: i64) -> String {
    crate::clock::utc_month(unix)
}

fn expires_header(expires_at: i64) -> String {
    let at = UNIX_EPOCH + Duration::from_secs(u64::try_from(expires_at).unwrap_or(0));
    httpdate::fmt_http_date(at)
}

fn part_path(state: &AppState, id: &str) -> PathBuf {
    state
        .config
        .data_dir
        .join("uploads")
        .join(format!("{id}.part"))
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
    let (state, device, headers) = (&state, &device, &headers);
    let room = device.registered_room()?;
    let length: u64 = headers
        .get("upload-length")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse().ok())
        .ok_or(ErrorCode::InvalidUploadRequest)?;
    let limits = state.config.limits;
    if length > limits.max_file_bytes {
        return Err(ErrorCode::FileTooLarge.into());
    }
    let meta = parse_metadata(headers.get("upload-metadata").and_then(|v| v.to_str().ok()))?;
    let kind = ItemKind::from_file_name(&meta.name).ok_or(ErrorCode::UnsupportedFileType)?;
    if !kind.allowed_on(device.os) {
        return Err(ErrorCode::TypeNotAllowedOnIphone.into());
    }
    let Flag(already) = sqlx::query_scalar(
        "SELECT EXISTS (SELECT 1 FROM items WHERE user_id = $1 AND room = $2 AND sha256 = $3)",
    )
    .bind(device.user_id)
    .bind(room)
    .bind(&meta.sha256)
    .fetch_one(&state.db)
    .await?;
    if already {
        return Err(ErrorCode::AlreadyStored.into());
    }
    let now = state.clock.now();
    let length_i = i64::try_from(length).map_err(|_| ErrorCode::FileTooLarge)?;
    // Uploads in progress count as if finished, so parallel uploads cannot pass a limit together.
    let (month_bytes, stored_bytes, pending_bytes, member_type): (i64, i64, i64, String) =
        sqlx::query_as(
            "SELECT
            COALESCE((SELECT bytes FROM upload_volume WHERE user_id = $1 AND month = $2), 0),
            CAST(COALESCE((SELECT SUM(bytes) FROM room_totals WHERE user_id = $1), 0) AS BIGINT),
            CAST(COALESCE((SELECT SUM(length) FROM uploads WHERE user_id = $1), 0) AS BIGINT),
            (SELECT member_type FROM users WHERE id = $1)",
        )
        .bind(device.user_id)
        .bind(month_of(now))
        .fetch_one(&state.db)
        .await?;
    let as_u64 = |v: i64| u64::try_from(v).unwrap_or(0);
    if as_u64(month_bytes) + as_u64(pending_bytes) + length > limits.monthly_upload_bytes {
        return Err(ErrorCode::MonthlyLimitReached.into());
    }
    if member_type == "free"
        && as_u64(stored_bytes) + as_u64(pending_bytes) + length > limits.free_quota_bytes
    {
        return Err(ErrorCode::QuotaExceeded.into());
    }

    let id = hex::encode(rand::random::<[u8; 16]>());
    let multipart_id = match state.blobs.s3() {
        Some(s3) => Some(s3.start_upload(&meta.sha256).await.map_err(io_error)?),
        None => {
            let path = part_path(state, &id);
            tokio::fs::create_dir_all(path.parent().expect("upload paths have a folder"))
                .await
                .map_err(anyhow::Error::from)?;
            tokio::fs::File::create(&path).await.map_err(io_error)?;
            None
        }
    };
    let expires_at = expiry_after(state, now);
    sqlx::query(
        "INSERT INTO uploads (id, user_id, device_id, room, kind, name, sha256, length, \"offset\",
                              hash_state, file_created_at, expires_at, multipart_id)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 0, $9, $10, $11, $12)",
    )
    .bind(&id)
    .bind(device.user_id)
    .bind(device.id)
    .bind(room)
    .bind(kind.as_str())
    .bind(&meta.name)
    .bind(&meta.sha256)
    .bind(length_i)
    .bind(Sha256::new().serialize().to_vec())
    .bind(meta.file_created_at.unwrap_or(now))
    .bind(expires_at)
    .bind(multipart_id)
    .execute(&state.db)
    .await?;
    Ok((
        StatusCode::CREATED,
        [
            (header::LOCATION, format!("/api/v1/uploads/{id}")),
            (h("upload-expires"), expires_header(expires_at)),
        ],
    )
        .into_response())
}

/// An upload of the calling phone (another account's, or another phone's, is "not found").
#[derive(sqlx::FromRow)]
struct Upload {
    id: String,
    user_id: i64,
    room: i64,
    kind: String,
    name: String,
    sha256: String,
    length: i64,
    offset: i64,
    hash_state: Vec<u8>,
    file_created_at: i64,
    expires_at: i64,
    /// The bucket's multipart upload, when files go to a bucket.
    multipart_id: Option<String>,
    /// Bytes received that do not fill a part yet (bucket only).
    tail: Option<Vec<u8>>,
}

const UPLOAD_COLUMNS: &str =
    "id, user_id, room, kind, name, sha256, length, \"offset\", hash_state,
    file_created_at, expires_at, multipart_id, tail";

async fn load(state: &AppState, device: &CurrentDevice, id: &str) -> ApiResult<Upload> {
    let upload: Upload = sqlx::query_as(&format!(
        "SELECT {UPLOAD_COLUMNS} FROM uploads WHERE id = $1 AND device_id = $2"
    ))
    .bind(id)
    .bind(device.id)
    .fetch_optional(&state.db)
    .await?
    .ok_or(ErrorCode::UploadNotFound)?;
    if upload.expires_at <= state.clock.now() {
        return Err(ErrorCode::UploadNotFound.into());
    }
    Ok(upload)
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
    let upload = load(&state, &device, &id).await?;
    Ok((
        StatusCode::OK,
        [
            (h("upload-offset"), upload.offset.to_string()),
            (h("upload-length"), upload.length.to_string()),
            (h("upload-expires"), expires_header(upload.expires_at)),
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
    let busy = state.uploads_busy.claim(&id);
    let result = match busy {
        Some(_guard) => append(&state, &device, &id, &headers, body).await,
        None => Err(ErrorCode::UploadOffsetMismatch.into()),
    };
    result.map(|offset| {
        (
            StatusCode::NO_CONTENT,
            [(h("upload-offset"), offset.to_string())],
        )
            .into_response()
    })
}

/// A full disk is the user's to hear about (507); other I/O failures are internal.
pub fn io_error(error: io::Error) -> ApiError {
    if error.kind() == io::ErrorKind::StorageFull {
        ErrorCode::StorageFull.into()
    } else {
        anyhow::Error::from(error).into()
    }
}

/// The checksum a chunk must have, from `Upload-Checksum`.
fn chunk_checksum(headers: &HeaderMap) -> ApiResult<Option<Vec<u8>>> {
    let Some(value) = headers.get("upload-checksum") else {
        return Ok(None);
    };
    let value = value
        .to_str()
        .map_err(|_| ErrorCode::InvalidUploadRequest)?;
    let (algorithm, encoded) = value
        .split_once(' ')
        .ok_or(ErrorCode::InvalidUploadRequest)?;
    if algorithm != "sha256" {
        return Err(ErrorCode::InvalidUploadRequest.into());
    }
    let digest = STANDARD
        .decode(encoded.trim())
        .map_err(|_| ErrorCode::InvalidUploadRequest)?;
    Ok(Some(digest))
}

/// Where a PATCH's bytes go: the upload's file on this machine, or parts in the bucket.
enum Sink<'a> {
    File {
        file: tokio::fs::File,
        start: u64,
    },
    Bucket {
        s3: &'a S3Blobs,
        upload: &'a str,
        /// Bytes not yet sent: the stored tail, then what this PATCH brought.
        pending: Vec<u8>,
        /// ETags of every part sent, this PATCH's after the stored ones.
        etags: Vec<String>,
        stored_parts: usize,
    },
}

impl Sink<'_> {
    async fn write(&mut self, sha256: &str, bytes: &[u8]) -> ApiResult<()> {
        match self {
            Self::File { file, .. } => file.write_all(bytes).await.map_err(io_error),
            Self::Bucket {
                s3,
                upload,
                pending,
                etags,
                ..
            } => {
                pending.extend_from_slice(bytes);
                while pending.len() >= PART_BYTES {
                    let part: Vec<u8> = pending.drain(..PART_BYTES).collect();
                    let etag = s3
                        .send_part(sha256, upload, etags.len(), part.into())
                        .await
                        .map_err(io_error)?;
                    etags.push(etag);
                }
                Ok(())
            }
        }
    }

    /// A refused chunk leaves nothing behind: the file is cut back; parts sent for it are
    /// not recorded and are sent again, under the same numbers, by the retry.
    async fn undo(self) -> ApiResult<()> {
        if let Self::File { file, start } = self {
            file.set_len(start).await.map_err(io_error)?;
        }
        Ok(())
    }
}

async fn append(
    state: &AppState,
    device: &CurrentDevice,
    id: &str,
    headers: &HeaderMap,
    body: Body,
) -> ApiResult<i64> {
    let upload = load(state, device, id).await?;
    if headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        != Some(OFFSET_STREAM)
    {
        return Err(ErrorCode::UnsupportedMediaType.into());
    }
    let claimed: Option<i64> = headers
        .get("upload-offset")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse().ok());
    if claimed != Some(upload.offset) {
        return Err(ErrorCode::UploadOffsetMismatch.into());
    }
    let expected_chunk = chunk_checksum(headers)?;
    let restored = <&_>::try_from(upload.hash_state.as_slice())
        .ok()
        .and_then(|state| Sha256::deserialize(state).ok())
        .ok_or_else(|| anyhow::anyhow!("upload {id}: stored hash state is unreadable"))?;
    let mut sink = open_sink(state, &upload).await?;

    let mut hasher = restored;
    let mut chunk_hasher = expected_chunk.as_ref().map(|_| Sha256::new());
    let mut written: i64 = 0;
    let mut stream = body.into_data_stream();
    let mut interrupted = false;
    let outcome: ApiResult<()> = async {
        while let Some(frame) = stream.next().await {
            let Ok(bytes) = frame else {
                interrupted = true;
                break;
            };
            let len = i64::try_from(bytes.len()).unwrap_or(i64::MAX);
            if upload.offset + written + len > upload.length {
                return Err(ErrorCode::UploadLengthExceeded.into());
            }
            sink.write(&upload.sha256, &bytes).await?;
            hasher.update(&bytes);
            if let Some(chunk_hasher) = chunk_hasher.as_mut() {
                chunk_hasher.update(&bytes);
            }
            written += len;
        }
        Ok(())
    }
    .await;
    let chunk_ok = match (&expected_chunk, chunk_hasher) {
        (Some(expected), Some(chunk_hasher)) => {
            !interrupted && chunk_hasher.finalize().as_slice() == expected.as_slice()
        }
        _ => true,
    };
    if outcome.is_err() || !chunk_ok {
        sink.undo().await?;
        outcome?;
        return Err(ErrorCode::ChecksumMismatch.into());
    }
    let offset = upload.offset + written;
    let last = offset == upload.length;
    // Durable before acknowledged: a crash after this answer never loses these bytes.
    let (new_parts, tail) = match sink {
        Sink::File { file, .. } => {
            file.sync_data().await.map_err(io_error)?;
            (Vec::new(), None)
        }
        Sink::Bucket {
            s3,
            upload: multipart,
            mut pending,
            mut etags,
            stored_parts,
        } => {
            // The last part may be short. A file that never filled a part goes in one PUT
            // at `finish` instead (stores refuse an empty part, and it is one request).
            if last && !pending.is_empty() && !etags.is_empty() {
                let part = std::mem::take(&mut pending);
                etags.push(
                    s3.send_part(&upload.sha256, multipart, etags.len(), part.into())
                        .await
                        .map_err(io_error)?,
                );
            }
            (etags.split_off(stored_parts), Some((etags, pending)))
        }
    };
    let expires_at = expiry_after(state, state.clock.now());
    if last {
        let received = match tail {
            None => Received::File,
            Some((stored, pending)) if stored.is_empty() && new_parts.is_empty() => {
                Received::Whole(pending)
            }
            Some((mut stored, _)) => {
                stored.extend(new_parts);
                Received::Parts(stored)
            }
        };
        finish(state, upload, hasher, received).await?;
    } else {
        let mut tx = crate::store::db::begin_write(&state.db).await?;
        let recorded = sqlx::query(
            "UPDATE uploads SET \"offset\" = $1, hash_state = $2, expires_at = $3, tail = $4
             WHERE id = $5 AND \"offset\" = $6",
        )
        .bind(offset)
        .bind(hasher.serialize().to_vec())
        .bind(expires_at)
        .bind(tail.as_ref().map(|(_, pending)| pending.clone()))
        .bind(id)
        .bind(upload.offset)
        .execute(&mut *tx)
        .await?;
        if recorded.rows_affected() == 0 {
            // A PATCH on another instance recorded these bytes first.
            return Err(ErrorCode::UploadOffsetMismatch.into());
        }
        let first = tail.as_ref().map_or(0, |(stored, _)| stored.len());
        for (n, etag) in new_parts.iter().enumerate() {
            sqlx::query(
                "INSERT INTO upload_parts (upload_id, part_number, etag) VALUES ($1, $2, $3)",
            )
            .bind(id)
            .bind(i64::try_from(first + n).unwrap_or(i64::MAX))
            .bind(etag)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
    }
    if interrupted {
        // The client is gone; what arrived is kept for its resume.
        return Err(ErrorCode::InvalidUploadRequest.into());
    }
    Ok(offset)
}

async fn open_sink<'a>(state: &'a AppState, upload: &'a Upload) -> ApiResult<Sink<'a>> {
    match (state.blobs.s3(), &upload.multipart_id) {
        (Some(s3), Some(multipart)) => {
            let etags: Vec<String> = sqlx::query_scalar(
                "SELECT etag FROM upload_parts WHERE upload_id = $1 ORDER BY part_number",
            )
            .bind(&upload.id)
            .fetch_all(&state.db)
            .await?;
            Ok(Sink::Bucket {
                s3,
                upload: multipart,
                pending: upload.tail.clone().unwrap_or_default(),
                stored_parts: etags.len(),
                etags,
            })
        }
        (None, None) => {
            let mut file = tokio::fs::OpenOptions::new()
                .write(true)
                .open(part_path(state, &upload.id))
                .await
                .map_err(|_| ErrorCode::UploadNotFound)?;
            let start = u64::try_from(upload.offset).unwrap_or(0);
            // Bytes past the acknowledged offset (a chunk cut off by a crash) are not part of
            // the file.
            file.set_len(start).await.map_err(io_error)?;
            file.seek(SeekFrom::Start(start)).await.map_err(io_error)?;
            Ok(Sink::File { file, start })
        }
        // Begun before the storage was changed: it cannot continue; the phone starts again.
        _ => Err(ErrorCode::UploadNotFound.into()),
    }
}

/// Where a complete upload's bytes are.
enum Received {
    /// In the upload's file on this machine.
    File,
    /// In the bucket's multipart upload, as these parts.
    Parts(Vec<String>),
    /// In memory: the file never filled a part.
    Whole(Vec<u8>),
}

/// The last byte is in: check the whole file's SHA-256, then store and show it in one go.
async fn finish(
    state: &AppState,
    upload: Upload,
    hasher: Sha256,
    received: Received,
) -> ApiResult<()> {
    let actual = hex::encode(hasher.finalize());
    if actual != upload.sha256 {
        discard(state, &upload).await?;
        return Err(ErrorCode::ChecksumMismatch.into());
    }
    match (state.blobs.s3(), &upload.multipart_id, received) {
        (Some(s3), Some(multipart), Received::Parts(parts)) => s3
            .finish_upload(&upload.sha256, multipart, parts)
            .await
            .map_err(io_error)?,
        (Some(s3), Some(multipart), Received::Whole(bytes)) => {
            state
                .blobs
                .put_bytes(&upload.sha256, &bytes)
                .await
                .map_err(io_error)?;
            s3.abort_upload(&upload.sha256, multipart)
                .await
                .map_err(io_error)?;
        }
        _ => state
            .blobs
            .put_file(&upload.sha256, &part_path(state, &upload.id))
            .await
            .map_err(io_error)?,
    }
    let shot = shooting_time(state, &upload).await;
    let local_time = shot.map_or(crate::clock::japan_local(upload.file_created_at), |shot| {
        shot.local_time()
    });
    let now = state.clock.now();
    let mut tx = crate::store::db::begin_write(&state.db).await?;
    sqlx::query(
        "INSERT INTO items (user_id, room, kind, sha256, size, name, created_at, uploaded_at, local_time)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (user_id, room, sha256) DO NOTHING",
    )
    .bind(upload.user_id)
    .bind(upload.room)
    .bind(&upload.kind)
    .bind(&upload.sha256)
    .bind(upload.length)
    .bind(&upload.name)
    .bind(upload.file_created_at)
    .bind(now)
    .bind(local_time)
    .execute(&mut *tx)
    .await?;
    sqlx::query(
        "INSERT INTO upload_volume (user_id, month, bytes) VALUES ($1, $2, $3)
         ON CONFLICT (user_id, month) DO UPDATE SET bytes = upload_volume.bytes + excluded.bytes",
    )
    .bind(upload.user_id)
    .bind(month_of(now))
    .bind(upload.length)
    .execute(&mut *tx)
    .await?;
    sqlx::query("UPDATE rooms SET last_backup_at = $1 WHERE user_id = $2 AND room = $3")
        .bind(now)
        .bind(upload.user_id)
        .bind(upload.room)
        .execute(&mut *tx)
        .await?;
    if upload.kind != ItemKind::Document.as_str() {
        // Queued in the same transaction: the file is never visible without its job.
        sqlx::query(
            "INSERT INTO media (item_id, taken_at, utc_offset)
             SELECT id, $4, $5 FROM items WHERE user_id = $1 AND room = $2 AND sha256 = $3
             ON CONFLICT (item_id) DO NOTHING",
        )
        .bind(upload.user_id)
        .bind(upload.room)
        .bind(&upload.sha256)
        .bind(shot.map(|shot| shot.taken_at))
        .bind(shot.and_then(|shot| shot.utc_offset))
        .execute(&mut *tx)
        .await?;
    }
    sqlx::query("DELETE FROM uploads WHERE id = $1")
        .bind(&upload.id)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    state.media.wake();
    Ok(())
}

/// When a photo or video was taken, read before it becomes visible, so it is never shown
/// under the day of its upload (SPEC T3). Unreadable: the phone's file time, as before.
async fn shooting_time(state: &AppState, upload: &Upload) -> Option<dating::Shot> {
    let kind =
        ItemKind::parse(&upload.kind).filter(|k| matches!(k, ItemKind::Photo | ItemKind::Video))?;
    let scratch = state.config.scratch_dir();
    let file = state
        .blobs
        .local_ends(&upload.sha256, &scratch, dating::HEAD_BYTES)
        .await
        .inspect_err(|error| tracing::warn!(upload = %upload.id, "reading a file's date: {error}"))
        .ok()?;
    tokio::task::spawn_blocking(move || dating::read(kind, file.path()))
        .await
        .ok()
        .flatten()
}

/// Drops an upload: its row, and its bytes on this machine or in the bucket.
async fn discard(state: &AppState, upload: &Upload) -> ApiResult<()> {
    sqlx::query("DELETE FROM uploads WHERE id = $1")
        .bind(&upload.id)
        .execute(&state.db)
        .await?;
    match (state.blobs.s3(), &upload.multipart_id) {
        (Some(s3), Some(multipart)) => s3
            .abort_upload(&upload.sha256, multipart)
            .await
            .map_err(|e| anyhow::Error::from(e).into()),
        _ => match tokio::fs::remove_file(part_path(state, &upload.id)).await {
            Err(e) if e.kind() != io::ErrorKind::NotFound => Err(anyhow::Error::from(e).into()),
            _ => Ok(()),
        },
    }
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
    let _guard = state.uploads_busy.claim(&id);
    let upload = load(&state, &device, &id).await?;
    discard(&state, &upload).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Removes uploads past their expiry, with their bytes.
pub async fn prune(state: &AppState) -> anyhow::Result<()> {
    let expired: Vec<Upload> = sqlx::query_as(&format!(
        "SELECT {UPLOAD_COLUMNS} FROM uploads WHERE expires_at <= $1"
    ))
    .bind(state.clock.now())
    .fetch_all(&state.db)
    .await?;
    for upload in expired {
        discard(state, &upload)
            .await
            .map_err(|e| anyhow::anyhow!("{e:?}"))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn meta(pairs: &[(&str, &str)]) -> String {
        pairs
            .iter()
            .map(|(k, v)| format!("{k} {}", STANDARD.encode(v)))
            .collect::<Vec<_>>()
            .join(",")
    }

    #[test]
    fn metadata_needs_a_plain_name_and_a_hex_sha256() {
        let sha = "ab".repeat(32);
        let ok = parse_metadata(Some(&meta(&[
            ("filename", "IMG_1.jpg"),
            ("sha256", &sha),
            ("created_at", "1700000000"),
        ])))
        .unwrap();
        assert_eq!(
            (ok.name.as_str(), ok.file_created_at),
            ("IMG_1.jpg", Some(1_700_000_000))
        );
        let code = |m: &str| parse_metadata(Some(m)).err().map(|e| e.code());
        assert_eq!(
            code(&meta(&[("filename", "../x.jpg"), ("sha256", &sha)])),
            Some(ErrorCode::InvalidFileName)
        );
        assert_eq!(
            code(&meta(&[("filename", "a\0.jpg"), ("sha256", &sha)])),
            Some(ErrorCode::InvalidFileName)
        );
        assert_eq!(
            code(&meta(&[("filename", "a.jpg"), ("sha256", "xyz")])),
            Some(ErrorCode::InvalidSha256)
        );
        assert_eq!(
            code(&meta(&[("sha256", &sha)])),
            Some(ErrorCode::InvalidFileName)
        );
        assert_eq!(
            code("filename !!!notbase64"),
            Some(ErrorCode::InvalidUploadRequest)
        );
    }

    #[test]
    fn months_are_calendar_months_in_utc() {
        assert_eq!(month_of(1_790_000_000), "2026-09");
        assert_eq!(month_of(0), "1970-01");
    }
}
