//! Japanese first, English when the browser prefers it or the user switches (SPEC X1).
//! Every text is a field of `Texts`, so a missing translation does not compile.

use hako_protocol::Lang;
use leptos::prelude::*;

const STORAGE_KEY: &str = "hako.lang";

pub struct Texts {
    pub lang_switch: &'static str,
    pub lang_switch_label: &'static str,
    pub tagline: &'static str,
    pub email: &'static str,
    pub password: &'static str,
    pub new_password: &'static str,
    pub password_hint: &'static str,
    pub show_password: &'static str,
    pub hide_password: &'static str,
    pub sign_in: &'static str,
    pub sign_in_title: &'static str,
    pub no_account: &'static str,
    pub create_account: &'static str,
    pub forgot_password: &'static str,
    pub signup_title: &'static str,
    pub signup_email_step: &'static str,
    pub signup_password_step: &'static str,
    pub next: &'static str,
    pub back: &'static str,
    pub send_code: &'static str,
    pub have_account: &'static str,
    pub code: &'static str,
    pub code_title: &'static str,
    pub code_sent_to: &'static str,
    pub code_valid_for: &'static str,
    pub confirm: &'static str,
    pub resend_code: &'static str,
    pub resend_in: &'static str,
    pub code_resent: &'static str,
    pub attempts_left: &'static str,
    pub start_over: &'static str,
    pub done_title: &'static str,
    pub done_body: &'static str,
    pub done_free_member: &'static str,
    pub go_to_library: &'static str,
    pub reset_title: &'static str,
    pub reset_intro: &'static str,
    pub reset_code_intro: &'static str,
    pub reset_submit: &'static str,
    pub back_to_sign_in: &'static str,
    pub network_error: &'static str,
    pub error_code_label: &'static str,
    pub retry_in: &'static str,
    pub minutes: &'static str,
    pub seconds: &'static str,
    pub account_menu: &'static str,
    pub sign_out: &'static str,
    pub library_title: &'static str,
    pub library_empty_title: &'static str,
    pub library_empty_body: &'static str,
    pub loading: &'static str,
    pub room_label: &'static str,
    pub room_empty: &'static str,
    pub photo_alt: &'static str,
    pub no_thumbnail: &'static str,
    pub not_found: &'static str,
    pub go_home: &'static str,
    pub video_alt: &'static str,
    pub select_day: &'static str,
    pub select_item: &'static str,
    pub rail_label: &'static str,
    pub item_gone: &'static str,
    pub viewer_label: &'static str,
    pub close: &'static str,
    pub zoom_out: &'static str,
    pub zoom_in: &'static str,
    pub info: &'static str,
    pub download: &'static str,
    pub delete: &'static str,
    pub previous: &'static str,
    pub next_item: &'static str,
    pub show_original: &'static str,
    pub info_name: &'static str,
    pub info_taken: &'static str,
    pub info_size: &'static str,
    pub info_dimensions: &'static str,
    pub info_camera: &'static str,
    pub info_duration: &'static str,
    pub selection_label: &'static str,
    pub clear_selection: &'static str,
    pub selected_count: &'static str,
    pub download_too_many: &'static str,
    pub delete_title: &'static str,
    pub delete_body: &'static str,
    pub cancel: &'static str,
    pub delete_confirm: &'static str,
    pub player_label: &'static str,
    pub tab_empty: &'static str,
    pub play: &'static str,
    pub contacts_search: &'static str,
    pub all_day: &'static str,
    pub call_incoming: &'static str,
    pub call_outgoing: &'static str,
    pub call_missed: &'static str,
    pub badge_phone_and_cloud: &'static str,
    pub badge_cloud_only: &'static str,
    pub badge_excluded: &'static str,
    pub tabs_label: &'static str,
    pub tab_photos: &'static str,
    pub tab_music: &'static str,
    pub tab_documents: &'static str,
    pub tab_contacts: &'static str,
    pub tab_calendar: &'static str,
    pub tab_calls: &'static str,
    pub filter_label: &'static str,
    pub filter_all: &'static str,
    pub filter_photos: &'static str,
    pub filter_videos: &'static str,
    pub or: &'static str,
    pub continue_with_apple: &'static str,
    pub continue_with_google: &'static str,
    pub password_changed: &'static str,
    pub current_password: &'static str,
    pub change_password: &'static str,
    pub user_id_changed: &'static str,
    pub new_user_id: &'static str,
    pub change_user_id: &'static str,
    pub license_registered: &'static str,
    pub license_register: &'static str,
    pub license_none: &'static str,
    pub license_key: &'static str,
    pub member_unlimited: &'static str,
    pub member_free: &'static str,
    pub member_type: &'static str,
    pub user_id: &'static str,
    pub account_title: &'static str,
    pub done_unlimited_member: &'static str,
    pub reset_confirm: &'static str,
    pub reset_body: &'static str,
    pub reset_room_title: &'static str,
    pub reset_room: &'static str,
    pub kind_videos: &'static str,
    pub kind_photos: &'static str,
    pub stored_total: &'static str,
    pub last_backup: &'static str,
    pub storage_free: &'static str,
    pub phone_storage: &'static str,
    pub save: &'static str,
    pub phone_name: &'static str,
    pub rename: &'static str,
    pub phones_menu: &'static str,
    pub phones_title: &'static str,
    pub guide_menu: &'static str,
    pub guide_faq: &'static str,
    pub guide_how_to: &'static str,
    pub guide_title: &'static str,
    pub sort_status: &'static str,
    pub sort_date: &'static str,
    pub sort_label: &'static str,
}

