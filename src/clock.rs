//! The only place that reads the wall clock.
//!
//! Everything else receives `now` as an argument or holds a [`Clock`]; tests
//! and `--now` use [`Clock::fixed`] or [`Clock::manual`] and move time by hand.

use std::sync::{Arc, Mutex};

use chrono::{DateTime, Duration, Utc};

/// A source of the current instant.
#[derive(Debug, Clone)]
pub enum Clock {
    /// The system clock.
    System,
    /// A clock that starts at a given instant and moves only when told to,
    /// shared by every clone (the daemon and the test that drives it).
    Manual(Arc<Mutex<DateTime<Utc>>>),
}

impl Clock {
    pub fn system() -> Clock {
        Clock::System
    }

    /// A clock stopped at `t` (the global `--now` option).
    pub fn fixed(t: DateTime<Utc>) -> Clock {
        Clock::Manual(Arc::new(Mutex::new(t)))
    }

    /// Same as [`Clock::fixed`]; the name says the test will move it.
    pub fn manual(t: DateTime<Utc>) -> Clock {
        Clock::fixed(t)
    }

    pub fn now(&self) -> DateTime<Utc> {
        match self {
            #[allow(clippy::disallowed_methods)] // the one allowed reader
            Clock::System => Utc::now(),
            Clock::Manual(t) => *t.lock().unwrap_or_else(|poisoned| poisoned.into_inner()),
        }
    }

    /// Moves a manual clock; a no-op on the system clock.
    pub fn set(&self, to: DateTime<Utc>) {
        if let Clock::Manual(t) = self {
            *t.lock().unwrap_or_else(|poisoned| poisoned.into_inner()) = to;
        }
    }

    /// Moves a manual clock forward by `by`.
    pub fn advance(&self, by: Duration) {
        if let Clock::Manual(t) = self {
            let mut guard = t.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
            *guard += by;
        }
    }

    pub fn is_manual(&self) -> bool {
        matches!(self, Clock::Manual(_))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn manual_clock_is_shared_between_clones() {
        let t0 = DateTime::parse_from_rfc3339("2026-03-02T08:00:00Z")
            .expect("valid")
            .with_timezone(&Utc);
        let clock = Clock::manual(t0);
        let other = clock.clone();
        clock.advance(Duration::hours(2));
        assert_eq!(other.now(), t0 + Duration::hours(2));
        other.set(t0);
        assert_eq!(clock.now(), t0);
    }
}
