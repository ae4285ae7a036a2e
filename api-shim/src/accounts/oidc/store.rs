//! The SQL of OpenID sign-ins in progress and of the identities they link to accounts.

use sqlx::{Any, AnyConnection, Executor};

use crate::store::db::Db;

/// What a sign-in keeps on the server between leaving for the provider and coming back.
#[derive(sqlx::FromRow)]
pub(super) struct Login {
    pub provider: String,
    pub nonce: String,
    pub pkce_verifier: String,
    pub expires_at: i64,
}

pub(super) async fn insert_login(db: &Db, state_hash: &[u8], login: &Login) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO oidc_logins (state_hash, provider, nonce, pkce_verifier, expires_at)
         VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(state_hash)
    .bind(&login.provider)
    .bind(&login.nonce)
    .bind(&login.pkce_verifier)
    .bind(login.expires_at)
    .execute(db)
    .await?;
    Ok(())
}

/// Deletes and returns the sign-in of this state, so it works once.
pub(super) async fn take_login(db: &Db, state_hash: &[u8]) -> sqlx::Result<Option<Login>> {
    sqlx::query_as(
        "DELETE FROM oidc_logins WHERE state_hash = $1
         RETURNING provider, nonce, pkce_verifier, expires_at",
    )
    .bind(state_hash)
    .fetch_optional(db)
    .await
}

pub(super) async fn delete_old_logins(db: &Db, now: i64) -> sqlx::Result<()> {
    sqlx::query("DELETE FROM oidc_logins WHERE expires_at < $1")
        .bind(now)
        .execute(db)
        .await?;
    Ok(())
}

/// The account an identity signed in to before.
pub(super) async fn identity_account<'e>(
    db: impl Executor<'e, Database = Any>,
    provider: &str,
    subject: &str,
) -> sqlx::Result<Option<i64>> {
    sqlx::query_scalar("SELECT user_id FROM oidc_identities WHERE provider = $1 AND subject = $2")
        .bind(provider)
        .bind(subject)
        .fetch_optional(db)
        .await
}

pub(super) async fn rename_identity(
    db: &Db,
    provider: &str,
    subject: &str,
    name: &str,
) -> sqlx::Result<()> {
    sqlx::query("UPDATE oidc_identities SET name = $1 WHERE provider = $2 AND subject = $3")
        .bind(name)
        .bind(provider)
        .bind(subject)
        .execute(db)
        .await?;
    Ok(())
}

/// An identity, linked to an account.
pub(super) struct Identity<'a> {
    pub provider: &'a str,
    pub subject: &'a str,
    pub user_id: i64,
    pub name: Option<&'a str>,
}

pub(super) async fn insert_identity(
    conn: &mut AnyConnection,
    identity: &Identity<'_>,
    now: i64,
) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO oidc_identities (provider, subject, user_id, name, created_at)
         VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(identity.provider)
    .bind(identity.subject)
    .bind(identity.user_id)
    .bind(identity.name)
    .bind(now)
    .execute(conn)
    .await?;
    Ok(())
}
