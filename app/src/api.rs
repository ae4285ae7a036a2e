//! The typed API client. Request and answer types come from `hako-protocol`; nothing here
//! writes JSON by hand.

use gloo_net::http::{Request, RequestBuilder, Response};
use hako_protocol::{
    AuthProviders, Badge, CallList, ChangeEmail, ChangeEmailVerify, ChangePassword, CodeSent,
    ContactList, Credentials, Document, DownloadRequest, DownloadTicket, ErrorBody, EventList,
    ItemInfo, Me, PasswordResetRequest, PasswordResetVerify, RegisterLicense, RenamePhone,
    RoomSummary, Rooms, Timeline, TimelineFilter, TimelinePage, TimelineSort, Track, VerifyCode,
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

pub async fn timeline(room: u8, filter: TimelineFilter, sort: TimelineSort) -> ApiResult<Timeline> {
    let url = format!(
        "/api/v1/rooms/{room}/timeline?filter={}&sort={}",
        filter.as_str(),
        sort.as_str()
    );
    json(send(Request::get(&url)).await?).await
}

/// One page of a month's items; `abort` cancels it when the month scrolls away.
pub async fn month_page(
    room: u8,
    month: &str,
    filter: TimelineFilter,
    status: Option<Badge>,
    cursor: Option<&str>,
    abort: &web_sys::AbortSignal,
) -> ApiResult<TimelinePage> {
    let mut url = format!(
        "/api/v1/rooms/{room}/timeline/{month}?filter={}",
        filter.as_str()
    );
    if let Some(status) = status {
        url.push_str(&format!("&status={}", status.as_str()));
    }
    if let Some(cursor) = cursor {
        url.push_str(&format!("&cursor={cursor}"));
    }
    json(send(Request::get(&url).abort_signal(Some(abort))).await?).await
}

pub async fn item(id: i64) -> ApiResult<ItemInfo> {
    json(send(Request::get(&format!("/api/v1/items/{id}"))).await?).await
}

pub async fn delete_item(id: i64) -> ApiResult<()> {
    send(Request::delete(&format!("/api/v1/items/{id}")))
        .await
        .map(drop)
}

pub async fn download(item_ids: Vec<i64>) -> ApiResult<DownloadTicket> {
    post("/api/v1/downloads", &DownloadRequest { item_ids }).await
}

pub async fn music(room: u8) -> ApiResult<Vec<Track>> {
    json(send(Request::get(&format!("/api/v1/rooms/{room}/music"))).await?).await
}

pub async fn documents(room: u8) -> ApiResult<Vec<Document>> {
    json(send(Request::get(&format!("/api/v1/rooms/{room}/documents"))).await?).await
}

pub async fn contacts(room: u8) -> ApiResult<ContactList> {
    json(send(Request::get(&format!("/api/v1/rooms/{room}/contacts"))).await?).await
}

pub async fn calendar(room: u8) -> ApiResult<EventList> {
    json(send(Request::get(&format!("/api/v1/rooms/{room}/calendar"))).await?).await
}

pub async fn calls(room: u8) -> ApiResult<CallList> {
    json(send(Request::get(&format!("/api/v1/rooms/{room}/calls"))).await?).await
}

pub async fn room_summary(room: u8) -> ApiResult<RoomSummary> {
    json(send(Request::get(&format!("/api/v1/rooms/{room}/summary"))).await?).await
}

pub async fn rename_phone(room: u8, name: String) -> ApiResult<()> {
    let request = Request::patch(&format!("/api/v1/rooms/{room}"))
        .json(&RenamePhone { name })
        .map_err(|_| ClientError::Network)?;
    answer(request.send().await).await.map(drop)
}

pub async fn reset_room(room: u8) -> ApiResult<()> {
    send(Request::delete(&format!("/api/v1/rooms/{room}")))
        .await
        .map(drop)
}

pub async fn register_license(key: String) -> ApiResult<Me> {
    post("/api/v1/account/license", &RegisterLicense { key }).await
}

pub async fn change_password(body: &ChangePassword) -> ApiResult<()> {
    let request = Request::post("/api/v1/account/password")
        .json(body)
        .map_err(|_| ClientError::Network)?;
    answer(request.send().await).await.map(drop)
}

pub async fn change_email(body: &ChangeEmail) -> ApiResult<CodeSent> {
    post("/api/v1/account/email", body).await
}

pub async fn verify_email_change(body: &ChangeEmailVerify) -> ApiResult<Me> {
    post("/api/v1/account/email/verify", body).await
}

/// The sign-in providers the operator configured.
pub async fn providers() -> ApiResult<AuthProviders> {
    json(send(Request::get("/api/v1/auth/providers")).await?).await
}
