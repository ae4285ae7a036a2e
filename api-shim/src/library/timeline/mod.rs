//! The timeline of a ROOM (SPEC V4–V7): one small answer with every month and its per-day
//! counts, and a month's items in cursor pages, newest first.

pub(super) mod http;
mod store;

use hako_protocol::{
    Badge, ItemKind, Timeline, TimelineDay, TimelineFilter, TimelineItem, TimelineMonth,
    TimelinePage, TimelineSort,
};

use super::{LibraryError, non_negative};
use crate::store::db::Db;

type Result<T> = std::result::Result<T, LibraryError>;

const PAGE: i64 = 500;

/// The kinds a filter shows, as SQL values.
fn kinds(filter: TimelineFilter) -> (&'static str, &'static str) {
    match filter {
        TimelineFilter::All => (ItemKind::Photo.as_str(), ItemKind::Video.as_str()),
        TimelineFilter::Photos => (ItemKind::Photo.as_str(), ItemKind::Photo.as_str()),
        TimelineFilter::Videos => (ItemKind::Video.as_str(), ItemKind::Video.as_str()),
    }
}

/// Every month of the ROOM with its per-day counts, newest first; sorted by status, one such
/// list per save status, one after another.
pub(super) async fn months(
    db: &Db,
    user_id: i64,
    room: i64,
    filter: TimelineFilter,
    sort: TimelineSort,
) -> Result<Timeline> {
    let kinds = kinds(filter);
    let months = match sort {
        TimelineSort::Date => {
            let days = store::day_counts(db, user_id, room, kinds).await?;
            group_by_month(days.into_iter().map(|d| (d.day, d.count)), None)
        }
        TimelineSort::Status => {
            let rows = store::status_counts(db, user_id, room, kinds).await?;
            Badge::GROUP_ORDER
                .into_iter()
                .flat_map(|status| {
                    let days = rows
                        .iter()
                        .filter(|row| row.status == status.as_str())
                        .map(|row| (row.day.clone(), row.count));
                    group_by_month(days, Some(status))
                })
                .collect()
        }
    };
    let total = months.iter().map(|m| u64::from(m.count)).sum();
    Ok(Timeline { total, months })
}

/// `(YYYY-MM-DD, count)` rows, newest first, as months with their days.
fn group_by_month(
    days: impl IntoIterator<Item = (String, i64)>,
    status: Option<Badge>,
) -> Vec<TimelineMonth> {
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

/// What a page of a month asks for, as the client sent it.
pub(super) struct PageAsk<'a> {
    pub month: &'a str,
    pub filter: TimelineFilter,
    /// Only items of this save status (for a month of a status-sorted timeline).
    pub status: Option<&'a str>,
    /// `next_cursor` of the previous page: `<local time>:<id>`.
    pub cursor: Option<&'a str>,
    pub limit: Option<u32>,
}

/// One page of a month's items, newest first.
pub(super) async fn page(
    db: &Db,
    user_id: i64,
    room: i64,
    ask: PageAsk<'_>,
) -> Result<TimelinePage> {
    let (start, end) = month_bounds(ask.month).ok_or(LibraryError::NotFound)?;
    let before = match ask.cursor {
        Some(cursor) => {
            let (t, id) = cursor.split_once(':').ok_or(LibraryError::InvalidQuery)?;
            (
                t.parse::<i64>().map_err(|_| LibraryError::InvalidQuery)?,
                id.parse::<i64>().map_err(|_| LibraryError::InvalidQuery)?,
            )
        }
        None => (end, i64::MAX),
    };
    let status = match ask.status {
        Some(s) => Some(Badge::parse(s).ok_or(LibraryError::InvalidQuery)?.as_str()),
        None => None,
    };
    let limit = ask.limit.map_or(PAGE, |l| i64::from(l).clamp(1, PAGE));
    let query = store::PageQuery {
        user_id,
        room,
        kinds: kinds(ask.filter),
        start,
        before,
        status,
        limit: limit + 1,
    };
    let rows = store::page(db, query).await?;
    let more = rows.len() as i64 > limit;
    let mut next_cursor = None;
    let items = rows
        .into_iter()
        .take(limit as usize)
        .map(|row| {
            next_cursor = Some(format!("{}:{}", row.local_time, row.id));
            TimelineItem {
                id: row.id,
                kind: ItemKind::parse(&row.kind).unwrap_or(ItemKind::Photo),
                taken: crate::clock::local_iso(row.local_time),
                width: non_negative(row.width),
                height: non_negative(row.height),
                duration_ms: non_negative(row.duration_ms),
                badge: Badge::parse(&row.status).unwrap_or(Badge::CloudOnly),
                thumbnail_url: row
                    .has_thumb
                    .is_some_and(|made| made.0)
                    .then(|| format!("/api/v1/pictures/{}/thumb", row.sha256)),
            }
        })
        .collect();
    Ok(TimelinePage {
        items,
        next_cursor: if more { next_cursor } else { None },
    })
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
