//! Settling entries whose outcome is unknown: at start-up every `sending`
//! entry (a crash), and on each cycle those a transient failure left
//! `sending`. Found where it would be if it went out → recorded as sent;
//! absent → sent again with the same bytes and Message-ID, unless the
//! client wrote since it was prepared (then it is dropped and the engine
//! decides afresh).

use std::time::Duration;

use chrono::Duration as Span;
use tokio::time::Instant;

use super::{Executor, audit};
use crate::config::SaveToSent;
use crate::daemon::transport::{self, Outgoing};
use crate::domain::Mode;
use crate::pipeline::FolderKind;
use crate::store::{OutboxRow, OutboxState};

/// How long a restart waits for the receipt copy of a message that SMTP
/// may have accepted just before a crash (delivery to INBOX takes a moment).
const RECEIPT_GRACE: Duration = Duration::from_secs(10);
const RECEIPT_POLL: Duration = Duration::from_millis(500);
/// Sent entries younger than this get their missing copy in Sent at start-up.
const REFILE_WITHIN_DAYS: i64 = 7;

impl Executor {
    /// Start-up reconciliation, before anything else is sent.
    pub async fn reconcile(&mut self) -> anyhow::Result<()> {
        let mut todo = self.syncer.db.store(|s| s.pending_intents()).await?;
        if !todo.is_empty() {
            tracing::info!(
                count = todo.len(),
                "reconciling messages whose sending was interrupted"
            );
        }
        let deadline = Instant::now() + RECEIPT_GRACE;
        loop {
            let mut left = Vec::new();
            for row in todo {
                if !self.found(&row).await? {
                    left.push(row);
                }
            }
            todo = left;
            let waiting = self.config().sequence.mode == Mode::Send;
            if todo.is_empty() || !waiting || Instant::now() >= deadline {
                break;
            }
            tokio::time::sleep(RECEIPT_POLL).await;
        }
        for row in todo {
            self.resend(row).await?;
        }
        self.refile_sent().await
    }

    /// Sends again the entries a transient failure left `sending`, each
    /// once its own backoff delay has passed.
    pub async fn retry_pending(&mut self) -> anyhow::Result<()> {
        let rows = self.syncer.db.store(|s| s.pending_intents()).await?;
        for row in rows {
            if self.resends.ready(row.id, Instant::now()) && !self.found(&row).await? {
                self.resend(row).await?;
            }
        }
        Ok(())
    }

    /// The earliest instant a failed send may be tried again.
    pub fn next_retry(&self) -> Option<Instant> {
        self.resends.next_ready()
    }

    /// Settles `row` if its message is where it would be had it gone out.
    async fn found(&mut self, row: &OutboxRow) -> anyhow::Result<bool> {
        match self.config().sequence.mode {
            Mode::DryRun => Ok(false),
            Mode::Draft => self.found_draft(row).await,
            Mode::Send => self.found_sent(row).await,
        }
    }

    async fn found_draft(&mut self, row: &OutboxRow) -> anyhow::Result<bool> {
        let Some(folder) = transport::draft_folder(&self.folders, self.to_user(row)) else {
            return Ok(false);
        };
        let folder = folder.to_owned();
        if !transport::present(&mut self.imap, &folder, &row.message_id).await? {
            return Ok(false);
        }
        let (id, now) = (row.id, self.syncer.clock.now());
        self.syncer.db.store(move |s| s.mark_sent(id, now)).await?;
        Ok(true)
    }

