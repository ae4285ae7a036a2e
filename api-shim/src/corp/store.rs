//! The console's SQL: companies, admins, lines and groups, operations with a row per line,
//! reception sequences, the audit, line sign-in codes. Every read an admin causes names the
//! admin's company.

use std::collections::{HashMap, HashSet};

use hako_protocol::LineResult;
use sqlx::{Any, AnyConnection, Executor};

use super::{Admin, default_permissions, import::LineRow as ImportedLine};
use crate::store::db::{Db, Flag};

// Companies and admins.

pub async fn insert_company(db: &Db, name: &str, now: i64) -> sqlx::Result<i64> {
    sqlx::query_scalar("INSERT INTO companies (name, created_at) VALUES ($1, $2) RETURNING id")
        .bind(name)
        .bind(now)
        .fetch_one(db)
        .await
}

pub async fn delete_company(db: &Db, id: i64) -> sqlx::Result<()> {
    sqlx::query("DELETE FROM companies WHERE id = $1")
        .bind(id)
        .execute(db)
        .await
        .map(drop)
}

pub async fn company_name(db: &Db, id: i64) -> sqlx::Result<Option<String>> {
    sqlx::query_scalar("SELECT name FROM companies WHERE id = $1")
        .bind(id)
        .fetch_optional(db)
        .await
}

#[derive(sqlx::FromRow)]
pub struct AdminRow {
    pub company_id: i64,
    pub role: String,
    pub name: String,
    pub email: String,
}

pub async fn admin(db: &Db, user_id: i64) -> sqlx::Result<Option<AdminRow>> {
    sqlx::query_as(
        "SELECT a.company_id, a.role, a.name, u.email FROM corp_admins a
         JOIN users u ON u.id = a.user_id WHERE a.user_id = $1",
    )
    .bind(user_id)
    .fetch_optional(db)
    .await
}

pub struct NewAdminRow<'a> {
    pub user_id: i64,
    pub company_id: i64,
    pub role: &'a str,
    pub name: &'a str,
    pub now: i64,
}

/// `false` when the account is an admin already (of any company).
pub async fn insert_admin(db: &Db, admin: &NewAdminRow<'_>) -> sqlx::Result<bool> {
    let added = sqlx::query(
        "INSERT INTO corp_admins (user_id, company_id, role, name, added_at)
         VALUES ($1, $2, $3, $4, $5) ON CONFLICT (user_id) DO NOTHING",
    )
    .bind(admin.user_id)
    .bind(admin.company_id)
    .bind(admin.role)
    .bind(admin.name)
    .bind(admin.now)
    .execute(db)
    .await?;
    Ok(added.rows_affected() == 1)
}

/// Removes a sub-admin of the company; answers their name and address.
pub async fn delete_sub_admin(
    db: &Db,
    company_id: i64,
    user_id: i64,
) -> sqlx::Result<Option<(String, String)>> {
    let removed: Option<(String, i64)> = sqlx::query_as(
        "DELETE FROM corp_admins WHERE company_id = $1 AND user_id = $2 AND role = 'sub'
         RETURNING name, user_id",
    )
    .bind(company_id)
    .bind(user_id)
    .fetch_optional(db)
    .await?;
    let Some((name, user_id)) = removed else {
        return Ok(None);
    };
    let email: String = sqlx::query_scalar("SELECT email FROM users WHERE id = $1")
        .bind(user_id)
        .fetch_one(db)
        .await?;
    Ok(Some((name, email)))
}

#[derive(sqlx::FromRow)]
pub struct AdminListRow {
    pub user_id: i64,
    pub email: String,
    pub name: String,
    pub role: String,
    pub added_at: i64,
}

pub async fn admins(db: &Db, company_id: i64) -> sqlx::Result<Vec<AdminListRow>> {
    sqlx::query_as(
        "SELECT a.user_id, u.email, a.name, a.role, a.added_at FROM corp_admins a
         JOIN users u ON u.id = a.user_id WHERE a.company_id = $1
         ORDER BY a.role, a.added_at, a.user_id",
    )
    .bind(company_id)
    .fetch_all(db)
    .await
}

pub struct AuditRow<'a> {
    pub company_id: i64,
    pub admin_user_id: i64,
    pub admin_name: &'a str,
    pub admin_email: &'a str,
    pub action: &'a str,
    pub detail: &'a str,
    pub at: i64,
}

