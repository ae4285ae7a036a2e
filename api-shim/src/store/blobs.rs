//! Stored files: one per distinct content, named by its SHA-256, with its thumbnail and
//! preview beside it. By default under `<data>/blobs/`; with `[s3]` configured, in an
//! S3-compatible bucket (SPEC X3) that every instance reads and writes.
//!
//! Locally, files arrive by rename from the upload area on the same disk, after fsync, so a
//! crash leaves either the whole file or none. In a bucket, an object appears whole or not at
//! all when its (multipart) upload completes.

use std::{
    io,
    ops::Range,
    path::{Path, PathBuf},
    sync::Arc,
};

use bytes::Bytes;
use futures_util::{StreamExt, TryStreamExt, stream::BoxStream};
use object_store::{
    GetOptions, GetRange, ObjectStore, ObjectStoreExt, PutPayload,
    aws::{AmazonS3, AmazonS3Builder},
    multipart::{MultipartStore, PartId},
    path::Path as Key,
};
use sha2::{Digest, Sha256};
use tokio::io::AsyncReadExt;

use crate::{
    config::S3Config,
    store::db::{Db, Flag},
};

/// Bytes of a stored file, as they are read.
pub type ByteStream = BoxStream<'static, io::Result<Bytes>>;

#[derive(Clone, Debug)]
pub enum BlobStore {
    Local(LocalBlobs),
    S3(S3Blobs),
}

#[derive(Clone, Debug)]
pub struct LocalBlobs {
    root: PathBuf,
}

#[derive(Clone, Debug)]
pub struct S3Blobs {
    store: Arc<AmazonS3>,
    prefix: String,
}

/// A stored file as a file on this machine, for tools that need a path (ffmpeg, decoders):
/// the stored file itself, or a copy from the bucket that is removed when this is dropped.
pub enum LocalCopy {
    Stored(PathBuf),
    Fetched(PathBuf),
}

impl LocalCopy {
    pub fn path(&self) -> &Path {
        match self {
            Self::Stored(path) | Self::Fetched(path) => path,
        }
    }
}

impl Drop for LocalCopy {
    fn drop(&mut self) {
        if let Self::Fetched(path) = self {
            let _ = std::fs::remove_file(path);
        }
    }
}

fn s3_error(error: object_store::Error) -> io::Error {
    match error {
        object_store::Error::NotFound { .. } => io::Error::new(io::ErrorKind::NotFound, error),
        other => io::Error::other(other),
    }
}

/// Bytes read from a file in blocks of this size, each straight into the buffer it is sent from.
const READ_BLOCK: u64 = 2 * 1024 * 1024;

/// `len` bytes of `file` from where it stands, read on the blocking pool block by block
/// (tokio's file would read into its own buffer and copy each block once more).
fn read_blocks(file: std::fs::File, len: u64) -> ByteStream {
    futures_util::stream::try_unfold((file, len), |(file, left)| async move {
        if left == 0 {
            return Ok(None);
        }
        let (block, file) = tokio::task::spawn_blocking(move || {
            let want = left.min(READ_BLOCK);
            let mut block = Vec::with_capacity(want as usize);
            let mut limited = std::io::Read::take(file, want);
            std::io::Read::read_to_end(&mut limited, &mut block)?;
            io::Result::Ok((block, limited.into_inner()))
        })
        .await??;
        if block.is_empty() {
            return Err(io::ErrorKind::UnexpectedEof.into());
        }
        let left = left - block.len() as u64;
        Ok(Some((Bytes::from(block), (file, left))))
    })
    .boxed()
}

impl BlobStore {
    pub fn open(data_dir: &Path, s3: Option<&S3Config>) -> anyhow::Result<Self> {
        let Some(s3) = s3 else {
            let root = data_dir.join("blobs");
            std::fs::create_dir_all(&root)?;
            return Ok(Self::Local(LocalBlobs { root }));
        };
        // object_store's client asks for the process's TLS provider: ring, the workspace's one
        // (already chosen when this is not the first store opened).
        let _ = rustls::crypto::ring::default_provider().install_default();
        let store = AmazonS3Builder::new()
            .with_endpoint(&s3.endpoint)
            .with_bucket_name(&s3.bucket)
            .with_region(&s3.region)
            .with_access_key_id(&s3.access_key_id)
            .with_secret_access_key(&s3.secret_access_key)
            .with_allow_http(s3.endpoint.starts_with("http://"))
            .with_virtual_hosted_style_request(false)
            .build()?;
        Ok(Self::S3(S3Blobs {
            store: Arc::new(store),
            prefix: s3.prefix.trim_matches('/').to_owned(),
        }))
    }

