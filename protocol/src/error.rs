//! Stable machine codes for every error a client can meet, with the messages users read.

use serde::{Deserialize, Serialize};

#[cfg(feature = "openapi")]
use utoipa::ToSchema;

/// The user's language. Japanese first (SPEC X1).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    #[default]
    Ja,
    En,
}

/// The body of every error response.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct ErrorBody {
    pub code: ErrorCode,
    /// English text for logs and non-browser clients; apps show `code.message(lang)`.
    pub message: String,
    /// Seconds until the request may succeed (throttles and code resends).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retry_after_secs: Option<u64>,
    /// Wrong tries left before the code stops working (SPEC A2).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attempts_left: Option<u32>,
    /// A failed app data precondition (412): the ETag of the app's newest version, or
    /// nothing when it has no data (then `If-None-Match: *` saves).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub current_etag: Option<String>,
    /// When that newest version was saved (RFC 3339).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub current_saved_at: Option<String>,
    /// The most bytes this app may keep, when a save was over it (413).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_bytes: Option<u64>,
    /// Every refused row of a lines CSV (`invalid_lines_csv`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bad_rows: Option<Vec<crate::BadRow>>,
}

/// Machine codes. Their spelling on the wire is part of the public API: add, never rename.
#[derive(Clone, Copy, Debug, Serialize, Deserialize, PartialEq, Eq, Hash, strum::VariantArray)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    InvalidJson,
    UnsupportedMediaType,
    PayloadTooLarge,
    NotFound,
    MethodNotAllowed,
    Unauthenticated,
    CrossSiteRequest,
    InvalidEmail,
    PasswordTooShort,
    PasswordTooLong,
    InvalidCredentials,
    TooManyAttempts,
    CodeInvalid,
    CodeExpired,
    CodeResendTooSoon,
    CodeSendLimit,
    Internal,
    Unavailable,
    DeviceTokenInvalid,
    RoomOutOfRange,
    InvalidPhoneName,
    RoomOccupied,
    TooManyPhones,
    DeviceNotRegistered,
    UnsupportedFileType,
    TypeNotAllowedOnIphone,
    InvalidFileName,
    InvalidSha256,
    FileTooLarge,
    MonthlyLimitReached,
    QuotaExceeded,
    UploadNotFound,
    UploadOffsetMismatch,
    UploadLengthExceeded,
    ChecksumMismatch,
    AlreadyStored,
    StorageFull,
    InvalidUploadRequest,
    InvalidBackupFile,
    UnknownBackupKind,
    InvalidQuery,
    InvalidDownloadRequest,
    TooManyDownloadItems,
    DownloadExpired,
    BackupUnreadable,
    LicenseKeyInvalid,
    CurrentPasswordWrong,
    EmailUnchanged,
    EmailTaken,
    OidcStateInvalid,
    OidcFailed,
    OidcEmailUnverified,
    InvalidAppId,
    AppNotInCatalog,
    AppNoLongerSupported,
    AppDataNotFound,
    AppDataEmpty,
    AppDataTooLarge,
    AppDataPreconditionFailed,
    InvalidPrecondition,
    AppDataPhoneOnly,
    AppDataSwitchedOff,
    AppDataAbroadOff,
    InvalidAbroadHeader,
    NotCorpAdmin,
    MainAdminOnly,
    AdminInOtherCompany,
    NoLinesSelected,
    TooManyLines,
    LineNotInService,
    OutsideBusinessHours,
    ChangeInProgress,
    IdempotencyKeyReused,
    LineContractCheck,
    RestrictedByAdmin,
    MigrationRestricted,
    LineCodeInvalid,
    InvalidLineNumber,
    NoMigrationData,
    InvalidLinesCsv,
    NotResendable,
}