pub async fn insert_audit(db: &Db, row: &AuditRow<'_>) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO corp_audit (company_id, admin_user_id, admin_name, admin_email, action, detail, at)
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(row.company_id)
    .bind(row.admin_user_id)
    .bind(row.admin_name)
    .bind(row.admin_email)
    .bind(row.action)
    .bind(row.detail)
    .bind(row.at)
    .execute(db)
    .await
    .map(drop)
}

// Lines and groups.

/// Imports checked rows: groups made by name, lines added (with their contract date's
/// permissions) or updated by number (permissions kept). Answers (added, updated).
pub async fn import_lines(
    conn: &mut AnyConnection,
    company_id: i64,
    rows: &[ImportedLine],
    now: i64,
) -> sqlx::Result<(u64, u64)> {
    let mut groups: HashMap<&str, i64> = HashMap::new();
    for name in rows.iter().filter_map(|row| row.group.as_deref()) {
        if groups.contains_key(name) {
            continue;
        }
        sqlx::query(
            "INSERT INTO corp_groups (company_id, name) VALUES ($1, $2)
             ON CONFLICT (company_id, name) DO NOTHING",
        )
        .bind(company_id)
        .bind(name)
        .execute(&mut *conn)
        .await?;
        let id: i64 =
            sqlx::query_scalar("SELECT id FROM corp_groups WHERE company_id = $1 AND name = $2")
                .bind(company_id)
                .bind(name)
                .fetch_one(&mut *conn)
                .await?;
        groups.insert(name, id);
    }
    let known: HashSet<String> =
        sqlx::query_scalar::<_, String>("SELECT number FROM corp_lines WHERE company_id = $1")
            .bind(company_id)
            .fetch_all(&mut *conn)
            .await?
            .into_iter()
            .collect();
    let (mut added, mut updated) = (0, 0);
    for row in rows {
        let (backup, migration) = default_permissions(&row.contract_date);
        sqlx::query(
            "INSERT INTO corp_lines (company_id, number, name, reading, group_id, department,
                device_kind, contract_date, email, status, backup, migration, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
             ON CONFLICT (company_id, number) DO UPDATE SET name = excluded.name,
                reading = excluded.reading, group_id = excluded.group_id,
                department = excluded.department, device_kind = excluded.device_kind,
                contract_date = excluded.contract_date, email = excluded.email,
                status = excluded.status, updated_at = excluded.updated_at",
        )
        .bind(company_id)
        .bind(&row.number)
        .bind(&row.name)
        .bind(&row.reading)
        .bind(row.group.as_deref().and_then(|g| groups.get(g).copied()))
        .bind(&row.department)
        .bind(row.device_kind.as_str())
        .bind(&row.contract_date)
        .bind(&row.email)
        .bind(row.status.as_str())
        .bind(backup)
        .bind(migration)
        .bind(now)
        .execute(&mut *conn)
        .await?;
        if known.contains(&row.number) {
            updated += 1;
        } else {
            added += 1;
        }
    }
    Ok((added, updated))
}

#[derive(sqlx::FromRow)]
struct KnownRow {
    number: String,
    name: String,
    reading: String,
    group_name: String,
    department: String,
    device_kind: String,
    contract_date: String,
    email: String,
    status: String,
}

/// The company's lines by number, their columns as `import::columns_of` writes them.
pub async fn known_lines(
    conn: &mut AnyConnection,
    company_id: i64,
) -> sqlx::Result<super::import::Known> {
    let rows: Vec<KnownRow> = sqlx::query_as(
        "SELECT l.number, l.name, l.reading, COALESCE(g.name, '') AS group_name, l.department,
                l.device_kind, l.contract_date, l.email, l.status
         FROM corp_lines l LEFT JOIN corp_groups g ON g.id = l.group_id
         WHERE l.company_id = $1",
    )
    .bind(company_id)
    .fetch_all(conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| {
            let columns = [
                r.name,
                r.reading,
                r.group_name,
                r.department,
                r.device_kind,
                r.contract_date,
                r.email,
                r.status,
            ];
            (r.number, columns)
        })
        .collect())
}

