//! The clock the state holds, so tests can move it (code expiry, throttles). Every date the
//! server writes comes from [`hako_media::time`], re-exported here.
//! (Named `clock`, not `time`, so that `time::` always means the crate.)

use std::sync::{
    Arc,
    atomic::{AtomicI64, Ordering},
};

pub use hako_media::time::*;

pub trait Clock: Send + Sync + 'static {
    /// Unix seconds, UTC.
    fn now(&self) -> i64;
}

pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> i64 {
        time::OffsetDateTime::now_utc().unix_timestamp()
    }
}

/// The system clock moved to start at another instant, then running at its pace
/// (`clock_start` in the config: e2e runs and demonstrations at a chosen hour, such as the
/// console's business hours).
pub struct ShiftedClock {
    offset: i64,
}

impl Clock for ShiftedClock {
    fn now(&self) -> i64 {
        SystemClock.now() + self.offset
    }
}

/// The clock a server of this configuration runs on.
pub fn of(config: &crate::config::Config) -> anyhow::Result<Arc<dyn Clock>> {
    let Some(start) = &config.clock_start else {
        return Ok(Arc::new(SystemClock));
    };
    let start = time::OffsetDateTime::parse(start, &time::format_description::well_known::Rfc3339)
        .map_err(|e| anyhow::anyhow!("clock_start {start:?} is not an RFC 3339 time: {e}"))?;
    tracing::warn!(%start, "the clock is shifted (clock_start): for tests and demonstrations only");
    Ok(Arc::new(ShiftedClock {
        offset: start.unix_timestamp() - SystemClock.now(),
    }))
}

/// A clock that moves only when told to. Cloning shares the time.
#[derive(Clone)]
pub struct ManualClock(Arc<AtomicI64>);

impl ManualClock {
    pub fn starting_at(unix_secs: i64) -> Self {
        Self(Arc::new(AtomicI64::new(unix_secs)))
    }

    pub fn advance(&self, secs: i64) {
        self.0.fetch_add(secs, Ordering::SeqCst);
    }
}

impl Clock for ManualClock {
    fn now(&self) -> i64 {
        self.0.load(Ordering::SeqCst)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_shifted_clock_starts_where_the_config_says_and_runs_on() {
        let mut config = crate::config::Config::for_data_dir("unused".into());
        config.clock_start = Some("2026-12-07T23:30:00+09:00".into());
        let now = of(&config).unwrap().now();
        assert!((1_796_653_800..1_796_653_810).contains(&now), "{now}");
        config.clock_start = Some("tomorrow".into());
        assert!(of(&config).is_err());
    }
}
