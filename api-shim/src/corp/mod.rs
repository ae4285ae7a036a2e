//! The corporate console (SPEC C1–C10): a company's admins decide, per employee phone line,
//! whether its phone may use the backup function and the phonebook migration function.
//! Changes are operations with a reception number, accepted 09:00–23:00 Japan time, applied
//! line by line by a job (`job.rs`) and kept as a history; the line's phone signs in with a
//! code from a password notice and is held to its line's permissions (`phone.rs`).
//!
//! Everything an admin reaches is scoped to their own company: each query names it.

mod export;
mod http;
pub mod import;
mod job;
mod phone;
mod store;

use hako_media::time::{japan_day, japan_midnight, rfc3339, seconds_into_japan_day};
use hako_protocol::{
    AdminRole, CorpAdmin, CorpAdminMe, CorpGroup, CorpLine, CorpLinePage, DeviceKind, ErrorCode,
    HistoryDetail, HistoryEntry, HistoryLine, HistoryPage, HistoryQuery, ImportPreview, LineQuery,
    LineResult, LineSelection, LineStatus, MAX_LINES_PER_OPERATION, Menu, NewAdmin,
    OperationStatus, PAGE_SIZES, PermissionChange, Reception, format_line_number, normalize_email,
};
use sha2::{Digest, Sha256};

pub use http::router;
pub use job::OperationJob;
pub use phone::{Function, check_function};

use crate::{
    AppState,
    accounts::{AccountsError, Invited},
    http::error::ApiError,
    mail::Mail,
    store::db::{Db, begin_write},
};

