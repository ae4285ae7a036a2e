//! `hako-device backup DIR`: what a phone's "back up now" does (SPEC D3, D8, D9).
//! Walks the folder, sorts files by kind, asks which contents the ROOM lacks, and uploads
//! only those, resumably: an interrupted run continues where it stopped when run again.

use std::{
    collections::HashSet,
    io::{Read, Seek, SeekFrom},
    path::{Path, PathBuf},
    time::UNIX_EPOCH,
};

use anyhow::Context;
use hako_protocol::{BackupKind, ItemKind};
use indicatif::{ProgressBar, ProgressStyle};
use sha2::{Digest, Sha256};
use walkdir::WalkDir;

use crate::{
    client::{CallError, Client},
    home::Home,
    text::Text,
};

const CHUNK: usize = 32 * 1024 * 1024;

/// What a backup run can be narrowed to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    File(ItemKind),
    Data(BackupKind),
}

/// Contacts, calendar and call history as a phone would export them into the folder.
fn data_kind(name: &str) -> Option<BackupKind> {
    let lower = name.to_ascii_lowercase();
    if lower.ends_with(".vcf") {
        Some(BackupKind::Contacts)
    } else if lower.ends_with(".ics") {
        Some(BackupKind::Calendar)
    } else if lower == "call_history.json" || lower == "calls.json" {
        Some(BackupKind::CallHistory)
    } else {
        None
    }
}
const MISSING_BATCH: usize = 10_000;

struct Candidate {
    path: PathBuf,
    name: String,
    size: u64,
    created_at: i64,
    sha256: String,
}

pub fn bar_style() -> ProgressStyle {
    ProgressStyle::with_template("{msg} [{bar:30}] {bytes}/{total_bytes} {bytes_per_sec} {eta}")
        .expect("constant template")
        .progress_chars("=> ")
}

pub fn bar(len: u64, message: &'static str) -> ProgressBar {
    let bar = ProgressBar::new(len).with_message(message);
    bar.set_style(bar_style());
    bar
}

/// Lower-case hex SHA-256 of a file, advancing `progress` as it reads.
pub fn hash_file(path: &Path, progress: &ProgressBar) -> std::io::Result<String> {
    let mut file = std::fs::File::open(path)?;
    let mut hasher = Sha256::new();
    let mut buffer = vec![0; 1024 * 1024];
    loop {
        let n = file.read(&mut buffer)?;
        if n == 0 {
            break;
        }
        hasher.update(&buffer[..n]);
        progress.inc(n as u64);
    }
    Ok(hex::encode(hasher.finalize()))
}

pub async fn run(
    client: &Client,
    home: &Home,
    dir: &Path,
    types: &[Kind],
    text: Text,
) -> anyhow::Result<()> {
    tokio::select! {
        result = backup(client, home, dir, types, text) => result,
        _ = tokio::signal::ctrl_c() => {
            // Every acknowledged chunk is on the server and every started upload is in the
            // home folder, so stopping here loses nothing.
            anyhow::bail!(text.interrupted)
        }
    }
}