pub const JA: Texts = Texts {
    lang_switch: "English",
    lang_switch_label: "Switch to English",
    tagline: "スマートフォンのバックアップ",
    email: "メールアドレス",
    password: "パスワード",
    new_password: "新しいパスワード",
    password_hint: "12文字以上、128文字以内",
    show_password: "表示",
    hide_password: "隠す",
    sign_in: "サインイン",
    sign_in_title: "Hako にサインイン",
    no_account: "アカウントをお持ちでない方",
    create_account: "アカウントを作成",
    forgot_password: "パスワードをお忘れの方",
    signup_title: "アカウントを作成",
    signup_email_step: "ユーザーIDとして使うメールアドレスを入力してください。",
    signup_password_step: "パスワードを決めてください。",
    next: "次へ",
    back: "戻る",
    send_code: "確認コードを送信",
    have_account: "アカウントをお持ちの方",
    code: "確認コード（6桁）",
    code_title: "確認コードを入力",
    code_sent_to: "次のアドレスに6桁の確認コードを送信しました：",
    code_valid_for: "コードの有効期限は10分です。メールが届かない場合は迷惑メールフォルダもご確認ください。",
    confirm: "確認",
    resend_code: "コードを再送信",
    resend_in: "再送信まで",
    code_resent: "新しいコードを送信しました。",
    attempts_left: "残りの入力回数",
    start_over: "最初からやり直す",
    done_title: "登録が完了しました",
    done_body: "Hako のアカウントが作成されました。スマホのアプリからバックアップすると、ここで写真や動画を見られます。",
    done_free_member: "お客様のアカウントは無料会員です。",
    go_to_library: "ライブラリへ進む",
    reset_title: "パスワードの再設定",
    reset_intro: "登録したメールアドレスを入力してください。パスワード再設定用の確認コードをお送りします。",
    reset_code_intro: "メールに届いた確認コードと、新しいパスワードを入力してください。",
    reset_submit: "パスワードを変更",
    back_to_sign_in: "サインインに戻る",
    network_error: "サーバーに接続できませんでした。通信環境を確認して、もう一度お試しください。",
    error_code_label: "エラーコード",
    retry_in: "再試行できるまで",
    minutes: "分",
    seconds: "秒",
    account_menu: "アカウントメニュー",
    sign_out: "サインアウト",
    library_title: "ライブラリ",
    library_empty_title: "まだ何もありません",
    library_empty_body: "スマホのアプリからバックアップすると、ここに表示されます。",
    loading: "読み込み中…",
    room_label: "表示する ROOM",
    room_empty: "空き",
    photo_alt: "写真",
    no_thumbnail: "プレビューなし",
    not_found: "ページが見つかりません。",
    go_home: "トップへ戻る",
    video_alt: "動画",
    select_day: "の写真と動画をすべて選択",
    select_item: "を選択",
    rail_label: "日付で移動",
    item_gone: "このファイルは表示できません。削除されたか、別のアカウントのものです。",
    viewer_label: "写真・動画の表示",
    close: "閉じる",
    zoom_out: "縮小",
    zoom_in: "拡大",
    info: "情報",
    download: "ダウンロード",
    delete: "削除",
    previous: "前へ",
    next_item: "次へ",
    show_original: "元の画像を表示",
    info_name: "ファイル名",
    info_taken: "撮影日時",
    info_size: "サイズ",
    info_dimensions: "画素数",
    info_camera: "カメラ",
    info_duration: "長さ",
    selection_label: "選択したファイル",
    clear_selection: "選択を解除",
    selected_count: "{n}件を選択中",
    download_too_many: "一度にダウンロードできるのは{max}ファイルまでです。選択を減らしてください。",
    delete_title: "{n}件のファイルを削除しますか？",
    delete_body: "サーバーから完全に削除され、元に戻せません。スマホ内の写真や動画は削除されません。",
    cancel: "キャンセル",
    delete_confirm: "削除する",
    player_label: "音楽プレーヤー",
    tab_empty: "まだ何もありません。スマホのアプリからバックアップすると、ここに表示されます。",
    play: "再生",
    contacts_search: "名前・よみ・電話番号で検索（/）",
    all_day: "終日",
    call_incoming: "着信",
    call_outgoing: "発信",
    call_missed: "不在着信",
    badge_phone_and_cloud: "スマホとクラウドにあります",
    badge_cloud_only: "クラウドだけにあります",
    badge_excluded: "バックアップ対象外",
    tabs_label: "ライブラリの種類",
    tab_photos: "写真・動画",
    tab_music: "音楽",
    tab_documents: "書類",
    tab_contacts: "連絡先",
    tab_calendar: "カレンダー",
    tab_calls: "通話履歴",
    filter_label: "表示する種類",
    filter_all: "写真と動画",
    filter_photos: "写真のみ",
    filter_videos: "動画のみ",
    or: "または",
    continue_with_apple: "Apple で続ける",
    continue_with_google: "Google で続ける",
    password_changed: "パスワードを変更しました。ほかの端末のブラウザはサインアウトされました。",
    current_password: "現在のパスワード",
    change_password: "パスワードの変更",
    user_id_changed: "ユーザーIDを変更しました。次回から新しいメールアドレスでサインインしてください。",
    new_user_id: "新しいメールアドレス",
    change_user_id: "ユーザーIDの変更",
    license_registered: "ライセンスキーを登録しました。",
    license_register: "ライセンスキーを登録",
    license_none: "未登録",
    license_key: "ライセンスキー",
    member_unlimited: "無制限会員",
    member_free: "無料会員",
    member_type: "会員種別",
    user_id: "ユーザーID",
    account_title: "アカウント情報",
    done_unlimited_member: "お客様のアカウントは無制限会員です。",
    reset_confirm: "リセットする",
    reset_body: "このROOMのバックアップデータとスマホの登録がサーバーから削除され、元に戻せません。スマホ内のデータは削除されません。",
    reset_room_title: "ROOM {room}（{name}）をリセットしますか？",
    reset_room: "ROOMをリセット",
    kind_videos: "動画",
    kind_photos: "写真",
    stored_total: "保存しているデータ",
    last_backup: "最終バックアップ",
    storage_free: "空き {free} / 全体 {total}",
    phone_storage: "スマホの容量",
    save: "保存",
    phone_name: "スマホの名前",
    rename: "名前を変更",
    phones_menu: "スマホとバックアップの情報",
    phones_title: "スマホとバックアップ",
    guide_menu: "使い方ガイド・よくある質問",
    guide_faq: "よくある質問",
    guide_how_to: "はじめかた",
    guide_title: "使い方ガイド",
    sort_status: "保存状態順",
    sort_date: "日付順",
    sort_label: "並べ方",
};

