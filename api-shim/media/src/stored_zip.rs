//! A ZIP archive whose files are stored as they are (method 0, no compression), planned in full
//! before a byte is sent: its exact length is known up front and any byte range of it can be
//! produced on its own, so a browser shows progress and resumes a broken download (SPEC V9).
//!
//! No crate offered both: `zipit` and `async_zip` know the length but write front to back only.
//! Each entry's CRC-32 goes in its local header (no data descriptors: stored entries with
//! descriptors cannot be read by streaming unzippers such as Java's), so the caller supplies
//! it before the entry's header is produced. ZIP64 fields appear only where a size or offset
//! does not fit in 32 bits, which keeps small archives readable by old tools.
//! Layout per APPNOTE 6.3.10: local header + data for each file, central directory,
//! [ZIP64 end record + locator], end record.

const LOCAL_HEADER: u64 = 30;
const CENTRAL_HEADER: u64 = 46;
const END_RECORD: u64 = 22;
const ZIP64_END_RECORD: u64 = 56;
const ZIP64_LOCATOR: u64 = 20;
/// A 32-bit field holding this says "see the ZIP64 extra field".
const MAX32: u64 = 0xFFFF_FFFF;
const MAX16: usize = 0xFFFF;
/// General purpose flag bit 11: names are UTF-8.
const UTF8_NAMES: u16 = 1 << 11;
/// Made by Unix (3) with ZIP 4.5, so the external attributes below are read as Unix modes.
const VERSION_MADE_BY: u16 = (3 << 8) | 45;
const VERSION_PLAIN: u16 = 20;
const VERSION_ZIP64: u16 = 45;
/// A regular file, rw-r--r--.
const EXTERNAL_ATTRIBUTES: u32 = 0o100_644 << 16;

/// A file to put in the archive.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    /// Already safe and unique within the archive (see [`safe_unique_names`]).
    pub name: String,
    pub size: u64,
    /// Local wall-clock time as Unix seconds, for the DOS date and time fields.
    pub modified: i64,
}

/// Where each piece of the archive starts.
#[derive(Clone, Debug)]
pub struct Plan {
    entries: Vec<Entry>,
    header_offsets: Vec<u64>,
    central_offset: u64,
    central_len: u64,
    zip64_end: bool,
}

/// One contiguous piece of the archive.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Part {
    /// Entry `i`'s local header (needs its CRC-32).
    Header(usize),
    /// Entry `i`'s bytes.
    Data(usize),
    /// The central directory (needs every CRC-32).
    Central,
    /// The end records.
    End,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Segment {
    pub part: Part,
    pub start: u64,
    pub len: u64,
}

fn needs_zip64_size(entry: &Entry) -> bool {
    entry.size >= MAX32
}

fn local_extra_len(entry: &Entry) -> u64 {
    // Both sizes, 8 bytes each, after a 4-byte tag and length.
    if needs_zip64_size(entry) { 20 } else { 0 }
}

/// How many 8-byte fields the central ZIP64 extra carries: sizes and/or the header offset.
fn central_zip64_fields(entry: &Entry, header_offset: u64) -> u64 {
    2 * u64::from(needs_zip64_size(entry)) + u64::from(header_offset >= MAX32)
}

fn central_extra_len(fields: u64) -> u64 {
    if fields == 0 { 0 } else { 4 + 8 * fields }
}

impl Plan {
    pub fn new(entries: Vec<Entry>) -> Self {
        let mut offset = 0u64;
        let mut header_offsets = Vec::with_capacity(entries.len());
        let mut central_len = 0u64;
        for entry in &entries {
            header_offsets.push(offset);
            let name = entry.name.len() as u64;
            central_len +=
                CENTRAL_HEADER + name + central_extra_len(central_zip64_fields(entry, offset));
            offset += LOCAL_HEADER + name + local_extra_len(entry) + entry.size;
        }
        let zip64_end = offset >= MAX32 || central_len >= MAX32 || entries.len() >= MAX16;
        Self {
            entries,
            header_offsets,
            central_offset: offset,
            central_len,
            zip64_end,
        }
    }

    pub fn entries(&self) -> &[Entry] {
        &self.entries
    }

