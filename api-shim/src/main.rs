//! `hako`: the server and its operator commands.

use std::{net::SocketAddr, path::PathBuf};

use anyhow::{Context, bail};
use clap::{Args, Parser, Subcommand};
use hako_api_shim::{
    AppState,
    accounts::{self, password},
    app_data,
    config::{Config, Overrides},
    corp,
};
use hako_protocol::{LicenseKey, masked_license_key, normalize_email, validate_password};
use tracing_subscriber::EnvFilter;

#[derive(Parser)]
#[command(
    name = "hako",
    version,
    about = "Hako: a self-hostable backup cloud for smartphones"
)]
struct Cli {
    #[command(flatten)]
    common: Common,
    #[command(subcommand)]
    command: Command,
}

#[derive(Args)]
struct Common {
    /// Data folder: database, stored files, outbox.
    #[arg(long = "data", env = "HAKO_DATA", global = true)]
    data: Option<PathBuf>,
    /// Optional TOML configuration file.
    #[arg(long = "config", env = "HAKO_CONFIG", global = true)]
    config: Option<PathBuf>,
    /// `postgres://user:password@host/db` to keep metadata in PostgreSQL instead of SQLite.
    #[arg(
        long = "database-url",
        env = "HAKO_DATABASE_URL",
        global = true,
        hide_env_values = true
    )]
    database_url: Option<String>,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the web viewer and the API.
    Serve {
        /// Address to listen on.
        #[arg(long, env = "HAKO_LISTEN")]
        listen: Option<SocketAddr>,
        /// The built web viewer (trunk's output).
        #[arg(long, env = "HAKO_DIST")]
        dist: Option<PathBuf>,
        /// Google's client secret, kept out of the config file ([oidc.google] has the rest).
        #[arg(long, env = "HAKO_OIDC_GOOGLE_CLIENT_SECRET", hide_env_values = true)]
        google_client_secret: Option<String>,
    },
    /// Write the demo phone's files (photos, videos, music, documents, contacts, calendar,
    /// call log) into a new folder, for `hako-device backup`.
    #[cfg(feature = "fixtures")]
    DemoFolder { dir: PathBuf },
    /// Print the shooting time Hako reads from each photo or video (SPEC T3), as the local
    /// time where it was taken and its offset when the file says it; `-` when it has none
    /// (Hako then uses the phone's file time). Tab-separated: file, date.
    ShootingDates { files: Vec<PathBuf> },
    /// Fill an account's ROOM 1 with N photos and videos over the last years, for benchmarks.
    /// Creates the account (password from HAKO_PASSWORD or a prompt) and its phone if missing.
    #[cfg(feature = "fixtures")]
    BenchFixture {
        #[arg(long)]
        email: String,
        #[arg(long)]
        items: usize,
        #[arg(long, default_value_t = 20)]
        years: u32,
    },
    /// Manage accounts.
    User {
        #[command(subcommand)]
        command: UserCommand,
    },
    /// Manage license keys (SPEC A3, A4).
    License {
        #[command(subcommand)]
        command: LicenseCommand,
    },
    /// The apps whose data Hako keeps (app data backup, SPEC P6).
    /// The corporate console's companies and lines (SPEC C1).
    Corp {
        #[command(subcommand)]
        command: CorpCommand,
    },
    Apps {
        #[command(subcommand)]
        command: AppsCommand,
    },
    /// Move this embedded installation (the SQLite file and stored files of --data) to
    /// PostgreSQL and an S3-compatible bucket, then read everything back and compare hashes.
    ///
    /// Stop `hako serve` first. The target database must be new and empty (it is migrated
    /// here). Safe to run again: an interrupted run resumes (metadata is copied in one
    /// transaction, files already in the bucket with the right size are skipped), a finished
    /// one only verifies again. Exits non-zero on any mismatch. Afterwards, point `hako serve`
    /// at the target with `database_url` and `[s3]`.
    MigrateStorage {
        /// The target `postgres://user:password@host/db` (an empty database).
        #[arg(
            long = "to-database-url",
            env = "HAKO_MIGRATE_TO_DATABASE_URL",
            hide_env_values = true
        )]
        to_database_url: Option<String>,
        /// A TOML file with the target's `[s3]` table (endpoint, bucket, region,
        /// access_key_id, secret_access_key, prefix) and optionally its `database_url`.
        #[arg(long = "to-config")]
        to_config: PathBuf,
    },
}

