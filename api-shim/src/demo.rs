//! The demo phone: a folder laid out like a phone's storage, with a few hundred real JPEGs
//! (EXIF dates over several years), videos, songs, documents, contacts with readings, a
//! calendar and a call log. `scripts/run.sh` backs it up with `hako-device`, through the same
//! protocol a phone uses.

use std::{path::Path, process::Command};

use anyhow::Context;
use image::{Rgb, RgbImage};

use hako_media::exif_writer::with_exif;

pub const PHOTOS: u32 = 300;

/// Writes the demo phone's files into `dir` (which must not exist yet).
pub fn write_folder(dir: &Path) -> anyhow::Result<()> {
    let camera = dir.join("DCIM/Camera");
    for sub in ["DCIM/Camera", "Music", "Documents"] {
        std::fs::create_dir_all(dir.join(sub))?;
    }
    for i in 0..PHOTOS {
        // Spread over 2019–2024, a little denser in summer, a few every month.
        let year = 2019 + i % 6;
        let month = 1 + (i * 7) % 12;
        let day = 1 + (i * 13) % 28;
        let (hour, minute) = (8 + i % 12, (i * 17) % 60);
        let taken = format!("{year}:{month:02}:{day:02} {hour:02}:{minute:02}:00");
        let jpeg = with_exif(&picture(i), "Hako", "Demo Camera", &taken, "+09:00");
        std::fs::write(
            camera.join(format!("IMG_{year}{month:02}{day:02}_{i:04}.jpg")),
            jpeg,
        )?;
    }
    for (i, date) in [
        "2021-07-20T10:00:00Z",
        "2023-03-28T06:30:00Z",
        "2024-08-15T11:00:00Z",
    ]
    .iter()
    .enumerate()
    {
        ffmpeg(
            &[
                "-f",
                "lavfi",
                "-i",
                &format!("testsrc2=duration={}:size=640x360:rate=24", 3 + i),
                "-metadata",
                &format!("creation_time={date}"),
                "-pix_fmt",
                "yuv420p",
            ],
            &camera.join(format!("VID_{i:04}.mp4")),
        )?;
    }
    for (i, (title, artist)) in [
        ("朝の散歩", "ハコ楽団"),
        ("夏祭り", "ハコ楽団"),
        ("Rainy Tokyo", "Demo Trio"),
        ("夜明け", "山田 太郎"),
    ]
    .iter()
    .enumerate()
    {
        ffmpeg(
            &[
                "-f",
                "lavfi",
                "-i",
                &format!("sine=frequency={}:duration={}", 330 + 110 * i, 20 + 15 * i),
                "-metadata",
                &format!("title={title}"),
                "-metadata",
                &format!("artist={artist}"),
                "-metadata",
                "album=Hako デモ",
            ],
            &dir.join(format!("Music/{:02} {title}.mp3", i + 1)),
        )?;
    }
    std::fs::write(
        dir.join("Documents/買い物メモ.txt"),
        "牛乳\n卵\nパン\nりんご\n",
    )?;
    std::fs::write(
        dir.join("Documents/旅行の予定.pdf"),
        minimal_pdf("Hako demo: trip plan"),
    )?;
    std::fs::write(dir.join("contacts.vcf"), contacts())?;
    std::fs::write(dir.join("calendar.ics"), calendar())?;
    std::fs::write(dir.join("call_history.json"), calls())?;
    Ok(())
}

/// A colourful, distinct picture per index: a gradient sky, a sun and hills.
pub(crate) fn picture(i: u32) -> Vec<u8> {
    let (w, h) = (640, 480);
    let hue = (i * 47 % 360) as f32;
    let sky = hsv(hue, 0.45, 0.95);
    let ground = hsv((hue + 120.0) % 360.0, 0.55, 0.6);
    let sun = (((i * 53) % 500) as i32 + 70, ((i * 29) % 160) as i32 + 60);
    let image = RgbImage::from_fn(w, h, |x, y| {
        let (xf, yf) = (x as f32, y as f32);
        let hill = 300.0 + 40.0 * ((xf / 90.0 + i as f32).sin());
        let (dx, dy) = (x as i32 - sun.0, y as i32 - sun.1);
        if dx * dx + dy * dy < 45 * 45 {
            Rgb([255, 236, 160])
        } else if yf > hill {
            shade(ground, 1.0 - (yf - hill) / 400.0)
        } else {
            shade(sky, 0.75 + 0.25 * (1.0 - yf / hill))
        }
    });
    let mut bytes = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut bytes, 85)
        .encode_image(&image)
        .expect("encoding to memory cannot fail");
    bytes
}

fn hsv(h: f32, s: f32, v: f32) -> [f32; 3] {
    let c = v * s;
    let x = c * (1.0 - ((h / 60.0) % 2.0 - 1.0).abs());
    let (r, g, b) = match (h / 60.0) as u32 {
        0 => (c, x, 0.0),
        1 => (x, c, 0.0),
        2 => (0.0, c, x),
        3 => (0.0, x, c),
        4 => (x, 0.0, c),
        _ => (c, 0.0, x),
    };
    [r + v - c, g + v - c, b + v - c]
}

fn shade(rgb: [f32; 3], k: f32) -> Rgb<u8> {
    Rgb(rgb.map(|c| (c * k.clamp(0.0, 1.0) * 255.0) as u8))
}

pub(crate) fn ffmpeg(args: &[&str], out: &Path) -> anyhow::Result<()> {
    let status = Command::new("ffmpeg")
        .args(["-v", "error", "-y"])
        .args(args)
        .arg(out)
        .status()
        .context("running ffmpeg (Debian package ffmpeg)")?;
    anyhow::ensure!(status.success(), "ffmpeg failed making {}", out.display());
    Ok(())
}

