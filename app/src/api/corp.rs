//! The corporate console (SPEC C1–C9): the signed-in admin, the company's lines and groups,
//! permission changes and mails — app download requests, sign-in code notices and their
//! resends (each sent with an `Idempotency-Key`, so a double click or a retry never makes a
//! second operation), the history and the admins, CSV files out and the lines file in.

use gloo_net::http::Request;
use hako_protocol::{
    CorpAdmin, CorpAdminMe, CorpGroup, CorpLinePage, HistoryDetail, HistoryPage, HistoryQuery,
    ImportPreview, LineQuery, LineSelection, Menu, NewAdmin, PermissionChange, Reception, paths,
};

use super::{ApiResult, ClientError, answer, get, post, read, send, send_json};
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

/// Mails the chosen lines for a mail menu, or — with `resend_of` — mails lines of that
/// earlier operation again (メール再送), as a new operation.
pub async fn mail(
    menu: Menu,
    resend_of: Option<&str>,
    selection: &LineSelection,
    key: &str,
) -> ApiResult<Reception> {
    let path = match (resend_of, menu) {
        (Some(reception), _) => paths::corp_history_resend(reception),
        (None, Menu::AppDownload) => paths::corp_app_download(),
        (None, Menu::PasswordNotice | Menu::PermissionChange) => paths::corp_password_notice(),
    };
    let request = Request::post(&path).header("Idempotency-Key", key);
    read(send_json(request, selection).await?).await
}

/// The number list as CSV, as the search finds it (a plain link: the browser downloads it).
pub fn lines_csv_href(query: &LineQuery) -> String {
    let whole = LineQuery {
        page: None,
        per_page: None,
        ..query.clone()
    };
    with_query(paths::corp_lines_csv(), &whole)
}

/// The history as CSV, as the filters find it.
pub fn history_csv_href(query: &HistoryQuery) -> String {
    let whole = HistoryQuery {
        page: None,
        per_page: None,
        ..query.clone()
    };
    with_query(paths::corp_history_csv(), &whole)
}

/// One operation's lines as CSV.
pub fn history_detail_csv_href(reception_number: &str) -> String {
    paths::corp_history_detail_csv(reception_number)
}

/// Reads a lines file (its bytes as they are: the server tells UTF-8 from Shift_JIS) and
/// says what it would change (`dry_run`) or changes it.
pub async fn import_lines(file: &web_sys::File, dry_run: bool) -> ApiResult<ImportPreview> {
    let path = with_query(paths::corp_lines_import(), &[("dry_run", dry_run)]);
    let request = Request::post(&path)
        .header("content-type", "text/csv")
        .body(file)
        .map_err(|_| ClientError::Network)?;
    read(answer(request.send().await).await?).await
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
