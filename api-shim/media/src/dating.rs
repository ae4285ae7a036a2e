//! When a photo or video was taken (SPEC T3), read when the upload finishes so the item is
//! under its shooting day from the moment it is visible, and again by the media job.
//!
//! Sources, in the order exiftool-based libraries (Immich) prefer them: EXIF
//! `DateTimeOriginal`, XMP `exif:DateTimeOriginal`, EXIF `DateTimeDigitized`, XMP
//! `xmp:CreateDate`, XMP `photoshop:DateCreated`, EXIF `DateTime`; for videos QuickTime's
//! `com.apple.quicktime.creationdate` (local time with its offset), then `creation_time`.
//! Lenient like exiftool: EXIF read past broken entries, any separators, missing seconds or
//! time of day, placeholders such as `0000:00:00 00:00:00` treated as no date.

use std::path::Path;

use hako_protocol::ItemKind;

use crate::time::JAPAN_OFFSET_SECS;

/// A shooting time: Unix seconds and, when the file says it, the offset it was taken at.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Shot {
    pub taken_at: i64,
    pub utc_offset: Option<i32>,
}

impl Shot {
    /// Seconds of the wall clock where it was taken (Japan time when the file does not say).
    pub fn local_time(&self) -> i64 {
        self.taken_at + i64::from(self.utc_offset.unwrap_or(JAPAN_OFFSET_SECS))
    }
}

/// Photos carry their metadata near the start; this much is read (more only for TIFF-based
/// raw files, whose directories may sit anywhere, up to the cap).
pub const HEAD_BYTES: u64 = 1 << 20;
const TIFF_CAP_BYTES: u64 = 256 << 20;

/// The shooting time of a stored file (blocking: run it off the async runtime). `path` may
/// hold only the file's first and last bytes (a bucket's object is read by its ends).
pub fn read(kind: ItemKind, path: &Path) -> Option<Shot> {
    match kind {
        ItemKind::Photo => {
            let head = read_head(path).ok()?;
            photo(Exif::read(&head).as_ref(), &head)
        }
        ItemKind::Video => crate::video::probe(path).ok()?.shot(),
        ItemKind::Music | ItemKind::Document => None,
    }
}

pub fn read_head(path: &Path) -> std::io::Result<Vec<u8>> {
    use std::io::Read;
    let mut file = std::fs::File::open(path)?;
    let mut head = Vec::new();
    (&mut file).take(HEAD_BYTES).read_to_end(&mut head)?;
    if head.starts_with(b"II*\0") || head.starts_with(b"MM\0*") {
        file.take(TIFF_CAP_BYTES).read_to_end(&mut head)?;
    }
    Ok(head)
}

/// A photo's shooting time from its EXIF (read by the caller, who wants more of it) and XMP.
pub fn photo(exif: Option<&Exif>, bytes: &[u8]) -> Option<Shot> {
    let packet = xmp_packet(bytes);
    let xmp = packet
        .as_deref()
        .and_then(|xml| roxmltree::Document::parse(xml).ok());
    let exif_date = |date, offset| {
        let exif = exif?;
        parse(&exif.text(date)?, exif.text(offset).as_deref())
    };
    let xmp_date = |ns, name| xmp.as_ref().and_then(|doc| xmp_date(doc, ns, name));
    use exif::Tag;
    exif_date(Tag::DateTimeOriginal, Tag::OffsetTimeOriginal)
        .or_else(|| xmp_date(NS_EXIF, "DateTimeOriginal"))
        .or_else(|| exif_date(Tag::DateTimeDigitized, Tag::OffsetTimeDigitized))
        .or_else(|| xmp_date(NS_XMP, "CreateDate"))
        .or_else(|| xmp_date(NS_PHOTOSHOP, "DateCreated"))
        .or_else(|| exif_date(Tag::DateTime, Tag::OffsetTime))
}

/// EXIF read leniently: what parses is kept, broken entries are skipped.
pub struct Exif(exif::Exif);

impl Exif {
    pub fn read(bytes: &[u8]) -> Option<Self> {
        let mut reader = exif::Reader::new();
        reader.continue_on_error(true);
        let found = reader
            .read_from_container(&mut std::io::Cursor::new(bytes))
            .or_else(|e| e.distill_partial_result(|_| {}));
        found.ok().map(Self)
    }

    /// An ASCII field of the main image (or, misplaced, of the thumbnail's directory).
    pub fn text(&self, tag: exif::Tag) -> Option<String> {
        [exif::In::PRIMARY, exif::In::THUMBNAIL]
            .into_iter()
            .find_map(|ifd| match &self.0.get_field(tag, ifd)?.value {
                exif::Value::Ascii(parts) => parts
                    .iter()
                    .map(|s| {
                        String::from_utf8_lossy(s)
                            .trim_matches(['\0', ' '])
                            .to_owned()
                    })
                    .find(|s| !s.is_empty()),
                _ => None,
            })
    }