pub const EN: Texts = Texts {
    lang_switch: "日本語",
    lang_switch_label: "日本語に切り替える",
    tagline: "Smartphone backup",
    email: "Email address",
    password: "Password",
    new_password: "New password",
    password_hint: "12 to 128 characters",
    show_password: "Show",
    hide_password: "Hide",
    sign_in: "Sign in",
    sign_in_title: "Sign in to Hako",
    no_account: "No account yet?",
    create_account: "Create account",
    forgot_password: "Forgot password?",
    signup_title: "Create your account",
    signup_email_step: "Enter the email address that will be your user ID.",
    signup_password_step: "Choose a password.",
    next: "Next",
    back: "Back",
    send_code: "Send code",
    have_account: "Already have an account?",
    code: "Code (6 digits)",
    code_title: "Enter the code",
    code_sent_to: "We sent a 6-digit code to:",
    code_valid_for: "The code is valid for 10 minutes. If no mail arrives, check your spam folder.",
    confirm: "Confirm",
    resend_code: "Send a new code",
    resend_in: "Resend in",
    code_resent: "A new code was sent.",
    attempts_left: "Tries left",
    start_over: "Start over",
    done_title: "You're all set",
    done_body: "Your Hako account was created. Back up from the phone app and your photos and videos appear here.",
    done_free_member: "Your account is a free member account.",
    go_to_library: "Go to the library",
    reset_title: "Reset your password",
    reset_intro: "Enter the email address you signed up with. We will mail you a code to reset the password.",
    reset_code_intro: "Enter the code from the mail and your new password.",
    reset_submit: "Change password",
    back_to_sign_in: "Back to sign in",
    network_error: "Could not reach the server. Check your connection and try again.",
    error_code_label: "Error code",
    retry_in: "Try again in",
    minutes: "min",
    seconds: "s",
    account_menu: "Account menu",
    sign_out: "Sign out",
    library_title: "Library",
    library_empty_title: "Nothing here yet",
    library_empty_body: "Back up from the phone app and it appears here.",
    loading: "Loading…",
    room_label: "ROOM to show",
    room_empty: "free",
    photo_alt: "Photo",
    no_thumbnail: "No preview",
    not_found: "Page not found.",
    go_home: "Back to the start",
    video_alt: "Video",
    select_day: "— select the whole day",
    select_item: "— select",
    rail_label: "Jump to a date",
    item_gone: "This file cannot be shown. It was deleted or belongs to another account.",
    viewer_label: "Photo and video view",
    close: "Close",
    zoom_out: "Zoom out",
    zoom_in: "Zoom in",
    info: "Info",
    download: "Download",
    delete: "Delete",
    previous: "Previous",
    next_item: "Next",
    show_original: "Show original",
    info_name: "File name",
    info_taken: "Taken",
    info_size: "Size",
    info_dimensions: "Dimensions",
    info_camera: "Camera",
    info_duration: "Length",
    selection_label: "Selected files",
    clear_selection: "Clear selection",
    selected_count: "{n} selected",
    download_too_many: "You can download at most {max} files at once. Select fewer files.",
    delete_title: "Delete {n} files?",
    delete_body: "They are removed from the server for good; this cannot be undone. The copies on your phone are not touched.",
    cancel: "Cancel",
    delete_confirm: "Delete",
    player_label: "Music player",
    tab_empty: "Nothing here yet. Back up from the phone app and it appears here.",
    play: "Play",
    contacts_search: "Search names, readings, numbers (/)",
    all_day: "All day",
    call_incoming: "Incoming",
    call_outgoing: "Outgoing",
    call_missed: "Missed",
    badge_phone_and_cloud: "On the phone and in the cloud",
    badge_cloud_only: "Only in the cloud",
    badge_excluded: "Excluded from backup",
    tabs_label: "Library",
    tab_photos: "Photos",
    tab_music: "Music",
    tab_documents: "Documents",
    tab_contacts: "Contacts",
    tab_calendar: "Calendar",
    tab_calls: "Calls",
    filter_label: "Show",
    filter_all: "Photos & videos",
    filter_photos: "Photos only",
    filter_videos: "Videos only",
    or: "or",
    continue_with_apple: "Continue with Apple",
    continue_with_google: "Continue with Google",
    password_changed: "Your password was changed. Browsers on other devices were signed out.",
    current_password: "Current password",
    change_password: "Change password",
    user_id_changed: "Your user ID was changed. Sign in with the new address from now on.",
    new_user_id: "New email address",
    change_user_id: "Change user ID",
    license_registered: "The license key was registered.",
    license_register: "Register a license key",
    license_none: "Not registered",
    license_key: "License key",
    member_unlimited: "Unlimited member",
    member_free: "Free member",
    member_type: "Member type",
    user_id: "User ID",
    account_title: "Account information",
    done_unlimited_member: "Your account is an unlimited member account.",
    reset_confirm: "Reset",
    reset_body: "This ROOM's backed-up data and the phone's registration are deleted from the server; this cannot be undone. The data on the phone is not touched.",
    reset_room_title: "Reset ROOM {room} ({name})?",
    reset_room: "Reset ROOM",
    kind_videos: "Videos",
    kind_photos: "Photos",
    stored_total: "Stored data",
    last_backup: "Last backup",
    storage_free: "{free} free of {total}",
    phone_storage: "Phone storage",
    save: "Save",
    phone_name: "Phone name",
    rename: "Rename",
    phones_menu: "Phones & backup information",
    phones_title: "Phones & backups",
    guide_menu: "Guide and FAQ",
    guide_faq: "Questions and answers",
    guide_how_to: "Getting started",
    guide_title: "Guide",
    sort_status: "By save status",
    sort_date: "By date",
    sort_label: "Order",
};