    /// The bucket, when files are kept in one (uploads then go straight into it).
    pub fn s3(&self) -> Option<&S3Blobs> {
        match self {
            Self::S3(s3) => Some(s3),
            Self::Local(_) => None,
        }
    }

    /// The file on this machine, when files are kept here (served with `sendfile`-like speed).
    pub fn local(&self) -> Option<&LocalBlobs> {
        match self {
            Self::Local(local) => Some(local),
            Self::S3(_) => None,
        }
    }

    /// Stores a finished, fsynced file under its hash; the file is gone afterwards.
    /// Content already present is kept as is.
    pub async fn put_file(&self, sha256_hex: &str, file: &Path) -> io::Result<()> {
        match self {
            Self::Local(local) => local.put_file(sha256_hex, file).await,
            Self::S3(s3) => {
                s3.copy_file_in(&s3.original_key(sha256_hex), file).await?;
                tokio::fs::remove_file(file).await
            }
        }
    }

    /// Stores bytes already in memory (backups, app data). Content already present is kept
    /// as is, and not written again.
    pub async fn put_bytes(&self, sha256_hex: &str, bytes: Bytes) -> io::Result<()> {
        match self {
            Self::Local(local) => {
                if tokio::fs::try_exists(local.path(sha256_hex)).await? {
                    return Ok(());
                }
                let staging = local.staging_path();
                local.write_synced(staging.clone(), bytes).await?;
                local.put_file(sha256_hex, &staging).await
            }
            Self::S3(s3) => s3.put(&s3.original_key(sha256_hex), bytes).await,
        }
    }

    /// Stores bytes already in memory under the SHA-256 it answers. On this machine the hash
    /// and the write with its fsync run side by side, then the file takes its name.
    pub async fn put_new(&self, bytes: Bytes) -> io::Result<String> {
        let hashed = bytes.clone();
        let hash = tokio::task::spawn_blocking(move || hex::encode(Sha256::digest(&hashed)));
        let Self::Local(local) = self else {
            let sha256_hex = hash.await.map_err(io::Error::other)?;
            self.put_bytes(&sha256_hex, bytes).await?;
            return Ok(sha256_hex);
        };
        let staging = local.staging_path();
        let write = local.write_synced(staging.clone(), bytes);
        let (sha256_hex, written) = tokio::join!(hash, write);
        let sha256_hex = sha256_hex.map_err(io::Error::other)?;
        written?;
        local.put_file(&sha256_hex, &staging).await?;
        Ok(sha256_hex)
    }

    /// Thumbnails and previews are named after their content's hash, so their URLs never
    /// change and can be cached for good.
    pub async fn put_derived(&self, sha256_hex: &str, what: &str, bytes: &[u8]) -> io::Result<()> {
        match self {
            Self::Local(local) => {
                let target = local.derived_path(sha256_hex, what);
                tokio::fs::create_dir_all(target.parent().expect("derived paths have a folder"))
                    .await?;
                let staging = target.with_extension(format!("tmp{}", rand::random::<u32>()));
                tokio::fs::write(&staging, bytes).await?;
                tokio::fs::rename(&staging, &target).await
            }
            Self::S3(s3) => {
                s3.put(
                    &s3.derived_key(sha256_hex, what),
                    Bytes::copy_from_slice(bytes),
                )
                .await
            }
        }
    }

    /// A whole stored file (contacts, calendars: small).
    pub async fn read(&self, sha256_hex: &str) -> io::Result<Vec<u8>> {
        match self {
            Self::Local(local) => tokio::fs::read(local.path(sha256_hex)).await,
            Self::S3(s3) => s3.read(&s3.original_key(sha256_hex)).await,
        }
    }

    /// A thumbnail or preview; `None` when it was not made.
    pub async fn read_derived(&self, sha256_hex: &str, what: &str) -> io::Result<Option<Vec<u8>>> {
        let read = match self {
            Self::Local(local) => tokio::fs::read(local.derived_path(sha256_hex, what)).await,
            Self::S3(s3) => s3.read(&s3.derived_key(sha256_hex, what)).await,
        };
        match read {
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
            other => other.map(Some),
        }
    }

