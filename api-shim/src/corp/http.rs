//! The console's endpoints (a signed-in admin, web session) and a line's phone sign-in.

use axum::{
    body::Bytes,
    extract::{DefaultBodyLimit, FromRequestParts, State, rejection::BytesRejection},
    http::{HeaderMap, HeaderValue, StatusCode, header, request::Parts},
    response::{IntoResponse, Response},
};
use hako_protocol::{
    CorpAdmin, CorpAdminMe, CorpGroup, CorpLinePage, DeviceSession, ErrorBody, ErrorCode,
    HistoryDetail, HistoryPage, HistoryQuery, ImportPreview, LineLogin, LineQuery, LineSelection,
    Menu, NewAdmin, PermissionChange, PhonebookSent, Reception,
};
use utoipa::OpenApi;
use utoipa_axum::{router::OpenApiRouter, routes};

use super::{Admin, Request};
use crate::{
    AppState,
    accounts::CurrentUser,
    http::error::{ApiError, ApiJson, ApiPath, ApiQuery, ApiResult},
    phones::CurrentDevice,
};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(me))
        .routes(routes!(lines))
        .routes(routes!(groups))
        .routes(routes!(permission_change))
        .routes(routes!(password_notice))
        .routes(routes!(app_download))
        .routes(routes!(resend))
        .routes(routes!(history))
        .routes(routes!(history_detail))
        .routes(routes!(lines_csv))
        .routes(routes!(history_csv))
        // `…/{reception_number}.csv` is answered by `history_detail` (the router takes no
        // suffix after a parameter); documented on its own.
        .merge(OpenApiRouter::with_openapi(CsvDoc::openapi()))
        .routes(routes!(admins, add_admin))
        .routes(routes!(remove_admin))
        .routes(routes!(line_login))
        .merge(
            OpenApiRouter::new()
                .routes(routes!(send_phonebook, receive_phonebook))
                .routes(routes!(import_lines))
                .layer(DefaultBodyLimit::max(FILE_BODY_LIMIT)),
        )
}

#[derive(serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
struct ImportQuery {
    /// `true`: only say what the file would change.
    dry_run: bool,
}

/// Imports the company's lines from CSV (UTF-8 with or without BOM, or Shift_JIS; the header
/// `number,name,reading,group,department,device_kind,contract_date,email,status`), under the
/// operator's rules: every bad row reported with its line number and nothing imported;
/// re-import updates by number. `dry_run=true` answers what it would change and writes nothing.
#[utoipa::path(post, path = "/api/v1/corp/lines/import", tag = "corp",
    security(("session_cookie" = [])), params(ImportQuery),
    request_body(content = String, content_type = "text/csv", description = "The lines"),
    responses(
        (status = 200, description = "What the file changes (or would change)", body = ImportPreview),
        (status = 400, description = "Bad rows, each with its line number and problem (`invalid_lines_csv`, `bad_rows`)", body = ErrorBody),
        (status = 403, description = "Not an admin (`not_corp_admin`)", body = ErrorBody),
        (status = 413, description = "Larger than 64 MB", body = ErrorBody)))]
async fn import_lines(
    State(state): State<AppState>,
    admin: Admin,
    ApiQuery(query): ApiQuery<ImportQuery>,
    body: Result<Bytes, BytesRejection>,
) -> ApiResult<ApiJson<ImportPreview>> {
    let body = body?;
    let preview = super::import_from_console(&state, &admin, &body, query.dry_run).await?;
    Ok(ApiJson(preview))
}

/// The largest phonebook a phone hands over (photos in vCards make them big), or lines CSV.
const FILE_BODY_LIMIT: usize = 64 * 1024 * 1024;

/// The signed-in admin: 401 without a session, 403 `not_corp_admin` for another account.
impl FromRequestParts<AppState> for Admin {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let user = CurrentUser::from_request_parts(parts, state)
            .await
            .map_err(|_| ApiError::new(ErrorCode::Unauthenticated))?;
        Ok(super::admin_of(&state.db, user.id).await?)
    }
}

/// The IETF `Idempotency-Key` header: a retry with it answers the first reception number.
fn idempotency_key(headers: &HeaderMap) -> ApiResult<Option<String>> {
    let Some(value) = headers.get("idempotency-key") else {
        return Ok(None);
    };
    match value.to_str().map(str::trim) {
        Ok(key) if !key.is_empty() && key.len() <= 255 => Ok(Some(key.to_owned())),
        _ => Err(ErrorCode::InvalidQuery.into()),
    }
}

