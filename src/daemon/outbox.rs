//! The outbox executor: carries out prepared messages by mode, recording
//! each effect right after it happens, and settles at start-up what a crash
//! left `sending`: found by its Message-ID (the receipt copy in INBOX, the
//! copy in Sent, the draft) → recorded; absent → sent again with the same
//! bytes. So a crash at any point loses no reminder and sends none twice.

mod settle;

use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use tokio::time::Instant;

use super::session::{Folders, LazySession};
use super::supervisor::Resends;
use super::sync::Syncer;
use super::transport::{self, Outgoing, SmtpOutcome};
use crate::compose;
use crate::config::{Config, SaveToSent};
use crate::domain::{ClientId, EmailAddress, InvoiceId, Mode, OutboxId};
use crate::engine::EventKind;
use crate::pipeline::{Due, Prepared};
use crate::store::{Actor, NewAudit, NewEvent, Store};

/// Test-only: `RELANCE_TEST_CRASH_AT=before-smtp|after-smtp|after-record`
/// makes the process abort at that point of a send, as a SIGKILL would, so
/// the integration tests can check that a restart sends exactly once.
pub const CRASH_ENV: &str = "RELANCE_TEST_CRASH_AT";

/// Aborts the process when [`CRASH_ENV`] names `stage`.
fn crash_point(stage: &str) {
    if std::env::var(CRASH_ENV).is_ok_and(|v| v == stage) {
        eprintln!("relance: {CRASH_ENV}={stage}: aborting");
        std::process::abort();
    }
}

/// A due action for a dry run: the action, its attachments, and the key
/// that records it as rendered.
pub type DryRunItem = (Due, Vec<(InvoiceId, compose::Attachment)>, String);

/// Carries out messages and keeps the outbox true to what happened.
pub struct Executor {
    pub syncer: Syncer,
    pub folders: Folders,
    /// The connection used for sends, drafts, Sent copies and pre-send syncs.
    pub imap: LazySession,
    resends: Resends,
    /// Where formal-notice PDFs are written (the database's directory).
    state_dir: PathBuf,
}

impl Executor {
    /// An executor over `imap`, writing notice PDFs into `state_dir`.
    pub fn new(
        syncer: Syncer,
        folders: Folders,
        imap: LazySession,
        state_dir: PathBuf,
    ) -> Executor {
        Executor {
            syncer,
            folders,
            imap,
            resends: Resends::default(),
            state_dir,
        }
    }

    fn config(&self) -> Config {
        self.syncer.db.pipeline().config().clone()
    }

    /// Carries out a message the pipeline just prepared.
    pub async fn deliver_prepared(
        &mut self,
        prepared: Prepared,
        client: ClientId,
    ) -> anyhow::Result<()> {
        if let Some(pdf) = &prepared.notice_pdf {
            write_notice(&self.state_dir, prepared.outbox, pdf);
        }
        let out = Outgoing {
            outbox: prepared.outbox,
            message_id: prepared.message_id,
            client: Some(client),
            recipients: prepared.recipients,
            raw: prepared.raw,
            to_user: prepared.to_user,
        };
        self.deliver(out).await
    }

    /// Carries out a message to the user that concerns no client (the
    /// forewarning, the digest).
    pub async fn deliver_to_user(&mut self, prepared: Prepared) -> anyhow::Result<()> {
        let out = Outgoing {
            outbox: prepared.outbox,
            message_id: prepared.message_id,
            client: None,
            recipients: prepared.recipients,
            raw: prepared.raw,
            to_user: true,
        };
        self.deliver(out).await
    }

    /// Delivers `out` by the configured mode and records the outcome.
    pub async fn deliver(&mut self, out: Outgoing) -> anyhow::Result<()> {
        let config = self.config();
        let strangers = self.strangers(&config, &out).await?;
        if !strangers.is_empty() && config.sequence.mode != Mode::DryRun {
            let text = format!(
                "refusing to send to {}: not a known contact",
                strangers.join(", ")
            );
            return self.refused(&config, &out, &text).await;
        }
        match config.sequence.mode {
            Mode::DryRun => self.dry_run(&out).await,
            Mode::Draft => {
                transport::append_draft(&mut self.imap, &self.folders, &out).await?;
                self.mark_sent(&out).await?;
                tracing::info!(outbox = out.outbox.0, client = ?out.client.map(|c| c.0), "reminder left in Drafts");
                Ok(())
            }
            Mode::Send => self.send(&config, &out).await,
        }
    }

