//! What the library shows: the timeline and its months, the other tabs, items, downloads
//! (SPEC V3–V14).

use gloo_net::http::Request;
use hako_protocol::{
    Badge, CallList, ContactList, Document, DownloadRequest, DownloadTicket, EventList, ItemInfo,
    Timeline, TimelineFilter, TimelinePage, TimelineSort, Track, paths,
};
use serde::Serialize;

use super::{ApiResult, get, post, read, send};
use crate::query::with_query;

#[derive(Serialize)]
struct TimelineQuery {
    filter: TimelineFilter,
    sort: TimelineSort,
}

#[derive(Serialize)]
struct MonthQuery<'a> {
    filter: TimelineFilter,
    #[serde(skip_serializing_if = "Option::is_none")]
    status: Option<Badge>,
    #[serde(skip_serializing_if = "Option::is_none")]
    cursor: Option<&'a str>,
}

pub async fn timeline(room: u8, filter: TimelineFilter, sort: TimelineSort) -> ApiResult<Timeline> {
    get(&with_query(
        paths::timeline(room),
        &TimelineQuery { filter, sort },
    ))
    .await
}

/// One page of a month's items; `abort` cancels it when the month scrolls away.
pub async fn month_page(
    room: u8,
    month: &str,
    filter: TimelineFilter,
    status: Option<Badge>,
    cursor: Option<&str>,
    abort: &web_sys::AbortSignal,
) -> ApiResult<TimelinePage> {
    let url = with_query(
        paths::timeline_month(room, month),
        &MonthQuery {
            filter,
            status,
            cursor,
        },
    );
    read(send(Request::get(&url).abort_signal(Some(abort))).await?).await
}

pub async fn item(id: i64) -> ApiResult<ItemInfo> {
    get(&paths::item(id)).await
}

pub async fn delete_item(id: i64) -> ApiResult<()> {
    send(Request::delete(&paths::item(id))).await.map(drop)
}

pub async fn download(item_ids: Vec<i64>) -> ApiResult<DownloadTicket> {
    post(&paths::downloads(), &DownloadRequest { item_ids }).await
}

pub async fn music(room: u8) -> ApiResult<Vec<Track>> {
    get(&paths::music(room)).await
}

pub async fn documents(room: u8) -> ApiResult<Vec<Document>> {
    get(&paths::documents(room)).await
}

pub async fn contacts(room: u8) -> ApiResult<ContactList> {
    get(&paths::contacts(room)).await
}

pub async fn calendar(room: u8) -> ApiResult<EventList> {
    get(&paths::calendar(room)).await
}

pub async fn calls(room: u8) -> ApiResult<CallList> {
    get(&paths::calls(room)).await
}
