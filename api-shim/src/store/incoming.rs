//! An upload's bytes on their way in, wherever files are kept: in the data folder they are
//! appended to `<data>/uploads/<id>.part`; with a bucket they go straight into a multipart
//! upload of the final object, whose id, parts' ETags and the bytes that do not fill a part
//! yet the caller keeps with the upload, so any instance can take the next chunk (SPEC X3).
//! Callers see one interface: begin, resume, write, seal, complete, discard.

use std::{
    fs::File,
    io::{self, Seek, SeekFrom, Write},
    path::{Path, PathBuf},
    sync::Arc,
};

use bytes::Bytes;
use tokio::task::{JoinHandle, spawn_blocking};

use super::blobs::{BlobStore, PART_BYTES, S3Blobs};

/// What the caller recorded of an unfinished upload.
pub struct Recorded<'a> {
    /// The upload's file in the upload area (used when files are kept in the data folder).
    pub part_file: &'a Path,
    pub sha256: &'a str,
    /// Bytes acknowledged so far.
    pub offset: u64,
    /// The bucket's multipart upload, when files go to a bucket.
    pub multipart_id: Option<&'a str>,
    /// Bytes received that do not fill a part yet (bucket only).
    pub tail: Option<&'a [u8]>,
    /// ETags of the parts sent, in order (bucket only).
    pub etags: Vec<String>,
}

/// Where one PATCH's bytes go.
pub struct Sink<'a> {
    to: To<'a>,
    sha256: &'a str,
}

enum To<'a> {
    File {
        file: Arc<File>,
        start: u64,
        /// The block before, being written on the blocking pool (blocks go in order).
        writing: Option<JoinHandle<io::Result<()>>>,
        /// A flush to disk started behind the writes, so the one before the answer is short.
        syncing: Option<JoinHandle<io::Result<()>>>,
    },
    Bucket {
        s3: &'a S3Blobs,
        upload: &'a str,
        /// Bytes not yet sent: the stored tail, then what this PATCH brought.
        pending: Vec<u8>,
        /// ETags of every part sent, this PATCH's after the stored ones.
        etags: Vec<String>,
        stored_parts: usize,
    },
}

/// What to record once a PATCH's bytes are durable.
pub struct Sealed {
    /// ETags of the parts this PATCH sent, to record after the `first_new_part` recorded ones.
    pub new_parts: Vec<String>,
    pub first_new_part: usize,
    /// The bytes that wait for the next part (bucket only).
    pub tail: Option<Vec<u8>>,
    /// Where the whole file is, when this was its last byte.
    pub received: Option<Received>,
}

impl Sealed {
    fn complete(received: Received) -> Self {
        Self {
            new_parts: Vec::new(),
            first_new_part: 0,
            tail: None,
            received: Some(received),
        }
    }
}

/// Where a complete upload's bytes are.
pub enum Received {
    /// In the upload's file on this machine.
    File,
    /// In the bucket's multipart upload, as these parts.
    Parts(Vec<String>),
    /// In memory: the file never filled a part.
    Whole(Vec<u8>),
}

impl BlobStore {
    /// Makes room for a new upload; the multipart id to record with it, if any.
    pub async fn begin_upload(&self, part_file: &Path, sha256: &str) -> io::Result<Option<String>> {
        match self.s3() {
            Some(s3) => s3.start_upload(sha256).await.map(Some),
            None => {
                tokio::fs::create_dir_all(part_file.parent().expect("upload paths have a folder"))
                    .await?;
                tokio::fs::File::create(part_file).await.map(drop)?;
                Ok(None)
            }
        }
    }

    /// Where the next bytes of a recorded upload go. `NotFound` when its bytes are gone, or
    /// when it was begun before the storage was changed: the phone then starts again.
    pub async fn resume_upload<'a>(&'a self, upload: Recorded<'a>) -> io::Result<Sink<'a>> {
        let to = match (self.s3(), upload.multipart_id) {
            (Some(s3), Some(multipart)) => To::Bucket {
                s3,
                upload: multipart,
                pending: upload.tail.unwrap_or_default().to_vec(),
                stored_parts: upload.etags.len(),
                etags: upload.etags,
            },
            (None, None) => {
                let (path, offset) = (upload.part_file.to_owned(), upload.offset);
                let file = spawn_blocking(move || {
                    let mut file = std::fs::OpenOptions::new().write(true).open(path)?;
                    // Bytes past the acknowledged offset (a chunk cut off by a crash) are not
                    // part of the file.
                    file.set_len(offset)?;
                    file.seek(SeekFrom::Start(offset))?;
                    io::Result::Ok(file)
                })
                .await??;
                To::File {
                    file: Arc::new(file),
                    start: upload.offset,
                    writing: None,
                    syncing: None,
                }
            }
            _ => return Err(io::ErrorKind::NotFound.into()),
        };
        Ok(Sink {
            to,
            sha256: upload.sha256,
        })
    }

