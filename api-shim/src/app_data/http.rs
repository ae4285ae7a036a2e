//! The app data endpoints: so far a phone's switches (SPEC P2).

use axum::extract::State;
use hako_protocol::AppDataSwitches;
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::{
    AppState,
    http::error::{ApiJson, ApiResult},
    phones::CurrentDevice,
};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(switches, set_switches))
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
