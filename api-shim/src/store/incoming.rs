//! An upload's bytes on their way in, wherever files are kept: in the data folder they are
//! appended to `<data>/uploads/<id>.part`; with a bucket they go straight into a multipart
//! upload of the final object, whose id, parts' ETags and the bytes that do not fill a part
//! yet the caller keeps with the upload, so any instance can take the next chunk (SPEC X3).
//! Callers see one interface: begin, resume, write, seal, complete, discard.

use std::{
    io::{self, SeekFrom},
    path::{Path, PathBuf},
};

use tokio::io::{AsyncSeekExt, AsyncWriteExt};

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
        file: tokio::fs::File,
        start: u64,
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
                let mut file = tokio::fs::OpenOptions::new()
                    .write(true)
                    .open(upload.part_file)
                    .await?;
                // Bytes past the acknowledged offset (a chunk cut off by a crash) are not
                // part of the file.
                file.set_len(upload.offset).await?;
                file.seek(SeekFrom::Start(upload.offset)).await?;
                To::File {
                    file,
                    start: upload.offset,
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

impl Sink<'_> {
    pub async fn write(&mut self, bytes: &[u8]) -> io::Result<()> {
        match &mut self.to {
            To::File { file, .. } => file.write_all(bytes).await,
            To::Bucket {
                s3,
                upload,
                pending,
                etags,
                ..
            } => {
                pending.extend_from_slice(bytes);
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
        if let To::File { file, start } = self.to {
            file.set_len(start).await?;
        }
        Ok(())
    }

    /// Makes this PATCH's bytes durable before they are acknowledged, so a crash after the
    /// answer never loses them. `last`: the file is complete.
    pub async fn seal(self, last: bool) -> io::Result<Sealed> {
        match self.to {
            To::File { file, .. } => {
                file.sync_data().await?;
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