/// The current language, shared through context.
#[derive(Clone, Copy)]
pub struct I18n {
    pub lang: RwSignal<Lang>,
}

impl I18n {
    /// Stored choice, else the browser's first preference (English if it starts with `en`), else Japanese.
    pub fn detect() -> Self {
        let stored = local_storage().and_then(|s| s.get_item(STORAGE_KEY).ok().flatten());
        let lang = match stored.as_deref() {
            Some("en") => Lang::En,
            Some("ja") => Lang::Ja,
            _ => {
                let preferred = window().navigator().language().unwrap_or_default();
                if preferred.to_ascii_lowercase().starts_with("en") {
                    Lang::En
                } else {
                    Lang::Ja
                }
            }
        };
        let i18n = Self {
            lang: RwSignal::new(lang),
        };
        Effect::new(move |_| {
            let code = match i18n.lang.get() {
                Lang::Ja => "ja",
                Lang::En => "en",
            };
            if let Some(html) = document().document_element() {
                let _ = html.set_attribute("lang", code);
            }
        });
        i18n
    }

    /// The texts of the current language (reactive).
    pub fn t(&self) -> &'static Texts {
        texts(self.lang.get())
    }

    pub fn toggle(&self) {
        let next = match self.lang.get_untracked() {
            Lang::Ja => Lang::En,
            Lang::En => Lang::Ja,
        };
        self.lang.set(next);
        if let Some(storage) = local_storage() {
            let _ = storage.set_item(STORAGE_KEY, if next == Lang::En { "en" } else { "ja" });
        }
    }
}