async fn backup(
    client: &Client,
    home: &Home,
    dir: &Path,
    types: &[Kind],
    text: Text,
) -> anyhow::Result<()> {
    let wanted = |kind: Kind| types.is_empty() || types.contains(&kind);
    let mut skipped = Vec::new();
    let mut files = Vec::new();
    let mut data: Vec<(BackupKind, Vec<u8>)> = Vec::new();
    for entry in WalkDir::new(dir).sort_by_file_name() {
        let entry = entry.with_context(|| format!("reading {}", dir.display()))?;
        if !entry.file_type().is_file() {
            continue;
        }
        let name = entry.file_name().to_string_lossy().into_owned();
        if let Some(kind) = data_kind(&name) {
            if wanted(Kind::Data(kind)) && kind.allowed_on(client.os) {
                let bytes = std::fs::read(entry.path())?;
                match data.iter_mut().find(|(k, _)| *k == kind) {
                    // Several exports of one kind make one backup: vCard and iCalendar concatenate.
                    Some((_, all)) if kind != BackupKind::CallHistory => all.extend(bytes),
                    Some(_) => skipped.push(name),
                    None => data.push((kind, bytes)),
                }
            } else if !kind.allowed_on(client.os) {
                skipped.push(name);
            }
            continue;
        }
        match ItemKind::from_file_name(&name) {
            Some(kind) if !wanted(Kind::File(kind)) => {}
            Some(kind) if kind.allowed_on(client.os) => files.push((entry.into_path(), name)),
            _ => skipped.push(name),
        }
    }

    let total: u64 = files
        .iter()
        .map(|(path, _)| std::fs::metadata(path).map(|m| m.len()).unwrap_or(0))
        .sum();
    let hashing = bar(total, text.hashing);
    let mut candidates = Vec::new();
    for (path, name) in files {
        let metadata = std::fs::metadata(&path)?;
        let created_at = metadata
            .modified()
            .ok()
            .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
            .map_or(0, |d| d.as_secs() as i64);
        let sha256 =
            hash_file(&path, &hashing).with_context(|| format!("reading {}", path.display()))?;
        candidates.push(Candidate {
            path,
            name,
            size: metadata.len(),
            created_at,
            sha256,
        });
    }
    hashing.finish_and_clear();

    let excluded: HashSet<String> = client.exclusions().await?.sha256.into_iter().collect();
    let inventory: Vec<String> = candidates.iter().map(|c| c.sha256.clone()).collect();
    let before = candidates.len();
    candidates.retain(|c| !excluded.contains(&c.sha256));
    let excluded_count = before - candidates.len();

    let mut missing = HashSet::new();
    let hashes: Vec<String> = candidates.iter().map(|c| c.sha256.clone()).collect();
    for batch in hashes.chunks(MISSING_BATCH) {
        missing.extend(client.missing(batch.to_vec()).await?);
    }
    // The same content twice in the folder is sent once.
    let mut to_send = Vec::new();
    let mut present = 0usize;
    for candidate in candidates {
        if missing.remove(&candidate.sha256) {
            to_send.push(candidate);
        } else {
            present += 1;
        }
    }

    let sending = bar(to_send.iter().map(|c| c.size).sum(), text.uploading);
    let mut uploaded = (0usize, 0u64);
    let mut failed = Vec::new();
    for candidate in &to_send {
        match upload(client, home, candidate, &sending).await {
            Ok(()) => {
                uploaded.0 += 1;
                uploaded.1 += candidate.size;
            }
            Err(error)
                if error
                    .downcast_ref::<CallError>()
                    .is_some_and(CallError::is_about_the_file) =>
            {
                sending.inc(candidate.size);
                failed.push(format!("{}: {error}", candidate.name));
            }
            Err(error) => {
                sending.abandon();
                return Err(error.context(text.interrupted));
            }
        }
    }
    sending.finish_and_clear();

    // The phone tells the server what it holds now (D7), for the viewer's badges.
    let (free_bytes, total_bytes) = storage_of(dir);
    client
        .report(&hako_protocol::DeviceReport {
            name: client.name.clone(),
            model: client.model.clone(),
            free_bytes,
            total_bytes,
            inventory,
        })
        .await?;

    for (kind, bytes) in data {
        match client.store_backup(kind, bytes).await {
            Ok(version) => println!(
                "{}: {} {} ({} {})",
                text.backup_name(kind),
                text.version,
                version.version,
                version.entries,
                text.entries
            ),
            Err(error) if error.is_about_the_file() => {
                failed.push(format!("{}: {error}", text.backup_name(kind)))
            }
            Err(error) => return Err(anyhow::Error::from(error).context(text.interrupted)),
        }
    }

    println!(
        "{}: {} ({})",
        text.summary_uploaded,
        uploaded.0,
        indicatif::HumanBytes(uploaded.1)
    );
    println!("{}: {present}", text.summary_present);
    if excluded_count > 0 {
        println!("{}: {excluded_count}", text.summary_excluded);
    }
    println!("{}: {}", text.summary_skipped, skipped.len());
    if !failed.is_empty() {
        println!("{}: {}", text.summary_failed, failed.len());
        for line in &failed {
            println!("  {line}");
        }
        anyhow::bail!("{}: {}", text.summary_failed, failed.len());
    }
    Ok(())
}

/// Sends one file, continuing an upload an earlier run started.
async fn upload(
    client: &Client,
    home: &Home,
    candidate: &Candidate,
    progress: &ProgressBar,
) -> anyhow::Result<()> {
    let mut uploads = home.uploads()?;
    let resumed = match uploads.get(&candidate.sha256) {
        Some(url) => client
            .upload_offset(url)
            .await?
            .map(|offset| (url.clone(), offset)),
        None => None,
    };
    let (url, mut offset) = match resumed {
        Some(found) => found,
        None => {
            let url = client
                .create_upload(
                    &candidate.name,
                    candidate.size,
                    &candidate.sha256,
                    candidate.created_at,
                )
                .await?;
            uploads.insert(candidate.sha256.clone(), url.clone());
            home.save_uploads(&uploads)?;
            (url, 0)
        }
    };
    progress.inc(offset);
    let mut file = std::fs::File::open(&candidate.path)?;
    file.seek(SeekFrom::Start(offset))?;
    // The next chunk is read while the current one is on its way.
    let mut next = tokio::task::spawn_blocking(move || read_chunk(file));
    while offset < candidate.size {
        let (chunk, rest) = next.await??;
        if chunk.is_empty() {
            anyhow::bail!(
                "{} changed while it was being backed up",
                candidate.path.display()
            );
        }
        next = tokio::task::spawn_blocking(move || read_chunk(rest));
        let n = chunk.len() as u64;
        client.send_chunk(&url, offset, chunk).await?;
        offset += n;
        progress.inc(n);
    }
    uploads.remove(&candidate.sha256);
    home.save_uploads(&uploads)?;
    Ok(())
}

/// Free and total bytes of the disk holding `dir`, as a phone reports its storage.
fn storage_of(dir: &Path) -> (u64, u64) {
    let output = std::process::Command::new("df")
        .args(["-B1", "--output=avail,size"])
        .arg(dir)
        .output();
    let text = output
        .map(|o| String::from_utf8_lossy(&o.stdout).into_owned())
        .unwrap_or_default();
    let mut numbers = text
        .lines()
        .nth(1)
        .unwrap_or_default()
        .split_whitespace()
        .map(|n| n.parse().unwrap_or(0));
    (numbers.next().unwrap_or(0), numbers.next().unwrap_or(0))
}

/// Up to [`CHUNK`] bytes from where the file stands (fewer only at its end), and the file.
fn read_chunk(file: std::fs::File) -> std::io::Result<(Vec<u8>, std::fs::File)> {
    let mut chunk = Vec::with_capacity(CHUNK);
    let mut limited = file.take(CHUNK as u64);
    limited.read_to_end(&mut chunk)?;
    Ok((chunk, limited.into_inner()))
}
