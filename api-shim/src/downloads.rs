//! Downloads from the web viewer (SPEC V9, L3). The viewer asks for a ticket naming 1 to 50 of
//! the account's files, then hands the ticket's URL to the browser as a plain download. One
//! file comes back as itself; several as one ZIP streamed from the stored files with its exact
//! length and Range support (see [`hako_media::stored_zip`]), so the browser shows progress and can
//! resume, and the server holds no more than a chunk of it in memory.
//!
//! Authority: the URL's token (256 random bits, stored only as a hash, valid 10 minutes) names
//! a ticket of one account, and the request must also be that account's (its session cookie
//! comes along with a browser download, or a device token). A leaked URL alone opens nothing.

use std::{
    collections::{HashMap, HashSet},
    ops::Range,
};

use axum::{
    body::{Body, Bytes},
    extract::{Request, State},
    http::{HeaderMap, HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
};
use futures_util::StreamExt;
use hako_protocol::{DownloadRequest, DownloadTicket, ErrorBody, ErrorCode, MAX_DOWNLOAD_ITEMS};
use sha2::{Digest, Sha256};
use tokio::sync::mpsc;
use utoipa_axum::{router::OpenApiRouter, routes};

use hako_media::stored_zip::{Entry, Part, Plan, safe_unique_names};

use crate::{
    AppState,
    accounts::{new_token, token_hash},
    http::caller::Caller,
    http::error::{ApiJson, ApiPath, ApiResult},
    items::{FileAnswers, Shown, StoredBytes, disposition, serve_blob},
    store::db::Db,
};

/// Long enough to start the download and resume a dropped one; short enough that a URL seen
/// in a history or log is soon worthless.
pub const TICKET_SECS: i64 = 600;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(create))
        .routes(routes!(fetch))
}

#[derive(sqlx::FromRow)]
struct Item {
    id: i64,
    name: String,
    size: i64,
    sha256: String,
    local_time: Option<i64>,
    crc32: Option<i64>,
}

/// 1 to 50 distinct ids; more than 50 gets its own clear refusal (L3).
fn check_request(ids: &[i64]) -> Result<(), ErrorCode> {
    if ids.len() > MAX_DOWNLOAD_ITEMS {
        return Err(ErrorCode::TooManyDownloadItems);
    }
    let distinct: HashSet<&i64> = ids.iter().collect();
    if ids.is_empty() || distinct.len() != ids.len() {
        return Err(ErrorCode::InvalidDownloadRequest);
    }
    Ok(())
}

/// The caller's items in the order asked; not found unless every one is the caller's.
async fn owned_items(db: &Db, user_id: i64, ids: &[i64]) -> ApiResult<Vec<Item>> {
    let sql = format!(
        "SELECT id, name, size, sha256, local_time, crc32 FROM items WHERE user_id = $1 AND id IN ({})",
        crate::store::db::params(2, ids.len())
    );
    let query = ids
        .iter()
        .fold(sqlx::query_as::<_, Item>(&sql).bind(user_id), |q, id| {
            q.bind(id)
        });
    let mut found: HashMap<i64, Item> = query
        .fetch_all(db)
        .await?
        .into_iter()
        .map(|item| (item.id, item))
        .collect();
    ids.iter()
        .map(|id| found.remove(id).ok_or_else(|| ErrorCode::NotFound.into()))
        .collect()
}

fn plan(items: &[Item]) -> Plan {
    let names = safe_unique_names(items.iter().map(|i| i.name.as_str()));
    Plan::new(
        items
            .iter()
            .zip(names)
            .map(|(item, name)| Entry {
                name,
                size: u64::try_from(item.size).unwrap_or(0),
                modified: item.local_time.unwrap_or(0),
            })
            .collect(),
    )
}

/// `hako-YYYYMMDD-HHMMSS.zip`, in Japan time like the rest of the viewer.
fn archive_name(now: i64) -> String {
    format!(
        "hako-{}.zip",
        crate::clock::local_stamp(crate::clock::japan_local(now))
    )
}

/// A download URL for 1 to 50 of the caller's files: the file itself, or a ZIP of them.
#[utoipa::path(post, path = "/api/v1/downloads", tag = "downloads",
    security(("session_cookie" = []), ("device_token" = [])),
    request_body = DownloadRequest,
    responses(
        (status = 201, description = "Fetch `url` within 10 minutes, with the same account", body = DownloadTicket),
        (status = 400, description = "No ids, or an id twice", body = ErrorBody),
        (status = 404, description = "An id that is not one of the caller's files", body = ErrorBody),
        (status = 422, description = "More than 50 files (SPEC L3)", body = ErrorBody)))]
