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
}

/// Machine codes. Their spelling on the wire is part of the public API: add, never rename.
#[derive(Clone, Copy, Debug, Serialize, Deserialize, PartialEq, Eq, Hash)]
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
}

impl ErrorCode {
    pub const ALL: [ErrorCode; 18] = [
        Self::InvalidJson,
        Self::UnsupportedMediaType,
        Self::PayloadTooLarge,
        Self::NotFound,
        Self::MethodNotAllowed,
        Self::Unauthenticated,
        Self::CrossSiteRequest,
        Self::InvalidEmail,
        Self::PasswordTooShort,
        Self::PasswordTooLong,
        Self::InvalidCredentials,
        Self::TooManyAttempts,
        Self::CodeInvalid,
        Self::CodeExpired,
        Self::CodeResendTooSoon,
        Self::CodeSendLimit,
        Self::Internal,
        Self::Unavailable,
    ];

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
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_has_both_languages_and_an_error_status() {
        for code in ErrorCode::ALL {
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