/// Why the console refused.
#[derive(Debug, thiserror::Error)]
pub enum CorpError {
    #[error("not an admin of a company")]
    NotAdmin,
    #[error("only the main admin may do this")]
    MainAdminOnly,
    #[error("the account is already an admin of another company")]
    AdminElsewhere,
    #[error("no such company")]
    NoCompany,
    #[error("a company needs a name, and an admin a name")]
    MissingName,
    #[error("not found")]
    NotFound,
    #[error("no lines selected")]
    NoLinesSelected,
    #[error("more than 200 lines selected")]
    TooManyLines,
    #[error("a line outside the service is selected")]
    LineNotInService,
    #[error("outside business hours (09:00-23:00 Japan time)")]
    OutsideBusinessHours,
    #[error("another admin's change is in progress")]
    ChangeInProgress,
    #[error("the Idempotency-Key was used for another request")]
    KeyReused,
    #[error("both functions are off for this line")]
    LineContract,
    #[error("the backup function is off for this line")]
    RestrictedByAdmin,
    #[error("the migration function is off for this line")]
    MigrationRestricted,
    #[error("wrong number or sign-in code")]
    CodeInvalid,
    #[error("not a phone number")]
    InvalidNumber,
    #[error("not a date (YYYY-MM-DD)")]
    InvalidDate,
    #[error("not a vCard phonebook")]
    InvalidPhonebook,
    #[error("no phonebook was handed over")]
    NoPhonebook,
    #[error("only the lines of a mail operation can be mailed again")]
    NotResendable,
    #[error(transparent)]
    Import(#[from] import::ImportError),
    #[error(transparent)]
    Accounts(#[from] AccountsError),
    #[error(transparent)]
    Phones(#[from] crate::phones::PhonesError),
    #[error(transparent)]
    Store(#[from] sqlx::Error),
    #[error(transparent)]
    Other(#[from] anyhow::Error),
}

impl CorpError {
    /// The machine code a client sees.
    fn code(&self) -> Option<ErrorCode> {
        Some(match self {
            Self::NotAdmin => ErrorCode::NotCorpAdmin,
            Self::MainAdminOnly => ErrorCode::MainAdminOnly,
            Self::AdminElsewhere => ErrorCode::AdminInOtherCompany,
            Self::NoCompany | Self::NotFound => ErrorCode::NotFound,
            Self::MissingName => ErrorCode::InvalidJson,
            Self::NoLinesSelected => ErrorCode::NoLinesSelected,
            Self::TooManyLines => ErrorCode::TooManyLines,
            Self::LineNotInService => ErrorCode::LineNotInService,
            Self::OutsideBusinessHours => ErrorCode::OutsideBusinessHours,
            Self::ChangeInProgress => ErrorCode::ChangeInProgress,
            Self::KeyReused => ErrorCode::IdempotencyKeyReused,
            Self::LineContract => ErrorCode::LineContractCheck,
            Self::RestrictedByAdmin => ErrorCode::RestrictedByAdmin,
            Self::MigrationRestricted => ErrorCode::MigrationRestricted,
            Self::CodeInvalid => ErrorCode::LineCodeInvalid,
            Self::InvalidNumber => ErrorCode::InvalidLineNumber,
            Self::InvalidDate => ErrorCode::InvalidQuery,
            Self::InvalidPhonebook => ErrorCode::InvalidBackupFile,
            Self::NoPhonebook => ErrorCode::NoMigrationData,
            Self::NotResendable => ErrorCode::NotResendable,
            Self::Import(_)
            | Self::Accounts(_)
            | Self::Phones(_)
            | Self::Store(_)
            | Self::Other(_) => return None,
        })
    }
}

impl From<CorpError> for ApiError {
    fn from(error: CorpError) -> Self {
        match (error.code(), error) {
            (Some(code), _) => code.into(),
            (None, CorpError::Import(error)) => {
                ApiError::new(ErrorCode::InvalidLinesCsv).bad_rows(error.0)
            }
            (None, CorpError::Accounts(error)) => error.into(),
            (None, CorpError::Phones(error)) => error.into(),
            (None, CorpError::Store(error)) => error.into(),
            (None, other) => anyhow::Error::from(other).into(),
        }
    }
}

type Result<T, E = CorpError> = std::result::Result<T, E>;

/// The signed-in admin, with their company.
#[derive(Clone, Debug)]
pub struct Admin {
    pub user_id: i64,
    pub company_id: i64,
    pub role: AdminRole,
    pub name: String,
    pub email: String,
}

impl Admin {
    fn main_only(&self) -> Result<()> {
        if self.role == AdminRole::Main {
            Ok(())
        } else {
            Err(CorpError::MainAdminOnly)
        }
    }
}

/// The admin behind an account, if it is one.
pub async fn admin_of(db: &Db, user_id: i64) -> Result<Admin> {
    let row = store::admin(db, user_id)
        .await?
        .ok_or(CorpError::NotAdmin)?;
    Ok(Admin {
        user_id,
        company_id: row.company_id,
        role: AdminRole::parse(&row.role).unwrap_or(AdminRole::Sub),
        name: row.name,
        email: row.email,
    })
}

pub async fn me(db: &Db, admin: &Admin) -> Result<CorpAdminMe> {
    let company_name = store::company_name(db, admin.company_id)
        .await?
        .ok_or(CorpError::NoCompany)?;
    Ok(CorpAdminMe {
        company_id: admin.company_id,
        company_name,
        role: admin.role,
        admin_name: admin.name.clone(),
        admin_id: admin.email.clone(),
    })
}

/// Permissions a line starts with, by its contract date (SPEC C2): before 2017-05-10 both
/// off; from then on backup off, migration on. Dates are `YYYY-MM-DD`, which sort as text.
pub fn default_permissions(contract_date: &str) -> (bool, bool) {
    (false, contract_date >= "2017-05-10")
}

/// Changes are accepted from 09:00 to 23:00 Japan time (SPEC C4).
pub fn within_business_hours(now: i64) -> bool {
    (9 * 3600..23 * 3600).contains(&seconds_into_japan_day(now))
}

/// `2011071500000020`: the Japan date and the day's 8-digit sequence.
fn reception_number(now: i64, sequence: i64) -> String {
    format!("{}{sequence:08}", japan_day(now))
}

fn role_words(role: AdminRole) -> (&'static str, &'static str) {
    match role {
        AdminRole::Main => ("主管理者", "main admin"),
        AdminRole::Sub => ("サブ管理者", "sub-admin"),
    }
}

/// Makes `email` an admin of the company: at once for an existing account (told by mail),
/// else a new account with an invitation code to set its password. Recorded in the audit.
async fn appoint(
    state: &AppState,
    company_id: i64,
    role: AdminRole,
    email: &str,
    name: &str,
) -> Result<i64> {
    let name = name.trim();
    if name.is_empty() {
        return Err(CorpError::MissingName);
    }
    let company = store::company_name(&state.db, company_id)
        .await?
        .ok_or(CorpError::NoCompany)?;
    let invited = crate::accounts::invite(state, email).await?;
    let user_id = match &invited {
        Invited::Existing { user_id } | Invited::New { user_id, .. } => *user_id,
    };
    let added = store::NewAdminRow {
        user_id,
        company_id,
        role: role.as_str(),
        name,
        now: state.clock.now(),
    };
    if !store::insert_admin(&state.db, &added).await? {
        return Err(CorpError::AdminElsewhere);
    }
    let (role_ja, role_en) = role_words(role);
    let to = normalize_email(email).unwrap_or_else(|_| email.to_owned());
    let mail = match invited {
        Invited::Existing { .. } => Mail::CorpAdminAppointed {
            company,
            role_ja,
            role_en,
        },
        Invited::New { code, .. } => Mail::CorpAdminInvitation {
            company,
            role_ja,
            role_en,
            code,
        },
    };
    state.mail_in_background(to, mail);
    Ok(user_id)
}

/// `hako corp create`: a company and its main admin; answers the company's id.
pub async fn create_company(
    state: &AppState,
    name: &str,
    admin_email: &str,
    admin_name: &str,
) -> Result<i64> {
    let name = name.trim();
    if name.is_empty() {
        return Err(CorpError::MissingName);
    }
    let company_id = store::insert_company(&state.db, name, state.clock.now()).await?;
    if let Err(error) = appoint(state, company_id, AdminRole::Main, admin_email, admin_name).await {
        // No company without its main admin.
        store::delete_company(&state.db, company_id).await?;
        return Err(error);
    }
    Ok(company_id)
}

/// Adds a sub-admin (main admin only).
pub async fn add_admin(state: &AppState, admin: &Admin, new: &NewAdmin) -> Result<CorpAdmin> {
    admin.main_only()?;
    let user_id = appoint(
        state,
        admin.company_id,
        AdminRole::Sub,
        &new.email,
        &new.name,
    )
    .await?;
    audit(
        state,
        admin,
        "admin_added",
        &format!("{} ({})", new.name.trim(), new.email.trim()),
    )
    .await?;
    admins(&state.db, admin)
        .await?
        .into_iter()
        .find(|a| a.user_id == user_id)
        .ok_or(CorpError::NotFound)
}

/// Removes a sub-admin of the company (main admin only); the account itself stays.
pub async fn remove_admin(state: &AppState, admin: &Admin, user_id: i64) -> Result<()> {
    admin.main_only()?;
    let removed = store::delete_sub_admin(&state.db, admin.company_id, user_id)
        .await?
        .ok_or(CorpError::NotFound)?;
    audit(
        state,
        admin,
        "admin_removed",
        &format!("{} ({})", removed.0, removed.1),
    )
    .await
}

async fn audit(state: &AppState, admin: &Admin, action: &str, detail: &str) -> Result<()> {
    let entry = store::AuditRow {
        company_id: admin.company_id,
        admin_user_id: admin.user_id,
        admin_name: &admin.name,
        admin_email: &admin.email,
        action,
        detail,
        at: state.clock.now(),
    };
    Ok(store::insert_audit(&state.db, &entry).await?)
}

pub async fn admins(db: &Db, admin: &Admin) -> Result<Vec<CorpAdmin>> {
    Ok(store::admins(db, admin.company_id)
        .await?
        .into_iter()
        .map(|row| CorpAdmin {
            user_id: row.user_id,
            admin_id: row.email,
            name: row.name,
            role: AdminRole::parse(&row.role).unwrap_or(AdminRole::Sub),
            added_at: rfc3339(row.added_at),
        })
        .collect())
}

/// `hako corp lines import`: every row of the file, or none (SPEC C1). New lines start with
/// the permissions of their contract date; known numbers are updated, permissions kept.
/// Answers (added, updated).
pub async fn import_lines(db: &Db, company_id: i64, csv: &[u8], now: i64) -> Result<(u64, u64)> {
    let rows = import::parse(csv)?;
    if store::company_name(db, company_id).await?.is_none() {
        return Err(CorpError::NoCompany);
    }
    let mut tx = begin_write(db).await?;
    let counts = store::import_lines(&mut tx, company_id, &rows, now).await?;
    tx.commit().await?;
    Ok(counts)
}

/// An import from the console (issue 15): what the file changes, line by line, applied unless
/// `dry_run` — under the same rules as the operator's, in one transaction, and recorded.
pub async fn import_from_console(
    state: &AppState,
    admin: &Admin,
    csv: &[u8],
    dry_run: bool,
) -> Result<ImportPreview> {
    let rows = import::parse(csv)?;
    let mut tx = begin_write(&state.db).await?;
    let known = store::known_lines(&mut tx, admin.company_id).await?;
    let preview = import::changes(&rows, &known, dry_run);
    if !dry_run {
        store::import_lines(&mut tx, admin.company_id, &rows, state.clock.now()).await?;
    }
    tx.commit().await?;
    if !dry_run {
        let detail = format!("{} added, {} updated", preview.added, preview.updated);
        audit(state, admin, "lines_imported", &detail).await?;
    }
    Ok(preview)
}

fn page_size(per_page: Option<u32>) -> u32 {
    per_page
        .filter(|size| PAGE_SIZES.contains(size))
        .unwrap_or(PAGE_SIZES[0])
}

fn line_filter(admin: &Admin, query: &LineQuery) -> Result<store::LineFilter> {
    let search = query.q.as_deref().map(str::trim).filter(|q| !q.is_empty());
    Ok(store::LineFilter {
        company_id: admin.company_id,
        text: search.map(str::to_owned),
        digits: search
            .map(|q| q.chars().filter(char::is_ascii_digit).collect::<String>())
            .filter(|d| !d.is_empty()),
        group_id: query.group,
        requested: japan_days(&query.requested_from, &query.requested_to)?,
    })
}

/// A period of Japan dates (`YYYY-MM-DD`, both ends included) as Unix seconds `[from, to)`.
fn japan_days(from: &Option<String>, to: &Option<String>) -> Result<(Option<i64>, Option<i64>)> {
    let midnight = |date: &Option<String>| -> Result<Option<i64>> {
        date.as_deref()
            .map(|d| japan_midnight(d).ok_or(CorpError::InvalidDate))
            .transpose()
    };
    Ok((midnight(from)?, midnight(to)?.map(|day| day + 86_400)))
}

/// The number list: search by number, name or reading, a group, a page (SPEC C3).
pub async fn lines(db: &Db, admin: &Admin, query: &LineQuery) -> Result<CorpLinePage> {
    let per_page = page_size(query.per_page);
    let page = query.page.unwrap_or(1).max(1);
    let filter = line_filter(admin, query)?;
    let total = store::count_lines(db, &filter).await?;
    let rows = store::lines(
        db,
        &filter,
        i64::from(per_page),
        i64::from((page - 1) * per_page),
    )
    .await?;
    Ok(CorpLinePage {
        lines: rows.into_iter().map(CorpLine::from).collect(),
        total: u64::try_from(total).unwrap_or(0),
        page,
        per_page,
    })
}

/// Every line the search finds, as CSV (the page is ignored).
pub async fn lines_csv(db: &Db, admin: &Admin, query: &LineQuery) -> Result<Vec<u8>> {
    let rows = store::lines(db, &line_filter(admin, query)?, i64::MAX, 0).await?;
    let lines: Vec<CorpLine> = rows.into_iter().map(CorpLine::from).collect();
    Ok(export::lines(&lines))
}

impl From<store::LineRow> for CorpLine {
    fn from(row: store::LineRow) -> Self {
        Self {
            id: row.id,
            number: format_line_number(&row.number),
            name: row.name,
            reading: row.reading,
            group_id: row.group_id,
            group: row.group_name,
            department: row.department,
            device_kind: DeviceKind::parse(&row.device_kind).unwrap_or(DeviceKind::Smartphone),
            contract_date: row.contract_date,
            email: row.email,
            status: LineStatus::parse(&row.status).unwrap_or(LineStatus::Cancelled),
            processing: row.processing.0,
            backup: row.backup.0,
            migration: row.migration.0,
            last_app_request_at: row.last_app_request_at.map(rfc3339),
        }
    }
}

pub async fn groups(db: &Db, admin: &Admin) -> Result<Vec<CorpGroup>> {
    Ok(store::groups(db, admin.company_id)
        .await?
        .into_iter()
        .map(|row| CorpGroup {
            id: row.id,
            name: row.name,
            members: u64::try_from(row.members).unwrap_or(0),
            selectable: row.members > 0 && row.cancelled == 0,
        })
        .collect())
}

/// An operation an admin asks for.
pub struct Request {
    pub menu: Menu,
    pub line_ids: Vec<i64>,
    pub group_ids: Vec<i64>,
    /// The values a permission change sets.
    pub values: Option<(bool, bool)>,
    pub idempotency_key: Option<String>,
    /// The operation a resend mails again.
    pub resend_of: Option<i64>,
}

impl Request {
    pub fn permission_change(change: PermissionChange, key: Option<String>) -> Self {
        Self {
            menu: Menu::PermissionChange,
            line_ids: change.line_ids,
            group_ids: change.group_ids,
            values: Some((change.backup, change.migration)),
            idempotency_key: key,
            resend_of: None,
        }
    }

    /// A mail to chosen lines: a sign-in code notice or an app-download request.
    pub fn mail(menu: Menu, selection: LineSelection, key: Option<String>) -> Self {
        Self {
            menu,
            line_ids: selection.line_ids,
            group_ids: Vec::new(),
            values: None,
            idempotency_key: key,
            resend_of: None,
        }
    }

    /// What a retry with the same key must repeat exactly.
    fn fingerprint(&self) -> String {
        let text = format!(
            "{}|{:?}|{:?}|{:?}|{:?}",
            self.menu.as_str(),
            self.line_ids,
            self.group_ids,
            self.values,
            self.resend_of
        );
        hex::encode(Sha256::digest(text.as_bytes()))
    }
}

/// Accepts an operation (SPEC C3–C6, C8): the selection's errors first (none, over 200, a
/// line outside the service), then, for a permission change, the business hours and another
/// admin's change still in progress. A retry with the same `Idempotency-Key` answers the first
/// reception number. All under the write lock, so two admins cannot both pass the check.
pub async fn request(state: &AppState, admin: &Admin, request: Request) -> Result<Reception> {
    let now = state.clock.now();
    let fingerprint = request.fingerprint();
    let mut tx = begin_write(&state.db).await?;
    if let Some(key) = &request.idempotency_key
        && let Some(earlier) = store::by_idempotency_key(&mut tx, admin, key).await?
    {
        return if earlier.1 == fingerprint {
            Ok(Reception {
                reception_number: earlier.0,
            })
        } else {
            Err(CorpError::KeyReused)
        };
    }
    let lines = selection(&mut tx, admin.company_id, &request).await?;
    if request.menu == Menu::PermissionChange {
        if !within_business_hours(now) {
            return Err(CorpError::OutsideBusinessHours);
        }
        if store::other_admins_change_running(&mut tx, admin).await? {
            return Err(CorpError::ChangeInProgress);
        }
    }
    let sequence = store::next_reception_sequence(&mut tx, &japan_day(now)).await?;
    let reception_number = reception_number(now, sequence);
    let operation = store::NewOperation {
        admin,
        menu: request.menu.as_str(),
        reception_number: &reception_number,
        values: request.values,
        received_at: now,
        idempotency_key: request.idempotency_key.as_deref(),
        request_hash: &fingerprint,
        resend_of: request.resend_of,
    };
    store::insert_operation(&mut tx, &operation, &lines).await?;
    tx.commit().await?;
    state.corp_jobs.wake();
    Ok(Reception { reception_number })
}

/// Mails chosen lines of an earlier mail operation again (メール再送, SPEC C9): a new
/// operation with its own reception number, linked to the one it repeats, under the same
/// selection rules. Only lines of that operation may be chosen.
pub async fn resend(
    state: &AppState,
    admin: &Admin,
    reception_number: &str,
    selection: LineSelection,
    key: Option<String>,
) -> Result<Reception> {
    let original = store::operation(&state.db, admin.company_id, reception_number)
        .await?
        .ok_or(CorpError::NotFound)?;
    let menu = Menu::parse(&original.menu).unwrap_or(Menu::PermissionChange);
    if !menu.mails() {
        return Err(CorpError::NotResendable);
    }
    let lines: std::collections::HashSet<i64> = store::operation_lines(&state.db, original.id)
        .await?
        .into_iter()
        .map(|line| line.line_id)
        .collect();
    if selection.line_ids.iter().any(|id| !lines.contains(id)) {
        return Err(CorpError::NotResendable);
    }
    let mut request = Request::mail(menu, selection, key);
    request.resend_of = Some(original.id);
    self::request(state, admin, request).await
}

/// The lines an operation names, checked in the seed's order.
async fn selection(
    conn: &mut sqlx::AnyConnection,
    company_id: i64,
    request: &Request,
) -> Result<Vec<i64>> {
    if request.line_ids.is_empty() && request.group_ids.is_empty() {
        return Err(CorpError::NoLinesSelected);
    }
    let mut lines = store::lines_by_id(conn, company_id, &request.line_ids).await?;
    let mut ids: Vec<i64> = request.line_ids.clone();
    ids.sort_unstable();
    ids.dedup();
    if lines.len() != ids.len() {
        return Err(CorpError::NotFound);
    }
    for group in &request.group_ids {
        let members = store::group_lines(conn, company_id, *group).await?;
        if members.is_empty() && !store::group_exists(conn, company_id, *group).await? {
            return Err(CorpError::NotFound);
        }
        lines.extend(members);
    }
    lines.sort_by_key(|line| line.0);
    lines.dedup_by_key(|line| line.0);
    if lines.is_empty() {
        return Err(CorpError::NoLinesSelected);
    }
    if lines.len() > MAX_LINES_PER_OPERATION {
        return Err(CorpError::TooManyLines);
    }
    if lines
        .iter()
        .any(|(_, status)| status != LineStatus::InService.as_str())
    {
        return Err(CorpError::LineNotInService);
    }
    Ok(lines.into_iter().map(|(id, _)| id).collect())
}

fn history_filter(admin: &Admin, query: &HistoryQuery) -> Result<store::HistoryFilter> {
    let (from, to) = japan_days(&query.from, &query.to)?;
    Ok(store::HistoryFilter {
        company_id: admin.company_id,
        menu: query.menu.map(Menu::as_str),
        status: query.status.map(OperationStatus::as_str),
        from,
        to,
        admin_email: query.admin.clone(),
    })
}

/// The history, newest first, filtered (SPEC C9).
pub async fn history(db: &Db, admin: &Admin, query: &HistoryQuery) -> Result<HistoryPage> {
    let per_page = page_size(query.per_page);
    let page = query.page.unwrap_or(1).max(1);
    let filter = history_filter(admin, query)?;
    let total = store::count_history(db, &filter).await?;
    let rows = store::history(
        db,
        &filter,
        i64::from(per_page),
        i64::from((page - 1) * per_page),
    )
    .await?;
    Ok(HistoryPage {
        entries: rows.into_iter().map(HistoryEntry::from).collect(),
        total: u64::try_from(total).unwrap_or(0),
        page,
        per_page,
    })
}

/// Every operation the filters find, as CSV (the page is ignored).
pub async fn history_csv(db: &Db, admin: &Admin, query: &HistoryQuery) -> Result<Vec<u8>> {
    let rows = store::history(db, &history_filter(admin, query)?, i64::MAX, 0).await?;
    let entries: Vec<HistoryEntry> = rows.into_iter().map(HistoryEntry::from).collect();
    Ok(export::history(&entries))
}

/// One operation's lines with their results, as CSV.
pub async fn history_detail_csv(db: &Db, admin: &Admin, reception_number: &str) -> Result<Vec<u8>> {
    let detail = history_detail(db, admin, reception_number).await?;
    Ok(export::operation_lines(&detail.lines))
}

impl From<store::OperationRow> for HistoryEntry {
    fn from(row: store::OperationRow) -> Self {
        Self {
            reception_number: row.reception_number,
            admin_name: row.admin_name,
            admin_id: row.admin_email,
            received_at: rfc3339(row.received_at),
            finished_at: row.finished_at.map(rfc3339),
            menu: Menu::parse(&row.menu).unwrap_or(Menu::PermissionChange),
            status: OperationStatus::parse(&row.status).unwrap_or(OperationStatus::Processing),
            line_count: u64::try_from(row.lines).unwrap_or(0),
            resend_of: row.resend_of,
        }
    }
}

/// One operation with each of its lines (履歴詳細).
pub async fn history_detail(
    db: &Db,
    admin: &Admin,
    reception_number: &str,
) -> Result<HistoryDetail> {
    let row = store::operation(db, admin.company_id, reception_number)
        .await?
        .ok_or(CorpError::NotFound)?;
    let values = row.backup.zip(row.migration).map(|(b, m)| (b.0, m.0));
    let lines = store::operation_lines(db, row.id)
        .await?
        .into_iter()
        .map(|line| HistoryLine {
            line_id: line.line_id,
            number: format_line_number(&line.number),
            name: line.name,
            group: line.group_name,
            finished_at: line.finished_at.map(rfc3339),
            backup: values.map(|v| v.0),
            migration: values.map(|v| v.1),
            status: LineResult::parse(&line.status).unwrap_or(LineResult::Processing),
            reason: line.reason,
        })
        .collect();
    Ok(HistoryDetail {
        entry: HistoryEntry::from(row),
        backup: values.map(|v| v.0),
        migration: values.map(|v| v.1),
        lines,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn c2_defaults_follow_the_contract_date() {
        assert_eq!(default_permissions("2017-05-09"), (false, false));
        assert_eq!(default_permissions("2010-01-01"), (false, false));
        assert_eq!(default_permissions("2017-05-10"), (false, true));
        assert_eq!(default_permissions("2024-12-01"), (false, true));
    }

    #[test]
    fn c4_business_hours_are_nine_to_eleven_pm_in_japan() {
        // 2026-12-07 00:00 UTC is 09:00 in Japan.
        let nine = 1_796_601_600;
        assert!(!within_business_hours(nine - 1));
        assert!(within_business_hours(nine));
        assert!(within_business_hours(nine + 14 * 3600 - 1));
        assert!(!within_business_hours(nine + 14 * 3600), "23:00");
        assert!(!within_business_hours(nine + 14 * 3600 + 1800), "23:30");
    }

    #[test]
    fn c5_reception_numbers_are_the_japan_date_and_eight_digits() {
        // 2011-07-15 00:30 Japan time is 2011-07-14 15:30 UTC.
        assert_eq!(reception_number(1_310_657_400, 20), "2011071500000020");
    }
}
