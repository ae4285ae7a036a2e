//! The timeline of a ROOM (SPEC V4–V7): one small answer with every month and its per-day
//! counts, and a month's items in cursor pages, newest first.

use axum::extract::State;
use hako_protocol::{
    Badge, ErrorBody, ErrorCode, ItemKind, Timeline, TimelineDay, TimelineFilter, TimelineItem,
    TimelineMonth, TimelinePage, TimelineSort,
};
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::{
    AppState,
    http::caller::{Caller, room_number},
    http::error::{ApiJson, ApiPath, ApiQuery, ApiResult},
    store::db::{Flag, local_day},
};

const PAGE: i64 = 500;

pub fn router() -> OpenApiRouter<AppState> {
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

/// The kinds a filter shows, as SQL values.
fn kinds(filter: TimelineFilter) -> (&'static str, &'static str) {
    match filter {
        TimelineFilter::All => (ItemKind::Photo.as_str(), ItemKind::Video.as_str()),
        TimelineFilter::Photos => (ItemKind::Photo.as_str(), ItemKind::Photo.as_str()),
        TimelineFilter::Videos => (ItemKind::Video.as_str(), ItemKind::Video.as_str()),
    }
}

/// An item's save status (SPEC V7) in SQL, for items aliased `i`: one definition for the
/// sorted month list and the pages.
const STATUS_SQL: &str = "CASE
    WHEN EXISTS (SELECT 1 FROM exclusions x WHERE x.user_id = i.user_id AND x.room = i.room AND x.sha256 = i.sha256) THEN 'excluded'
    WHEN EXISTS (SELECT 1 FROM inventory v WHERE v.user_id = i.user_id AND v.room = i.room AND v.sha256 = i.sha256) THEN 'phone_and_cloud'
    ELSE 'cloud_only' END";

/// Every month of the ROOM with its per-day counts, newest first; with `sort=status`, one such
/// list per save status, one after another.
#[utoipa::path(get, path = "/api/v1/rooms/{room}/timeline", tag = "timeline",
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
    let (a, b) = kinds(query.filter);
    let months = match query.sort {
        // Kept counts: a few milliseconds at a million items.
        TimelineSort::Date => {
            let days: Vec<(String, i64)> = sqlx::query_as(
                "SELECT day, CAST(SUM(count) AS BIGINT) FROM day_counts
                 WHERE user_id = $1 AND room = $2 AND kind IN ($3, $4)
                 GROUP BY day ORDER BY day DESC",
            )
            .bind(caller.user_id)
            .bind(room)
            .bind(a)
            .bind(b)
            .fetch_all(&state.db)
            .await?;
            group_by_month(days, None)
        }
        // The status comes from the phone's last report, so these counts are made on demand.
        TimelineSort::Status => {
            let day = local_day(&state.db, "i.local_time");
            let rows: Vec<(String, String, i64)> = sqlx::query_as(&format!(
                "SELECT status, day, COUNT(*) FROM (
                     SELECT {STATUS_SQL} AS status, {day} AS day
                     FROM items i WHERE i.user_id = $1 AND i.room = $2 AND i.kind IN ($3, $4)) AS s
                 GROUP BY status, day ORDER BY day DESC"
            ))
            .bind(caller.user_id)
            .bind(room)
            .bind(a)
            .bind(b)
            .fetch_all(&state.db)
            .await?;
            Badge::GROUP_ORDER
                .into_iter()
                .flat_map(|status| {
                    let days = rows
                        .iter()
                        .filter(|(s, ..)| s == status.as_str())
                        .map(|(_, day, count)| (day.clone(), *count))
                        .collect();
                    group_by_month(days, Some(status))
                })
                .collect()
        }
    };
    let total = months.iter().map(|m| u64::from(m.count)).sum();
    Ok(ApiJson(Timeline { total, months }))
}

