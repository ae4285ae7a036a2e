//! Background jobs that survive a restart and share out across instances (SPEC X3): each
//! kind of job is a table with a row per job, pending until done, taken with a lease.
//!
//! - **claim**: one UPDATE that only one instance can win takes the oldest pending row no
//!   live lease holds (PostgreSQL skips rows another instance is claiming);
//! - **renew**: while a job runs its lease is extended every third of it, so a long job is
//!   not taken twice and a crashed instance holds its job back for one lease at most;
//! - **release**: a single server (SQLite) voids the leases of its previous run at start, so
//!   a restart does not hold jobs back until they run out.
//!
//! The media worker runs on it now; the corporate console's jobs are the next kind. The
//! janitor (`janitor`) runs each area's periodic clean-up.

pub mod janitor;

use std::{future::Future, sync::Arc, time::Duration};

use tokio::sync::Notify;

use crate::{
    AppState,
    store::db::{Db, single_server, skip_locked},
};

/// How long a claimed job stays its instance's.
const LEASE_SECS: i64 = 60;

/// A kind of job: the table its rows live in, their key, and what makes a row pending.
pub struct Queue {
    pub table: &'static str,
    pub key: &'static str,
    /// A condition on the table's columns (`status = 'pending'`).
    pub pending: &'static str,
}

/// One kind of job and how to run one of it.
pub trait Job: Send + Sync + 'static {
    const QUEUE: Queue;
    /// Runs the job with this key to its end; its row must no longer be pending afterwards.
    fn run(state: &AppState, key: i64) -> impl Future<Output = anyhow::Result<()>> + Send;
}

/// Wakes a worker when new jobs arrive.
#[derive(Clone, Default)]
pub struct Wake(Arc<Notify>);

impl Wake {
    pub fn wake(&self) {
        self.0.notify_one();
    }
}

impl Queue {
    /// Takes the oldest pending job no live lease holds.
    async fn claim(&self, db: &Db, now: i64) -> sqlx::Result<Option<i64>> {
        let Queue {
            table,
            key,
            pending,
        } = self;
        let skip_locked = skip_locked(db);
        sqlx::query_scalar(&format!(
            "UPDATE {table} SET claimed_until = $2
             WHERE {key} = (SELECT {key} FROM {table}
                            WHERE {pending} AND (claimed_until IS NULL OR claimed_until < $1)
                            ORDER BY {key} LIMIT 1 {skip_locked})
               AND {pending} AND (claimed_until IS NULL OR claimed_until < $1)
             RETURNING {key}"
        ))
        .bind(now)
        .bind(now + LEASE_SECS)
        .fetch_optional(db)
        .await
    }

    async fn renew(&self, db: &Db, key_value: i64, now: i64) -> sqlx::Result<()> {
        let Queue {
            table,
            key,
            pending,
        } = self;
        sqlx::query(&format!(
            "UPDATE {table} SET claimed_until = $1 WHERE {key} = $2 AND {pending}"
        ))
        .bind(now + LEASE_SECS)
        .bind(key_value)
        .execute(db)
        .await
        .map(drop)
    }

    /// Voids the leases a previous run of this one server left.
    async fn release_previous_run(&self, db: &Db) -> sqlx::Result<()> {
        if single_server(db) {
            let Queue { table, pending, .. } = self;
            sqlx::query(&format!(
                "UPDATE {table} SET claimed_until = NULL WHERE {pending}"
            ))
            .execute(db)
            .await?;
        }
        Ok(())
    }
}

/// Renews a lease while its job runs; stops when dropped.
struct Renewal(tokio::task::JoinHandle<()>);

impl Renewal {
    fn start<J: Job>(state: &AppState, key: i64) -> Self {
        let state = state.clone();
        Self(tokio::spawn(async move {
            loop {
                tokio::time::sleep(Duration::from_secs(LEASE_SECS.unsigned_abs() / 3)).await;
                if let Err(error) = J::QUEUE.renew(&state.db, key, state.clock.now()).await {
                    tracing::warn!(table = J::QUEUE.table, key, "renewing a lease: {error:#}");
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

/// Claims and runs one pending job; `false` when there was none.
pub async fn run_next<J: Job>(state: &AppState) -> anyhow::Result<bool> {
    let Some(key) = J::QUEUE.claim(&state.db, state.clock.now()).await? else {
        return Ok(false);
    };
    let _renewal = Renewal::start::<J>(state, key);
    J::run(state, key).await?;
    Ok(true)
}

/// Runs jobs of one kind, `workers` at a time, forever: each woken by `wake`, or looking again
/// every 30 seconds anyway (jobs another instance queued). Leases keep two workers (of this
/// instance or another) from taking the same job.
pub fn spawn_worker<J: Job>(state: AppState, wake: Wake, workers: usize) {
    tokio::spawn(async move {
        if let Err(error) = J::QUEUE.release_previous_run(&state.db).await {
            tracing::error!(table = J::QUEUE.table, "releasing leases: {error:#}");
        }
        for _ in 1..workers {
            tokio::spawn(work::<J>(state.clone(), wake.clone()));
        }
        work::<J>(state, wake).await;
    });
}

async fn work<J: Job>(state: AppState, wake: Wake) {
    loop {
        match run_next::<J>(&state).await {
            Ok(true) => continue,
            Ok(false) => {}
            Err(error) => tracing::error!(table = J::QUEUE.table, "job: {error:#}"),
        }
        let _ = tokio::time::timeout(Duration::from_secs(30), wake.0.notified()).await;
    }
}