/// The number list's search.
pub struct LineFilter {
    pub company_id: i64,
    /// Matched in the name and the reading.
    pub text: Option<String>,
    /// Matched in the number.
    pub digits: Option<String>,
    pub group_id: Option<i64>,
    /// The last app-download request in `[from, to)` (Unix seconds).
    pub requested: (Option<i64>, Option<i64>),
}

/// `%text%` for LIKE, with LIKE's own characters escaped.
fn contains(text: &str) -> String {
    let escaped = text
        .replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_");
    format!("%{escaped}%")
}

const LINE_WHERE: &str = "l.company_id = $1
    AND ($2 IS NULL OR l.name LIKE $2 ESCAPE '\\' OR l.reading LIKE $2 ESCAPE '\\'
         OR l.number LIKE $3 ESCAPE '\\')
    AND ($4 IS NULL OR l.group_id = $4)
    AND ($5 IS NULL OR l.last_app_request_at >= $5)
    AND ($6 IS NULL OR l.last_app_request_at < $6)";

/// Binds the filter's values to `LINE_WHERE`'s $1–$6.
fn bind_line_filter<'q, O>(
    query: sqlx::query::QueryAs<'q, Any, O, sqlx::any::AnyArguments<'q>>,
    filter: &'q LineFilter,
) -> sqlx::query::QueryAs<'q, Any, O, sqlx::any::AnyArguments<'q>> {
    query
        .bind(filter.company_id)
        .bind(filter.text.as_deref().map(contains))
        .bind(filter.digits.as_deref().map(contains))
        .bind(filter.group_id)
        .bind(filter.requested.0)
        .bind(filter.requested.1)
}

pub async fn count_lines(db: &Db, filter: &LineFilter) -> sqlx::Result<i64> {
    let sql = format!("SELECT COUNT(*) FROM corp_lines l WHERE {LINE_WHERE}");
    let (count,): (i64,) = bind_line_filter(sqlx::query_as(&sql), filter)
        .fetch_one(db)
        .await?;
    Ok(count)
}

#[derive(sqlx::FromRow)]
pub struct LineRow {
    pub id: i64,
    pub number: String,
    pub name: String,
    pub reading: String,
    pub group_id: Option<i64>,
    pub group_name: Option<String>,
    pub department: String,
    pub device_kind: String,
    pub contract_date: String,
    pub email: String,
    pub status: String,
    pub processing: Flag,
    pub backup: Flag,
    pub migration: Flag,
    pub last_app_request_at: Option<i64>,
}

pub async fn lines(
    db: &Db,
    filter: &LineFilter,
    limit: i64,
    offset: i64,
) -> sqlx::Result<Vec<LineRow>> {
    let sql = format!(
        "SELECT l.id, l.number, l.name, l.reading, l.group_id, g.name AS group_name,
                l.department, l.device_kind, l.contract_date, l.email, l.status,
                EXISTS (SELECT 1 FROM corp_operation_lines ol
                        JOIN corp_operations o ON o.id = ol.operation_id
                        WHERE ol.line_id = l.id AND ol.status = 'processing'
                          AND o.menu = 'permission_change') AS processing,
                l.backup, l.migration, l.last_app_request_at
         FROM corp_lines l LEFT JOIN corp_groups g ON g.id = l.group_id
         WHERE {LINE_WHERE}
         ORDER BY l.number LIMIT $7 OFFSET $8"
    );
    bind_line_filter(sqlx::query_as(&sql), filter)
        .bind(limit)
        .bind(offset)
        .fetch_all(db)
        .await
}

#[derive(sqlx::FromRow)]
pub struct GroupRow {
    pub id: i64,
    pub name: String,
    pub members: i64,
    pub cancelled: i64,
}

pub async fn groups(db: &Db, company_id: i64) -> sqlx::Result<Vec<GroupRow>> {
    sqlx::query_as(
        "SELECT g.id, g.name, COUNT(l.id) AS members,
                COUNT(CASE WHEN l.status <> 'in_service' THEN 1 END) AS cancelled
         FROM corp_groups g LEFT JOIN corp_lines l ON l.group_id = g.id
         WHERE g.company_id = $1 GROUP BY g.id, g.name ORDER BY g.name",
    )
    .bind(company_id)
    .fetch_all(db)
    .await
}

