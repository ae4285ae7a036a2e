//! The timeline's endpoints: extract, call the rules, answer.

use axum::extract::State;
use hako_protocol::{Badge, ErrorBody, Timeline, TimelineFilter, TimelinePage, TimelineSort};
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_axum::{router::OpenApiRouter, routes};

use super::PageAsk;
use crate::{
    AppState,
    http::error::{ApiJson, ApiPath, ApiQuery, ApiResult},
    phones::{Caller, room_number},
};

pub(in crate::library) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(months))
        .routes(routes!(month_items))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct TimelineQuery {
    #[serde(default)]
    filter: TimelineFilter,
    #[serde(default)]
    sort: TimelineSort,
}

/// Every month of the ROOM with its per-day counts, newest first; with `sort=status`, one such
/// list per save status, one after another.
#[utoipa::path(get, path = "/api/v1/rooms/{room}/timeline", tag = "library",
    security(("session_cookie" = []), ("device_token" = [])),
    params(("room" = u8, Path), TimelineQuery),
    responses((status = 200, body = Timeline), (status = 400, body = ErrorBody)))]
async fn months(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(room): ApiPath<u8>,
    ApiQuery(query): ApiQuery<TimelineQuery>,
) -> ApiResult<ApiJson<Timeline>> {
    let room = room_number(room)?;
    let timeline = super::months(&state.db, caller.user_id, room, query.filter, query.sort).await?;
    Ok(ApiJson(timeline))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct PageQuery {
    #[serde(default)]
    filter: TimelineFilter,
    /// Only items of this save status (for a month of a `sort=status` timeline).
    #[param(value_type = Option<Badge>)]
    status: Option<String>,
    /// `next_cursor` of the previous page.
    cursor: Option<String>,
    /// Items per page, at most 500.
    limit: Option<u32>,
}

/// One page of a month's items, newest first.
#[utoipa::path(get, path = "/api/v1/rooms/{room}/timeline/{month}", tag = "library",
    security(("session_cookie" = []), ("device_token" = [])),
    params(("room" = u8, Path), ("month" = String, Path, description = "YYYY-MM"), PageQuery),
    responses((status = 200, body = TimelinePage), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn month_items(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath((room, month)): ApiPath<(u8, String)>,
    ApiQuery(query): ApiQuery<PageQuery>,
) -> ApiResult<ApiJson<TimelinePage>> {
    let room = room_number(room)?;
    let ask = PageAsk {
        month: &month,
        filter: query.filter,
        status: query.status.as_deref(),
        cursor: query.cursor.as_deref(),
        limit: query.limit,
    };
    Ok(ApiJson(
        super::page(&state.db, caller.user_id, room, ask).await?,
    ))
}
