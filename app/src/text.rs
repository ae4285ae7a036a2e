//! Text as Japanese users type and read it: search that does not care about kana, width or
//! case, and phone numbers with hyphens. Pure functions, no browser.

/// Half-width katakana ｦ (U+FF66) … ﾝ (U+FF9D) as full-width katakana, in code point order.
const HALF_WIDTH_KANA: &str = "ヲァィゥェォャュョッーアイウエオカキクケコサシスセソタチツテトナニヌネノハヒフヘホマミムメモヤユヨラリルレロワン";

/// Katakana that take a voiced mark (゛): the voiced one is the next code point.
const VOICEABLE: &str = "カキクケコサシスセソタチツテトハヒフヘホ";
/// Katakana that take a semi-voiced mark (゜): the code point after next.
const SEMI_VOICEABLE: &str = "ハヒフヘホ";

/// What a search compares: hiragana as katakana, full-width letters and digits as ASCII,
/// half-width katakana as full-width (ｶﾞ as ガ, also a separate or combining ゛ after its
/// kana), lower case, and no spaces or hyphens (so 「たなか」, 「ﾀﾅｶ」 and 「タナカ」 are
/// the same, and 09011112222 finds 090-1111-2222). The long vowel mark ー is kept.
pub fn fold_for_search(text: &str) -> String {
    let mut out: Vec<char> = Vec::with_capacity(text.len());
    for c in text.chars() {
        let code = u32::from(c);
        let c = match code {
            // Full-width ASCII (！ … ～) and the ideographic space.
            0xFF01..=0xFF5E => char::from_u32(code - 0xFEE0).unwrap_or(c),
            0x3000 => ' ',
            0xFF66..=0xFF9D => HALF_WIDTH_KANA
                .chars()
                .nth((code - 0xFF66) as usize)
                .unwrap_or(c),
            // Hiragana ぁ … ゖ as katakana.
            0x3041..=0x3096 => char::from_u32(code + 0x60).unwrap_or(c),
            // Voiced and semi-voiced marks: half-width, combining, or spacing.
            0xFF9E | 0x3099 | 0x309B => {
                if let Some(last) = out.last_mut().filter(|l| VOICEABLE.contains(**l)) {
                    *last = char::from_u32(u32::from(*last) + 1).unwrap_or(*last);
                    continue;
                }
                if let Some(last) = out.last_mut().filter(|l| **l == 'ウ') {
                    *last = 'ヴ';
                    continue;
                }
                '゛'
            }
            0xFF9F | 0x309A | 0x309C => {
                if let Some(last) = out.last_mut().filter(|l| SEMI_VOICEABLE.contains(**l)) {
                    *last = char::from_u32(u32::from(*last) + 2).unwrap_or(*last);
                    continue;
                }
                '゜'
            }
            _ => c,
        };
        if c.is_whitespace() || matches!(c, '-' | '‐' | '‑' | '‒' | '–' | '—' | '−') {
            continue;
        }
        out.extend(c.to_lowercase());
    }
    out.into_iter().collect()
}

