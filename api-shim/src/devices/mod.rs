//! Phones and their ROOMs (SPEC D1, D2, D7): sign-in for phones, ROOM choice, and the
//! check of which files a ROOM lacks.

mod manage;
mod phone_state;
pub mod token;

use std::collections::HashSet;

use axum::{extract::State, http::StatusCode};
use hako_protocol::{
    Credentials, DeviceLogin, DeviceSession, ErrorBody, ErrorCode, MissingRequest, MissingResponse,
    ROOMS, RegisterMode, RegisterRoom, RoomPhone, RoomSlot, Rooms, valid_sha256_hex,
};
use sqlx::AnyConnection;
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::{
    AppState,
    accounts::{self, http::ClientIp},
    http::error::{ApiError, ApiJson, ApiResult},
};
use token::{CurrentDevice, parse_os};

/// At most this many hashes per missing-check: 100,000 hashes are about 7 MB of JSON.
pub const MISSING_BATCH_MAX: usize = 100_000;
pub const MISSING_BODY_LIMIT: usize = 8 * 1024 * 1024;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(login))
        .routes(routes!(logout))
        .routes(routes!(rooms))
        .routes(routes!(account_rooms))
        .routes(routes!(register))
        .routes(routes!(missing))
        .merge(phone_state::router())
        .merge(manage::router())
}

/// A phone signs in with the account's email and password and gets a device token.
/// Every sign-in is a new phone to the server (SPEC D1: "a phone the account has not seen").
#[utoipa::path(post, path = "/api/v1/devices/login", tag = "devices", request_body = DeviceLogin,
    responses(
        (status = 201, description = "The device token; shown once", body = DeviceSession),
        (status = 401, description = "Wrong address or password", body = ErrorBody),
        (status = 429, description = "Too many failures", body = ErrorBody)))]
async fn login(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    ApiJson(body): ApiJson<DeviceLogin>,
) -> ApiResult<(StatusCode, ApiJson<DeviceSession>)> {
    let credentials = Credentials {
        email: body.email,
        password: body.password,
    };
    let user_id = accounts::sign_in(&state, credentials, &ip.to_string()).await?;
    let (device_token, hash) = accounts::new_token();
    let now = state.clock.now();
    let os = serde_json::to_value(body.os)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default();
    let device_id: i64 = sqlx::query_scalar(
        "INSERT INTO devices (user_id, token_hash, name, os, model, created_at, last_seen_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
    )
    .bind(user_id)
    .bind(hash)
    .bind(body.name.trim())
    .bind(os)
    .bind(body.model.trim())
    .bind(now)
    .bind(now)
    .fetch_one(&state.db)
    .await?;
    Ok((
        StatusCode::CREATED,
        ApiJson(DeviceSession {
            device_token,
            device_id,
        }),
    ))
}

/// Ends this phone's token. Its ROOM and data stay; signing in again makes a new phone,
/// which takes the ROOM over.
#[utoipa::path(post, path = "/api/v1/device/logout", tag = "devices", security(("device_token" = [])),
    responses((status = 204, description = "Token revoked")))]
async fn logout(State(state): State<AppState>, device: CurrentDevice) -> ApiResult<StatusCode> {
    device.revoke(&state).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The account's three ROOMs and which one this phone holds.
#[utoipa::path(get, path = "/api/v1/device/rooms", tag = "devices", security(("device_token" = [])),
    responses((status = 200, body = Rooms)))]
async fn rooms(State(state): State<AppState>, device: CurrentDevice) -> ApiResult<ApiJson<Rooms>> {
    Ok(ApiJson(
        rooms_of(&state, device.user_id, Some(device.id)).await?,
    ))
}

/// The account's ROOMs, as the web viewer's ROOM menu shows them (SPEC V15).
#[utoipa::path(get, path = "/api/v1/rooms", tag = "timeline", security(("session_cookie" = []), ("device_token" = [])),
    responses((status = 200, body = Rooms)))]
async fn account_rooms(
    State(state): State<AppState>,
    caller: crate::http::caller::Caller,
) -> ApiResult<ApiJson<Rooms>> {
    let device_id = caller.device.as_ref().map(|d| d.id);
    Ok(ApiJson(rooms_of(&state, caller.user_id, device_id).await?))
}

