//! The scheduler: plans at the injected clock's "now"; for each due action
//! it syncs INBOX, asks whether it is still due, fetches the attachments,
//! prepares (intent recorded first) and hands it to the executor; client
//! messages only inside the sending window. Then the forewarning and the
//! digest; then it sleeps until the next wake-up, new mail or shutdown.

use std::time::Duration;

use chrono::{DateTime, Utc};
use tokio::sync::Notify;
use tokio_util::sync::CancellationToken;

use super::memory;
use super::outbox::Executor;
use super::session;
use super::supervisor::{Backoff, RECONNECT_BASE};
use crate::calendar::Calendar;
use crate::compose;
use crate::domain::{InvoiceId, Mode, StepAction};
use crate::engine::Action;
use crate::pipeline::{AttachmentFetch, Due, FolderKind, Pipeline};

/// Longest sleep on the system clock: wake-ups are re-checked this often,
/// which also absorbs wall-clock jumps.
const MAX_NAP: Duration = Duration::from_secs(300);
/// Shortest sleep between cycles, so a plan that keeps saying "now" (a dry
/// run, a rate limit) never spins.
const MIN_NAP: Duration = Duration::from_secs(1);
/// With a manual clock (tests) the clock is polled this often: the test
/// moves it without telling anyone.
const MANUAL_NAP: Duration = Duration::from_millis(100);
/// Due actions a dry run renders per store transaction and IMAP pass: a
/// first run over a large backlog renders thousands. Each holds its
/// attachments and rendered bytes (about 100 KB) until the batch commits.
const DRY_RUN_BATCH: usize = 20;

/// Plans and sends.
pub struct Scheduler {
    pub executor: Executor,
}

impl Scheduler {
    /// A scheduler handing its messages to `executor`.
    pub fn new(executor: Executor) -> Scheduler {
        Scheduler { executor }
    }

    /// Cycles until `shutdown`, woken early by `new_mail`.
    pub async fn run(mut self, new_mail: std::sync::Arc<Notify>, shutdown: CancellationToken) {
        let mut failures = Backoff::new(RECONNECT_BASE, MAX_NAP);
        loop {
            let nap = match self.cycle(&shutdown).await {
                Ok(wake) => {
                    failures.reset();
                    self.release_memory().await;
                    self.nap(wake)
                }
                Err(err) => {
                    self.executor.imap.after_error(&err);
                    let delay = failures.next_delay();
                    tracing::error!(
                        error = format!("{err:#}"),
                        retry_in_ms = delay.as_millis() as u64,
                        "cycle failed; trying again"
                    );
                    delay
                }
            };
            tokio::select! {
                () = shutdown.cancelled() => break,
                () = new_mail.notified() => {}
                () = tokio::time::sleep(nap) => {}
            }
        }
        self.executor.imap.close().await;
    }

    /// Before a rest: the store's page caches, then the heap they and the
    /// cycle freed, then the pages of code the cycle ran. Failing to shrink
    /// a cache costs memory, nothing else.
    async fn release_memory(&self) {
        if let Err(err) = self.executor.syncer.db.release_memory().await {
            tracing::debug!(
                error = format!("{err:#}"),
                "cannot release the store's caches"
            );
        }
        memory::trim_heap();
        memory::release_code_pages();
    }

    /// How long to sleep before the next cycle.
    fn nap(&self, wake: Option<DateTime<Utc>>) -> Duration {
        if self.executor.syncer.clock.is_manual() {
            return MANUAL_NAP;
        }
        let now = self.executor.syncer.clock.now();
        let until_wake = wake
            .map(|w| (w - now).to_std().unwrap_or(Duration::ZERO))
            .unwrap_or(MAX_NAP);
        let until_retry = self.executor.next_retry().map_or(MAX_NAP, |at| {
            at.saturating_duration_since(tokio::time::Instant::now())
        });
        until_wake.min(until_retry).clamp(MIN_NAP, MAX_NAP)
    }

    /// One full pass at the clock's instant; returns when to wake next.
    pub async fn cycle(
        &mut self,
        shutdown: &CancellationToken,
    ) -> anyhow::Result<Option<DateTime<Utc>>> {
        self.executor.retry_pending().await?;
        let now = self.executor.syncer.clock.now();
        let dry_run = self.executor.syncer.db.pipeline().config().sequence.mode == Mode::DryRun;
        let plan = self
            .executor
            .syncer
            .db
            .read(move |p, s| {
                let mut plan = p.plan(s, now)?;
                if dry_run {
                    // Each action is rendered once; over a large backlog
                    // nearly all are, and dropping them here costs one
                    // store call instead of one per action.
                    let mut fresh = Vec::with_capacity(plan.due.len());
                    for due in plan.due {
                        if !s.dry_run_rendered(due.client, &dry_run_key(&due))? {
                            fresh.push(due);
                        }
                    }
                    plan.due = fresh;
                }
                Ok::<_, crate::pipeline::Error>(plan)
            })
            .await?;
        // The pass freed every case it loaded, on the reader's thread and
        // malloc arena; the renders that follow allocate on the writer's.
        // Not handed back, the freed pages would add the renders' peak to
        // the pass's: a high-water mark of 76 MiB instead of 67 after a
        // first sync of 100,000 messages.
        memory::trim_heap();
        let mut wake = plan.next_wake;
        let mut dry = Vec::new();
        for due in plan.due {
            if shutdown.is_cancelled() {
                return Ok(wake);
            }
            if let Some(opens) = self.outside_window(&due) {
                tracing::debug!(client = due.client.0, %opens, "outside the sending window: waiting");
                wake = Some(wake.map_or(opens, |w| w.min(opens)));
                continue;
            }
            if dry_run {
                dry.push(due);
                continue;
            }
            if let Err(err) = self.carry_out(due).await {
                if session::is_transient(&err) {
                    return Err(err);
                }
                tracing::error!(
                    error = format!("{err:#}"),
                    "cannot carry out a due action; skipped"
                );
            }
        }
        for batch in dry.chunks(DRY_RUN_BATCH) {
            if shutdown.is_cancelled() {
                return Ok(wake);
            }
            if let Err(err) = self.dry_run(batch.to_vec(), now).await {
                if session::is_transient(&err) {
                    return Err(err);
                }
                tracing::error!(
                    error = format!("{err:#}"),
                    "cannot render a batch of due actions; skipped"
                );
            }
        }
        self.for_the_user(now).await?;
        Ok(wake)
    }

