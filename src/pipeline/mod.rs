//! The synchronous flow between the mailbox and the store: ingest a message
//! (detect, match, classify, record), plan (run the engine over every case)
//! and prepare a due action (compose it, record the intent in the outbox).
//!
//! No network and no clock: callers pass raw bytes, locations and `now`. The
//! daemon drives it from its tokio tasks (on the store's thread), the demo
//! drives it from an in-memory mailbox, and the CLI's `preview` uses its
//! rendering. Rules stay in the pure modules; this only wires them to data.

mod index;
mod ingest;
mod load;
mod notify;
mod plan;
mod prepare;
mod preview;
mod records;
mod render;
mod reply;
mod user;

use std::sync::Mutex;

use chrono::{DateTime, NaiveDate, Utc};

use crate::classify;
use crate::compose::{self, Templates};
use crate::config::Config;
use crate::detect::{self, MailView};
use crate::domain::{ClientId, EmailAddress, InvoiceId, MessageId, OutboxId, ReplyClass, StepNo};
use crate::engine::{Action, Case, Decision};
use crate::store::{self, Location, Store};

pub use prepare::extract_attachment;

/// Errors of the flow: the store failed, or a template could not render.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    Store(#[from] store::Error),
    #[error(transparent)]
    Compose(#[from] compose::Error),
    #[error("{0}")]
    Other(String),
}

pub type Result<T> = std::result::Result<T, Error>;

/// Which folder a message was found in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FolderKind {
    Inbox,
    Sent,
}

/// The header fields a headers-only sync fetched, to decide whether the full
/// body is worth fetching.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HeaderSummary {
    pub message_id: Option<MessageId>,
    pub in_reply_to: Vec<MessageId>,
    pub references: Vec<MessageId>,
    pub from: Option<EmailAddress>,
    pub to: Vec<EmailAddress>,
    pub subject: String,
    pub date: Option<DateTime<Utc>>,
    /// Auto-Submitted / X-Autoreply / Precedence / multipart/report seen.
    pub automated: bool,
}

/// What ingesting one message did, for logs and the demo's timeline.
#[derive(Debug, Clone, PartialEq)]
pub enum Ingested {
    /// Already seen (same Message-ID or same folder/UIDVALIDITY/UID).
    Duplicate,
    /// Not about any tracked invoice or known client.
    Ignored { reason: String },
    /// A sent invoice, now tracked.
    Invoice {
        invoice: InvoiceId,
        client: ClientId,
        number: String,
    },
    /// A credit note that cancelled an invoice (or matched none).
    CreditNote { cancelled: Option<InvoiceId> },
    /// A client's message, classified.
    Reply {
        client: ClientId,
        invoices: Vec<InvoiceId>,
        class: ReplyClass,
        date: Option<chrono::NaiveDate>,
        evidence: String,
        unknown_sender: bool,
    },
    /// The user's own message in a tracked thread.
    ManualContact {
        client: ClientId,
        invoices: Vec<InvoiceId>,
    },
    /// The user's answer to a call task or an alert (SPEC §6).
    UserAnswer { client: ClientId, summary: String },
    /// A message relance itself sent, found back in a folder.
    OwnMessage { outbox: Option<OutboxId> },
}

/// One action the engine says is due now, for one client.
#[derive(Debug, Clone, PartialEq)]
pub struct Due {
    pub client: ClientId,
    pub action: Action,
    /// The engine's reason, for the audit log.
    pub reason: String,
}

/// The result of a planning pass.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Plan {
    /// Due now, in order; at most one client message per client.
    pub due: Vec<Due>,
    /// The earliest instant any case wants to be decided again.
    pub next_wake: Option<DateTime<Utc>>,
}

/// An attachment of an invoice's original email to fetch again before
/// composing (the store keeps where it is, not its bytes).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttachmentFetch {
    pub invoice: InvoiceId,
    pub location: Location,
    /// IMAP body part, e.g. `2`.
    pub part: String,
    pub filename: String,
    pub content_type: String,
}

/// A composed message whose intent is recorded in the outbox (state
/// `sending`) with its Message-ID, ready for the transport.
#[derive(Debug, Clone, PartialEq)]
pub struct Prepared {
    pub outbox: OutboxId,
    pub message_id: MessageId,
    /// Envelope recipients: the client's contacts, or the user for tasks and
    /// alerts.
    pub recipients: Vec<EmailAddress>,
    /// For logs, without parsing `raw` again.
    pub subject: String,
    pub raw: Vec<u8>,
    /// Goes to the user (call task, alert, forewarning, digest), not a client.
    pub to_user: bool,
    /// The formal-notice PDF of step 5, to write to the state directory.
    pub notice_pdf: Option<Vec<u8>>,
}

