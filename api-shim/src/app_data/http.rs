//! The app data endpoints (SPEC P1–P7). Phones save and restore (device token); the web
//! viewer lists, deletes and sets switches (session). Every query is scoped to the caller's
//! account.

use std::time::{Duration, UNIX_EPOCH};

use axum::{
    body::{Body, Bytes},
    extract::{DefaultBodyLimit, FromRequestParts, Multipart, State},
    http::{HeaderMap, HeaderValue, StatusCode, header, request::Parts},
    response::{IntoResponse, Response},
};
use futures_util::{Stream, TryStreamExt};
use hako_protocol::{
    ABROAD_HEADER, AppDataBulk, AppDataBulkResult, AppDataDeleted, AppDataEntry, AppDataOutcome,
    AppDataSaved, AppDataSwitches, AppDataVersion, ErrorBody, ErrorCode, PhoneAppDataSwitches,
};
use utoipa_axum::{router::OpenApiRouter, routes};

use super::{AppDataError, CatalogApp, Incoming, NewVersion, Phone, Precondition};
use crate::{
    AppState,
    accounts::CurrentUser,
    http::error::{ApiError, ApiJson, ApiPath, ApiResult, io_error},
    phones::{Caller, CurrentDevice, room_number},
};

pub fn router() -> OpenApiRouter<AppState> {
    // Saves hold each body to its app's cap (413 with the cap), not to the API's limit.
    let saves = OpenApiRouter::new()
        .routes(routes!(bulk_backup, list, delete_all))
        .routes(routes!(save, restore, delete))
        .layer(DefaultBodyLimit::disable());
    OpenApiRouter::new()
        .merge(saves)
        .routes(routes!(versions))
        .routes(routes!(restore_version))
        .routes(routes!(phone_switches))
        .routes(routes!(set_room_switches))
        .routes(routes!(switches, set_switches))
}

/// Whether the phone says it is abroad: `Hako-Abroad: 1`; `0` or no header: at home.
struct Abroad(bool);

impl<S: Send + Sync> FromRequestParts<S> for Abroad {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, ApiError> {
        match parts.headers.get(ABROAD_HEADER).map(HeaderValue::as_bytes) {
            None | Some(b"0") => Ok(Self(false)),
            Some(b"1") => Ok(Self(true)),
            Some(_) => Err(ErrorCode::InvalidAbroadHeader.into()),
        }
    }
}

/// The phone asking, with its switches checked (SPEC P2): saves and restores are the
/// phone's, and only while its switches allow them.
async fn phone_allowed(state: &AppState, caller: &Caller, abroad: Abroad) -> ApiResult<Phone> {
    let device = caller
        .device
        .as_ref()
        .ok_or(ApiError::new(ErrorCode::AppDataPhoneOnly))?;
    let phone = Phone {
        user_id: device.user_id,
        device_id: device.id,
        abroad: abroad.0,
    };
    super::check_switches(&state.db, phone).await?;
    Ok(phone)
}

fn precondition(headers: &HeaderMap) -> Result<Precondition, AppDataError> {
    let joined = |name| {
        let values: Vec<&str> = headers
            .get_all(name)
            .iter()
            .map(|value| {
                value
                    .to_str()
                    .map_err(|_| AppDataError::InvalidPrecondition)
            })
            .collect::<Result<_, _>>()?;
        Ok::<_, AppDataError>((!values.is_empty()).then(|| values.join(",")))
    };
    Precondition::parse(
        joined(header::IF_MATCH)?.as_deref(),
        joined(header::IF_NONE_MATCH)?.as_deref(),
    )
}

fn http_date(unix: i64) -> HeaderValue {
    let at = UNIX_EPOCH + Duration::from_secs(u64::try_from(unix).unwrap_or(0));
    HeaderValue::from_str(&httpdate::fmt_http_date(at)).expect("an HTTP date is a header value")
}

