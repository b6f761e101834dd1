//! Messages seen in the mailbox, where they sit, which invoices they concern,
//! and each folder's sync state. A message is one row whatever folders hold
//! it: seeing it again (same location, or same Message-ID) is a no-op, so a
//! resync after a UIDVALIDITY change never classifies a reply twice.

use chrono::{DateTime, Utc};
use rusqlite::{OptionalExtension, Row, params, params_from_iter};

use super::sql::{Direction, Stamp, join_ids, split_ids};
use super::{Context, Recorded, Result, Store};
use crate::domain::{EmailAddress, InvoiceId, MessageId, MessageRowId};

/// Where a message sits on the IMAP server.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Location {
    pub folder: String,
    pub uidvalidity: u32,
    pub uid: u32,
}

/// A message as the mailbox reported it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewMessage {
    pub message_id: Option<MessageId>,
    pub in_reply_to: Option<MessageId>,
    pub references: Vec<MessageId>,
    pub subject: String,
    pub from: Option<EmailAddress>,
    /// The Date header, when it parsed.
    pub date: Option<DateTime<Utc>>,
    pub location: Location,
    pub direction: Direction,
}

/// A message as stored (its locations are not part of it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MessageRow {
    pub id: MessageRowId,
    pub message_id: Option<MessageId>,
    pub in_reply_to: Option<MessageId>,
    pub references: Vec<MessageId>,
    pub subject: String,
    pub from: Option<EmailAddress>,
    pub date: Option<DateTime<Utc>>,
    pub direction: Direction,
}

/// How far a folder has been synced.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FolderState {
    pub folder: String,
    pub uidvalidity: u32,
    /// Highest UID seen; the next sync fetches `last_uid + 1:*`.
    pub last_uid: u32,
    /// CONDSTORE's HIGHESTMODSEQ, when the server supports it.
    pub highest_modseq: Option<u64>,
}

/// SQLite's default limit on bound parameters is 32766; stay well below.
const IDS_PER_QUERY: usize = 500;

fn message_row(r: &Row<'_>) -> rusqlite::Result<MessageRow> {
    Ok(MessageRow {
        id: r.get(0)?,
        message_id: r.get(1)?,
        in_reply_to: r.get(2)?,
        references: split_ids(&r.get::<_, String>(3)?),
        subject: r.get(4)?,
        from: r.get(5)?,
        date: r.get::<_, Option<Stamp>>(6)?.map(|s| s.0),
        direction: r.get(7)?,
    })
}

impl Store {
    /// Records a message seen at `m.location`. Idempotent: a location or a
    /// Message-ID already known returns the existing row (`new: false`),
    /// adding the location to it.
    pub fn record_message(&self, m: &NewMessage) -> Result<Recorded<MessageRowId>> {
        self.transaction(|s| {
            if let Some(id) = s.message_at(&m.location)? {
                return Ok(Recorded { id, new: false });
            }
            let known = match &m.message_id {
                Some(mid) => s.find_message(mid)?,
                None => None,
            };
            let recorded = match known {
                Some(id) => Recorded { id, new: false },
                None => Recorded {
                    id: s.insert_message(m)?,
                    new: true,
                },
            };
            s.add_location(recorded.id, &m.location)?;
            if let Some(mid) = &m.message_id {
                s.relocate_invoices(mid, &m.location)?;
            }
            Ok(recorded)
        })
    }

    fn insert_message(&self, m: &NewMessage) -> Result<MessageRowId> {
        self.conn
            .prepare_cached(
                "INSERT INTO messages
                    (message_id, in_reply_to, refs, subject, from_addr, date, direction)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            )
            .and_then(|mut stmt| {
                stmt.execute(params![
                    m.message_id,
                    m.in_reply_to,
                    join_ids(&m.references),
                    m.subject,
                    m.from,
                    m.date.map(Stamp),
                    m.direction,
                ])
            })
            .with_ctx(|| format!("insert message {:?}", m.message_id))?;
        Ok(MessageRowId(self.conn.last_insert_rowid()))
    }

