//! The job that carries out an operation line by line (SPEC C5): on the shared lease runner
//! (`jobs/`), so it survives a restart and runs on one instance only. Each line is done in
//! its own step and only once (a line's row moves from processing exactly once); the
//! operation ends 正常終了 when no line failed, else 異常終了. Mails go out one line at a time
//! through the configured SMTP server (or the outbox); a line whose mail was sent but not yet
//! marked when the process died is mailed again after the restart (at least once).

use std::time::Duration;

use futures_util::{StreamExt, TryStreamExt};
use hako_protocol::{DeviceKind, LineResult, Menu, format_line_number};
use rand::Rng;

use super::store::{self, LineDone};
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
        if menu.mails() {
            mail_lines(state, &operation, menu).await?;
        } else {
            change_lines(state, &operation).await?;
        }
        tell_admin_of_failures(state, &operation, menu).await?;
        store::finish_operation(&state.db, id, state.clock.now()).await?;
        Ok(())
    }
}

/// The configured pause after each line (`[corp] apply_interval_ms`).
async fn pause(state: &AppState) {
    let pace = Duration::from_millis(state.config.corp.apply_interval_ms);
    if !pace.is_zero() {
        tokio::time::sleep(pace).await;
    }
}

/// A permission change, one line per transaction.
async fn change_lines(state: &AppState, operation: &store::OperationRow) -> anyhow::Result<()> {
    let values = operation
        .backup
        .zip(operation.migration)
        .map_or((false, false), |(b, m)| (b.0, m.0));
    for line_id in store::waiting_lines(&state.db, operation.id).await? {
        let mut tx = begin_write(&state.db).await?;
        store::apply_line(&mut tx, operation.id, line_id, values, state.clock.now()).await?;
        tx.commit().await?;
        pause(state).await;
    }
    Ok(())
}

/// Mails at once: lettre 0.11.23 leaves Nagle on and writes a message's end (`.`) apart from
/// its body, so each mail waits for the server's delayed ACK (44 ms against 0.3 ms measured on
/// loopback); one at a time, 200 lines took 9.5 s. Fixed upstream (lettre PR #1159, merged,
/// not yet released); meanwhile SMTP servers take several connections and the pool keeps them.
const MAILS_AT_ONCE: usize = 8;

/// A mail operation: its waiting lines, several at a time, each marked as it ends.
async fn mail_lines(
    state: &AppState,
    operation: &store::OperationRow,
    menu: Menu,
) -> anyhow::Result<()> {
    let company = store::company_name(&state.db, operation.company_id)
        .await?
        .unwrap_or_default();
    let waiting = store::operation_lines(&state.db, operation.id)
        .await?
        .into_iter()
        .filter(|line| line.status == LineResult::Processing.as_str());
    futures_util::stream::iter(waiting)
        .map(|line| {
            let company = &company;
            async move {
                let done = if menu == Menu::PasswordNotice {
                    notify(state, company, &line).await?
                } else {
                    request_app(state, company, &line).await?
                };
                let now = state.clock.now();
                store::line_done(&state.db, operation.id, line.line_id, done, now).await?;
                pause(state).await;
                anyhow::Ok(())
            }
        })
        .buffer_unordered(MAILS_AT_ONCE)
        .try_collect()
        .await
}

/// When an operation is about to end 異常終了, the admin who started it hears how many lines
/// failed, with a link to the detail (issue 15) — before the history shows it ended, so
/// whoever sees 異常終了 there finds the mail already sent.
async fn tell_admin_of_failures(
    state: &AppState,
    operation: &store::OperationRow,
    menu: Menu,
) -> anyhow::Result<()> {
    let lines = store::operation_lines(&state.db, operation.id).await?;
    let failed = lines
        .iter()
        .filter(|line| line.status == LineResult::Failed.as_str())
        .count();
    if failed == 0 {
        return Ok(());
    }
    let (menu_ja, menu_en) = super::export::menu_names(menu);
    let mail = Mail::CorpOperationFailed {
        link: format!(
            "{}/corp/history/{}",
            state.config.public_url, operation.reception_number
        ),
        reception_number: operation.reception_number.clone(),
        menu_ja,
        menu_en,
        failed: failed as u64,
        total: lines.len() as u64,
    };
    if let Err(error) = state.mailer.send(&operation.admin_email, &mail).await {
        tracing::warn!(
            operation = operation.id,
            "failure notice not sent: {error:#}"
        );
    }
    Ok(())
}

/// Mails the line, or says why it could not: no address, or the mail server refused it.
async fn mail_line(state: &AppState, line: &store::OperationLineRow, mail: &Mail) -> LineDone {
    if line.email.is_empty() {
        return LineDone::failed("no_mail_address");
    }
    match state.mailer.send(&line.email, mail).await {
        Ok(()) => LineDone::ok(LineResult::Sent),
        Err(error) => {
            tracing::warn!(line_id = line.line_id, "mail not sent: {error:#}");
            LineDone::failed("mail_refused")
        }
    }
}

/// Mails the line the link to the app its phone needs (SPEC C7): the Hako app for smartphones
/// and iPhones, the contacts-copy app for Windows phones; a 4G feature phone needs none and
/// is skipped, never mailed.
async fn request_app(
    state: &AppState,
    company: &str,
    line: &store::OperationLineRow,
) -> anyhow::Result<LineDone> {
    let links = &state.config.corp.app_links;
    let kind = DeviceKind::parse(&line.device_kind).unwrap_or(DeviceKind::Smartphone);
    let (link, app_ja, app_en) = match kind {
        DeviceKind::FeaturePhone => {
            return Ok(LineDone {
                result: LineResult::Skipped,
                reason: Some("no_app_needed"),
            });
        }
        DeviceKind::Smartphone => (&links.smartphone, "Hako アプリ", "the Hako app"),
        DeviceKind::Iphone => (&links.iphone, "Hako アプリ", "the Hako app"),
        DeviceKind::Windows => (
            &links.windows,
            "連絡先コピーアプリ",
            "the contacts copy app",
        ),
    };
    let mail = Mail::CorpAppDownload {
        company: company.to_owned(),
        number: format_line_number(&line.number),
        app_ja,
        app_en,
        link: link
            .clone()
            .unwrap_or_else(|| state.config.public_url.clone()),
    };
    let done = mail_line(state, line, &mail).await;
    if done.result == LineResult::Sent {
        store::app_requested(&state.db, line.line_id, state.clock.now()).await?;
    }
    Ok(done)
}

/// Draws the line's new sign-in code (voiding the one before) and mails it to the line's
/// address; a code nobody received is voided at once.
async fn notify(
    state: &AppState,
    company: &str,
    line: &store::OperationLineRow,
) -> anyhow::Result<LineDone> {
    if line.email.is_empty() {
        return Ok(LineDone::failed("no_mail_address"));
    }
    let code = format!("{:08}", rand::rng().random_range(0..100_000_000u32));
    let hash = super::phone::code_hash(&state.code_key, line.line_id, &code);
    let expires = state.clock.now() + super::phone::CODE_TTL_SECS;
    store::replace_code(&state.db, line.line_id, &hash, expires).await?;
    let mail = Mail::CorpLinePasswordNotice {
        company: company.to_owned(),
        number: format_line_number(&line.number),
        code,
    };
    let done = mail_line(state, line, &mail).await;
    if done.result == LineResult::Failed {
        store::use_code(&state.db, line.line_id).await?;
    }
    Ok(done)
}
