//! Downloads from the web viewer (SPEC V9, L3). The viewer asks for a ticket naming 1 to 50 of
//! the account's files, then hands the ticket's URL to the browser as a plain download. One
//! file comes back as itself; several as one ZIP streamed from the stored files with its exact
//! length and Range support (see [`hako_media::stored_zip`]), so the browser shows progress and
//! can resume, and the server holds no more than a chunk of it in memory.
//!
//! Authority: the URL's token (256 random bits, stored only as a hash, valid 10 minutes) names
//! a ticket of one account, and the request must also be that account's (its session cookie
//! comes along with a browser download, or a device token). A leaked URL alone opens nothing.

pub(super) mod http;
mod store;

use std::{
    collections::{HashMap, HashSet},
    ops::Range,
};

use axum::body::Bytes;
use futures_util::StreamExt;
use hako_media::stored_zip::{Entry, Part, Plan, safe_unique_names};
use hako_protocol::{DownloadTicket, MAX_DOWNLOAD_ITEMS};
use sha2::{Digest, Sha256};
use tokio::sync::mpsc;

use super::LibraryError;
use crate::{
    accounts::{new_token, token_hash},
    store::{
        blobs::{BlobStore, ByteStream},
        db::Db,
    },
};
use store::Item;

type Result<T> = std::result::Result<T, LibraryError>;

/// Long enough to start the download and resume a dropped one; short enough that a URL seen
/// in a history or log is soon worthless.
pub const TICKET_SECS: i64 = 600;

/// 1 to 50 distinct ids; more than 50 gets its own clear refusal (L3).
fn check_request(ids: &[i64]) -> Result<()> {
    if ids.len() > MAX_DOWNLOAD_ITEMS {
        return Err(LibraryError::TooManyDownloadItems);
    }
    let distinct: HashSet<&i64> = ids.iter().collect();
    if ids.is_empty() || distinct.len() != ids.len() {
        return Err(LibraryError::InvalidDownloadRequest);
    }
    Ok(())
}

/// The caller's items in the order asked; not found unless every one is the caller's.
async fn owned_items(db: &Db, user_id: i64, ids: &[i64]) -> Result<Vec<Item>> {
    let mut found: HashMap<i64, Item> = store::owned_items(db, user_id, ids)
        .await?
        .into_iter()
        .map(|item| (item.id, item))
        .collect();
    ids.iter()
        .map(|id| found.remove(id).ok_or(LibraryError::NotFound))
        .collect()
}

fn plan(items: &[Item]) -> Plan {
    let names = safe_unique_names(items.iter().map(|i| i.name.as_str()));
    Plan::new(
        items
            .iter()
            .zip(names)
            .map(|(item, name)| Entry {
                name,
                size: u64::try_from(item.size).unwrap_or(0),
                modified: item.local_time.unwrap_or(0),
            })
            .collect(),
    )
}

/// `hako-YYYYMMDD-HHMMSS.zip`, in Japan time like the rest of the viewer.
fn archive_name(now: i64) -> String {
    format!(
        "hako-{}.zip",
        crate::clock::local_stamp(crate::clock::japan_local(now))
    )
}

/// A ticket for 1 to 50 of the caller's files: the file itself, or a ZIP of them.
pub(super) async fn create(db: &Db, user_id: i64, ids: &[i64], now: i64) -> Result<DownloadTicket> {
    check_request(ids)?;
    let items = owned_items(db, user_id, ids).await?;
    let (file_name, size) = match items.as_slice() {
        [one] => (one.name.clone(), u64::try_from(one.size).unwrap_or(0)),
        _ => (archive_name(now), plan(&items).size()),
    };
    let (token, hash) = new_token();
    let expires_at = now + TICKET_SECS;
    let ticket = store::NewTicket {
        token_hash: hash,
        user_id,
        item_ids: serde_json::to_string(ids).map_err(anyhow::Error::from)?,
        file_name: &file_name,
        expires_at,
    };
    store::insert_ticket(db, ticket).await?;
    Ok(DownloadTicket {
        url: format!("/api/v1/downloads/{token}"),
        file_name,
        size,
        expires_at: crate::clock::rfc3339(expires_at),
    })
}

/// What a ticket downloads.
pub(super) enum Download {
    /// One stored file, as itself.
    One { sha256: String, name: String },
    /// A ZIP of several.
    Zip(Archive),
}