/// The company's lines among `ids`, with their status.
pub async fn lines_by_id(
    conn: &mut AnyConnection,
    company_id: i64,
    ids: &[i64],
) -> sqlx::Result<Vec<(i64, String)>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let list = ids.iter().map(i64::to_string).collect::<Vec<_>>().join(",");
    // Integers only: nothing to escape.
    sqlx::query_as(&format!(
        "SELECT id, status FROM corp_lines WHERE company_id = $1 AND id IN ({list})"
    ))
    .bind(company_id)
    .fetch_all(conn)
    .await
}

pub async fn group_lines(
    conn: &mut AnyConnection,
    company_id: i64,
    group_id: i64,
) -> sqlx::Result<Vec<(i64, String)>> {
    sqlx::query_as("SELECT id, status FROM corp_lines WHERE company_id = $1 AND group_id = $2")
        .bind(company_id)
        .bind(group_id)
        .fetch_all(conn)
        .await
}

pub async fn group_exists(
    conn: &mut AnyConnection,
    company_id: i64,
    group_id: i64,
) -> sqlx::Result<bool> {
    let Flag(exists) = sqlx::query_scalar(
        "SELECT EXISTS (SELECT 1 FROM corp_groups WHERE company_id = $1 AND id = $2)",
    )
    .bind(company_id)
    .bind(group_id)
    .fetch_one(conn)
    .await?;
    Ok(exists)
}

// Operations.

/// The reception number and request fingerprint of the admin's operation sent with `key`.
pub async fn by_idempotency_key(
    conn: &mut AnyConnection,
    admin: &Admin,
    key: &str,
) -> sqlx::Result<Option<(String, String)>> {
    sqlx::query_as(
        "SELECT reception_number, COALESCE(request_hash, '') FROM corp_operations
         WHERE company_id = $1 AND admin_user_id = $2 AND idempotency_key = $3",
    )
    .bind(admin.company_id)
    .bind(admin.user_id)
    .bind(key)
    .fetch_optional(conn)
    .await
}

/// Whether another admin's permission change for the company is still being applied.
pub async fn other_admins_change_running(
    conn: &mut AnyConnection,
    admin: &Admin,
) -> sqlx::Result<bool> {
    let Flag(running) = sqlx::query_scalar(
        "SELECT EXISTS (SELECT 1 FROM corp_operations
                        WHERE company_id = $1 AND menu = 'permission_change'
                          AND status = 'processing'
                          AND (admin_user_id IS NULL OR admin_user_id <> $2))",
    )
    .bind(admin.company_id)
    .bind(admin.user_id)
    .fetch_one(conn)
    .await?;
    Ok(running)
}

/// The next number of the Japan day's sequence.
pub async fn next_reception_sequence(conn: &mut AnyConnection, day: &str) -> sqlx::Result<i64> {
    sqlx::query_scalar(
        "INSERT INTO corp_reception_days (day, last) VALUES ($1, 1)
         ON CONFLICT (day) DO UPDATE SET last = corp_reception_days.last + 1
         RETURNING last",
    )
    .bind(day)
    .fetch_one(conn)
    .await
}

pub struct NewOperation<'a> {
    pub admin: &'a Admin,
    pub menu: &'a str,
    pub reception_number: &'a str,
    pub values: Option<(bool, bool)>,
    pub received_at: i64,
    pub idempotency_key: Option<&'a str>,
    pub request_hash: &'a str,
    /// The operation a resend mails again.
    pub resend_of: Option<i64>,
}

pub async fn insert_operation(
    conn: &mut AnyConnection,
    op: &NewOperation<'_>,
    lines: &[i64],
) -> sqlx::Result<i64> {
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO corp_operations (company_id, reception_number, menu, admin_user_id,
            admin_name, admin_email, backup, migration, status, received_at, idempotency_key,
            request_hash, resend_of)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'processing', $9, $10, $11, $12) RETURNING id",
    )
    .bind(op.admin.company_id)
    .bind(op.reception_number)
    .bind(op.menu)
    .bind(op.admin.user_id)
    .bind(&op.admin.name)
    .bind(&op.admin.email)
    .bind(op.values.map(|v| v.0))
    .bind(op.values.map(|v| v.1))
    .bind(op.received_at)
    .bind(op.idempotency_key)
    .bind(op.request_hash)
    .bind(op.resend_of)
    .fetch_one(&mut *conn)
    .await?;
    for chunk in lines.chunks(100) {
        // Integers only: nothing to escape.
        let values = chunk
            .iter()
            .map(|line| format!("({id}, {line}, 'processing')"))
            .collect::<Vec<_>>()
            .join(",");
        sqlx::query(&format!(
            "INSERT INTO corp_operation_lines (operation_id, line_id, status) VALUES {values}"
        ))
        .execute(&mut *conn)
        .await?;
    }
    Ok(id)
}

