//! A line's phone (SPEC C8, C10): it signs in with its number and the code of its latest
//! password notice, into an account of its own, and is held to its line's permissions —
//! those in effect, which a change sets only when its line is done.

use hako_protocol::{DeviceSession, LineLogin, LineStatus, normalize_line_number};
use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;

use super::{CorpError, Result, store};
use crate::{AppState, store::db::Db};

/// A notice's code works for 72 hours.
pub const CODE_TTL_SECS: i64 = 72 * 3600;
/// Wrong guesses before a code stops working.
const CODE_ATTEMPTS: i64 = 5;

/// What a phone is about to do.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Function {
    /// Saving to or restoring from the server (always together).
    Backup,
    /// Moving the phonebook from the line's old phone to its new one.
    Migration,
}

/// Whether a phone account may use `function` now: accounts that are no line's may; a line's
/// phone only as its line's permissions say, with the seed's three refusals.
pub async fn check_function(db: &Db, user_id: i64, function: Function) -> Result<()> {
    let Some(line) = store::line_permissions(db, user_id).await? else {
        return Ok(());
    };
    let in_service = line.status == LineStatus::InService.as_str();
    match (in_service, line.backup.0, line.migration.0, function) {
        (false, ..) | (true, false, false, _) => Err(CorpError::LineContract),
        (true, false, true, Function::Backup) => Err(CorpError::RestrictedByAdmin),
        (true, true, false, Function::Migration) => Err(CorpError::MigrationRestricted),
        _ => Ok(()),
    }
}

/// Keyed, so a stolen database does not give the codes away.
pub(super) fn code_hash(key: &[u8], line_id: i64, code: &str) -> Vec<u8> {
    let mut mac = Hmac::<Sha256>::new_from_slice(key).expect("HMAC takes any key length");
    mac.update(format!("corp-line\0{line_id}\0{code}").as_bytes());
    mac.finalize().into_bytes().to_vec()
}

/// Signs a line's phone in: the code is used up; the line's account is made on its first
/// sign-in. Every wrong guess counts against each code of that number.
pub async fn sign_in(state: &AppState, login: &LineLogin) -> Result<DeviceSession> {
    let number = normalize_line_number(&login.number).ok_or(CorpError::InvalidNumber)?;
    let code = login.code.trim();
    let now = state.clock.now();
    let lines = store::coded_lines(&state.db, &number, now).await?;
    let matching = lines
        .iter()
        .find(|line| code_hash(&state.code_key, line.line_id, code) == line.code_hash);
    let Some(line) = matching else {
        for line in &lines {
            store::code_failed(&state.db, line.line_id, CODE_ATTEMPTS).await?;
        }
        return Err(CorpError::CodeInvalid);
    };
    if line.failed_attempts >= CODE_ATTEMPTS || !store::use_code(&state.db, line.line_id).await? {
        return Err(CorpError::CodeInvalid);
    }
    let user_id = match line.user_id {
        Some(user_id) => user_id,
        None => {
            // An address of its own that nobody can receive mail at: the phone signs in by
            // code, never by password.
            let email = format!(
                "line-{}-{}@lines.hako.invalid",
                line.company_id, line.line_id
            );
            let password = crate::accounts::password::hash(crate::accounts::new_token().0).await?;
            let user_id = crate::accounts::create_account(&state.db, &email, &password, now)
                .await?
                .ok_or(CorpError::CodeInvalid)?;
            store::set_line_user(&state.db, line.line_id, user_id).await?;
            user_id
        }
    };
    Ok(crate::phones::sign_in(state, user_id, &login.name, login.os, &login.model).await?)
}

/// Migrate-out: the old phone hands over its phonebook (a vCard file) for the account's new
/// phone; the latest replaces any earlier one. Answers how many contacts it holds.
pub async fn send_phonebook(state: &AppState, user_id: i64, vcard: &[u8]) -> Result<u64> {
    check_function(&state.db, user_id, Function::Migration).await?;
    let bytes = vcard.to_vec();
    let entries = tokio::task::spawn_blocking(move || hako_media::records::read_contacts(&bytes))
        .await
        .map_err(anyhow::Error::from)?
        .map_err(|_| CorpError::InvalidPhonebook)?
        .len();
    let count = i64::try_from(entries).unwrap_or(i64::MAX);
    store::save_migration(&state.db, user_id, vcard, count, state.clock.now()).await?;
    Ok(entries as u64)
}

/// Migrate-in: the new phone takes the phonebook the old one handed over.
pub async fn receive_phonebook(db: &Db, user_id: i64) -> Result<Vec<u8>> {
    check_function(db, user_id, Function::Migration).await?;
    store::migration(db, user_id)
        .await?
        .ok_or(CorpError::NoPhonebook)
}
