//! `hako migrate-storage`: moves an embedded installation (the SQLite file and the stored files
//! of a data folder) to PostgreSQL and an S3-compatible bucket, byte for byte, and proves it by
//! reading everything back.
//!
//! 1. Metadata: every table, in foreign-key order, row by row in batches, each value bound with
//!    its type, in ONE target transaction. The target must be freshly migrated (empty); when it
//!    already holds exactly the source's row counts (an earlier run finished this step) the step
//!    is skipped; anything else is refused. An interrupted copy rolls back, so running again
//!    starts the step over.
//! 2. Files: every original, thumbnail and preview under `<data>/blobs`, streamed part by part;
//!    an object already in the bucket with the right size is skipped, so a second run resumes.
//! 3. Verification: every object is read back and hashed (an original must hash to its name, a
//!    thumbnail or preview to its local file's hash); every table's row count and an
//!    order-independent checksum of its rows must equal the source's.
//!
//! The server should be stopped while this runs: rows written meanwhile are not copied, and the
//! verification then reports the difference.

use std::{
    collections::{BTreeMap, BTreeSet},
    path::{Path, PathBuf},
    time::Instant,
};

use anyhow::{Context, bail};
use futures_util::{StreamExt, TryStreamExt};
use sha2::{Digest, Sha256};
use sqlx::{
    Column, Connection, Row, TypeInfo, ValueRef,
    postgres::{PgConnection, PgRow},
    sqlite::{SqliteConnectOptions, SqliteConnection, SqliteRow},
};
use tokio::io::AsyncReadExt;

use crate::{
    config::S3Config,
    store::{blobs::BlobStore, db},
};

/// Tables the PostgreSQL triggers on `items` fill (day_counts_*, room_totals_*).
///
/// They are not copied: the triggers rebuild them from the copied items, inside the same
/// transaction. Copying them too would count every item twice; switching the triggers off
/// (`session_replication_role = replica`) needs superuser rights, which managed PostgreSQL
/// services do not give. The verification then checks that the rebuilt rows equal the
/// source's, row for row.
const DERIVED_TABLES: &[&str] = &["day_counts", "room_totals"];

/// Rows per INSERT (PostgreSQL takes at most 65535 parameters per statement).
const BATCH_ROWS: usize = 500;

pub struct Options {
    /// The embedded installation's data folder (SQLite file and `blobs/`).
    pub data_dir: PathBuf,
    /// The target PostgreSQL database; migrated on open, must be empty.
    pub to_database_url: String,
    /// The target bucket.
    pub to_s3: S3Config,
    /// Stop with an error after sending this many files (tests simulate an interruption).
    pub stop_after_files: Option<usize>,
}

#[derive(Debug, Default, Clone)]
pub struct Summary {
    pub tables: usize,
    pub rows: u64,
    /// Whether this run copied the metadata (false: an earlier run had).
    pub metadata_copied: bool,
    pub files: usize,
    pub bytes: u64,
    pub files_sent: usize,
    pub files_already_there: usize,
    pub seconds: f64,
    /// Everything that did not match; empty on success.
    pub mismatches: Vec<String>,
}

