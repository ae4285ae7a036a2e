//! The one error type of the API. A stable machine code from `hako-protocol` goes to the
//! client; internal causes go to the log only.

use axum::{
    Json,
    extract::rejection::{BytesRejection, JsonRejection, PathRejection, QueryRejection},
    http::{HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
};
use hako_protocol::{ErrorBody, ErrorCode};

pub type ApiResult<T> = Result<T, ApiError>;

#[derive(Debug)]
pub struct ApiError {
    /// Boxed: most answers are successes, and their `Result` stays small.
    body: Box<ErrorBody>,
    /// Logged, never sent.
    cause: Option<anyhow::Error>,
}

impl ApiError {
    pub fn new(code: ErrorCode) -> Self {
        Self {
            body: Box::new(ErrorBody::new(code)),
            cause: None,
        }
    }

    pub fn retry_after(mut self, secs: u64) -> Self {
        self.body.retry_after_secs = Some(secs.max(1));
        self
    }

    pub fn attempts_left(mut self, left: u32) -> Self {
        self.body.attempts_left = Some(left);
        self
    }

    /// The cap a save went over (413 for app data).
    pub fn max_bytes(mut self, max_bytes: u64) -> Self {
        self.body.max_bytes = Some(max_bytes);
        self
    }

    /// The newest version a failed precondition did not name (412 for app data).
    pub fn current_version(mut self, etag: String, saved_at: String) -> Self {
        self.body.current_etag = Some(etag);
        self.body.current_saved_at = Some(saved_at);
        self
    }

    /// Every refused row of a lines CSV (`invalid_lines_csv`).
    pub fn bad_rows(mut self, rows: Vec<hako_protocol::BadRow>) -> Self {
        self.body.bad_rows = Some(rows);
        self
    }

    /// The body a client would have read, for answers that carry several results (a bulk
    /// save); logged as a single answer would be.
    pub fn into_body(self) -> ErrorBody {
        self.log();
        *self.body
    }

    /// Keeps what went wrong for the log; the client sees only the code.
    pub fn because(mut self, cause: impl Into<anyhow::Error>) -> Self {
        self.cause = Some(cause.into());
        self
    }

    #[cfg(test)]
    pub fn code(&self) -> ErrorCode {
        self.body.code
    }
}

impl From<ErrorCode> for ApiError {
    fn from(code: ErrorCode) -> Self {
        Self::new(code)
    }
}

/// Anything unexpected (database, I/O, a panicked hashing task) is an internal error.
impl From<anyhow::Error> for ApiError {
    fn from(cause: anyhow::Error) -> Self {
        Self {
            body: Box::new(ErrorBody::new(ErrorCode::Internal)),
            cause: Some(cause),
        }
    }
}

impl From<sqlx::Error> for ApiError {
    fn from(cause: sqlx::Error) -> Self {
        anyhow::Error::from(cause).into()
    }
}

/// An extractor's refusal, in the API's shape like every other error: an oversize body and a
/// wrong content type have their own codes; a fault of the server (a route and its extractor
/// that do not fit) is internal; the client's other mistakes are `otherwise`, with axum's
/// explanation (which field, which value): it helps API clients and holds no secrets.
fn rejected(status: StatusCode, otherwise: ErrorCode, explanation: String) -> ApiError {
    match status {
        StatusCode::PAYLOAD_TOO_LARGE => ApiError::new(ErrorCode::PayloadTooLarge),
        StatusCode::UNSUPPORTED_MEDIA_TYPE => ApiError::new(ErrorCode::UnsupportedMediaType),
        status if status.is_server_error() => anyhow::anyhow!(explanation).into(),
        _ => {
            let mut error = ApiError::new(otherwise);
            error.body.message = format!("{} ({explanation})", error.body.message);
            error
        }
    }
}

/// Bad JSON, a wrong content type or an oversize body each get their own clear code.
impl From<JsonRejection> for ApiError {
    fn from(rejection: JsonRejection) -> Self {
        rejected(
            rejection.status(),
            ErrorCode::InvalidJson,
            rejection.body_text(),
        )
    }
}

/// A path segment that does not parse as what the route names there (`/rooms/x/music`).
impl From<PathRejection> for ApiError {
    fn from(rejection: PathRejection) -> Self {
        rejected(
            rejection.status(),
            ErrorCode::InvalidQuery,
            rejection.body_text(),
        )
    }
}

impl From<QueryRejection> for ApiError {
    fn from(rejection: QueryRejection) -> Self {
        rejected(
            rejection.status(),
            ErrorCode::InvalidQuery,
            rejection.body_text(),
        )
    }
}

/// A raw body over its route's limit, or one that broke off while it was read.
impl From<BytesRejection> for ApiError {
    fn from(rejection: BytesRejection) -> Self {
        rejected(
            rejection.status(),
            ErrorCode::InvalidUploadRequest,
            rejection.body_text(),
        )
    }
}

impl ApiError {
    /// Logs the error as its answer would be logged; returns that answer's status.
    fn log(&self) -> StatusCode {
        let status = StatusCode::from_u16(self.body.code.http_status())
            .unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        match &self.cause {
            Some(cause) => tracing::error!(code = ?self.body.code, "{cause:#}"),
            None if status.is_server_error() => tracing::error!(code = ?self.body.code, "error"),
            None => tracing::debug!(code = ?self.body.code, "refused"),
        }
        status
    }

    /// For browser navigations (the OpenID callbacks), where JSON would strand the user: a
    /// redirect to an app page with `?error=<code>`, which the page shows in ja/en.
    pub fn redirect_to(self, page: &str) -> Response {
        self.log();
        let code = serde_json::to_value(self.body.code)
            .ok()
            .and_then(|value| value.as_str().map(str::to_owned))
            .unwrap_or_default();
        axum::response::Redirect::to(&format!("{page}?error={code}")).into_response()
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = self.log();
        let retry_after = self.body.retry_after_secs;
        let mut response = (status, Json(self.body)).into_response();
        if let Some(secs) = retry_after {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(secs));
        }
        response
    }
}

/// `Json` whose rejections are `ApiError`s, so every bad body answers in the API's shape.
#[derive(axum::extract::FromRequest)]
#[from_request(via(axum::Json), rejection(ApiError))]
pub struct ApiJson<T>(pub T);

/// `Path` whose rejections are `ApiError`s: a segment that does not parse answers 400
/// `invalid_query` in the API's shape, not axum's plain text.
#[derive(axum::extract::FromRequestParts)]
#[from_request(via(axum::extract::Path), rejection(ApiError))]
pub struct ApiPath<T>(pub T);

/// `Query` whose rejections are `ApiError`s (400 `invalid_query`).
#[derive(axum::extract::FromRequestParts)]
#[from_request(via(axum::extract::Query), rejection(ApiError))]
pub struct ApiQuery<T>(pub T);

impl<T: serde::Serialize> IntoResponse for ApiJson<T> {
    fn into_response(self) -> Response {
        Json(self.0).into_response()
    }
}

/// A full disk is the user's to hear about (507); other I/O failures are internal.
pub fn io_error(error: std::io::Error) -> ApiError {
    if error.kind() == std::io::ErrorKind::StorageFull {
        ErrorCode::StorageFull.into()
    } else {
        anyhow::Error::from(error).into()
    }
}
