//! The corporate console (SPEC C1–C9): the signed-in admin, the company's lines and groups,
//! permission changes and sign-in code notices (each sent with an `Idempotency-Key`, so a
//! double click or a retry never makes a second operation), the history and the admins.

use gloo_net::http::Request;
use hako_protocol::{
    CorpAdmin, CorpAdminMe, CorpGroup, CorpLinePage, HistoryDetail, HistoryPage, HistoryQuery,
    LineQuery, LineSelection, NewAdmin, PermissionChange, Reception, paths,
};

use super::{ApiResult, get, post, read, send, send_json};
use crate::query::with_query;

pub async fn me() -> ApiResult<CorpAdminMe> {
    get(&paths::corp()).await
}

pub async fn lines(query: &LineQuery) -> ApiResult<CorpLinePage> {
    get(&with_query(paths::corp_lines(), query)).await
}

pub async fn groups() -> ApiResult<Vec<CorpGroup>> {
    get(&paths::corp_groups()).await
}

pub async fn permission_change(change: &PermissionChange, key: &str) -> ApiResult<Reception> {
    let request = Request::post(&paths::corp_permission_changes()).header("Idempotency-Key", key);
    read(send_json(request, change).await?).await
}

pub async fn password_notice(selection: &LineSelection, key: &str) -> ApiResult<Reception> {
    let request = Request::post(&paths::corp_password_notice()).header("Idempotency-Key", key);
    read(send_json(request, selection).await?).await
}

pub async fn history(query: &HistoryQuery) -> ApiResult<HistoryPage> {
    get(&with_query(paths::corp_history(), query)).await
}

pub async fn history_detail(reception_number: &str) -> ApiResult<HistoryDetail> {
    get(&paths::corp_history_detail(reception_number)).await
}

pub async fn admins() -> ApiResult<Vec<CorpAdmin>> {
    get(&paths::corp_admins()).await
}

pub async fn add_admin(new: &NewAdmin) -> ApiResult<CorpAdmin> {
    post(&paths::corp_admins(), new).await
}

pub async fn remove_admin(user_id: i64) -> ApiResult<()> {
    send(Request::delete(&paths::corp_admin(user_id)))
        .await
        .map(drop)
}

/// A key for one request the admin means once: retries of it send the same key.
pub fn idempotency_key() -> String {
    let random = (js_sys::Math::random() * 1e16) as u64;
    format!("web-{}-{random:x}", js_sys::Date::now() as u64)
}