    /// `range` of a stored file's bytes, as a stream (ZIP entries, ranged originals).
    pub async fn read_range(&self, sha256_hex: &str, range: Range<u64>) -> io::Result<ByteStream> {
        match self {
            Self::Local(local) => {
                let path = local.path(sha256_hex);
                let start = range.start;
                let file = tokio::task::spawn_blocking(move || {
                    let mut file = std::fs::File::open(path)?;
                    std::io::Seek::seek(&mut file, io::SeekFrom::Start(start))?;
                    io::Result::Ok(file)
                })
                .await??;
                Ok(read_blocks(file, range.end - range.start))
            }
            // An empty range is no valid ranged GET (an empty file's whole content).
            Self::S3(_) if range.is_empty() => Ok(futures_util::stream::empty().boxed()),
            Self::S3(s3) => {
                let options = GetOptions {
                    range: Some(GetRange::Bounded(range)),
                    ..GetOptions::default()
                };
                let found = s3
                    .store
                    .get_opts(&s3.original_key(sha256_hex), options)
                    .await
                    .map_err(s3_error)?;
                Ok(found.into_stream().map_err(s3_error).boxed())
            }
        }
    }

    /// A stored file's size in bytes.
    pub async fn size(&self, sha256_hex: &str) -> io::Result<u64> {
        match self {
            Self::Local(local) => Ok(tokio::fs::metadata(local.path(sha256_hex)).await?.len()),
            Self::S3(s3) => Ok(s3
                .store
                .head(&s3.original_key(sha256_hex))
                .await
                .map_err(s3_error)?
                .size),
        }
    }

    /// The stored file as a path on this machine, fetched into `scratch` from a bucket.
    pub async fn local_copy(&self, sha256_hex: &str, scratch: &Path) -> io::Result<LocalCopy> {
        self.local_ends(sha256_hex, scratch, u64::MAX).await
    }

    /// Like `local_copy`, but from a bucket only the first and the last `end_bytes` are
    /// fetched, into a sparse file of the right size: enough to read a file's metadata, which
    /// sits at its start (EXIF, XMP) or at either end (a video's `moov`).
    pub async fn local_ends(
        &self,
        sha256_hex: &str,
        scratch: &Path,
        end_bytes: u64,
    ) -> io::Result<LocalCopy> {
        use tokio::io::{AsyncSeekExt, AsyncWriteExt};
        match self {
            Self::Local(local) => Ok(LocalCopy::Stored(local.path(sha256_hex))),
            Self::S3(_) => {
                tokio::fs::create_dir_all(scratch).await?;
                let copy = LocalCopy::Fetched(
                    scratch.join(format!("{sha256_hex}.{}", rand::random::<u32>())),
                );
                let mut file = tokio::fs::File::create(copy.path()).await?;
                let size = self.size(sha256_hex).await?;
                // The whole file when its two ends would meet.
                let (head_end, tail_start) = if size / 2 <= end_bytes {
                    (size, size)
                } else {
                    (end_bytes, size - end_bytes)
                };
                file.set_len(size).await?;
                for range in [0..head_end, tail_start..size]
                    .into_iter()
                    .filter(|r| !r.is_empty())
                {
                    file.seek(io::SeekFrom::Start(range.start)).await?;
                    let mut bytes = self.read_range(sha256_hex, range).await?;
                    while let Some(chunk) = bytes.next().await {
                        file.write_all(&chunk?).await?;
                    }
                }
                file.flush().await?;
                Ok(copy)
            }
        }
    }

