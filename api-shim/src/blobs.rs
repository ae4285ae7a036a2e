//! The embedded blob store: one file per distinct content, named by its SHA-256, under
//! `<data>/blobs/`. Files arrive by rename from the upload area on the same disk, after fsync,
//! so a crash leaves either the whole file or none.

use std::{
    io,
    path::{Path, PathBuf},
};

use crate::db::{Db, Flag};

#[derive(Clone, Debug)]
pub struct BlobStore {
    root: PathBuf,
}

impl BlobStore {
    pub fn open(data_dir: &Path) -> io::Result<Self> {
        let root = data_dir.join("blobs");
        std::fs::create_dir_all(&root)?;
        Ok(Self { root })
    }

    pub fn path(&self, sha256_hex: &str) -> PathBuf {
        self.root.join(&sha256_hex[..2]).join(sha256_hex)
    }

    /// Moves a finished, fsynced file into the store. Content already present is kept as is.
    pub async fn put_file(&self, sha256_hex: &str, file: &Path) -> io::Result<()> {
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

    /// Thumbnails and previews live beside the originals, named after their content's hash,
    /// so their URLs never change and can be cached for good.
    pub fn derived_path(&self, sha256_hex: &str, what: &str) -> PathBuf {
        self.root
            .join("derived")
            .join(&sha256_hex[..2])
            .join(format!("{sha256_hex}.{what}.jpg"))
    }

    pub async fn put_derived(&self, sha256_hex: &str, what: &str, bytes: &[u8]) -> io::Result<()> {
        let target = self.derived_path(sha256_hex, what);
        tokio::fs::create_dir_all(target.parent().expect("derived paths have a folder")).await?;
        let staging = target.with_extension(format!("tmp{}", rand::random::<u32>()));
        tokio::fs::write(&staging, bytes).await?;
        tokio::fs::rename(&staging, &target).await
    }

    /// Stores bytes already in memory (small backups): staged, fsynced, then renamed in.
    pub async fn put_bytes(&self, sha256_hex: &str, bytes: &[u8]) -> io::Result<()> {
        let staging = self
            .root
            .join(format!(".staging-{}", rand::random::<u64>()));
        let mut file = tokio::fs::File::create(&staging).await?;
        tokio::io::AsyncWriteExt::write_all(&mut file, bytes).await?;
        file.sync_all().await?;
        self.put_file(sha256_hex, &staging).await
    }

    /// Removes blobs no item and no backup refers to any more (after a delete or a wiped ROOM).
    /// Backups count too: identical contacts from two phones share one blob.
    pub async fn remove_unreferenced(&self, db: &Db, candidates: &[String]) -> anyhow::Result<()> {
        for sha in candidates {
            let Flag(used) = sqlx::query_scalar(
                "SELECT EXISTS (SELECT 1 FROM items WHERE sha256 = $1)
                     OR EXISTS (SELECT 1 FROM backups WHERE sha256 = $1)",
            )
            .bind(sha)
            .fetch_one(db)
            .await?;
            if !used {
                for path in [
                    self.path(sha),
                    self.derived_path(sha, "thumb"),
                    self.derived_path(sha, "preview"),
                ] {
                    match tokio::fs::remove_file(path).await {
                        Err(e) if e.kind() != io::ErrorKind::NotFound => return Err(e.into()),
                        _ => {}
                    }
                }
            }
        }
        Ok(())
    }
}