pub fn texts(lang: Lang) -> &'static Texts {
    match lang {
        Lang::Ja => &JA,
        Lang::En => &EN,
    }
}

pub fn use_i18n() -> I18n {
    expect_context::<I18n>()
}

fn local_storage() -> Option<web_sys::Storage> {
    window().local_storage().ok().flatten()
}

const EN_MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// 「2023年8月」 / "Aug 2023": the scroll-date rail's label (SPEC V5).
pub fn month_label(lang: Lang, year: i32, month: u8) -> String {
    match lang {
        Lang::Ja => format!("{year}年{month}月"),
        Lang::En => format!("{} {year}", EN_MONTHS[usize::from(month.clamp(1, 12)) - 1]),
    }
}

/// An RFC 3339 instant in the browser's time zone, `2024-08-15 09:30`.
pub fn local_time(rfc3339: &str) -> String {
    let date = js_sys::Date::new(&rfc3339.into());
    if date.get_time().is_nan() {
        return rfc3339.to_owned();
    }
    format!(
        "{}-{:02}-{:02} {:02}:{:02}",
        date.get_full_year(),
        date.get_month() + 1,
        date.get_date(),
        date.get_hours(),
        date.get_minutes()
    )
}

/// "3.2 MB": bytes in the largest unit that keeps the number small (1000-based, like phones).
pub fn format_size(bytes: u64) -> String {
    const UNITS: [&str; 5] = ["B", "KB", "MB", "GB", "TB"];
    let mut value = bytes as f64;
    let mut unit = 0;
    while value >= 1000.0 && unit < UNITS.len() - 1 {
        value /= 1000.0;
        unit += 1;
    }
    if unit == 0 {
        format!("{bytes} B")
    } else {
        format!("{value:.1} {}", UNITS[unit])
    }
}

/// 「2024年8月15日（木）」 / "Thu, Aug 15, 2024" (UI.md).
pub fn day_heading(lang: Lang, year: i32, month: u8, day: u8) -> String {
    const JA_DAYS: [&str; 7] = ["日", "月", "火", "水", "木", "金", "土"];
    const EN_DAYS: [&str; 7] = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
    let weekday = weekday(year, month, day);
    match lang {
        Lang::Ja => format!("{year}年{month}月{day}日（{}）", JA_DAYS[weekday]),
        Lang::En => format!(
            "{}, {} {day}, {year}",
            EN_DAYS[weekday],
            EN_MONTHS[usize::from(month.clamp(1, 12)) - 1]
        ),
    }
}

/// 0 = Sunday (Sakamoto's method).
fn weekday(year: i32, month: u8, day: u8) -> usize {
    const T: [i32; 12] = [0, 3, 2, 5, 0, 3, 5, 1, 4, 6, 2, 4];
    let y = if month < 3 { year - 1 } else { year };
    let m = usize::from(month.clamp(1, 12)) - 1;
    ((y + y / 4 - y / 100 + y / 400 + T[m] + i32::from(day)).rem_euclid(7)) as usize
}
