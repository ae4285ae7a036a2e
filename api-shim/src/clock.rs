//! Time comes from a clock the state holds, so tests can move it (code expiry, throttles).

use std::sync::{
    Arc,
    atomic::{AtomicI64, Ordering},
};

/// The users' time zone (Japan has no daylight saving time): dates without an offset are in it.
pub const JAPAN_OFFSET_SECS: i32 = 9 * 3600;

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

/// Unix seconds as RFC 3339 (UTC), as the API writes instants.
pub fn rfc3339(unix: i64) -> String {
    time::OffsetDateTime::from_unix_timestamp(unix)
        .ok()
        .and_then(|t| {
            t.format(&time::format_description::well_known::Rfc3339)
                .ok()
        })
        .unwrap_or_default()
}
