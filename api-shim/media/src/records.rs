//! Contacts (vCard 3.0/4.0), calendar (iCalendar) and call history (JSON) as the viewer lists
//! them (SPEC T5, V14), read from the files phones back up.

use std::io::BufReader;

use hako_protocol::{BackupKind, CalendarEvent, CallRecord, Contact, ErrorCode};

use crate::time::{japan_local, local_iso};

/// How many entries the file holds (what the viewer will list), or why it is not a file of
/// that kind.
pub fn count_entries(kind: BackupKind, bytes: &[u8]) -> Result<u64, ErrorCode> {
    let count = match kind {
        BackupKind::Contacts => read_contacts(bytes)?.len(),
        BackupKind::Calendar => read_events(bytes)?.len(),
        BackupKind::CallHistory => read_calls(bytes)?.len(),
    };
    Ok(count as u64)
}

/// The text of a file that must begin with `BEGIN:<component>`.
fn text_beginning<'a>(bytes: &'a [u8], component: &str) -> Result<&'a str, ErrorCode> {
    let text = std::str::from_utf8(bytes).map_err(|_| ErrorCode::InvalidBackupFile)?;
    if text.trim_start().starts_with(&format!("BEGIN:{component}")) {
        Ok(text)
    } else {
        Err(ErrorCode::InvalidBackupFile)
    }
}

/// A property's value with vCard/iCalendar escapes undone, split at unescaped `;`
/// (the parts of a structured value such as N).
fn unescaped_parts(value: &str) -> Vec<String> {
    let mut parts = vec![String::new()];
    let mut chars = value.chars();
    while let Some(c) = chars.next() {
        let last = parts.last_mut().expect("starts with one part");
        match c {
            '\\' => match chars.next() {
                Some('n' | 'N') => last.push('\n'),
                Some(other) => last.push(other),
                None => {}
            },
            ';' => parts.push(String::new()),
            _ => last.push(c),
        }
    }
    parts
}

fn unescaped(value: &str) -> String {
    let mut text = String::new();
    for (i, part) in unescaped_parts(value).into_iter().enumerate() {
        if i > 0 {
            text.push(';');
        }
        text.push_str(&part);
    }
    text
}

/// Values of every property of this name, unescaped, empty ones left out.
fn values<'a>(
    properties: &'a [ical::property::Property],
    name: &'a str,
) -> impl Iterator<Item = &'a str> {
    properties
        .iter()
        .filter(move |p| p.name.eq_ignore_ascii_case(name))
        .filter_map(|p| p.value.as_deref())
        .filter(|v| !v.trim().is_empty())
}

fn first_value(properties: &[ical::property::Property], name: &str) -> Option<String> {
    values(properties, name)
        .next()
        .map(|v| unescaped(v).trim().to_owned())
}

/// Katakana read as hiragana, so that 「サトウ」 and 「さとう」 sort together.
fn kana_folded(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            '\u{30A1}'..='\u{30F6}' => char::from_u32(c as u32 - 0x60).unwrap_or(c),
            _ => c,
        })
        .collect()
}

/// Contacts (vCard 3.0/4.0, SPEC T5, V14), ordered by reading, else by name. The reading is
/// the phonetic name iOS and Android write (X-PHONETIC-*), else SORT-STRING (3.0), else
/// N's SORT-AS (4.0).
pub fn read_contacts(bytes: &[u8]) -> Result<Vec<Contact>, ErrorCode> {
    text_beginning(bytes, "VCARD")?;
    let mut contacts = Vec::new();
    for card in ical::VcardParser::new(BufReader::new(bytes)) {
        let props = card.map_err(|_| ErrorCode::InvalidBackupFile)?.properties;
        let n = props.iter().find(|p| p.name.eq_ignore_ascii_case("N"));
        let n_parts = n
            .and_then(|p| p.value.as_deref())
            .map(unescaped_parts)
            .unwrap_or_default();
        let name = first_value(&props, "FN")
            .filter(|v| !v.is_empty())
            .unwrap_or_else(|| {
                // N is family;given;additional;prefix;suffix.
                n_parts
                    .iter()
                    .take(2)
                    .map(|s| s.trim())
                    .filter(|s| !s.is_empty())
                    .collect::<Vec<_>>()
                    .join(" ")
            });
        let phonetic: Vec<String> = ["X-PHONETIC-LAST-NAME", "X-PHONETIC-FIRST-NAME"]
            .iter()
            .filter_map(|field| first_value(&props, field))
            .filter(|v| !v.is_empty())
            .collect();
        let sort_as = n
            .and_then(|p| p.params.as_ref())
            .and_then(|params| {
                params
                    .iter()
                    .find(|(k, _)| k.eq_ignore_ascii_case("SORT-AS"))
            })
            // SORT-AS="family,given": one reading per name part.
            .map(|(_, v)| {
                v.iter()
                    .flat_map(|s| s.split(','))
                    .map(str::trim)
                    .filter(|s| !s.is_empty())
                    .collect::<Vec<_>>()
                    .join(" ")
            });
        let reading = Some(phonetic.join(" "))
            .filter(|r| !r.is_empty())
            .or_else(|| first_value(&props, "SORT-STRING"))
            .or(sort_as)
            .filter(|r| !r.is_empty());
        contacts.push(Contact {
            name,
            reading,
            phones: values(&props, "TEL")
                .map(|v| unescaped(v.trim().trim_start_matches("tel:")))
                .collect(),
            emails: values(&props, "EMAIL")
                .map(|v| unescaped(v.trim()))
                .collect(),
        });
    }
    contacts.sort_by_cached_key(|c| {
        (
            kana_folded(c.reading.as_deref().unwrap_or(&c.name)),
            c.name.clone(),
        )
    });
    Ok(contacts)
}