#[derive(Subcommand)]
enum LicenseCommand {
    /// Make new keys and print them, one per line. They are shown only this once.
    Issue {
        #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u16).range(1..=10_000))]
        count: u16,
    },
    /// Cancel a key: it stays valid until the end of this month (Japan time), then the
    /// account is a free member and its data is deleted 30 days later.
    Cancel {
        #[arg(value_parser = parse_license_key)]
        key: LicenseKey,
    },
    /// Every key, masked, with its state, account and dates (Japan time).
    List,
}

#[derive(Subcommand)]
enum CorpCommand {
    /// Create a company with its main admin; prints the company's id. An address with a
    /// Hako account becomes the main admin at once (and is told by mail); a new address is
    /// invited by mail with a code to set its password.
    Create {
        #[arg(long)]
        name: String,
        #[arg(long)]
        admin_email: String,
        #[arg(long)]
        admin_name: String,
    },
    /// The company's lines.
    Lines {
        #[command(subcommand)]
        command: CorpLinesCommand,
    },
}

#[derive(Subcommand)]
enum CorpLinesCommand {
    /// Load lines from CSV (UTF-8 with or without BOM, or Shift_JIS) with the header
    /// number,name,reading,group,department,device_kind,contract_date,email,status. Every bad
    /// row is reported with its line number and nothing is imported then; known numbers are
    /// updated (their permissions kept), new ones get their contract date's defaults.
    Import { company: i64, file: PathBuf },
}

#[derive(Subcommand)]
enum AppsCommand {
    /// Add an app (or update a listed one and bring it back into support).
    Add {
        /// A reverse-DNS name, such as jp.example.mail.
        app_id: String,
        #[arg(long)]
        name_ja: String,
        #[arg(long)]
        name_en: String,
        /// The largest backup the app may keep, in bytes (25 MiB when not given).
        #[arg(long)]
        max_bytes: Option<u64>,
    },
    /// Take an app off the list: new backups are refused; data users keep stays readable,
    /// restorable and deletable.
    Remove { app_id: String },
    /// Every app, removed ones too, with its cap and dates (Japan time).
    List,
}

#[derive(Subcommand)]
enum UserCommand {
    /// Create a verified account. The password comes from HAKO_PASSWORD or a prompt.
    Add { email: String },
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| EnvFilter::new("info,tower_http=warn,sqlx=warn")),
        )
        .init();
    let cli = Cli::parse();
    let mut overrides = Overrides {
        data: cli.common.data,
        config_file: cli.common.config,
        database_url: cli.common.database_url,
        ..Overrides::default()
    };
    match cli.command {
        Command::Serve {
            listen,
            dist,
            google_client_secret,
        } => {
            overrides.listen = listen;
            overrides.dist = dist;
            overrides.google_client_secret = google_client_secret;
            serve(Config::resolve(overrides)?).await
        }
        Command::User {
            command: UserCommand::Add { email },
        } => add_user(Config::resolve(overrides)?, &email).await,
        Command::License { command } => license(Config::resolve(overrides)?, command).await,
        Command::Apps { command } => apps(Config::resolve(overrides)?, command).await,
        Command::Corp { command } => corp(Config::resolve(overrides)?, command).await,
        #[cfg(feature = "fixtures")]
        Command::BenchFixture {
            email,
            items,
            years,
        } => bench_fixture(Config::resolve(overrides)?, &email, items, years).await,
        Command::MigrateStorage {
            to_database_url,
            to_config,
        } => migrate_storage(Config::resolve(overrides)?, to_database_url, to_config).await,
        Command::ShootingDates { files } => {
            for file in files {
                println!("{}\t{}", file.display(), shooting_date(&file));
            }
            Ok(())
        }
        #[cfg(feature = "fixtures")]
        Command::DemoFolder { dir } => {
            anyhow::ensure!(!dir.exists(), "{} already exists", dir.display());
            hako_api_shim::fixtures::demo::write_folder(&dir)?;
            println!("wrote the demo phone to {}", dir.display());
            Ok(())
        }
    }
}