    /// Recipients that must not get this message: for a client message,
    /// addresses that are not the client's known contacts; for a message to
    /// the user, anything but the user's own address.
    async fn strangers(&self, config: &Config, out: &Outgoing) -> anyhow::Result<Vec<String>> {
        let user = config.company.email.clone();
        let known: Vec<EmailAddress> = match (out.to_user, out.client) {
            (false, Some(client)) => {
                let contacts = self.syncer.db.store(move |s| s.contacts(client)).await?;
                contacts.into_iter().map(|c| c.address).collect()
            }
            _ => vec![user],
        };
        Ok(out
            .recipients
            .iter()
            .filter(|r| !known.contains(r))
            .map(|r| r.as_str().to_owned())
            .collect())
    }

    async fn dry_run(&mut self, out: &Outgoing) -> anyhow::Result<()> {
        log_dry_run(
            out.outbox,
            out.client,
            &transport::subject(&out.raw),
            &out.recipients,
        );
        let audit = dry_run_audit(self.syncer.clock.now(), out.client);
        let id = out.outbox;
        self.syncer
            .db
            .store(move |s| s.cancel_unsent(id, &audit))
            .await
    }

    /// Dry run: composes each due action, records its intent cancelled at
    /// once (with the audit entry saying why) and that it was rendered, all
    /// in one transaction; then writes any notice PDF and logs what would
    /// have been sent. An action that cannot be composed is logged and left
    /// out; the others are recorded.
    pub async fn dry_run_due(
        &mut self,
        items: Vec<DryRunItem>,
        now: DateTime<Utc>,
    ) -> anyhow::Result<()> {
        let done = self
            .syncer
            .db
            .call(move |p, s| {
                s.transaction_of(|s| {
                    let mut done = Vec::with_capacity(items.len());
                    for (due, attachments, key) in items {
                        let client = due.client;
                        let audit = dry_run_audit(now, Some(client));
                        // A savepoint each: one that fails leaves no half.
                        let one = s.transaction_of(|s| {
                            let mut prepared = p.prepare(s, &due, attachments, now)?;
                            s.cancel_unsent(prepared.outbox, &audit)?;
                            s.record_dry_run(client, &key, now)?;
                            // Recorded; the log line needs no bytes.
                            prepared.raw = Vec::new();
                            Ok::<_, crate::pipeline::Error>(prepared)
                        });
                        done.push((client, one));
                    }
                    Ok::<_, crate::pipeline::Error>(done)
                })
            })
            .await?;
        for (client, one) in done {
            match one {
                Ok(prepared) => {
                    if let Some(pdf) = &prepared.notice_pdf {
                        write_notice(&self.state_dir, prepared.outbox, pdf);
                    }
                    log_dry_run(
                        prepared.outbox,
                        Some(client),
                        &prepared.subject,
                        &prepared.recipients,
                    );
                }
                Err(err) => tracing::error!(
                    client = client.0,
                    error = format!("{:#}", anyhow::Error::from(err)),
                    "cannot render a due action; skipped"
                ),
            }
        }
        Ok(())
    }

    /// SMTP, then the record, then the copy in Sent: each step recorded as
    /// soon as it happened.
    async fn send(&mut self, config: &Config, out: &Outgoing) -> anyhow::Result<()> {
        crash_point("before-smtp");
        match transport::smtp_send(config, out).await {
            SmtpOutcome::Accepted => {
                crash_point("after-smtp");
                self.mark_sent(out).await?;
                crash_point("after-record");
                self.resends.done(out.outbox);
                tracing::info!(outbox = out.outbox.0, client = ?out.client.map(|c| c.0), message_id = %out.message_id, "sent");
                self.file_copy(config, out).await
            }
            SmtpOutcome::Transient(text) => {
                let delay = self.resends.failed(out.outbox, Instant::now());
                tracing::warn!(
                    outbox = out.outbox.0,
                    error = text,
                    retry_in_s = delay.as_secs(),
                    "send failed for now; will retry"
                );
                Ok(())
            }
            SmtpOutcome::Permanent(text) => self.refused(config, out, &text).await,
        }
    }

    async fn mark_sent(&self, out: &Outgoing) -> anyhow::Result<()> {
        let (id, now) = (out.outbox, self.syncer.clock.now());
        self.syncer.db.store(move |s| s.mark_sent(id, now)).await
    }

    /// Files the copy of a sent client message in Sent, as configured; a
    /// failure leaves the entry `sent`, retried at the next start.
    async fn file_copy(&mut self, config: &Config, out: &Outgoing) -> anyhow::Result<()> {
        let policy = config
            .smtp
            .as_ref()
            .map_or(SaveToSent::Auto, |s| s.save_to_sent);
        let Some(sent) = self.folders.sent.clone() else {
            return Ok(());
        };
        if out.to_user || policy == SaveToSent::Never {
            return Ok(());
        }
        let filed =
            transport::file_in_sent(&mut self.imap, &sent, out, policy == SaveToSent::Always).await;
        if let Err(err) = filed {
            self.imap.after_error(&err);
            tracing::warn!(
                outbox = out.outbox.0,
                error = format!("{err:#}"),
                "cannot file the copy in Sent; will retry"
            );
            return Ok(());
        }
        let id = out.outbox;
        self.syncer.db.store(move |s| s.mark_appended(id)).await
    }