    fn end_len(&self) -> u64 {
        END_RECORD
            + if self.zip64_end {
                ZIP64_END_RECORD + ZIP64_LOCATOR
            } else {
                0
            }
    }

    /// The archive's exact size in bytes.
    pub fn size(&self) -> u64 {
        self.central_offset + self.central_len + self.end_len()
    }

    fn header_len(&self, i: usize) -> u64 {
        let entry = &self.entries[i];
        LOCAL_HEADER + entry.name.len() as u64 + local_extra_len(entry)
    }

    /// Every piece, in archive order, back to back from 0 to [`Plan::len`].
    pub fn segments(&self) -> Vec<Segment> {
        let mut segments = Vec::with_capacity(2 * self.entries.len() + 2);
        for (i, entry) in self.entries.iter().enumerate() {
            let start = self.header_offsets[i];
            let header = self.header_len(i);
            segments.push(Segment {
                part: Part::Header(i),
                start,
                len: header,
            });
            segments.push(Segment {
                part: Part::Data(i),
                start: start + header,
                len: entry.size,
            });
        }
        segments.push(Segment {
            part: Part::Central,
            start: self.central_offset,
            len: self.central_len,
        });
        segments.push(Segment {
            part: Part::End,
            start: self.central_offset + self.central_len,
            len: self.end_len(),
        });
        segments
    }

    pub fn local_header(&self, i: usize, crc32: u32) -> Vec<u8> {
        let entry = &self.entries[i];
        let zip64 = needs_zip64_size(entry);
        let mut out = Vec::with_capacity(self.header_len(i) as usize);
        put32(&mut out, 0x0403_4b50);
        put16(&mut out, if zip64 { VERSION_ZIP64 } else { VERSION_PLAIN });
        common_fields(&mut out, entry, crc32);
        put16(&mut out, entry.name.len() as u16);
        put16(&mut out, local_extra_len(entry) as u16);
        out.extend_from_slice(entry.name.as_bytes());
        if zip64 {
            put16(&mut out, 0x0001);
            put16(&mut out, 16);
            put64(&mut out, entry.size);
            put64(&mut out, entry.size);
        }
        out
    }

    /// `crc32s[i]` is entry `i`'s checksum.
    pub fn central_directory(&self, crc32s: &[u32]) -> Vec<u8> {
        let mut out = Vec::with_capacity(self.central_len as usize);
        for (i, entry) in self.entries.iter().enumerate() {
            let offset = self.header_offsets[i];
            let fields = central_zip64_fields(entry, offset);
            put32(&mut out, 0x0201_4b50);
            put16(&mut out, VERSION_MADE_BY);
            put16(
                &mut out,
                if fields > 0 {
                    VERSION_ZIP64
                } else {
                    VERSION_PLAIN
                },
            );
            common_fields(&mut out, entry, crc32s[i]);
            put16(&mut out, entry.name.len() as u16);
            put16(&mut out, central_extra_len(fields) as u16);
            put16(&mut out, 0); // comment
            put16(&mut out, 0); // disk
            put16(&mut out, 0); // internal attributes
            put32(&mut out, EXTERNAL_ATTRIBUTES);
            put32(&mut out, offset.min(MAX32) as u32);
            out.extend_from_slice(entry.name.as_bytes());
            if fields > 0 {
                put16(&mut out, 0x0001);
                put16(&mut out, (8 * fields) as u16);
                if needs_zip64_size(entry) {
                    put64(&mut out, entry.size);
                    put64(&mut out, entry.size);
                }
                if offset >= MAX32 {
                    put64(&mut out, offset);
                }
            }
        }
        out
    }