/// `2024-08-15 09:00:00+09:00`, `2024-08-15 09:00:00` (no offset in the file) or `-`.
fn shooting_date(file: &std::path::Path) -> String {
    let name = file.file_name().map(|n| n.to_string_lossy().into_owned());
    let Some(kind) = name
        .as_deref()
        .and_then(hako_protocol::ItemKind::from_file_name)
    else {
        return "-".to_owned();
    };
    let Some(shot) = hako_media::dating::read(kind, file) else {
        return "-".to_owned();
    };
    hako_api_shim::clock::with_offset(shot.taken_at, shot.utc_offset)
}

async fn serve(config: Config) -> anyhow::Result<()> {
    let listen = config.listen;
    let public_url = config.public_url.clone();
    let clock = hako_api_shim::clock::of(&config)?;
    let state = AppState::open(config, clock).await?;
    let listener = tokio::net::TcpListener::bind(listen)
        .await
        .with_context(|| format!("listening on {listen}"))?;
    tracing::info!(
        data = %state.config.data_dir.display(),
        mail = %state.mailer.describe(),
        "Hako is running: open {public_url}/ in a browser"
    );
    hako_api_shim::serve(state, listener, shutdown_signal()).await?;
    tracing::info!("stopped");
    Ok(())
}

async fn shutdown_signal() {
    let ctrl_c = async {
        tokio::signal::ctrl_c().await.ok();
    };
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending().await,
        }
    };
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutting down: finishing requests in flight");
}

/// A normalized address and a checked password for it, from HAKO_PASSWORD or a prompt.
fn email_and_password(email: &str) -> anyhow::Result<(String, String)> {
    let email = normalize_email(email)
        .map_err(|code| anyhow::anyhow!("{}", code.message(Default::default())))?;
    let password = match std::env::var("HAKO_PASSWORD") {
        Ok(password) => password,
        Err(_) => rpassword::prompt_password(format!("Password for {email}: "))?,
    };
    validate_password(&password)
        .map_err(|code| anyhow::anyhow!("{}", code.message(Default::default())))?;
    Ok((email, password))
}

async fn add_user(config: Config, email: &str) -> anyhow::Result<()> {
    let (email, password) = email_and_password(email)?;
    let clock = hako_api_shim::clock::of(&config)?;
    let state = AppState::open(config, clock).await?;
    let hash = password::hash(password).await?;
    if accounts::create_account(&state.db, &email, &hash, state.clock.now())
        .await?
        .is_none()
    {
        bail!("{email} already has an account");
    }
    println!("created {email}");
    Ok(())
}

/// clap checks the key before anything is opened, so a mistyped key changes nothing.
fn parse_license_key(raw: &str) -> Result<LicenseKey, String> {
    LicenseKey::parse(raw)
        .map_err(|_| "not a license key: 16 digits, the last a valid check digit".to_owned())
}

