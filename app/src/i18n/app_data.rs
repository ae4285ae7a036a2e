//! `/app-data`: the apps whose data is backed up, deleting it, and each phone's two switches
//! (SPEC P2, P3, P5). The switches are named as the phone and the server's messages name them.

use super::Bilingual;

pub struct AppDataTexts {
    pub lead: &'static str,
    pub apps_heading: &'static str,
    pub last_backup: &'static str,
    pub size: &'static str,
    pub unsupported: &'static str,
    pub unsupported_note: &'static str,
    pub delete: &'static str,
    pub delete_label: &'static str,
    pub delete_title: &'static str,
    pub delete_body: &'static str,
    pub delete_versions: &'static str,
    pub delete_confirm: &'static str,
    pub delete_all: &'static str,
    pub delete_all_title: &'static str,
    pub delete_all_body: &'static str,
    pub delete_all_confirm: &'static str,
    pub deleted_all: &'static str,
    pub app_count_one: &'static str,
    pub app_count_other: &'static str,
    pub empty_title: &'static str,
    pub empty_body: &'static str,
    pub phones_heading: &'static str,
    pub no_phones: &'static str,
    pub phone_gone: &'static str,
    pub use_label: &'static str,
    pub use_hint: &'static str,
    pub abroad_label: &'static str,
    pub abroad_hint: &'static str,
    pub on: &'static str,
    pub off: &'static str,
}

impl AppDataTexts {
    /// What one app's delete removes: its only backup, or `n` versions of it.
    pub fn delete_app_body(&self, versions: u32) -> String {
        let versions = if versions > 1 {
            self.delete_versions.replace("{n}", &versions.to_string())
        } else {
            String::new()
        };
        self.delete_body.replace("{versions}", &versions)
    }

    /// 「3個のアプリ」 / "3 apps".
    pub fn apps(&self, count: usize) -> String {
        let text = if count == 1 {
            self.app_count_one
        } else {
            self.app_count_other
        };
        text.replace("{n}", &count.to_string())
    }
}

pub static APP_DATA: Bilingual<AppDataTexts> = Bilingual {
    ja: AppDataTexts {
        lead: "対応アプリが自動でバックアップしたデータです。アプリを入れ直したときや新しいスマホでは、自動で復元されます。",
        apps_heading: "バックアップ済みのアプリ",
        last_backup: "最終バックアップ",
        size: "サイズ",
        unsupported: "サポート終了",
        unsupported_note: "新しいバックアップはできません。保存済みのデータは削除できます。",
        delete: "削除",
        delete_label: "{name}のデータを削除",
        delete_title: "「{name}」のデータを削除しますか？",
        delete_body: "サーバーに保存しているこのアプリのバックアップ{versions}を削除します。元に戻せません。スマホのアプリ内のデータはそのまま残ります。",
        delete_versions: "（以前のバージョンを含めて{n}件）",
        delete_confirm: "削除する",
        delete_all: "すべてのアプリデータを削除",
        delete_all_title: "{apps}のデータをすべて削除しますか？",
        delete_all_body: "サーバーに保存している{apps}のバックアップを、以前のバージョンも含めてすべて削除します。元に戻せません。各スマホのアプリは、いま持っているデータをそのまま使い続けます。",
        delete_all_confirm: "すべて削除する",
        deleted_all: "{apps}のデータを削除しました。",
        app_count_one: "{n}個のアプリ",
        app_count_other: "{n}個のアプリ",
        empty_title: "バックアップされたアプリデータはありません",
        empty_body: "対応アプリは、初めて使ったときや設定を変えたときに、自動でデータをバックアップします。アプリを初めて起動したとき、入れ直したとき、新しいスマホに替えたときには、自動で復元されます。バックアップされると、ここに表示されます。",
        phones_heading: "スマホごとの設定",
        no_phones: "登録されたスマホはありません。スマホのアプリでサインインしてROOMに登録すると、ここで設定を変えられます。",
        phone_gone: "設定を変えようとしたスマホは、すでにROOMから外れていたため変更できませんでした。いま登録されているスマホを表示しています。",
        use_label: "アプリデータバックアップを利用する",
        use_hint: "このスマホのアプリのデータをバックアップし、スマホに復元します。",
        abroad_label: "海外利用時もバックアップ/復元する",
        abroad_hint: "オフのときは、海外にいる間はバックアップも復元もしません。",
        on: "オン",
        off: "オフ",
    },
    en: AppDataTexts {
        lead: "Data that supported apps backed up by themselves. It comes back automatically when an app is reinstalled or on a new phone.",
        apps_heading: "Backed-up apps",
        last_backup: "Last backup",
        size: "Size",
        unsupported: "No longer supported",
        unsupported_note: "No new backups; the data kept can still be deleted.",
        delete: "Delete",
        delete_label: "Delete the data of {name}",
        delete_title: "Delete the data of “{name}”?",
        delete_body: "Everything this app backed up to the server{versions} is deleted; this cannot be undone. The app's data on your phones stays as it is.",
        delete_versions: " ({n} versions, the earlier ones included)",
        delete_confirm: "Delete",
        delete_all: "Delete all app data",
        delete_all_title: "Delete all app data ({apps})?",
        delete_all_body: "The backups of {apps} kept on the server are deleted, earlier versions included; this cannot be undone. The apps on your phones keep the data they have now.",
        delete_all_confirm: "Delete all",
        deleted_all: "The data of {apps} was deleted.",
        app_count_one: "{n} app",
        app_count_other: "{n} apps",
        empty_title: "No app data backed up yet",
        empty_body: "Supported apps back up their data automatically, when you first use them and when you change their settings. It comes back automatically when an app is first launched, reinstalled, or set up on a new phone. Once an app has backed up, it is listed here.",
        phones_heading: "Settings on each phone",
        no_phones: "No phone is registered yet. Sign in with the app on a phone and register it in a ROOM to change its settings here.",
        phone_gone: "That phone had already left its ROOM, so its settings could not be changed. The phones registered now are shown.",
        use_label: "Use app data backup",
        use_hint: "Apps on this phone back up their data and get it back.",
        abroad_label: "Also while abroad",
        abroad_hint: "When off, nothing is backed up or restored while the phone is abroad.",
        on: "On",
        off: "Off",
    },
};
