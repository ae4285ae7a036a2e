//! The embedded metadata store: one SQLite file in the data folder, migrated on open.

use std::{path::Path, str::FromStr, time::Duration};

use anyhow::Context;
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};

pub type Db = SqlitePool;

/// A transaction that takes the write lock at once. A deferred one that reads first and
/// writes later cannot wait for another writer: SQLite answers "database is locked" at once
/// (busy_timeout does not apply to that upgrade), which two phones backing up at the same
/// moment would hit.
pub async fn begin_write(db: &Db) -> Result<sqlx::Transaction<'static, sqlx::Sqlite>, sqlx::Error> {
    db.begin_with("BEGIN IMMEDIATE").await
}

pub async fn open(data_dir: &Path) -> anyhow::Result<Db> {
    std::fs::create_dir_all(data_dir)
        .with_context(|| format!("creating data folder {}", data_dir.display()))?;
    let path = data_dir.join("hako.sqlite3");
    let options = SqliteConnectOptions::from_str(&format!("sqlite://{}", path.display()))?
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(SqliteSynchronous::Normal)
        .foreign_keys(true)
        .busy_timeout(Duration::from_secs(5));
    let pool = SqlitePoolOptions::new()
        .max_connections(8)
        .connect_with(options)
        .await
        .with_context(|| format!("opening database {}", path.display()))?;
    sqlx::migrate!("./migrations")
        .run(&pool)
        .await
        .context("applying database migrations")?;
    Ok(pool)
}

/// The value of a server secret, made (32 random bytes) the first time it is asked for.
pub async fn server_secret(db: &Db, name: &str) -> anyhow::Result<Vec<u8>> {
    let fresh: [u8; 32] = rand::random();
    sqlx::query(
        "INSERT INTO server_secrets (name, value) VALUES (?, ?) ON CONFLICT (name) DO NOTHING",
    )
    .bind(name)
    .bind(&fresh[..])
    .execute(db)
    .await?;
    let value: Vec<u8> = sqlx::query_scalar("SELECT value FROM server_secrets WHERE name = ?")
        .bind(name)
        .fetch_one(db)
        .await?;
    Ok(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Migration 0011 rebuilds `email_codes` to change its CHECK: codes already waiting stay.
    #[tokio::test]
    async fn the_email_codes_rebuild_keeps_waiting_codes_and_binds_changes_to_an_account() {
        let dir = tempfile::tempdir().unwrap();
        let options = SqliteConnectOptions::from_str(&format!(
            "sqlite://{}",
            dir.path().join("old.sqlite3").display()
        ))
        .unwrap()
        .create_if_missing(true)
        .foreign_keys(true);
        let db = SqlitePoolOptions::new()
            .max_connections(1)
            .connect_with(options)
            .await
            .unwrap();
        let all = sqlx::migrate!("./migrations");
        let mut before = sqlx::migrate!("./migrations");
        before.migrations = all
            .migrations
            .iter()
            .filter(|m| m.version <= 10)
            .cloned()
            .collect();
        before.run(&db).await.unwrap();
        sqlx::query(
            "INSERT INTO users (id, email, password_hash, created_at) VALUES (1, 'a@example.jp', 'x', 0);
             INSERT INTO email_codes (email, purpose, code_hash, password_hash, expires_at, failed_attempts)
             VALUES ('new@example.jp', 'signup', x'01', 'hash', 99, 2)",
        )
        .execute(&db)
        .await
        .unwrap();

        all.run(&db).await.unwrap();
        let kept: (String, Option<String>, i64, i64, Option<i64>) = sqlx::query_as(
            "SELECT purpose, password_hash, expires_at, failed_attempts, user_id FROM email_codes
             WHERE email = 'new@example.jp'",
        )
        .fetch_one(&db)
        .await
        .unwrap();
        assert_eq!(kept, ("signup".into(), Some("hash".into()), 99, 2, None));
        let change = |user_id: Option<i64>| {
            sqlx::query(
                "INSERT INTO email_codes (email, purpose, code_hash, expires_at, user_id)
                 VALUES ('b@example.jp', 'email_change', x'02', 99, ?)",
            )
            .bind(user_id)
            .execute(&db)
        };
        assert!(change(None).await.is_err(), "a change names its account");
        change(Some(1)).await.unwrap();
    }
}