/// An iCalendar DATE or DATE-TIME as the viewer shows it, and whether it is a whole day.
/// UTC times are shown in Japan time; times with a TZID or none are shown as written (their
/// own wall-clock time).
fn event_time(property: &ical::property::Property) -> Option<(String, bool)> {
    use time::macros::format_description;
    let value = property.value.as_deref()?.trim();
    if let Ok(date) = time::Date::parse(value, format_description!("[year][month][day]")) {
        return Some((date.to_string(), true));
    }
    let (wall, utc) = match value.strip_suffix('Z') {
        Some(wall) => (wall, true),
        None => (value, false),
    };
    let written = time::PrimitiveDateTime::parse(
        wall,
        format_description!("[year][month][day]T[hour][minute][second]"),
    )
    .ok()?
    .assume_utc()
    .unix_timestamp();
    let local = if utc { japan_local(written) } else { written };
    Some((local_iso(local), false))
}

/// Events (iCalendar, SPEC T5, V14) in order of start. An event without a readable start
/// (which RFC 5545 requires) is left out; repeating events show their first date.
pub fn read_events(bytes: &[u8]) -> Result<Vec<CalendarEvent>, ErrorCode> {
    text_beginning(bytes, "VCALENDAR")?;
    let mut events = Vec::new();
    for calendar in ical::IcalParser::new(BufReader::new(bytes)) {
        for event in calendar.map_err(|_| ErrorCode::InvalidBackupFile)?.events {
            let props = &event.properties;
            let time_of = |name: &str| {
                props
                    .iter()
                    .find(|p| p.name.eq_ignore_ascii_case(name))
                    .and_then(event_time)
            };
            let Some((start, all_day)) = time_of("DTSTART") else {
                continue;
            };
            events.push(CalendarEvent {
                summary: first_value(props, "SUMMARY").unwrap_or_default(),
                start,
                end: time_of("DTEND").map(|(end, _)| end),
                all_day,
                location: first_value(props, "LOCATION").filter(|l| !l.is_empty()),
            });
        }
    }
    events.sort_by(|a, b| a.start.cmp(&b.start));
    Ok(events)
}

/// Call history (a JSON array of CallRecord), newest first.
pub fn read_calls(bytes: &[u8]) -> Result<Vec<CallRecord>, ErrorCode> {
    let mut calls: Vec<CallRecord> =
        serde_json::from_slice(bytes).map_err(|_| ErrorCode::InvalidBackupFile)?;
    calls.sort_by_cached_key(|c| {
        std::cmp::Reverse(
            time::OffsetDateTime::parse(&c.time, &time::format_description::well_known::Rfc3339)
                .ok(),
        )
    });
    Ok(calls)
}

#[cfg(test)]
mod tests {
    use super::*;

    const VCARD: &str = "BEGIN:VCARD\r\nVERSION:4.0\r\nFN:山田 太郎\r\nN;SORT-AS=\"ヤマダ,タロウ\":山田;太郎;;;\r\nTEL;TYPE=cell:090-1234-5678\r\nEMAIL:taro@example.jp\r\nEND:VCARD\r\n\
BEGIN:VCARD\r\nVERSION:3.0\r\nFN:佐藤 花子\r\nN:佐藤;花子;;;\r\nX-PHONETIC-LAST-NAME:サトウ\r\nEND:VCARD\r\n";

    #[test]
    fn t5_contacts_calendar_and_calls_are_counted() {
        assert_eq!(count_entries(BackupKind::Contacts, VCARD.as_bytes()), Ok(2));
        let ics = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//x//y//EN\r\nBEGIN:VEVENT\r\nUID:1\r\nDTSTART:20240815T100000Z\r\nSUMMARY:花火大会\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";
        assert_eq!(count_entries(BackupKind::Calendar, ics.as_bytes()), Ok(1));
        let calls = r#"[{"number":"0312345678","name":"母","direction":"missed","time":"2024-08-15T10:00:00+09:00","duration_secs":0}]"#;
        assert_eq!(
            count_entries(BackupKind::CallHistory, calls.as_bytes()),
            Ok(1)
        );
    }

