//! The typed API client, one module per area of the server. Request and answer types come
//! from `hako-protocol`, paths from `hako_protocol::paths`; nothing here writes JSON or a
//! query string by hand.

pub mod accounts;
pub mod app_data;
pub mod corp;
pub mod library;
pub mod phones;

use gloo_net::http::{Request, RequestBuilder, Response};
use hako_protocol::ErrorBody;
use serde::{Serialize, de::DeserializeOwned};

/// Why a call failed: the server said no, or it could not be reached.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ClientError {
    Api(ErrorBody),
    Network,
}

pub type ApiResult<T> = Result<T, ClientError>;

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

async fn read<T: DeserializeOwned>(response: Response) -> ApiResult<T> {
    response.json().await.map_err(|_| ClientError::Network)
}

/// Sends a request without a body; the caller reads (or drops) the answer.
async fn send(request: RequestBuilder) -> ApiResult<Response> {
    answer(request.send().await).await
}

/// Sends `body` as JSON.
async fn send_json<B: Serialize>(request: RequestBuilder, body: &B) -> ApiResult<Response> {
    let request = request.json(body).map_err(|_| ClientError::Network)?;
    answer(request.send().await).await
}

async fn get<T: DeserializeOwned>(path: &str) -> ApiResult<T> {
    read(send(Request::get(path)).await?).await
}

async fn post<B: Serialize, T: DeserializeOwned>(path: &str, body: &B) -> ApiResult<T> {
    read(send_json(Request::post(path), body).await?).await
}
