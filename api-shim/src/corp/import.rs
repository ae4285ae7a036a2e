//! Reading a company's lines from CSV (SPEC C1): UTF-8 with or without a BOM, or Shift_JIS as
//! Japanese spreadsheets write it; a header row naming the columns; every bad row reported with
//! its line number, so the whole file can be fixed at once. Pure: no database.

use std::collections::HashMap;

use hako_protocol::{
    BadRow, DeviceKind, ImportPreview, Lang, LineChange, LineChangeKind, LineStatus, RowProblem,
    format_line_number, normalize_email, normalize_line_number,
};

/// The columns, as the header must name them (in any order).
pub const COLUMNS: [&str; 9] = [
    "number",
    "name",
    "reading",
    "group",
    "department",
    "device_kind",
    "contract_date",
    "email",
    "status",
];

/// A line as the file gives it, checked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LineRow {
    /// Digits only.
    pub number: String,
    pub name: String,
    pub reading: String,
    pub group: Option<String>,
    pub department: String,
    pub device_kind: DeviceKind,
    pub contract_date: String,
    /// Empty when the line has none.
    pub email: String,
    pub status: LineStatus,
}

/// Why a file was refused: every bad row, and nothing of the file imported.
#[derive(Debug, PartialEq, Eq, thiserror::Error)]
#[error("{} bad rows, nothing imported:\n{}", .0.len(), .0.iter().map(|row| format!("line {}: {:?}: {}", row.line, row.value, row.problem.message(Lang::En))).collect::<Vec<_>>().join("\n"))]
pub struct ImportError(pub Vec<BadRow>);

fn refused(line: u64, value: &str, problem: RowProblem) -> ImportError {
    ImportError(vec![BadRow {
        line,
        value: value.to_owned(),
        problem,
    }])
}

/// The file's text: UTF-8 (a BOM dropped), else Shift_JIS (Windows' variant, as Excel saves).
fn decode(bytes: &[u8]) -> Result<String, ImportError> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    if let Ok(text) = std::str::from_utf8(bytes) {
        return Ok(text.to_owned());
    }
    encoding_rs::SHIFT_JIS
        .decode_without_bom_handling_and_without_replacement(bytes)
        .map(|text| text.into_owned())
        .ok_or_else(|| refused(1, "", RowProblem::Encoding))
}

/// Every row of the file, checked; the first refusal of each bad row, with its line number.
pub fn parse(bytes: &[u8]) -> Result<Vec<LineRow>, ImportError> {
    // The csv crate counts a CRLF file's lines one short (Excel writes CRLF): LF only, so
    // every reported line number is the one an editor shows.
    let text = decode(bytes)?.replace("\r\n", "\n");
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .from_reader(text.as_bytes());
    let header = reader
        .headers()
        .map_err(|_| refused(1, "", RowProblem::Unreadable))?
        .clone();
    let index: HashMap<&str, usize> = header
        .iter()
        .enumerate()
        .map(|(i, name)| (name.trim(), i))
        .collect();
    let missing: Vec<String> = COLUMNS
        .into_iter()
        .filter(|c| !index.contains_key(c))
        .map(str::to_owned)
        .collect();
    let unknown: Vec<String> = header
        .iter()
        .map(str::trim)
        .filter(|name| !COLUMNS.contains(name))
        .map(str::to_owned)
        .collect();
    if !missing.is_empty() || !unknown.is_empty() {
        let header_line = header.iter().collect::<Vec<_>>().join(",");
        return Err(refused(
            1,
            &header_line,
            RowProblem::Header { missing, unknown },
        ));
    }
    let mut rows = Vec::new();
    let mut bad = Vec::new();
    let mut first_seen: HashMap<String, u64> = HashMap::new();
    for record in reader.records() {
        let record = match record {
            Ok(record) => record,
            Err(error) => {
                let line = error.position().map_or(0, |p| p.line());
                bad.push(BadRow {
                    line,
                    value: String::new(),
                    problem: RowProblem::Unreadable,
                });
                continue;
            }
        };
        let line = record.position().map_or(0, |p| p.line());
        let fields = Fields {
            record: &record,
            index: &index,
        };
        match row(&fields) {
            Ok(row) => match first_seen.get(&row.number) {
                Some(&first_line) => bad.push(BadRow {
                    line,
                    value: fields.get("number").to_owned(),
                    problem: RowProblem::Duplicate { first_line },
                }),
                None => {
                    first_seen.insert(row.number.clone(), line);
                    rows.push(row);
                }
            },
            Err((column, problem)) => bad.push(BadRow {
                line,
                value: fields.get(column).to_owned(),
                problem,
            }),
        }
    }
    if bad.is_empty() {
        Ok(rows)
    } else {
        Err(ImportError(bad))
    }
}

