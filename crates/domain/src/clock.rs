//! The injected clock. Only this module may read the system time (clippy's `disallowed-methods`
//! enforces that everywhere else); tests use [`FixedClock`] and move it forward instead of sleeping.

use chrono::{DateTime, SubsecRound, Utc};
use std::sync::{Arc, Mutex};

/// A source of the current time, truncated to microseconds so that values round-trip exactly through
/// both databases.
pub trait Clock: Send + Sync + 'static {
    /// The current instant.
    fn now(&self) -> DateTime<Utc>;
}

/// The real clock.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    #[allow(clippy::disallowed_methods)] // the one permitted call
    fn now(&self) -> DateTime<Utc> {
        Utc::now().trunc_subsecs(6)
    }
}

/// A clock that only moves when told to.
#[derive(Debug, Clone)]
pub struct FixedClock(Arc<Mutex<DateTime<Utc>>>);

impl FixedClock {
    /// A clock standing at `at`.
    pub fn new(at: DateTime<Utc>) -> Self {
        Self(Arc::new(Mutex::new(at.trunc_subsecs(6))))
    }
    /// Moves the clock forward (or back, with a negative duration).
    pub fn advance(&self, by: chrono::Duration) {
        let mut g = self.0.lock().unwrap_or_else(|p| p.into_inner());
        *g += by;
    }
    /// Sets the clock.
    pub fn set(&self, at: DateTime<Utc>) {
        let mut g = self.0.lock().unwrap_or_else(|p| p.into_inner());
        *g = at.trunc_subsecs(6);
    }
}

impl Clock for FixedClock {
    fn now(&self) -> DateTime<Utc> {
        *self.0.lock().unwrap_or_else(|p| p.into_inner())
    }
}

/// A shareable clock handle.
pub type SharedClock = Arc<dyn Clock>;