pub struct HistoryFilter {
    pub company_id: i64,
    pub menu: Option<&'static str>,
    pub status: Option<&'static str>,
    /// Received at or after.
    pub from: Option<i64>,
    /// Received before.
    pub to: Option<i64>,
    pub admin_email: Option<String>,
}

const HISTORY_WHERE: &str = "o.company_id = $1 AND ($2 IS NULL OR o.menu = $2)
    AND ($3 IS NULL OR o.status = $3) AND ($4 IS NULL OR o.received_at >= $4)
    AND ($5 IS NULL OR o.received_at < $5) AND ($6 IS NULL OR o.admin_email = $6)";

fn history_query<'q>(
    sql: &'q str,
    filter: &'q HistoryFilter,
) -> sqlx::query::Query<'q, Any, sqlx::any::AnyArguments<'q>> {
    sqlx::query(sql)
        .bind(filter.company_id)
        .bind(filter.menu)
        .bind(filter.status)
        .bind(filter.from)
        .bind(filter.to)
        .bind(filter.admin_email.as_deref())
}

pub async fn count_history(db: &Db, filter: &HistoryFilter) -> sqlx::Result<i64> {
    let sql = format!("SELECT COUNT(*) FROM corp_operations o WHERE {HISTORY_WHERE}");
    let row = history_query(&sql, filter).fetch_one(db).await?;
    sqlx::Row::try_get(&row, 0)
}

#[derive(sqlx::FromRow)]
pub struct OperationRow {
    pub id: i64,
    pub company_id: i64,
    pub reception_number: String,
    pub menu: String,
    pub admin_name: String,
    pub admin_email: String,
    pub backup: Option<Flag>,
    pub migration: Option<Flag>,
    pub status: String,
    pub received_at: i64,
    pub finished_at: Option<i64>,
    pub lines: i64,
    /// The reception number of the operation this one mails again.
    pub resend_of: Option<String>,
}

const OPERATION_COLUMNS: &str = "o.id, o.company_id, o.reception_number, o.menu, o.admin_name,
    o.admin_email, o.backup, o.migration, o.status, o.received_at, o.finished_at,
    (SELECT COUNT(*) FROM corp_operation_lines ol WHERE ol.operation_id = o.id) AS lines,
    (SELECT r.reception_number FROM corp_operations r WHERE r.id = o.resend_of) AS resend_of";

pub async fn history(
    db: &Db,
    filter: &HistoryFilter,
    limit: i64,
    offset: i64,
) -> sqlx::Result<Vec<OperationRow>> {
    let sql = format!(
        "SELECT {OPERATION_COLUMNS} FROM corp_operations o WHERE {HISTORY_WHERE}
         ORDER BY o.id DESC LIMIT $7 OFFSET $8"
    );
    let rows = history_query(&sql, filter)
        .bind(limit)
        .bind(offset)
        .fetch_all(db)
        .await?;
    rows.iter().map(sqlx::FromRow::from_row).collect()
}

pub async fn operation(
    db: &Db,
    company_id: i64,
    reception_number: &str,
) -> sqlx::Result<Option<OperationRow>> {
    sqlx::query_as(&format!(
        "SELECT {OPERATION_COLUMNS} FROM corp_operations o
         WHERE o.company_id = $1 AND o.reception_number = $2"
    ))
    .bind(company_id)
    .bind(reception_number)
    .fetch_optional(db)
    .await
}

pub async fn operation_by_id(db: &Db, id: i64) -> sqlx::Result<Option<OperationRow>> {
    sqlx::query_as(&format!(
        "SELECT {OPERATION_COLUMNS} FROM corp_operations o WHERE o.id = $1"
    ))
    .bind(id)
    .fetch_optional(db)
    .await
}

#[derive(sqlx::FromRow)]
pub struct OperationLineRow {
    pub line_id: i64,
    pub number: String,
    pub name: String,
    pub group_name: Option<String>,
    pub email: String,
    pub device_kind: String,
    pub status: String,
    pub reason: Option<String>,
    pub finished_at: Option<i64>,
}

