//! `hako bench-fixture`: an account whose ROOM 1 holds N photos and videos spread over the last
//! years, for measuring the viewer at scale (SPEC V4, V5: "however large it is").
//!
//! Rows go straight into SQLite in large transactions (the day-count triggers keep the
//! timeline's month list exact as usual). The files are a handful of real ones: 8 JPEG photos
//! and one MP4, with thumbnails and previews made by the real media code. Every item still
//! needs its own SHA-256 (a ROOM holds a content once, and picture URLs are keyed by it), so
//! fixture items get random keys, and each key's original, thumbnail and preview are hard
//! links to the few real files: the blob store and picture URLs work unchanged, at the cost
//! of directory entries only. Their keys are not the hashes of their bytes, so fixture items
//! are for looking at, not for restoring to a phone.

use std::{
    collections::{HashMap, HashSet},
    io,
    path::{Path, PathBuf},
    sync::Arc,
    time::{Duration, Instant},
};

use anyhow::Context;
use hako_protocol::ItemKind;
use rand::{Rng, SeedableRng, distr::weighted::WeightedIndex, prelude::Distribution, rngs::StdRng};

use crate::{AppState, auth::accounts, store::blobs::LocalBlobs, store::db::Flag};

/// Items per transaction.
const BATCH: usize = 10_000;
/// Rows per INSERT: 10 columns each, within SQLite's 32,766 bound parameters.
const ROWS_PER_INSERT: usize = 1_000;
const PHOTOS: usize = 8;
/// About one item in 30 is a video.
const VIDEO_SHARE: f64 = 1.0 / 30.0;
const JAPAN: i64 = crate::clock::JAPAN_OFFSET_SECS as i64;
const ROOM: i64 = 1;

#[derive(Debug)]
pub struct Summary {
    pub user_id: i64,
    pub inserted: usize,
    pub elapsed: Duration,
}

/// A real file that fixture items share.
struct Sample {
    kind: ItemKind,
    ext: &'static str,
    original: Vec<u8>,
    thumb: Vec<u8>,
    preview: Vec<u8>,
    width: Option<u32>,
    height: Option<u32>,
    duration_ms: Option<i64>,
}

struct Planned {
    sha256: String,
    sample: usize,
    /// UTC seconds.
    taken: i64,
}

/// Adds `items` photos and videos to `email`'s ROOM 1, creating the account (with
/// `password_hash`) and a phone in ROOM 1 where missing.
pub async fn create(
    state: &AppState,
    email: &str,
    password_hash: &str,
    items: usize,
    years: u32,
) -> anyhow::Result<Summary> {
    let started = Instant::now();
    let user_id = account(state, email, password_hash).await?;
    ensure_room(state, user_id).await?;
    let scratch = state.config.scratch_dir();
    let samples = tokio::task::spawn_blocking(move || samples(&scratch)).await??;
    let now = state.clock.now();
    let plan = plan(items, years, now, (user_id as u64) << 32 ^ items as u64);

    let samples = Arc::new(samples);
    let mut links = Links::default();
    // Each batch's rows and files are written side by side: SQLite on this thread, links on
    // a blocking one.
    for batch in plan.chunks(BATCH) {
        let rows = insert(state, user_id, batch, &samples, now);
        let files = {
            let keys: Vec<(String, usize)> =
                batch.iter().map(|p| (p.sha256.clone(), p.sample)).collect();
            // In a bucket there is nothing to hard-link: the rows alone serve timeline benchmarks.
            let (blobs, samples, mut links) = (
                state.blobs.local().cloned(),
                samples.clone(),
                std::mem::take(&mut links),
            );
            tokio::task::spawn_blocking(move || {
                if let Some(blobs) = blobs {
                    links.place(&blobs, &keys, &samples)?;
                }
                anyhow::Ok(links)
            })
        };
        let (rows, files) = tokio::join!(rows, files);
        rows?;
        links = files??;
    }
    Ok(Summary {
        user_id,
        inserted: plan.len(),
        elapsed: started.elapsed(),
    })
}

async fn account(state: &AppState, email: &str, password_hash: &str) -> anyhow::Result<i64> {
    if let Some(id) = sqlx::query_scalar("SELECT id FROM users WHERE email = $1")
        .bind(email)
        .fetch_optional(&state.db)
        .await?
    {
        return Ok(id);
    }
    accounts::create_account(&state.db, email, password_hash, state.clock.now())
        .await
        .map_err(|e| anyhow::anyhow!("creating {email}: {e:?}"))?
        .context("the address was taken meanwhile")
}