fn minimal_pdf(text: &str) -> Vec<u8> {
    let stream = format!("BT /F1 24 Tf 72 720 Td ({text}) Tj ET");
    let objects = [
        "<< /Type /Catalog /Pages 2 0 R >>".to_owned(),
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_owned(),
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>".to_owned(),
        format!("<< /Length {} >>\nstream\n{stream}\nendstream", stream.len()),
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>".to_owned(),
    ];
    let mut pdf = b"%PDF-1.4\n".to_vec();
    let mut offsets = Vec::new();
    for (n, body) in objects.iter().enumerate() {
        offsets.push(pdf.len());
        pdf.extend(format!("{} 0 obj\n{body}\nendobj\n", n + 1).as_bytes());
    }
    let xref = pdf.len();
    pdf.extend(format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).as_bytes());
    for offset in offsets {
        pdf.extend(format!("{offset:010} 00000 n \n").as_bytes());
    }
    pdf.extend(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
            objects.len() + 1
        )
        .as_bytes(),
    );
    pdf
}

const PEOPLE: [(&str, &str, &str, &str); 12] = [
    ("山田", "太郎", "ヤマダ", "タロウ"),
    ("佐藤", "花子", "サトウ", "ハナコ"),
    ("鈴木", "一郎", "スズキ", "イチロウ"),
    ("高橋", "美咲", "タカハシ", "ミサキ"),
    ("田中", "健", "タナカ", "ケン"),
    ("伊藤", "さくら", "イトウ", "サクラ"),
    ("渡辺", "翔", "ワタナベ", "ショウ"),
    ("中村", "愛", "ナカムラ", "アイ"),
    ("小林", "大輔", "コバヤシ", "ダイスケ"),
    ("加藤", "由美", "カトウ", "ユミ"),
    ("吉田", "拓也", "ヨシダ", "タクヤ"),
    ("Smith", "Emma", "スミス", "エマ"),
];

pub fn contacts() -> String {
    PEOPLE
        .iter()
        .enumerate()
        .map(|(i, (family, given, family_kana, given_kana))| {
            format!(
                "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:{family} {given}\r\nN:{family};{given};;;\r\n\
                 X-PHONETIC-LAST-NAME:{family_kana}\r\nX-PHONETIC-FIRST-NAME:{given_kana}\r\n\
                 TEL;TYPE=CELL:090-{:04}-{:04}\r\nEMAIL:user{i}@example.jp\r\nEND:VCARD\r\n",
                1000 + i * 37,
                2000 + i * 91
            )
        })
        .collect()
}

pub fn calendar() -> String {
    let events = [
        ("20240101T100000", "初詣"),
        ("20240214T190000", "ディナー"),
        ("20240405T120000", "お花見"),
        ("20240503T090000", "キャンプ"),
        ("20240720T180000", "花火大会"),
        ("20240815T110000", "帰省"),
        ("20241010T140000", "運動会"),
        ("20241224T180000", "クリスマス会"),
    ];
    let mut ics = String::from("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Hako//Demo//JA\r\n");
    for (i, (start, summary)) in events.iter().enumerate() {
        ics.push_str(&format!(
            "BEGIN:VEVENT\r\nUID:demo-{i}@hako\r\nDTSTAMP:20240101T000000Z\r\nDTSTART;TZID=Asia/Tokyo:{start}\r\nSUMMARY:{summary}\r\nEND:VEVENT\r\n"
        ));
    }
    ics.push_str("END:VCALENDAR\r\n");
    ics
}

pub fn calls() -> String {
    let directions = ["incoming", "outgoing", "missed"];
    let records: Vec<serde_json::Value> = (0..30u32)
        .map(|i| {
            let (family, given, ..) = PEOPLE[(i as usize * 5) % PEOPLE.len()];
            let direction = directions[(i % 3) as usize];
            serde_json::json!({
                "number": format!("090{:08}", 12_345_678 + i * 1_111),
                "name": (i % 4 != 0).then(|| format!("{family} {given}")),
                "direction": direction,
                "time": format!("2024-{:02}-{:02}T{:02}:{:02}:00+09:00", 1 + i % 12, 1 + i % 28, 8 + i % 12, (i * 7) % 60),
                "duration_secs": if direction == "missed" { 0 } else { 30 + i * 17 },
            })
        })
        .collect();
    serde_json::to_string_pretty(&records).expect("serializing JSON values")
}

#[cfg(test)]
mod tests {
    use super::*;
    use hako_media::records::count_entries;
    use hako_protocol::BackupKind;

    #[test]
    fn the_demo_data_files_are_valid() {
        assert_eq!(
            count_entries(BackupKind::Contacts, contacts().as_bytes()),
            Ok(12)
        );
        assert_eq!(
            count_entries(BackupKind::Calendar, calendar().as_bytes()),
            Ok(8)
        );
        assert_eq!(
            count_entries(BackupKind::CallHistory, calls().as_bytes()),
            Ok(30)
        );
        let people = hako_media::records::read_contacts(contacts().as_bytes()).unwrap();
        assert_eq!(people[0].name, "伊藤 さくら");
        assert_eq!(people[0].reading.as_deref(), Some("イトウ サクラ"));
        assert_eq!(people[0].phones.len(), 1);
        let events = hako_media::records::read_events(calendar().as_bytes()).unwrap();
        assert_eq!(events[0].start, "2024-01-01T10:00:00");
        assert!(minimal_pdf("x").starts_with(b"%PDF-1.4"));
        let photo = picture(7);
        assert!(hako_media::photo::decode_bytes(&photo).is_ok());
    }
}