/// The signed-in admin and their company; 403 for an account that is no admin.
#[utoipa::path(get, path = "/api/v1/corp", tag = "corp", security(("session_cookie" = [])),
    responses(
        (status = 200, body = CorpAdminMe),
        (status = 403, description = "Not an admin of a company (`not_corp_admin`)", body = ErrorBody)))]
async fn me(State(state): State<AppState>, admin: Admin) -> ApiResult<ApiJson<CorpAdminMe>> {
    Ok(ApiJson(super::me(&state.db, &admin).await?))
}

/// The company's number list: search by number, name or reading, a group, 20/50/100 a page.
#[utoipa::path(get, path = "/api/v1/corp/lines", tag = "corp", security(("session_cookie" = [])),
    params(LineQuery),
    responses(
        (status = 200, body = CorpLinePage),
        (status = 400, description = "A request period that is not a date (`invalid_query`)", body = ErrorBody),
        (status = 403, description = "Not an admin (`not_corp_admin`)", body = ErrorBody)))]
async fn lines(
    State(state): State<AppState>,
    admin: Admin,
    ApiQuery(query): ApiQuery<LineQuery>,
) -> ApiResult<ApiJson<CorpLinePage>> {
    Ok(ApiJson(super::lines(&state.db, &admin, &query).await?))
}

/// The company's groups; a group holding a line outside the service cannot be chosen.
#[utoipa::path(get, path = "/api/v1/corp/groups", tag = "corp", security(("session_cookie" = [])),
    responses(
        (status = 200, body = Vec<CorpGroup>),
        (status = 403, description = "Not an admin (`not_corp_admin`)", body = ErrorBody)))]
async fn groups(State(state): State<AppState>, admin: Admin) -> ApiResult<ApiJson<Vec<CorpGroup>>> {
    Ok(ApiJson(super::groups(&state.db, &admin).await?))
}

/// Sets the two permissions of chosen lines or groups (SPEC C3–C6): accepted, it is applied
/// in the background line by line and followed in the history under its reception number.
#[utoipa::path(post, path = "/api/v1/corp/permission-changes", tag = "corp",
    security(("session_cookie" = [])), request_body = PermissionChange,
    params(("Idempotency-Key" = Option<String>, Header, description = "A retry with the same key answers the first reception number")),
    responses(
        (status = 202, description = "Accepted", body = Reception),
        (status = 400, description = "No lines (`no_lines_selected`), over 200 (`too_many_lines`), a line outside the service (`line_not_in_service`)", body = ErrorBody),
        (status = 403, description = "Outside 09:00–23:00 Japan time (`outside_business_hours`), or not an admin", body = ErrorBody),
        (status = 404, description = "A line or group that is not the company's", body = ErrorBody),
        (status = 409, description = "Another admin's change is still being applied (`change_in_progress`)", body = ErrorBody),
        (status = 422, description = "The key was used for another request (`idempotency_key_reused`)", body = ErrorBody)))]
async fn permission_change(
    State(state): State<AppState>,
    admin: Admin,
    headers: HeaderMap,
    ApiJson(change): ApiJson<PermissionChange>,
) -> Accepted {
    let request = Request::permission_change(change, idempotency_key(&headers)?);
    accepted(super::request(&state, &admin, request).await)
}

/// An operation's answer: 202 with its reception number.
type Accepted = ApiResult<(StatusCode, ApiJson<Reception>)>;

fn accepted(reception: super::Result<Reception>) -> Accepted {
    Ok((StatusCode::ACCEPTED, ApiJson(reception?)))
}

/// A mail to the chosen lines, from the menu that sends it.
async fn mail(
    state: &AppState,
    admin: &Admin,
    headers: &HeaderMap,
    menu: Menu,
    selection: LineSelection,
) -> Accepted {
    let request = Request::mail(menu, selection, idempotency_key(headers)?);
    accepted(super::request(state, admin, request).await)
}

/// Mails each chosen line a new one-time sign-in code for its phone (SPEC C8); no admin ever
/// sees a code.
#[utoipa::path(post, path = "/api/v1/corp/mails/password-notice", tag = "corp",
    security(("session_cookie" = [])), request_body = LineSelection,
    params(("Idempotency-Key" = Option<String>, Header, description = "A retry with the same key answers the first reception number")),
    responses(
        (status = 202, description = "Accepted", body = Reception),
        (status = 400, description = "No lines, over 200, a line outside the service", body = ErrorBody),
        (status = 403, description = "Not an admin (`not_corp_admin`)", body = ErrorBody),
        (status = 404, description = "A line that is not the company's", body = ErrorBody),
        (status = 422, description = "The key was used for another request (`idempotency_key_reused`)", body = ErrorBody)))]
