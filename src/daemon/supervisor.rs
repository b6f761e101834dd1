//! Retry policy, in one place: capped exponential backoff with jitter for
//! reconnecting to the servers and for messages whose send failed for a
//! transient reason. The mailbox adapters never retry by themselves; they
//! say whether an error is transient and this module decides when to try
//! again.

use std::collections::HashMap;
use std::future::Future;
use std::time::Duration;

use rand::Rng;
use tokio::time::Instant;
use tokio_util::sync::CancellationToken;

use crate::domain::OutboxId;
use crate::mailbox;

/// First reconnection delay.
pub const RECONNECT_BASE: Duration = Duration::from_secs(1);
/// Reconnection delays never exceed this.
pub const RECONNECT_CAP: Duration = Duration::from_secs(300);
/// First delay before sending again after a transient SMTP failure.
pub const RESEND_BASE: Duration = Duration::from_secs(60);
/// Resend delays never exceed this.
pub const RESEND_CAP: Duration = Duration::from_secs(3600);

/// Capped exponential backoff with "equal jitter": each delay is drawn in
/// `[d/2, d]` where `d` doubles from `base` up to `cap`, so that clients
/// cut off together do not reconnect together.
#[derive(Debug, Clone)]
pub struct Backoff {
    base: Duration,
    cap: Duration,
    attempt: u32,
}

impl Backoff {
    /// A backoff starting at `base`, never above `cap`.
    pub fn new(base: Duration, cap: Duration) -> Backoff {
        Backoff {
            base,
            cap: cap.max(base),
            attempt: 0,
        }
    }

    /// The delay before the next attempt.
    pub fn next_delay(&mut self) -> Duration {
        let ceiling = self.ceiling();
        self.attempt = self.attempt.saturating_add(1);
        let half = ceiling / 2;
        let spread = u64::try_from((ceiling - half).as_millis()).unwrap_or(u64::MAX);
        half + Duration::from_millis(rand::rng().random_range(0..=spread))
    }

    /// The upper bound of the next delay, before jitter.
    fn ceiling(&self) -> Duration {
        let factor = 1u32.checked_shl(self.attempt.min(31)).unwrap_or(u32::MAX);
        self.base.saturating_mul(factor).min(self.cap)
    }

    /// After a success: the next failure starts from `base` again.
    pub fn reset(&mut self) {
        self.attempt = 0;
    }

    /// Failures since the last success.
    pub fn attempts(&self) -> u32 {
        self.attempt
    }
}

/// Runs `op` until it succeeds, sleeping with `backoff` after each
/// transient error. A permanent error is returned at once; `None` means the
/// daemon is stopping.
pub async fn retry<T, F, Fut>(
    what: &str,
    shutdown: &CancellationToken,
    backoff: &mut Backoff,
    mut op: F,
) -> Option<Result<T, mailbox::Error>>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, mailbox::Error>>,
{
    loop {
        let result = tokio::select! {
            () = shutdown.cancelled() => return None,
            r = op() => r,
        };
        match result {
            Ok(value) => {
                backoff.reset();
                return Some(Ok(value));
            }
            Err(err) if err.is_transient() => {
                let delay = backoff.next_delay();
                tracing::warn!(error = %err, retry_in_ms = delay.as_millis() as u64, "{what} failed");
                if !sleep_or_cancel(shutdown, delay).await {
                    return None;
                }
            }
            Err(err) => return Some(Err(err)),
        }
    }
}

/// Sleeps for `delay`; false when the daemon is stopping.
pub async fn sleep_or_cancel(shutdown: &CancellationToken, delay: Duration) -> bool {
    tokio::select! {
        () = shutdown.cancelled() => false,
        () = tokio::time::sleep(delay) => true,
    }
}

/// Outbox entries left `sending` after a transient failure, each with its
/// own backoff: they are sent again (same bytes, same Message-ID) once
/// their delay has passed, never in a tight loop.
#[derive(Debug)]
pub struct Resends {
    base: Duration,
    cap: Duration,
    waiting: HashMap<OutboxId, (Backoff, Instant)>,
}

impl Default for Resends {
    fn default() -> Resends {
        Resends::new(RESEND_BASE, RESEND_CAP)
    }
}