    /// Renders and records a batch of due actions in dry-run mode: their
    /// attachments in one pass over IMAP, their records in one transaction.
    /// Nothing is synced nor decided again first, unlike before a send: a
    /// dry run sends nothing a reply could have stopped, and what it records
    /// changes no case, so the plan just made still holds.
    async fn dry_run(&mut self, batch: Vec<Due>, now: DateTime<Utc>) -> anyhow::Result<()> {
        let asked = batch.clone();
        let needs = self
            .executor
            .syncer
            .db
            .call(move |p, s| {
                asked
                    .iter()
                    .map(|due| p.attachments_needed(s, due))
                    .collect::<Result<Vec<_>, _>>()
            })
            .await?;
        let fetches: Vec<AttachmentFetch> = needs.iter().flatten().cloned().collect();
        let mut found = if fetches.is_empty() {
            Vec::new()
        } else {
            let session = self.executor.imap.get().await?;
            session::fetch_parts(session, &fetches).await?
        }
        .into_iter();
        let items = batch
            .into_iter()
            .zip(needs)
            .map(|(due, needed)| {
                let attachments = needed
                    .into_iter()
                    .zip(found.by_ref())
                    .filter_map(|(fetch, attachment)| Some((fetch.invoice, attachment?)))
                    .collect();
                let key = dry_run_key(&due);
                (due, attachments, key)
            })
            .collect();
        self.executor.dry_run_due(items, now).await
    }

    /// For a client message outside the window: when the window opens.
    fn outside_window(&self, due: &Due) -> Option<DateTime<Utc>> {
        let client_message = matches!(
            due.action,
            Action::Step {
                action: StepAction::Email | StepAction::Notice,
                ..
            }
        );
        let pipeline = self.executor.syncer.db.pipeline();
        let config = pipeline.config();
        let calendar = Calendar::new(config.sequence.calendar);
        let window = &config.sequence.window;
        let now = self.executor.syncer.clock.now();
        (client_message && !window.contains(&calendar, now))
            .then(|| window.next_open(&calendar, now))
    }

    /// Sync, decide again, fetch attachments, prepare, deliver.
    async fn carry_out(&mut self, due: Due) -> anyhow::Result<()> {
        // Nothing goes out after a reply not yet read.
        self.sync_inbox().await?;
        let now = self.executor.syncer.clock.now();
        let check = due.clone();
        let fetches = self
            .executor
            .syncer
            .db
            .call(move |p, s| {
                if p.still_due(s, &check, now)? {
                    p.attachments_needed(s, &check).map(Some)
                } else {
                    Ok(None)
                }
            })
            .await?;
        let Some(fetches) = fetches else {
            tracing::info!(
                client = due.client.0,
                "no longer due after the last sync: not sent"
            );
            return Ok(());
        };
        let attachments = self.fetch_attachments(fetches).await?;
        let client = due.client;
        let prepare = due.clone();
        let prepared = self
            .executor
            .syncer
            .db
            .call(move |p, s| p.prepare(s, &prepare, attachments, now))
            .await?;
        tracing::info!(
            client = client.0,
            outbox = prepared.outbox.0,
            reason = due.reason,
            "prepared"
        );
        self.executor.deliver_prepared(prepared, client).await
    }

    async fn sync_inbox(&mut self) -> anyhow::Result<()> {
        let inbox = self.executor.folders.inbox.clone();
        let syncer = self.executor.syncer.clone();
        let session = self.executor.imap.get().await?;
        syncer
            .sync(session, &inbox, FolderKind::Inbox)
            .await
            .map(drop)
    }

    /// The invoices' original attachments, fetched again by location.
    async fn fetch_attachments(
        &mut self,
        fetches: Vec<AttachmentFetch>,
    ) -> anyhow::Result<Vec<(InvoiceId, compose::Attachment)>> {
        if fetches.is_empty() {
            return Ok(Vec::new());
        }
        let session = self.executor.imap.get().await?;
        session::fetch_attachments(session, fetches).await
    }

    /// The forewarning and the digest, when the pipeline says they are due:
    /// each composed on the read-only connection (a pass over every case,
    /// like planning), recorded on the writer, then delivered.
    async fn for_the_user(&mut self, now: DateTime<Utc>) -> anyhow::Result<()> {
        let db = self.executor.syncer.db.clone();
        for compose in [Pipeline::forewarning_draft, Pipeline::digest_draft] {
            let Some(draft) = db.read(move |p, s| compose(p, s, now)).await? else {
                continue;
            };
            let prepared = db
                .call(move |p, s| p.record_for_user(s, draft, now))
                .await?;
            self.executor.deliver_to_user(prepared).await?;
        }
        Ok(())
    }
}

/// A due action in a stable text form: the engine's action as JSON (it names
/// the step, the invoices, the event an alert is about).
fn dry_run_key(due: &Due) -> String {
    serde_json::to_string(&due.action).unwrap_or_else(|_| format!("{:?}", due.action))
}
