//! Media processing (SPEC T3, T4) as background jobs. The job queue is the `media` table:
//! a row is 'pending' until processed, so work survives a restart. A file that cannot be
//! decoded is marked 'failed' and stays listed (the viewer shows a placeholder).

use std::{sync::Arc, time::Duration};

use hako_protocol::ItemKind;
use tokio::sync::Notify;

use crate::{
    AppState,
    store::db::{single_server, skip_locked},
};

/// Wakes the worker when new files arrive.
#[derive(Clone, Default)]
pub struct Queue(Arc<Notify>);

impl Queue {
    pub fn wake(&self) {
        self.0.notify_one();
    }
}

/// Processes pending files one at a time, forever.
pub fn spawn_worker(state: AppState) {
    tokio::spawn(async move {
        if let Err(error) = release_own_claims(&state).await {
            tracing::error!("media processing: {error:#}");
        }
        loop {
            match process_next(&state).await {
                Ok(true) => continue,
                Ok(false) => {}
                Err(error) => tracing::error!("media processing: {error:#}"),
            }
            // Sleep until an upload finishes, or look again in a while anyway.
            let _ = tokio::time::timeout(Duration::from_secs(30), state.media.0.notified()).await;
        }
    });
}

/// How long a claimed job stays another instance's. Renewed every third of it while the job
/// runs, so a crashed instance holds its job back for a minute at most.
const CLAIM_SECS: i64 = 60;

/// Renews a claim while its job runs (a long video takes more than one lease); stops when
/// dropped.
struct Renewal(tokio::task::JoinHandle<()>);

impl Renewal {
    fn start(state: &AppState, item_id: i64) -> Self {
        let state = state.clone();
        Self(tokio::spawn(async move {
            loop {
                tokio::time::sleep(Duration::from_secs(CLAIM_SECS.unsigned_abs() / 3)).await;
                let renewed = sqlx::query(
                    "UPDATE media SET claimed_until = $1 WHERE item_id = $2 AND status = 'pending'",
                )
                .bind(state.clock.now() + CLAIM_SECS)
                .bind(item_id)
                .execute(&state.db)
                .await;
                if let Err(error) = renewed {
                    tracing::warn!(item_id, "renewing a media claim: {error:#}");
                }
            }
        }))
    }
}

impl Drop for Renewal {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// Takes the oldest pending file no live instance is working on. Several instances run this
/// at once (SPEC X3): the claim is one UPDATE that only one of them can win, and PostgreSQL
/// skips rows another instance is claiming instead of waiting for them.
async fn claim_next(state: &AppState) -> anyhow::Result<Option<(i64, String, String, String)>> {
    let skip_locked = skip_locked(&state.db);
    let now = state.clock.now();
    let claimed: Option<i64> = sqlx::query_scalar(&format!(
        "UPDATE media SET claimed_until = $2
         WHERE item_id = (SELECT item_id FROM media
                          WHERE status = 'pending' AND (claimed_until IS NULL OR claimed_until < $1)
                          ORDER BY item_id LIMIT 1 {skip_locked})
           AND status = 'pending' AND (claimed_until IS NULL OR claimed_until < $1)
         RETURNING item_id"
    ))
    .bind(now)
    .bind(now + CLAIM_SECS)
    .fetch_optional(&state.db)
    .await?;
    let Some(item_id) = claimed else {
        return Ok(None);
    };
    Ok(
        sqlx::query_as("SELECT id, kind, name, sha256 FROM items WHERE id = $1")
            .bind(item_id)
            .fetch_optional(&state.db)
            .await?,
    )
}

/// A SQLite store has one server: claims a previous run of it left are void, and waiting
/// for them to run out would hold new files back for minutes after a restart. (Instances
/// sharing PostgreSQL cannot tell a dead claim from a busy one, so there the lease decides.)
async fn release_own_claims(state: &AppState) -> anyhow::Result<()> {
    if single_server(&state.db) {
        sqlx::query("UPDATE media SET claimed_until = NULL WHERE status = 'pending'")
            .execute(&state.db)
            .await?;
    }
    Ok(())
}

/// Processes one pending file; `false` when there was none.
pub async fn process_next(state: &AppState) -> anyhow::Result<bool> {
    let Some((item_id, kind, name, sha256)) = claim_next(state).await? else {
        return Ok(false);
    };
    let _renewal = Renewal::start(state, item_id);
    let scratch = state.config.scratch_dir();
    tokio::fs::create_dir_all(&scratch).await?;
    let file = state.blobs.local_copy(&sha256, &scratch).await?;
    let kind = ItemKind::parse(&kind).unwrap_or(ItemKind::Document);
    let started = std::time::Instant::now();
    let result = tokio::task::spawn_blocking(move || {
        hako_media::extract(kind, &name, file.path(), &scratch)
    })
    .await
    .unwrap_or_else(|panic| Err(anyhow::anyhow!("decoder panicked: {panic}")));
    match result {
        Ok(found) => {
            if let Some(thumb) = &found.thumb {
                state.blobs.put_derived(&sha256, "thumb", thumb).await?;
            }
            if let Some(preview) = &found.preview {
                state.blobs.put_derived(&sha256, "preview", preview).await?;
            }
            sqlx::query(
                "UPDATE media SET status = 'done', taken_at = COALESCE($1, taken_at),
                    utc_offset = COALESCE($2, utc_offset), width = $3, height = $4,
                    camera = $5, duration_ms = $6, title = $7, artist = $8, album = $9,
                    has_thumb = $10, has_preview = $11, error = NULL
                 WHERE item_id = $12",
            )
            .bind(found.shot.map(|shot| shot.taken_at))
            .bind(found.shot.and_then(|shot| shot.utc_offset))
            .bind(found.width.map(i64::from))
            .bind(found.height.map(i64::from))
            .bind(&found.camera)
            .bind(found.duration_ms)
            .bind(&found.title)
            .bind(&found.artist)
            .bind(&found.album)
            .bind(found.thumb.is_some())
            .bind(found.preview.is_some())
            .bind(item_id)
            .execute(&state.db)
            .await?;
            if let Some(shot) = found.shot {
                // Usually what the upload's finish found already; a bucket's file was dated
                // by its head only, so the whole file may know better.
                sqlx::query("UPDATE items SET local_time = $1 WHERE id = $2 AND local_time <> $1")
                    .bind(shot.local_time())
                    .bind(item_id)
                    .execute(&state.db)
                    .await?;
            }
            tracing::debug!(
                item_id,
                ms = started.elapsed().as_millis() as u64,
                "media processed"
            );
        }
        Err(error) => {
            tracing::info!(item_id, "cannot decode: {error:#}");
            sqlx::query("UPDATE media SET status = 'failed', error = $1 WHERE item_id = $2")
                .bind(format!("{error:#}"))
                .bind(item_id)
                .execute(&state.db)
                .await?;
        }
    }
    Ok(true)
}