/// 201 for an app's first data, else 200; with the new version's `ETag` and `Last-Modified`.
fn saved_answer((saved, first): (AppDataSaved, bool), now: i64) -> Response {
    let status = if first {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    let mut response = (status, ApiJson(saved.clone())).into_response();
    let headers = response.headers_mut();
    if let Ok(etag) = HeaderValue::from_str(&saved.etag) {
        headers.insert(header::ETAG, etag);
    }
    headers.insert(header::LAST_MODIFIED, http_date(now));
    response
}

/// Reads a body to the end into `incoming`, refusing it as soon as it passes the app's cap
/// (nothing is stored then, nor when the connection breaks off).
async fn read_capped<E: std::fmt::Display>(
    mut stream: impl Stream<Item = Result<Bytes, E>> + Unpin,
    mut incoming: Incoming,
) -> ApiResult<Incoming> {
    while let Some(chunk) = stream.try_next().await.map_err(broke_off)? {
        incoming.push(&chunk)?;
    }
    Ok(incoming)
}

fn broke_off(error: impl std::fmt::Display) -> ApiError {
    ApiError::new(ErrorCode::InvalidUploadRequest).because(anyhow::anyhow!("{error}"))
}

/// Saves a new version of an app's data (SPEC P1, P6). Phones only: a web session is
/// answered 403 `app_data_phone_only`.
///
/// The raw bytes, any content type, at most the app's cap. `If-None-Match: *` for a first
/// save, `If-Match: "<etag>"` for a change: a stale or missing precondition on existing data
/// is refused with 412 and the newest version's ETag and time, never a silent overwrite. The
/// previous version stays whole until the new one is complete.
#[utoipa::path(put, path = "/api/v1/app-data/{app_id}", tag = "app_data",
    security(("device_token" = []), ("session_cookie" = [])),
    params(
        ("app_id" = String, Path, description = "A reverse-DNS app id of the catalog"),
        ("If-Match" = Option<String>, Header, description = "The ETag of the version the phone read (or `*`)"),
        ("If-None-Match" = Option<String>, Header, description = "`*` for a first save"),
        ("Hako-Abroad" = Option<String>, Header, description = "`1` when the phone is abroad")),
    request_body(content = Vec<u8>, content_type = "application/octet-stream",
        description = "The app's data, byte for byte"),
    responses(
        (status = 201, description = "The app's first data", body = AppDataSaved,
            headers(("ETag" = String), ("Last-Modified" = String))),
        (status = 200, description = "A new version", body = AppDataSaved,
            headers(("ETag" = String), ("Last-Modified" = String))),
        (status = 400, description = "Not an app id (`invalid_app_id`), an empty body (`app_data_empty`), a precondition or `Hako-Abroad` header that cannot be read (`invalid_precondition`, `invalid_abroad_header`), or a body that broke off (`invalid_upload_request`)", body = ErrorBody),
        (status = 403, description = "The app was taken off the catalog (`app_no_longer_supported`), a switch of the phone forbids it (`app_data_switched_off`, `app_data_abroad_off`), or a web session (`app_data_phone_only`)", body = ErrorBody),
        (status = 404, description = "Not an app of the catalog (`app_not_in_catalog`)", body = ErrorBody),
        (status = 412, description = "The precondition does not hold: `current_etag` and `current_saved_at` name the newest version", body = ErrorBody),
        (status = 413, description = "Over the app's cap: `max_bytes` says it", body = ErrorBody),
        (status = 507, description = "The server's disk is full", body = ErrorBody)))]
async fn save(
    State(state): State<AppState>,
    caller: Caller,
    abroad: Abroad,
    ApiPath(app_id): ApiPath<String>,
    headers: HeaderMap,
    body: Body,
) -> ApiResult<Response> {
    let phone = phone_allowed(&state, &caller, abroad).await?;
    let app = super::writable_app(&state.db, &app_id).await?;
    let precondition = precondition(&headers)?;
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|value| value.to_str().ok()?.parse::<u64>().ok());
    if declared.is_some_and(|length| length > app.max_bytes) {
        return Err(AppDataError::TooLarge {
            max_bytes: app.max_bytes,
        }
        .into());
    }
    let body = read_capped(body.into_data_stream(), Incoming::new(&app, declared)).await?;
    let now = state.clock.now();
    let new = NewVersion {
        phone,
        app: &app,
        precondition,
        body,
        now,
    };
    let saved = super::save(&state.db, &state.blobs, new).await?;
    Ok(saved_answer(saved, now))
}