/// A message parsed ahead of [`Pipeline::ingest_parsed`]: parsing (MIME,
/// base64, charsets), detection, hashing and reading are half of a first
/// sync's work, and done on another thread they overlap the store's writes.
pub struct Parsed {
    /// `None`: a message that cannot be read, recorded as such.
    view: Option<MailView<'static>>,
    early: Early,
}

/// What was worked out from the message alone, before the store was asked
/// anything; ingestion uses each part only where it still holds.
#[derive(Default)]
struct Early {
    /// Sent mail: detection's verdict, with the rules in force when parsed.
    detected: Option<Detected>,
    /// A detected invoice's attachments, hashed (hex SHA-256), in the
    /// view's order.
    digests: Option<Vec<String>>,
    /// INBOX mail: the reading of a client with no configured language and
    /// no reminder sent yet (most readings of a first sync), and the day
    /// it was read on.
    reading: Option<(NaiveDate, classify::Reading)>,
}

type Detected = std::result::Result<detect::DetectedInvoice, detect::NotInvoice>;

impl Parsed {
    /// Parses `raw`. A bug of the MIME parser on a hostile message makes
    /// that message unreadable, nothing more.
    pub fn new(raw: &[u8]) -> Parsed {
        let view = std::panic::catch_unwind(|| MailView::parse(raw).map(MailView::into_owned));
        Parsed {
            view: view.ok().flatten(),
            early: Early::default(),
        }
    }
}

/// The flow with its configuration, compiled templates and detection rules.
pub struct Pipeline {
    config: Config,
    templates: Templates,
    rules: detect::Rules,
    /// The thread index, rebuilt only when the store changed behind it.
    index: Mutex<index::Cache>,
}

impl Pipeline {
    /// Compiles the templates (built-in, overridden by the configured
    /// directory) and the detection rules; a bad template is a configuration
    /// error.
    pub fn new(config: Config) -> anyhow::Result<Pipeline> {
        let templates = load::templates(config.templates_dir.as_deref())?;
        let rules = config.detect_rules();
        Ok(Pipeline {
            config,
            templates,
            rules,
            index: Mutex::new(index::Cache::default()),
        })
    }

    pub fn config(&self) -> &Config {
        &self.config
    }

    pub fn templates(&self) -> &Templates {
        &self.templates
    }

    pub fn rules(&self) -> &detect::Rules {
        &self.rules
    }

    /// Whether a message seen by its headers only deserves its full body:
    /// sent mail that may be an invoice or is in a tracked thread, mail in a
    /// tracked thread, mail from a known client, the user's answers.
    pub fn wants_body(
        &self,
        store: &Store,
        folder: FolderKind,
        headers: &HeaderSummary,
    ) -> Result<bool> {
        Ok(self.wants_bodies(store, folder, [headers])?[0])
    }

