//! Bulk reads the pipeline needs and no other module does: everything the
//! thread index is built from (in four queries, whatever the mailbox size),
//! a cheap stamp telling whether that data changed, and the outbox rows that
//! feed history, the rate limit, the forewarning and the digest.

use chrono::{DateTime, NaiveDate, Utc};
use rusqlite::{OptionalExtension, params};

use super::outbox::{OUTBOX_SELECT, OutboxRow, outbox_row};
use super::sql::{Day, OutboxKind, Stamp};
use super::{Context, Result, Store};
use crate::domain::{
    ClientId, EmailAddress, EventId, InvoiceId, InvoiceNumber, InvoiceStatus, MessageId,
};

/// One invoice as the thread index sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IndexInvoice {
    pub id: InvoiceId,
    pub client: ClientId,
    pub number: InvoiceNumber,
    pub status: InvoiceStatus,
    /// The original email's Message-ID.
    pub message_id: Option<MessageId>,
}

/// The rows a thread index is made of.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct IndexRows {
    pub invoices: Vec<IndexInvoice>,
    /// Messages linked to invoices (matched replies, the user's messages).
    pub links: Vec<(MessageId, InvoiceId)>,
    /// Every outbox Message-ID, with the invoices it concerns (none for the
    /// forewarning and the digest).
    pub outbox: Vec<(MessageId, Vec<InvoiceId>)>,
    pub contacts: Vec<(EmailAddress, ClientId)>,
}

/// Changes whenever invoices, contacts or outbox rows are added here, or
/// anything is committed by another connection (the CLI).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct IndexStamp {
    data_version: i64,
    max_invoice: i64,
    max_contact: i64,
    max_outbox: i64,
}

impl IndexStamp {
    /// Whether another connection committed between `self` and `later`
    /// (both read on the same connection): SQLite's data version moves only
    /// for other connections' commits.
    pub fn other_writers_since(&self, later: &IndexStamp) -> bool {
        self.data_version != later.data_version
    }
}

/// What an alert reports about the event behind it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventReading {
    pub at: DateTime<Utc>,
    pub from: Option<EmailAddress>,
    pub date: Option<NaiveDate>,
    /// The words that decided the classification, when a message did.
    pub evidence: Option<String>,
}

/// Rows that went out or may have (a `sending` row's outcome is unknown).
const WENT_OUT: &str = "state IN ('sending', 'sent', 'appended')";

