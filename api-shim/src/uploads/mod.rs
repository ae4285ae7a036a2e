//! Resumable uploads (SPEC D3, T1, L1, L2): the rules. The tus 1.0 protocol is `http.rs`,
//! the SQL `store.rs`, and where the bytes wait until the file is whole `store::incoming`.
//!
//! The full file's SHA-256 is declared at creation. The server keeps the running hash state
//! with the acknowledged offset, so it never re-reads the file; when the last byte arrives it
//! compares, and only then, in one transaction, the file becomes an item.

mod http;
mod store;

use std::{
    collections::HashSet,
    io,
    path::PathBuf,
    sync::{Arc, Mutex},
};

use base64::{Engine, engine::general_purpose::STANDARD};
use bytes::Bytes;
use futures_util::{Stream, StreamExt};
use hako_media::dating;
use hako_protocol::{
    AccountSetup, DeviceOs, ErrorCode, ItemKind, valid_file_name, valid_sha256_hex,
};
use sha2::{Digest, Sha256, digest::common::hazmat::SerializableState};

pub use http::{TUS_VERSION, router};

use crate::{
    AppState, clock,
    http::error::ApiError,
    store::incoming::{Received, Recorded, part_file},
};

/// Why an upload was refused, or failed.
#[derive(Debug, thiserror::Error)]
pub enum UploadError {
    #[error("the phone has no ROOM yet")]
    NoRoom,
    #[error("not a valid tus request")]
    InvalidRequest,
    #[error("not a plain file name")]
    InvalidFileName,
    #[error("not a hex SHA-256")]
    InvalidSha256,
    #[error("larger than the largest file allowed")]
    FileTooLarge,
    #[error("not a format Hako keeps")]
    UnsupportedFileType,
    #[error("this type is not backed up from an iPhone")]
    TypeNotAllowedOnIphone,
    #[error("already in the ROOM")]
    AlreadyStored,
    #[error("the month's upload limit is reached")]
    MonthlyLimitReached,
    #[error("the free quota is used up")]
    QuotaExceeded,
    #[error("no such upload of this phone, or expired")]
    NotFound,
    #[error("not tus's offset stream")]
    NotOffsetStream,
    #[error("the offset does not match")]
    OffsetMismatch,
    #[error("more bytes than declared")]
    LengthExceeded,
    #[error("the checksum does not match")]
    ChecksumMismatch,
    #[error("the body broke off")]
    Interrupted,
    #[error(transparent)]
    Io(#[from] io::Error),
    #[error(transparent)]
    Store(#[from] sqlx::Error),
    #[error(transparent)]
    Other(#[from] anyhow::Error),
}

impl From<UploadError> for ApiError {
    fn from(error: UploadError) -> Self {
        let code = match error {
            UploadError::NoRoom => ErrorCode::DeviceNotRegistered,
            UploadError::InvalidRequest => ErrorCode::InvalidUploadRequest,
            UploadError::InvalidFileName => ErrorCode::InvalidFileName,
            UploadError::InvalidSha256 => ErrorCode::InvalidSha256,
            UploadError::FileTooLarge => ErrorCode::FileTooLarge,
            UploadError::UnsupportedFileType => ErrorCode::UnsupportedFileType,
            UploadError::TypeNotAllowedOnIphone => ErrorCode::TypeNotAllowedOnIphone,
            UploadError::AlreadyStored => ErrorCode::AlreadyStored,
            UploadError::MonthlyLimitReached => ErrorCode::MonthlyLimitReached,
            UploadError::QuotaExceeded => ErrorCode::QuotaExceeded,
            UploadError::NotFound => ErrorCode::UploadNotFound,
            UploadError::NotOffsetStream => ErrorCode::UnsupportedMediaType,
            UploadError::OffsetMismatch => ErrorCode::UploadOffsetMismatch,
            UploadError::LengthExceeded => ErrorCode::UploadLengthExceeded,
            UploadError::ChecksumMismatch => ErrorCode::ChecksumMismatch,
            // The client is gone; what arrived is kept for its resume.
            UploadError::Interrupted => ErrorCode::InvalidUploadRequest,
            UploadError::Io(error) => return crate::http::error::io_error(error),
            UploadError::Store(error) => return error.into(),
            UploadError::Other(error) => return error.into(),
        };
        code.into()
    }
}

type Result<T, E = UploadError> = std::result::Result<T, E>;

/// The phone that uploads.
pub struct Uploader {
    pub device_id: i64,
    pub user_id: i64,
    pub os: DeviceOs,
    pub room: Option<u8>,
}

/// What a new upload declares: its size (`Upload-Length`) and, in tus's `Upload-Metadata`
/// (`key base64,…`), its `filename`, `sha256` as hex and optionally `created_at`.
pub struct Declared<'a> {
    pub length: Option<&'a str>,
    pub metadata: Option<&'a str>,
}

/// What `Upload-Metadata` must carry.
struct Metadata {
    name: String,
    sha256: String,
    file_created_at: Option<i64>,
}

fn parse_metadata(header: Option<&str>) -> Result<Metadata> {
    let mut name = None;
    let mut sha256 = None;
    let mut file_created_at = None;
    for pair in header.unwrap_or_default().split(',') {
        let mut parts = pair.trim().splitn(2, ' ');
        let key = parts.next().unwrap_or_default();
        let value = match parts.next() {
            Some(encoded) => String::from_utf8(
                STANDARD
                    .decode(encoded.trim())
                    .map_err(|_| UploadError::InvalidRequest)?,
            )
            .map_err(|_| UploadError::InvalidFileName)?,
            None => String::new(),
        };
        match key {
            "filename" | "name" => name = Some(value),
            "sha256" => sha256 = Some(value.to_ascii_lowercase()),
            "created_at" => file_created_at = value.parse().ok(),
            _ => {}
        }
    }
    let name = name
        .filter(|name| valid_file_name(name))
        .ok_or(UploadError::InvalidFileName)?;
    let sha256 = sha256
        .filter(|s| valid_sha256_hex(s))
        .ok_or(UploadError::InvalidSha256)?;
    Ok(Metadata {
        name,
        sha256,
        file_created_at,
    })
}

/// A PATCH's headers: `Content-Type` (tus's offset stream), `Upload-Offset` and
/// `Upload-Checksum` (`sha256 <base64>`: a chunk that does not match is discarded).
pub struct Chunk<'a> {
    pub content_type: Option<&'a str>,
    pub offset: Option<&'a str>,
    pub checksum: Option<&'a str>,
}

const OFFSET_STREAM: &str = "application/offset+octet-stream";

/// The checksum algorithms a PATCH may carry (tus checksum extension), strongest first.
pub const CHECKSUM_ALGORITHMS: &str = "sha256,crc32";

/// What a chunk's bytes must add up to. CRC-32 catches what damages a chunk on the way (its
/// job: the whole file's SHA-256, checked at the end, is what makes an item) at a tenth of
/// SHA-256's cost; SHA-256 stays for clients that send it.
#[derive(Clone)]
enum ChunkCheck {
    Sha256(Vec<u8>, Sha256),
    Crc32(u32, crc32fast::Hasher),
}

impl ChunkCheck {
    fn parse(header: Option<&str>) -> Result<Option<Self>> {
        let Some(value) = header else {
            return Ok(None);
        };
        let (algorithm, encoded) = value.split_once(' ').ok_or(UploadError::InvalidRequest)?;
        let digest = STANDARD
            .decode(encoded.trim())
            .map_err(|_| UploadError::InvalidRequest)?;
        match algorithm {
            "sha256" => Ok(Some(Self::Sha256(digest, Sha256::new()))),
            "crc32" => {
                let bytes = <[u8; 4]>::try_from(digest.as_slice())
                    .map_err(|_| UploadError::InvalidRequest)?;
                Ok(Some(Self::Crc32(
                    u32::from_be_bytes(bytes),
                    crc32fast::Hasher::new(),
                )))
            }
            _ => Err(UploadError::InvalidRequest),
        }
    }