    pub fn end_records(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(self.end_len() as usize);
        let count = self.entries.len() as u64;
        let zip64_record_offset = self.central_offset + self.central_len;
        if self.zip64_end {
            put32(&mut out, 0x0606_4b50);
            put64(&mut out, ZIP64_END_RECORD - 12);
            put16(&mut out, VERSION_MADE_BY);
            put16(&mut out, VERSION_ZIP64);
            put32(&mut out, 0); // this disk
            put32(&mut out, 0); // disk with the central directory
            put64(&mut out, count);
            put64(&mut out, count);
            put64(&mut out, self.central_len);
            put64(&mut out, self.central_offset);
            put32(&mut out, 0x0706_4b50);
            put32(&mut out, 0);
            put64(&mut out, zip64_record_offset);
            put32(&mut out, 1); // disks
        }
        put32(&mut out, 0x0605_4b50);
        put16(&mut out, 0);
        put16(&mut out, 0);
        put16(&mut out, count.min(MAX16 as u64) as u16);
        put16(&mut out, count.min(MAX16 as u64) as u16);
        put32(&mut out, self.central_len.min(MAX32) as u32);
        put32(&mut out, self.central_offset.min(MAX32) as u32);
        put16(&mut out, 0); // comment
        out
    }
}

/// Flags, method, time, date, CRC and both 32-bit sizes: the same in both kinds of header.
fn common_fields(out: &mut Vec<u8>, entry: &Entry, crc32: u32) {
    let (time, date) = dos_time(entry.modified);
    put16(out, UTF8_NAMES);
    put16(out, 0); // stored
    put16(out, time);
    put16(out, date);
    put32(out, crc32);
    let size32 = entry.size.min(MAX32) as u32;
    put32(out, size32);
    put32(out, size32);
}

/// MS-DOS time and date of local wall-clock seconds, held within what they can say (1980–2107).
fn dos_time(local: i64) -> (u16, u16) {
    let min = time::macros::datetime!(1980-01-01 0:00 UTC);
    let max = time::macros::datetime!(2107-12-31 23:59:58 UTC);
    let t = time::OffsetDateTime::from_unix_timestamp(local)
        .unwrap_or(min)
        .clamp(min, max);
    let time =
        (u16::from(t.hour()) << 11) | (u16::from(t.minute()) << 5) | u16::from(t.second() / 2);
    let date = (((t.year() - 1980) as u16) << 9)
        | (u16::from(u8::from(t.month())) << 5)
        | u16::from(t.day());
    (time, date)
}

fn put16(out: &mut Vec<u8>, v: u16) {
    out.extend_from_slice(&v.to_le_bytes());
}

fn put32(out: &mut Vec<u8>, v: u32) {
    out.extend_from_slice(&v.to_le_bytes());
}

fn put64(out: &mut Vec<u8>, v: u64) {
    out.extend_from_slice(&v.to_le_bytes());
}

/// File names for inside an archive: no folders, no `..`, no control characters or characters
/// Windows cannot store, and unique even where case does not count (「IMG_1.jpg」,
/// 「IMG_1 (2).jpg」), at most 255 bytes.
pub fn safe_unique_names<'a>(names: impl IntoIterator<Item = &'a str>) -> Vec<String> {
    let mut taken = std::collections::HashSet::new();
    let mut out = Vec::new();
    for name in names {
        let safe = safe_name(name);
        let (stem, ext) = match safe.rsplit_once('.') {
            Some((stem, ext)) if !stem.is_empty() => (stem, format!(".{ext}")),
            _ => (safe.as_str(), String::new()),
        };
        let mut candidate = safe.clone();
        let mut n = 1;
        while !taken.insert(candidate.to_lowercase()) {
            n += 1;
            let suffix = format!(" ({n}){ext}");
            candidate = format!("{}{suffix}", truncate(stem, 255 - suffix.len().min(255)));
        }
        out.push(candidate);
    }
    out
}

fn safe_name(name: &str) -> String {
    let replaced: String = name
        .chars()
        .map(|c| {
            if c.is_control() || matches!(c, '/' | '\\' | '<' | '>' | ':' | '"' | '|' | '?' | '*') {
                '_'
            } else {
                c
            }
        })
        .collect();
    // Windows drops trailing dots and spaces; a name of only dots would climb folders.
    let trimmed = replaced.trim_end_matches(['.', ' ']).trim_start();
    if trimmed.is_empty() {
        "file".to_owned()
    } else {
        truncate(trimmed, 255).to_owned()
    }
}

