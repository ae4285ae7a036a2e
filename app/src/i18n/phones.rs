//! `/phones`: ROOMs, their phones, rename and Reset ROOM (SPEC V18).

use super::Bilingual;

pub struct PhonesTexts {
    pub reset_confirm: &'static str,
    pub reset_body: &'static str,
    pub reset_room_title: &'static str,
    pub reset_room: &'static str,
    pub stored_total: &'static str,
    pub last_backup: &'static str,
    pub storage_free: &'static str,
    pub phone_storage: &'static str,
    pub save: &'static str,
    pub phone_name: &'static str,
    pub rename: &'static str,
    pub phones_title: &'static str,
}

pub static PHONES: Bilingual<PhonesTexts> = Bilingual {
    ja: PhonesTexts {
        reset_confirm: "リセットする",
        reset_body: "このROOMのバックアップデータとスマホの登録がサーバーから削除され、元に戻せません。スマホ内のデータは削除されません。",
        reset_room_title: "ROOM {room}（{name}）をリセットしますか？",
        reset_room: "ROOMをリセット",
        stored_total: "保存しているデータ",
        last_backup: "最終バックアップ",
        storage_free: "空き\u{a0}{free} / 全体\u{a0}{total}",
        phone_storage: "スマホの容量",
        save: "保存",
        phone_name: "スマホの名前",
        rename: "名前を変更",
        phones_title: "スマホとバックアップ",
    },
    en: PhonesTexts {
        reset_confirm: "Reset",
        reset_body: "This ROOM's backed-up data and the phone's registration are deleted from the server; this cannot be undone. The data on the phone is not touched.",
        reset_room_title: "Reset ROOM {room} ({name})?",
        reset_room: "Reset ROOM",
        stored_total: "Stored data",
        last_backup: "Last backup",
        storage_free: "{free} free of\u{a0}{total}",
        phone_storage: "Phone storage",
        save: "Save",
        phone_name: "Phone name",
        rename: "Rename",
        phones_title: "Phones & backups",
    },
};