/// Saves several apps at once (SPEC P4: "back up all apps now" in one round trip).
///
/// A `multipart/form-data` body: one part per app, the part's name the app id, its content
/// the app's data; a part may carry its own `If-Match` / `If-None-Match` header, with the same
/// rules as a single save. Each app is saved on its own, whole or not at all; the answer
/// lists every part's outcome in the order sent (`saved`, `precondition_failed`, `too_large`,
/// `not_supported`, `refused`) with the error a single save would have answered.
#[utoipa::path(post, path = "/api/v1/app-data", tag = "app_data",
    security(("device_token" = []), ("session_cookie" = [])),
    params(("Hako-Abroad" = Option<String>, Header, description = "`1` when the phone is abroad")),
    request_body(content = String, content_type = "multipart/form-data",
        description = "One part per app: name = app id, content = its data, optional part headers If-Match / If-None-Match"),
    responses(
        (status = 200, description = "One result per part", body = AppDataBulk),
        (status = 400, description = "Not a multipart body, or one that broke off (`invalid_upload_request`); an unreadable `Hako-Abroad` (`invalid_abroad_header`)", body = ErrorBody),
        (status = 403, description = "A switch of the phone forbids saving (`app_data_switched_off`, `app_data_abroad_off`), or a web session (`app_data_phone_only`)", body = ErrorBody),
        (status = 507, description = "The server's disk is full", body = ErrorBody)))]
async fn bulk_backup(
    State(state): State<AppState>,
    caller: Caller,
    abroad: Abroad,
    multipart: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> ApiResult<ApiJson<AppDataBulk>> {
    let phone = phone_allowed(&state, &caller, abroad).await?;
    let mut multipart = multipart.map_err(broke_off)?;
    let mut results = Vec::new();
    while let Some(mut part) = multipart.next_field().await.map_err(broke_off)? {
        let app_id = part.name().unwrap_or_default().to_owned();
        let precondition = precondition(part.headers());
        let saved = match super::writable_app(&state.db, &app_id).await {
            Ok(app) => {
                let body = read_capped(&mut part, Incoming::new(&app, None)).await;
                save_part(&state, phone, &app, precondition, body).await
            }
            Err(refused) => Err(refused.into()),
        };
        // Past what a refused part left unread, to the next part.
        while part.chunk().await.map_err(broke_off)?.is_some() {}
        results.push(bulk_result(app_id, saved)?);
    }
    let saved = results
        .iter()
        .filter(|result| result.outcome == AppDataOutcome::Saved)
        .count();
    let count = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
    Ok(ApiJson(AppDataBulk {
        saved: count(saved),
        failed: count(results.len() - saved),
        results,
    }))
}

async fn save_part(
    state: &AppState,
    phone: Phone,
    app: &CatalogApp,
    precondition: Result<Precondition, AppDataError>,
    body: ApiResult<Incoming>,
) -> ApiResult<AppDataSaved> {
    let new = NewVersion {
        phone,
        app,
        precondition: precondition?,
        body: body?,
        now: state.clock.now(),
    };
    Ok(super::save(&state.db, &state.blobs, new).await?.0)
}

/// A part's outcome; a failure of the server (the disk, the database) fails the request.
fn bulk_result(app_id: String, saved: ApiResult<AppDataSaved>) -> ApiResult<AppDataBulkResult> {
    let error = match saved {
        Ok(saved) => {
            return Ok(AppDataBulkResult {
                app_id,
                outcome: AppDataOutcome::Saved,
                saved: Some(saved),
                error: None,
            });
        }
        Err(error) => error.into_body(),
    };
    let outcome = match error.code {
        ErrorCode::AppDataPreconditionFailed => AppDataOutcome::PreconditionFailed,
        ErrorCode::AppDataTooLarge => AppDataOutcome::TooLarge,
        ErrorCode::AppNotInCatalog | ErrorCode::AppNoLongerSupported | ErrorCode::InvalidAppId => {
            AppDataOutcome::NotSupported
        }
        ErrorCode::Internal | ErrorCode::StorageFull | ErrorCode::InvalidUploadRequest => {
            return Err(ApiError::new(error.code));
        }
        _ => AppDataOutcome::Refused,
    };
    Ok(AppDataBulkResult {
        app_id,
        outcome,
        saved: None,
        error: Some(error),
    })
}

/// An app's newest data, byte for byte (SPEC P1: the restore a newly installed app does).
///
/// A phone restores only while its switches allow it; the web viewer may download it.
#[utoipa::path(get, path = "/api/v1/app-data/{app_id}", tag = "app_data",
    security(("device_token" = []), ("session_cookie" = [])),
    params(
        ("app_id" = String, Path, description = "A reverse-DNS app id"),
        ("If-None-Match" = Option<String>, Header, description = "The ETag the phone holds"),
        ("Hako-Abroad" = Option<String>, Header, description = "`1` when the phone is abroad")),
    responses(
        (status = 200, description = "The newest version's bytes", content_type = "application/octet-stream", body = Vec<u8>,
            headers(("ETag" = String), ("Last-Modified" = String))),
        (status = 304, description = "The phone holds this version already"),
        (status = 400, description = "Not an app id (`invalid_app_id`), an unreadable `Hako-Abroad` (`invalid_abroad_header`)", body = ErrorBody),
        (status = 403, description = "A switch of the phone forbids restoring (`app_data_switched_off`, `app_data_abroad_off`)", body = ErrorBody),
        (status = 404, description = "No data for this app (`app_data_not_found`)", body = ErrorBody)))]