    /// Removes blobs no item, backup or app data version refers to any more (after a delete or
    /// a wiped ROOM): identical contents from two phones or two apps share one blob.
    pub async fn remove_unreferenced(&self, db: &Db, candidates: &[String]) -> anyhow::Result<()> {
        for sha in candidates {
            let Flag(used) = sqlx::query_scalar(
                "SELECT EXISTS (SELECT 1 FROM items WHERE sha256 = $1)
                     OR EXISTS (SELECT 1 FROM backups WHERE sha256 = $1)
                     OR EXISTS (SELECT 1 FROM app_data_versions WHERE sha256 = $1)",
            )
            .bind(sha)
            .fetch_one(db)
            .await?;
            if used {
                continue;
            }
            match self {
                Self::Local(local) => {
                    for path in [
                        local.path(sha),
                        local.derived_path(sha, "thumb"),
                        local.derived_path(sha, "preview"),
                    ] {
                        match tokio::fs::remove_file(path).await {
                            Err(e) if e.kind() != io::ErrorKind::NotFound => return Err(e.into()),
                            _ => {}
                        }
                    }
                }
                Self::S3(s3) => {
                    for key in [
                        s3.original_key(sha),
                        s3.derived_key(sha, "thumb"),
                        s3.derived_key(sha, "preview"),
                    ] {
                        match s3.store.delete(&key).await {
                            Err(object_store::Error::NotFound { .. }) | Ok(()) => {}
                            Err(e) => return Err(e.into()),
                        }
                    }
                }
            }
        }
        Ok(())
    }
}

impl LocalBlobs {
    /// A new name beside the blobs (the same disk, so the final rename is atomic).
    fn staging_path(&self) -> PathBuf {
        self.root
            .join(format!(".staging-{}", rand::random::<u64>()))
    }

    /// One blocking write and fsync, not tokio's file in 2 MiB hand-offs.
    async fn write_synced(&self, path: PathBuf, bytes: Bytes) -> io::Result<()> {
        tokio::task::spawn_blocking(move || {
            let mut file = std::fs::File::create(&path)?;
            std::io::Write::write_all(&mut file, &bytes)?;
            file.sync_all()
        })
        .await
        .map_err(io::Error::other)?
    }

    pub fn path(&self, sha256_hex: &str) -> PathBuf {
        self.root.join(&sha256_hex[..2]).join(sha256_hex)
    }

    pub fn derived_path(&self, sha256_hex: &str, what: &str) -> PathBuf {
        self.root
            .join("derived")
            .join(&sha256_hex[..2])
            .join(format!("{sha256_hex}.{what}.jpg"))
    }

    async fn put_file(&self, sha256_hex: &str, file: &Path) -> io::Result<()> {
        let target = self.path(sha256_hex);
        if tokio::fs::try_exists(&target).await? {
            return tokio::fs::remove_file(file).await;
        }
        let dir = target.parent().expect("blob paths have a folder");
        tokio::fs::create_dir_all(dir).await?;
        match tokio::fs::rename(file, &target).await {
            // The upload area may sit on another disk: copy, sync, then take the name.
            Err(e) if e.kind() == io::ErrorKind::CrossesDevices => {
                let staging = target.with_extension(format!("staging{}", rand::random::<u32>()));
                tokio::fs::copy(file, &staging).await?;
                tokio::fs::File::open(&staging).await?.sync_all().await?;
                tokio::fs::rename(&staging, &target).await?;
                tokio::fs::remove_file(file).await?;
            }
            result => result?,
        }
        // The rename is durable only once the folder is synced.
        tokio::fs::File::open(dir).await?.sync_all().await
    }
}

/// Parts of a multipart upload: S3 wants at least 5 MiB in every part but the last.
pub const PART_BYTES: usize = 8 * 1024 * 1024;

impl S3Blobs {
    fn key(&self, name: String) -> Key {
        if self.prefix.is_empty() {
            Key::from(name)
        } else {
            Key::from(format!("{}/{name}", self.prefix))
        }
    }

    fn original_key(&self, sha256_hex: &str) -> Key {
        self.key(format!("blobs/{}/{sha256_hex}", &sha256_hex[..2]))
    }

    fn derived_key(&self, sha256_hex: &str, what: &str) -> Key {
        self.key(format!(
            "derived/{}/{sha256_hex}.{what}.jpg",
            &sha256_hex[..2]
        ))
    }

    async fn put(&self, key: &Key, bytes: Bytes) -> io::Result<()> {
        self.store
            .put(key, PutPayload::from(bytes))
            .await
            .map(drop)
            .map_err(s3_error)
    }

    async fn read(&self, key: &Key) -> io::Result<Vec<u8>> {
        let found = self.store.get(key).await.map_err(s3_error)?;
        Ok(found.bytes().await.map_err(s3_error)?.to_vec())
    }