async fn corp(config: Config, command: CorpCommand) -> anyhow::Result<()> {
    let clock = hako_api_shim::clock::of(&config)?;
    let state = AppState::open(config, clock).await?;
    match command {
        CorpCommand::Create {
            name,
            admin_email,
            admin_name,
        } => {
            let id = corp::create_company(&state, &name, &admin_email, &admin_name).await?;
            println!("{id}");
        }
        CorpCommand::Lines {
            command: CorpLinesCommand::Import { company, file },
        } => {
            let bytes =
                std::fs::read(&file).with_context(|| format!("reading {}", file.display()))?;
            let started = std::time::Instant::now();
            let (added, updated) =
                corp::import_lines(&state.db, company, &bytes, state.clock.now()).await?;
            println!(
                "imported {} lines ({added} new, {updated} updated) in {:.2} s",
                added + updated,
                started.elapsed().as_secs_f64()
            );
        }
    }
    // The invitation or appointment mail goes out before the command ends.
    while state
        .mails_in_flight
        .load(std::sync::atomic::Ordering::SeqCst)
        > 0
    {
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    Ok(())
}

async fn apps(config: Config, command: AppsCommand) -> anyhow::Result<()> {
    let clock = hako_api_shim::clock::of(&config)?;
    let state = AppState::open(config, clock).await?;
    let now = state.clock.now();
    match command {
        AppsCommand::Add {
            app_id,
            name_ja,
            name_en,
            max_bytes,
        } => {
            let app = app_data::NewApp {
                app_id: &app_id,
                name_ja: &name_ja,
                name_en: &name_en,
                max_bytes,
            };
            let new = app_data::add_app(&state.db, now, app).await?;
            println!("{} {app_id}", if new { "added" } else { "updated" });
        }
        AppsCommand::Remove { app_id } => {
            app_data::remove_app(&state.db, now, &app_id).await?;
            println!("removed {app_id}: new backups are refused; kept data stays");
        }
        AppsCommand::List => {
            let time = hako_api_shim::clock::japan_minutes;
            println!("app\tname (ja)\tname (en)\tmax bytes\tadded\tremoved");
            for app in app_data::catalog(&state.db).await? {
                println!(
                    "{}\t{}\t{}\t{}\t{}\t{}",
                    app.app_id,
                    app.name_ja,
                    app.name_en,
                    app.max_bytes,
                    time(app.added_at),
                    app.removed_at.map_or_else(|| "-".to_owned(), time),
                );
            }
        }
    }
    Ok(())
}

async fn license(config: Config, command: LicenseCommand) -> anyhow::Result<()> {
    let clock = hako_api_shim::clock::of(&config)?;
    let state = AppState::open(config, clock).await?;
    match command {
        LicenseCommand::Issue { count } => {
            for key in accounts::license_keys(&state)
                .issue(usize::from(count))
                .await?
            {
                println!("{key}");
            }
        }
        LicenseCommand::Cancel { key } => {
            let until = accounts::license_keys(&state).cancel(&key).await?;
            println!(
                "cancelled {}: valid until {}",
                masked_license_key(key.last4()),
                hako_api_shim::clock::japan_minutes(until)
            );
        }
        LicenseCommand::List => {
            let time = |t: Option<i64>| {
                t.map_or_else(|| "-".to_owned(), hako_api_shim::clock::japan_minutes)
            };
            println!("key\tstate\taccount\tissued\tredeemed\tcancelled\tvalid until");
            for key in accounts::license::list(&state.db).await? {
                println!(
                    "{}\t{}\t{}\t{}\t{}\t{}\t{}",
                    masked_license_key(&key.last4),
                    key.state,
                    key.email.as_deref().unwrap_or("-"),
                    hako_api_shim::clock::japan_minutes(key.issued_at),
                    time(key.redeemed_at),
                    time(key.cancelled_at),
                    time(key.valid_until),
                );
            }
        }
    }
    Ok(())
}

#[cfg(feature = "fixtures")]
async fn bench_fixture(
    config: Config,
    email: &str,
    items: usize,
    years: u32,
) -> anyhow::Result<()> {
    let (email, password) = email_and_password(email)?;
    let clock = hako_api_shim::clock::of(&config)?;
    let state = AppState::open(config, clock).await?;
    let hash = password::hash(password).await?;
    let done = hako_api_shim::fixtures::bench::create(&state, &email, &hash, items, years).await?;
    println!(
        "added {} photos and videos over {years} years to ROOM 1 of {email} in {:.1} s",
        done.inserted,
        done.elapsed.as_secs_f64()
    );
    Ok(())
}

async fn migrate_storage(
    source: Config,
    to_database_url: Option<String>,
    to_config: PathBuf,
) -> anyhow::Result<()> {
    if source.database_url.is_some() || source.s3.is_some() {
        bail!(
            "the source must be an embedded installation (SQLite and files in --data), but its configuration names a database URL or [s3]"
        );
    }
    let target = Config::resolve(Overrides {
        config_file: Some(to_config.clone()),
        database_url: to_database_url,
        ..Overrides::default()
    })?;
    let to_database_url = target
        .database_url
        .filter(|url| url.starts_with("postgres"))
        .context(
            "the target needs a postgres:// URL: --to-database-url, or database_url in --to-config",
        )?;
    let to_s3 = target
        .s3
        .with_context(|| format!("{} has no [s3] table", to_config.display()))?;
    let summary = hako_api_shim::store::migrate::run(hako_api_shim::store::migrate::Options {
        data_dir: source.data_dir,
        to_database_url,
        to_s3,
        stop_after_files: None,
    })
    .await?;
    println!(
        "migrated and verified: {} tables, {} rows, {} files, {} bytes in {:.1} s",
        summary.tables, summary.rows, summary.files, summary.bytes, summary.seconds
    );
    Ok(())
}