    #[test]
    fn v14_contacts_have_readings_and_are_ordered_by_them() {
        let vcard = format!(
            "{VCARD}BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Emma\\, Smith\r\nSORT-STRING:えま\r\n\
             TEL;VALUE=uri:tel:+81-90-0000-0000\r\nEMAIL:a@example.jp\r\nEMAIL:b@example.jp\r\nEND:VCARD\r\n\
             BEGIN:VCARD\r\nVERSION:3.0\r\nN:Zed;Ann;;;\r\nEND:VCARD\r\n"
        );
        let contacts = read_contacts(vcard.as_bytes()).unwrap();
        let shown: Vec<(&str, Option<&str>)> = contacts
            .iter()
            .map(|c| (c.name.as_str(), c.reading.as_deref()))
            .collect();
        // Katakana and hiragana readings sort together; no reading sorts by name (Latin first).
        assert_eq!(
            shown,
            [
                ("Zed Ann", None),
                ("Emma, Smith", Some("えま")),
                ("佐藤 花子", Some("サトウ")),
                ("山田 太郎", Some("ヤマダ タロウ")),
            ]
        );
        assert_eq!(contacts[1].phones, ["+81-90-0000-0000"]);
        assert_eq!(contacts[1].emails, ["a@example.jp", "b@example.jp"]);
        assert_eq!(contacts[3].phones, ["090-1234-5678"]);
    }

    #[test]
    fn v14_events_by_start_with_all_day_and_utc_in_japan_time() {
        let ics = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//x//y//EN\r\n\
            BEGIN:VEVENT\r\nUID:1\r\nDTSTART:20240815T100000Z\r\nDTEND:20240815T110000Z\r\nSUMMARY:花火大会\r\nLOCATION:隅田川\\, 東京\r\nEND:VEVENT\r\n\
            BEGIN:VEVENT\r\nUID:2\r\nDTSTART;VALUE=DATE:20240815\r\nSUMMARY:お盆\r\nEND:VEVENT\r\n\
            BEGIN:VEVENT\r\nUID:3\r\nDTSTART;TZID=Asia/Tokyo:20240101T100000\r\nSUMMARY:初詣\r\nEND:VEVENT\r\n\
            BEGIN:VEVENT\r\nUID:4\r\nSUMMARY:no start\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";
        let events = read_events(ics.as_bytes()).unwrap();
        let shown: Vec<(&str, &str, bool)> = events
            .iter()
            .map(|e| (e.summary.as_str(), e.start.as_str(), e.all_day))
            .collect();
        assert_eq!(
            shown,
            [
                ("初詣", "2024-01-01T10:00:00", false),
                ("お盆", "2024-08-15", true),
                ("花火大会", "2024-08-15T19:00:00", false),
            ]
        );
        assert_eq!(events[2].end.as_deref(), Some("2024-08-15T20:00:00"));
        assert_eq!(events[2].location.as_deref(), Some("隅田川, 東京"));
    }

    #[test]
    fn v14_calls_newest_first() {
        let calls = r#"[{"number":"1","direction":"incoming","time":"2024-08-15T10:00:00+09:00","duration_secs":5},
            {"number":"2","direction":"missed","time":"2024-08-15T02:00:00Z","duration_secs":0},
            {"number":"3","direction":"outgoing","time":"2023-01-01T00:00:00+09:00","duration_secs":9}]"#;
        let numbers: Vec<String> = read_calls(calls.as_bytes())
            .unwrap()
            .into_iter()
            .map(|c| c.number)
            .collect();
        assert_eq!(numbers, ["2", "1", "3"]);
    }

    #[test]
    fn truncated_or_hostile_files_are_refused_without_panicking() {
        let invalid = Err(ErrorCode::InvalidBackupFile);
        // Cut mid-contact: inside a character, and at a character boundary.
        let cut = VCARD
            .char_indices()
            .map(|(i, _)| i)
            .find(|&i| i > 100)
            .unwrap();
        let bad_contacts: [&[u8]; 6] = [
            &VCARD.as_bytes()[..88],
            &VCARD.as_bytes()[..cut],
            b"",
            b"hello",
            b"BEGIN:VCARD\r\nBEGIN:VCARD\r\n",
            b"BEGIN:VCARD\r\n:::\r\n",
        ];
        for bad in bad_contacts {
            let shown = String::from_utf8_lossy(bad);
            assert_eq!(
                count_entries(BackupKind::Contacts, bad),
                invalid,
                "{shown:?}"
            );
        }
        assert_eq!(
            count_entries(BackupKind::Contacts, b"\xff\xfe\x00"),
            invalid
        );
        for bad in [
            "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\n",
            "BEGIN:VEVENT\r\nEND:VEVENT\r\n",
            "{}",
        ] {
            assert_eq!(
                count_entries(BackupKind::Calendar, bad.as_bytes()),
                invalid,
                "{bad:?}"
            );
        }
        for bad in [
            "{}",
            "[{\"number\":1}]",
            "[",
            r#"[{"number":"1","direction":"sideways","time":"t","duration_secs":0}]"#,
        ] {
            assert_eq!(
                count_entries(BackupKind::CallHistory, bad.as_bytes()),
                invalid,
                "{bad:?}"
            );
        }
        let deep = "[".repeat(100_000);
        assert_eq!(
            count_entries(BackupKind::CallHistory, deep.as_bytes()),
            invalid
        );
    }
}