/// Runs the whole migration; `Err` when anything failed or did not match.
pub async fn run(options: Options) -> anyhow::Result<Summary> {
    let started = Instant::now();
    let mut summary = Summary::default();

    // The source, migrated to the latest schema as `hako serve` would, then read natively so
    // every value keeps its stored type.
    db::open(&options.data_dir, None)
        .await
        .context("opening the source SQLite database")?
        .close()
        .await;
    let sqlite_path = options.data_dir.join("hako.sqlite3");
    let mut source = SqliteConnection::connect_with(
        &SqliteConnectOptions::new()
            .filename(&sqlite_path)
            .read_only(true),
    )
    .await
    .with_context(|| format!("opening {}", sqlite_path.display()))?;

    // The target, migrated on open like any PostgreSQL installation, then one plain connection.
    db::open(&options.data_dir, Some(&options.to_database_url))
        .await
        .context("opening the target PostgreSQL database")?
        .close()
        .await;
    let mut target = PgConnection::connect(&options.to_database_url)
        .await
        .with_context(|| format!("connecting to {}", db::redacted(&options.to_database_url)))?;

    let tables = source_tables(&mut source).await?;
    let target_columns = target_columns(&mut target).await?;
    for table in &tables {
        let Some(columns) = target_columns.get(&table.name) else {
            bail!("the target database has no table {}", table.name);
        };
        let names: BTreeSet<&String> = columns.keys().collect();
        let source_names: BTreeSet<&String> = table.columns.iter().collect();
        if names != source_names {
            bail!(
                "table {}: columns differ (source {:?}, target {:?})",
                table.name,
                source_names,
                names
            );
        }
    }
    summary.tables = tables.len();

    // 1. Metadata.
    let (copied, rows) = copy_metadata(&mut source, &mut target, &tables, &target_columns).await?;
    summary.metadata_copied = copied;
    summary.rows = rows;

    // 2. Files.
    let blobs = BlobStore::open(&options.data_dir, Some(&options.to_s3))?;
    let bucket = blobs.s3().expect("opened with [s3]");
    let local = list_local_files(&options.data_dir.join("blobs"))?;
    eprintln!(
        "files: {} in {}",
        local.len(),
        options.data_dir.join("blobs").display()
    );
    let mut last_report = Instant::now();
    for (n, file) in local.iter().enumerate() {
        summary.files += 1;
        summary.bytes += file.size;
        let key = bucket.object_key(&file.sha256, file.what.as_deref());
        if bucket.object_size(&key).await? == Some(file.size) {
            summary.files_already_there += 1;
        } else {
            if options
                .stop_after_files
                .is_some_and(|stop| summary.files_sent >= stop)
            {
                bail!(
                    "stopped after sending {} files (as asked)",
                    summary.files_sent
                );
            }
            bucket
                .copy_file_in(&key, &file.path)
                .await
                .with_context(|| format!("sending {}", file.path.display()))?;
            summary.files_sent += 1;
        }
        if last_report.elapsed().as_secs() >= 5 || n + 1 == local.len() {
            eprintln!(
                "files: {}/{} ({} sent, {} already there)",
                n + 1,
                local.len(),
                summary.files_sent,
                summary.files_already_there
            );
            last_report = Instant::now();
        }
    }

    // 3. Verification: files.
    eprintln!("verifying: reading every file back from the bucket");
    for file in &local {
        let key = bucket.object_key(&file.sha256, file.what.as_deref());
        let expected = match file.what {
            None => file.sha256.clone(),
            Some(_) => sha256_of_file(&file.path).await?,
        };
        let mut hasher = Sha256::new();
        let mut size = 0u64;
        let mut stream = bucket.object_stream(&key).await?;
        while let Some(chunk) = stream.try_next().await? {
            size += chunk.len() as u64;
            hasher.update(&chunk);
        }
        let found = hex::encode(hasher.finalize());
        if found != expected || size != file.size {
            summary.mismatches.push(format!(
                "{key}: {size} bytes with SHA-256 {found}, expected {} bytes with {expected}",
                file.size
            ));
        }
    }
    let originals: BTreeSet<&str> = local
        .iter()
        .filter(|f| f.what.is_none())
        .map(|f| f.sha256.as_str())
        .collect();
    for sha in referenced_originals(&mut source).await? {
        if !originals.contains(sha.as_str()) {
            summary.mismatches.push(format!(
                "the source database names the stored file {sha}, but {} has no such file",
                options.data_dir.join("blobs").display()
            ));
        }
    }

    // 3. Verification: rows.
    eprintln!("verifying: row counts and checksums of every table");
    for table in &tables {
        let columns = &target_columns[&table.name];
        let (source_rows, source_sum) = source_digest(&mut source, table).await?;
        let (target_rows, target_sum) = target_digest(&mut target, table, columns).await?;
        if (source_rows, source_sum) != (target_rows, target_sum) {
            summary.mismatches.push(format!(
                "table {}: source {source_rows} rows (checksum {source_sum:032x}), target {target_rows} rows (checksum {target_sum:032x})",
                table.name
            ));
        }
    }
    let uploads: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM uploads")
        .fetch_one(&mut source)
        .await?;
    if uploads > 0 {
        eprintln!(
            "note: {uploads} upload(s) in progress were copied, but their partial bytes stay in {}: those phones start them again",
            options.data_dir.join("uploads").display()
        );
    }

    summary.seconds = started.elapsed().as_secs_f64();
    eprintln!(
        "summary: {} tables, {} rows ({}), {} files, {} bytes ({} sent, {} already there), {:.1} s, {} mismatch(es)",
        summary.tables,
        summary.rows,
        if summary.metadata_copied {
            "copied now"
        } else {
            "already copied by an earlier run"
        },
        summary.files,
        summary.bytes,
        summary.files_sent,
        summary.files_already_there,
        summary.seconds,
        summary.mismatches.len()
    );
    if !summary.mismatches.is_empty() {
        for mismatch in &summary.mismatches {
            eprintln!("MISMATCH: {mismatch}");
        }
        bail!(
            "the migrated copy differs from the source in {} place(s)",
            summary.mismatches.len()
        );
    }
    Ok(summary)
}

