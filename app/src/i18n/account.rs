//! `/account`: account information, license key, user ID and password (SPEC V17).

use super::Bilingual;

pub struct AccountTexts {
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
}

pub static ACCOUNT: Bilingual<AccountTexts> = Bilingual {
    ja: AccountTexts {
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
    },
    en: AccountTexts {
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
    },
};
