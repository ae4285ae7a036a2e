//! What a phone keeps on the server: exclusions (SPEC D5), settings (D6) and its inventory
//! report (D7). All of it belongs to the phone's ROOM.

use axum::{extract::State, http::StatusCode};
use hako_protocol::{
    DeviceReport, ErrorBody, ErrorCode, ExclusionChange, Exclusions, PhoneSettings,
};
use utoipa_axum::{router::OpenApiRouter, routes};

use super::{check_hashes, token::CurrentDevice};
use crate::{
    AppState,
    http::error::{ApiJson, ApiResult},
};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(exclusions, change_exclusions))
        .routes(routes!(settings, save_settings))
        .routes(routes!(report))
}

/// The files this phone never backs up.
#[utoipa::path(get, path = "/api/v1/device/exclusions", tag = "devices", security(("device_token" = [])),
    responses((status = 200, body = Exclusions), (status = 409, body = ErrorBody)))]
async fn exclusions(
    State(state): State<AppState>,
    device: CurrentDevice,
) -> ApiResult<ApiJson<Exclusions>> {
    let room = device.registered_room()?;
    let sha256 = sqlx::query_scalar(
        "SELECT sha256 FROM exclusions WHERE user_id = $1 AND room = $2 ORDER BY sha256",
    )
    .bind(device.user_id)
    .bind(room)
    .fetch_all(&state.db)
    .await?;
    Ok(ApiJson(Exclusions { sha256 }))
}

/// Marks files as excluded from backup, or lifts the mark.
#[utoipa::path(put, path = "/api/v1/device/exclusions", tag = "devices", security(("device_token" = [])),
    request_body = ExclusionChange,
    responses((status = 200, body = Exclusions), (status = 400, body = ErrorBody), (status = 409, body = ErrorBody)))]
async fn change_exclusions(
    State(state): State<AppState>,
    device: CurrentDevice,
    ApiJson(change): ApiJson<ExclusionChange>,
) -> ApiResult<ApiJson<Exclusions>> {
    let room = device.registered_room()?;
    check_hashes(&change.sha256)?;
    let mut tx = crate::store::db::begin_write(&state.db).await?;
    for sha in &change.sha256 {
        let sql = if change.excluded {
            "INSERT INTO exclusions (user_id, room, sha256) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING"
        } else {
            "DELETE FROM exclusions WHERE user_id = $1 AND room = $2 AND sha256 = $3"
        };
        sqlx::query(sql)
            .bind(device.user_id)
            .bind(room)
            .bind(sha)
            .execute(&mut *tx)
            .await?;
    }
    tx.commit().await?;
    exclusions(State(state), device).await
}

/// This phone's settings (the defaults until it saves its own).
#[utoipa::path(get, path = "/api/v1/device/settings", tag = "devices", security(("device_token" = [])),
    responses((status = 200, body = PhoneSettings), (status = 409, body = ErrorBody)))]
async fn settings(
    State(state): State<AppState>,
    device: CurrentDevice,
) -> ApiResult<ApiJson<PhoneSettings>> {
    let room = device.registered_room()?;
    let stored: Option<String> =
        sqlx::query_scalar("SELECT settings FROM phone_settings WHERE user_id = $1 AND room = $2")
            .bind(device.user_id)
            .bind(room)
            .fetch_optional(&state.db)
            .await?;
    let settings = stored
        .and_then(|json| serde_json::from_str(&json).ok())
        .unwrap_or_else(|| PhoneSettings::defaults_for(device.os));
    Ok(ApiJson(settings))
}

/// Replaces this phone's settings.
#[utoipa::path(put, path = "/api/v1/device/settings", tag = "devices", security(("device_token" = [])),
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
    let room = device.registered_room()?;
    if !settings.fits(device.os) {
        return Err(ErrorCode::TypeNotAllowedOnIphone.into());
    }
    sqlx::query(
        "INSERT INTO phone_settings (user_id, room, settings) VALUES ($1, $2, $3)
         ON CONFLICT (user_id, room) DO UPDATE SET settings = excluded.settings",
    )
    .bind(device.user_id)
    .bind(room)
    .bind(serde_json::to_string(&settings).map_err(anyhow::Error::from)?)
    .execute(&state.db)
    .await?;
    Ok(ApiJson(settings))
}

/// The phone's name, model, storage and what files it holds now.
#[utoipa::path(post, path = "/api/v1/device/report", tag = "devices", security(("device_token" = [])),
    request_body = DeviceReport,
    responses((status = 204, description = "Stored"), (status = 400, body = ErrorBody), (status = 409, body = ErrorBody)))]
async fn report(
    State(state): State<AppState>,
    device: CurrentDevice,
    ApiJson(report): ApiJson<DeviceReport>,
) -> ApiResult<StatusCode> {
    let room = device.registered_room()?;
    check_hashes(&report.inventory)?;
    let mut tx = crate::store::db::begin_write(&state.db).await?;
    sqlx::query(
        "UPDATE devices SET name = $1, model = $2, free_bytes = $3, total_bytes = $4, reported_at = $5 WHERE id = $6",
    )
    .bind(report.name.trim())
    .bind(report.model.trim())
    .bind(i64::try_from(report.free_bytes).unwrap_or(i64::MAX))
    .bind(i64::try_from(report.total_bytes).unwrap_or(i64::MAX))
    .bind(state.clock.now())
    .bind(device.id)
    .execute(&mut *tx)
    .await?;
    sqlx::query("DELETE FROM inventory WHERE user_id = $1 AND room = $2")
        .bind(device.user_id)
        .bind(room)
        .execute(&mut *tx)
        .await?;
    for sha in &report.inventory {
        sqlx::query(
            "INSERT INTO inventory (user_id, room, sha256) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
        )
        .bind(device.user_id)
        .bind(room)
        .bind(sha)
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await?;
    Ok(StatusCode::NO_CONTENT)
}
