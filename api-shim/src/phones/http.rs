//! The phones area's endpoints: the device API under `/api/v1/device` (a phone signs in,
//! registers in a ROOM, checks what to upload, keeps its exclusions, settings and report)
//! and the ROOM pages under `/api/v1/rooms`; and the device-token extractor.

use axum::{
    extract::{FromRequestParts, State},
    http::{StatusCode, header::AUTHORIZATION, request::Parts},
};
use hako_protocol::{
    Credentials, DeviceLogin, DeviceReport, DeviceSession, ErrorBody, ErrorCode, ExclusionChange,
    Exclusions, MissingRequest, MissingResponse, PhoneSettings, RegisterRoom, RenamePhone,
    RoomSummary, Rooms,
};
use utoipa_axum::{router::OpenApiRouter, routes};

use super::{Caller, CurrentDevice, room_number};
use crate::{
    AppState,
    accounts::{self, CurrentUser},
    http::{
        client_ip::ClientIp,
        error::{ApiError, ApiJson, ApiPath, ApiResult},
    },
};

/// A missing-check of 100,000 hashes is about 7 MB of JSON.
pub const MISSING_BODY_LIMIT: usize = 8 * 1024 * 1024;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(login))
        .routes(routes!(logout))
        .routes(routes!(rooms))
        .routes(routes!(account_rooms))
        .routes(routes!(register))
        .routes(routes!(missing))
        .routes(routes!(exclusions, change_exclusions))
        .routes(routes!(settings, save_settings))
        .routes(routes!(report))
        .routes(routes!(summary))
        .routes(routes!(rename, reset))
}

/// `Authorization: Bearer <token>`; the server keeps only the token's SHA-256.
impl FromRequestParts<AppState> for CurrentDevice {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let token = parts
            .headers
            .get(AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .ok_or(ErrorCode::DeviceTokenInvalid)?;
        Ok(super::device_by_token(state, token.trim()).await?)
    }
}

/// A phone signs in with the account's email and password and gets a device token.
/// Every sign-in is a new phone to the server (SPEC D1: "a phone the account has not seen").
#[utoipa::path(post, path = "/api/v1/devices/login", tag = "phones", request_body = DeviceLogin,
    responses(
        (status = 201, description = "The device token; shown once", body = DeviceSession),
        (status = 401, description = "Wrong address or password", body = ErrorBody),
        (status = 429, description = "Too many failures", body = ErrorBody)))]
async fn login(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    ApiJson(body): ApiJson<DeviceLogin>,
) -> ApiResult<(StatusCode, ApiJson<DeviceSession>)> {
    let DeviceLogin {
        email,
        password,
        name,
        os,
        model,
    } = body;
    let credentials = Credentials { email, password };
    let user_id = accounts::sign_in(&state, credentials, &ip.to_string()).await?;
    let session = super::sign_in(&state, user_id, &name, os, &model).await?;
    Ok((StatusCode::CREATED, ApiJson(session)))
}

/// Ends this phone's token. Its ROOM and data stay; signing in again makes a new phone,
/// which takes the ROOM over.
#[utoipa::path(post, path = "/api/v1/device/logout", tag = "phones", security(("device_token" = [])),
    responses((status = 204, description = "Token revoked")))]
async fn logout(State(state): State<AppState>, device: CurrentDevice) -> ApiResult<StatusCode> {
    super::sign_out(&state, &device).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The account's three ROOMs and which one this phone holds.
#[utoipa::path(get, path = "/api/v1/device/rooms", tag = "phones", security(("device_token" = [])),
    responses((status = 200, body = Rooms)))]
async fn rooms(State(state): State<AppState>, device: CurrentDevice) -> ApiResult<ApiJson<Rooms>> {
    let rooms = super::rooms_of(&state, device.user_id, Some(device.id)).await?;
    Ok(ApiJson(rooms))
}

/// The account's ROOMs, as the web viewer's ROOM menu shows them (SPEC V15).
#[utoipa::path(get, path = "/api/v1/rooms", tag = "phones", security(("session_cookie" = []), ("device_token" = [])),
    responses((status = 200, body = Rooms)))]
async fn account_rooms(State(state): State<AppState>, caller: Caller) -> ApiResult<ApiJson<Rooms>> {
    let device_id = caller.device.as_ref().map(|d| d.id);
    let rooms = super::rooms_of(&state, caller.user_id, device_id).await?;
    Ok(ApiJson(rooms))
}

/// Registers this phone in a ROOM: a free one, or one of another phone by taking it over
/// (data kept) or wiping it (data deleted first). With every ROOM held by other phones and
/// neither chosen, the answer says to use another account (SPEC D2).
#[utoipa::path(post, path = "/api/v1/device/register", tag = "phones", security(("device_token" = [])),
    request_body = RegisterRoom,
    responses(
        (status = 200, description = "Registered; the ROOMs as they are now", body = Rooms),
        (status = 400, description = "No such ROOM", body = ErrorBody),
        (status = 409, description = "ROOM taken by another phone, or 3 phones already", body = ErrorBody)))]
async fn register(
    State(state): State<AppState>,
    device: CurrentDevice,
    ApiJson(body): ApiJson<RegisterRoom>,
) -> ApiResult<ApiJson<Rooms>> {
    let rooms = super::register(&state, &device, body.room, body.mode).await?;
    Ok(ApiJson(rooms))
}

