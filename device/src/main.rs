//! `hako-device`: the reference phone client (SPEC D9). It signs in like a phone, picks a
//! ROOM, and backs up a folder through the same protocol a phone app uses.

mod backup;
mod client;
mod home;
mod restore;
mod text;

use std::{path::PathBuf, process::ExitCode};

use clap::{Parser, Subcommand};
use hako_protocol::{BackupKind, DeviceOs, ItemKind, RegisterMode};

use crate::{client::Client, home::Home, text::Text};

#[derive(Parser)]
#[command(name = "hako-device", version, about = "Hako reference phone client")]
struct Cli {
    /// Where this simulated phone keeps its sign-in and unfinished uploads.
    #[arg(long, env = "HAKO_DEVICE_HOME", global = true)]
    home: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Sign in to an account (password from HAKO_PASSWORD or a prompt).
    Login {
        #[arg(long)]
        server: String,
        #[arg(long)]
        email: String,
        /// The phone's name as the account's other devices see it.
        #[arg(long, default_value = "hako-device")]
        name: String,
        #[arg(long, value_parser = ["android", "ios"], default_value = "android")]
        os: String,
        #[arg(long, default_value = "reference client")]
        model: String,
    },
    /// Take a ROOM (1–3) for this phone.
    Register {
        #[arg(long)]
        room: u8,
        /// The ROOM holds another phone's data: keep it and take the ROOM over.
        #[arg(long, conflicts_with = "wipe")]
        take_over: bool,
        /// The ROOM holds another phone's data: delete it, then register.
        #[arg(long)]
        wipe: bool,
    },
    /// Back up a folder: photos, videos, music and documents not yet in the ROOM.
    Backup {
        dir: PathBuf,
        /// Only these kinds (comma-separated: photo, video, music, document, contacts,
        /// calendar, call_history).
        #[arg(long, value_delimiter = ',', value_parser = parse_kind)]
        types: Vec<backup::Kind>,
    },
    /// Restore the ROOM's files (this phone's ROOM unless --room) into a folder.
    Restore {
        dir: PathBuf,
        #[arg(long, value_delimiter = ',', value_parser = parse_kind)]
        types: Vec<backup::Kind>,
        /// Another ROOM of the account, e.g. the old phone's.
        #[arg(long)]
        room: Option<u8>,
    },
    /// Show the account's ROOMs and this phone's place among them.
    Status,
}

fn parse_kind(s: &str) -> Result<backup::Kind, String> {
    use backup::Kind::{Data, File};
    match s {
        "photo" | "photos" => Ok(File(ItemKind::Photo)),
        "video" | "videos" => Ok(File(ItemKind::Video)),
        "music" => Ok(File(ItemKind::Music)),
        "document" | "documents" => Ok(File(ItemKind::Document)),
        "contacts" => Ok(Data(BackupKind::Contacts)),
        "calendar" => Ok(Data(BackupKind::Calendar)),
        "call_history" | "calls" => Ok(Data(BackupKind::CallHistory)),
        other => Err(format!(
            "unknown type {other:?} (photo, video, music, document, contacts, calendar, call_history)"
        )),
    }
}

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    let text = Text::from_env();
    match run(cli, text).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("{}: {error:#}", text.error);
            ExitCode::FAILURE
        }
    }
}

async fn run(cli: Cli, text: Text) -> anyhow::Result<()> {
    let home = Home::open(cli.home)?;
    match cli.command {
        Command::Login {
            server,
            email,
            name,
            os,
            model,
        } => {
            let password = match std::env::var("HAKO_PASSWORD") {
                Ok(password) => password,
                Err(_) => rpassword::prompt_password(format!("{} ({email}): ", text.password))?,
            };
            let os = if os == "ios" {
                DeviceOs::Ios
            } else {
                DeviceOs::Android
            };
            let session =
                Client::login(&server, &email, &password, &name, os, &model, text).await?;
            home.save_session(&session)?;
            println!("{} {email} ({server})", text.signed_in);
            Ok(())
        }
        Command::Register {
            room,
            take_over,
            wipe,
        } => {
            let mode = match (take_over, wipe) {
                (true, _) => RegisterMode::TakeOver,
                (_, true) => RegisterMode::Wipe,
                _ => RegisterMode::FreeOnly,
            };
            let client = Client::from_home(&home, text)?;
            let rooms = client.register(room, mode).await?;
            println!("{} ROOM {room}", text.registered);
            client::print_rooms(&rooms, text);
            Ok(())
        }
        Command::Backup { dir, types } => {
            let client = Client::from_home(&home, text)?;
            backup::run(&client, &home, &dir, &types, text).await
        }
        Command::Restore { dir, types, room } => {
            let client = Client::from_home(&home, text)?;
            restore::run(&client, &dir, &types, room, text).await
        }
        Command::Status => {
            let client = Client::from_home(&home, text)?;
            client::print_rooms(&client.rooms().await?, text);
            Ok(())
        }
    }
}