impl Store {
    /// Everything a thread index is built from, on one snapshot.
    pub fn index_rows(&self) -> Result<IndexRows> {
        self.snapshot(|s| {
            let what = "read the thread index";
            let mut out = IndexRows::default();
            let mut stmt = s
                .conn
                .prepare_cached("SELECT id, client_id, number, status, message_id FROM invoices")
                .ctx(what)?;
            let rows = stmt
                .query_map([], |r| {
                    Ok(IndexInvoice {
                        id: r.get(0)?,
                        client: r.get(1)?,
                        number: r.get(2)?,
                        status: r.get(3)?,
                        message_id: r.get(4)?,
                    })
                })
                .ctx(what)?;
            out.invoices = rows.collect::<rusqlite::Result<_>>().ctx(what)?;
            out.links = s.pairs(
                "SELECT m.message_id, mi.invoice_id FROM message_invoices mi
                 JOIN messages m ON m.id = mi.message_row WHERE m.message_id IS NOT NULL",
            )?;
            let mut stmt = s
                .conn
                .prepare_cached(
                    "SELECT message_id, (SELECT group_concat(invoice_id, ' ')
                        FROM outbox_invoices WHERE outbox_id = o.id) FROM outbox o",
                )
                .ctx(what)?;
            let rows = stmt
                .query_map([], |r| {
                    let ids: Option<String> = r.get(1)?;
                    let ids = ids
                        .unwrap_or_default()
                        .split_whitespace()
                        .filter_map(|s| s.parse().ok().map(InvoiceId))
                        .collect();
                    Ok((r.get(0)?, ids))
                })
                .ctx(what)?;
            out.outbox = rows.collect::<rusqlite::Result<_>>().ctx(what)?;
            out.contacts = s.pairs("SELECT address, client_id FROM contacts ORDER BY id")?;
            Ok(out)
        })
    }

    fn pairs<A: rusqlite::types::FromSql, B: rusqlite::types::FromSql>(
        &self,
        sql: &str,
    ) -> Result<Vec<(A, B)>> {
        let what = "read the thread index";
        let mut stmt = self.conn.prepare_cached(sql).ctx(what)?;
        let rows = stmt
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .ctx(what)?;
        rows.collect::<rusqlite::Result<_>>().ctx(what)
    }

    /// A stamp of the data behind the thread index: four index lookups.
    pub fn index_stamp(&self) -> Result<IndexStamp> {
        let what = "read the thread index stamp";
        // Read before each match during a sync: prepared once, not per call.
        let data_version = self
            .conn
            .prepare_cached("PRAGMA data_version")
            .and_then(|mut s| s.query_row([], |r| r.get(0)))
            .ctx(what)?;
        self.conn
            .prepare_cached(
                "SELECT (SELECT COALESCE(max(id), 0) FROM invoices),
                        (SELECT COALESCE(max(id), 0) FROM contacts),
                        (SELECT COALESCE(max(id), 0) FROM outbox)",
            )
            .and_then(|mut s| {
                s.query_row([], |r| {
                    Ok(IndexStamp {
                        data_version,
                        max_invoice: r.get(0)?,
                        max_contact: r.get(1)?,
                        max_outbox: r.get(2)?,
                    })
                })
            })
            .ctx(what)
    }

    /// Outbox rows that went out (or are going), oldest first: of `client`
    /// when given, created at or after `since` when given.
    pub fn outbox_went_out(
        &self,
        client: Option<ClientId>,
        since: Option<DateTime<Utc>>,
    ) -> Result<Vec<OutboxRow>> {
        let what = || format!("list the messages sent to client {client:?} since {since:?}");
        let sql = format!(
            "{OUTBOX_SELECT} WHERE {WENT_OUT} AND (?1 IS NULL OR o.client_id = ?1)
               AND (?2 IS NULL OR COALESCE(sent_at, created_at) >= ?2)
             ORDER BY COALESCE(sent_at, created_at), o.id"
        );
        let mut stmt = self.conn.prepare_cached(&sql).with_ctx(what)?;
        let rows = stmt
            .query_map(params![client, since.map(Stamp)], outbox_row)
            .with_ctx(what)?;
        rows.collect::<rusqlite::Result<_>>().with_ctx(what)
    }

    /// How many messages to clients went out (or are going) since `since`:
    /// what the hourly rate limit counts.
    pub fn client_messages_since(&self, since: DateTime<Utc>) -> Result<u32> {
        self.conn
            .prepare_cached(&format!(
                "SELECT count(*) FROM outbox WHERE {WENT_OUT} AND kind = 'step'
                   AND COALESCE(sent_at, created_at) >= ?1"
            ))
            .and_then(|mut s| s.query_row([Stamp(since)], |r| r.get(0)))
            .ctx("count the messages sent in the last hour")
    }

    /// The event an alert is about, with its classification's evidence.
    pub fn event_reading(&self, event: EventId) -> Result<Option<EventReading>> {
        self.conn
            .prepare_cached(
                "SELECT e.at, e.from_addr, e.date, c.evidence FROM events e
                 LEFT JOIN classifications c ON c.id = e.classification WHERE e.id = ?1",
            )
            .and_then(|mut s| {
                s.query_row([event], |r| {
                    Ok(EventReading {
                        at: r.get::<_, Stamp>(0)?.0,
                        from: r.get(1)?,
                        date: r.get::<_, Option<Day>>(2)?.map(|d| d.0),
                        evidence: r.get::<_, Option<String>>(3)?.filter(|e| !e.is_empty()),
                    })
                })
                .optional()
            })
            .with_ctx(|| format!("read event {event}"))
    }

    /// When the last outbox row of `kind` was created, whatever its state
    /// (a cancelled forewarning still counts as that day's).
    pub fn last_outbox_of_kind(&self, kind: OutboxKind) -> Result<Option<DateTime<Utc>>> {
        self.conn
            .prepare_cached("SELECT max(created_at) FROM outbox WHERE kind = ?1")
            .and_then(|mut s| {
                s.query_row([kind], |r| r.get::<_, Option<Stamp>>(0))
                    .optional()
            })
            .with_ctx(|| format!("find the last {kind} message"))
            .map(|t| t.flatten().map(|s| s.0))
    }
}

#[cfg(test)]
mod tests {
    use super::super::testutil;
    use super::*;

    #[test]
    fn the_stamp_moves_with_new_invoices_and_contacts() {
        let (_dir, store) = testutil::store();
        let before = store.index_stamp().unwrap();
        let client = testutil::client(&store, "a@client-a.fr");
        let with_contact = store.index_stamp().unwrap();
        assert_ne!(before, with_contact);
        testutil::invoice(&store, client, "F-1", "100");
        assert_ne!(with_contact, store.index_stamp().unwrap());
        let rows = store.index_rows().unwrap();
        assert_eq!(rows.invoices.len(), 1);
        assert_eq!(rows.contacts.len(), 1);
        assert!(store.outbox_went_out(None, None).unwrap().is_empty());
        assert_eq!(store.last_outbox_of_kind(OutboxKind::Digest).unwrap(), None);
        let hour_ago = testutil::t("2026-03-02T08:00:00Z");
        assert_eq!(store.client_messages_since(hour_ago).unwrap(), 0);
    }
}
