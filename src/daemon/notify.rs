//! systemd's notification protocol (sd_notify): READY=1 once the store is
//! open and the first IMAP login worked, WATCHDOG=1 at half the interval
//! systemd asks for, RELOADING=1 around SIGHUP and STOPPING=1 on shutdown.
//! Outside systemd (no NOTIFY_SOCKET) every call is a no-op.

use std::time::Duration;

use sd_notify::NotifyState;
use tokio_util::sync::CancellationToken;

/// Tells systemd the daemon is up.
pub fn ready() {
    send(&[
        NotifyState::Ready,
        NotifyState::Status("watching the mailbox"),
    ]);
}

/// Tells systemd the daemon is reloading its configuration.
pub fn reloading() {
    send(&[NotifyState::Reloading]);
}

/// Tells systemd the reload is over.
pub fn reloaded() {
    send(&[NotifyState::Ready]);
}

/// Tells systemd the daemon is stopping.
pub fn stopping() {
    send(&[NotifyState::Stopping]);
}

/// The watchdog ping interval: half of `WATCHDOG_USEC` when systemd set it.
pub fn watchdog_interval() -> Option<Duration> {
    let mut usec = 0;
    sd_notify::watchdog_enabled(false, &mut usec)
        .then(|| Duration::from_micros(usec) / 2)
        .filter(|d| !d.is_zero())
}

/// Pings the watchdog every `interval` until `shutdown`.
pub async fn watchdog(interval: Duration, shutdown: CancellationToken) {
    let mut tick = tokio::time::interval(interval);
    loop {
        tokio::select! {
            () = shutdown.cancelled() => return,
            _ = tick.tick() => send(&[NotifyState::Watchdog]),
        }
    }
}

fn send(states: &[NotifyState<'_>]) {
    if let Err(err) = sd_notify::notify(false, states) {
        tracing::warn!(error = %err, "cannot notify systemd");
    }
}