/// Which of these SHA-256s this phone's ROOM does not hold yet, so nothing is sent twice.
#[utoipa::path(post, path = "/api/v1/device/missing", tag = "phones", security(("device_token" = [])),
    request_body = MissingRequest,
    responses(
        (status = 200, body = MissingResponse),
        (status = 400, description = "A value is not a SHA-256, or more than 100,000", body = ErrorBody),
        (status = 409, description = "The phone has no ROOM yet", body = ErrorBody)))]
async fn missing(
    State(state): State<AppState>,
    device: CurrentDevice,
    ApiJson(body): ApiJson<MissingRequest>,
) -> ApiResult<ApiJson<MissingResponse>> {
    let missing = super::missing(&state, &device, body.sha256).await?;
    Ok(ApiJson(MissingResponse { missing }))
}

/// The files this phone never backs up.
#[utoipa::path(get, path = "/api/v1/device/exclusions", tag = "phones", security(("device_token" = [])),
    responses((status = 200, body = Exclusions), (status = 409, body = ErrorBody)))]
async fn exclusions(
    State(state): State<AppState>,
    device: CurrentDevice,
) -> ApiResult<ApiJson<Exclusions>> {
    let sha256 = super::exclusions(&state, &device).await?;
    Ok(ApiJson(Exclusions { sha256 }))
}

/// Marks files as excluded from backup, or lifts the mark.
#[utoipa::path(put, path = "/api/v1/device/exclusions", tag = "phones", security(("device_token" = [])),
    request_body = ExclusionChange,
    responses((status = 200, body = Exclusions), (status = 400, body = ErrorBody), (status = 409, body = ErrorBody)))]
async fn change_exclusions(
    State(state): State<AppState>,
    device: CurrentDevice,
    ApiJson(change): ApiJson<ExclusionChange>,
) -> ApiResult<ApiJson<Exclusions>> {
    let sha256 = super::change_exclusions(&state, &device, &change.sha256, change.excluded).await?;
    Ok(ApiJson(Exclusions { sha256 }))
}

/// This phone's settings (the defaults until it saves its own).
#[utoipa::path(get, path = "/api/v1/device/settings", tag = "phones", security(("device_token" = [])),
    responses((status = 200, body = PhoneSettings), (status = 409, body = ErrorBody)))]
async fn settings(
    State(state): State<AppState>,
    device: CurrentDevice,
) -> ApiResult<ApiJson<PhoneSettings>> {
    Ok(ApiJson(super::settings(&state, &device).await?))
}

/// Replaces this phone's settings.
#[utoipa::path(put, path = "/api/v1/device/settings", tag = "phones", security(("device_token" = [])),
    request_body = PhoneSettings,
    responses(
        (status = 200, body = PhoneSettings),
        (status = 400, description = "Not valid settings", body = ErrorBody),
        (status = 403, description = "A data type an iPhone cannot back up", body = ErrorBody),
        (status = 409, description = "The phone has no ROOM yet", body = ErrorBody)))]
async fn save_settings(
    State(state): State<AppState>,
    device: CurrentDevice,
    ApiJson(settings): ApiJson<PhoneSettings>,
) -> ApiResult<ApiJson<PhoneSettings>> {
    super::save_settings(&state, &device, &settings).await?;
    Ok(ApiJson(settings))
}

/// The phone's name, model, storage and what files it holds now.
#[utoipa::path(post, path = "/api/v1/device/report", tag = "phones", security(("device_token" = [])),
    request_body = DeviceReport,
    responses((status = 204, description = "Stored"), (status = 400, body = ErrorBody), (status = 409, body = ErrorBody)))]
async fn report(
    State(state): State<AppState>,
    device: CurrentDevice,
    ApiJson(report): ApiJson<DeviceReport>,
) -> ApiResult<StatusCode> {
    super::report(&state, &device, &report).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// A ROOM's phone, its storage, last backup, and counts and sizes per kind of data.
#[utoipa::path(get, path = "/api/v1/rooms/{room}/summary", tag = "phones",
    security(("session_cookie" = [])),
    params(("room" = u8, Path)),
    responses((status = 200, body = RoomSummary), (status = 400, body = ErrorBody)))]
async fn summary(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(room): ApiPath<u8>,
) -> ApiResult<ApiJson<RoomSummary>> {
    let room = room_number(room)?;
    Ok(ApiJson(super::summary(&state, user.id, room).await?))
}

/// Renames the phone registered in a ROOM.
#[utoipa::path(patch, path = "/api/v1/rooms/{room}", tag = "phones",
    security(("session_cookie" = [])),
    params(("room" = u8, Path)), request_body = RenamePhone,
    responses((status = 204), (status = 400, body = ErrorBody), (status = 404, description = "No phone in that ROOM", body = ErrorBody)))]
async fn rename(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(room): ApiPath<u8>,
    ApiJson(body): ApiJson<RenamePhone>,
) -> ApiResult<StatusCode> {
    let room = room_number(room)?;
    super::rename(&state, user.id, room, &body.name).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Reset ROOM: deletes the ROOM's data and its phone's registration (the ROOM becomes free;
/// the phone stays signed in and may register again).
#[utoipa::path(delete, path = "/api/v1/rooms/{room}", tag = "phones",
    security(("session_cookie" = [])),
    params(("room" = u8, Path)),
    responses((status = 204), (status = 400, body = ErrorBody)))]
async fn reset(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(room): ApiPath<u8>,
) -> ApiResult<StatusCode> {
    let room = room_number(room)?;
    super::reset(&state, user.id, room).await?;
    Ok(StatusCode::NO_CONTENT)
}
