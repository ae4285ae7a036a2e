//! The job that carries out an operation line by line (SPEC C5): on the shared lease runner
//! (`jobs/`), so it survives a restart and runs on one instance only. Each line is done in
//! its own step and only once (a line's row moves from processing exactly once); the
//! operation ends 正常終了 when every line succeeded, else 異常終了.

use std::time::Duration;

use hako_protocol::{Menu, OperationStatus, format_line_number};
use rand::Rng;

use super::store;
use crate::{
    AppState,
    jobs::{Job, Queue},
    mail::Mail,
    store::db::begin_write,
};

pub struct OperationJob;

impl Job for OperationJob {
    const QUEUE: Queue = Queue {
        table: "corp_operations",
        key: "id",
        pending: "status = 'processing'",
    };

    async fn run(state: &AppState, id: i64) -> anyhow::Result<()> {
        let Some(operation) = store::operation_by_id(&state.db, id).await? else {
            return Ok(());
        };
        let menu = Menu::parse(&operation.menu).unwrap_or(Menu::PermissionChange);
        let pace = Duration::from_millis(state.config.corp.apply_interval_ms);
        for line_id in store::waiting_lines(&state.db, id).await? {
            match menu {
                Menu::PermissionChange => {
                    let values = operation
                        .backup
                        .zip(operation.migration)
                        .map_or((false, false), |(b, m)| (b.0, m.0));
                    let mut tx = begin_write(&state.db).await?;
                    store::apply_line(&mut tx, id, line_id, values, state.clock.now()).await?;
                    tx.commit().await?;
                }
                Menu::PasswordNotice => notify(state, &operation, line_id).await?,
            }
            if !pace.is_zero() {
                tokio::time::sleep(pace).await;
            }
        }
        store::finish_operation(&state.db, id, state.clock.now()).await?;
        tell_admin_of_failures(state, id, menu).await
    }
}

/// When an operation ends 異常終了, the admin who started it hears how many lines failed,
/// with a link to the detail (issue 15).
async fn tell_admin_of_failures(state: &AppState, id: i64, menu: Menu) -> anyhow::Result<()> {
    let Some(done) = store::operation_by_id(&state.db, id).await? else {
        return Ok(());
    };
    if done.status != OperationStatus::Failed.as_str() {
        return Ok(());
    }
    let lines = store::operation_lines(&state.db, id).await?;
    let failed = lines.iter().filter(|line| line.status == "failed").count();
    let (menu_ja, menu_en) = super::export::menu_names(menu);
    let mail = Mail::CorpOperationFailed {
        link: format!(
            "{}/corp/history/{}",
            state.config.public_url, done.reception_number
        ),
        reception_number: done.reception_number,
        menu_ja,
        menu_en,
        failed: failed as u64,
        total: lines.len() as u64,
    };
    state.mail_in_background(done.admin_email, mail);
    Ok(())
}

/// Draws the line's new sign-in code (voiding the one before) and mails it to the line's
/// address; a line without an address, or one the mail server refuses, fails alone.
async fn notify(
    state: &AppState,
    operation: &store::OperationRow,
    line_id: i64,
) -> anyhow::Result<()> {
    let now = state.clock.now();
    let line = store::operation_lines(&state.db, operation.id)
        .await?
        .into_iter()
        .find(|line| line.line_id == line_id);
    let Some(line) = line else {
        return Ok(());
    };
    if line.email.is_empty() {
        store::line_done(
            &state.db,
            operation.id,
            line_id,
            Some("no_mail_address"),
            now,
        )
        .await?;
        return Ok(());
    }
    let code = format!("{:08}", rand::rng().random_range(0..100_000_000u32));
    let hash = super::phone::code_hash(&state.code_key, line_id, &code);
    store::replace_code(&state.db, line_id, &hash, now + super::phone::CODE_TTL_SECS).await?;
    let company = store::company_name(&state.db, operation.company_id)
        .await?
        .unwrap_or_default();
    let mail = Mail::CorpLinePasswordNotice {
        company,
        number: format_line_number(&line.number),
        code,
    };
    let reason = match state.mailer.send(&line.email, &mail).await {
        Ok(()) => None,
        Err(error) => {
            tracing::warn!(line_id, "password notice not sent: {error:#}");
            // A code nobody received must not work.
            store::use_code(&state.db, line_id).await?;
            Some("mail_refused")
        }
    };
    store::line_done(&state.db, operation.id, line_id, reason, now).await?;
    Ok(())
}
