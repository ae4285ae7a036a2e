//! Messages in Japanese or English, following the locale (LC_ALL, LC_MESSAGES, LANG).

use hako_protocol::Lang;

#[derive(Clone, Copy, Debug)]
pub struct Text {
    pub lang: Lang,
    pub error: &'static str,
    pub password: &'static str,
    pub signed_in: &'static str,
    pub not_signed_in: &'static str,
    pub registered: &'static str,
    pub this_phone: &'static str,
    pub free_room: &'static str,
    pub files: &'static str,
    pub hashing: &'static str,
    pub uploading: &'static str,
    pub summary_uploaded: &'static str,
    pub summary_present: &'static str,
    pub summary_skipped: &'static str,
    pub summary_failed: &'static str,
    pub summary_excluded: &'static str,
    pub excluded_now: &'static str,
    pub included_now: &'static str,
    pub server_unreachable: &'static str,
    pub interrupted: &'static str,
    pub version: &'static str,
    pub entries: &'static str,
    pub contacts: &'static str,
    pub calendar: &'static str,
    pub call_history: &'static str,
    pub restoring: &'static str,
    pub summary_restored: &'static str,
    pub summary_present_locally: &'static str,
    pub app_data_use: &'static str,
    pub app_data_abroad: &'static str,
    pub on: &'static str,
    pub off: &'static str,
}

const JA: Text = Text {
    lang: Lang::Ja,
    error: "エラー",
    password: "パスワード",
    signed_in: "サインインしました:",
    not_signed_in: "まだサインインしていません。先に `hako-device login` を実行してください。",
    registered: "このスマホを登録しました:",
    this_phone: "（このスマホ）",
    free_room: "空き",
    files: "件",
    hashing: "内容を確認しています",
    uploading: "バックアップしています",
    summary_uploaded: "バックアップしたファイル",
    summary_present: "すでにバックアップ済み",
    summary_skipped: "対象外のファイル",
    summary_failed: "失敗したファイル",
    summary_excluded: "バックアップしない設定のファイル",
    excluded_now: "バックアップしない設定にしました",
    included_now: "バックアップする設定に戻しました",
    server_unreachable: "サーバーに接続できません",
    interrupted: "中断しました。もう一度実行すると続きから再開します。",
    version: "バージョン",
    entries: "件",
    contacts: "連絡先",
    calendar: "カレンダー",
    call_history: "通話履歴",
    restoring: "復元しています",
    summary_restored: "復元したファイル",
    summary_present_locally: "すでに端末にあるファイル",
    app_data_use: "アプリデータバックアップを利用する",
    app_data_abroad: "海外でも利用する",
    on: "オン",
    off: "オフ",
};

const EN: Text = Text {
    lang: Lang::En,
    error: "error",
    password: "Password",
    signed_in: "Signed in:",
    not_signed_in: "Not signed in yet. Run `hako-device login` first.",
    registered: "This phone is registered in",
    this_phone: "(this phone)",
    free_room: "free",
    files: "files",
    hashing: "Checking contents",
    uploading: "Backing up",
    summary_uploaded: "Backed up",
    summary_present: "Already backed up",
    summary_skipped: "Not backed up (unsupported)",
    summary_failed: "Failed",
    summary_excluded: "Excluded from backup",
    excluded_now: "Excluded from backup",
    included_now: "Included in backup again",
    server_unreachable: "Cannot reach the server",
    interrupted: "Interrupted. Run it again to continue where it stopped.",
    version: "version",
    entries: "entries",
    contacts: "Contacts",
    calendar: "Calendar",
    call_history: "Call history",
    restoring: "Restoring",
    summary_restored: "Restored",
    summary_present_locally: "Already on this phone",
    app_data_use: "Use app data backup",
    app_data_abroad: "Also while abroad",
    on: "on",
    off: "off",
};

impl Text {
    pub fn backup_name(&self, kind: hako_protocol::BackupKind) -> &'static str {
        match kind {
            hako_protocol::BackupKind::Contacts => self.contacts,
            hako_protocol::BackupKind::Calendar => self.calendar,
            hako_protocol::BackupKind::CallHistory => self.call_history,
        }
    }

    pub fn from_env() -> Self {
        let locale = ["LC_ALL", "LC_MESSAGES", "LANG"]
            .iter()
            .find_map(|k| std::env::var(k).ok().filter(|v| !v.is_empty()))
            .unwrap_or_default();
        if locale.starts_with("ja") { JA } else { EN }
    }
}