async fn password_notice(
    State(state): State<AppState>,
    admin: Admin,
    headers: HeaderMap,
    ApiJson(selection): ApiJson<LineSelection>,
) -> Accepted {
    mail(&state, &admin, &headers, Menu::PasswordNotice, selection).await
}

/// Mails each chosen line the link to the app its phone needs (SPEC C7): the Hako app for
/// smartphones and iPhones, the contacts-copy app for Windows phones (links from the config);
/// 4G feature phones need none and are skipped (`skipped`, `no_app_needed`), never mailed.
#[utoipa::path(post, path = "/api/v1/corp/mails/app-download", tag = "corp",
    security(("session_cookie" = [])), request_body = LineSelection,
    params(("Idempotency-Key" = Option<String>, Header, description = "A retry with the same key answers the first reception number")),
    responses(
        (status = 202, description = "Accepted", body = Reception),
        (status = 400, description = "No lines, over 200, a line outside the service", body = ErrorBody),
        (status = 403, description = "Not an admin (`not_corp_admin`)", body = ErrorBody),
        (status = 404, description = "A line that is not the company's", body = ErrorBody),
        (status = 422, description = "The key was used for another request (`idempotency_key_reused`)", body = ErrorBody)))]
async fn app_download(
    State(state): State<AppState>,
    admin: Admin,
    headers: HeaderMap,
    ApiJson(selection): ApiJson<LineSelection>,
) -> Accepted {
    mail(&state, &admin, &headers, Menu::AppDownload, selection).await
}

/// Mails chosen lines of an earlier mail operation again (メール再送): a new operation with
/// its own reception number, whose history entry names the one it repeats (`resend_of`).
#[utoipa::path(post, path = "/api/v1/corp/history/{reception_number}/resend", tag = "corp",
    security(("session_cookie" = [])), request_body = LineSelection,
    params(("reception_number" = String, Path, description = "16 digits"),
        ("Idempotency-Key" = Option<String>, Header, description = "A retry with the same key answers the first reception number")),
    responses(
        (status = 202, description = "Accepted: the new operation", body = Reception),
        (status = 400, description = "No lines, over 200, a line outside the service, or a line that operation did not mail / an operation that sent no mail (`not_resendable`)", body = ErrorBody),
        (status = 403, description = "Not an admin (`not_corp_admin`)", body = ErrorBody),
        (status = 404, description = "No such operation of the company", body = ErrorBody),
        (status = 422, description = "The key was used for another request (`idempotency_key_reused`)", body = ErrorBody)))]
async fn resend(
    State(state): State<AppState>,
    admin: Admin,
    headers: HeaderMap,
    ApiPath(reception_number): ApiPath<String>,
    ApiJson(selection): ApiJson<LineSelection>,
) -> Accepted {
    let key = idempotency_key(&headers)?;
    accepted(super::resend(&state, &admin, &reception_number, selection, key).await)
}

/// The company's operations, newest first, by menu, status, period (Japan dates) and admin.
#[utoipa::path(get, path = "/api/v1/corp/history", tag = "corp", security(("session_cookie" = [])),
    params(HistoryQuery),
    responses(
        (status = 200, body = HistoryPage),
        (status = 400, description = "A period that is not a date (`invalid_query`)", body = ErrorBody),
        (status = 403, description = "Not an admin (`not_corp_admin`)", body = ErrorBody)))]
async fn history(
    State(state): State<AppState>,
    admin: Admin,
    ApiQuery(query): ApiQuery<HistoryQuery>,
) -> ApiResult<ApiJson<HistoryPage>> {
    Ok(ApiJson(super::history(&state.db, &admin, &query).await?))
}

/// A CSV answer that Excel opens as Japanese text, downloaded under `name`.
fn csv_file(bytes: Vec<u8>, name: &str) -> Response {
    let mut response = bytes.into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/csv; charset=utf-8"),
    );
    if let Ok(disposition) = HeaderValue::from_str(&format!("attachment; filename=\"{name}\"")) {
        headers.insert(header::CONTENT_DISPOSITION, disposition);
    }
    response
}

