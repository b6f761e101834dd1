//! The engine's events and what produces them: classifications of messages
//! and user commands. A classification or a command is recorded in the same
//! transaction as its events, so the engine never sees one without the other.
//! An overridden classification retracts its events instead of deleting them.

use chrono::{DateTime, NaiveDate, Utc};
use rusqlite::{OptionalExtension, Row, params};
use rust_decimal::Decimal;

use super::sql::{Day, Dec, EventTag, Stamp};
use super::{Context, Result, Store};
use crate::domain::{ClientId, EmailAddress, EventId, InvoiceId, MessageRowId, ReplyClass};
use crate::engine::EventKind;

/// Row id of a classification.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ClassificationId(pub i64);

/// Row id of a recorded user command.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CommandId(pub i64);

/// An event to record for a client.
#[derive(Debug, Clone, PartialEq)]
pub struct NewEvent {
    pub client: ClientId,
    pub at: DateTime<Utc>,
    /// The invoices it concerns; empty means every open invoice of the client.
    pub invoices: Vec<InvoiceId>,
    pub kind: EventKind,
    /// The message behind it (a reply, the user's own message in a thread).
    pub message: Option<MessageRowId>,
}

/// What the reader made of a message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewClassification {
    pub message: MessageRowId,
    pub at: DateTime<Utc>,
    pub class: ReplyClass,
    pub date: Option<NaiveDate>,
    pub amount: Option<Decimal>,
    /// The text span that decided the class, shown to the user.
    pub evidence: String,
}

/// A command the user ran (CLI, or a reply to an alert).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewCommand {
    pub at: DateTime<Utc>,
    /// The command name, e.g. `paid` or `promise`.
    pub name: String,
    pub args: Vec<String>,
}

/// The columns of `events` that describe its kind, in table order.
struct KindColumns<'a> {
    tag: EventTag,
    class: Option<ReplyClass>,
    date: Option<NaiveDate>,
    amount: Option<Dec>,
    from: Option<&'a EmailAddress>,
    known_sender: Option<bool>,
    failed_address: Option<&'a EmailAddress>,
}

fn kind_columns(kind: &EventKind) -> KindColumns<'_> {
    let bare = |tag| KindColumns {
        tag,
        class: None,
        date: None,
        amount: None,
        from: None,
        known_sender: None,
        failed_address: None,
    };
    match kind {
        EventKind::Reply {
            class,
            date,
            amount,
            from,
            known_sender,
            failed_address,
        } => KindColumns {
            tag: EventTag::Reply,
            class: Some(*class),
            date: *date,
            amount: amount.map(Dec),
            from: Some(from),
            known_sender: Some(*known_sender),
            failed_address: failed_address.as_ref(),
        },
        EventKind::ManualContact => bare(EventTag::ManualContact),
        EventKind::UserPromise { date } => KindColumns {
            date: Some(*date),
            ..bare(EventTag::UserPromise)
        },
        EventKind::UserConfirmPaid => bare(EventTag::UserConfirmPaid),
        EventKind::UserRejectPaid => bare(EventTag::UserRejectPaid),
        EventKind::UserPause => bare(EventTag::UserPause),
        EventKind::UserResume => bare(EventTag::UserResume),
        EventKind::UserConfirmNotice => bare(EventTag::UserConfirmNotice),
        EventKind::UserStop => bare(EventTag::UserStop),
    }
}

/// The columns selected by [`event_kind`], from `first` on.
pub(crate) const KIND_COLUMNS: &str =
    "kind, class, date, amount, from_addr, known_sender, failed_address";

/// Rebuilds an [`EventKind`] from [`KIND_COLUMNS`]; the schema's CHECKs
/// guarantee the columns a kind needs are there.
pub(crate) fn event_kind(r: &Row<'_>, first: usize) -> rusqlite::Result<EventKind> {
    let tag: EventTag = r.get(first)?;
    Ok(match tag {
        EventTag::Reply => EventKind::Reply {
            class: r.get(first + 1)?,
            date: r.get::<_, Option<Day>>(first + 2)?.map(|d| d.0),
            amount: r.get::<_, Option<Dec>>(first + 3)?.map(|d| d.0),
            from: r.get(first + 4)?,
            known_sender: r.get(first + 5)?,
            failed_address: r.get(first + 6)?,
        },
        EventTag::ManualContact => EventKind::ManualContact,
        EventTag::UserPromise => EventKind::UserPromise {
            date: r.get::<_, Day>(first + 2)?.0,
        },
        EventTag::UserConfirmPaid => EventKind::UserConfirmPaid,
        EventTag::UserRejectPaid => EventKind::UserRejectPaid,
        EventTag::UserPause => EventKind::UserPause,
        EventTag::UserResume => EventKind::UserResume,
        EventTag::UserConfirmNotice => EventKind::UserConfirmNotice,
        EventTag::UserStop => EventKind::UserStop,
    })
}

impl Store {
    /// Records an event on its own (e.g. the user's message in a thread).
    pub fn record_event(&self, event: &NewEvent) -> Result<EventId> {
        self.transaction(|s| s.insert_event(event, None, None))
    }

