//! Dates, times and sizes as Japanese and English readers write them.

use hako_protocol::Lang;

const EN_MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// 「2023年8月」 / "Aug 2023": the scroll-date rail's label (SPEC V5).
pub fn month_label(lang: Lang, year: i32, month: u8) -> String {
    match lang {
        Lang::Ja => format!("{year}年{month}月"),
        Lang::En => format!("{} {year}", EN_MONTHS[usize::from(month.clamp(1, 12)) - 1]),
    }
}

/// The clock in Japan at an RFC 3339 instant, `YYYY-MM-DDTHH:MM`, whatever the browser's time
/// zone: Hako's users, its servers' days and the corporate console's hours are Japan time.
fn japan_wall_clock(rfc3339: &str) -> Option<String> {
    let date = js_sys::Date::new(&rfc3339.into());
    if date.get_time().is_nan() {
        return None;
    }
    let japan = js_sys::Date::new(&(date.get_time() + 9.0 * 3_600_000.0).into());
    Some(format!(
        "{}-{:02}-{:02}T{:02}:{:02}",
        japan.get_utc_full_year(),
        japan.get_utc_month() + 1,
        japan.get_utc_date(),
        japan.get_utc_hours(),
        japan.get_utc_minutes()
    ))
}

/// An instant as the console's tables show it, `2024-08-15 09:30` Japan time (SPEC C4).
pub fn japan_time(rfc3339: &str) -> String {
    japan_wall_clock(rfc3339).map_or_else(|| rfc3339.to_owned(), |t| t.replace('T', " "))
}

/// An instant in the viewer's one date style, Japan time: 「2024年8月15日（木） 9:30」.
pub fn japan_date_time(lang: Lang, rfc3339: &str) -> String {
    japan_wall_clock(rfc3339).map_or_else(|| rfc3339.to_owned(), |t| date_time(lang, &t))
}

/// A phone's local time `YYYY-MM-DDTHH:MM[:SS]` (a photo taken, a call) in the viewer's one
/// date style: 「2024年8月15日（木） 9:30」 / "Thu, Aug 15, 2024, 9:30".
pub fn date_time(lang: Lang, wall: &str) -> String {
    let part = |range: std::ops::Range<usize>| wall.get(range).and_then(|s| s.parse::<u8>().ok());
    let year = wall.get(0..4).and_then(|s| s.parse::<i32>().ok());
    match (
        year,
        part(5..7),
        part(8..10),
        part(11..13),
        wall.get(14..16),
    ) {
        (Some(y), Some(m), Some(d), Some(h), Some(min)) => {
            let day = day_heading(lang, y, m, d);
            match lang {
                Lang::Ja => format!("{day} {h}:{min}"),
                Lang::En => format!("{day}, {h}:{min}"),
            }
        }
        _ => wall.replace('T', " "),
    }
}

/// "3.2 MB": bytes in the largest unit that keeps the number small (1000-based, like phones).
pub fn format_size(bytes: u64) -> String {
    const UNITS: [&str; 5] = ["B", "KB", "MB", "GB", "TB"];
    let mut value = bytes as f64;
    let mut unit = 0;
    while value >= 1000.0 && unit < UNITS.len() - 1 {
        value /= 1000.0;
        unit += 1;
    }
    if unit == 0 {
        format!("{bytes} B")
    } else {
        format!("{value:.1} {}", UNITS[unit])
    }
}

/// 「2024年8月15日（木）」 / "Thu, Aug 15, 2024" (UI.md).
pub fn day_heading(lang: Lang, year: i32, month: u8, day: u8) -> String {
    const JA_DAYS: [&str; 7] = ["日", "月", "火", "水", "木", "金", "土"];
    const EN_DAYS: [&str; 7] = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
    let weekday = weekday(year, month, day);
    match lang {
        Lang::Ja => format!("{year}年{month}月{day}日（{}）", JA_DAYS[weekday]),
        Lang::En => format!(
            "{}, {} {day}, {year}",
            EN_DAYS[weekday],
            EN_MONTHS[usize::from(month.clamp(1, 12)) - 1]
        ),
    }
}

/// 0 = Sunday (Sakamoto's method).
fn weekday(year: i32, month: u8, day: u8) -> usize {
    const T: [i32; 12] = [0, 3, 2, 5, 0, 3, 5, 1, 4, 6, 2, 4];
    let y = if month < 3 { year - 1 } else { year };
    let m = usize::from(month.clamp(1, 12)) - 1;
    ((y + y / 4 - y / 100 + y / 400 + T[m] + i32::from(day)).rem_euclid(7)) as usize
}
