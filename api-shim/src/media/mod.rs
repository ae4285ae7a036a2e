//! Media processing (SPEC T3, T4) as a background job (`jobs`): the `media` table is its
//! queue, a row 'pending' until processed, so work survives a restart. Reading the file is
//! `hako_media`'s; this stores what it found, with the thumbnail and preview.

mod store;

use hako_protocol::ItemKind;

use crate::{
    AppState,
    jobs::{self, Job, Queue},
};

/// Makes thumbnails, previews, sizes, tags and dates of stored photos, videos and music.
pub struct MediaJob;

impl Job for MediaJob {
    const QUEUE: Queue = Queue {
        table: "media",
        key: "item_id",
        pending: "status = 'pending'",
    };

    async fn run(state: &AppState, item_id: i64) -> anyhow::Result<()> {
        let Some(file) = store::file(&state.db, item_id).await? else {
            return Ok(());
        };
        let scratch = state.config.scratch_dir();
        tokio::fs::create_dir_all(&scratch).await?;
        let copy = state.blobs.local_copy(&file.sha256, &scratch).await?;
        let kind = ItemKind::parse(&file.kind).unwrap_or(ItemKind::Document);
        let started = std::time::Instant::now();
        let name = file.name;
        let result = tokio::task::spawn_blocking(move || {
            hako_media::extract(kind, &name, copy.path(), &scratch)
        })
        .await
        .unwrap_or_else(|panic| Err(anyhow::anyhow!("decoder panicked: {panic}")));
        match result {
            Ok(found) => {
                if let Some(thumb) = &found.thumb {
                    state
                        .blobs
                        .put_derived(&file.sha256, "thumb", thumb)
                        .await?;
                }
                if let Some(preview) = &found.preview {
                    state
                        .blobs
                        .put_derived(&file.sha256, "preview", preview)
                        .await?;
                }
                store::done(&state.db, item_id, &found).await?;
                tracing::debug!(
                    item_id,
                    ms = started.elapsed().as_millis() as u64,
                    "media processed"
                );
            }
            Err(error) => {
                tracing::info!(item_id, "cannot decode: {error:#}");
                store::failed(&state.db, item_id, &format!("{error:#}")).await?;
            }
        }
        Ok(())
    }
}

/// Processes one pending file; `false` when there was none (tests run the queue dry).
pub async fn process_next(state: &AppState) -> anyhow::Result<bool> {
    jobs::run_next::<MediaJob>(state).await
}
