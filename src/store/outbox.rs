//! The outbox: every message the daemon sends or hands to the user, recorded
//! as an intent (with its pre-generated Message-ID and an audit entry) before
//! any effect, then moved through its states. Rows left `sending` by a crash
//! are what start-up reconciles before anything else goes out.

use chrono::{DateTime, Utc};
use rusqlite::{OptionalExtension, Row, params};

use super::audit::NewAudit;
use super::sql::{OutboxKind, OutboxState, Stamp, join_addresses, split_addresses};
use super::{Context, Error, Result, Store};
use crate::domain::{ClientId, EmailAddress, EventId, InvoiceId, MessageId, OutboxId, StepAction};
use crate::engine::SentKind;

/// Why a message goes out.
#[derive(Debug, Clone, PartialEq)]
pub enum Purpose {
    /// A ladder step, an alert or the end-of-sequence notice: what the
    /// engine's history is made of.
    Case(SentKind),
    /// "What goes out tomorrow", to the user.
    Forewarning,
    /// The weekly digest, to the user.
    Digest,
}

impl Purpose {
    /// The stored kind; a call task is a step handed to the user.
    pub fn kind(&self) -> OutboxKind {
        match self {
            Purpose::Case(SentKind::Step { action, .. }) => match action {
                StepAction::CallTask => OutboxKind::Task,
                StepAction::Email | StepAction::Notice => OutboxKind::Step,
            },
            Purpose::Case(SentKind::Alert { .. }) => OutboxKind::Alert,
            Purpose::Case(SentKind::EndOfSequence) => OutboxKind::End,
            Purpose::Forewarning => OutboxKind::Forewarning,
            Purpose::Digest => OutboxKind::Digest,
        }
    }
}

/// A message about to go out.
#[derive(Debug, Clone, PartialEq)]
pub struct NewIntent {
    /// `None` only for the forewarning and the digest.
    pub client: Option<ClientId>,
    pub purpose: Purpose,
    pub invoices: Vec<InvoiceId>,
    pub recipients: Vec<EmailAddress>,
    /// Generated before sending, so a crash mid-send can be reconciled.
    pub message_id: MessageId,
    pub created_at: DateTime<Utc>,
    /// `Planned` (for the forewarning) or `Sending` (about to call SMTP).
    pub state: OutboxState,
    /// The rendered RFC 5322 message.
    pub raw: Option<Vec<u8>>,
}

/// An outbox entry as stored (without its raw bytes; see [`Store::outbox_raw`]).
#[derive(Debug, Clone, PartialEq)]
pub struct OutboxRow {
    pub id: OutboxId,
    pub client: Option<ClientId>,
    pub purpose: Purpose,
    pub invoices: Vec<InvoiceId>,
    pub recipients: Vec<EmailAddress>,
    pub message_id: MessageId,
    pub state: OutboxState,
    pub attempts: u32,
    pub last_error: Option<String>,
    pub created_at: DateTime<Utc>,
    pub sent_at: Option<DateTime<Utc>>,
}

/// Columns read by [`purpose`], from `first` on.
pub(crate) const PURPOSE_COLUMNS: &str = "kind, step, action, promise_not_kept, alert, event_id";

pub(crate) fn purpose(r: &Row<'_>, first: usize) -> rusqlite::Result<Purpose> {
    let kind: OutboxKind = r.get(first)?;
    Ok(match kind {
        OutboxKind::Step | OutboxKind::Task => Purpose::Case(SentKind::Step {
            step: r.get(first + 1)?,
            action: r.get(first + 2)?,
            promise_not_kept: r.get(first + 3)?,
        }),
        OutboxKind::Alert => Purpose::Case(SentKind::Alert {
            kind: r.get(first + 4)?,
            event: r.get::<_, Option<EventId>>(first + 5)?,
        }),
        OutboxKind::End => Purpose::Case(SentKind::EndOfSequence),
        OutboxKind::Forewarning => Purpose::Forewarning,
        OutboxKind::Digest => Purpose::Digest,
    })
}