async fn restore(
    State(state): State<AppState>,
    caller: Caller,
    abroad: Abroad,
    ApiPath(app_id): ApiPath<String>,
    headers: HeaderMap,
) -> ApiResult<Response> {
    if caller.device.is_some() {
        phone_allowed(&state, &caller, abroad).await?;
    }
    let newest = super::newest(&state.db, caller.user_id, &app_id).await?;
    let etag = newest.etag();
    let held = headers
        .get_all(header::IF_NONE_MATCH)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|list| list.split(','))
        .any(|tag| tag.trim() == "*" || tag.trim().trim_start_matches("W/") == etag);
    let mut response = if held {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        let bytes = state
            .blobs
            .read_range(&newest.sha256, 0..newest.size)
            .await
            .map_err(io_error)?;
        let mut response = Body::from_stream(bytes).into_response();
        let headers = response.headers_mut();
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/octet-stream"),
        );
        headers.insert(header::CONTENT_LENGTH, HeaderValue::from(newest.size));
        response
    };
    let headers = response.headers_mut();
    if let Ok(etag) = HeaderValue::from_str(&etag) {
        headers.insert(header::ETAG, etag);
    }
    headers.insert(header::LAST_MODIFIED, http_date(newest.saved_at));
    Ok(response)
}

/// Every app with backed-up data: names, newest version (time, size, ETag), versions kept,
/// supported or not (SPEC P3). Also allowed when a switch is off.
#[utoipa::path(get, path = "/api/v1/app-data", tag = "app_data",
    security(("device_token" = []), ("session_cookie" = [])),
    responses((status = 200, body = Vec<AppDataEntry>)))]
async fn list(
    State(state): State<AppState>,
    caller: Caller,
) -> ApiResult<ApiJson<Vec<AppDataEntry>>> {
    Ok(ApiJson(super::list(&state.db, caller.user_id).await?))
}

/// Deletes every app's data of the account at once, in one transaction (SPEC P5). The apps
/// on the phones keep what they hold.
#[utoipa::path(delete, path = "/api/v1/app-data", tag = "app_data",
    security(("device_token" = []), ("session_cookie" = [])),
    responses((status = 200, description = "How many apps' data went", body = AppDataDeleted)))]
async fn delete_all(
    State(state): State<AppState>,
    caller: Caller,
) -> ApiResult<ApiJson<AppDataDeleted>> {
    let apps = super::delete(&state.db, &state.blobs, caller.user_id, None).await?;
    Ok(ApiJson(AppDataDeleted { apps }))
}

/// Deletes every kept version of one app's data, in one transaction.
#[utoipa::path(delete, path = "/api/v1/app-data/{app_id}", tag = "app_data",
    security(("device_token" = []), ("session_cookie" = [])),
    params(("app_id" = String, Path, description = "A reverse-DNS app id")),
    responses(
        (status = 204, description = "Deleted"),
        (status = 400, description = "Not an app id (`invalid_app_id`)", body = ErrorBody),
        (status = 404, description = "No data for this app (`app_data_not_found`)", body = ErrorBody)))]
async fn delete(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(app_id): ApiPath<String>,
) -> ApiResult<StatusCode> {
    super::delete(&state.db, &state.blobs, caller.user_id, Some(&app_id)).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The kept versions of an app's data, newest first (SPEC P7: the last five).
#[utoipa::path(get, path = "/api/v1/app-data/{app_id}/versions", tag = "app_data",
    security(("device_token" = []), ("session_cookie" = [])),
    params(("app_id" = String, Path, description = "A reverse-DNS app id")),
    responses(
        (status = 200, body = Vec<AppDataVersion>),
        (status = 400, description = "Not an app id (`invalid_app_id`)", body = ErrorBody),
        (status = 404, description = "No data for this app (`app_data_not_found`)", body = ErrorBody)))]
async fn versions(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(app_id): ApiPath<String>,
) -> ApiResult<ApiJson<Vec<AppDataVersion>>> {
    Ok(ApiJson(
        super::versions(&state.db, caller.user_id, &app_id).await?,
    ))
}