async fn create(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(body): ApiJson<DownloadRequest>,
) -> ApiResult<(StatusCode, ApiJson<DownloadTicket>)> {
    check_request(&body.item_ids)?;
    let items = owned_items(&state.db, caller.user_id, &body.item_ids).await?;
    let now = state.clock.now();
    let (file_name, size) = match items.as_slice() {
        [one] => (one.name.clone(), u64::try_from(one.size).unwrap_or(0)),
        _ => (archive_name(now), plan(&items).size()),
    };
    let (token, hash) = new_token();
    let expires_at = now + TICKET_SECS;
    sqlx::query(
        "INSERT INTO downloads (token_hash, user_id, item_ids, file_name, expires_at)
         VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(hash)
    .bind(caller.user_id)
    .bind(serde_json::to_string(&body.item_ids).map_err(anyhow::Error::from)?)
    .bind(&file_name)
    .bind(expires_at)
    .execute(&state.db)
    .await?;
    let expires_at = crate::clock::rfc3339(expires_at);
    Ok((
        StatusCode::CREATED,
        ApiJson(DownloadTicket {
            url: format!("/api/v1/downloads/{token}"),
            file_name,
            size,
            expires_at,
        }),
    ))
}

/// The ticket's file, or its ZIP. Supports one `Range` (206, 416) and `If-Range`.
#[utoipa::path(get, path = "/api/v1/downloads/{token}", tag = "downloads",
    security(("session_cookie" = []), ("device_token" = [])),
    params(("token" = String, Path, description = "From the ticket's `url`")),
    responses(
        (status = 200, description = "The file (typed by its name's extension), or an `application/zip` of them (stored, ZIP64 where needed)", content_type = "*/*"),
        (status = 404, description = "No such ticket of this account, or one of its files was deleted", body = ErrorBody),
        (status = 410, description = "The ticket expired", body = ErrorBody),
        FileAnswers))]
async fn fetch(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(token): ApiPath<String>,
    request: Request,
) -> ApiResult<Response> {
    let (ids, file_name, expires_at): (String, String, i64) = sqlx::query_as(
        "SELECT item_ids, file_name, expires_at FROM downloads WHERE token_hash = $1 AND user_id = $2",
    )
    .bind(token_hash(&token))
    .bind(caller.user_id)
    .fetch_optional(&state.db)
    .await?
    .ok_or(ErrorCode::NotFound)?;
    if expires_at <= state.clock.now() {
        return Err(ErrorCode::DownloadExpired.into());
    }
    let ids: Vec<i64> = serde_json::from_str(&ids).map_err(anyhow::Error::from)?;
    let items = owned_items(&state.db, caller.user_id, &ids).await?;
    if let [one] = items.as_slice() {
        return serve_blob(&state, &one.sha256, &one.name, Shown::Attachment, request).await;
    }
    Ok(zip_response(state, items, &file_name, request.headers()))
}

/// Strong validator of the archive's bytes: they follow from the files' contents, names, times
/// and order (a media job may still move a time after the ticket was made).
fn etag(items: &[Item]) -> String {
    let mut hash = Sha256::new();
    for item in items {
        hash.update(item.sha256.as_bytes());
        hash.update(item.local_time.unwrap_or(0).to_le_bytes());
        hash.update(item.name.as_bytes());
        hash.update([0]);
    }
    format!("\"{}\"", &hex::encode(hash.finalize())[..32])
}

/// The one byte range asked for (`None`: all of it), or `Err` for 416. Several ranges are
/// refused like the originals' server does; an `If-Range` for other bytes gets everything.
pub(crate) fn requested_range(
    headers: &HeaderMap,
    size: u64,
    etag: &str,
) -> Result<Option<Range<u64>>, ()> {
    let Some(range) = headers.get(header::RANGE).and_then(|v| v.to_str().ok()) else {
        return Ok(None);
    };
    if headers
        .get(header::IF_RANGE)
        .is_some_and(|validator| validator.as_bytes() != etag.as_bytes())
    {
        return Ok(None);
    }
    match http_range_header::parse_range_header(range).and_then(|r| r.validate(size)) {
        Ok(ranges) if ranges.len() == 1 => Ok(Some(*ranges[0].start()..*ranges[0].end() + 1)),
        _ => Err(()),
    }
}

