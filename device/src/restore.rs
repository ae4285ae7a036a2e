//! `hako-device restore DIR`: what a phone's restore does (SPEC D4, D8). Originals come back
//! byte for byte (checked against their SHA-256), contacts as one vCard, calendar as one
//! iCalendar file, call history as JSON. An interrupted download continues with HTTP Range.

use std::path::{Path, PathBuf};

use crate::{
    backup::{Kind, bar, hash_file},
    client::Client,
    text::Text,
};
use hako_protocol::{BackupKind, ItemKind, StoredItem};
use indicatif::ProgressBar;

fn folder(kind: ItemKind) -> &'static str {
    match kind {
        ItemKind::Photo | ItemKind::Video => "DCIM",
        ItemKind::Music => "Music",
        ItemKind::Document => "Documents",
    }
}

/// Where a file goes: its own name, or `name (2).ext` if another file holds that name.
fn target(dir: &Path, item: &StoredItem) -> std::io::Result<Option<PathBuf>> {
    let base = dir.join(folder(item.kind));
    std::fs::create_dir_all(&base)?;
    let (stem, ext) = match item.name.rsplit_once('.') {
        Some((stem, ext)) => (stem.to_owned(), format!(".{ext}")),
        None => (item.name.clone(), String::new()),
    };
    for n in 1.. {
        let name = if n == 1 {
            item.name.clone()
        } else {
            format!("{stem} ({n}){ext}")
        };
        let path = base.join(name);
        if !path.exists() {
            return Ok(Some(path));
        }
        if hash_file(&path, &ProgressBar::hidden())? == item.sha256 {
            return Ok(None); // already here
        }
    }
    unreachable!("some name is free")
}

pub async fn run(
    client: &Client,
    dir: &Path,
    types: &[Kind],
    room: Option<u8>,
    text: Text,
) -> anyhow::Result<()> {
    let wanted = |kind: Kind| types.is_empty() || types.contains(&kind);
    let room = match room {
        Some(room) => room,
        None => client.rooms().await?.this_phone_room.ok_or_else(|| {
            anyhow::anyhow!(hako_protocol::ErrorCode::DeviceNotRegistered.message(text.lang))
        })?,
    };
    let items: Vec<StoredItem> = client
        .all_items(room)
        .await?
        .into_iter()
        .filter(|item| wanted(Kind::File(item.kind)) && item.kind.allowed_on(client.os))
        .collect();
    let progress = bar(items.iter().map(|i| i.size).sum(), text.restoring);
    let (mut restored, mut bytes, mut present) = (0usize, 0u64, 0usize);
    for item in &items {
        let Some(path) = target(dir, item)? else {
            present += 1;
            progress.inc(item.size);
            continue;
        };
        client
            .download(item.id, &path, &item.sha256, &progress)
            .await?;
        restored += 1;
        bytes += item.size;
    }
    progress.finish_and_clear();
    for kind in [
        BackupKind::Contacts,
        BackupKind::Calendar,
        BackupKind::CallHistory,
    ] {
        if wanted(Kind::Data(kind)) && kind.allowed_on(client.os) {
            let name = kind.file_name();
            if let Some(body) = client.latest_backup(room, kind).await? {
                std::fs::write(dir.join(name), body)?;
                println!("{}: {}", text.backup_name(kind), dir.join(name).display());
            }
        }
    }
    println!(
        "{}: {restored} ({})",
        text.summary_restored,
        indicatif::HumanBytes(bytes)
    );
    println!("{}: {present}", text.summary_present_locally);
    Ok(())
}