    fn add_location(&self, id: MessageRowId, l: &Location) -> Result<()> {
        self.conn
            .prepare_cached(
                "INSERT OR IGNORE INTO message_locations (folder, uidvalidity, uid, message_row)
                 VALUES (?1, ?2, ?3, ?4)",
            )
            .and_then(|mut stmt| stmt.execute(params![l.folder, l.uidvalidity, l.uid, id]))
            .with_ctx(|| format!("record message {id} at {}:{}", l.folder, l.uid))?;
        Ok(())
    }

    /// An invoice whose original lost its location (UIDVALIDITY change)
    /// gets it back when the original is seen again.
    fn relocate_invoices(&self, mid: &MessageId, l: &Location) -> Result<()> {
        self.conn
            .prepare_cached(
                "UPDATE invoices SET folder = ?2, uidvalidity = ?3, uid = ?4
                 WHERE message_id = ?1 AND uid IS NULL",
            )
            .and_then(|mut stmt| stmt.execute(params![mid, l.folder, l.uidvalidity, l.uid]))
            .with_ctx(|| format!("relocate the invoice sent as <{mid}>"))?;
        Ok(())
    }

    /// The message at `location`, if recorded.
    pub fn message_at(&self, l: &Location) -> Result<Option<MessageRowId>> {
        self.conn
            .prepare_cached(
                "SELECT message_row FROM message_locations
                 WHERE folder = ?1 AND uidvalidity = ?2 AND uid = ?3",
            )
            .and_then(|mut s| {
                s.query_row(params![l.folder, l.uidvalidity, l.uid], |r| r.get(0))
                    .optional()
            })
            .with_ctx(|| format!("find the message at {}:{}", l.folder, l.uid))
    }

    /// The message with this Message-ID, if recorded.
    pub fn find_message(&self, mid: &MessageId) -> Result<Option<MessageRowId>> {
        self.conn
            .prepare_cached("SELECT id FROM messages WHERE message_id = ?1")
            .and_then(|mut s| s.query_row([mid], |r| r.get(0)).optional())
            .with_ctx(|| format!("find message <{mid}>"))
    }

    /// The message with this row id.
    pub fn message(&self, id: MessageRowId) -> Result<Option<MessageRow>> {
        self.query_one(
            "SELECT id, message_id, in_reply_to, refs, subject, from_addr, date, direction
                 FROM messages WHERE id = ?1",
            [id],
            message_row,
        )
        .optional()
        .with_ctx(|| format!("read message {id}"))
    }

    /// Records that `message` concerns `invoices` (idempotent).
    pub fn link_message(&self, message: MessageRowId, invoices: &[InvoiceId]) -> Result<()> {
        self.transaction(|s| {
            let mut stmt = s
                .conn
                .prepare_cached(
                    "INSERT OR IGNORE INTO message_invoices (message_row, invoice_id)
                     VALUES (?1, ?2)",
                )
                .with_ctx(|| format!("link message {message}"))?;
            for invoice in invoices {
                stmt.execute(params![message, invoice])
                    .with_ctx(|| format!("link message {message} to invoice {invoice}"))?;
            }
            Ok(())
        })
    }

    /// The invoices a reply refers to, given its In-Reply-To and References
    /// ids: invoices sent as one of them, linked to a message that is one of
    /// them, or reminded by an outbox message that is one of them.
    pub fn invoices_for_references(&self, ids: &[MessageId]) -> Result<Vec<InvoiceId>> {
        let mut found = Vec::new();
        for chunk in ids.chunks(IDS_PER_QUERY) {
            let marks = (1..=chunk.len())
                .map(|i| format!("?{i}"))
                .collect::<Vec<_>>()
                .join(", ");
            let sql = format!(
                "SELECT id FROM invoices WHERE message_id IN ({marks})
                 UNION SELECT mi.invoice_id FROM message_invoices mi
                    JOIN messages m ON m.id = mi.message_row WHERE m.message_id IN ({marks})
                 UNION SELECT oi.invoice_id FROM outbox_invoices oi
                    JOIN outbox o ON o.id = oi.outbox_id WHERE o.message_id IN ({marks})"
            );
            let what = "find the invoices of a thread";
            let mut stmt = self.conn.prepare_cached(&sql).ctx(what)?;
            let rows = stmt
                .query_map(params_from_iter(chunk), |r| r.get::<_, InvoiceId>(0))
                .ctx(what)?;
            for id in rows {
                found.push(id.ctx(what)?);
            }
        }
        found.sort();
        found.dedup();
        Ok(found)
    }