    fn insert_event(
        &self,
        e: &NewEvent,
        classification: Option<ClassificationId>,
        command: Option<CommandId>,
    ) -> Result<EventId> {
        let k = kind_columns(&e.kind);
        let what = || format!("record a {} event for client {}", k.tag, e.client);
        self.conn
            .prepare_cached(
                "INSERT INTO events (client_id, at, kind, class, date, amount, from_addr,
                    known_sender, failed_address, message_row, classification, command)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
            )
            .and_then(|mut stmt| {
                stmt.execute(params![
                    e.client,
                    Stamp(e.at),
                    k.tag,
                    k.class,
                    k.date,
                    k.amount,
                    k.from,
                    k.known_sender,
                    k.failed_address,
                    e.message,
                    classification.map(|c| c.0),
                    command.map(|c| c.0),
                ])
            })
            .with_ctx(what)?;
        let id = EventId(self.conn.last_insert_rowid());
        let mut link = self
            .conn
            .prepare_cached(
                "INSERT OR IGNORE INTO event_invoices (event_id, invoice_id) VALUES (?1, ?2)",
            )
            .with_ctx(what)?;
        for invoice in &e.invoices {
            link.execute(params![id, invoice]).with_ctx(what)?;
        }
        Ok(id)
    }

    /// Records what the reader made of a message and, when it concerns a
    /// client, the event it produces.
    pub fn record_classification(
        &self,
        c: &NewClassification,
        event: Option<&NewEvent>,
    ) -> Result<(ClassificationId, Option<EventId>)> {
        self.transaction(|s| {
            let id = s.insert_classification(c, false)?;
            let event = event
                .map(|e| s.insert_event(e, Some(id), None))
                .transpose()?;
            Ok((id, event))
        })
    }

    /// Replaces classification `old` by the user's reading `new`: the old one
    /// points to the new one and its events are retracted.
    pub fn override_classification(
        &self,
        old: ClassificationId,
        new: &NewClassification,
        event: Option<&NewEvent>,
    ) -> Result<(ClassificationId, Option<EventId>)> {
        self.transaction(|s| {
            let id = s.insert_classification(new, true)?;
            let what = || format!("override classification {}", old.0);
            s.exec(
                "UPDATE classifications SET superseded_by = ?2 WHERE id = ?1",
                params![old.0, id.0],
            )
            .with_ctx(what)?;
            s.exec(
                "UPDATE events SET retracted = 1 WHERE classification = ?1",
                [old.0],
            )
            .with_ctx(what)?;
            let event = event
                .map(|e| s.insert_event(e, Some(id), None))
                .transpose()?;
            Ok((id, event))
        })
    }

    fn insert_classification(
        &self,
        c: &NewClassification,
        by_user: bool,
    ) -> Result<ClassificationId> {
        self.conn
            .prepare_cached(
                "INSERT INTO classifications
                    (message_row, at, class, date, amount, evidence, by_user)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            )
            .and_then(|mut stmt| {
                stmt.execute(params![
                    c.message,
                    Stamp(c.at),
                    c.class,
                    c.date,
                    c.amount.map(Dec),
                    c.evidence,
                    by_user,
                ])
            })
            .with_ctx(|| format!("classify message {}", c.message))?;
        Ok(ClassificationId(self.conn.last_insert_rowid()))
    }

    /// The classification of `message` in force (the user's override, if
    /// any), with its id.
    pub fn classification(
        &self,
        message: MessageRowId,
    ) -> Result<Option<(ClassificationId, NewClassification)>> {
        self.query_one(
            "SELECT id, message_row, at, class, date, amount, evidence FROM classifications
                 WHERE message_row = ?1 AND superseded_by IS NULL ORDER BY id DESC LIMIT 1",
            [message],
            |r| {
                Ok((
                    ClassificationId(r.get(0)?),
                    NewClassification {
                        message: r.get(1)?,
                        at: r.get::<_, Stamp>(2)?.0,
                        class: r.get(3)?,
                        date: r.get::<_, Option<Day>>(4)?.map(|d| d.0),
                        amount: r.get::<_, Option<Dec>>(5)?.map(|d| d.0),
                        evidence: r.get(6)?,
                    },
                ))
            },
        )
        .optional()
        .with_ctx(|| format!("read the classification of message {message}"))
    }

    /// Records a user command and the events it produces, together.
    pub fn record_command(
        &self,
        cmd: &NewCommand,
        events: &[NewEvent],
    ) -> Result<(CommandId, Vec<EventId>)> {
        // A JSON array keeps argument boundaries (and spaces inside them).
        let args = serde_json::Value::from(cmd.args.clone()).to_string();
        self.transaction(|s| {
            s.exec(
                "INSERT INTO commands (at, name, args) VALUES (?1, ?2, ?3)",
                params![Stamp(cmd.at), cmd.name, args],
            )
            .with_ctx(|| format!("record command '{}'", cmd.name))?;
            let id = CommandId(s.conn.last_insert_rowid());
            let ids = events
                .iter()
                .map(|e| s.insert_event(e, None, Some(id)))
                .collect::<Result<_>>()?;
            Ok((id, ids))
        })
    }
}

#[cfg(test)]
mod tests;