/// A phone registered in ROOM 1, unless one is there already.
async fn ensure_room(state: &AppState, user_id: i64) -> anyhow::Result<()> {
    let now = state.clock.now();
    let mut tx = crate::store::db::begin_write(&state.db).await?;
    let Flag(taken) =
        sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM rooms WHERE user_id = $1 AND room = $2)")
            .bind(user_id)
            .bind(ROOM)
            .fetch_one(&mut *tx)
            .await?;
    if !taken {
        // Nobody signs in as this phone: its token is thrown away.
        let (_, token_hash) = crate::auth::tokens::new_token();
        let device_id: i64 = sqlx::query_scalar(
            "INSERT INTO devices (user_id, token_hash, name, os, model, created_at, last_seen_at)
             VALUES ($1, $2, 'Bench phone', 'android', 'Fixture', $3, $4) RETURNING id",
        )
        .bind(user_id)
        .bind(token_hash)
        .bind(now)
        .bind(now)
        .fetch_one(&mut *tx)
        .await?;
        sqlx::query(
            "INSERT INTO rooms (user_id, room, device_id, registered_at) VALUES ($1, $2, $3, $4)",
        )
        .bind(user_id)
        .bind(ROOM)
        .bind(device_id)
        .bind(now)
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await?;
    Ok(())
}

/// 8 photos and a video, with thumbnails and previews from the real media code.
fn samples(scratch: &Path) -> anyhow::Result<Vec<Sample>> {
    let dir = scratch.join(format!("bench-fixture-{}", rand::random::<u32>()));
    std::fs::create_dir_all(&dir)?;
    let made = (0..=PHOTOS).map(|i| sample(&dir, i)).collect();
    std::fs::remove_dir_all(&dir)?;
    made
}

fn sample(dir: &Path, i: usize) -> anyhow::Result<Sample> {
    let (kind, ext) = if i < PHOTOS {
        (ItemKind::Photo, "jpg")
    } else {
        (ItemKind::Video, "mp4")
    };
    let path = dir.join(format!("sample{i}.{ext}"));
    if kind == ItemKind::Photo {
        std::fs::write(&path, crate::demo::picture(i as u32 * 37))?;
    } else {
        crate::demo::ffmpeg(
            &[
                "-f",
                "lavfi",
                "-i",
                "testsrc2=duration=3:size=640x360:rate=24",
                "-pix_fmt",
                "yuv420p",
            ],
            &path,
        )?;
    }
    let found = hako_media::extract(kind, &format!("sample.{ext}"), &path, dir)?;
    Ok(Sample {
        kind,
        ext,
        original: std::fs::read(&path)?,
        thumb: found.thumb.context("a sample without a thumbnail")?,
        preview: found.preview.context("a sample without a preview")?,
        width: found.width,
        height: found.height,
        duration_ms: found.duration_ms,
    })
}

/// Which sample and when, for each item, oldest first: days weighted unevenly (about a third
/// without photos, bursts like trips, more in summer and in recent years), daytime hours.
fn plan(items: usize, years: u32, now: i64, seed: u64) -> Vec<Planned> {
    let mut rng = StdRng::seed_from_u64(seed);
    let days = (i64::from(years.max(1)) * 365).max(1);
    let today = (now + JAPAN).div_euclid(86_400);
    let weights: Vec<f64> = (0..days)
        .map(|d| {
            let recent = 1.0 + 2.0 * d as f64 / days as f64;
            let month = ((today - days + d).rem_euclid(365) / 30) as f64;
            let summer = 1.0 + 0.5 * (-(month - 7.0).powi(2) / 4.0).exp();
            let burst = if rng.random::<f64>() < 0.03 {
                rng.random_range(8.0..40.0)
            } else {
                1.0
            };
            if rng.random::<f64>() < 0.35 {
                0.0
            } else {
                recent * summer * burst * rng.random_range(0.2..1.8)
            }
        })
        .collect();
    let pick_day = WeightedIndex::new(&weights).expect("some days have weight");
    let mut keys: Vec<[u8; 32]> = (0..items).map(|_| rng.random()).collect();
    // Keys in the same order as times: the SHA-256 index then grows at its end, like the times'.
    keys.sort_unstable();
    let mut times: Vec<(i64, usize)> = (0..items)
        .map(|_| {
            let day = today - days + 1 + pick_day.sample(&mut rng) as i64;
            let local = day * 86_400 + rng.random_range(7 * 3600..23 * 3600);
            let sample = if rng.random::<f64>() < VIDEO_SHARE {
                PHOTOS
            } else {
                rng.random_range(0..PHOTOS)
            };
            (local - JAPAN, sample)
        })
        .collect();
    times.sort_unstable();
    keys.into_iter()
        .zip(times)
        .map(|(key, (taken, sample))| Planned {
            sha256: hex::encode(key),
            sample,
            taken,
        })
        .collect()
}