/// The ticket's download; not found unless it and all its files are still the caller's.
pub(super) async fn fetch(db: &Db, user_id: i64, token: &str, now: i64) -> Result<Download> {
    let ticket = store::ticket(db, user_id, &token_hash(token))
        .await?
        .ok_or(LibraryError::NotFound)?;
    if ticket.expires_at <= now {
        return Err(LibraryError::DownloadExpired);
    }
    let ids: Vec<i64> = serde_json::from_str(&ticket.item_ids).map_err(anyhow::Error::from)?;
    let mut items = owned_items(db, user_id, &ids).await?;
    if items.len() == 1 {
        let one = items.remove(0);
        return Ok(Download::One {
            sha256: one.sha256,
            name: one.name,
        });
    }
    Ok(Download::Zip(Archive {
        plan: plan(&items),
        items,
        file_name: ticket.file_name,
    }))
}

/// A ZIP of stored files (stored, not compressed), laid out before a byte of it is read.
pub(super) struct Archive {
    plan: Plan,
    items: Vec<Item>,
    pub file_name: String,
}

impl Archive {
    pub fn size(&self) -> u64 {
        self.plan.size()
    }

    /// Strong validator of the archive's bytes: they follow from the files' contents, names,
    /// times and order (a media job may still move a time after the ticket was made).
    pub fn etag(&self) -> String {
        let mut hash = Sha256::new();
        for item in &self.items {
            hash.update(item.sha256.as_bytes());
            hash.update(item.local_time.unwrap_or(0).to_le_bytes());
            hash.update(item.name.as_bytes());
            hash.update([0]);
        }
        format!("\"{}\"", &hex::encode(hash.finalize())[..32])
    }

    /// The archive's bytes in `range`, produced by a task a couple of chunks ahead of the
    /// client: a slow client slows the reading, a client that leaves stops it.
    pub fn stream(self, db: Db, blobs: BlobStore, range: Range<u64>) -> ByteStream {
        let (tx, rx) = mpsc::channel::<Chunk>(2);
        tokio::spawn(async move {
            if let Err(error) = self.produce(&db, &blobs, range, &tx).await
                && !tx.is_closed()
            {
                tracing::error!("streaming a ZIP download failed: {error:#}");
                // Cuts the response short: the browser reports a failed download, never a bad
                // file.
                let _ = tx.send(Err(std::io::Error::other("archive failed"))).await;
            }
        });
        futures_util::stream::unfold(rx, |mut rx| async move {
            rx.recv().await.map(|chunk| (chunk, rx))
        })
        .boxed()
    }

    async fn produce(
        &self,
        db: &Db,
        blobs: &BlobStore,
        range: Range<u64>,
        tx: &mpsc::Sender<Chunk>,
    ) -> anyhow::Result<()> {
        let Self { plan, items, .. } = self;
        let mut crcs: Vec<Option<u32>> = items
            .iter()
            .map(|i| i.crc32.and_then(|c| u32::try_from(c).ok()))
            .collect();
        // The pieces of the archive in `range`, each with the part of it asked for.
        let pieces: Vec<(Part, u64, u64)> = plan
            .segments()
            .into_iter()
            .filter_map(|segment| {
                let start = range.start.max(segment.start);
                let end = range.end.min(segment.start + segment.len);
                (start < end).then(|| (segment.part, start - segment.start, end - segment.start))
            })
            .collect();
        let read = |i: usize, from: u64, to: u64| read_ahead(blobs, &items[i].sha256, from..to);
        let mut next_data = None;
        for (n, &(part, from, to)) in pieces.iter().enumerate() {
            let bytes = match part {
                Part::Header(i) => {
                    plan.local_header(i, crc32(db, blobs, &items[i], &mut crcs[i]).await?)
                }
                Part::Data(i) => {
                    let mut data = next_data.take().unwrap_or_else(|| read(i, from, to));
                    // The next entry's file is asked for while this one's bytes go out: a
                    // bucket takes milliseconds to answer each GET.
                    next_data = pieces[n + 1..]
                        .iter()
                        .find_map(|&(part, from, to)| match part {
                            Part::Data(j) => Some(read(j, from, to)),
                            _ => None,
                        });
                    while let Some(chunk) = data.recv().await {
                        send(tx, chunk?).await?;
                    }
                    continue;
                }
                Part::Central => {
                    let mut all = Vec::with_capacity(items.len());
                    for (item, crc) in items.iter().zip(crcs.iter_mut()) {
                        all.push(crc32(db, blobs, item, crc).await?);
                    }
                    plan.central_directory(&all)
                }
                Part::End => plan.end_records(),
            };
            send(
                tx,
                Bytes::copy_from_slice(&bytes[from as usize..to as usize]),
            )
            .await?;
        }
        Ok(())
    }
}