struct Table {
    name: String,
    columns: Vec<String>,
}

/// The source's tables (without sqlx's bookkeeping), parents before children.
async fn source_tables(source: &mut SqliteConnection) -> anyhow::Result<Vec<Table>> {
    let names: Vec<String> = sqlx::query_scalar(
        "SELECT name FROM sqlite_master WHERE type = 'table'
         AND name NOT LIKE 'sqlite_%' AND name <> '_sqlx_migrations' ORDER BY name",
    )
    .fetch_all(&mut *source)
    .await?;
    let mut parents: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut columns: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for name in &names {
        let refs: Vec<String> =
            sqlx::query_scalar("SELECT DISTINCT \"table\" FROM pragma_foreign_key_list($1)")
                .bind(name)
                .fetch_all(&mut *source)
                .await?;
        parents.insert(
            name.clone(),
            refs.into_iter().filter(|p| p != name).collect(),
        );
        let cols: Vec<String> =
            sqlx::query_scalar("SELECT name FROM pragma_table_info($1) ORDER BY cid")
                .bind(name)
                .fetch_all(&mut *source)
                .await?;
        columns.insert(name.clone(), cols);
    }
    let mut ordered = Vec::new();
    let mut placed = BTreeSet::new();
    while placed.len() < names.len() {
        let ready: Vec<String> = names
            .iter()
            .filter(|n| !placed.contains(*n) && parents[*n].iter().all(|p| placed.contains(p)))
            .cloned()
            .collect();
        if ready.is_empty() {
            bail!("the source's foreign keys form a cycle; cannot order the copy");
        }
        for name in ready {
            placed.insert(name.clone());
            ordered.push(Table {
                columns: columns.remove(&name).unwrap_or_default(),
                name,
            });
        }
    }
    Ok(ordered)
}

/// The target's column types (information_schema `data_type`) per table.
async fn target_columns(
    target: &mut PgConnection,
) -> anyhow::Result<BTreeMap<String, BTreeMap<String, String>>> {
    let rows: Vec<(String, String, String)> = sqlx::query_as(
        "SELECT table_name::text, column_name::text, data_type::text FROM information_schema.columns
         WHERE table_schema = current_schema()",
    )
    .fetch_all(&mut *target)
    .await?;
    let mut tables: BTreeMap<String, BTreeMap<String, String>> = BTreeMap::new();
    for (table, column, ty) in rows {
        tables.entry(table).or_default().insert(column, ty);
    }
    Ok(tables)
}

