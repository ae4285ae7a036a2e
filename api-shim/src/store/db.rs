//! The metadata store. By default one SQLite file in the data folder; with a `postgres://`
//! database URL, a PostgreSQL database shared by several `hako serve` instances (SPEC X3).
//! The code speaks to both through sqlx's `Any` driver with `$N` parameters, which both
//! engines accept; each engine has its own migrations, and the few places where their SQL
//! differs are the functions below: no caller outside `store/` asks which engine it is.

use std::{path::Path, time::Duration};

use anyhow::Context;
use sqlx::{
    Any, AnyPool, Executor,
    any::{AnyConnectOptions, AnyPoolOptions},
};

pub type Db = AnyPool;

/// Whether the store is PostgreSQL (otherwise SQLite).
fn is_postgres(db: &Db) -> bool {
    db.connect_options()
        .database_url
        .scheme()
        .starts_with("postgres")
}

/// Whether the database answers (the health check).
pub async fn ping(db: &Db) -> sqlx::Result<()> {
    sqlx::query("SELECT 1").execute(db).await.map(drop)
}

/// Whether one server is all there is (SQLite): then leases taken by an earlier run of it
/// are void at start. Instances sharing PostgreSQL cannot tell a dead claim from a busy one.
pub fn single_server(db: &Db) -> bool {
    !is_postgres(db)
}

/// Appended to a `SELECT … LIMIT 1` that picks a row to claim: PostgreSQL skips rows another
/// instance is claiming instead of waiting for them; SQLite has one writer anyway.
pub fn skip_locked(db: &Db) -> &'static str {
    if is_postgres(db) {
        "FOR UPDATE SKIP LOCKED"
    } else {
        ""
    }
}

/// SQL for the calendar day (`YYYY-MM-DD`) of a column of local seconds.
pub fn local_day(db: &Db, column: &str) -> String {
    if is_postgres(db) {
        format!("to_char(to_timestamp({column}) AT TIME ZONE 'UTC', 'YYYY-MM-DD')")
    } else {
        format!("strftime('%Y-%m-%d', {column}, 'unixepoch')")
    }
}

/// The aggregate that joins text values with a separator, as `AGG(value, separator ORDER BY …)`
/// (SQLite 3.44+ takes the same ORDER BY). One text from the database instead of thousands of
/// rows: each row costs the driver a few microseconds (a hand-over and a decode).
pub fn string_agg(db: &Db) -> &'static str {
    if is_postgres(db) {
        "string_agg"
    } else {
        "group_concat"
    }
}

/// A list of hex strings bound as one text value that the database splits: the SQL that
/// selects them as rows of one column, that column's name, the value to bind as `$param`,
/// and the aggregate that joins a column back into one text. (One value, not `$3, …, $5002`:
/// SQLite looks each named parameter up among those before it, n²/2 comparisons.)
pub struct HexList {
    pub rows: String,
    pub column: &'static str,
    pub bound: String,
    pub joined: &'static str,
}

pub fn hex_list(db: &Db, param: usize, hex: &[&str]) -> HexList {
    if is_postgres(db) {
        HexList {
            rows: format!("unnest(string_to_array(${param}, ',')) AS h"),
            column: "h",
            bound: hex.join(","),
            joined: string_agg(db),
        }
    } else {
        // Hex needs no escaping in JSON.
        HexList {
            rows: format!("json_each(${param}) AS j"),
            column: "j.value",
            bound: format!("[\"{}\"]", hex.join("\",\"")),
            joined: string_agg(db),
        }
    }
}

/// A transaction in which writers take turns, for writes that may touch more than one
/// account (sign-up, license keys, codes, the console's operations). SQLite: a deferred
/// transaction that reads first and writes later cannot wait for another writer ("database is
/// locked" at once, as busy_timeout does not apply to that upgrade), so the write lock is taken
/// at `BEGIN`. PostgreSQL: a transaction-scoped advisory lock gives the same one-writer-at-a-time
/// order across every instance, so the read-then-write steps written for SQLite stay correct.
pub async fn begin_write(db: &Db) -> Result<sqlx::Transaction<'static, sqlx::Any>, sqlx::Error> {
    begin_locked(db, &["pg_advisory_xact_lock(7308)"]).await
}

/// A write transaction that touches one account's data only (its uploads, items, ROOMs, app
/// data). On PostgreSQL it takes turns with that account's other writers only: writers of
/// different accounts run at once (SPEC X3, several instances share the work), and all of them
/// wait for a `begin_write`, which holds the same lock exclusively. The account's lock lives in
/// the two-key space (7309, id), apart from the one-key 7308. SQLite has one writer anyway.
pub async fn begin_account_write(
    db: &Db,
    user_id: i64,
) -> Result<sqlx::Transaction<'static, sqlx::Any>, sqlx::Error> {
    // Ids past 2^31 share a lock with a smaller one: only a wait, never a wrong answer.
    let key = user_id.rem_euclid(1 << 31);
    // Always the shared lock first, so no two writers wait for each other in a circle.
    let account = format!("pg_advisory_xact_lock(7309, {key}::int4)");
    begin_locked(db, &["pg_advisory_xact_lock_shared(7308)", &account]).await
}

/// `locks`: advisory-lock calls made in this order on PostgreSQL, one statement each.
async fn begin_locked(
    db: &Db,
    locks: &[&str],
) -> Result<sqlx::Transaction<'static, sqlx::Any>, sqlx::Error> {
    if !is_postgres(db) {
        return db.begin_with("BEGIN IMMEDIATE").await;
    }
    let mut tx = db.begin().await?;
    for lock in locks {
        // Wrapped: the Any driver cannot decode the `void` the lock functions answer.
        tx.execute(format!("SELECT count(*) FROM (SELECT {lock}) AS writer_turn").as_str())
            .await?;
    }
    Ok(tx)
}

