//! `hako-device`: the reference phone client (SPEC D9). It signs in like a phone, picks a
//! ROOM, and backs up a folder through the same protocol a phone app uses.

mod app_data;
mod backup;
mod client;
mod home;
mod restore;
mod text;

use std::{path::PathBuf, process::ExitCode};

use anyhow::Context;
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
    /// Sign in to an account (password from HAKO_PASSWORD or a prompt), or as a company's
    /// phone line with --line (the code of its password notice from HAKO_LINE_CODE or a
    /// prompt).
    Login {
        #[arg(long)]
        server: String,
        #[arg(long, required_unless_present = "line")]
        email: Option<String>,
        /// The line's phone number, e.g. 090-1234-5678 (SPEC C8).
        #[arg(long, conflicts_with = "email")]
        line: Option<String>,
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
    /// Never back up these files (SPEC D5); --undo lifts the mark.
    Exclude {
        #[arg(required = true)]
        files: Vec<PathBuf>,
        #[arg(long)]
        undo: bool,
    },
    /// Show this phone's settings kept on the server (SPEC D6), changing those given.
    Settings {
        #[arg(long, value_parser = on_off)]
        smart_backup: Option<bool>,
        #[arg(long, value_parser = on_off)]
        auto_backup: Option<bool>,
        /// Days for automatic backup, e.g. mon,wed,sat.
        #[arg(long, value_delimiter = ',', value_parser = weekday)]
        weekdays: Option<Vec<hako_protocol::Weekday>>,
        #[arg(long, value_parser = on_off)]
        mobile_data: Option<bool>,
        #[arg(long, value_parser = on_off)]
        charging_only: Option<bool>,
        /// Remind after this many days without a backup; 0 turns reminders off.
        #[arg(long)]
        reminder_days: Option<u32>,
        #[arg(long, value_parser = on_off)]
        report: Option<bool>,
    },
    /// Show the account's ROOMs and this phone's place among them.
    Status,
    /// Phonebook migration (SPEC C2): move the phonebook from the old phone to the new one.
    Contacts {
        #[command(subcommand)]
        command: ContactsCommand,
    },
    /// App data backup (SPEC P): apps' own data kept under the account.
    AppData {
        #[command(subcommand)]
        command: app_data::Command,
    },
}

#[derive(Subcommand)]
enum ContactsCommand {
    /// On the old phone: hand its phonebook (a vCard file) over for the new one.
    MigrateOut { file: PathBuf },
    /// On the new phone: take the phonebook the old one handed over, into FILE.
    MigrateIn { file: PathBuf },
}

fn on_off(s: &str) -> Result<bool, String> {
    match s {
        "on" | "true" | "yes" => Ok(true),
        "off" | "false" | "no" => Ok(false),
        other => Err(format!("{other:?}: on or off")),
    }
}

fn weekday(s: &str) -> Result<hako_protocol::Weekday, String> {
    serde_json::from_value(serde_json::Value::String(s.to_ascii_lowercase()))
        .map_err(|_| format!("{s:?}: mon, tue, wed, thu, fri, sat or sun"))
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
            line,
            name,
            os,
            model,
        } => {
            let os = if os == "ios" {
                DeviceOs::Ios
            } else {
                DeviceOs::Android
            };
            let phone = client::Phone {
                name: &name,
                os,
                model: &model,
            };
            let (who, session) = match (line, email) {
                (Some(number), _) => {
                    let code = match std::env::var("HAKO_LINE_CODE") {
                        Ok(code) => code,
                        Err(_) => {
                            rpassword::prompt_password(format!("{} ({number}): ", text.line_code))?
                        }
                    };
                    let session = Client::login_line(&server, &number, &code, phone, text).await?;
                    (number, session)
                }
                (None, Some(email)) => {
                    let password = match std::env::var("HAKO_PASSWORD") {
                        Ok(password) => password,
                        Err(_) => {
                            rpassword::prompt_password(format!("{} ({email}): ", text.password))?
                        }
                    };
                    let session = Client::login(&server, &email, &password, phone, text).await?;
                    (email, session)
                }
                (None, None) => unreachable!("clap requires --email or --line"),
            };
            home.save_session(&session)?;
            println!("{} {who} ({server})", text.signed_in);
            Ok(())
        }
        Command::Contacts { command } => {
            let client = Client::from_home(&home, text)?;
            match command {
                ContactsCommand::MigrateOut { file } => {
                    let vcard =
                        std::fs::read(&file).with_context(|| format!("{}", file.display()))?;
                    let sent = client.send_phonebook(vcard).await?;
                    println!(
                        "{}: {} {}",
                        text.phonebook_sent, sent.contacts, text.entries
                    );
                }
                ContactsCommand::MigrateIn { file } => {
                    let vcard = client.receive_phonebook().await?;
                    std::fs::write(&file, vcard).with_context(|| format!("{}", file.display()))?;
                    println!("{}: {}", text.phonebook_received, file.display());
                }
            }
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
        Command::Exclude { files, undo } => {
            let client = Client::from_home(&home, text)?;
            let mut sha256 = Vec::new();
            for file in &files {
                sha256.push(backup::hash_file(file, &indicatif::ProgressBar::hidden())?);
            }
            let change = hako_protocol::ExclusionChange {
                sha256,
                excluded: !undo,
            };
            client.change_exclusions(&change).await?;
            let done = if undo {
                text.included_now
            } else {
                text.excluded_now
            };
            println!("{done}: {}", files.len());
            Ok(())
        }
        Command::Settings {
            smart_backup,
            auto_backup,
            weekdays,
            mobile_data,
            charging_only,
            reminder_days,
            report,
        } => {
            let client = Client::from_home(&home, text)?;
            let mut settings = client.settings().await?;
            let before = settings.clone();
            if let Some(on) = smart_backup {
                settings.smart_backup.on_launch = on;
            }
            if let Some(on) = auto_backup {
                settings.auto_backup.enabled = on;
            }
            if let Some(days) = weekdays {
                settings.auto_backup.weekdays = days;
            }
            if let Some(on) = mobile_data {
                settings.auto_backup.allow_mobile_data = on;
            }
            if let Some(on) = charging_only {
                settings.auto_backup.only_while_charging = on;
            }
            if let Some(days) = reminder_days {
                settings.notifications.reminder_days = (days > 0).then_some(days);
            }
            if let Some(on) = report {
                settings.notifications.report_auto_backup = on;
            }
            if settings != before {
                settings = client.save_settings(&settings).await?;
            }
            println!("{}", serde_json::to_string_pretty(&settings)?);
            Ok(())
        }
        Command::AppData { command } => {
            let client = Client::from_home(&home, text)?.abroad(command.abroad());
            app_data::run(&client, &home, command, text).await
        }
        Command::Status => {
            let client = Client::from_home(&home, text)?;
            client::print_rooms(&client.rooms().await?, text);
            Ok(())
        }
    }
}