/// One batch's items and their media rows, in one transaction, with ids chosen here so the
/// media rows can name them (BEGIN IMMEDIATE: no other writer between choosing and using them).
async fn insert(
    state: &AppState,
    user_id: i64,
    batch: &[Planned],
    samples: &[Sample],
    now: i64,
) -> anyhow::Result<()> {
    let mut tx = crate::store::db::begin_write(&state.db).await?;
    let first: i64 = sqlx::query_scalar("SELECT COALESCE(MAX(id), 0) + 1 FROM items")
        .fetch_one(&mut *tx)
        .await?;
    for (chunk_no, chunk) in batch.chunks(ROWS_PER_INSERT).enumerate() {
        let base = first + (chunk_no * ROWS_PER_INSERT) as i64;
        let sql = format!(
            "INSERT INTO items (id, user_id, room, kind, sha256, size, name, created_at, uploaded_at, local_time) VALUES {}",
            crate::store::db::rows(chunk.len(), 10)
        );
        let mut items = sqlx::query(&sql);
        for (i, item) in chunk.iter().enumerate() {
            let sample = &samples[item.sample];
            let prefix = if sample.kind == ItemKind::Video {
                "VID"
            } else {
                "IMG"
            };
            items = items
                .bind(base + i as i64)
                .bind(user_id)
                .bind(ROOM)
                .bind(sample.kind.as_str())
                .bind(&item.sha256)
                .bind(sample.original.len() as i64)
                .bind(format!(
                    "{prefix}_{}.{}",
                    crate::clock::local_stamp(item.taken + JAPAN).replace('-', "_"),
                    sample.ext
                ))
                .bind(item.taken)
                .bind(now)
                .bind(item.taken + JAPAN);
        }
        items.execute(&mut *tx).await?;
        let sql = format!(
            "INSERT INTO media (item_id, status, taken_at, utc_offset, width, height, camera, duration_ms, has_thumb, has_preview) VALUES {}",
            crate::store::db::rows(chunk.len(), 10)
        );
        let mut media = sqlx::query(&sql);
        for (i, item) in chunk.iter().enumerate() {
            let sample = &samples[item.sample];
            media = media
                .bind(base + i as i64)
                .bind("done")
                .bind(item.taken)
                .bind(JAPAN)
                .bind(sample.width.map(i64::from))
                .bind(sample.height.map(i64::from))
                .bind((sample.kind == ItemKind::Photo).then_some("Hako Bench"))
                .bind(sample.duration_ms)
                .bind(true)
                .bind(true);
        }
        media.execute(&mut *tx).await?;
    }
    tx.commit().await?;
    Ok(())
}

/// The file each (sample, picture) is currently hard-linked from, and the folders made so far.
#[derive(Default)]
struct Links {
    sources: HashMap<(usize, Option<&'static str>), PathBuf>,
    folders: HashSet<PathBuf>,
}

impl Links {
    /// Each item's original, thumbnail and preview (`None`, `thumb`, `preview`).
    fn place(
        &mut self,
        blobs: &LocalBlobs,
        batch: &[(String, usize)],
        samples: &[Sample],
    ) -> io::Result<()> {
        for (sha256, index) in batch {
            let sample = &samples[*index];
            for (what, bytes) in [
                (None, &sample.original),
                (Some("thumb"), &sample.thumb),
                (Some("preview"), &sample.preview),
            ] {
                let target = match what {
                    None => blobs.path(sha256),
                    Some(what) => blobs.derived_path(sha256, what),
                };
                let folder = target.parent().expect("blob paths have a folder");
                if !self.folders.contains(folder) {
                    std::fs::create_dir_all(folder)?;
                    self.folders.insert(folder.to_owned());
                }
                let key = (*index, what);
                if let Some(source) = self.sources.get(&key) {
                    match std::fs::hard_link(source, &target) {
                        Ok(()) => continue,
                        // The file system's limit of links to one file (65,000 on ext4): this
                        // item gets a copy, which the next ones link to.
                        Err(e) if e.kind() == io::ErrorKind::TooManyLinks => {}
                        Err(e) => return Err(e),
                    }
                }
                std::fs::write(&target, bytes)?;
                self.sources.insert(key, target);
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_plan_is_oldest_first_within_the_years_with_a_few_videos() {
        let now = 1_790_000_000;
        let plan = plan(20_000, 20, now, 7);
        assert_eq!(plan.len(), 20_000);
        assert!(
            plan.windows(2)
                .all(|w| w[0].taken <= w[1].taken && w[0].sha256 < w[1].sha256)
        );
        assert!(plan[0].taken > now - 20 * 366 * 86_400 && plan[19_999].taken <= now);
        let videos = plan.iter().filter(|p| p.sample == PHOTOS).count();
        assert!((300..1_000).contains(&videos), "{videos}");
        let mut per_day: HashMap<i64, usize> = HashMap::new();
        for p in &plan {
            *per_day
                .entry((p.taken + JAPAN).div_euclid(86_400))
                .or_default() += 1;
        }
        let busiest = per_day.values().max().unwrap();
        assert!(
            *busiest > 5 * 20_000 / per_day.len(),
            "uneven: busiest day {busiest}"
        );
    }
}
