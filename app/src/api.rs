//! The typed API client. Request and answer types come from `hako-protocol`; nothing here
//! writes JSON by hand.

use gloo_net::http::{Request, RequestBuilder, Response};
use hako_protocol::{
    CodeSent, Credentials, ErrorBody, Me, PasswordResetRequest, PasswordResetVerify, Rooms,
    Timeline, TimelinePage, VerifyCode,
};
use serde::{Serialize, de::DeserializeOwned};

/// Why a call failed: the server said no, or it could not be reached.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ClientError {
    Api(ErrorBody),
    Network,
}

type ApiResult<T> = Result<T, ClientError>;

async fn answer(response: Result<Response, gloo_net::Error>) -> ApiResult<Response> {
    let response = response.map_err(|_| ClientError::Network)?;
    if response.ok() {
        Ok(response)
    } else {
        // A proxy's HTML error page is not ours: treat it as the server being unreachable.
        match response.json::<ErrorBody>().await {
            Ok(body) => Err(ClientError::Api(body)),
            Err(_) => Err(ClientError::Network),
        }
    }
}

async fn json<T: DeserializeOwned>(response: Response) -> ApiResult<T> {
    response.json().await.map_err(|_| ClientError::Network)
}

async fn post<B: Serialize, T: DeserializeOwned>(path: &str, body: &B) -> ApiResult<T> {
    let request = Request::post(path)
        .json(body)
        .map_err(|_| ClientError::Network)?;
    json(answer(request.send().await).await?).await
}

async fn send(request: RequestBuilder) -> ApiResult<Response> {
    answer(request.send().await).await
}

pub async fn me() -> ApiResult<Me> {
    json(send(Request::get("/api/v1/me")).await?).await
}

pub async fn signup(credentials: &Credentials) -> ApiResult<CodeSent> {
    post("/api/v1/auth/signup", credentials).await
}

pub async fn verify_signup(request: &VerifyCode) -> ApiResult<Me> {
    post("/api/v1/auth/signup/verify", request).await
}

pub async fn signin(credentials: &Credentials) -> ApiResult<Me> {
    post("/api/v1/auth/signin", credentials).await
}

pub async fn signout() -> ApiResult<()> {
    send(Request::post("/api/v1/auth/signout")).await.map(drop)
}

pub async fn request_password_reset(request: &PasswordResetRequest) -> ApiResult<CodeSent> {
    post("/api/v1/auth/password-reset", request).await
}

pub async fn reset_password(request: &PasswordResetVerify) -> ApiResult<Me> {
    post("/api/v1/auth/password-reset/verify", request).await
}

pub async fn rooms() -> ApiResult<Rooms> {
    json(send(Request::get("/api/v1/rooms")).await?).await
}

pub async fn timeline(room: u8) -> ApiResult<Timeline> {
    json(send(Request::get(&format!("/api/v1/rooms/{room}/timeline"))).await?).await
}

/// All items of a month, page after page.
pub async fn month(room: u8, month: &str) -> ApiResult<TimelinePage> {
    let mut all = TimelinePage {
        items: Vec::new(),
        next_cursor: None,
    };
    let mut cursor: Option<String> = None;
    loop {
        let mut url = format!("/api/v1/rooms/{room}/timeline/{month}");
        if let Some(cursor) = &cursor {
            url.push_str(&format!("?cursor={cursor}"));
        }
        let page: TimelinePage = json(send(Request::get(&url)).await?).await?;
        all.items.extend(page.items);
        match page.next_cursor {
            Some(next) => cursor = Some(next),
            None => return Ok(all),
        }
    }
}