/// One record's fields by column name.
struct Fields<'a> {
    record: &'a csv::StringRecord,
    index: &'a HashMap<&'a str, usize>,
}

impl Fields<'_> {
    fn get(&self, name: &str) -> &str {
        self.record.get(self.index[name]).unwrap_or("").trim()
    }
}

/// A checked row, or the column at fault and why.
fn row(fields: &Fields<'_>) -> Result<LineRow, (&'static str, RowProblem)> {
    let field = |name: &str| fields.get(name);
    let number = normalize_line_number(field("number")).ok_or(("number", RowProblem::Number))?;
    let name = field("name");
    if name.is_empty() {
        return Err(("name", RowProblem::Name));
    }
    let reading = field("reading");
    if reading.is_empty() || reading.chars().any(is_kanji) {
        return Err(("reading", RowProblem::Reading));
    }
    let device_kind =
        DeviceKind::parse(field("device_kind")).ok_or(("device_kind", RowProblem::DeviceKind))?;
    let contract_date = field("contract_date");
    if hako_media::time::japan_midnight(contract_date).is_none() {
        return Err(("contract_date", RowProblem::ContractDate));
    }
    let email = match field("email") {
        "" => String::new(),
        raw => normalize_email(raw).map_err(|_| ("email", RowProblem::Email))?,
    };
    let status = LineStatus::parse(field("status")).ok_or(("status", RowProblem::Status))?;
    let group = Some(field("group")).filter(|g| !g.is_empty());
    Ok(LineRow {
        number,
        name: name.to_owned(),
        reading: reading.to_owned(),
        group: group.map(str::to_owned),
        department: field("department").to_owned(),
        device_kind,
        contract_date: contract_date.to_owned(),
        email,
        status,
    })
}

/// A line as the company has it now, in the file's terms.
pub type Known = HashMap<String, [String; 8]>;

/// A row's columns but the number, in `COLUMNS` order, as text to compare.
pub fn columns_of(row: &LineRow) -> [String; 8] {
    [
        row.name.clone(),
        row.reading.clone(),
        row.group.clone().unwrap_or_default(),
        row.department.clone(),
        row.device_kind.as_str().to_owned(),
        row.contract_date.clone(),
        row.email.clone(),
        row.status.as_str().to_owned(),
    ]
}

/// What importing `rows` does to the company's `known` lines.
pub fn changes(rows: &[LineRow], known: &Known, dry_run: bool) -> ImportPreview {
    let mut preview = ImportPreview {
        dry_run,
        added: 0,
        updated: 0,
        unchanged: 0,
        changes: Vec::new(),
    };
    for row in rows {
        let now = columns_of(row);
        let (change, fields) = match known.get(&row.number) {
            None => (LineChangeKind::Added, Vec::new()),
            Some(before) => {
                let fields: Vec<String> = COLUMNS[1..]
                    .iter()
                    .zip(before.iter().zip(&now))
                    .filter(|(_, (a, b))| a != b)
                    .map(|(column, _)| (*column).to_owned())
                    .collect();
                if fields.is_empty() {
                    preview.unchanged += 1;
                    continue;
                }
                (LineChangeKind::Updated, fields)
            }
        };
        match change {
            LineChangeKind::Added => preview.added += 1,
            _ => preview.updated += 1,
        }
        preview.changes.push(LineChange {
            number: format_line_number(&row.number),
            name: row.name.clone(),
            change,
            fields,
        });
    }
    preview
}

