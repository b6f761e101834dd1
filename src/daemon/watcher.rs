//! The watcher: keeps INBOX and Sent in sync over its own IMAP connection,
//! with IDLE on INBOX (re-issued well before 29 minutes) or polling, and
//! Sent checked at every wake-up. A dropped connection is routine: it
//! reconnects with the supervisor's backoff and resumes from the last UID
//! stored, so nothing is missed. Tells the scheduler about new mail.

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::Notify;
use tokio_util::sync::CancellationToken;

use super::session::{self, Folders};
use super::supervisor::{Backoff, RECONNECT_BASE, RECONNECT_CAP, sleep_or_cancel};
use super::sync::Syncer;
use crate::mailbox::ImapSession;
use crate::mailbox::imap::IdleEvent;
use crate::pipeline::FolderKind;

/// IDLE is re-issued after this long at most (RFC 2177 asks for less than
/// 29 minutes; some NATs drop silent connections sooner).
const IDLE_RENEW: Duration = Duration::from_secs(20 * 60);

/// Watches the mailbox until shutdown.
pub struct Watcher {
    pub syncer: Syncer,
    pub folders: Folders,
    /// Woken when a sync ingested something that may change the plan.
    pub new_mail: Arc<Notify>,
}

impl Watcher {
    /// Runs until `shutdown`, starting with `first` (the start-up login).
    pub async fn run(self, first: ImapSession, shutdown: CancellationToken) {
        let mut backoff = Backoff::new(RECONNECT_BASE, RECONNECT_CAP);
        let mut session = Some(first);
        loop {
            let current = match session.take() {
                Some(s) => s,
                None => match self.reconnect(&mut backoff, &shutdown).await {
                    Some(s) => s,
                    None => return,
                },
            };
            match self.watch(current, &mut backoff, &shutdown).await {
                Ok(()) => return,
                Err(err) => {
                    let delay = backoff.next_delay();
                    tracing::warn!(
                        error = format!("{err:#}"),
                        retry_in_ms = delay.as_millis() as u64,
                        "mailbox connection lost"
                    );
                    if !sleep_or_cancel(&shutdown, delay).await {
                        return;
                    }
                }
            }
        }
    }

    /// Logs in again, as long as it takes.
    async fn reconnect(
        &self,
        backoff: &mut Backoff,
        shutdown: &CancellationToken,
    ) -> Option<ImapSession> {
        loop {
            let attempt = tokio::select! {
                () = shutdown.cancelled() => return None,
                r = session::connect(&self.syncer.db) => r,
            };
            match attempt {
                Ok(s) => {
                    tracing::info!("reconnected to the mailbox");
                    return Some(s);
                }
                Err(err) => {
                    let delay = backoff.next_delay();
                    if session::is_transient(&err) {
                        tracing::warn!(
                            error = format!("{err:#}"),
                            retry_in_ms = delay.as_millis() as u64,
                            "cannot reconnect yet"
                        );
                    } else {
                        tracing::error!(
                            error = format!("{err:#}"),
                            retry_in_ms = delay.as_millis() as u64,
                            "login refused; fix the configuration or the secret"
                        );
                    }
                    if !sleep_or_cancel(shutdown, delay).await {
                        return None;
                    }
                }
            }
        }
    }

    /// Syncs, then waits for news, over one connection; `Ok` on shutdown.
    async fn watch(
        &self,
        mut session: ImapSession,
        backoff: &mut Backoff,
        shutdown: &CancellationToken,
    ) -> anyhow::Result<()> {
        let mut inbox_selected = false;
        loop {
            self.sync_all(&mut session, inbox_selected).await?;
            inbox_selected = false;
            backoff.reset();
            let pipeline = self.syncer.db.pipeline();
            let imap = pipeline.config().imap.as_ref();
            let poll = imap.map_or(Duration::from_secs(300), |i| i.poll_interval);
            let idle = imap.is_some_and(|i| i.idle) && session.has_idle();
            drop(pipeline);
            if idle {
                let limit = poll.clamp(Duration::from_secs(1), IDLE_RENEW);
                let event = tokio::select! {
                    () = shutdown.cancelled() => break,
                    e = session.idle_wait(limit) => e?,
                };
                if event == IdleEvent::Changed {
                    tracing::debug!(folder = self.folders.inbox, "IDLE: the folder changed");
                    inbox_selected = true;
                }
            } else {
                tokio::select! {
                    () = shutdown.cancelled() => break,
                    () = tokio::time::sleep(poll) => {}
                }
            }
        }
        session.logout().await;
        Ok(())
    }

    /// Sent, then INBOX, which stays selected for IDLE. Woken by IDLE on
    /// INBOX (`inbox_selected`), its new messages are read first, before
    /// anything is selected again: that is the reply a client is waiting
    /// on.
    async fn sync_all(
        &self,
        session: &mut ImapSession,
        inbox_selected: bool,
    ) -> anyhow::Result<()> {
        let mut changed = false;
        if inbox_selected {
            // What woke IDLE first, on the selection IDLE left.
            changed |= self
                .syncer
                .sync_selected(session, &self.folders.inbox, FolderKind::Inbox)
                .await?
                .changed();
        }
        if let Some(sent) = &self.folders.sent {
            changed |= self
                .syncer
                .sync(session, sent, FolderKind::Sent)
                .await?
                .changed();
        }
        changed |= self
            .syncer
            .sync(session, &self.folders.inbox, FolderKind::Inbox)
            .await?
            .changed();
        if changed {
            self.new_mail.notify_one();
        }
        Ok(())
    }
}