/// The longest prefix of at most `max` bytes that ends on a character boundary.
fn truncate(s: &str, max: usize) -> &str {
    let mut end = s.len().min(max);
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    &s[..end]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn le64(bytes: &[u8], at: usize) -> u64 {
        u64::from_le_bytes(bytes[at..at + 8].try_into().unwrap())
    }

    fn le32(bytes: &[u8], at: usize) -> u32 {
        u32::from_le_bytes(bytes[at..at + 4].try_into().unwrap())
    }

    fn entry(name: &str, size: u64) -> Entry {
        Entry {
            name: name.to_owned(),
            size,
            modified: 1_723_712_400,
        }
    }

    /// The whole archive, for sizes small enough to hold.
    fn build(plan: &Plan, contents: &[Vec<u8>]) -> Vec<u8> {
        let crcs: Vec<u32> = contents.iter().map(|c| crc32fast::hash(c)).collect();
        let mut out = Vec::new();
        for segment in plan.segments() {
            assert_eq!(segment.start, out.len() as u64, "{segment:?}");
            match segment.part {
                Part::Header(i) => out.extend(plan.local_header(i, crcs[i])),
                Part::Data(i) => out.extend(&contents[i]),
                Part::Central => out.extend(plan.central_directory(&crcs)),
                Part::End => out.extend(plan.end_records()),
            }
            assert_eq!(segment.start + segment.len, out.len() as u64, "{segment:?}");
        }
        out
    }

    #[test]
    fn v9_a_small_archive_is_exactly_as_long_as_planned_and_python_reads_it() {
        let contents = vec![b"hello".to_vec(), vec![7u8; 70_000], Vec::new()];
        let plan = Plan::new(vec![
            entry("a.txt", 5),
            entry("写真.jpg", 70_000),
            entry("empty", 0),
        ]);
        let archive = build(&plan, &contents);
        assert_eq!(archive.len() as u64, plan.size());
        assert!(
            !plan
                .segments()
                .iter()
                .any(|s| s.part == Part::End && s.len != END_RECORD)
        );

        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.zip");
        std::fs::write(&path, &archive).unwrap();
        let script = "import sys, zipfile\n\
            z = zipfile.ZipFile(sys.argv[1])\n\
            assert z.testzip() is None\n\
            print(';'.join(f'{i.filename}:{i.file_size}:{i.compress_type}:{i.flag_bits}:{i.date_time}' for i in z.infolist()))";
        let out = std::process::Command::new("python3")
            .args(["-c", script])
            .arg(&path)
            .output()
            .expect("python3 is needed to check archives");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        // 1_723_712_400 is 2024-08-15 09:00:00.
        assert_eq!(
            String::from_utf8(out.stdout).unwrap().trim(),
            "a.txt:5:0:2048:(2024, 8, 15, 9, 0, 0);写真.jpg:70000:0:2048:(2024, 8, 15, 9, 0, 0);empty:0:0:2048:(2024, 8, 15, 9, 0, 0)"
        );
    }

    #[test]
    fn v9_files_past_4_gib_get_zip64_sizes_offsets_and_end_records() {
        let big = 5 * 1024 * 1024 * 1024u64;
        let plan = Plan::new(vec![
            entry("small.jpg", 1000),
            entry("big.mp4", big),
            entry("after.jpg", 10),
        ]);
        let s = plan.segments();
        // small: plain header 30 + 9; big: header 30 + 7 + 20 (ZIP64 sizes).
        assert_eq!(
            s[0],
            Segment {
                part: Part::Header(0),
                start: 0,
                len: 39
            }
        );
        assert_eq!(
            s[2],
            Segment {
                part: Part::Header(1),
                start: 1039,
                len: 57
            }
        );
        assert_eq!(
            s[3],
            Segment {
                part: Part::Data(1),
                start: 1096,
                len: big
            }
        );
        let after = 1096 + big;
        assert_eq!(
            s[4],
            Segment {
                part: Part::Header(2),
                start: after,
                len: 39
            }
        );
        let central = after + 39 + 10;
        // Central entries: small 46 + 9; big 46 + 7 + 4 + 16 (sizes); after 46 + 9 + 4 + 8 (offset).
        let central_len = 55 + 73 + 67;
        assert_eq!(
            s[6],
            Segment {
                part: Part::Central,
                start: central,
                len: central_len
            }
        );
        assert_eq!(
            s[7],
            Segment {
                part: Part::End,
                start: central + central_len,
                len: 22 + 56 + 20
            }
        );
        assert_eq!(plan.size(), central + central_len + 98);

        let header = plan.local_header(1, 0xDEAD_BEEF);
        assert_eq!(header.len(), 57);
        assert_eq!((le32(&header, 18), le32(&header, 22)), (u32::MAX, u32::MAX));
        assert_eq!((le64(&header, 41), le64(&header, 49)), (big, big));

        let cd = plan.central_directory(&[1, 2, 3]);
        assert_eq!(cd.len() as u64, central_len);
        let third = 55 + 73;
        assert_eq!(le32(&cd, third + 42), u32::MAX, "offset says: see ZIP64");
        assert_eq!(le64(&cd, third + 46 + 9 + 4), after);
        assert_eq!(le32(&cd, 55 + 20), u32::MAX);
        assert_eq!(le64(&cd, 55 + 46 + 7 + 4), big);

        let end = plan.end_records();
        assert_eq!(le32(&end, 0), 0x0606_4b50);
        assert_eq!(le64(&end, 40), central_len);
        assert_eq!(le64(&end, 48), central);
        assert_eq!(
            le64(&end, 56 + 8),
            central + central_len,
            "locator points at the ZIP64 record"
        );
        assert_eq!(
            le32(&end, 76 + 16),
            u32::MAX,
            "32-bit offset says: see ZIP64"
        );
    }

    #[test]
    fn v9_python_finds_a_file_stored_after_5_gib_in_a_sparse_archive() {
        // The big entry is a hole in a sparse file: no 5 GiB written, yet every offset is real.
        let big = 5 * 1024 * 1024 * 1024u64;
        let plan = Plan::new(vec![entry("big.bin", big), entry("after.txt", 5)]);
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("big.zip");
        let mut file = std::fs::File::create(&path).unwrap();
        use std::io::{Seek, SeekFrom, Write};
        let crcs = [0, crc32fast::hash(b"after")];
        for segment in plan.segments() {
            file.seek(SeekFrom::Start(segment.start)).unwrap();
            match segment.part {
                Part::Header(i) => file.write_all(&plan.local_header(i, crcs[i])).unwrap(),
                Part::Data(0) => {}
                Part::Data(_) => file.write_all(b"after").unwrap(),
                Part::Central => file.write_all(&plan.central_directory(&crcs)).unwrap(),
                Part::End => file.write_all(&plan.end_records()).unwrap(),
            }
        }
        drop(file);
        assert_eq!(std::fs::metadata(&path).unwrap().len(), plan.size());
        let script = "import sys, zipfile\n\
            z = zipfile.ZipFile(sys.argv[1])\n\
            print([(i.filename, i.file_size, i.header_offset) for i in z.infolist()], z.read('after.txt'))";
        let out = std::process::Command::new("python3")
            .args(["-c", script])
            .arg(&path)
            .output()
            .expect("python3 is needed to check archives");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert_eq!(
            String::from_utf8(out.stdout).unwrap().trim(),
            format!(
                "[('big.bin', {big}, 0), ('after.txt', 5, {})] b'after'",
                57 + big
            )
        );
    }

    #[test]
    fn v9_names_are_safe_and_unique() {
        let names = safe_unique_names([
            "IMG_1.jpg",
            "IMG_1.jpg",
            "img_1.JPG",
            "IMG_1 (2).jpg",
            "../../etc/passwd",
            "a\\b:c\u{7}.txt",
            "..",
            "メモ.txt",
            ".profile",
            &"あ".repeat(85),
            &"あ".repeat(85),
        ]);
        assert_eq!(
            names[..9],
            [
                "IMG_1.jpg",
                "IMG_1 (2).jpg",
                "img_1 (3).JPG",
                "IMG_1 (2) (2).jpg",
                ".._.._etc_passwd",
                "a_b_c_.txt",
                "file",
                "メモ.txt",
                ".profile",
            ]
        );
        assert_eq!(names[9].len(), 255);
        assert!(
            names[10].ends_with(" (2)") && names[10].len() <= 255,
            "{}",
            names[10]
        );
        assert!(names.iter().all(|n| !n.contains('/') && n != ".."));
    }
}