pub async fn rooms_of(
    state: &AppState,
    user_id: i64,
    device_id: Option<i64>,
) -> Result<Rooms, ApiError> {
    let phones: Vec<(i64, i64, String, String, String)> = sqlx::query_as(
        "SELECT r.room, d.id, d.name, d.os, d.model FROM rooms r JOIN devices d ON d.id = r.device_id
         WHERE r.user_id = $1",
    )
    .bind(user_id)
    .fetch_all(&state.db)
    .await?;
    let totals: Vec<(i64, i64, i64)> =
        sqlx::query_as("SELECT room, items, bytes FROM room_totals WHERE user_id = $1")
            .bind(user_id)
            .fetch_all(&state.db)
            .await?;
    let mut this_phone_room = None;
    let rooms = ROOMS
        .map(|room| {
            let phone = phones.iter().find(|(r, ..)| *r == i64::from(room)).map(
                |(_, id, name, os, model)| {
                    if Some(*id) == device_id {
                        this_phone_room = Some(room);
                    }
                    RoomPhone {
                        device_id: *id,
                        name: name.clone(),
                        os: parse_os(os),
                        model: model.clone(),
                    }
                },
            );
            let (count, bytes) = totals
                .iter()
                .find(|(r, ..)| *r == i64::from(room))
                .map_or((0, 0), |(_, c, b)| (*c, *b));
            RoomSlot {
                room,
                phone,
                item_count: u64::try_from(count).unwrap_or(0),
                total_bytes: u64::try_from(bytes).unwrap_or(0),
            }
        })
        .collect();
    Ok(Rooms {
        rooms,
        this_phone_room,
    })
}

/// Registers this phone in a ROOM: a free one, or one of another phone by taking it over
/// (data kept) or wiping it (data deleted first). With every ROOM held by other phones and
/// neither chosen, the answer says to use another account (SPEC D2).
#[utoipa::path(post, path = "/api/v1/device/register", tag = "devices", security(("device_token" = [])),
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
    if !ROOMS.contains(&body.room) {
        return Err(ErrorCode::RoomOutOfRange.into());
    }
    if device.room == Some(body.room) {
        return Ok(ApiJson(
            rooms_of(&state, device.user_id, Some(device.id)).await?,
        ));
    }
    let mut tx = crate::store::db::begin_write(&state.db).await?;
    let occupant: Option<i64> =
        sqlx::query_scalar("SELECT device_id FROM rooms WHERE user_id = $1 AND room = $2")
            .bind(device.user_id)
            .bind(i64::from(body.room))
            .fetch_optional(&mut *tx)
            .await?;
    let mut wiped = Vec::new();
    if occupant.is_some() {
        match body.mode {
            RegisterMode::FreeOnly => {
                let held: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM rooms WHERE user_id = $1")
                    .bind(device.user_id)
                    .fetch_one(&mut *tx)
                    .await?;
                let code = if held >= ROOMS.clone().count() as i64 && device.room.is_none() {
                    ErrorCode::TooManyPhones
                } else {
                    ErrorCode::RoomOccupied
                };
                return Err(code.into());
            }
            RegisterMode::TakeOver => {}
            RegisterMode::Wipe => {
                wiped = wipe_room(&mut tx, device.user_id, i64::from(body.room)).await?
            }
        }
    }
    // A phone holds one ROOM: moving leaves the old one free (its data stays).
    sqlx::query("DELETE FROM rooms WHERE device_id = $1")
        .bind(device.id)
        .execute(&mut *tx)
        .await?;
    sqlx::query(
        "INSERT INTO rooms (user_id, room, device_id, registered_at) VALUES ($1, $2, $3, $4)
         ON CONFLICT (user_id, room) DO UPDATE SET device_id = excluded.device_id,
            registered_at = excluded.registered_at",
    )
    .bind(device.user_id)
    .bind(i64::from(body.room))
    .bind(device.id)
    .bind(state.clock.now())
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    state.blobs.remove_unreferenced(&state.db, &wiped).await?;
    Ok(ApiJson(
        rooms_of(&state, device.user_id, Some(device.id)).await?,
    ))
}