fn quoted(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

fn select_all(table: &Table) -> String {
    let columns: Vec<String> = table.columns.iter().map(|c| quoted(c)).collect();
    format!("SELECT {} FROM {}", columns.join(", "), quoted(&table.name))
}

/// A stored value, in the few types either engine keeps.
#[derive(Clone, Debug, PartialEq)]
enum Value {
    Null,
    Int(i64),
    Real(f64),
    Text(String),
    Blob(Vec<u8>),
}

impl Value {
    /// An encoding that tells every value apart, for the checksums. A PostgreSQL BOOLEAN is
    /// read as the integer SQLite keeps (0/1), so the two sides compare.
    fn digest_into(&self, hasher: &mut Sha256) {
        match self {
            Value::Null => hasher.update([0]),
            Value::Int(i) => {
                hasher.update([1]);
                hasher.update(i.to_le_bytes());
            }
            Value::Real(f) => {
                hasher.update([2]);
                hasher.update(f.to_bits().to_le_bytes());
            }
            Value::Text(s) => {
                hasher.update([3]);
                hasher.update((s.len() as u64).to_le_bytes());
                hasher.update(s.as_bytes());
            }
            Value::Blob(b) => {
                hasher.update([4]);
                hasher.update((b.len() as u64).to_le_bytes());
                hasher.update(b);
            }
        }
    }
}

fn sqlite_values(row: &SqliteRow) -> anyhow::Result<Vec<Value>> {
    let mut values = Vec::with_capacity(row.len());
    for i in 0..row.len() {
        let raw = row.try_get_raw(i)?;
        if raw.is_null() {
            values.push(Value::Null);
            continue;
        }
        let ty = raw.type_info().name().to_owned();
        values.push(match ty.as_str() {
            "INTEGER" | "BOOLEAN" => Value::Int(row.try_get_unchecked(i)?),
            "REAL" => Value::Real(row.try_get_unchecked(i)?),
            "TEXT" => Value::Text(row.try_get_unchecked(i)?),
            "BLOB" => Value::Blob(row.try_get_unchecked(i)?),
            other => bail!(
                "column {}: unexpected SQLite type {other}",
                row.column(i).name()
            ),
        });
    }
    Ok(values)
}

fn pg_values(row: &PgRow, types: &[&str]) -> anyhow::Result<Vec<Value>> {
    let mut values = Vec::with_capacity(types.len());
    for (i, ty) in types.iter().enumerate() {
        let value = match *ty {
            "bigint" => row.try_get::<Option<i64>, _>(i)?.map(Value::Int),
            "integer" => row
                .try_get::<Option<i32>, _>(i)?
                .map(|v| Value::Int(v.into())),
            "smallint" => row
                .try_get::<Option<i16>, _>(i)?
                .map(|v| Value::Int(v.into())),
            "boolean" => row
                .try_get::<Option<bool>, _>(i)?
                .map(|v| Value::Int(v.into())),
            "double precision" => row.try_get::<Option<f64>, _>(i)?.map(Value::Real),
            "text" => row.try_get::<Option<String>, _>(i)?.map(Value::Text),
            "bytea" => row.try_get::<Option<Vec<u8>>, _>(i)?.map(Value::Blob),
            other => bail!("unexpected PostgreSQL column type {other}"),
        };
        values.push(value.unwrap_or(Value::Null));
    }
    Ok(values)
}

type PgQuery<'q> = sqlx::query::Query<'q, sqlx::Postgres, sqlx::postgres::PgArguments>;

/// Binds a source value as the target column's type; a value that would change is refused.
fn bind_as<'q>(
    query: PgQuery<'q>,
    value: Value,
    ty: &str,
    at: &str,
) -> anyhow::Result<PgQuery<'q>> {
    Ok(match (ty, value) {
        ("bigint" | "integer" | "smallint", Value::Null) => query.bind(None::<i64>),
        ("bigint", Value::Int(v)) => query.bind(v),
        ("integer", Value::Int(v)) => query.bind(i32::try_from(v).with_context(|| at.to_owned())?),
        ("smallint", Value::Int(v)) => query.bind(i16::try_from(v).with_context(|| at.to_owned())?),
        ("boolean", Value::Null) => query.bind(None::<bool>),
        ("boolean", Value::Int(v @ (0 | 1))) => query.bind(v == 1),
        ("double precision", Value::Null) => query.bind(None::<f64>),
        ("double precision", Value::Real(v)) => query.bind(v),
        ("text", Value::Null) => query.bind(None::<String>),
        ("text", Value::Text(v)) => query.bind(v),
        ("bytea", Value::Null) => query.bind(None::<Vec<u8>>),
        ("bytea", Value::Blob(v)) => query.bind(v),
        (ty, value) => bail!("{at}: {value:?} does not fit the target's {ty} column"),
    })
}