impl Resends {
    /// Resends whose delays start at `base` and never exceed `cap`.
    pub fn new(base: Duration, cap: Duration) -> Resends {
        Resends {
            base,
            cap,
            waiting: HashMap::new(),
        }
    }

    /// Records a transient failure of `id` at `now` and returns the delay
    /// before the next attempt.
    pub fn failed(&mut self, id: OutboxId, now: Instant) -> Duration {
        let (base, cap) = (self.base, self.cap);
        let (backoff, at) = self
            .waiting
            .entry(id)
            .or_insert_with(|| (Backoff::new(base, cap), now));
        let delay = backoff.next_delay();
        *at = now + delay;
        delay
    }

    /// Whether `id` may be tried at `now` (never failed, or its delay passed).
    pub fn ready(&self, id: OutboxId, now: Instant) -> bool {
        self.waiting.get(&id).is_none_or(|(_, at)| *at <= now)
    }

    /// The entry went out or was abandoned: forget it.
    pub fn done(&mut self, id: OutboxId) {
        self.waiting.remove(&id);
    }

    /// Transient failures of `id` so far.
    pub fn attempts(&self, id: OutboxId) -> u32 {
        self.waiting.get(&id).map_or(0, |(b, _)| b.attempts())
    }

    /// The earliest instant a waiting entry may be tried again.
    pub fn next_ready(&self) -> Option<Instant> {
        self.waiting.values().map(|(_, at)| *at).min()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delays_double_up_to_the_cap_with_jitter_below_the_ceiling() {
        let mut b = Backoff::new(Duration::from_secs(1), Duration::from_secs(10));
        let ceilings = [1, 2, 4, 8, 10, 10, 10];
        for ceiling in ceilings {
            let ceiling = Duration::from_secs(ceiling);
            let d = b.next_delay();
            assert!(d <= ceiling && d >= ceiling / 2, "{d:?} vs {ceiling:?}");
        }
        assert_eq!(b.attempts(), 7);
        b.reset();
        assert!(b.next_delay() <= Duration::from_secs(1));
    }

    #[test]
    fn many_failures_never_overflow() {
        let mut b = Backoff::new(Duration::from_secs(1), Duration::from_secs(300));
        for _ in 0..100 {
            assert!(b.next_delay() <= Duration::from_secs(300));
        }
    }

    #[tokio::test]
    async fn retry_stops_on_a_permanent_error_and_retries_transient_ones() {
        let shutdown = CancellationToken::new();
        let mut backoff = Backoff::new(Duration::from_millis(10), Duration::from_millis(40));
        let mut calls = 0;
        let result: Option<Result<(), mailbox::Error>> =
            retry("test", &shutdown, &mut backoff, || {
                calls += 1;
                let n = calls;
                async move {
                    Err(if n < 3 {
                        mailbox::Error::Timeout {
                            server: "x".into(),
                            during: "y".into(),
                            limit: Duration::from_secs(1),
                        }
                    } else {
                        mailbox::Error::IdleUnsupported { server: "x".into() }
                    })
                }
            })
            .await;
        assert!(matches!(
            result,
            Some(Err(mailbox::Error::IdleUnsupported { .. }))
        ));
        assert_eq!(calls, 3);
    }

    #[test]
    fn resends_wait_for_their_own_delay() {
        let mut r = Resends::default();
        let id = OutboxId(7);
        let t0 = Instant::now();
        assert!(r.ready(id, t0));
        let delay = r.failed(id, t0);
        assert!(delay >= RESEND_BASE / 2 && delay <= RESEND_BASE);
        assert!(!r.ready(id, t0));
        assert!(r.ready(OutboxId(8), t0));
        assert_eq!(r.next_ready(), Some(t0 + delay));
        assert!(r.ready(id, t0 + delay));
        let second = r.failed(id, t0 + delay);
        assert!(second >= RESEND_BASE && second <= RESEND_BASE * 2);
        assert_eq!(r.attempts(id), 2);
        r.done(id);
        assert_eq!(r.attempts(id), 0);
        assert!(r.next_ready().is_none());
    }
}
