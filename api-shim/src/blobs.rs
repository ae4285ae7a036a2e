//! The embedded blob store: one file per distinct content, named by its SHA-256, under
//! `<data>/blobs/`. Files arrive by rename from the upload area on the same disk, after fsync,
//! so a crash leaves either the whole file or none.

use std::{
    io,
    path::{Path, PathBuf},
};

use crate::db::Db;

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
        tokio::fs::rename(file, &target).await?;
        // The rename is durable only once the folder is synced.
        tokio::fs::File::open(dir).await?.sync_all().await
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

    /// Removes blobs no item refers to any more (after a delete or a wiped ROOM).
    pub async fn remove_unreferenced(&self, db: &Db, candidates: &[String]) -> anyhow::Result<()> {
        for sha in candidates {
            let used: bool =
                sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM items WHERE sha256 = ?)")
                    .bind(sha)
                    .fetch_one(db)
                    .await?;
            if !used {
                match tokio::fs::remove_file(self.path(sha)).await {
                    Err(e) if e.kind() != io::ErrorKind::NotFound => return Err(e.into()),
                    _ => {}
                }
            }
        }
        Ok(())
    }
}
