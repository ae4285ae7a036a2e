//! Every date Hako writes, in the users' time zone, through `time`'s format descriptions;
//! month arithmetic once. Pure: the server's clock (`hako_api_shim::clock`) re-exports it.
//!
//! "Local seconds" (`items.local_time`) are the wall clock where a photo was taken, counted
//! like Unix seconds: read back as if they were UTC.

use time::{
    Date, Month, OffsetDateTime, UtcOffset,
    format_description::{BorrowedFormatItem, well_known::Rfc3339},
    macros::{format_description, offset},
};

/// The users' time zone (Japan has no daylight saving time): dates without an offset are in it.
pub const JAPAN: UtcOffset = offset!(+9);
pub const JAPAN_OFFSET_SECS: i32 = JAPAN.whole_seconds();

/// Unix seconds as RFC 3339 (UTC), as the API writes instants.
pub fn rfc3339(unix: i64) -> String {
    instant(unix).format(&Rfc3339).unwrap_or_default()
}

/// The wall clock in Japan at `unix`, as local seconds.
pub fn japan_local(unix: i64) -> i64 {
    unix + i64::from(JAPAN_OFFSET_SECS)
}

/// Local seconds as `2024-08-15T09:00:00`, the way the viewer shows times.
pub fn local_iso(local: i64) -> String {
    formatted(
        instant(local),
        format_description!("[year]-[month]-[day]T[hour]:[minute]:[second]"),
    )
}

/// Local seconds as `20240815-090000`, for file names.
pub fn local_stamp(local: i64) -> String {
    formatted(
        instant(local),
        format_description!("[year][month][day]-[hour][minute][second]"),
    )
}

/// An instant as the operator reads it: `2026-02-01 00:30 JST`.
pub fn japan_minutes(unix: i64) -> String {
    formatted(
        instant(unix).to_offset(JAPAN),
        format_description!("[year]-[month]-[day] [hour]:[minute] JST"),
    )
}

/// An instant where it happened: `2024-08-15 09:00:00+09:00`, or without the offset (in
/// Japan time) when it is not known.
pub fn with_offset(unix: i64, offset: Option<i32>) -> String {
    match offset.and_then(|secs| UtcOffset::from_whole_seconds(secs).ok()) {
        Some(offset) => formatted(
            instant(unix).to_offset(offset),
            format_description!(
                "[year]-[month]-[day] [hour]:[minute]:[second][offset_hour sign:mandatory]:[offset_minute]"
            ),
        ),
        None => formatted(
            instant(unix).to_offset(JAPAN),
            format_description!("[year]-[month]-[day] [hour]:[minute]:[second]"),
        ),
    }
}

/// The Japan date of an instant as `20110715`, as reception numbers begin.
pub fn japan_day(unix: i64) -> String {
    formatted(
        instant(unix).to_offset(JAPAN),
        format_description!("[year][month][day]"),
    )
}

/// Seconds since midnight in Japan at `unix` (business hours are Japan time).
pub fn seconds_into_japan_day(unix: i64) -> i64 {
    japan_local(unix).rem_euclid(86_400)
}

/// The instant a Japan date (`2024-08-15`) begins; `None` when it is not such a date.
pub fn japan_midnight(date: &str) -> Option<i64> {
    let date = Date::parse(date, format_description!("[year]-[month]-[day]")).ok()?;
    Some(date.midnight().assume_offset(JAPAN).unix_timestamp())
}

/// The calendar month (UTC) of an instant: `2024-08`.
pub fn utc_month(unix: i64) -> String {
    formatted(instant(unix), format_description!("[year]-[month]"))
}

/// The first instant after the Japanese calendar month that `now` falls in.
pub fn end_of_month_in_japan(now: i64) -> anyhow::Result<i64> {
    let local = OffsetDateTime::from_unix_timestamp(now)?.to_offset(JAPAN);
    let (year, month) = match local.month() {
        Month::December => (local.year() + 1, Month::January),
        month => (local.year(), month.next()),
    };
    Ok(Date::from_calendar_date(year, month, 1)?
        .midnight()
        .assume_offset(JAPAN)
        .unix_timestamp())
}

/// Seconds as a date-time in UTC (out-of-range values as the epoch: never from real data).
fn instant(unix: i64) -> OffsetDateTime {
    OffsetDateTime::from_unix_timestamp(unix).unwrap_or(OffsetDateTime::UNIX_EPOCH)
}

fn formatted(t: OffsetDateTime, format: &[BorrowedFormatItem<'_>]) -> String {
    t.format(format).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_written_in_japan_time_or_where_they_happened() {
        // 2024-08-15 15:30:05 UTC is 2024-08-16 00:30:05 in Japan.
        let unix = 1_723_735_805;
        assert_eq!(local_iso(japan_local(unix)), "2024-08-16T00:30:05");
        assert_eq!(local_stamp(japan_local(unix)), "20240816-003005");
        assert_eq!(japan_minutes(unix), "2024-08-16 00:30 JST");
        assert_eq!(with_offset(unix, None), "2024-08-16 00:30:05");
        assert_eq!(
            with_offset(unix, Some(-5 * 3600)),
            "2024-08-15 10:30:05-05:00"
        );
        assert_eq!(utc_month(unix), "2024-08");
        assert_eq!(rfc3339(unix), "2024-08-15T15:30:05Z");
    }

    #[test]
    fn the_month_ends_in_japan_time() {
        // 2026-01-31 15:30 UTC is already 2026-02-01 00:30 in Japan: the month ends with February.
        let feb_1_jst = 1_769_873_400;
        assert_eq!(japan_minutes(feb_1_jst), "2026-02-01 00:30 JST");
        let mar_1_jst = end_of_month_in_japan(feb_1_jst).unwrap();
        assert_eq!(japan_minutes(mar_1_jst), "2026-03-01 00:00 JST");
        assert_eq!(
            japan_minutes(end_of_month_in_japan(mar_1_jst - 1).unwrap()),
            "2026-03-01 00:00 JST"
        );
        // December rolls over into the next year.
        let dec = 1_797_292_800;
        assert_eq!(
            japan_minutes(end_of_month_in_japan(dec).unwrap()),
            "2027-01-01 00:00 JST"
        );
    }
}