/// Romaji syllables (Hepburn and kunrei spellings) as katakana, longest first when read.
const ROMAJI: &[(&str, &str)] = &[
    ("kya", "キャ"),
    ("kyu", "キュ"),
    ("kyo", "キョ"),
    ("gya", "ギャ"),
    ("gyu", "ギュ"),
    ("gyo", "ギョ"),
    ("sha", "シャ"),
    ("shi", "シ"),
    ("shu", "シュ"),
    ("she", "シェ"),
    ("sho", "ショ"),
    ("sya", "シャ"),
    ("syu", "シュ"),
    ("syo", "ショ"),
    ("jya", "ジャ"),
    ("jyu", "ジュ"),
    ("jyo", "ジョ"),
    ("zya", "ジャ"),
    ("zyu", "ジュ"),
    ("zyo", "ジョ"),
    ("cha", "チャ"),
    ("chi", "チ"),
    ("chu", "チュ"),
    ("che", "チェ"),
    ("cho", "チョ"),
    ("tya", "チャ"),
    ("tyu", "チュ"),
    ("tyo", "チョ"),
    ("tsu", "ツ"),
    ("nya", "ニャ"),
    ("nyu", "ニュ"),
    ("nyo", "ニョ"),
    ("hya", "ヒャ"),
    ("hyu", "ヒュ"),
    ("hyo", "ヒョ"),
    ("bya", "ビャ"),
    ("byu", "ビュ"),
    ("byo", "ビョ"),
    ("pya", "ピャ"),
    ("pyu", "ピュ"),
    ("pyo", "ピョ"),
    ("mya", "ミャ"),
    ("myu", "ミュ"),
    ("myo", "ミョ"),
    ("rya", "リャ"),
    ("ryu", "リュ"),
    ("ryo", "リョ"),
    ("ka", "カ"),
    ("ki", "キ"),
    ("ku", "ク"),
    ("ke", "ケ"),
    ("ko", "コ"),
    ("ga", "ガ"),
    ("gi", "ギ"),
    ("gu", "グ"),
    ("ge", "ゲ"),
    ("go", "ゴ"),
    ("sa", "サ"),
    ("si", "シ"),
    ("su", "ス"),
    ("se", "セ"),
    ("so", "ソ"),
    ("za", "ザ"),
    ("zi", "ジ"),
    ("zu", "ズ"),
    ("ze", "ゼ"),
    ("zo", "ゾ"),
    ("ja", "ジャ"),
    ("ji", "ジ"),
    ("ju", "ジュ"),
    ("je", "ジェ"),
    ("jo", "ジョ"),
    ("ta", "タ"),
    ("ti", "チ"),
    ("tu", "ツ"),
    ("te", "テ"),
    ("to", "ト"),
    ("da", "ダ"),
    ("di", "ヂ"),
    ("du", "ヅ"),
    ("de", "デ"),
    ("do", "ド"),
    ("na", "ナ"),
    ("ni", "ニ"),
    ("nu", "ヌ"),
    ("ne", "ネ"),
    ("no", "ノ"),
    ("ha", "ハ"),
    ("hi", "ヒ"),
    ("hu", "フ"),
    ("fu", "フ"),
    ("he", "ヘ"),
    ("ho", "ホ"),
    ("fa", "ファ"),
    ("fi", "フィ"),
    ("fe", "フェ"),
    ("fo", "フォ"),
    ("ba", "バ"),
    ("bi", "ビ"),
    ("bu", "ブ"),
    ("be", "ベ"),
    ("bo", "ボ"),
    ("pa", "パ"),
    ("pi", "ピ"),
    ("pu", "プ"),
    ("pe", "ペ"),
    ("po", "ポ"),
    ("ma", "マ"),
    ("mi", "ミ"),
    ("mu", "ム"),
    ("me", "メ"),
    ("mo", "モ"),
    ("ya", "ヤ"),
    ("yu", "ユ"),
    ("yo", "ヨ"),
    ("ra", "ラ"),
    ("ri", "リ"),
    ("ru", "ル"),
    ("re", "レ"),
    ("ro", "ロ"),
    ("wa", "ワ"),
    ("wo", "ヲ"),
    ("vu", "ヴ"),
    ("a", "ア"),
    ("i", "イ"),
    ("u", "ウ"),
    ("e", "エ"),
    ("o", "オ"),
];

/// A search typed in romaji as katakana, so 「tanaka」 finds the reading タナカ: Hepburn and
/// kunrei spellings, a doubled consonant as ッ, n (and m before b, p, m) as ン. `None` when
/// the text is not all romaji (an email address, a number).
pub fn romaji_to_katakana(folded: &str) -> Option<String> {
    let text = folded.as_bytes();
    if text.is_empty() || !text.iter().all(u8::is_ascii_lowercase) {
        return None;
    }
    let mut out = String::new();
    let mut i = 0;
    while i < text.len() {
        let rest = &folded[i..];
        let next = text.get(i + 1).copied();
        let vowel_or_y = |c: Option<u8>| matches!(c, Some(b'a' | b'e' | b'i' | b'o' | b'u' | b'y'));
        if let Some((romaji, kana)) = ROMAJI.iter().find(|(romaji, _)| rest.starts_with(romaji)) {
            out.push_str(kana);
            i += romaji.len();
        } else if (text[i] == b'n' && !vowel_or_y(next))
            || (text[i] == b'm' && matches!(next, Some(b'b' | b'p' | b'm')))
        {
            out.push('ン');
            i += 1;
        } else if next == Some(text[i]) || (text[i] == b't' && rest.starts_with("tch")) {
            out.push('ッ');
            i += 1;
        } else {
            return None;
        }
    }
    Some(out)
}

