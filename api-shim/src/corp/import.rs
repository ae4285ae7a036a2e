//! Reading a company's lines from CSV (SPEC C1): UTF-8 with or without a BOM, or Shift_JIS as
//! Japanese spreadsheets write it; a header row naming the columns; every bad row reported with
//! its line number, so the whole file can be fixed at once. Pure: no database.

use std::collections::HashMap;

use hako_protocol::{DeviceKind, LineStatus, normalize_email, normalize_line_number};

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

/// Why a file was refused: nothing of it is imported.
#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum ImportError {
    #[error("the file is neither UTF-8 nor Shift_JIS text")]
    Encoding,
    #[error("the header row must name the columns {columns}: {0}", columns = COLUMNS.join(","))]
    Header(String),
    #[error("{} bad rows, nothing imported:\n{}", .0.len(), .0.iter().map(|(line, why)| format!("line {line}: {why}")).collect::<Vec<_>>().join("\n"))]
    Rows(Vec<(u64, String)>),
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
        .ok_or(ImportError::Encoding)
}

/// Every row of the file, checked; the first refusal of each bad row, with its line number.
pub fn parse(bytes: &[u8]) -> Result<Vec<LineRow>, ImportError> {
    let text = decode(bytes)?;
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .from_reader(text.as_bytes());
    let header = reader
        .headers()
        .map_err(|e| ImportError::Header(e.to_string()))?
        .clone();
    let index: HashMap<&str, usize> = header
        .iter()
        .enumerate()
        .map(|(i, name)| (name.trim(), i))
        .collect();
    let missing: Vec<&str> = COLUMNS
        .into_iter()
        .filter(|c| !index.contains_key(c))
        .collect();
    let unknown: Vec<&str> = header
        .iter()
        .map(str::trim)
        .filter(|name| !COLUMNS.contains(name))
        .collect();
    if !missing.is_empty() || !unknown.is_empty() {
        return Err(ImportError::Header(format!(
            "missing [{}], unknown [{}]",
            missing.join(","),
            unknown.join(",")
        )));
    }
    let mut rows = Vec::new();
    let mut bad = Vec::new();
    let mut first_seen: HashMap<String, u64> = HashMap::new();
    for record in reader.records() {
        let record = match record {
            Ok(record) => record,
            Err(error) => {
                let line = error.position().map_or(0, |p| p.line());
                bad.push((line, error.to_string()));
                continue;
            }
        };
        let line = record.position().map_or(0, |p| p.line());
        match row(&Fields {
            record: &record,
            index: &index,
        }) {
            Ok(row) => match first_seen.get(&row.number) {
                Some(first) => bad.push((
                    line,
                    format!("number {} is also on line {first}", row.number),
                )),
                None => {
                    first_seen.insert(row.number.clone(), line);
                    rows.push(row);
                }
            },
            Err(why) => bad.push((line, why)),
        }
    }
    if bad.is_empty() {
        Ok(rows)
    } else {
        Err(ImportError::Rows(bad))
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

fn row(fields: &Fields<'_>) -> Result<LineRow, String> {
    let field = |name: &str| fields.get(name);
    let number = normalize_line_number(field("number"))
        .ok_or_else(|| format!("number {:?}: not a Japanese phone number", field("number")))?;
    let name = field("name");
    if name.is_empty() {
        return Err("name is empty".to_owned());
    }
    let reading = field("reading");
    if reading.is_empty() || reading.chars().any(is_kanji) {
        return Err(format!("reading {reading:?}: write the name in kana"));
    }
    let device_kind = DeviceKind::parse(field("device_kind")).ok_or_else(|| {
        format!(
            "device_kind {:?}: smartphone, iphone, feature_phone or windows",
            field("device_kind")
        )
    })?;
    let contract_date = field("contract_date");
    if hako_media::time::japan_midnight(contract_date).is_none() {
        return Err(format!(
            "contract_date {contract_date:?}: write it as YYYY-MM-DD"
        ));
    }
    let email = match field("email") {
        "" => String::new(),
        raw => normalize_email(raw).map_err(|_| format!("email {raw:?}: not a mail address"))?,
    };
    let status = LineStatus::parse(field("status"))
        .ok_or_else(|| format!("status {:?}: in_service or cancelled", field("status")))?;
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
        let Err(ImportError::Rows(bad)) = parse(text.as_bytes()) else {
            panic!("refused");
        };
        let lines: Vec<u64> = bad.iter().map(|(line, _)| *line).collect();
        assert_eq!(lines, [3, 4, 5, 6, 7, 8, 9, 10]);
        assert!(bad[7].1.contains("also on line 2"), "{:?}", bad[7]);
    }

    #[test]
    fn c1_a_header_without_the_columns_is_refused() {
        let missing = "number,name\n090-1234-5678,山田\n";
        assert!(matches!(
            parse(missing.as_bytes()),
            Err(ImportError::Header(_))
        ));
        let unknown = format!("{}x,extra\n", HEADER.trim_end());
        assert!(matches!(
            parse(unknown.as_bytes()),
            Err(ImportError::Header(_))
        ));
        assert_eq!(parse(&[0x82, 0xa0, 0xff, 0xfe]), Err(ImportError::Encoding));
    }
}