/// The number list as CSV (UTF-8 with BOM): every line the search finds.
#[utoipa::path(get, path = "/api/v1/corp/lines.csv", tag = "corp", security(("session_cookie" = [])),
    params(LineQuery),
    responses(
        (status = 200, description = "UTF-8 with BOM, a Japanese header row", content_type = "text/csv", body = String),
        (status = 400, description = "A request period that is not a date (`invalid_query`)", body = ErrorBody),
        (status = 403, description = "Not an admin (`not_corp_admin`)", body = ErrorBody)))]
async fn lines_csv(
    State(state): State<AppState>,
    admin: Admin,
    ApiQuery(query): ApiQuery<LineQuery>,
) -> ApiResult<Response> {
    let bytes = super::lines_csv(&state.db, &admin, &query).await?;
    Ok(csv_file(bytes, "lines.csv"))
}

/// The history as CSV (UTF-8 with BOM): every operation the filters find.
#[utoipa::path(get, path = "/api/v1/corp/history.csv", tag = "corp", security(("session_cookie" = [])),
    params(HistoryQuery),
    responses(
        (status = 200, description = "UTF-8 with BOM, a Japanese header row", content_type = "text/csv", body = String),
        (status = 400, description = "A period that is not a date (`invalid_query`)", body = ErrorBody),
        (status = 403, description = "Not an admin (`not_corp_admin`)", body = ErrorBody)))]
async fn history_csv(
    State(state): State<AppState>,
    admin: Admin,
    ApiQuery(query): ApiQuery<HistoryQuery>,
) -> ApiResult<Response> {
    let bytes = super::history_csv(&state.db, &admin, &query).await?;
    Ok(csv_file(bytes, "history.csv"))
}

/// One operation's lines with their results as CSV (UTF-8 with BOM).
#[utoipa::path(get, path = "/api/v1/corp/history/{reception_number}.csv", tag = "corp",
    security(("session_cookie" = [])),
    params(("reception_number" = String, Path, description = "16 digits")),
    responses(
        (status = 200, description = "UTF-8 with BOM, a Japanese header row", content_type = "text/csv", body = String),
        (status = 403, description = "Not an admin (`not_corp_admin`)", body = ErrorBody),
        (status = 404, description = "No such operation of the company", body = ErrorBody)))]
async fn history_detail_csv(
    state: &AppState,
    admin: &Admin,
    reception_number: &str,
) -> ApiResult<Response> {
    let bytes = super::history_detail_csv(&state.db, admin, reception_number).await?;
    Ok(csv_file(bytes, &format!("{reception_number}.csv")))
}

#[derive(utoipa::OpenApi)]
#[openapi(paths(history_detail_csv))]
struct CsvDoc;

/// One operation and each of its lines, with the time and status of each (履歴詳細).
#[utoipa::path(get, path = "/api/v1/corp/history/{reception_number}", tag = "corp",
    security(("session_cookie" = [])),
    params(("reception_number" = String, Path, description = "16 digits")),
    responses(
        (status = 200, body = HistoryDetail),
        (status = 403, description = "Not an admin (`not_corp_admin`)", body = ErrorBody),
        (status = 404, description = "No such operation of the company", body = ErrorBody)))]
async fn history_detail(
    State(state): State<AppState>,
    admin: Admin,
    ApiPath(reception_number): ApiPath<String>,
) -> ApiResult<Response> {
    if let Some(reception_number) = reception_number.strip_suffix(".csv") {
        return history_detail_csv(&state, &admin, reception_number).await;
    }
    let detail = super::history_detail(&state.db, &admin, &reception_number).await?;
    Ok(ApiJson(detail).into_response())
}

/// The company's admins.
#[utoipa::path(get, path = "/api/v1/corp/admins", tag = "corp", security(("session_cookie" = [])),
    responses(
        (status = 200, body = Vec<CorpAdmin>),
        (status = 403, description = "Not an admin (`not_corp_admin`)", body = ErrorBody)))]
async fn admins(State(state): State<AppState>, admin: Admin) -> ApiResult<ApiJson<Vec<CorpAdmin>>> {
    Ok(ApiJson(super::admins(&state.db, &admin).await?))
}

