//! `hako-device app-data …`: what an app on the phone does with its own data (SPEC P1–P5) —
//! save it, get it back on a new phone, back up every app at once, delete — and the phone's
//! two switches (P2). The phone remembers which version of each app's data it holds, and
//! saves over exactly that one: a change made meanwhile on another phone is refused (412),
//! never overwritten.

use std::{
    io::{BufRead, Write},
    path::{Path, PathBuf},
};

use anyhow::{Context, bail};
use clap::{Args, Subcommand};
use hako_protocol::{AppDataOutcome, valid_app_id};

use crate::{client::Client, home::Home, on_off, text::Text};

/// Where the phone is, on every command but `switches` (whose `--abroad` sets the switch).
#[derive(Args, Clone, Copy)]
pub struct Place {
    /// The phone is abroad: says `Hako-Abroad: 1` to the server.
    #[arg(long)]
    pub abroad: bool,
}

#[derive(Subcommand)]
pub enum Command {
    /// List the apps with backed-up data (SPEC P3).
    List {
        #[command(flatten)]
        place: Place,
    },
    /// Save FILE as the app's data (a first save, or over the version this phone holds).
    Save {
        app_id: String,
        file: PathBuf,
        #[command(flatten)]
        place: Place,
    },
    /// Get the app's newest data into FILE (what a newly installed app does).
    Restore {
        app_id: String,
        file: PathBuf,
        #[command(flatten)]
        place: Place,
    },
    /// Back up every app at once (SPEC P4): DIR holds one file per app, named by its id.
    BackupAll {
        dir: PathBuf,
        #[command(flatten)]
        place: Place,
    },
    /// Delete one app's data on the server.
    Delete {
        app_id: String,
        #[command(flatten)]
        place: Place,
    },
    /// Delete every app's data on the server (SPEC P5); asks first unless --yes.
    DeleteAll {
        #[arg(long)]
        yes: bool,
        #[command(flatten)]
        place: Place,
    },
    /// Show this phone's two app data switches (SPEC P2), changing those given.
    Switches {
        /// Use app data backup on this phone.
        #[arg(long = "use", value_parser = on_off)]
        use_backup: Option<bool>,
        /// Also while abroad.
        #[arg(long, value_parser = on_off)]
        abroad: Option<bool>,
    },
}

impl Command {
    /// Whether the phone says it is abroad.
    pub fn abroad(&self) -> bool {
        match self {
            Self::List { place }
            | Self::Save { place, .. }
            | Self::Restore { place, .. }
            | Self::BackupAll { place, .. }
            | Self::Delete { place, .. }
            | Self::DeleteAll { place, .. } => place.abroad,
            Self::Switches { .. } => false,
        }
    }
}