/// Deletes a ROOM's files, backups and phone state (not the ROOM's phone). Returns the
/// SHA-256s to hand to `BlobStore::remove_unreferenced` once the transaction is committed.
pub async fn wipe_room(
    conn: &mut AnyConnection,
    user_id: i64,
    room: i64,
) -> sqlx::Result<Vec<String>> {
    let mut wiped: Vec<String> =
        sqlx::query_scalar("DELETE FROM items WHERE user_id = $1 AND room = $2 RETURNING sha256")
            .bind(user_id)
            .bind(room)
            .fetch_all(&mut *conn)
            .await?;
    let backups: Vec<String> =
        sqlx::query_scalar("DELETE FROM backups WHERE user_id = $1 AND room = $2 RETURNING sha256")
            .bind(user_id)
            .bind(room)
            .fetch_all(&mut *conn)
            .await?;
    wiped.extend(backups);
    for table in ["exclusions", "phone_settings", "inventory"] {
        sqlx::query(&format!(
            "DELETE FROM {table} WHERE user_id = $1 AND room = $2"
        ))
        .bind(user_id)
        .bind(room)
        .execute(&mut *conn)
        .await?;
    }
    Ok(wiped)
}

/// Every value is a lower-case hex SHA-256, or the request is refused.
fn check_hashes(hashes: &[String]) -> Result<(), ApiError> {
    if hashes.iter().all(|h| valid_sha256_hex(h)) {
        Ok(())
    } else {
        Err(ErrorCode::InvalidSha256.into())
    }
}

/// Those of `hashes` (checked lower-case hex) that the ROOM holds, run together: 64
/// characters each, in no particular order.
///
/// One statement for the whole batch. The hashes are bound as one text value that the
/// database splits ([`crate::store::db::hex_list`]), and each is looked up in the
/// `(user_id, room, sha256)` index, so the cost follows the batch, not the ROOM's size. They go in sorted, so SQLite's look-ups walk the index in order, and
/// the answer comes back as a single aggregated value, not one row per hash (each row costs a
/// hand-over between sqlx's SQLite thread and the server's).
///
/// Not an `IN ($3, …, $5002)` list per 5,000 hashes: SQLite takes `$N` for a *named*
/// parameter and, while preparing, looks each name up in the list of those before it, so a
/// statement of n of them costs n²/2 comparisons (0.7–1.8 s for 100,000 hashes).
async fn held_in_room(
    db: &crate::store::db::Db,
    user_id: i64,
    room: i64,
    hashes: &[String],
) -> Result<String, ApiError> {
    let mut sorted: Vec<&str> = hashes.iter().map(String::as_str).collect();
    sorted.sort_unstable();
    sorted.dedup();
    let list = crate::store::db::hex_list(db, 3, &sorted);
    let sql = format!(
        "SELECT {joined}({column}, '') FROM {rows}
         WHERE EXISTS (SELECT 1 FROM items WHERE user_id = $1 AND room = $2 AND sha256 = {column})",
        joined = list.joined,
        column = list.column,
        rows = list.rows,
    );
    // Not a cached prepared statement: PostgreSQL would soon plan it once for any batch,
    // guessing 10 hashes, and probe the index once per hash (100 ms for 100,000 in an empty
    // ROOM, 10 ms with the batch's own plan).
    let held: Option<String> = sqlx::query_scalar(&sql)
        .persistent(false)
        .bind(user_id)
        .bind(room)
        .bind(list.bound)
        .fetch_one(db)
        .await?;
    Ok(held.unwrap_or_default())
}

/// Which of these SHA-256s this phone's ROOM does not hold yet, so nothing is sent twice.
#[utoipa::path(post, path = "/api/v1/device/missing", tag = "devices", security(("device_token" = [])),
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
    let room = device.registered_room()?;
    if body.sha256.len() > MISSING_BATCH_MAX {
        return Err(ErrorCode::InvalidUploadRequest.into());
    }
    check_hashes(&body.sha256)?;
    if body.sha256.is_empty() {
        return Ok(ApiJson(MissingResponse { missing: vec![] }));
    }
    let held = held_in_room(&state.db, device.user_id, room, &body.sha256).await?;
    let held: HashSet<&[u8]> = held.as_bytes().chunks(64).collect();
    // Each hash once, at its first place.
    let mut seen = HashSet::with_capacity(body.sha256.len());
    let keep: Vec<bool> = body
        .sha256
        .iter()
        .map(|h| !held.contains(h.as_bytes()) && seen.insert(h.as_str()))
        .collect();
    drop(seen);
    let missing = body
        .sha256
        .into_iter()
        .zip(keep)
        .filter_map(|(h, keep)| keep.then_some(h))
        .collect();
    Ok(ApiJson(MissingResponse { missing }))
}
