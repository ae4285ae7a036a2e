//! The SQL of the timeline. Every query is scoped to the caller's account and ROOM, and to
//! two item kinds (the same kind twice for one).

use crate::store::db::{Db, Flag, local_day, string_agg};

/// An item's save status (SPEC V7) in SQL, for items aliased `i`: one definition for the
/// sorted month list and the pages.
const STATUS_SQL: &str = "CASE
    WHEN EXISTS (SELECT 1 FROM exclusions x WHERE x.user_id = i.user_id AND x.room = i.room AND x.sha256 = i.sha256) THEN 'excluded'
    WHEN EXISTS (SELECT 1 FROM inventory v WHERE v.user_id = i.user_id AND v.room = i.room AND v.sha256 = i.sha256) THEN 'phone_and_cloud'
    ELSE 'cloud_only' END";

/// Items on one local day (`YYYY-MM-DD`).
pub(super) struct DayCount {
    pub day: String,
    pub count: i64,
}

/// Items of one save status on one local day.
#[derive(sqlx::FromRow)]
pub(super) struct StatusDayCount {
    pub status: String,
    pub day: String,
    pub count: i64,
}

/// The kept per-day counts, newest day first: a few milliseconds at ten million items. They
/// come as one text, `YYYY-MM-DD count,…`: thousands of rows would take longer to hand over
/// than to read (11 ms for 4,000 days).
pub(super) async fn day_counts(
    db: &Db,
    user_id: i64,
    room: i64,
    kinds: (&str, &str),
) -> sqlx::Result<Vec<DayCount>> {
    let sql = format!(
        "SELECT {}(day || ' ' || count, ',' ORDER BY day DESC) FROM (
             SELECT day, CAST(SUM(count) AS BIGINT) AS count FROM day_counts
             WHERE user_id = $1 AND room = $2 AND kind IN ($3, $4) GROUP BY day) AS d",
        string_agg(db)
    );
    let joined: Option<String> = sqlx::query_scalar(&sql)
        .bind(user_id)
        .bind(room)
        .bind(kinds.0)
        .bind(kinds.1)
        .fetch_one(db)
        .await?;
    Ok(joined
        .iter()
        .flat_map(|text| text.split(','))
        .filter_map(|entry| {
            let (day, count) = entry.split_once(' ')?;
            Some(DayCount {
                day: day.to_owned(),
                count: count.parse().ok()?,
            })
        })
        .collect())
}

/// Per-day counts by save status, newest day first. The status comes from the phone's last
/// report, so these are counted on demand.
pub(super) async fn status_counts(
    db: &Db,
    user_id: i64,
    room: i64,
    kinds: (&str, &str),
) -> sqlx::Result<Vec<StatusDayCount>> {
    let day = local_day(db, "i.local_time");
    let sql = format!(
        "SELECT status, day, COUNT(*) AS count FROM (
             SELECT {STATUS_SQL} AS status, {day} AS day
             FROM items i WHERE i.user_id = $1 AND i.room = $2 AND i.kind IN ($3, $4)) AS s
         GROUP BY status, day ORDER BY day DESC"
    );
    counts(db, &sql, user_id, room, kinds).await
}

/// Rows of a count query over the account's ROOM and two kinds (`$1` to `$4`).
async fn counts<T>(
    db: &Db,
    sql: &str,
    user_id: i64,
    room: i64,
    kinds: (&str, &str),
) -> sqlx::Result<Vec<T>>
where
    T: for<'r> sqlx::FromRow<'r, sqlx::any::AnyRow> + Send + Unpin,
{
    sqlx::query_as(sql)
        .bind(user_id)
        .bind(room)
        .bind(kinds.0)
        .bind(kinds.1)
        .fetch_all(db)
        .await
}

#[derive(sqlx::FromRow)]
pub(super) struct PageRow {
    pub id: i64,
    pub kind: String,
    pub local_time: i64,
    pub sha256: String,
    pub width: Option<i64>,
    pub height: Option<i64>,
    pub duration_ms: Option<i64>,
    pub has_thumb: Option<Flag>,
    pub status: String,
}

/// Which items of a month a page holds.
pub(super) struct PageQuery<'a> {
    pub user_id: i64,
    pub room: i64,
    pub kinds: (&'a str, &'a str),
    /// The month's first second.
    pub start: i64,
    /// Items before this `(local_time, id)`, newest first.
    pub before: (i64, i64),
    pub status: Option<&'a str>,
    pub limit: i64,
}

pub(super) async fn page(db: &Db, q: PageQuery<'_>) -> sqlx::Result<Vec<PageRow>> {
    // `local_time <= $6` says again what the row comparison implies: PostgreSQL cannot
    // estimate a row comparison, and guessing a quarter of the ROOM it joined every media row
    // (17 ms a page at 100,000 items, 0.4 ms with the range).
    sqlx::query_as(&format!(
        "SELECT * FROM (
             SELECT i.id, i.kind, i.local_time, i.sha256, m.width, m.height, m.duration_ms, m.has_thumb,
                    {STATUS_SQL} AS status
             FROM items i LEFT JOIN media m ON m.item_id = i.id
             WHERE i.user_id = $1 AND i.room = $2 AND i.kind IN ($3, $4)
               AND i.local_time >= $5 AND i.local_time <= $6 AND (i.local_time, i.id) < ($6, $7)
             ORDER BY i.local_time DESC, i.id DESC) AS page
         WHERE $8 IS NULL OR status = $9 ORDER BY local_time DESC, id DESC LIMIT $10"
    ))
    .bind(q.user_id)
    .bind(q.room)
    .bind(q.kinds.0)
    .bind(q.kinds.1)
    .bind(q.start)
    .bind(q.before.0)
    .bind(q.before.1)
    .bind(q.status)
    .bind(q.status)
    .bind(q.limit)
    .fetch_all(db)
    .await
}