    pub fn uint(&self, tag: exif::Tag) -> Option<u32> {
        self.0.get_field(tag, exif::In::PRIMARY)?.value.get_uint(0)
    }
}

const NS_XMP: &str = "http://ns.adobe.com/xap/1.0/";
const NS_EXIF: &str = "http://ns.adobe.com/exif/1.0/";
const NS_PHOTOSHOP: &str = "http://ns.adobe.com/photoshop/1.0/";

/// The XMP packet embedded in a file (JPEG APP1, PNG iTXt, WebP, TIFF, HEIC: all keep it as
/// plain XML between these markers).
fn xmp_packet(bytes: &[u8]) -> Option<String> {
    let start = find(bytes, b"<x:xmpmeta")?;
    let end = start + find(&bytes[start..], b"</x:xmpmeta>")? + b"</x:xmpmeta>".len();
    Some(String::from_utf8_lossy(&bytes[start..end]).into_owned())
}

/// A date property of an XMP packet, written as an attribute (`xmp:CreateDate="…"`) or as an
/// element (`<xmp:CreateDate>…</xmp:CreateDate>`), with any prefix bound to `namespace`.
fn xmp_date(doc: &roxmltree::Document, namespace: &str, name: &str) -> Option<Shot> {
    doc.descendants().find_map(|node| {
        let value = node
            .attribute((namespace, name))
            .map(str::to_owned)
            .or_else(|| {
                let tag = node.tag_name();
                (node.is_element() && tag.namespace() == Some(namespace) && tag.name() == name)
                    .then(|| node.text())
                    .flatten()
                    .map(str::to_owned)
            })?;
        parse(&value, None)
    })
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// A date as EXIF (`2023:08:15 19:30:05`), XMP / ISO 8601 (`2023-08-15T19:30:05.25+09:00`)
/// or QuickTime (`2023-08-15T19:30:05+0900`) writes it, with or without seconds or time of
/// day; the offset is the one in the text, else `offset` (EXIF keeps it in its own tag), else
/// Japan time is assumed.
pub fn parse(text: &str, offset: Option<&str>) -> Option<Shot> {
    let text = text.trim();
    let cut = text.char_indices().nth(10).map_or(text.len(), |(i, _)| i);
    let (date_part, rest) = text.split_at(cut);
    let numbers: Vec<u32> = date_part
        .split(|c: char| !c.is_ascii_digit())
        .filter(|s| !s.is_empty())
        .map(|s| s.parse().ok())
        .collect::<Option<_>>()?;
    let [year, month, day] = numbers[..] else {
        return None;
    };
    let date = time::Date::from_calendar_date(
        i32::try_from(year).ok()?,
        time::Month::try_from(u8::try_from(month).ok()?).ok()?,
        u8::try_from(day).ok()?,
    )
    .ok()?;
    let rest = rest.trim_start_matches(['T', ' ']);
    // The clock: up to three numbers before a fraction or an offset.
    let clock_end = rest.find(['.', 'Z', 'z', '+', '-']).unwrap_or(rest.len());
    let clock: Vec<u8> = rest[..clock_end]
        .split(':')
        .filter(|s| !s.trim().is_empty())
        .map(|s| s.trim().parse().ok())
        .collect::<Option<_>>()?;
    let time = match clock[..] {
        [] => time::Time::MIDNIGHT,
        [h, m] => time::Time::from_hms(h, m, 0).ok()?,
        [h, m, s] => time::Time::from_hms(h, m, s).ok()?,
        _ => return None,
    };
    let tail = &rest[clock_end..];
    let tail = tail.trim_start_matches(|c: char| c == '.' || c.is_ascii_digit());
    let utc_offset = parse_offset(tail).or_else(|| offset.and_then(parse_offset));
    let assumed =
        time::UtcOffset::from_whole_seconds(utc_offset.unwrap_or(JAPAN_OFFSET_SECS)).ok()?;
    let taken_at = time::PrimitiveDateTime::new(date, time)
        .assume_offset(assumed)
        .unix_timestamp();
    // Cameras with an unset clock write 1970 or 1904; a file time is nearer the truth.
    (year > 1970).then_some(Shot {
        taken_at,
        utc_offset,
    })
}

/// `Z` → 0, `+09:00` / `+0900` / `+09` → 32400.
pub fn parse_offset(text: &str) -> Option<i32> {
    let text = text.trim();
    if text.eq_ignore_ascii_case("z") {
        return Some(0);
    }
    let sign = match text.as_bytes().first()? {
        b'+' => 1,
        b'-' => -1,
        _ => return None,
    };
    let digits: String = text[1..].chars().filter(|c| *c != ':').collect();
    if !digits.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let (hours, minutes) = match digits.len() {
        2 => (digits.parse::<i32>().ok()?, 0),
        4 => (
            digits[..2].parse::<i32>().ok()?,
            digits[2..].parse::<i32>().ok()?,
        ),
        _ => return None,
    };
    (hours <= 14 && minutes < 60).then_some(sign * (hours * 3600 + minutes * 60))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> Option<(i64, Option<i32>)> {
        parse(text, None).map(|s| (s.taken_at, s.utc_offset))
    }

    #[test]
    fn dates_are_read_as_exif_xmp_and_quicktime_write_them() {
        // 2024-01-01 00:00:00 UTC.
        let utc = 1_704_067_200;
        assert_eq!(at("2024:01:01 09:00:00"), Some((utc, None)));
        assert_eq!(at("2024-01-01T09:00:00+09:00"), Some((utc, Some(32_400))));
        assert_eq!(at("2024-01-01T00:00:00Z"), Some((utc, Some(0))));
        assert_eq!(at("2024-01-01T00:00:00.000000Z"), Some((utc, Some(0))));
        assert_eq!(at("2024-01-01T09:00:00+0900"), Some((utc, Some(32_400))));
        assert_eq!(
            at("2023-12-31T19:00:00.25-05:00"),
            Some((utc, Some(-18_000)))
        );
        assert_eq!(at("2024:01:01 09:00"), Some((utc, None)));
        assert_eq!(at("2024-01-01"), Some((utc - 9 * 3600, None)));
        assert_eq!(at("2024/01/01 09:00:00"), Some((utc, None)));
        assert_eq!(
            parse("2024:01:01 00:00:00", Some("+00:00")).map(|s| s.taken_at),
            Some(utc)
        );
        assert_eq!(parse_offset("-05:30"), Some(-(5 * 3600 + 30 * 60)));
    }

    #[test]
    fn placeholders_and_garbage_are_no_date() {
        for text in [
            "0000:00:00 00:00:00",
            "    :  :     :  :  ",
            "",
            "garbage",
            "2024:13:01 00:00:00",
            "1970:01:01 00:00:00",
            "1904-01-01T00:00:00Z",
            "二〇二四年一月一日十時",
        ] {
            assert_eq!(at(text), None, "{text:?}");
        }
    }

    #[test]
    fn xmp_dates_are_found_as_attributes_or_elements_under_any_prefix() {
        let attribute = br#"junk<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
            <rdf:Description xmlns:xap="http://ns.adobe.com/xap/1.0/" xap:CreateDate="2021-05-04T10:11:12+02:00"/>
            </rdf:RDF></x:xmpmeta>junk"#;
        assert_eq!(
            photo(None, attribute),
            Some(Shot {
                taken_at: 1_620_115_872,
                utc_offset: Some(7200)
            })
        );
        let element = br#"<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
            <rdf:Description xmlns:photoshop="http://ns.adobe.com/photoshop/1.0/" xmlns:exif="http://ns.adobe.com/exif/1.0/">
            <photoshop:DateCreated>2020-01-02</photoshop:DateCreated>
            <exif:DateTimeOriginal>2019-03-04T05:06:07</exif:DateTimeOriginal>
            </rdf:Description></rdf:RDF></x:xmpmeta>"#;
        // exif:DateTimeOriginal wins over photoshop:DateCreated; no offset: Japan time.
        assert_eq!(
            photo(None, element).map(|s| s.local_time()),
            Some(1_551_675_967)
        );
    }

    #[test]
    fn sample_photos_are_dated_as_exiftool_dates_them() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/dates");
        let local = |name: &str| {
            let shot = read(ItemKind::Photo, &dir.join(name)).unwrap();
            (
                time::OffsetDateTime::from_unix_timestamp(shot.local_time())
                    .unwrap()
                    .to_string(),
                shot.utc_offset,
            )
        };
        assert_eq!(
            local("broken-exif.jpg"),
            ("2011-09-23 12:43:03.0 +00:00:00".into(), Some(0))
        );
        assert_eq!(
            local("long-description.jpg"),
            ("2005-12-17 22:03:32.0 +00:00:00".into(), Some(0))
        );
        assert_eq!(
            local("xmp-bluesquare.jpg"),
            ("2005-09-07 15:07:40.0 +00:00:00".into(), Some(-7 * 3600))
        );
    }
}