/// A phone number as Japanese people write it: 090-1234-5678, 03-1234-5678, 0120-123-456.
/// Numbers already written with hyphens, and numbers whose grouping cannot be told from
/// the digits alone (most fixed lines outside Tokyo and Osaka), are shown as they are.
pub fn format_phone_number(number: &str) -> String {
    let digits = number.trim();
    if digits.is_empty() || !digits.chars().all(|c| c.is_ascii_digit()) {
        return number.to_owned();
    }
    let mobile = ["050", "060", "070", "080", "090"];
    match digits.len() {
        // Free dial 0800 before mobile 080.
        11 if digits.starts_with("0800") => {
            format!("{}-{}-{}", &digits[..4], &digits[4..7], &digits[7..])
        }
        11 if mobile.iter().any(|p| digits.starts_with(p)) => {
            hako_protocol::format_line_number(digits)
        }
        10 if digits.starts_with("0120") || digits.starts_with("0570") => {
            format!("{}-{}-{}", &digits[..4], &digits[4..7], &digits[7..])
        }
        10 if digits.starts_with("03") || digits.starts_with("06") => {
            hako_protocol::format_line_number(digits)
        }
        _ => digits.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hiragana_katakana_and_half_width_kana_fold_together() {
        let reading = fold_for_search("タナカ ケン");
        for typed in ["たなか", "タナカ", "ﾀﾅｶ", "たなか　けん", "ﾀﾅｶ ｹﾝ"]
        {
            assert!(reading.contains(&fold_for_search(typed)), "{typed}");
        }
        assert!(!reading.contains(&fold_for_search("さとう")));
    }

    #[test]
    fn voiced_marks_join_their_kana() {
        assert_eq!(fold_for_search("ｶﾞｯｺｳ"), fold_for_search("がっこう"));
        assert_eq!(fold_for_search("ﾊﾟﾋﾞﾌﾟ"), "パビプ");
        assert_eq!(fold_for_search("ｳﾞｨ"), "ヴィ");
        // Combining marks (as macOS writes file names) and spacing ones.
        assert_eq!(fold_for_search("か\u{3099}"), "ガ");
        assert_eq!(fold_for_search("は\u{309C}"), "パ");
        // A mark after a kana that takes none stays a mark.
        assert_eq!(fold_for_search("ﾝﾞ"), "ン゛");
        assert_eq!(fold_for_search("ーー"), "ーー");
    }

    #[test]
    fn width_and_case_fold_and_spaces_and_hyphens_go() {
        assert_eq!(fold_for_search("ＴＡＮＡＫＡ"), "tanaka");
        assert_eq!(fold_for_search("TANAKA"), "tanaka");
        assert_eq!(
            fold_for_search("Ken.Tanaka@Example.JP"),
            "ken.tanaka@example.jp"
        );
        assert_eq!(fold_for_search("０９０－１１１１－２２２２"), "09011112222");
        assert_eq!(fold_for_search("090-1111-2222"), "09011112222");
        assert_eq!(fold_for_search("田中 健"), "田中健");
        assert_eq!(fold_for_search(""), "");
    }

    #[test]
    fn romaji_reads_as_katakana() {
        let reading = fold_for_search("タナカ ケン");
        for typed in ["TANAKA", "tanaka", "Tanaka Ken", "ＴＡＮＡＫＡ"] {
            let kana = romaji_to_katakana(&fold_for_search(typed));
            assert!(reading.contains(kana.as_deref().unwrap_or("?")), "{typed}");
        }
        let kana = |s: &str| romaji_to_katakana(s);
        assert_eq!(kana("satou").as_deref(), Some("サトウ"));
        assert_eq!(kana("syouta").as_deref(), Some("ショウタ"));
        assert_eq!(kana("shouta").as_deref(), Some("ショウタ"));
        assert_eq!(kana("tsutsumi").as_deref(), Some("ツツミ"));
        assert_eq!(kana("hattori").as_deref(), Some("ハットリ"));
        assert_eq!(kana("matcha").as_deref(), Some("マッチャ"));
        assert_eq!(kana("kanna").as_deref(), Some("カンナ"));
        assert_eq!(kana("konnichiwa").as_deref(), Some("コンニチワ"));
        assert_eq!(kana("homma").as_deref(), Some("ホンマ"));
        assert_eq!(kana("kenichi").as_deref(), Some("ケニチ"));
        assert_eq!(kana("ken").as_deref(), Some("ケン"));
        assert_eq!(kana("fujii").as_deref(), Some("フジイ"));
        // Not romaji: left alone.
        for other in ["", "ken.tanaka@example.jp", "090", "xyz", "タナカ"] {
            assert_eq!(kana(other), None, "{other}");
        }
    }

    #[test]
    fn phone_numbers_are_grouped_as_japanese_write_them() {
        assert_eq!(format_phone_number("09012371231"), "090-1237-1231");
        assert_eq!(format_phone_number("05011112222"), "050-1111-2222");
        assert_eq!(format_phone_number("0312345678"), "03-1234-5678");
        assert_eq!(format_phone_number("0120123456"), "0120-123-456");
        assert_eq!(format_phone_number("08001234567"), "0800-123-4567");
        // Already grouped, or grouping unknown: as written.
        assert_eq!(format_phone_number("090-1185-2455"), "090-1185-2455");
        assert_eq!(format_phone_number("0120-000-000"), "0120-000-000");
        assert_eq!(format_phone_number("0451234567"), "0451234567");
        assert_eq!(format_phone_number("+81 90 1111 2222"), "+81 90 1111 2222");
        assert_eq!(format_phone_number("110"), "110");
        assert_eq!(format_phone_number(""), "");
    }
}