impl ErrorCode {
    /// The HTTP status that carries this code.
    pub fn http_status(self) -> u16 {
        use ErrorCode::*;
        match self {
            InvalidJson | InvalidEmail | PasswordTooShort | PasswordTooLong | CodeInvalid
            | CodeExpired => 400,
            Unauthenticated | InvalidCredentials => 401,
            CrossSiteRequest => 403,
            NotFound => 404,
            MethodNotAllowed => 405,
            PayloadTooLarge => 413,
            UnsupportedMediaType => 415,
            TooManyAttempts | CodeResendTooSoon | CodeSendLimit => 429,
            Internal => 500,
            Unavailable => 503,
            DeviceTokenInvalid => 401,
            RoomOutOfRange => 400,
            InvalidPhoneName => 400,
            RoomOccupied => 409,
            TooManyPhones => 409,
            DeviceNotRegistered => 409,
            UnsupportedFileType => 415,
            TypeNotAllowedOnIphone => 403,
            InvalidFileName => 400,
            InvalidSha256 => 400,
            FileTooLarge => 413,
            MonthlyLimitReached => 403,
            QuotaExceeded => 403,
            UploadNotFound => 404,
            UploadOffsetMismatch => 409,
            UploadLengthExceeded => 413,
            ChecksumMismatch => 460,
            AlreadyStored => 409,
            StorageFull => 507,
            InvalidUploadRequest => 400,
            InvalidBackupFile => 400,
            UnknownBackupKind => 404,
            InvalidQuery => 400,
            InvalidDownloadRequest => 400,
            TooManyDownloadItems => 422,
            DownloadExpired => 410,
            // The server stored the file after checking it: unreadable now means damaged storage.
            BackupUnreadable => 500,
            // One answer for wrong, used, cancelled and revoked keys: nothing to learn from it (A3).
            LicenseKeyInvalid => 400,
            // Not 401: the session is fine, only the password typed to confirm was wrong.
            CurrentPasswordWrong => 400,
            EmailUnchanged => 400,
            EmailTaken => 409,
            // Sign-in with Google or Apple: the browser lands on `/signin?error=<code>`.
            OidcStateInvalid => 400,
            OidcFailed => 502,
            OidcEmailUnverified => 403,
            InvalidAppId => 400,
            AppNotInCatalog => 404,
            AppNoLongerSupported => 403,
            AppDataNotFound => 404,
            AppDataEmpty => 400,
            AppDataTooLarge => 413,
            AppDataPreconditionFailed => 412,
            InvalidPrecondition => 400,
            AppDataPhoneOnly => 403,
            AppDataSwitchedOff => 403,
            AppDataAbroadOff => 403,
            InvalidAbroadHeader => 400,
            NotCorpAdmin => 403,
            MainAdminOnly => 403,
            AdminInOtherCompany => 409,
            NoLinesSelected => 400,
            TooManyLines => 400,
            LineNotInService => 400,
            OutsideBusinessHours => 403,
            ChangeInProgress => 409,
            IdempotencyKeyReused => 422,
            LineContractCheck => 403,
            RestrictedByAdmin => 403,
            MigrationRestricted => 403,
            LineCodeInvalid => 401,
            InvalidLineNumber => 400,
            NoMigrationData => 404,
            InvalidLinesCsv => 400,
            NotResendable => 400,
        }
    }