/// Copies every table in one target transaction; `(copied now, source rows)`.
async fn copy_metadata(
    source: &mut SqliteConnection,
    target: &mut PgConnection,
    tables: &[Table],
    target_columns: &BTreeMap<String, BTreeMap<String, String>>,
) -> anyhow::Result<(bool, u64)> {
    // One snapshot of the source for the whole copy.
    let mut read = source.begin().await?;
    let mut tx = target.begin().await?;
    // The same lock the server's writers take (db::begin_write): no instance writes meanwhile.
    sqlx::query("SELECT count(*) FROM (SELECT pg_advisory_xact_lock(7308)) AS writer_turn")
        .execute(&mut *tx)
        .await?;

    let mut source_counts = Vec::new();
    let mut target_counts = Vec::new();
    for table in tables {
        let count: i64 =
            sqlx::query_scalar(&format!("SELECT COUNT(*) FROM {}", quoted(&table.name)))
                .fetch_one(&mut *read)
                .await?;
        source_counts.push(count);
        let count: i64 =
            sqlx::query_scalar(&format!("SELECT COUNT(*) FROM {}", quoted(&table.name)))
                .fetch_one(&mut *tx)
                .await?;
        target_counts.push(count);
    }
    let total: u64 = source_counts.iter().map(|c| *c as u64).sum();
    if target_counts == source_counts {
        eprintln!(
            "metadata: the target already holds the source's row counts (an earlier run copied them): not copied again"
        );
        return Ok((false, total));
    }
    if target_counts.iter().any(|c| *c != 0) {
        let differing: Vec<String> = tables
            .iter()
            .zip(source_counts.iter().zip(&target_counts))
            .filter(|(_, (s, t))| s != t)
            .map(|(table, (s, t))| format!("{} (source {s}, target {t})", table.name))
            .collect();
        bail!(
            "the target database already holds different data: {}. Migrate into a new, empty database.",
            differing.join(", ")
        );
    }

    for (table, count) in tables.iter().zip(&source_counts) {
        if DERIVED_TABLES.contains(&table.name.as_str()) {
            eprintln!(
                "metadata: {} ({count} rows) is rebuilt by the target's triggers",
                table.name
            );
            continue;
        }
        let types: Vec<&str> = table
            .columns
            .iter()
            .map(|c| target_columns[&table.name][c].as_str())
            .collect();
        let insert_head = format!(
            "INSERT INTO {} ({}) VALUES ",
            quoted(&table.name),
            table
                .columns
                .iter()
                .map(|c| quoted(c))
                .collect::<Vec<_>>()
                .join(", ")
        );
        let width = table.columns.len();
        let mut batch: Vec<Vec<Value>> = Vec::with_capacity(BATCH_ROWS);
        let mut done = 0u64;
        let select = select_all(table);
        let mut rows = sqlx::query(&select).fetch(&mut *read);
        loop {
            let row = rows.try_next().await?;
            if let Some(row) = &row {
                batch.push(sqlite_values(row)?);
            }
            if batch.len() == BATCH_ROWS || (row.is_none() && !batch.is_empty()) {
                let sql = format!("{insert_head}{}", db::rows(batch.len(), width));
                let mut query = sqlx::query(&sql);
                for values in batch.drain(..) {
                    for ((value, ty), column) in values.into_iter().zip(&types).zip(&table.columns)
                    {
                        query = bind_as(query, value, ty, &format!("{}.{column}", table.name))?;
                    }
                }
                done += query.execute(&mut *tx).await?.rows_affected();
            }
            if row.is_none() {
                break;
            }
        }
        drop(rows);
        eprintln!("metadata: {} ({done} rows)", table.name);
    }

    // Identity columns: new rows must get ids past the copied ones.
    let identities: Vec<(String, String)> = sqlx::query_as(
        "SELECT table_name::text, column_name::text FROM information_schema.columns
         WHERE table_schema = current_schema() AND is_identity = 'YES'",
    )
    .fetch_all(&mut *tx)
    .await?;
    for (table, column) in identities {
        sqlx::query(&format!(
            "SELECT setval(pg_get_serial_sequence($1, $2), MAX({})) FROM {}",
            quoted(&column),
            quoted(&table)
        ))
        .bind(quoted(&table))
        .bind(&column)
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await?;
    read.rollback().await?;
    eprintln!("metadata: committed");
    Ok((true, total))
}

/// Row count and an order-independent checksum (sum of the rows' hashes, mod 2^128; equal rows
/// do not cancel out) of a source table.
async fn source_digest(
    source: &mut SqliteConnection,
    table: &Table,
) -> anyhow::Result<(u64, u128)> {
    let select = select_all(table);
    let mut rows = sqlx::query(&select).fetch(source);
    let (mut count, mut sum) = (0u64, 0u128);
    while let Some(row) = rows.next().await {
        count += 1;
        sum = sum.wrapping_add(row_hash(&sqlite_values(&row?)?));
    }
    Ok((count, sum))
}

async fn target_digest(
    target: &mut PgConnection,
    table: &Table,
    columns: &BTreeMap<String, String>,
) -> anyhow::Result<(u64, u128)> {
    let types: Vec<&str> = table.columns.iter().map(|c| columns[c].as_str()).collect();
    let select = select_all(table);
    let mut rows = sqlx::query(&select).fetch(target);
    let (mut count, mut sum) = (0u64, 0u128);
    while let Some(row) = rows.next().await {
        count += 1;
        sum = sum.wrapping_add(row_hash(&pg_values(&row?, &types)?));
    }
    Ok((count, sum))
}

fn row_hash(values: &[Value]) -> u128 {
    let mut hasher = Sha256::new();
    for value in values {
        value.digest_into(&mut hasher);
    }
    let digest = hasher.finalize();
    u128::from_le_bytes(digest[..16].try_into().expect("16 bytes"))
}

/// Every stored file the source's rows name.
async fn referenced_originals(source: &mut SqliteConnection) -> anyhow::Result<BTreeSet<String>> {
    let names: Vec<String> = sqlx::query_scalar(
        "SELECT sha256 FROM items UNION SELECT sha256 FROM backups
         UNION SELECT sha256 FROM app_data_versions",
    )
    .fetch_all(source)
    .await?;
    Ok(names.into_iter().collect())
}

struct LocalFile {
    path: PathBuf,
    sha256: String,
    /// `None`: the original; else `thumb` or `preview`.
    what: Option<String>,
    size: u64,
}

fn is_sha256_hex(name: &str) -> bool {
    name.len() == 64 && name.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

/// Originals (`blobs/xx/<sha256>`) and derived pictures (`blobs/derived/xx/<sha256>.<what>.jpg`);
/// staging leftovers of interrupted writes are not stored files and are left out.
fn list_local_files(root: &Path) -> anyhow::Result<Vec<LocalFile>> {
    let mut files = Vec::new();
    if !root.exists() {
        return Ok(files);
    }
    let mut visit = |dir: &Path, derived: bool| -> anyhow::Result<()> {
        for shard in std::fs::read_dir(dir).with_context(|| format!("reading {}", dir.display()))? {
            let shard = shard?;
            let shard_name = shard.file_name().to_string_lossy().into_owned();
            if !shard.file_type()?.is_dir() || shard_name.len() != 2 {
                continue;
            }
            for entry in std::fs::read_dir(shard.path())? {
                let entry = entry?;
                if !entry.file_type()?.is_file() {
                    continue;
                }
                let name = entry.file_name().to_string_lossy().into_owned();
                let (sha256, what) = if derived {
                    let Some(stem) = name.strip_suffix(".jpg") else {
                        continue;
                    };
                    let Some((sha, what)) = stem.split_once('.') else {
                        continue;
                    };
                    if !matches!(what, "thumb" | "preview") {
                        continue;
                    }
                    (sha.to_owned(), Some(what.to_owned()))
                } else {
                    (name.clone(), None)
                };
                if !is_sha256_hex(&sha256) || !sha256.starts_with(&shard_name) {
                    continue;
                }
                files.push(LocalFile {
                    path: entry.path(),
                    sha256,
                    what,
                    size: entry.metadata()?.len(),
                });
            }
        }
        Ok(())
    };
    visit(root, false)?;
    if root.join("derived").is_dir() {
        visit(&root.join("derived"), true)?;
    }
    files.sort_by(|a, b| (&a.sha256, &a.what).cmp(&(&b.sha256, &b.what)));
    Ok(files)
}

async fn sha256_of_file(path: &Path) -> anyhow::Result<String> {
    let mut file = tokio::fs::File::open(path)
        .await
        .with_context(|| format!("reading {}", path.display()))?;
    let mut hasher = Sha256::new();
    let mut buffer = vec![0u8; 256 * 1024];
    loop {
        let n = file.read(&mut buffer).await?;
        if n == 0 {
            break;
        }
        hasher.update(&buffer[..n]);
    }
    Ok(hex::encode(hasher.finalize()))
}