/// After rows were inserted with ids the caller chose (the benchmark fixture), new rows must
/// get ids past them: PostgreSQL's identity sequence does not see chosen ids; SQLite takes the
/// largest id + 1 anyway.
pub async fn ids_after_chosen(
    db: &Db,
    conn: &mut sqlx::AnyConnection,
    table: &str,
) -> sqlx::Result<()> {
    if is_postgres(db) {
        conn.execute(
            format!("SELECT setval(pg_get_serial_sequence('{table}', 'id'), MAX(id)) FROM {table}")
                .as_str(),
        )
        .await?;
    }
    Ok(())
}

/// A true/false value read from either engine: PostgreSQL answers `EXISTS (…)` and BOOLEAN
/// columns with a boolean, SQLite with the integers 0 and 1.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Flag(pub bool);

impl sqlx::Type<Any> for Flag {
    fn type_info() -> sqlx::any::AnyTypeInfo {
        <bool as sqlx::Type<Any>>::type_info()
    }

    fn compatible(ty: &sqlx::any::AnyTypeInfo) -> bool {
        <bool as sqlx::Type<Any>>::compatible(ty) || <i64 as sqlx::Type<Any>>::compatible(ty)
    }
}

impl<'r> sqlx::Decode<'r, Any> for Flag {
    fn decode(value: sqlx::any::AnyValueRef<'r>) -> Result<Self, sqlx::error::BoxDynError> {
        match <bool as sqlx::Decode<Any>>::decode(value.clone()) {
            Ok(flag) => Ok(Flag(flag)),
            Err(_) => Ok(Flag(<i64 as sqlx::Decode<Any>>::decode(value)? != 0)),
        }
    }
}

/// `$from, $from+1, …` for `count` values bound one after another (an `IN (…)` list).
pub fn params(from: usize, count: usize) -> String {
    (from..from + count)
        .map(|n| format!("${n}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// `($1, …, $width), ($width+1, …), …` for a multi-row `VALUES`.
pub fn rows(count: usize, width: usize) -> String {
    (0..count)
        .map(|row| format!("({})", params(1 + row * width, width)))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Opens the store: `database_url` when given, else `<data>/hako.sqlite3`; migrated on open.
pub async fn open(data_dir: &Path, database_url: Option<&str>) -> anyhow::Result<Db> {
    sqlx::any::install_default_drivers();
    std::fs::create_dir_all(data_dir)
        .with_context(|| format!("creating data folder {}", data_dir.display()))?;
    let url = match database_url {
        Some(url) => url.to_owned(),
        None => format!(
            "sqlite://{}?mode=rwc",
            data_dir.join("hako.sqlite3").display()
        ),
    };
    let options: AnyConnectOptions = url.parse().context("reading the database URL")?;
    let postgres = options.database_url.scheme().starts_with("postgres");
    let pool = AnyPoolOptions::new()
        .max_connections(if postgres { 16 } else { 8 })
        .acquire_timeout(Duration::from_secs(30))
        .after_connect(move |conn, _| {
            Box::pin(async move {
                if !postgres {
                    // sqlx's SQLite defaults already turn foreign keys on and wait 5 s when busy.
                    // The bundled SQLite (SQLITE_ENABLE_MEMORY_MANAGEMENT) keeps one page cache
                    // for all connections, its budget the sum of theirs. At the default 2 MiB
                    // each, once one connection's pages fill it, another drops each page as
                    // soon as it is read: a missing-hash check of 100,000 hashes then read its
                    // index page once per hash, +0.1 s whenever the pool handed out another
                    // connection than the last. 16 MiB (grown only as pages are read) holds
                    // the (user_id, room, sha256) index of a 100,000-item ROOM.
                    conn.execute(
                        "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;
                         PRAGMA cache_size = -16384",
                    )
                    .await?;
                }
                Ok(())
            })
        })
        .connect_with(options)
        .await
        .with_context(|| format!("opening database {}", redacted(&url)))?;
    let migrations = if postgres {
        sqlx::migrate!("./migrations/postgres")
    } else {
        sqlx::migrate!("./migrations/sqlite")
    };
    migrations
        .run(&pool)
        .await
        .context("applying database migrations")?;
    Ok(pool)
}

/// A database URL without its password, for messages and logs.
pub fn redacted(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(mut parsed) if parsed.password().is_some() => {
            let _ = parsed.set_password(Some("***"));
            parsed.to_string()
        }
        _ => url.to_owned(),
    }
}

/// The value of a server secret, made (32 random bytes) the first time it is asked for.
pub async fn server_secret(db: &Db, name: &str) -> anyhow::Result<Vec<u8>> {
    let fresh: [u8; 32] = rand::random();
    sqlx::query(
        "INSERT INTO server_secrets (name, value) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING",
    )
    .bind(name)
    .bind(&fresh[..])
    .execute(db)
    .await?;
    let value: Vec<u8> = sqlx::query_scalar("SELECT value FROM server_secrets WHERE name = $1")
        .bind(name)
        .fetch_one(db)
        .await?;
    Ok(value)
}

#[cfg(test)]
mod tests {
    use std::str::FromStr;

    use sqlx::sqlite::{SqliteConnectOptions, SqlitePoolOptions};

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
        let all = sqlx::migrate!("./migrations/sqlite");
        let mut before = sqlx::migrate!("./migrations/sqlite");
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
                 VALUES ('b@example.jp', 'email_change', x'02', 99, $1)",
            )
            .bind(user_id)
            .execute(&db)
        };
        assert!(change(None).await.is_err(), "a change names its account");
        change(Some(1)).await.unwrap();
    }
}