/// 416, with the size the ranges must fit in.
pub(crate) fn not_satisfiable(size: u64) -> Response {
    let mut response = StatusCode::RANGE_NOT_SATISFIABLE.into_response();
    response.headers_mut().insert(
        header::CONTENT_RANGE,
        HeaderValue::from_str(&format!("bytes */{size}")).expect("digits"),
    );
    response
}

fn zip_response(
    state: AppState,
    items: Vec<Item>,
    file_name: &str,
    headers: &HeaderMap,
) -> Response {
    let plan = plan(&items);
    let size = plan.size();
    let etag = etag(&items);
    let Ok(range) = requested_range(headers, size, &etag) else {
        return not_satisfiable(size);
    };
    let (status, bytes) = match range {
        Some(range) => (StatusCode::PARTIAL_CONTENT, range),
        None => (StatusCode::OK, 0..size),
    };
    let mut response = Response::new(stream_body(state, plan, items, bytes.clone()));
    *response.status_mut() = status;
    response.extensions_mut().insert(StoredBytes);
    let headers = response.headers_mut();
    let mut set = |name, value: String| {
        headers.insert(name, HeaderValue::from_str(&value).expect("ASCII header"));
    };
    set(header::CONTENT_TYPE, "application/zip".into());
    set(
        header::CONTENT_LENGTH,
        (bytes.end - bytes.start).to_string(),
    );
    set(header::ACCEPT_RANGES, "bytes".into());
    set(header::ETAG, etag);
    set(header::CACHE_CONTROL, "no-store".into());
    set(header::X_CONTENT_TYPE_OPTIONS, "nosniff".into());
    set(
        header::CONTENT_SECURITY_POLICY,
        "default-src 'none'; sandbox".into(),
    );
    if status == StatusCode::PARTIAL_CONTENT {
        let last = bytes.end - 1;
        set(
            header::CONTENT_RANGE,
            format!("bytes {}-{last}/{size}", bytes.start),
        );
    }
    headers.insert(
        header::CONTENT_DISPOSITION,
        disposition("attachment", file_name),
    );
    response
}

type Chunk = std::io::Result<Bytes>;

/// The archive's bytes in `range`, produced by a task a couple of chunks ahead of the client:
/// a slow client slows the reading, a client that leaves stops it.
fn stream_body(state: AppState, plan: Plan, items: Vec<Item>, range: Range<u64>) -> Body {
    let (tx, rx) = mpsc::channel::<Chunk>(2);
    tokio::spawn(async move {
        if let Err(error) = produce(&state, &plan, &items, range, &tx).await
            && !tx.is_closed()
        {
            tracing::error!("streaming a ZIP download failed: {error:#}");
            // Cuts the response short: the browser reports a failed download, never a bad file.
            let _ = tx.send(Err(std::io::Error::other("archive failed"))).await;
        }
    });
    Body::from_stream(futures_util::stream::unfold(rx, |mut rx| async move {
        rx.recv().await.map(|chunk| (chunk, rx))
    }))
}

async fn send(tx: &mpsc::Sender<Chunk>, bytes: Bytes) -> anyhow::Result<()> {
    tx.send(Ok(bytes))
        .await
        .map_err(|_| anyhow::anyhow!("the client left"))
}

async fn produce(
    state: &AppState,
    plan: &Plan,
    items: &[Item],
    range: Range<u64>,
    tx: &mpsc::Sender<Chunk>,
) -> anyhow::Result<()> {
    let mut crcs: Vec<Option<u32>> = items
        .iter()
        .map(|i| i.crc32.and_then(|c| u32::try_from(c).ok()))
        .collect();
    for segment in plan.segments() {
        let start = range.start.max(segment.start);
        let end = range.end.min(segment.start + segment.len);
        if start >= end {
            continue;
        }
        let (from, to) = (start - segment.start, end - segment.start);
        let bytes = match segment.part {
            Part::Header(i) => plan.local_header(i, crc32(state, &items[i], &mut crcs[i]).await?),
            Part::Data(i) => {
                let mut bytes = state.blobs.read_range(&items[i].sha256, from..to).await?;
                while let Some(chunk) = bytes.next().await {
                    send(tx, chunk?).await?;
                }
                continue;
            }
            Part::Central => {
                let mut all = Vec::with_capacity(items.len());
                for (item, crc) in items.iter().zip(crcs.iter_mut()) {
                    all.push(crc32(state, item, crc).await?);
                }
                plan.central_directory(&all)
            }
            Part::End => plan.end_records(),
        };
        send(
            tx,
            Bytes::copy_from_slice(&bytes[from as usize..to as usize]),
        )
        .await?;
    }
    Ok(())
}