pub(super) const OUTBOX_SELECT: &str = "SELECT id, client_id, kind, step, action, promise_not_kept,
        alert, event_id, recipients, message_id, state, attempts, last_error, created_at,
        sent_at,
        (SELECT group_concat(invoice_id, ' ') FROM outbox_invoices WHERE outbox_id = o.id)
    FROM outbox o";

pub(super) fn outbox_row(r: &Row<'_>) -> rusqlite::Result<OutboxRow> {
    let invoices: Option<String> = r.get(15)?;
    let mut invoices: Vec<InvoiceId> = invoices
        .unwrap_or_default()
        .split_whitespace()
        .filter_map(|s| s.parse().ok().map(InvoiceId))
        .collect();
    invoices.sort();
    Ok(OutboxRow {
        id: r.get(0)?,
        client: r.get(1)?,
        purpose: purpose(r, 2)?,
        recipients: split_addresses(&r.get::<_, String>(8)?)?,
        message_id: r.get(9)?,
        state: r.get(10)?,
        attempts: r.get(11)?,
        last_error: r.get(12)?,
        created_at: r.get::<_, Stamp>(13)?.0,
        sent_at: r.get::<_, Option<Stamp>>(14)?.map(|s| s.0),
        invoices,
    })
}

impl Store {
    /// Records an intent and its audit entry together, before any effect.
    pub fn insert_intent(&self, intent: &NewIntent, audit: &NewAudit) -> Result<OutboxId> {
        if !matches!(intent.state, OutboxState::Planned | OutboxState::Sending) {
            return Err(Error::IntentState(intent.state));
        }
        self.transaction(|s| {
            let id = s.insert_outbox(intent)?;
            s.append_audit_for(audit, Some(id))?;
            Ok(id)
        })
    }