/// `(YYYY-MM-DD, count)` rows, newest first, as months with their days.
fn group_by_month(days: Vec<(String, i64)>, status: Option<Badge>) -> Vec<TimelineMonth> {
    let mut months: Vec<TimelineMonth> = Vec::new();
    for (day, count) in days {
        let (month, day_of_month) = (&day[..7], day[8..].parse().unwrap_or(1));
        let count = u32::try_from(count).unwrap_or(u32::MAX);
        let entry = TimelineDay {
            day: day_of_month,
            count,
        };
        match months.last_mut() {
            Some(last) if last.month == month => {
                last.count += count;
                last.days.push(entry);
            }
            _ => months.push(TimelineMonth {
                month: month.to_owned(),
                status,
                count,
                days: vec![entry],
            }),
        }
    }
    months
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

/// Unix seconds of the first instant of `YYYY-MM` and of the month after it, in local time.
fn month_bounds(month: &str) -> Option<(i64, i64)> {
    let year: i32 = month.get(..4)?.parse().ok()?;
    let number: u8 = month.get(5..7)?.parse().ok()?;
    if month.len() != 7 || month.as_bytes()[4] != b'-' {
        return None;
    }
    let start =
        time::Date::from_calendar_date(year, time::Month::try_from(number).ok()?, 1).ok()?;
    let next = if number == 12 {
        time::Date::from_calendar_date(year + 1, time::Month::January, 1).ok()?
    } else {
        time::Date::from_calendar_date(year, time::Month::try_from(number + 1).ok()?, 1).ok()?
    };
    let unix = |d: time::Date| d.midnight().assume_utc().unix_timestamp();
    Some((unix(start), unix(next)))
}

type PageRow = (
    i64,
    String,
    i64,
    String,
    Option<i64>,
    Option<i64>,
    Option<i64>,
    Option<Flag>,
    String,
);

/// One page of a month's items, newest first.
#[utoipa::path(get, path = "/api/v1/rooms/{room}/timeline/{month}", tag = "timeline",
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
    let (start, end) = month_bounds(&month).ok_or(ErrorCode::NotFound)?;
    let (after_time, after_id) = match query.cursor.as_deref() {
        Some(cursor) => {
            let (t, id) = cursor.split_once(':').ok_or(ErrorCode::InvalidQuery)?;
            (
                t.parse::<i64>().map_err(|_| ErrorCode::InvalidQuery)?,
                id.parse::<i64>().map_err(|_| ErrorCode::InvalidQuery)?,
            )
        }
        None => (end, i64::MAX),
    };
    let (a, b) = kinds(query.filter);
    let status = match query.status.as_deref() {
        Some(s) => Some(Badge::parse(s).ok_or(ErrorCode::InvalidQuery)?.as_str()),
        None => None,
    };
    let page = query.limit.map_or(PAGE, |l| i64::from(l).clamp(1, PAGE));
    // `local_time <= $6` says again what the row comparison implies: PostgreSQL cannot
    // estimate a row comparison, and guessing a quarter of the ROOM it joined every media row
    // (17 ms a page at 100,000 items, 0.4 ms with the range).
    let rows: Vec<PageRow> = sqlx::query_as(&format!(
        "SELECT * FROM (
             SELECT i.id, i.kind, i.local_time, i.sha256, m.width, m.height, m.duration_ms, m.has_thumb,
                    {STATUS_SQL} AS status
             FROM items i LEFT JOIN media m ON m.item_id = i.id
             WHERE i.user_id = $1 AND i.room = $2 AND i.kind IN ($3, $4)
               AND i.local_time >= $5 AND i.local_time <= $6 AND (i.local_time, i.id) < ($6, $7)
             ORDER BY i.local_time DESC, i.id DESC) AS page
         WHERE $8 IS NULL OR status = $9 ORDER BY local_time DESC, id DESC LIMIT $10"
    ))
    .bind(caller.user_id)
    .bind(room)
    .bind(a)
    .bind(b)
    .bind(start)
    .bind(after_time)
    .bind(after_id)
    .bind(status)
    .bind(status)
    .bind(page + 1)
    .fetch_all(&state.db)
    .await?;
    let more = rows.len() as i64 > page;
    let mut next_cursor = None;
    let items = rows
        .into_iter()
        .take(page as usize)
        .map(
            |(id, kind, local, sha256, width, height, duration, thumb, status)| {
                next_cursor = Some(format!("{local}:{id}"));
                TimelineItem {
                    id,
                    kind: ItemKind::parse(&kind).unwrap_or(ItemKind::Photo),
                    taken: crate::clock::local_iso(local),
                    width: width.and_then(|w| u32::try_from(w).ok()),
                    height: height.and_then(|h| u32::try_from(h).ok()),
                    duration_ms: duration.and_then(|d| u64::try_from(d).ok()),
                    badge: Badge::parse(&status).unwrap_or(Badge::CloudOnly),
                    thumbnail_url: thumb
                        .is_some_and(|Flag(made)| made)
                        .then(|| format!("/api/v1/pictures/{sha256}/thumb")),
                }
            },
        )
        .collect();
    Ok(ApiJson(TimelinePage {
        items,
        next_cursor: if more { next_cursor } else { None },
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn months_are_bounded_by_their_first_days() {
        assert_eq!(
            month_bounds("2024-02"),
            Some((1_706_745_600, 1_709_251_200))
        );
        assert_eq!(
            month_bounds("2023-12").map(|(_, end)| end),
            Some(1_704_067_200)
        );
        for bad in ["2024-13", "2024-2", "24-02", "2024/02", "2024-02-01", ""] {
            assert_eq!(month_bounds(bad), None, "{bad}");
        }
    }
}