    /// Stores a complete upload under its hash: it appears whole, at once.
    pub async fn complete_upload(
        &self,
        upload: &Recorded<'_>,
        received: Received,
    ) -> io::Result<()> {
        match (self.s3(), upload.multipart_id, received) {
            (Some(s3), Some(multipart), Received::Parts(parts)) => {
                s3.finish_upload(upload.sha256, multipart, parts).await
            }
            (Some(s3), Some(multipart), Received::Whole(bytes)) => {
                self.put_bytes(upload.sha256, bytes.into()).await?;
                s3.abort_upload(upload.sha256, multipart).await
            }
            _ => self.put_file(upload.sha256, upload.part_file).await,
        }
    }

    /// Drops an unfinished upload's bytes, on this machine or in the bucket.
    pub async fn discard_upload(&self, upload: &Recorded<'_>) -> io::Result<()> {
        match (self.s3(), upload.multipart_id) {
            (Some(s3), Some(multipart)) => s3.abort_upload(upload.sha256, multipart).await,
            _ => match tokio::fs::remove_file(upload.part_file).await {
                Err(e) if e.kind() != io::ErrorKind::NotFound => Err(e),
                _ => Ok(()),
            },
        }
    }
}

/// Waits for a blocking file task, if one runs.
async fn done(task: Option<JoinHandle<io::Result<()>>>) -> io::Result<()> {
    match task {
        Some(task) => task.await?,
        None => Ok(()),
    }
}

impl Sink<'_> {
    /// Takes the next bytes. A file's block is written on the blocking pool while the caller
    /// goes on (the next `write` or `seal` waits for it), and the disk starts flushing behind.
    pub async fn write(&mut self, bytes: Bytes) -> io::Result<()> {
        match &mut self.to {
            To::File {
                file,
                writing,
                syncing,
                ..
            } => {
                done(writing.take()).await?;
                let target = Arc::clone(file);
                *writing = Some(spawn_blocking(move || (&*target).write_all(&bytes)));
                if syncing.as_ref().is_none_or(JoinHandle::is_finished) {
                    done(syncing.take()).await?;
                    let target = Arc::clone(file);
                    *syncing = Some(spawn_blocking(move || target.sync_data()));
                }
                Ok(())
            }
            To::Bucket {
                s3,
                upload,
                pending,
                etags,
                ..
            } => {
                pending.extend_from_slice(&bytes);
                while pending.len() >= PART_BYTES {
                    let part: Vec<u8> = pending.drain(..PART_BYTES).collect();
                    let etag = s3
                        .send_part(self.sha256, upload, etags.len(), part.into())
                        .await?;
                    etags.push(etag);
                }
                Ok(())
            }
        }
    }

    /// A refused chunk leaves nothing behind: the file is cut back; parts sent for it are
    /// not recorded and are sent again, under the same numbers, by the retry.
    pub async fn undo(self) -> io::Result<()> {
        if let To::File {
            file,
            start,
            writing,
            syncing,
        } = self.to
        {
            // A refused chunk's bytes may still be on their way to the file: cut after them.
            let _ = done(writing).await;
            let _ = done(syncing).await;
            spawn_blocking(move || file.set_len(start)).await??;
        }
        Ok(())
    }

    /// Makes this PATCH's bytes durable before they are acknowledged, so a crash after the
    /// answer never loses them. `last`: the file is complete.
    pub async fn seal(self, last: bool) -> io::Result<Sealed> {
        match self.to {
            To::File {
                file,
                writing,
                syncing,
                ..
            } => {
                done(writing).await?;
                done(syncing).await?;
                spawn_blocking(move || file.sync_data()).await??;
                Ok(Sealed {
                    new_parts: Vec::new(),
                    first_new_part: 0,
                    tail: None,
                    received: last.then_some(Received::File),
                })
            }
            To::Bucket {
                s3,
                upload,
                mut pending,
                mut etags,
                stored_parts,
            } => {
                // The last part may be short. A file that never filled a part goes in one
                // PUT at completion instead (stores refuse an empty part, and it is one
                // request).
                if last && !pending.is_empty() && !etags.is_empty() {
                    let part = std::mem::take(&mut pending);
                    etags.push(
                        s3.send_part(self.sha256, upload, etags.len(), part.into())
                            .await?,
                    );
                }
                let new_parts = etags[stored_parts..].to_vec();
                Ok(if !last {
                    Sealed {
                        new_parts,
                        first_new_part: stored_parts,
                        tail: Some(pending),
                        received: None,
                    }
                } else if etags.is_empty() {
                    Sealed::complete(Received::Whole(pending))
                } else {
                    Sealed::complete(Received::Parts(etags))
                })
            }
        }
    }
}

/// The file an upload's bytes collect in when files are kept in the data folder.
pub fn part_file(data_dir: &Path, id: &str) -> PathBuf {
    data_dir.join("uploads").join(format!("{id}.part"))
}