/// Makes a kept version the newest again (SPEC P7): a new version with its bytes, under the
/// same rules as a save (`If-Match` the newest ETag; switches; a supported app).
#[utoipa::path(post, path = "/api/v1/app-data/{app_id}/versions/{version}/restore", tag = "app_data",
    security(("device_token" = []), ("session_cookie" = [])),
    params(
        ("app_id" = String, Path, description = "A reverse-DNS app id of the catalog"),
        ("version" = i64, Path, description = "A version from the list of kept versions"),
        ("If-Match" = Option<String>, Header, description = "The newest version's ETag"),
        ("Hako-Abroad" = Option<String>, Header, description = "`1` when the phone is abroad")),
    responses(
        (status = 200, description = "The restored bytes are the newest version", body = AppDataSaved,
            headers(("ETag" = String), ("Last-Modified" = String))),
        (status = 400, description = "Not an app id (`invalid_app_id`), an unreadable precondition or `Hako-Abroad` (`invalid_precondition`, `invalid_abroad_header`)", body = ErrorBody),
        (status = 403, description = "The app was taken off the catalog, a switch forbids it, or a web session", body = ErrorBody),
        (status = 404, description = "No such version (`app_data_not_found`) or app (`app_not_in_catalog`)", body = ErrorBody),
        (status = 412, description = "The precondition does not hold: `current_etag` and `current_saved_at` name the newest version", body = ErrorBody)))]
async fn restore_version(
    State(state): State<AppState>,
    caller: Caller,
    abroad: Abroad,
    ApiPath((app_id, version)): ApiPath<(String, i64)>,
    headers: HeaderMap,
) -> ApiResult<Response> {
    let phone = phone_allowed(&state, &caller, abroad).await?;
    let app = super::writable_app(&state.db, &app_id).await?;
    let precondition = precondition(&headers)?;
    let now = state.clock.now();
    let restored = super::restore_version(
        &state.db,
        &state.blobs,
        phone,
        &app,
        version,
        &precondition,
        now,
    )
    .await?;
    Ok(saved_answer(restored, now))
}

/// Every phone of the account in a ROOM, with its two switches (for the web page, SPEC P2).
#[utoipa::path(get, path = "/api/v1/app-data-switches", tag = "app_data",
    security(("session_cookie" = []), ("device_token" = [])),
    responses((status = 200, body = Vec<PhoneAppDataSwitches>)))]
async fn phone_switches(
    State(state): State<AppState>,
    caller: Caller,
) -> ApiResult<ApiJson<Vec<PhoneAppDataSwitches>>> {
    Ok(ApiJson(
        super::phone_switches(&state.db, caller.user_id).await?,
    ))
}

/// Sets the switches of the phone in a ROOM of the account, from the web page.
#[utoipa::path(put, path = "/api/v1/rooms/{room}/app-data-switches", tag = "app_data",
    security(("session_cookie" = [])), request_body = AppDataSwitches,
    params(("room" = u8, Path, description = "ROOM 1 to 3")),
    responses(
        (status = 200, body = AppDataSwitches),
        (status = 400, description = "Not a ROOM (`room_out_of_range`)", body = ErrorBody),
        (status = 404, description = "No phone in this ROOM (`not_found`)", body = ErrorBody)))]
async fn set_room_switches(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(room): ApiPath<u8>,
    ApiJson(body): ApiJson<AppDataSwitches>,
) -> ApiResult<ApiJson<AppDataSwitches>> {
    let room = room_number(room)?;
    super::set_room_switches(&state.db, user.id, room, state.clock.now(), body).await?;
    Ok(ApiJson(body))
}

/// This phone's app data switches: use app data backup, and also while abroad.
#[utoipa::path(get, path = "/api/v1/device/app-data-switches", tag = "app_data",
    security(("device_token" = [])),
    responses((status = 200, body = AppDataSwitches)))]
async fn switches(
    State(state): State<AppState>,
    device: CurrentDevice,
) -> ApiResult<ApiJson<AppDataSwitches>> {
    Ok(ApiJson(super::switches(&state.db, device.id).await?))
}

/// Sets this phone's app data switches; answers them as they now are.
#[utoipa::path(put, path = "/api/v1/device/app-data-switches", tag = "app_data",
    security(("device_token" = [])), request_body = AppDataSwitches,
    responses((status = 200, body = AppDataSwitches)))]
async fn set_switches(
    State(state): State<AppState>,
    device: CurrentDevice,
    ApiJson(body): ApiJson<AppDataSwitches>,
) -> ApiResult<ApiJson<AppDataSwitches>> {
    super::set_switches(&state.db, device.id, state.clock.now(), body).await?;
    Ok(ApiJson(body))
}