/// Adds a sub-admin (main admin only): an existing account at once, a new address by an
/// invitation mail with a code to set a password.
#[utoipa::path(post, path = "/api/v1/corp/admins", tag = "corp", security(("session_cookie" = [])),
    request_body = NewAdmin,
    responses(
        (status = 201, body = CorpAdmin),
        (status = 400, description = "Not a mail address, or no name", body = ErrorBody),
        (status = 403, description = "Not the main admin (`main_admin_only`)", body = ErrorBody),
        (status = 409, description = "Already an admin of a company (`admin_in_other_company`)", body = ErrorBody),
        (status = 429, description = "Too many mails to this address", body = ErrorBody)))]
async fn add_admin(
    State(state): State<AppState>,
    admin: Admin,
    ApiJson(new): ApiJson<NewAdmin>,
) -> ApiResult<(StatusCode, ApiJson<CorpAdmin>)> {
    let added = super::add_admin(&state, &admin, &new).await?;
    Ok((StatusCode::CREATED, ApiJson(added)))
}

/// Removes a sub-admin (main admin only); their account stays.
#[utoipa::path(delete, path = "/api/v1/corp/admins/{user_id}", tag = "corp",
    security(("session_cookie" = [])),
    params(("user_id" = i64, Path, description = "The sub-admin's account")),
    responses(
        (status = 204, description = "Removed"),
        (status = 403, description = "Not the main admin (`main_admin_only`)", body = ErrorBody),
        (status = 404, description = "No sub-admin of the company with this id", body = ErrorBody)))]
async fn remove_admin(
    State(state): State<AppState>,
    admin: Admin,
    ApiPath(user_id): ApiPath<i64>,
) -> ApiResult<StatusCode> {
    super::remove_admin(&state, &admin, user_id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// A line's phone signs in with its number and the code of its latest password notice
/// (SPEC C8): a device token for the line's own account.
#[utoipa::path(post, path = "/api/v1/devices/line-login", tag = "corp", request_body = LineLogin,
    responses(
        (status = 201, description = "Signed in", body = DeviceSession),
        (status = 400, description = "Not a phone number (`invalid_line_number`)", body = ErrorBody),
        (status = 401, description = "Wrong number or code, or a used, replaced or expired code (`line_code_invalid`)", body = ErrorBody)))]
async fn line_login(
    State(state): State<AppState>,
    ApiJson(login): ApiJson<LineLogin>,
) -> ApiResult<(StatusCode, ApiJson<DeviceSession>)> {
    let session = super::phone::sign_in(&state, &login).await?;
    Ok((StatusCode::CREATED, ApiJson(session)))
}

/// Migrate-out (SPEC C2, C10): the old phone hands over its phonebook for the account's new
/// phone, apart from backup. A line's phone needs its migration function.
#[utoipa::path(put, path = "/api/v1/device/contacts-migration", tag = "corp",
    security(("device_token" = [])),
    request_body(content = String, content_type = "text/vcard", description = "The phonebook as vCard"),
    responses(
        (status = 200, description = "Handed over: how many contacts", body = PhonebookSent),
        (status = 400, description = "Not a vCard file (`invalid_backup_file`)", body = ErrorBody),
        (status = 403, description = "The line's permissions forbid it (`line_contract_check`, `migration_restricted`)", body = ErrorBody),
        (status = 413, description = "Larger than 64 MB", body = ErrorBody)))]
async fn send_phonebook(
    State(state): State<AppState>,
    device: CurrentDevice,
    body: Result<Bytes, BytesRejection>,
) -> ApiResult<ApiJson<PhonebookSent>> {
    let body = body?;
    let contacts = super::phone::send_phonebook(&state, device.user_id, &body).await?;
    Ok(ApiJson(PhonebookSent { contacts }))
}

/// Migrate-in: the new phone takes the phonebook the old one handed over (vCard).
#[utoipa::path(get, path = "/api/v1/device/contacts-migration", tag = "corp",
    security(("device_token" = [])),
    responses(
        (status = 200, description = "The phonebook", content_type = "text/vcard", body = String),
        (status = 403, description = "The line's permissions forbid it (`line_contract_check`, `migration_restricted`)", body = ErrorBody),
        (status = 404, description = "Nothing was handed over (`no_migration_data`)", body = ErrorBody)))]
async fn receive_phonebook(
    State(state): State<AppState>,
    device: CurrentDevice,
) -> ApiResult<Response> {
    let vcard = super::phone::receive_phonebook(&state.db, device.user_id).await?;
    let mut response = vcard.into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/vcard; charset=utf-8"),
    );
    Ok(response)
}