/// The item's CRC-32: known, or read from its file once and kept with the item.
async fn crc32(state: &AppState, item: &Item, known: &mut Option<u32>) -> anyhow::Result<u32> {
    if let Some(crc) = *known {
        return Ok(crc);
    }
    let size = u64::try_from(item.size).unwrap_or(0);
    let mut bytes = state.blobs.read_range(&item.sha256, 0..size).await?;
    let mut hasher = crc32fast::Hasher::new();
    let mut total = 0u64;
    while let Some(chunk) = bytes.next().await {
        let chunk = chunk?;
        hasher.update(&chunk);
        total += chunk.len() as u64;
    }
    anyhow::ensure!(
        total == size,
        "stored file {} is {total} bytes, recorded {size}",
        item.sha256
    );
    let crc = hasher.finalize();
    sqlx::query("UPDATE items SET crc32 = $1 WHERE id = $2")
        .bind(i64::from(crc))
        .bind(item.id)
        .execute(&state.db)
        .await?;
    *known = Some(crc);
    Ok(crc)
}

/// Forgets expired tickets.
pub async fn prune(db: &Db, now: i64) -> anyhow::Result<()> {
    sqlx::query("DELETE FROM downloads WHERE expires_at <= $1")
        .bind(now)
        .execute(db)
        .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn l3_at_most_50_distinct_files() {
        let fifty: Vec<i64> = (1..=50).collect();
        assert_eq!(check_request(&fifty), Ok(()));
        let fifty_one: Vec<i64> = (1..=51).collect();
        assert_eq!(
            check_request(&fifty_one),
            Err(ErrorCode::TooManyDownloadItems)
        );
        assert_eq!(check_request(&[]), Err(ErrorCode::InvalidDownloadRequest));
        assert_eq!(
            check_request(&[3, 4, 3]),
            Err(ErrorCode::InvalidDownloadRequest)
        );
    }

    #[test]
    fn archives_are_named_by_japan_time() {
        // 2024-08-15 15:30:05 UTC is 2024-08-16 00:30:05 in Japan.
        assert_eq!(archive_name(1_723_735_805), "hako-20240816-003005.zip");
    }

    #[test]
    fn the_validator_changes_when_a_header_would() {
        let item = |local_time| Item {
            id: 1,
            name: "a.jpg".into(),
            size: 5,
            sha256: "ab".repeat(32),
            local_time: Some(local_time),
            crc32: None,
        };
        let before = etag(&[item(100), item(200)]);
        assert_eq!(before, etag(&[item(100), item(200)]));
        // A media job that found the shooting time changes the DOS time in the headers.
        assert_ne!(before, etag(&[item(100), item(300)]));
    }

    #[test]
    fn one_range_is_served_several_are_refused() {
        let with = |range: &str, if_range: Option<&str>| {
            let mut headers = HeaderMap::new();
            headers.insert(header::RANGE, range.parse().unwrap());
            if let Some(v) = if_range {
                headers.insert(header::IF_RANGE, v.parse().unwrap());
            }
            requested_range(&headers, 1000, "\"abc\"")
        };
        assert_eq!(
            requested_range(&HeaderMap::new(), 1000, "\"abc\""),
            Ok(None)
        );
        assert_eq!(with("bytes=10-19", None), Ok(Some(10..20)));
        assert_eq!(with("bytes=990-", None), Ok(Some(990..1000)));
        assert_eq!(with("bytes=-5", None), Ok(Some(995..1000)));
        assert_eq!(with("bytes=900-5000", None), Ok(Some(900..1000)));
        assert_eq!(with("bytes=1000-", None), Err(()));
        assert_eq!(with("bytes=0-1,5-6", None), Err(()));
        assert_eq!(with("bytes=10-19", Some("\"abc\"")), Ok(Some(10..20)));
        assert_eq!(with("bytes=10-19", Some("\"old\"")), Ok(None));
    }
}