type Chunk = std::io::Result<Bytes>;

/// Chunks read ahead of the client per file: a few MiB at most (a local file's blocks are
/// 2 MiB, a bucket's network frames far smaller).
const READ_AHEAD_CHUNKS: usize = 4;

/// `range` of a stored file, read by a task of its own that starts now and stays a few chunks
/// ahead of the receiver.
fn read_ahead(blobs: &BlobStore, sha256: &str, range: Range<u64>) -> mpsc::Receiver<Chunk> {
    let (tx, rx) = mpsc::channel(READ_AHEAD_CHUNKS);
    let (blobs, sha256) = (blobs.clone(), sha256.to_owned());
    tokio::spawn(async move {
        let mut bytes = match blobs.read_range(&sha256, range).await {
            Ok(bytes) => bytes,
            Err(error) => {
                let _ = tx.send(Err(error)).await;
                return;
            }
        };
        while let Some(chunk) = bytes.next().await {
            if tx.send(chunk).await.is_err() {
                return; // the archive stopped: the client left or another file failed
            }
        }
    });
    rx
}

async fn send(tx: &mpsc::Sender<Chunk>, bytes: Bytes) -> anyhow::Result<()> {
    tx.send(Ok(bytes))
        .await
        .map_err(|_| anyhow::anyhow!("the client left"))
}

/// The item's CRC-32: known, or read from its file once and kept with the item.
async fn crc32(
    db: &Db,
    blobs: &BlobStore,
    item: &Item,
    known: &mut Option<u32>,
) -> anyhow::Result<u32> {
    if let Some(crc) = *known {
        return Ok(crc);
    }
    let size = u64::try_from(item.size).unwrap_or(0);
    let mut bytes = blobs.read_range(&item.sha256, 0..size).await?;
    let mut hasher = crc32fast::Hasher::new();
    let mut total = 0u64;
    while let Some(chunk) = bytes.next().await {
        let chunk = chunk?;
        hasher.update(&chunk);
        total += chunk.len() as u64;
    }
    anyhow::ensure!(
        total == size,
        "stored file {} is {total} bytes, recorded {size}",
        item.sha256
    );
    let crc = hasher.finalize();
    store::set_crc32(db, item.id, crc).await?;
    *known = Some(crc);
    Ok(crc)
}

/// Forgets expired tickets.
pub async fn prune(db: &Db, now: i64) -> anyhow::Result<()> {
    store::delete_expired(db, now).await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn l3_at_most_50_distinct_files() {
        let fifty: Vec<i64> = (1..=50).collect();
        assert!(check_request(&fifty).is_ok());
        let fifty_one: Vec<i64> = (1..=51).collect();
        assert!(matches!(
            check_request(&fifty_one),
            Err(LibraryError::TooManyDownloadItems)
        ));
        for refused in [&[][..], &[3, 4, 3]] {
            assert!(matches!(
                check_request(refused),
                Err(LibraryError::InvalidDownloadRequest)
            ));
        }
    }

    #[test]
    fn archives_are_named_by_japan_time() {
        // 2024-08-15 15:30:05 UTC is 2024-08-16 00:30:05 in Japan.
        assert_eq!(archive_name(1_723_735_805), "hako-20240816-003005.zip");
    }

    #[test]
    fn the_validator_changes_when_a_header_would() {
        let item = |local_time| Item {
            id: 1,
            name: "a.jpg".into(),
            size: 5,
            sha256: "ab".repeat(32),
            local_time: Some(local_time),
            crc32: None,
        };
        let archive = |items: Vec<Item>| Archive {
            plan: plan(&items),
            items,
            file_name: "a.zip".into(),
        };
        let before = archive(vec![item(100), item(200)]).etag();
        assert_eq!(before, archive(vec![item(100), item(200)]).etag());
        // A media job that found the shooting time changes the DOS time in the headers.
        assert_ne!(before, archive(vec![item(100), item(300)]).etag());
    }
}
