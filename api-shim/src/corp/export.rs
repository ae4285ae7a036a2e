//! What an admin takes away (issue 15): the number list, the history and an operation's
//! per-line results as CSV that Excel opens correctly in Japanese — UTF-8 with a BOM, a
//! header row in Japanese, times in Japan time. Pure: rows in, bytes out.

use hako_protocol::{
    CorpLine, DeviceKind, HistoryEntry, HistoryLine, LineResult, LineStatus, Menu, OperationStatus,
};

/// Excel reads a CSV as UTF-8 only when it starts with a BOM.
const BOM: &[u8] = b"\xEF\xBB\xBF";

fn csv(header: &[&str], rows: impl IntoIterator<Item = Vec<String>>) -> Vec<u8> {
    let mut writer = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(BOM.to_vec());
    // Writing into memory cannot fail.
    writer.write_record(header).expect("in memory");
    for row in rows {
        writer.write_record(&row).expect("in memory");
    }
    writer.into_inner().expect("in memory")
}

/// An RFC 3339 instant as Japan time, as the console shows it: `2026-12-07 15:26`.
fn japan(rfc3339: &str) -> String {
    time::OffsetDateTime::parse(rfc3339, &time::format_description::well_known::Rfc3339)
        .map(|t| hako_media::time::japan_minutes(t.unix_timestamp()).replace(" JST", ""))
        .unwrap_or_default()
}

fn on_off(on: bool) -> String {
    if on { "ON" } else { "OFF" }.to_owned()
}

/// The menu as the console names it: (Japanese, English).
pub fn menu_names(menu: Menu) -> (&'static str, &'static str) {
    match menu {
        Menu::PermissionChange => ("利用可否設定", "permission change"),
        Menu::PasswordNotice => ("サインインコード通知", "sign-in code notice"),
        Menu::AppDownload => ("アプリダウンロード依頼", "app download request"),
    }
}

/// A line's result: a sent mail ended normally too; a skipped line needed no mail.
fn line_result_name(result: LineResult) -> &'static str {
    match result {
        LineResult::Processing => "処理中",
        LineResult::Succeeded | LineResult::Sent => "正常終了",
        LineResult::Failed => "異常終了",
        LineResult::Skipped => "対象外",
    }
}

/// Why a line failed or was skipped, in words (the wire has the code).
fn reason_name(reason: &str) -> &str {
    match reason {
        "line_not_in_service" => "解約済の回線",
        "no_mail_address" => "メールアドレスが登録されていません",
        "mail_refused" => "メールサーバが受け取りを拒否しました",
        "no_app_needed" => "4Gケータイのためアプリは不要です",
        other => other,
    }
}

pub fn status_name(status: OperationStatus) -> &'static str {
    match status {
        OperationStatus::Processing => "処理中",
        OperationStatus::Succeeded => "正常終了",
        OperationStatus::Failed => "異常終了",
    }
}

fn device_name(kind: DeviceKind) -> &'static str {
    match kind {
        DeviceKind::Smartphone => "スマートフォン",
        DeviceKind::Iphone => "iPhone",
        DeviceKind::FeaturePhone => "4Gケータイ",
        DeviceKind::Windows => "Windows Phone",
    }
}

/// The number list.
pub fn lines(lines: &[CorpLine]) -> Vec<u8> {
    let header = [
        "電話番号",
        "氏名",
        "氏名カナ",
        "グループ",
        "所属",
        "端末種別",
        "契約日",
        "メールアドレス",
        "ステータス",
        "バックアップ機能",
        "電話帳移行機能",
        "依頼メール送信日時",
    ];
    csv(
        &header,
        lines.iter().map(|line| {
            let status = match (line.status, line.processing) {
                (LineStatus::Cancelled, _) => "解約済",
                (LineStatus::InService, true) => "処理中",
                (LineStatus::InService, false) => "サービス中",
            };
            vec![
                line.number.clone(),
                line.name.clone(),
                line.reading.clone(),
                line.group.clone().unwrap_or_default(),
                line.department.clone(),
                device_name(line.device_kind).to_owned(),
                line.contract_date.clone(),
                line.email.clone(),
                status.to_owned(),
                on_off(line.backup),
                on_off(line.migration),
                line.last_app_request_at
                    .as_deref()
                    .map(japan)
                    .unwrap_or_default(),
            ]
        }),
    )
}

/// The history list.
pub fn history(entries: &[HistoryEntry]) -> Vec<u8> {
    let header = [
        "受付番号",
        "管理者名",
        "管理者ID",
        "受付日時",
        "結果日時",
        "利用メニュー",
        "ステータス",
        "対象回線数",
    ];
    csv(
        &header,
        entries.iter().map(|entry| {
            vec![
                entry.reception_number.clone(),
                entry.admin_name.clone(),
                entry.admin_id.clone(),
                japan(&entry.received_at),
                entry.finished_at.as_deref().map(japan).unwrap_or_default(),
                menu_names(entry.menu).0.to_owned(),
                status_name(entry.status).to_owned(),
                entry.line_count.to_string(),
            ]
        }),
    )
}

/// One operation's lines with their results.
pub fn operation_lines(lines: &[HistoryLine]) -> Vec<u8> {
    let header = [
        "電話番号",
        "氏名",
        "グループ",
        "結果日時",
        "バックアップ機能",
        "電話帳移行機能",
        "ステータス",
        "理由",
    ];
    csv(
        &header,
        lines.iter().map(|line| {
            vec![
                line.number.clone(),
                line.name.clone(),
                line.group.clone().unwrap_or_default(),
                line.finished_at.as_deref().map(japan).unwrap_or_default(),
                line.backup.map(on_off).unwrap_or_default(),
                line.migration.map(on_off).unwrap_or_default(),
                line_result_name(line.status).to_owned(),
                line.reason
                    .as_deref()
                    .map(reason_name)
                    .unwrap_or_default()
                    .to_owned(),
            ]
        }),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_csv_starts_with_a_bom_has_a_japanese_header_and_quotes_what_needs_it() {
        let entry = HistoryEntry {
            reception_number: "2026120700000001".into(),
            admin_name: "管理, 太郎".into(),
            admin_id: "boss@example.jp".into(),
            received_at: "2026-12-07T01:30:00Z".into(),
            finished_at: None,
            menu: Menu::PermissionChange,
            status: OperationStatus::Processing,
            line_count: 3,
            resend_of: None,
        };
        let bytes = history(&[entry]);
        assert!(bytes.starts_with(BOM));
        let text = String::from_utf8(bytes[3..].to_vec()).unwrap();
        let mut lines = text.split("\r\n");
        assert!(
            lines
                .next()
                .unwrap()
                .starts_with("受付番号,管理者名,管理者ID")
        );
        assert_eq!(
            lines.next().unwrap(),
            "2026120700000001,\"管理, 太郎\",boss@example.jp,2026-12-07 10:30,,利用可否設定,処理中,3"
        );
    }
}