pub async fn operation_lines(db: &Db, operation_id: i64) -> sqlx::Result<Vec<OperationLineRow>> {
    sqlx::query_as(
        "SELECT ol.line_id, l.number, l.name, g.name AS group_name, l.email, l.device_kind,
                ol.status, ol.reason, ol.finished_at
         FROM corp_operation_lines ol JOIN corp_lines l ON l.id = ol.line_id
         LEFT JOIN corp_groups g ON g.id = l.group_id
         WHERE ol.operation_id = $1 ORDER BY l.number",
    )
    .bind(operation_id)
    .fetch_all(db)
    .await
}

/// Applies a permission change to one line still waiting in the operation, exactly once:
/// a line cancelled meanwhile fails alone. Answers whether it was applied.
pub async fn apply_line(
    conn: &mut AnyConnection,
    operation_id: i64,
    line_id: i64,
    values: (bool, bool),
    now: i64,
) -> sqlx::Result<()> {
    let status: Option<String> = sqlx::query_scalar(
        "SELECT l.status FROM corp_operation_lines ol JOIN corp_lines l ON l.id = ol.line_id
         WHERE ol.operation_id = $1 AND ol.line_id = $2 AND ol.status = 'processing'",
    )
    .bind(operation_id)
    .bind(line_id)
    .fetch_optional(&mut *conn)
    .await?;
    let Some(status) = status else {
        return Ok(());
    };
    let applied = status == "in_service";
    if applied {
        sqlx::query(
            "UPDATE corp_lines SET backup = $1, migration = $2, updated_at = $3 WHERE id = $4",
        )
        .bind(values.0)
        .bind(values.1)
        .bind(now)
        .bind(line_id)
        .execute(&mut *conn)
        .await?;
    }
    let done = if applied {
        LineDone::ok(LineResult::Succeeded)
    } else {
        LineDone::failed("line_not_in_service")
    };
    line_done(conn, operation_id, line_id, done, now).await
}

/// How a line of an operation ended, and why when it failed or was skipped.
pub struct LineDone {
    pub result: LineResult,
    pub reason: Option<&'static str>,
}

impl LineDone {
    pub fn ok(result: LineResult) -> Self {
        Self {
            result,
            reason: None,
        }
    }

    pub fn failed(reason: &'static str) -> Self {
        Self {
            result: LineResult::Failed,
            reason: Some(reason),
        }
    }
}

/// Marks a line of an operation done, once (a line no longer processing is left alone).
pub async fn line_done<'e>(
    db: impl Executor<'e, Database = Any>,
    operation_id: i64,
    line_id: i64,
    done: LineDone,
    now: i64,
) -> sqlx::Result<()> {
    sqlx::query(
        "UPDATE corp_operation_lines SET status = $1, reason = $2, finished_at = $3
         WHERE operation_id = $4 AND line_id = $5 AND status = 'processing'",
    )
    .bind(done.result.as_str())
    .bind(done.reason)
    .bind(now)
    .bind(operation_id)
    .bind(line_id)
    .execute(db)
    .await
    .map(drop)
}

/// Notes that an app-download request went to the line (the number list shows it, SPEC C7).
pub async fn app_requested(db: &Db, line_id: i64, now: i64) -> sqlx::Result<()> {
    sqlx::query("UPDATE corp_lines SET last_app_request_at = $1 WHERE id = $2")
        .bind(now)
        .bind(line_id)
        .execute(db)
        .await
        .map(drop)
}

/// The lines of an operation still waiting.
pub async fn waiting_lines(db: &Db, operation_id: i64) -> sqlx::Result<Vec<i64>> {
    sqlx::query_scalar(
        "SELECT line_id FROM corp_operation_lines WHERE operation_id = $1 AND status = 'processing'
         ORDER BY line_id",
    )
    .bind(operation_id)
    .fetch_all(db)
    .await
}

/// Ends an operation whose lines are all done: succeeded only if every line did.
pub async fn finish_operation(db: &Db, operation_id: i64, now: i64) -> sqlx::Result<()> {
    sqlx::query(
        "UPDATE corp_operations SET finished_at = $1,
            status = CASE WHEN EXISTS (SELECT 1 FROM corp_operation_lines
                                       WHERE operation_id = $2 AND status = 'failed')
                          THEN 'failed' ELSE 'succeeded' END
         WHERE id = $2 AND status = 'processing'",
    )
    .bind(now)
    .bind(operation_id)
    .execute(db)
    .await
    .map(drop)
}

