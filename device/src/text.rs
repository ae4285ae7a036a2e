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
    pub app_saved: &'static str,
    pub app_restored: &'static str,
    pub app_deleted: &'static str,
    pub apps_deleted: &'static str,
    pub bytes: &'static str,
    pub versions: &'static str,
    pub no_app_data: &'static str,
    pub no_longer_supported: &'static str,
    pub summary_apps_saved: &'static str,
    pub summary_apps_failed: &'static str,
    pub some_apps_not_saved: &'static str,
    pub not_an_app_file: &'static str,
    pub not_deleted: &'static str,
    pub server_newest: &'static str,
    pub cap: &'static str,
    pub line_code: &'static str,
    pub phonebook_sent: &'static str,
    pub phonebook_received: &'static str,
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
    app_saved: "保存しました",
    app_restored: "復元しました",
    app_deleted: "削除しました",
    apps_deleted: "削除したアプリ",
    bytes: "バイト",
    versions: "版を保存中",
    no_app_data: "バックアップされたアプリデータはありません。",
    no_longer_supported: "サポート終了",
    summary_apps_saved: "保存したアプリ",
    summary_apps_failed: "保存できなかったアプリ",
    some_apps_not_saved: "保存できなかったアプリがあります（理由は上のとおり）。",
    not_an_app_file: "アプリ ID の名前ではないため対象外です",
    not_deleted: "削除しませんでした。",
    server_newest: "サーバーの最新",
    cap: "上限",
    line_code: "サインインコード",
    phonebook_sent: "電話帳を送りました",
    phonebook_received: "電話帳を受け取りました",
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
    app_saved: "Saved",
    app_restored: "Restored",
    app_deleted: "Deleted",
    apps_deleted: "Apps deleted",
    bytes: "bytes",
    versions: "versions kept",
    no_app_data: "No app data is backed up.",
    no_longer_supported: "no longer supported",
    summary_apps_saved: "Apps saved",
    summary_apps_failed: "Apps not saved",
    some_apps_not_saved: "Some apps were not saved (the reasons are above).",
    not_an_app_file: "not named by an app id: left alone",
    not_deleted: "Nothing was deleted.",
    server_newest: "newest on the server",
    cap: "cap",
    line_code: "Sign-in code",
    phonebook_sent: "Phonebook handed over",
    phonebook_received: "Phonebook received",
};

impl Text {
    pub fn backup_name(&self, kind: hako_protocol::BackupKind) -> &'static str {
        match kind {
            hako_protocol::BackupKind::Contacts => self.contacts,
            hako_protocol::BackupKind::Calendar => self.calendar,
            hako_protocol::BackupKind::CallHistory => self.call_history,
        }
    }

    /// Asked before every app's data of the account is deleted (SPEC P5).
    pub fn confirm_delete_all(&self, apps: usize) -> String {
        match self.lang {
            Lang::Ja => format!(
                "このアカウントのアプリデータ（{apps} 件のアプリ）をすべてサーバーから削除します。電話のアプリにあるデータはそのまま残ります。よろしいですか？"
            ),
            Lang::En => format!(
                "Delete the app data of all {apps} apps of this account from the server? The apps on the phones keep the data they have."
            ),
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