    fn insert_outbox(&self, i: &NewIntent) -> Result<OutboxId> {
        let (step, action, promise_not_kept, alert, event) = match &i.purpose {
            Purpose::Case(SentKind::Step {
                step,
                action,
                promise_not_kept,
            }) => (Some(*step), Some(*action), *promise_not_kept, None, None),
            Purpose::Case(SentKind::Alert { kind, event }) => {
                (None, None, false, Some(*kind), *event)
            }
            _ => (None, None, false, None, None),
        };
        let what = || format!("record the intent to send <{}>", i.message_id);
        self.conn
            .prepare_cached(
                "INSERT INTO outbox (client_id, kind, step, action, promise_not_kept, alert,
                    event_id, recipients, message_id, state, attempts, created_at, raw)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
            )
            .and_then(|mut stmt| {
                stmt.execute(params![
                    i.client,
                    i.purpose.kind(),
                    step,
                    action,
                    promise_not_kept,
                    alert,
                    event,
                    join_addresses(&i.recipients),
                    i.message_id,
                    i.state,
                    u32::from(i.state == OutboxState::Sending),
                    Stamp(i.created_at),
                    i.raw,
                ])
            })
            .with_ctx(what)?;
        let id = OutboxId(self.conn.last_insert_rowid());
        let mut link = self
            .conn
            .prepare_cached(
                "INSERT OR IGNORE INTO outbox_invoices (outbox_id, invoice_id) VALUES (?1, ?2)",
            )
            .with_ctx(what)?;
        for invoice in &i.invoices {
            link.execute(params![id, invoice]).with_ctx(what)?;
        }
        Ok(id)
    }

    /// Moves a planned (or failed, for a retry) entry to `sending`, counting
    /// the attempt.
    pub fn mark_sending(&self, id: OutboxId) -> Result<()> {
        self.transition(
            id,
            &[OutboxState::Planned, OutboxState::Failed],
            OutboxState::Sending,
            ", attempts = attempts + 1",
            params![],
        )
    }

    /// The SMTP server (or the Drafts folder) accepted the message at `at`.
    pub fn mark_sent(&self, id: OutboxId, at: DateTime<Utc>) -> Result<()> {
        self.transition(
            id,
            &[OutboxState::Sending],
            OutboxState::Sent,
            ", sent_at = ?3, last_error = NULL",
            params![Stamp(at)],
        )
    }

    /// The sent message is now in the user's Sent folder.
    pub fn mark_appended(&self, id: OutboxId) -> Result<()> {
        self.transition(
            id,
            &[OutboxState::Sent],
            OutboxState::Appended,
            "",
            params![],
        )
    }

    /// Sending failed with `error`; the entry may be retried.
    pub fn mark_failed(&self, id: OutboxId, error: &str) -> Result<()> {
        self.transition(
            id,
            &[OutboxState::Sending],
            OutboxState::Failed,
            ", last_error = ?3",
            params![error],
        )
    }

    /// Drops an entry that has not gone out (the situation changed).
    pub fn cancel_intent(&self, id: OutboxId) -> Result<()> {
        self.transition(
            id,
            &[OutboxState::Planned, OutboxState::Failed],
            OutboxState::Cancelled,
            "",
            params![],
        )
    }

    fn transition(
        &self,
        id: OutboxId,
        from: &[OutboxState],
        to: OutboxState,
        set: &str,
        extra: &[&dyn rusqlite::ToSql],
    ) -> Result<()> {
        self.transaction(|s| {
            let current = s.outbox_state(id)?;
            if !from.contains(&current) {
                return Err(Error::Transition {
                    id,
                    from: current,
                    to,
                });
            }
            let sql = format!("UPDATE outbox SET state = ?2{set} WHERE id = ?1");
            let mut values: Vec<&dyn rusqlite::ToSql> = vec![&id, &to];
            values.extend_from_slice(extra);
            s.exec(&sql, values.as_slice())
                .with_ctx(|| format!("mark outbox entry {id} {to}"))?;
            Ok(())
        })
    }

    fn outbox_state(&self, id: OutboxId) -> Result<OutboxState> {
        self.query_one("SELECT state FROM outbox WHERE id = ?1", [id], |r| r.get(0))
            .optional()
            .with_ctx(|| format!("read the state of outbox entry {id}"))?
            .ok_or(Error::NoOutbox(id))
    }

    /// The entry with this id.
    pub fn outbox_entry(&self, id: OutboxId) -> Result<OutboxRow> {
        self.query_one(&format!("{OUTBOX_SELECT} WHERE id = ?1"), [id], outbox_row)
            .optional()
            .with_ctx(|| format!("read outbox entry {id}"))?
            .ok_or(Error::NoOutbox(id))
    }

    /// The entry sent (or to be sent) as `mid`, e.g. to recognise a reminder
    /// found in the Sent folder.
    pub fn find_outbox(&self, mid: &MessageId) -> Result<Option<OutboxId>> {
        self.query_one("SELECT id FROM outbox WHERE message_id = ?1", [mid], |r| {
            r.get(0)
        })
        .optional()
        .with_ctx(|| format!("find outbox entry <{mid}>"))
    }

    /// The entries in `state`, oldest first.
    pub fn outbox_in_state(&self, state: OutboxState) -> Result<Vec<OutboxRow>> {
        let what = || format!("list {state} outbox entries");
        let sql = format!("{OUTBOX_SELECT} WHERE state = ?1 ORDER BY created_at, id");
        let mut stmt = self.conn.prepare_cached(&sql).with_ctx(what)?;
        let rows = stmt.query_map([state], outbox_row).with_ctx(what)?;
        rows.collect::<rusqlite::Result<_>>().with_ctx(what)
    }

    /// Entries a crash may have left half-done: reconcile them at start-up.
    pub fn pending_intents(&self) -> Result<Vec<OutboxRow>> {
        self.outbox_in_state(OutboxState::Sending)
    }

    /// The rendered message of an entry, if stored.
    pub fn outbox_raw(&self, id: OutboxId) -> Result<Option<Vec<u8>>> {
        self.query_one("SELECT raw FROM outbox WHERE id = ?1", [id], |r| r.get(0))
            .optional()
            .with_ctx(|| format!("read the message of outbox entry {id}"))?
            .ok_or(Error::NoOutbox(id))
    }

    /// Stores the rendered message of an entry.
    pub fn set_outbox_raw(&self, id: OutboxId, raw: &[u8]) -> Result<()> {
        let n = self
            .exec("UPDATE outbox SET raw = ?2 WHERE id = ?1", params![id, raw])
            .with_ctx(|| format!("store the message of outbox entry {id}"))?;
        if n == 0 {
            return Err(Error::NoOutbox(id));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests;