pub async fn run(client: &Client, home: &Home, command: Command, text: Text) -> anyhow::Result<()> {
    let mut held = home.app_data_held()?;
    match command {
        Command::List { .. } => list(client, text).await,
        Command::Save { app_id, file, .. } => {
            let bytes = read(&file)?;
            let saved = client
                .save_app_data(&app_id, bytes, held.get(&app_id).map(String::as_str))
                .await?;
            held.insert(app_id.clone(), saved.etag);
            home.save_app_data_held(&held)?;
            println!(
                "{}: {app_id} ({} {})",
                text.app_saved, saved.size, text.bytes
            );
            Ok(())
        }
        Command::Restore { app_id, file, .. } => {
            let (bytes, etag) = client.app_data_bytes(&app_id).await?;
            write_whole(&file, &bytes)?;
            held.insert(app_id.clone(), etag);
            home.save_app_data_held(&held)?;
            println!("{}: {app_id} → {}", text.app_restored, file.display());
            Ok(())
        }
        Command::BackupAll { dir, .. } => {
            let mut apps = Vec::new();
            for (app_id, path) in app_files(&dir, text)? {
                let etag = held.get(&app_id).cloned();
                apps.push((app_id, read(&path)?, etag));
            }
            let bulk = client.save_app_data_bulk(apps).await?;
            for result in &bulk.results {
                match (&result.saved, &result.error) {
                    (Some(saved), _) => {
                        held.insert(result.app_id.clone(), saved.etag.clone());
                        println!("{}: {}", result.app_id, text.app_saved);
                    }
                    (None, Some(error)) => {
                        let error = crate::client::CallError::Api(error.clone(), text);
                        println!("{}: {error}", result.app_id);
                    }
                    (None, None) => println!("{}: {:?}", result.app_id, result.outcome),
                }
            }
            home.save_app_data_held(&held)?;
            println!("{}: {}", text.summary_apps_saved, bulk.saved);
            println!("{}: {}", text.summary_apps_failed, bulk.failed);
            let all_saved = bulk
                .results
                .iter()
                .all(|result| result.outcome == AppDataOutcome::Saved);
            if !all_saved {
                bail!("{}", text.some_apps_not_saved);
            }
            Ok(())
        }
        Command::Delete { app_id, .. } => {
            client.delete_app_data(&app_id).await?;
            held.remove(&app_id);
            home.save_app_data_held(&held)?;
            println!("{}: {app_id}", text.app_deleted);
            Ok(())
        }
        Command::DeleteAll { yes, .. } => {
            let apps = client.app_data().await?.len();
            if !yes && !confirmed(&text.confirm_delete_all(apps))? {
                bail!("{}", text.not_deleted);
            }
            let deleted = client.delete_all_app_data().await?;
            held.clear();
            home.save_app_data_held(&held)?;
            println!("{}: {}", text.apps_deleted, deleted.apps);
            Ok(())
        }
        Command::Switches { use_backup, abroad } => {
            let mut switches = client.app_data_switches().await?;
            let before = switches;
            switches.use_backup = use_backup.unwrap_or(switches.use_backup);
            switches.abroad = abroad.unwrap_or(switches.abroad);
            if switches != before {
                switches = client.set_app_data_switches(switches).await?;
            }
            let state = |on: bool| if on { text.on } else { text.off };
            println!("{}: {}", text.app_data_use, state(switches.use_backup));
            println!("{}: {}", text.app_data_abroad, state(switches.abroad));
            Ok(())
        }
    }
}

async fn list(client: &Client, text: Text) -> anyhow::Result<()> {
    let apps = client.app_data().await?;
    if apps.is_empty() {
        println!("{}", text.no_app_data);
        return Ok(());
    }
    for app in apps {
        let name = match text.lang {
            hako_protocol::Lang::Ja => &app.name_ja,
            hako_protocol::Lang::En => &app.name_en,
        };
        let mark = if app.supported {
            String::new()
        } else {
            format!(" [{}]", text.no_longer_supported)
        };
        println!(
            "{}\t{name}\t{}\t{} {}\t{} {}{mark}",
            app.app_id, app.saved_at, app.size, text.bytes, app.versions, text.versions
        );
    }
    Ok(())
}

fn read(file: &Path) -> anyhow::Result<Vec<u8>> {
    std::fs::read(file).with_context(|| format!("{}", file.display()))
}

/// Written beside the target and renamed over it: an interrupted restore never leaves half
/// an app's data.
fn write_whole(file: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    let mut name = file.file_name().unwrap_or_default().to_owned();
    name.push(".part");
    let partial = file.with_file_name(name);
    std::fs::write(&partial, bytes).with_context(|| format!("{}", partial.display()))?;
    std::fs::rename(&partial, file).with_context(|| format!("{}", file.display()))
}

/// The files of DIR named by an app id, by name; other entries are said and left alone.
fn app_files(dir: &Path, text: Text) -> anyhow::Result<Vec<(String, PathBuf)>> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).with_context(|| format!("{}", dir.display()))? {
        let entry = entry?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if entry.file_type()?.is_file() && valid_app_id(&name) {
            files.push((name, entry.path()));
        } else {
            eprintln!("{name}: {}", text.not_an_app_file);
        }
    }
    files.sort();
    Ok(files)
}

/// Asks on the terminal; only `y` or `yes` (or はい) goes on.
fn confirmed(question: &str) -> anyhow::Result<bool> {
    print!("{question} [y/N] ");
    std::io::stdout().flush()?;
    let mut answer = String::new();
    std::io::stdin().lock().read_line(&mut answer)?;
    Ok(matches!(
        answer.trim().to_lowercase().as_str(),
        "y" | "yes" | "はい"
    ))
}