    /// A permanent refusal: recorded with the server's text, the client
    /// paused (so the step is not planned again in a loop) and the user told.
    async fn refused(&mut self, config: &Config, out: &Outgoing, text: &str) -> anyhow::Result<()> {
        tracing::error!(outbox = out.outbox.0, client = ?out.client.map(|c| c.0), error = text, "message refused; client paused");
        self.resends.done(out.outbox);
        let (id, client, now, error) = (
            out.outbox,
            out.client,
            self.syncer.clock.now(),
            text.to_owned(),
        );
        self.syncer
            .db
            .store(move |s| {
                s.transaction(|s| {
                    s.mark_failed(id, &error)?;
                    match client {
                        Some(client) => pause(s, client, now, &error),
                        None => Ok(()),
                    }
                })
            })
            .await?;
        if out.to_user {
            return Ok(());
        }
        let notice = Outgoing {
            recipients: vec![config.company.email.clone()],
            raw: transport::failure_alert(config, out, text)?,
            to_user: true,
            ..out.clone()
        };
        self.tell_user(config, &notice).await;
        Ok(())
    }

    /// Best effort: SMTP in send mode, straight into INBOX otherwise.
    async fn tell_user(&mut self, config: &Config, notice: &Outgoing) {
        let failed = if config.sequence.mode == Mode::Send {
            match transport::smtp_send(config, notice).await {
                SmtpOutcome::Accepted => None,
                SmtpOutcome::Transient(e) | SmtpOutcome::Permanent(e) => Some(e),
            }
        } else {
            transport::append_draft(&mut self.imap, &self.folders, notice)
                .await
                .err()
                .map(|e| format!("{e:#}"))
        };
        if let Some(error) = failed {
            tracing::error!(
                outbox = notice.outbox.0,
                error,
                "cannot alert the user either"
            );
        }
    }
}

/// Pauses `client` after a refusal, so the engine does not plan the same
/// message again in a loop; `relance resume` lifts it.
fn pause(s: &Store, client: ClientId, now: DateTime<Utc>, error: &str) -> crate::store::Result<()> {
    s.record_event(&NewEvent {
        client,
        at: now,
        invoices: Vec::new(),
        kind: EventKind::UserPause,
        message: None,
    })?;
    s.append_audit(&audit(now, Some(client), "paused: message refused", error))
}

/// What a dry run says instead of sending.
fn log_dry_run(
    outbox: OutboxId,
    client: Option<ClientId>,
    subject: &str,
    recipients: &[EmailAddress],
) {
    let recipients: Vec<&str> = recipients.iter().map(EmailAddress::as_str).collect();
    tracing::info!(
        outbox = outbox.0,
        client = ?client.map(|c| c.0),
        subject,
        recipients = recipients.join(", "),
        "dry-run: would send"
    );
}

/// The audit entry of an intent a dry run cancelled.
fn dry_run_audit(at: DateTime<Utc>, client: Option<ClientId>) -> NewAudit {
    audit(at, client, "dry-run: not sent", "sequence.mode = dry-run")
}

/// An audit entry written by the daemon itself.
fn audit(at: DateTime<Utc>, client: Option<ClientId>, decision: &str, reason: &str) -> NewAudit {
    NewAudit {
        at,
        client,
        invoices: Vec::new(),
        decision: decision.to_owned(),
        reason: reason.to_owned(),
        actor: Actor::Daemon,
    }
}

/// Writes a formal notice's PDF next to the database (private to the
/// daemon's user); a failure is logged, the notice task still goes out.
fn write_notice(dir: &Path, outbox: OutboxId, pdf: &[u8]) {
    use std::io::Write as _;
    use std::os::unix::fs::OpenOptionsExt as _;
    let path = dir.join(format!("notice-{}.pdf", outbox.0));
    let written = std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(0o600)
        .open(&path)
        .and_then(|mut f| f.write_all(pdf));
    match written {
        Ok(()) => {
            tracing::info!(outbox = outbox.0, path = %path.display(), "formal notice written")
        }
        Err(err) => {
            tracing::error!(outbox = outbox.0, path = %path.display(), error = %err, "cannot write the formal notice")
        }
    }
}