    fn update(&mut self, bytes: &[u8]) {
        match self {
            Self::Sha256(_, hasher) => hasher.update(bytes),
            Self::Crc32(_, hasher) => hasher.update(bytes),
        }
    }

    fn matches(self) -> bool {
        match self {
            Self::Sha256(expected, hasher) => hasher.finalize().as_slice() == expected.as_slice(),
            Self::Crc32(expected, hasher) => hasher.finalize() == expected,
        }
    }
}

/// Bytes are hashed and written in blocks of this size: the hashing of one block runs on
/// another core while the next one arrives and is written.
const BLOCK: usize = 4 * 1024 * 1024;

/// The whole file's SHA-256 so far and this chunk's check, moved to a blocking thread per block.
struct Digests {
    file: Sha256,
    chunk: Option<ChunkCheck>,
}

impl Digests {
    fn update(mut self, block: &[u8]) -> Self {
        self.file.update(block);
        if let Some(chunk) = self.chunk.as_mut() {
            chunk.update(block);
        }
        self
    }
}

/// A started upload: its id and when it expires if nothing more comes.
pub struct Started {
    pub id: String,
    pub expires_at: i64,
}

/// Where an upload stands.
pub struct Standing {
    pub offset: i64,
    pub length: i64,
    pub expires_at: i64,
}

/// Uploads this instance is writing right now: a second PATCH to the same upload waits its
/// turn by being refused, as tus allows. Across instances (bucket storage), the offset each
/// PATCH started from is checked when it is recorded: the later one is refused.
#[derive(Clone, Default)]
pub struct Busy(Arc<Mutex<HashSet<String>>>);

pub struct BusyGuard(Busy, String);

impl Busy {
    pub fn claim(&self, id: &str) -> Option<BusyGuard> {
        let mut set = self.0.lock().expect("busy set lock");
        set.insert(id.to_owned())
            .then(|| BusyGuard(self.clone(), id.to_owned()))
    }
}

impl Drop for BusyGuard {
    fn drop(&mut self) {
        self.0.0.lock().expect("busy set lock").remove(&self.1);
    }
}

/// When an upload touched at `now` expires if nothing more happens.
fn expiry_after(state: &AppState, now: i64) -> i64 {
    now + i64::try_from(state.config.limits.upload_expiry_hours * 3600).unwrap_or(i64::MAX / 2)
}

/// The calendar month an upload counts in for the monthly limit (SPEC L2).
fn month_of(unix: i64) -> String {
    clock::utc_month(unix)
}

fn part_path(state: &AppState, id: &str) -> PathBuf {
    part_file(&state.config.data_dir, id)
}

/// Where and how much a new account backs up, for the library's first run: the address to
/// enter in the phone app, the app's store page, and what is stored against a free member's
/// quota (SPEC L2; none for an unlimited member).
pub async fn setup(state: &AppState, user_id: i64) -> Result<AccountSetup> {
    let usage = store::usage(&state.db, user_id, &month_of(state.clock.now())).await?;
    Ok(AccountSetup {
        server_url: state.config.public_url.clone(),
        app_url: state.config.corp.app_links.smartphone.clone(),
        used_bytes: u64::try_from(usage.stored_bytes).unwrap_or(0),
        quota_bytes: (usage.member_type == "free").then_some(state.config.limits.free_quota_bytes),
    })
}

/// The server's address as a QR code (SVG) that a phone's camera opens in the app's setup.
pub fn address_qr(public_url: &str) -> anyhow::Result<String> {
    let code = qrcode::QrCode::new(public_url.as_bytes())?;
    Ok(code
        .render::<qrcode::render::svg::Color<'_>>()
        .min_dimensions(200, 200)
        .build())
}

/// Starts an upload, if the file is of a kept type, not stored yet, and within the limits.
pub async fn start(state: &AppState, phone: &Uploader, declared: Declared<'_>) -> Result<Started> {
    let room = phone.room.map(i64::from).ok_or(UploadError::NoRoom)?;
    let length: u64 = declared
        .length
        .and_then(|v| v.parse().ok())
        .ok_or(UploadError::InvalidRequest)?;
    let limits = state.config.limits;
    if length > limits.max_file_bytes {
        return Err(UploadError::FileTooLarge);
    }
    let file = parse_metadata(declared.metadata)?;
    let kind = ItemKind::from_file_name(&file.name).ok_or(UploadError::UnsupportedFileType)?;
    if !kind.allowed_on(phone.os) {
        return Err(UploadError::TypeNotAllowedOnIphone);
    }
    if store::already_stored(&state.db, phone.user_id, room, &file.sha256).await? {
        return Err(UploadError::AlreadyStored);
    }
    let now = state.clock.now();
    let length_i = i64::try_from(length).map_err(|_| UploadError::FileTooLarge)?;
    let usage = store::usage(&state.db, phone.user_id, &month_of(now)).await?;
    let bytes = |v: i64| u64::try_from(v).unwrap_or(0);
    if bytes(usage.month_bytes) + bytes(usage.pending_bytes) + length > limits.monthly_upload_bytes
    {
        return Err(UploadError::MonthlyLimitReached);
    }
    if usage.member_type == "free"
        && bytes(usage.stored_bytes) + bytes(usage.pending_bytes) + length > limits.free_quota_bytes
    {
        return Err(UploadError::QuotaExceeded);
    }

    let id = hex::encode(rand::random::<[u8; 16]>());
    let multipart_id = state
        .blobs
        .begin_upload(&part_path(state, &id), &file.sha256)
        .await?;
    let expires_at = expiry_after(state, now);
    store::insert(
        &state.db,
        store::NewUpload {
            id: &id,
            user_id: phone.user_id,
            device_id: phone.device_id,
            room,
            kind: kind.as_str(),
            name: &file.name,
            sha256: &file.sha256,
            length: length_i,
            hash_state: Sha256::new().serialize().to_vec(),
            file_created_at: file.file_created_at.unwrap_or(now),
            expires_at,
            multipart_id,
        },
    )
    .await?;
    Ok(Started { id, expires_at })
}

async fn load(state: &AppState, phone: &Uploader, id: &str) -> Result<store::Upload> {
    let upload = store::of_device(&state.db, phone.device_id, id)
        .await?
        .ok_or(UploadError::NotFound)?;
    if upload.expires_at <= state.clock.now() {
        return Err(UploadError::NotFound);
    }
    Ok(upload)
}

pub async fn standing(state: &AppState, phone: &Uploader, id: &str) -> Result<Standing> {
    let upload = load(state, phone, id).await?;
    Ok(Standing {
        offset: upload.offset,
        length: upload.length,
        expires_at: upload.expires_at,
    })
}

/// What the caller recorded, as the blob store needs it.
fn recorded<'a>(upload: &'a store::Upload, part_file: &'a std::path::Path) -> Recorded<'a> {
    Recorded {
        part_file,
        sha256: &upload.sha256,
        offset: u64::try_from(upload.offset).unwrap_or(0),
        multipart_id: upload.multipart_id.as_deref(),
        tail: upload.tail.as_deref(),
        etags: Vec::new(),
    }
}

/// Appends a chunk at its claimed offset; the new offset. A chunk whose checksum does not
/// match is discarded and the offset stays. The last byte finishes the file: its whole
/// SHA-256 is checked, then it becomes an item.
pub async fn append(
    state: &AppState,
    phone: &Uploader,
    id: &str,
    chunk: Chunk<'_>,
    mut body: impl Stream<Item = Result<Bytes, axum::Error>> + Unpin,
) -> Result<i64> {
    let upload = load(state, phone, id).await?;
    if chunk.content_type != Some(OFFSET_STREAM) {
        return Err(UploadError::NotOffsetStream);
    }
    if chunk.offset.and_then(|v| v.parse().ok()) != Some(upload.offset) {
        return Err(UploadError::OffsetMismatch);
    }
    let chunk_check = ChunkCheck::parse(chunk.checksum)?;
    let restored = <&_>::try_from(upload.hash_state.as_slice())
        .ok()
        .and_then(|state| Sha256::deserialize(state).ok())
        .ok_or_else(|| anyhow::anyhow!("upload {id}: stored hash state is unreadable"))?;
    let part_file = part_path(state, &upload.id);
    let mut bytes_so_far = recorded(&upload, &part_file);
    if upload.multipart_id.is_some() {
        bytes_so_far.etags = store::part_etags(&state.db, &upload.id).await?;
    }
    let mut sink = match state.blobs.resume_upload(bytes_so_far).await {
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Err(UploadError::NotFound),
        other => other?,
    };

    // Frames gather into blocks; each block is hashed on the blocking pool while it is
    // written and the next one arrives (two cores at work instead of one).
    let digests = Digests {
        file: restored,
        chunk: chunk_check,
    };
    let mut hashing = Some(tokio::task::spawn_blocking(move || digests));
    let mut block = bytes::BytesMut::new();
    let mut written: i64 = 0;
    let mut interrupted = false;
    let outcome: Result<()> = async {
        loop {
            let frame = body.next().await;
            let end = match &frame {
                Some(Ok(bytes)) => {
                    let len = i64::try_from(bytes.len()).unwrap_or(i64::MAX);
                    if upload.offset + written + len > upload.length {
                        return Err(UploadError::LengthExceeded);
                    }
                    block.extend_from_slice(bytes);
                    written += len;
                    false
                }
                Some(Err(_)) => {
                    interrupted = true;
                    true
                }
                None => true,
            };
            if block.len() >= BLOCK || (end && !block.is_empty()) {
                let full = block.split().freeze();
                let previous = hashing.take().expect("a block is hashed at a time");
                let digests = previous.await.map_err(anyhow::Error::from)?;
                let hashed = full.clone();
                hashing = Some(tokio::task::spawn_blocking(move || digests.update(&hashed)));
                sink.write(full).await?;
            }
            if end {
                return Ok(());
            }
        }
    }
    .await;
    let last = hashing.take().expect("a block is hashed at a time");
    let digests = last.await.map_err(anyhow::Error::from)?;
    let hasher = digests.file;
    let chunk_ok = digests
        .chunk
        .is_none_or(|check| !interrupted && check.matches());
    if outcome.is_err() || !chunk_ok {
        sink.undo().await?;
        outcome?;
        return Err(UploadError::ChecksumMismatch);
    }
    let offset = upload.offset + written;
    let sealed = sink.seal(offset == upload.length).await?;
    if let Some(received) = sealed.received {
        finish(state, &upload, hasher, received).await?;
    } else {
        let recorded_now = store::record_progress(
            &state.db,
            id,
            store::Progress {
                user_id: upload.user_id,
                from_offset: upload.offset,
                offset,
                hash_state: hasher.serialize().to_vec(),
                expires_at: expiry_after(state, state.clock.now()),
                tail: sealed.tail,
                first_new_part: sealed.first_new_part,
                new_parts: &sealed.new_parts,
            },
        )
        .await?;
        if !recorded_now {
            // A PATCH on another instance recorded these bytes first.
            return Err(UploadError::OffsetMismatch);
        }
    }
    if interrupted {
        return Err(UploadError::Interrupted);
    }
    Ok(offset)
}

/// The last byte is in: check the whole file's SHA-256, then store and show it in one go.
async fn finish(
    state: &AppState,
    upload: &store::Upload,
    hasher: Sha256,
    received: Received,
) -> Result<()> {
    let part_file = part_path(state, &upload.id);
    let bytes = recorded(upload, &part_file);
    if hex::encode(hasher.finalize()) != upload.sha256 {
        discard(state, upload).await?;
        return Err(UploadError::ChecksumMismatch);
    }
    state.blobs.complete_upload(&bytes, received).await?;
    let shot = shooting_time(state, upload).await;
    let now = state.clock.now();
    store::make_item(
        &state.db,
        store::NewItem {
            upload,
            now,
            month: &month_of(now),
            local_time: shot.map_or(clock::japan_local(upload.file_created_at), |shot| {
                shot.local_time()
            }),
            taken_at: shot.map(|shot| shot.taken_at),
            utc_offset: shot.and_then(|shot| shot.utc_offset),
            media_job: upload.kind != ItemKind::Document.as_str(),
        },
    )
    .await?;
    state.media.wake();
    Ok(())
}

/// When a photo or video was taken, read before it becomes visible, so it is never shown
/// under the day of its upload (SPEC T3). Unreadable: the phone's file time, as before.
async fn shooting_time(state: &AppState, upload: &store::Upload) -> Option<dating::Shot> {
    let kind =
        ItemKind::parse(&upload.kind).filter(|k| matches!(k, ItemKind::Photo | ItemKind::Video))?;
    let scratch = state.config.scratch_dir();
    let file = state
        .blobs
        .local_ends(&upload.sha256, &scratch, dating::HEAD_BYTES)
        .await
        .inspect_err(|error| tracing::warn!(upload = %upload.id, "reading a file's date: {error}"))
        .ok()?;
    tokio::task::spawn_blocking(move || dating::read(kind, file.path()))
        .await
        .ok()
        .flatten()
}

/// Drops an upload: its row, and its bytes on this machine or in the bucket.
async fn discard(state: &AppState, upload: &store::Upload) -> Result<()> {
    store::delete(&state.db, &upload.id).await?;
    let part_file = part_path(state, &upload.id);
    Ok(state
        .blobs
        .discard_upload(&recorded(upload, &part_file))
        .await?)
}

/// Cancels an upload of this phone and removes its bytes.
pub async fn cancel(state: &AppState, phone: &Uploader, id: &str) -> Result<()> {
    let upload = load(state, phone, id).await?;
    discard(state, &upload).await
}

/// Removes uploads past their expiry, with their bytes.
pub async fn prune(state: &AppState) -> Result<()> {
    for upload in store::expired(&state.db, state.clock.now()).await? {
        discard(state, &upload).await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn meta(pairs: &[(&str, &str)]) -> String {
        pairs
            .iter()
            .map(|(k, v)| format!("{k} {}", STANDARD.encode(v)))
            .collect::<Vec<_>>()
            .join(",")
    }

    #[test]
    fn metadata_needs_a_plain_name_and_a_hex_sha256() {
        let sha = "ab".repeat(32);
        let ok = parse_metadata(Some(&meta(&[
            ("filename", "IMG_1.jpg"),
            ("sha256", &sha),
            ("created_at", "1700000000"),
        ])))
        .unwrap();
        assert_eq!(
            (ok.name.as_str(), ok.file_created_at),
            ("IMG_1.jpg", Some(1_700_000_000))
        );
        let code = |m: &str| {
            parse_metadata(Some(m))
                .err()
                .map(|e| ApiError::from(e).code())
        };
        assert_eq!(
            code(&meta(&[("filename", "../x.jpg"), ("sha256", &sha)])),
            Some(ErrorCode::InvalidFileName)
        );
        assert_eq!(
            code(&meta(&[("filename", "a\0.jpg"), ("sha256", &sha)])),
            Some(ErrorCode::InvalidFileName)
        );
        assert_eq!(
            code(&meta(&[("filename", "a.jpg"), ("sha256", "xyz")])),
            Some(ErrorCode::InvalidSha256)
        );
        assert_eq!(
            code(&meta(&[("sha256", &sha)])),
            Some(ErrorCode::InvalidFileName)
        );
        assert_eq!(
            code("filename !!!notbase64"),
            Some(ErrorCode::InvalidUploadRequest)
        );
    }

    #[test]
    fn months_are_calendar_months_in_utc() {
        assert_eq!(month_of(1_790_000_000), "2026-09");
        assert_eq!(month_of(0), "1970-01");
    }
}