    /// In Sent (filed by the provider or by us), or its receipt copy in
    /// INBOX: it went out.
    async fn found_sent(&mut self, row: &OutboxRow) -> anyhow::Result<bool> {
        let (id, now) = (row.id, self.syncer.clock.now());
        let sent = self.folders.sent.clone();
        if let Some(sent) = sent
            && transport::present(&mut self.imap, &sent, &row.message_id).await?
        {
            tracing::info!(outbox = id.0, "found in Sent: it went out");
            let settle = move |s: &crate::store::Store| {
                s.transaction(|s| {
                    s.mark_sent(id, now)?;
                    s.mark_appended(id)
                })
            };
            self.syncer.db.store(settle).await?;
            self.resends.done(id);
            return Ok(true);
        }
        let inbox = self.folders.inbox.clone();
        if !transport::present(&mut self.imap, &inbox, &row.message_id).await? {
            return Ok(false);
        }
        tracing::info!(outbox = id.0, "its receipt copy is in INBOX: it went out");
        self.syncer.db.store(move |s| s.mark_sent(id, now)).await?;
        self.resends.done(id);
        let out = self.outgoing(row).await?;
        let config = self.config();
        self.file_copy(&config, &out).await?;
        Ok(true)
    }

    /// Sends `row` again, or drops it when it is stale or a dry run.
    async fn resend(&mut self, row: OutboxRow) -> anyhow::Result<()> {
        let now = self.syncer.clock.now();
        let id = row.id;
        if self.config().sequence.mode != Mode::DryRun && self.stale(&row).await? {
            tracing::info!(
                outbox = id.0,
                "the client wrote since this was prepared: not sent, decided again"
            );
            let entry = audit(
                now,
                row.client,
                "not sent: superseded",
                "news from the client since it was prepared",
            );
            self.resends.done(id);
            return self
                .syncer
                .db
                .store(move |s| s.cancel_unsent(id, &entry))
                .await;
        }
        let out = self.outgoing(&row).await?;
        tracing::info!(outbox = id.0, attempts = row.attempts, "sending again");
        self.deliver(out).await
    }

    /// Whether the client's situation changed after `row` was prepared
    /// (INBOX is synced first, so a reply that just arrived counts).
    async fn stale(&mut self, row: &OutboxRow) -> anyhow::Result<bool> {
        let Some(client) = row.client else {
            return Ok(false);
        };
        let inbox = self.folders.inbox.clone();
        let synced = match self.imap.get().await {
            Ok(session) => self.syncer.sync(session, &inbox, FolderKind::Inbox).await,
            Err(err) => Err(err),
        };
        if let Err(err) = synced {
            self.imap.after_error(&err);
            return Err(err);
        }
        let since = row.created_at;
        self.syncer
            .db
            .store(move |s| s.client_events_since(client, since))
            .await
    }

    /// Rebuilds the message of an outbox entry from its stored bytes.
    async fn outgoing(&self, row: &OutboxRow) -> anyhow::Result<Outgoing> {
        let id = row.id;
        let raw = self.syncer.db.store(move |s| s.outbox_raw(id)).await?;
        let raw = raw.ok_or_else(|| anyhow::anyhow!("outbox entry {id} has no stored message"))?;
        Ok(Outgoing {
            outbox: row.id,
            message_id: row.message_id.clone(),
            client: row.client,
            recipients: row.recipients.clone(),
            raw,
            to_user: self.to_user(row),
        })
    }

    fn to_user(&self, row: &OutboxRow) -> bool {
        let user = self.config().company.email;
        row.recipients.iter().all(|r| *r == user)
    }

    /// Recent sent client messages whose copy in Sent is missing (a crash
    /// between the send and the APPEND) get it now.
    async fn refile_sent(&mut self) -> anyhow::Result<()> {
        let config = self.config();
        let never = config
            .smtp
            .as_ref()
            .is_some_and(|s| s.save_to_sent == SaveToSent::Never);
        if config.sequence.mode != Mode::Send || never {
            return Ok(());
        }
        let since = self.syncer.clock.now() - Span::days(REFILE_WITHIN_DAYS);
        let rows = self
            .syncer
            .db
            .store(|s| s.outbox_in_state(OutboxState::Sent))
            .await?;
        for row in rows {
            if self.to_user(&row) || row.sent_at.unwrap_or(row.created_at) < since {
                continue;
            }
            let out = self.outgoing(&row).await?;
            self.file_copy(&config, &out).await?;
        }
        Ok(())
    }
}