    /// What the user reads: what happened and what to do next (UI.md).
    pub fn message(self, lang: Lang) -> &'static str {
        let (ja, en) = self.texts();
        match lang {
            Lang::Ja => ja,
            Lang::En => en,
        }
    }

    fn texts(self) -> (&'static str, &'static str) {
        use ErrorCode::*;
        match self {
            InvalidJson => (
                "送信された内容を読み取れませんでした。ページを再読み込みしてもう一度お試しください。",
                "The request could not be read. Reload the page and try again.",
            ),
            UnsupportedMediaType => (
                "送信された形式に対応していません。",
                "The request was sent in a format that is not supported.",
            ),
            PayloadTooLarge => (
                "送信された内容が大きすぎます。",
                "The request is too large.",
            ),
            NotFound => ("お探しのものは見つかりませんでした。", "Not found."),
            MethodNotAllowed => (
                "この操作はここでは使えません。",
                "This operation is not allowed here.",
            ),
            Unauthenticated => ("サインインしてください。", "Please sign in."),
            CrossSiteRequest => (
                "別のサイトからの操作は受け付けていません。Hako のページから操作してください。",
                "Requests from other sites are refused. Please use the Hako page itself.",
            ),
            InvalidEmail => (
                "メールアドレスの形式が正しくありません。",
                "That email address does not look right.",
            ),
            PasswordTooShort => (
                "パスワードは12文字以上にしてください。",
                "The password must be at least 12 characters.",
            ),
            PasswordTooLong => (
                "パスワードは128文字以内にしてください。",
                "The password must be at most 128 characters.",
            ),
            InvalidCredentials => (
                "メールアドレスまたはパスワードが正しくありません。",
                "The email address or password is incorrect.",
            ),
            TooManyAttempts => (
                "失敗が続いたため、しばらく受け付けを停止しています。時間をおいてからお試しください。",
                "Too many failed attempts. Please wait a while and try again.",
            ),
            CodeInvalid => (
                "確認コードが正しくありません。メールに記載の6桁の数字を入力してください。",
                "That code is not correct. Enter the 6 digits from the email.",
            ),
            CodeExpired => (
                "この確認コードは使えなくなりました（有効期限切れ、または入力の失敗が5回に達しました）。新しいコードを送信してください。",
                "This code can no longer be used (it expired or was entered wrongly 5 times). Please send a new code.",
            ),
            CodeResendTooSoon => (
                "コードを送信したばかりです。少し待ってからもう一度お試しください。",
                "A code was just sent. Please wait a moment before asking for another.",
            ),
            CodeSendLimit => (
                "このアドレスへのコード送信は1時間に5回までです。時間をおいてからお試しください。",
                "At most 5 codes can be sent to this address per hour. Please try again later.",
            ),
            Internal => (
                "サーバーで問題が発生しました。しばらくしてからもう一度お試しください。",
                "Something went wrong on the server. Please try again shortly.",
            ),
            Unavailable => (
                "ただいまサービスを利用できません。しばらくしてからもう一度お試しください。",
                "The service is unavailable right now. Please try again shortly.",
            ),
            DeviceTokenInvalid => (
                "この端末のサインインは無効になりました。もう一度サインインしてください。",
                "This phone's sign-in is no longer valid. Please sign in again.",
            ),
            InvalidPhoneName => (
                "スマホの名前は1文字以上40文字以内で入力してください。",
                "Enter a phone name of 1 to 40 characters.",
            ),
            RoomOutOfRange => (
                "ROOM は 1〜3 から選んでください。",
                "Choose a ROOM from 1 to 3.",
            ),
            RoomOccupied => (
                "この ROOM には別のスマホのデータがあります。「引き継ぐ」か「削除して登録」を選んでください。",
                "This ROOM holds another phone's data. Choose \"take over\" or \"delete and register\".",
            ),
            TooManyPhones => (
                "このアカウントにはすでに3台のスマホが登録されています。別のアカウントをご利用いただくか、使わなくなったスマホの ROOM を引き継いでください。",
                "This account already has 3 phones. Please use another account, or take over the ROOM of a phone you no longer use.",
            ),
            DeviceNotRegistered => (
                "このスマホはまだ ROOM に登録されていません。ROOM を選んで登録してください。",
                "This phone is not registered in a ROOM yet. Choose a ROOM to register it.",
            ),
            UnsupportedFileType => (
                "この種類のファイルはバックアップできません（対応：写真・動画・音楽・TXT/PDF/Office 文書）。",
                "This kind of file cannot be backed up (supported: photos, videos, music, TXT/PDF/Office documents).",
            ),
            TypeNotAllowedOnIphone => (
                "iPhone からバックアップできるのは写真・動画・連絡先・カレンダーです。",
                "From an iPhone, only photos, videos, contacts and calendar can be backed up.",
            ),
            InvalidFileName => (
                "ファイル名が正しくありません（フォルダ区切りや制御文字を含まない、255バイト以内の名前にしてください）。",
                "The file name is not valid (no folder separators or control characters, at most 255 bytes).",
            ),
            InvalidSha256 => (
                "SHA-256 の値が正しくありません（64桁の16進数）。",
                "The SHA-256 value is not valid (64 hexadecimal digits).",
            ),
            FileTooLarge => (
                "1ファイルの大きさは15GBまでです。",
                "A file can be at most 15 GB.",
            ),
            MonthlyLimitReached => (
                "今月のアップロード量の上限（500GB）に達しました。来月1日から再開できます。",
                "This month's upload limit (500 GB) is reached. Uploads resume on the 1st of next month.",
            ),
            QuotaExceeded => (
                "無料会員の保存容量の上限に達しました。ライセンスキーを登録すると無制限会員になります。",
                "The free member storage quota is full. Register a license key to become an unlimited member.",
            ),
            UploadNotFound => (
                "このアップロードは見つかりません（期限切れか、取り消されました）。最初からやり直してください。",
                "This upload does not exist (it expired or was cancelled). Please start it again.",
            ),
            UploadOffsetMismatch => (
                "アップロードの位置が一致しません。現在の位置を確認してから続けてください。",
                "The upload offset does not match. Ask for the current offset and continue from there.",
            ),
            UploadLengthExceeded => (
                "宣言した大きさを超えるデータが送られました。",
                "More data was sent than the upload declared.",
            ),
            ChecksumMismatch => (
                "送られたデータのチェックサムが一致しません。データは破棄されました。もう一度送ってください。",
                "The data's checksum does not match; it was discarded. Please send it again.",
            ),
            AlreadyStored => (
                "このファイルはすでにこの ROOM にバックアップされています。",
                "This file is already backed up in this ROOM.",
            ),
            StorageFull => (
                "サーバーの保存領域がいっぱいです。管理者にお問い合わせください。",
                "The server's storage is full. Please contact the operator.",
            ),
            InvalidUploadRequest => (
                "アップロード要求の形式が正しくありません。",
                "The upload request is not well-formed.",
            ),
            InvalidBackupFile => (
                "連絡先・カレンダー・通話履歴のファイルとして読み取れませんでした（vCard・iCalendar・JSON の形式を確認してください）。",
                "The file could not be read as contacts, calendar or call history (check the vCard, iCalendar or JSON format).",
            ),
            UnknownBackupKind => (
                "その種類のバックアップはありません（contacts・calendar・call_history）。",
                "There is no such kind of backup (contacts, calendar, call_history).",
            ),
            InvalidQuery => (
                "指定された条件の形式が正しくありません。ページを再読み込みしてください。",
                "The query is not well-formed. Please reload the page.",
            ),
            InvalidDownloadRequest => (
                "ダウンロードするファイルを1つ以上、重複なく選んでください。",
                "Choose at least one file to download, each only once.",
            ),
            TooManyDownloadItems => (
                "一度にダウンロードできるのは50ファイルまでです。選ぶファイルを50以下に減らしてください。",
                "At most 50 files can be downloaded at once. Please choose 50 or fewer.",
            ),
            DownloadExpired => (
                "このダウンロードの有効期限が切れました。ファイルを選び直してダウンロードしてください。",
                "This download has expired. Please choose the files and download them again.",
            ),
            BackupUnreadable => (
                "保存されているバックアップを読み取れませんでした。スマホからもう一度バックアップしてください。",
                "The stored backup could not be read. Please back up again from the phone.",
            ),
            LicenseKeyInvalid => (
                "このライセンスキーは登録できません。契約時に発行された16桁のライセンスキーをお確かめください。",
                "This license key cannot be registered. Please check the 16-digit license key issued with your contract.",
            ),
            CurrentPasswordWrong => (
                "現在のパスワードが正しくありません。",
                "The current password is not correct.",
            ),
            EmailUnchanged => (
                "新しいメールアドレスが現在のユーザーIDと同じです。別のアドレスを入力してください。",
                "The new address is already your user ID. Please enter a different address.",
            ),
            EmailTaken => (
                "このメールアドレスは別のアカウントで使われているため、ユーザーIDにできません。",
                "This address belongs to another account, so it cannot become your user ID.",
            ),
            OidcStateInvalid => (
                "サインインの手続きが見つからないか、時間切れになりました。もう一度最初からお試しください。",
                "This sign-in attempt is unknown or took too long. Please start again.",
            ),
            OidcFailed => (
                "Google または Apple でのサインインを完了できませんでした。もう一度お試しください。",
                "Signing in with Google or Apple did not complete. Please try again.",
            ),
            OidcEmailUnverified => (
                "確認済みのメールアドレスが Google / Apple から届かなかったため、アカウントを作成・連携できません。メールアドレスで登録するか、確認済みのアドレスでお試しください。",
                "Google or Apple did not confirm an email address, so no account can be created or linked. Sign up with email, or use an account with a confirmed address.",
            ),
            InvalidAppId => (
                "アプリ ID の形式が正しくありません。jp.example.mail のような逆ドメイン形式で指定してください。",
                "Not an app id: use a reverse-DNS name such as jp.example.mail.",
            ),
            AppNotInCatalog => (
                "このアプリはアプリデータバックアップに対応していません。",
                "This app does not support app data backup.",
            ),
            AppNoLongerSupported => (
                "このアプリはアプリデータバックアップの対象外になったため、新しいバックアップはできません。これまでのデータは復元・削除できます。",
                "This app is no longer supported by app data backup: new backups are refused. Its data already kept can still be restored and deleted.",
            ),
            AppDataNotFound => (
                "このアプリのバックアップデータはありません。",
                "There is no backed-up data for this app.",
            ),
            AppDataEmpty => (
                "データが空です。バックアップする内容を送ってください。",
                "The data is empty: send what is to be backed up.",
            ),
            AppDataTooLarge => (
                "このアプリで保存できるサイズの上限を超えています。",
                "This is more than this app may keep.",
            ),
            AppDataPreconditionFailed => (
                "別の電話がこのアプリのデータを先に更新しました。最新のデータを読み込んでからもう一度保存してください。",
                "Another phone changed this app's data first. Read the newest data, then save again.",
            ),
            InvalidPrecondition => (
                "If-Match / If-None-Match ヘッダーの形式が正しくありません。",
                "The If-Match / If-None-Match header is not valid.",
            ),
            AppDataPhoneOnly => (
                "アプリデータの保存と復元は電話のアプリが行います。ブラウザーからは一覧の表示と削除ができます。",
                "Apps on the phone save and restore their data; in the browser you can list and delete it.",
            ),
            AppDataSwitchedOff => (
                "この電話では「アプリデータバックアップを利用する」がオフのため、バックアップと復元はできません。電話の設定またはウェブの「アプリデータ」ページでオンにしてください。",
                "\"Use app data backup\" is off on this phone, so nothing is backed up or restored. Turn it on in the phone's settings or on the web page \"App data\".",
            ),
            AppDataAbroadOff => (
                "この電話は海外にいるため、バックアップと復元は行いません。海外でも使うには「海外利用時もバックアップ/復元する」をオンにしてください。",
                "This phone is abroad, so nothing is backed up or restored. To go on abroad, turn on \"Also while abroad\".",
            ),
            InvalidAbroadHeader => (
                "Hako-Abroad ヘッダーは 1（海外）か 0（国内）で指定してください。",
                "The Hako-Abroad header must be 1 (abroad) or 0 (at home).",
            ),
            NotCorpAdmin => (
                "法人管理の権限がありません。",
                "You are not an admin of a company.",
            ),
            MainAdminOnly => (
                "この操作は主管理者のみ行えます。",
                "Only the main admin can do this.",
            ),
            AdminInOtherCompany => (
                "このアドレスのアカウントはすでに別の法人の管理者です。",
                "The account at this address is already an admin of another company.",
            ),
            NoLinesSelected => (
                "ユーザが1件も選択されていません。",
                "No lines are selected.",
            ),
            TooManyLines => (
                "選択できるユーザは200件までです。",
                "Up to 200 lines can be selected.",
            ),
            LineNotInService => (
                "ご利用いただけない契約の対象者が選択されています。",
                "A line whose contract cannot use the service is selected.",
            ),
            OutsideBusinessHours => (
                "ただいまの時間帯はあんしんバックアップを利用できません。",
                "Changes are accepted from 9:00 to 23:00 Japan time only.",
            ),
            ChangeInProgress => (
                "ただいま受付できません。しばらく経ってから再度お試しください。",
                "Another admin's change is still being applied. Please try again later.",
            ),
            IdempotencyKeyReused => (
                "同じ Idempotency-Key で別の内容が送られました。新しいキーで送ってください。",
                "This Idempotency-Key was used for a different request: send it with a new key.",
            ),
            LineContractCheck => (
                "お使いの回線契約をご確認ください。2105",
                "Please check your line's contract. 2105",
            ),
            RestrictedByAdmin => (
                "管理者によりご利用を制限されています。",
                "Your administrator has restricted this.",
            ),
            MigrationRestricted => (
                "電話帳ダウンロードを中止しました。管理者によりご利用を制限されています。",
                "The phonebook download was stopped: your administrator has restricted it.",
            ),
            LineCodeInvalid => (
                "電話番号またはサインインコードが正しくありません。",
                "The phone number or sign-in code is not correct.",
            ),
            InvalidLineNumber => (
                "電話番号の形式が正しくありません。",
                "Not a valid phone number.",
            ),
            NoMigrationData => (
                "移行する電話帳がありません。先に古い電話で電話帳を送ってください。",
                "There is no phonebook to move: send it from the old phone first.",
            ),
            InvalidLinesCsv => (
                "CSV に誤りがあるため、取り込みませんでした。行ごとの内容を確認して直してください。",
                "The CSV has errors, so nothing was imported: fix the rows listed.",
            ),
            NotResendable => (
                "メール再送できるのは、メールを送った操作の回線だけです。",
                "Only the lines of an operation that sent mail can be mailed again.",
            ),
        }
    }
}

impl ErrorBody {
    pub fn new(code: ErrorCode) -> Self {
        Self {
            code,
            message: code.message(Lang::En).to_owned(),
            retry_after_secs: None,
            attempts_left: None,
            current_etag: None,
            current_saved_at: None,
            max_bytes: None,
            bad_rows: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_has_both_languages_and_an_error_status() {
        for &code in <ErrorCode as strum::VariantArray>::VARIANTS {
            assert!(!code.message(Lang::Ja).is_empty());
            assert!(!code.message(Lang::En).is_empty());
            assert_ne!(code.message(Lang::Ja), code.message(Lang::En));
            assert!(code.http_status() >= 400, "{code:?}");
        }
    }

    #[test]
    fn codes_are_snake_case_on_the_wire() {
        let json = serde_json::to_string(&ErrorCode::CodeResendTooSoon).unwrap();
        assert_eq!(json, "\"code_resend_too_soon\"");
        let body: ErrorBody =
            serde_json::from_str(r#"{"code":"code_invalid","message":"x","attempts_left":3}"#)
                .unwrap();
        assert_eq!(body.code, ErrorCode::CodeInvalid);
        assert_eq!(body.attempts_left, Some(3));
    }
}