    /// Sends a file on this machine as the object `key`, part by part.
    async fn put_file_in_parts(&self, key: &Key, file: &Path) -> io::Result<()> {
        let mut file = tokio::fs::File::open(file).await?;
        let id = self.store.create_multipart(key).await.map_err(s3_error)?;
        let mut parts = Vec::new();
        loop {
            let mut part = Vec::with_capacity(PART_BYTES);
            (&mut file)
                .take(PART_BYTES as u64)
                .read_to_end(&mut part)
                .await?;
            if part.is_empty() && !parts.is_empty() {
                break;
            }
            let full = part.len() == PART_BYTES;
            let sent = self
                .store
                .put_part(key, &id, parts.len(), PutPayload::from(part))
                .await;
            match sent {
                Ok(part) => parts.push(part),
                Err(e) => {
                    let _ = self.store.abort_multipart(key, &id).await;
                    return Err(s3_error(e));
                }
            }
            if !full {
                break;
            }
        }
        self.store
            .complete_multipart(key, &id, parts)
            .await
            .map(drop)
            .map_err(s3_error)
    }

    /// The object name of an original (`what` = `None`) or of its thumbnail or preview.
    pub fn object_key(&self, sha256_hex: &str, what: Option<&str>) -> Key {
        match what {
            None => self.original_key(sha256_hex),
            Some(what) => self.derived_key(sha256_hex, what),
        }
    }

    /// An object's size; `None` when it is not there.
    pub async fn object_size(&self, key: &Key) -> io::Result<Option<u64>> {
        match self.store.head(key).await {
            Ok(meta) => Ok(Some(meta.size)),
            Err(object_store::Error::NotFound { .. }) => Ok(None),
            Err(e) => Err(s3_error(e)),
        }
    }

    /// Sends a file on this machine as `key`, part by part; the file stays (`hako
    /// migrate-storage` copies, it does not move).
    /// A file smaller than one part goes in one PUT: a multipart upload of an empty file
    /// fails (Garage refuses the empty part), and one request is quicker for small files.
    pub async fn copy_file_in(&self, key: &Key, file: &Path) -> io::Result<()> {
        if tokio::fs::metadata(file).await?.len() < PART_BYTES as u64 {
            let bytes = tokio::fs::read(file).await?;
            self.put(key, Bytes::from(bytes)).await
        } else {
            self.put_file_in_parts(key, file).await
        }
    }

    /// An object's bytes, as they arrive.
    pub async fn object_stream(&self, key: &Key) -> io::Result<ByteStream> {
        let found = self.store.get(key).await.map_err(s3_error)?;
        Ok(found.into_stream().map_err(s3_error).boxed())
    }

    /// Starts a multipart upload of the stored file `sha256_hex`; its id, to keep.
    pub async fn start_upload(&self, sha256_hex: &str) -> io::Result<String> {
        self.store
            .create_multipart(&self.original_key(sha256_hex))
            .await
            .map_err(s3_error)
    }

    /// Sends part `index` (from 0); its ETag, to keep.
    pub async fn send_part(
        &self,
        sha256_hex: &str,
        upload: &str,
        index: usize,
        bytes: Bytes,
    ) -> io::Result<String> {
        self.store
            .put_part(
                &self.original_key(sha256_hex),
                &upload.to_owned(),
                index,
                PutPayload::from(bytes),
            )
            .await
            .map(|part| part.content_id)
            .map_err(s3_error)
    }

    /// Makes the object from its parts, in order: it appears whole, at once.
    pub async fn finish_upload(
        &self,
        sha256_hex: &str,
        upload: &str,
        etags: Vec<String>,
    ) -> io::Result<()> {
        let parts = etags
            .into_iter()
            .map(|content_id| PartId { content_id })
            .collect();
        self.store
            .complete_multipart(&self.original_key(sha256_hex), &upload.to_owned(), parts)
            .await
            .map(drop)
            .map_err(s3_error)
    }

    /// Drops an unfinished upload and the parts the store holds for it.
    pub async fn abort_upload(&self, sha256_hex: &str, upload: &str) -> io::Result<()> {
        match self
            .store
            .abort_multipart(&self.original_key(sha256_hex), &upload.to_owned())
            .await
        {
            Err(object_store::Error::NotFound { .. }) | Ok(()) => Ok(()),
            Err(e) => Err(s3_error(e)),
        }
    }
}