// A line's phone: its permissions and sign-in codes.

#[derive(sqlx::FromRow)]
pub struct LinePermissions {
    pub status: String,
    pub backup: Flag,
    pub migration: Flag,
}

/// The permissions of the line whose phone account this is; `None` for other accounts.
pub async fn line_permissions(db: &Db, user_id: i64) -> sqlx::Result<Option<LinePermissions>> {
    sqlx::query_as("SELECT status, backup, migration FROM corp_lines WHERE user_id = $1")
        .bind(user_id)
        .fetch_optional(db)
        .await
}

/// Replaces a line's sign-in code.
pub async fn replace_code(
    db: &Db,
    line_id: i64,
    code_hash: &[u8],
    expires_at: i64,
) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO corp_line_codes (line_id, code_hash, expires_at, failed_attempts)
         VALUES ($1, $2, $3, 0)
         ON CONFLICT (line_id) DO UPDATE SET code_hash = excluded.code_hash,
            expires_at = excluded.expires_at, failed_attempts = 0",
    )
    .bind(line_id)
    .bind(code_hash)
    .bind(expires_at)
    .execute(db)
    .await
    .map(drop)
}

#[derive(sqlx::FromRow)]
pub struct CodedLine {
    pub line_id: i64,
    pub user_id: Option<i64>,
    pub company_id: i64,
    pub code_hash: Vec<u8>,
    pub failed_attempts: i64,
}

/// Lines with this number (in any company) holding a live code.
pub async fn coded_lines(db: &Db, number: &str, now: i64) -> sqlx::Result<Vec<CodedLine>> {
    sqlx::query_as(
        "SELECT l.id AS line_id, l.user_id, l.company_id, c.code_hash, c.failed_attempts
         FROM corp_lines l JOIN corp_line_codes c ON c.line_id = l.id
         WHERE l.number = $1 AND c.expires_at > $2",
    )
    .bind(number)
    .bind(now)
    .fetch_all(db)
    .await
}

/// Counts a wrong guess; the code is dropped at `limit`.
pub async fn code_failed(db: &Db, line_id: i64, limit: i64) -> sqlx::Result<()> {
    sqlx::query(
        "UPDATE corp_line_codes SET failed_attempts = failed_attempts + 1 WHERE line_id = $1",
    )
    .bind(line_id)
    .execute(db)
    .await?;
    sqlx::query("DELETE FROM corp_line_codes WHERE line_id = $1 AND failed_attempts >= $2")
        .bind(line_id)
        .bind(limit)
        .execute(db)
        .await
        .map(drop)
}

/// Uses a code up; `false` when another sign-in used it first.
pub async fn use_code(db: &Db, line_id: i64) -> sqlx::Result<bool> {
    let used = sqlx::query("DELETE FROM corp_line_codes WHERE line_id = $1")
        .bind(line_id)
        .execute(db)
        .await?;
    Ok(used.rows_affected() == 1)
}

pub async fn set_line_user(db: &Db, line_id: i64, user_id: i64) -> sqlx::Result<()> {
    sqlx::query("UPDATE corp_lines SET user_id = $1 WHERE id = $2")
        .bind(user_id)
        .bind(line_id)
        .execute(db)
        .await
        .map(drop)
}

// Phonebook migration.

pub async fn save_migration(
    db: &Db,
    user_id: i64,
    vcard: &[u8],
    entries: i64,
    now: i64,
) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO contact_migrations (user_id, vcard, entries, created_at) VALUES ($1, $2, $3, $4)
         ON CONFLICT (user_id) DO UPDATE SET vcard = excluded.vcard, entries = excluded.entries,
            created_at = excluded.created_at",
    )
    .bind(user_id)
    .bind(vcard)
    .bind(entries)
    .bind(now)
    .execute(db)
    .await
    .map(drop)
}

pub async fn migration(db: &Db, user_id: i64) -> sqlx::Result<Option<Vec<u8>>> {
    sqlx::query_scalar("SELECT vcard FROM contact_migrations WHERE user_id = $1")
        .bind(user_id)
        .fetch_optional(db)
        .await
}
