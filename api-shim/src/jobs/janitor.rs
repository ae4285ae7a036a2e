//! The janitor: every few minutes, each area's clean-up (expired sessions, codes, uploads,
//! download tickets; the license life cycle) runs as one task of the same shape. Each task
//! runs on its own, so one that fails does not hold the others back.

use std::{pin::Pin, time::Duration};

use crate::AppState;

/// One area's clean-up at `now`.
pub type Task =
    for<'a> fn(&'a AppState, i64) -> Pin<Box<dyn Future<Output = anyhow::Result<()>> + Send + 'a>>;

/// Runs every task every five minutes, forever.
pub fn spawn(state: AppState, tasks: &'static [(&'static str, Task)]) {
    tokio::spawn(async move {
        let mut every = tokio::time::interval(Duration::from_secs(300));
        loop {
            every.tick().await;
            let now = state.clock.now();
            for (name, task) in tasks {
                if let Err(error) = task(&state, now).await {
                    tracing::warn!(task = name, "cleaning up failed: {error:#}");
                }
            }
        }
    });
}