    /// The Message-IDs of `invoice`'s thread for a new reply's References:
    /// the original's References and Message-ID, then the linked messages and
    /// the reminders sent to the client, oldest first, without repeats.
    pub fn thread_message_ids(&self, invoice: InvoiceId) -> Result<Vec<MessageId>> {
        let row = self.invoice(invoice)?;
        let mut ids = Vec::new();
        if let Some(o) = row.original {
            ids.extend(o.references);
            ids.push(o.message_id);
        }
        let what = || format!("list the thread of invoice {invoice}");
        let mut stmt = self
            .conn
            .prepare_cached(
                "SELECT m.message_id, m.date AS at FROM messages m
                    JOIN message_invoices mi ON mi.message_row = m.id
                    WHERE mi.invoice_id = ?1 AND m.message_id IS NOT NULL
                 UNION ALL
                 SELECT o.message_id, COALESCE(o.sent_at, o.created_at) AS at FROM outbox o
                    JOIN outbox_invoices oi ON oi.outbox_id = o.id
                    WHERE oi.invoice_id = ?1 AND o.kind = 'step'
                      AND o.state IN ('sending', 'sent', 'appended')
                 ORDER BY at",
            )
            .with_ctx(what)?;
        let rows = stmt
            .query_map([invoice], |r| r.get::<_, MessageId>(0))
            .with_ctx(what)?;
        for id in rows {
            let id = id.with_ctx(what)?;
            if !ids.contains(&id) {
                ids.push(id);
            }
        }
        Ok(ids)
    }

    /// The sync state of `folder`, if it was ever synced.
    pub fn folder_state(&self, folder: &str) -> Result<Option<FolderState>> {
        self.query_one(
            "SELECT folder, uidvalidity, last_uid, highest_modseq FROM folders
                 WHERE folder = ?1",
            [folder],
            |r| {
                Ok(FolderState {
                    folder: r.get(0)?,
                    uidvalidity: r.get(1)?,
                    last_uid: r.get(2)?,
                    highest_modseq: r.get(3)?,
                })
            },
        )
        .optional()
        .with_ctx(|| format!("read the sync state of '{folder}'"))
    }

    /// Saves how far a folder has been synced.
    pub fn set_folder_state(&self, state: &FolderState) -> Result<()> {
        self.exec(
            "INSERT INTO folders (folder, uidvalidity, last_uid, highest_modseq)
                 VALUES (?1, ?2, ?3, ?4)
                 ON CONFLICT (folder) DO UPDATE SET uidvalidity = excluded.uidvalidity,
                    last_uid = excluded.last_uid, highest_modseq = excluded.highest_modseq",
            params![
                state.folder,
                state.uidvalidity,
                state.last_uid,
                state.highest_modseq
            ],
        )
        .with_ctx(|| format!("save the sync state of '{}'", state.folder))?;
        Ok(())
    }

    /// Starts `folder` over after its UIDVALIDITY changed to `uidvalidity`:
    /// its old UIDs are forgotten (messages, classifications and links stay),
    /// and the next sync fetches everything again.
    pub fn reset_folder(&self, folder: &str, uidvalidity: u32) -> Result<()> {
        self.transaction(|s| {
            let what = || format!("reset folder '{folder}'");
            s.exec(
                "DELETE FROM message_locations WHERE folder = ?1 AND uidvalidity <> ?2",
                params![folder, uidvalidity],
            )
            .with_ctx(what)?;
            s.exec(
                "UPDATE invoices SET folder = NULL, uidvalidity = NULL, uid = NULL
                     WHERE folder = ?1 AND uidvalidity <> ?2",
                params![folder, uidvalidity],
            )
            .with_ctx(what)?;
            s.set_folder_state(&FolderState {
                folder: folder.to_string(),
                uidvalidity,
                last_uid: 0,
                highest_modseq: None,
            })
        })
    }
}

#[cfg(test)]
mod tests;
