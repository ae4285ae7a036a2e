//! The phones page (SPEC V18): what each ROOM holds, renaming its phone, and Reset ROOM. Web
//! sessions only: a phone manages itself through the device API.

use axum::{extract::State, http::StatusCode};
use hako_protocol::{
    BackupKind, DataType, ErrorBody, ErrorCode, ItemKind, KindTotal, PHONE_NAME_MAX_CHARS,
    RenamePhone, RoomSummary, VariantArray,
};
use utoipa_axum::{router::OpenApiRouter, routes};

use super::{rooms_of, wipe_room};
use crate::{
    AppState,
    accounts::CurrentUser,
    clock::rfc3339,
    http::caller::room_number,
    http::error::{ApiJson, ApiPath, ApiResult},
};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(summary))
        .routes(routes!(rename, reset))
}

fn data_type(kind: ItemKind) -> DataType {
    match kind {
        ItemKind::Photo => DataType::Photo,
        ItemKind::Video => DataType::Video,
        ItemKind::Music => DataType::Music,
        ItemKind::Document => DataType::Document,
    }
}

fn backup_type(kind: BackupKind) -> DataType {
    match kind {
        BackupKind::Contacts => DataType::Contacts,
        BackupKind::Calendar => DataType::Calendar,
        BackupKind::CallHistory => DataType::CallHistory,
    }
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
    let rooms = rooms_of(&state, user.id, None).await?;
    let slot = rooms.rooms.into_iter().find(|s| i64::from(s.room) == room);
    let phone = slot.and_then(|s| s.phone);
    let (free, total, last_backup): (Option<i64>, Option<i64>, Option<i64>) = sqlx::query_as(
        "SELECT d.free_bytes, d.total_bytes, r.last_backup_at FROM rooms r
         JOIN devices d ON d.id = r.device_id WHERE r.user_id = $1 AND r.room = $2",
    )
    .bind(user.id)
    .bind(room)
    .fetch_optional(&state.db)
    .await?
    .unwrap_or_default();
    let files: Vec<(String, i64, i64)> = sqlx::query_as(
        "SELECT kind, COUNT(*), CAST(COALESCE(SUM(size), 0) AS BIGINT) FROM items
         WHERE user_id = $1 AND room = $2 GROUP BY kind",
    )
    .bind(user.id)
    .bind(room)
    .fetch_all(&state.db)
    .await?;
    // The latest version of each backup kind: its entries and size.
    let backups: Vec<(String, i64, i64)> = sqlx::query_as(
        "SELECT kind, entries, size FROM backups b WHERE user_id = $1 AND room = $2
           AND version = (SELECT MAX(version) FROM backups WHERE user_id = b.user_id AND room = b.room AND kind = b.kind)",
    )
    .bind(user.id)
    .bind(room)
    .fetch_all(&state.db)
    .await?;
    let as_u64 = |v: i64| u64::try_from(v).unwrap_or(0);
    let mut kinds: Vec<KindTotal> = ItemKind::VARIANTS
        .iter()
        .copied()
        .map(|kind| {
            let (count, bytes) = files
                .iter()
                .find(|(k, ..)| k == kind.as_str())
                .map_or((0, 0), |(_, c, b)| (as_u64(*c), as_u64(*b)));
            KindTotal {
                kind: data_type(kind),
                count,
                bytes,
            }
        })
        .collect();
    kinds.extend(BackupKind::VARIANTS.iter().copied().map(|kind| {
        let (count, bytes) = backups
            .iter()
            .find(|(k, ..)| k == kind.as_str())
            .map_or((0, 0), |(_, c, b)| (as_u64(*c), as_u64(*b)));
        KindTotal {
            kind: backup_type(kind),
            count,
            bytes,
        }
    }));
    Ok(ApiJson(RoomSummary {
        room: u8::try_from(room).unwrap_or(1),
        phone,
        phone_free_bytes: free.map(as_u64),
        phone_total_bytes: total.map(as_u64),
        last_backup: last_backup.map(rfc3339),
        stored_bytes: kinds.iter().map(|k| k.bytes).sum(),
        kinds,
    }))
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
    let name = body.name.trim();
    if name.is_empty()
        || name.chars().count() > PHONE_NAME_MAX_CHARS
        || name.chars().any(char::is_control)
    {
        return Err(ErrorCode::InvalidPhoneName.into());
    }
    let renamed = sqlx::query(
        "UPDATE devices SET name = $1 WHERE id = (SELECT device_id FROM rooms WHERE user_id = $2 AND room = $3)",
    )
    .bind(name)
    .bind(user.id)
    .bind(room)
    .execute(&state.db)
    .await?
    .rows_affected();
    if renamed == 0 {
        return Err(ErrorCode::NotFound.into());
    }
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
    let mut tx = crate::store::db::begin_write(&state.db).await?;
    let wiped = wipe_room(&mut tx, user.id, room).await?;
    sqlx::query("DELETE FROM rooms WHERE user_id = $1 AND room = $2")
        .bind(user.id)
        .bind(room)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    state.blobs.remove_unreferenced(&state.db, &wiped).await?;
    Ok(StatusCode::NO_CONTENT)
}