/// A kanji: the name pasted where its reading belongs (kana, with latin letters and digits
/// where a name has them).
fn is_kanji(c: char) -> bool {
    matches!(c, '\u{3400}'..='\u{4DBF}' | '\u{4E00}'..='\u{9FFF}' | '\u{F900}'..='\u{FAFF}')
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEADER: &str =
        "number,name,reading,group,department,device_kind,contract_date,email,status\n";

    #[test]
    fn c1_utf8_with_and_without_bom_and_shift_jis_read_the_same() {
        let text = format!(
            "{HEADER}090-1234-5678,山田 太郎,ヤマダ タロウ,営業1課,営業部,smartphone,2017-05-10,taro@example.jp,in_service\n"
        );
        let plain = parse(text.as_bytes()).unwrap();
        let mut bom = b"\xEF\xBB\xBF".to_vec();
        bom.extend_from_slice(text.as_bytes());
        let (sjis, _, lossy) = encoding_rs::SHIFT_JIS.encode(&text);
        assert!(!lossy);
        assert_eq!(parse(&bom).unwrap(), plain);
        assert_eq!(parse(&sjis).unwrap(), plain);
        assert_eq!(plain[0].number, "09012345678");
        assert_eq!(plain[0].group.as_deref(), Some("営業1課"));
        assert_eq!(plain[0].device_kind, DeviceKind::Smartphone);
    }

    #[test]
    fn c1_every_bad_row_is_reported_with_its_line_number() {
        let text = format!(
            "{HEADER}\
             090-1234-5678,山田 太郎,ヤマダ タロウ,,営業部,smartphone,2017-05-10,,in_service\n\
             090-1234-567,佐藤,サトウ,,,iphone,2017-05-10,,in_service\n\
             080-1111-2222,,スズキ,,,iphone,2017-05-10,,in_service\n\
             080-1111-3333,鈴木,鈴木,,,iphone,2017-05-10,,in_service\n\
             080-1111-4444,鈴木,スズキ,,,phone,2017-05-10,,in_service\n\
             080-1111-5555,鈴木,スズキ,,,iphone,2017/05/10,,in_service\n\
             080-1111-6666,鈴木,スズキ,,,iphone,2017-05-10,not-mail,in_service\n\
             080-1111-7777,鈴木,スズキ,,,iphone,2017-05-10,,active\n\
             09012345678,山田 太郎,ヤマダ タロウ,,営業部,smartphone,2017-05-10,,in_service\n"
        );
        let Err(ImportError(bad)) = parse(text.as_bytes()) else {
            panic!("refused");
        };
        let lines: Vec<u64> = bad.iter().map(|row| row.line).collect();
        assert_eq!(lines, [3, 4, 5, 6, 7, 8, 9, 10]);
        assert_eq!(bad[0].value, "090-1234-567");
        assert_eq!(bad[0].problem, RowProblem::Number);
        assert_eq!(bad[7].problem, RowProblem::Duplicate { first_line: 2 });
    }

    #[test]
    fn c1_line_numbers_are_the_same_with_crlf_as_with_lf() {
        let lf = format!("{HEADER}090-12,佐藤,サトウ,,,iphone,2017-05-10,,in_service\n");
        let crlf = lf.replace('\n', "\r\n");
        for text in [lf, crlf] {
            let Err(ImportError(bad)) = parse(text.as_bytes()) else {
                panic!("accepted");
            };
            assert_eq!(bad[0].line, 2, "{text:?}");
        }
    }

    #[test]
    fn c1_a_header_without_the_columns_is_refused() {
        let problem = |text: &[u8]| match parse(text) {
            Err(ImportError(bad)) => bad[0].problem.clone(),
            Ok(_) => panic!("accepted"),
        };
        let missing = problem("number,name\n090-1234-5678,山田\n".as_bytes());
        let RowProblem::Header { missing, unknown } = missing else {
            panic!("{missing:?}");
        };
        assert_eq!(missing[0], "reading");
        assert!(unknown.is_empty());
        let unknown = problem(format!("{}x,extra\n", HEADER.trim_end()).as_bytes());
        assert_eq!(
            unknown,
            RowProblem::Header {
                missing: vec!["status".into()],
                unknown: vec!["statusx".into(), "extra".into()]
            }
        );
        assert_eq!(problem(&[0x82, 0xa0, 0xff, 0xfe]), RowProblem::Encoding);
    }
}