    /// [`Pipeline::wants_body`] for a chunk of messages, reading the store
    /// once for all of them rather than once per message.
    pub fn wants_bodies<'h>(
        &self,
        store: &Store,
        folder: FolderKind,
        headers: impl IntoIterator<Item = &'h HeaderSummary>,
    ) -> Result<Vec<bool>> {
        let cache = self.index(store)?;
        Ok(headers
            .into_iter()
            .map(|h| ingest::wants_body(self, cache.get(), folder, h))
            .collect())
    }

    /// Reads one message and records what it means.
    pub fn ingest(
        &self,
        store: &Store,
        folder: FolderKind,
        location: Location,
        raw: &[u8],
        now: DateTime<Utc>,
    ) -> Result<Ingested> {
        self.ingest_parsed(store, folder, location, Parsed::new(raw), now)
    }

    /// Parses `raw`, found in `folder`, for [`Pipeline::ingest_parsed`] at
    /// `now`, and does what needs the message alone: detection and the
    /// attachments' digests for sent mail, a first reading for the INBOX.
    /// Needs no store: the daemon runs it off the store's thread.
    pub fn parse(&self, folder: FolderKind, raw: &[u8], now: DateTime<Utc>) -> Parsed {
        let mut parsed = Parsed::new(raw);
        if let Some(view) = &parsed.view {
            parsed.early = match folder {
                FolderKind::Sent => ingest::early_sent(self, view),
                FolderKind::Inbox => ingest::early_inbox(self, view, now),
            };
        }
        parsed
    }

    /// [`Pipeline::ingest`] of a message parsed beforehand, elsewhere.
    pub fn ingest_parsed(
        &self,
        store: &Store,
        folder: FolderKind,
        location: Location,
        parsed: Parsed,
        now: DateTime<Utc>,
    ) -> Result<Ingested> {
        ingest::ingest(self, store, folder, location, parsed, now)
    }

    /// Runs the engine over every case.
    pub fn plan(&self, store: &Store, now: DateTime<Utc>) -> Result<Plan> {
        plan::plan(self, store, now)
    }

    /// Every case with the engine's decision at `now` (for `status`, the
    /// demo's summary): the same policies as [`Pipeline::plan`].
    pub fn decisions(&self, store: &Store, now: DateTime<Utc>) -> Result<Vec<(Case, Decision)>> {
        plan::decisions(self, store, now)
    }

    /// Decides again for `due.client` just before sending: is the same
    /// action still due?
    pub fn still_due(&self, store: &Store, due: &Due, now: DateTime<Utc>) -> Result<bool> {
        plan::still_due(self, store, due, now)
    }

    /// The attachments to fetch before [`Pipeline::prepare`].
    pub fn attachments_needed(&self, store: &Store, due: &Due) -> Result<Vec<AttachmentFetch>> {
        prepare::attachments_needed(store, due)
    }

    /// Composes the message for `due` and records its intent (outbox row in
    /// state `sending` with the pre-generated Message-ID, plus the audit
    /// entry) in one transaction.
    pub fn prepare(
        &self,
        store: &Store,
        due: &Due,
        attachments: Vec<(InvoiceId, compose::Attachment)>,
        now: DateTime<Utc>,
    ) -> Result<Prepared> {
        prepare::prepare(self, store, due, attachments, now)
    }

    /// The step `relance preview` shows for `invoice`: the one the engine
    /// would take at `at` (now or planned next), or step `step` when named.
    pub fn preview_due(
        &self,
        store: &Store,
        invoice: InvoiceId,
        step: Option<StepNo>,
        at: DateTime<Utc>,
    ) -> Result<Due> {
        preview::preview_due(self, store, invoice, step, at)
    }

    /// Composes `due` exactly as [`Pipeline::prepare`] would, records
    /// nothing, and returns the message bytes and, for step 5, the notice PDF.
    pub fn render(
        &self,
        store: &Store,
        due: &Due,
        attachments: Vec<(InvoiceId, compose::Attachment)>,
        now: DateTime<Utc>,
    ) -> Result<(Vec<u8>, Option<Vec<u8>>)> {
        let out = prepare::outgoing(self, store, due, attachments, now)?;
        Ok((out.composed.bytes, out.notice_pdf))
    }

    /// The forewarning of tomorrow's automatic sends (SPEC §6), prepared and
    /// recorded like any message to the user; `None` when nothing is planned
    /// for the next business day or it was already sent today.
    pub fn forewarning(&self, store: &Store, now: DateTime<Utc>) -> Result<Option<Prepared>> {
        self.forewarning_draft(store, now)?
            .map(|draft| self.record_for_user(store, draft, now))
            .transpose()
    }

    /// The weekly digest (aged balance, what was sent, what is planned);
    /// `None` when it is not the configured day and hour or was already sent
    /// this week.
    pub fn digest(&self, store: &Store, now: DateTime<Utc>) -> Result<Option<Prepared>> {
        self.digest_draft(store, now)?
            .map(|draft| self.record_for_user(store, draft, now))
            .transpose()
    }

    /// [`Pipeline::forewarning`] composed from reads alone, for
    /// [`Pipeline::record_for_user`]: its pass over every case can run on a
    /// read-only connection.
    pub fn forewarning_draft(&self, store: &Store, now: DateTime<Utc>) -> Result<Option<Draft>> {
        Ok(notify::forewarning(self, store, now)?.map(Draft))
    }

    /// [`Pipeline::digest`] composed from reads alone.
    pub fn digest_draft(&self, store: &Store, now: DateTime<Utc>) -> Result<Option<Draft>> {
        Ok(notify::digest(self, store, now)?.map(Draft))
    }

    /// Records a composed message to the user in the outbox.
    pub fn record_for_user(
        &self,
        store: &Store,
        draft: Draft,
        now: DateTime<Utc>,
    ) -> Result<Prepared> {
        prepare::record(self, store, draft.0, now)
    }
}

/// A message to the user, composed but not yet recorded. The daemon
/// composes the forewarning and the digest, each a pass over every case
/// (0.6 s at 100,000 invoices), on its read-only connection, as it plans:
/// a reply arriving meanwhile is ingested without waiting for them.
pub struct Draft(prepare::Outgoing);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_daemon_can_share_one_pipeline_between_threads() {
        fn shared<T: Send + Sync>(_: &T) {}
        let pipeline = Pipeline::new(Config::default_for_tools()).unwrap();
        shared(&pipeline);
        assert!(
            pipeline
                .templates()
                .has(crate::domain::Language::Fr, "step1")
        );
    }
}
