//! Invoices, their original email and their attachments. An invoice number
//! is unique per client: recording it again returns the existing id, which
//! makes re-scanning a Sent folder or re-importing a file harmless.

use chrono::NaiveDate;
use rusqlite::{OptionalExtension, Row, params};
use rust_decimal::Decimal;

use super::messages::Location;
use super::sql::{Day, Dec, InvoiceSource, join_ids, split_ids};
use super::{Context, Error, Recorded, Result, Store};
use crate::domain::{ClientId, InvoiceId, InvoiceNumber, InvoiceStatus, MessageId, Money};

/// The invoice email the user sent, which reminders reply to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Original {
    pub message_id: MessageId,
    pub subject: String,
    /// The original's own References header.
    pub references: Vec<MessageId>,
    /// Outlook's Thread-Topic and Thread-Index, when present.
    pub thread_topic: Option<String>,
    pub thread_index: Option<String>,
    /// Where it can be fetched again; `None` after its folder's UIDVALIDITY
    /// changed and until it is seen again.
    pub location: Option<Location>,
}

/// An attachment of the original, enough to fetch it again and check it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attachment {
    pub filename: String,
    pub content_type: String,
    pub size: u64,
    /// The IMAP body part (`2`, `1.2`) to fetch.
    pub part: String,
    /// Lowercase hex SHA-256 of the decoded content.
    pub sha256: String,
}

/// An invoice to record (from detection, the CLI or a CSV file).
#[derive(Debug, Clone, PartialEq)]
pub struct NewInvoice {
    pub client: ClientId,
    pub number: InvoiceNumber,
    pub amount: Money,
    pub issue_date: NaiveDate,
    pub due_date: NaiveDate,
    pub source: InvoiceSource,
    pub original: Option<Original>,
    pub attachments: Vec<Attachment>,
}

/// An invoice as stored, with its client's name (for `status`).
#[derive(Debug, Clone, PartialEq)]
pub struct InvoiceRow {
    pub id: InvoiceId,
    pub client: ClientId,
    pub client_name: String,
    pub number: InvoiceNumber,
    pub amount: Money,
    /// Paid so far (partial payments).
    pub paid: Decimal,
    pub issue_date: NaiveDate,
    pub due_date: NaiveDate,
    pub status: InvoiceStatus,
    pub paused: bool,
    pub source: InvoiceSource,
    pub original: Option<Original>,
}

impl InvoiceRow {
    /// What is still owed.
    pub fn balance(&self) -> Decimal {
        self.amount.amount - self.paid
    }
}

const INVOICE_SELECT: &str = "SELECT i.id, i.client_id, c.name, i.number, i.amount, i.currency,
        i.paid, i.issue_date, i.due_date, i.status, i.paused, i.source, i.message_id,
        i.subject, i.refs, i.thread_topic, i.thread_index, i.folder, i.uidvalidity, i.uid
    FROM invoices i JOIN clients c ON c.id = i.client_id";

fn invoice_row(r: &Row<'_>) -> rusqlite::Result<InvoiceRow> {
    let message_id: Option<MessageId> = r.get(12)?;
    let original = match message_id {
        None => None,
        Some(message_id) => Some(Original {
            message_id,
            subject: r.get::<_, Option<String>>(13)?.unwrap_or_default(),
            references: split_ids(&r.get::<_, String>(14)?),
            thread_topic: r.get(15)?,
            thread_index: r.get(16)?,
            location: location(r, 17)?,
        }),
    };
    Ok(InvoiceRow {
        id: r.get(0)?,
        client: r.get(1)?,
        client_name: r.get(2)?,
        number: r.get(3)?,
        amount: Money::new(r.get::<_, Dec>(4)?.0, r.get(5)?),
        paid: r.get::<_, Dec>(6)?.0,
        issue_date: r.get::<_, Day>(7)?.0,
        due_date: r.get::<_, Day>(8)?.0,
        status: r.get(9)?,
        paused: r.get(10)?,
        source: r.get(11)?,
        original,
    })
}

fn location(r: &Row<'_>, first: usize) -> rusqlite::Result<Option<Location>> {
    let folder: Option<String> = r.get(first)?;
    let uidvalidity: Option<u32> = r.get(first + 1)?;
    let uid: Option<u32> = r.get(first + 2)?;
    Ok(match (folder, uidvalidity, uid) {
        (Some(folder), Some(uidvalidity), Some(uid)) => Some(Location {
            folder,
            uidvalidity,
            uid,
        }),
        _ => None,
    })
}

impl Store {
    /// Records an invoice, or returns the id of the client's invoice with the
    /// same number (leaving it unchanged).
    pub fn insert_invoice(&self, inv: &NewInvoice) -> Result<Recorded<InvoiceId>> {
        self.transaction(|s| {
            if let Some(id) = s.find_invoice(inv.client, &inv.number)? {
                return Ok(Recorded { id, new: false });
            }
            let o = inv.original.as_ref();
            let loc = o.and_then(|o| o.location.as_ref());
            s.conn
                .prepare_cached(
                    "INSERT INTO invoices (client_id, number, amount, currency, issue_date,
                        due_date, source, message_id, subject, refs, thread_topic,
                        thread_index, folder, uidvalidity, uid)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)",
                )
                .and_then(|mut stmt| {
                    stmt.execute(params![
                        inv.client,
                        inv.number,
                        Dec(inv.amount.amount),
                        inv.amount.currency,
                        inv.issue_date,
                        inv.due_date,
                        inv.source,
                        o.map(|o| &o.message_id),
                        o.map(|o| &o.subject),
                        o.map(|o| join_ids(&o.references)).unwrap_or_default(),
                        o.and_then(|o| o.thread_topic.as_ref()),
                        o.and_then(|o| o.thread_index.as_ref()),
                        loc.map(|l| &l.folder),
                        loc.map(|l| l.uidvalidity),
                        loc.map(|l| l.uid),
                    ])
                })
                .with_ctx(|| format!("insert invoice '{}'", inv.number))?;
            let id = InvoiceId(s.conn.last_insert_rowid());
            for a in &inv.attachments {
                s.add_attachment(id, a)?;
            }
            Ok(Recorded { id, new: true })
        })
    }

    fn add_attachment(&self, invoice: InvoiceId, a: &Attachment) -> Result<()> {
        self.conn
            .prepare_cached(
                "INSERT INTO invoice_attachments
                    (invoice_id, filename, content_type, size, part, sha256)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            )
            .and_then(|mut stmt| {
                stmt.execute(params![
                    invoice,
                    a.filename,
                    a.content_type,
                    a.size,
                    a.part,
                    a.sha256.to_ascii_lowercase()
                ])
            })
            .with_ctx(|| format!("add attachment '{}' to invoice {invoice}", a.filename))?;
        Ok(())
    }

    /// The attachments of `invoice`, in the order they were recorded.
    pub fn attachments(&self, invoice: InvoiceId) -> Result<Vec<Attachment>> {
        let what = || format!("list attachments of invoice {invoice}");
        let mut stmt = self
            .conn
            .prepare_cached(
                "SELECT filename, content_type, size, part, sha256 FROM invoice_attachments
                 WHERE invoice_id = ?1 ORDER BY id",
            )
            .with_ctx(what)?;
        let rows = stmt
            .query_map([invoice], |r| {
                Ok(Attachment {
                    filename: r.get(0)?,
                    content_type: r.get(1)?,
                    size: r.get(2)?,
                    part: r.get(3)?,
                    sha256: r.get(4)?,
                })
            })
            .with_ctx(what)?;
        rows.collect::<rusqlite::Result<_>>().with_ctx(what)
    }

    /// The id of `client`'s invoice numbered `number`.
    pub fn find_invoice(
        &self,
        client: ClientId,
        number: &InvoiceNumber,
    ) -> Result<Option<InvoiceId>> {
        self.conn
            .prepare_cached("SELECT id FROM invoices WHERE client_id = ?1 AND number = ?2")
            .and_then(|mut s| {
                s.query_row(params![client, number], |r| r.get(0))
                    .optional()
            })
            .with_ctx(|| format!("find invoice '{number}' of client {client}"))
    }

    /// The invoice with this id.
    pub fn invoice(&self, id: InvoiceId) -> Result<InvoiceRow> {
        self.query_one(
            &format!("{INVOICE_SELECT} WHERE i.id = ?1"),
            [id],
            invoice_row,
        )
        .optional()
        .with_ctx(|| format!("read invoice {id}"))?
        .ok_or(Error::NoInvoice(id))
    }

    /// Every invoice numbered `number` (one per client at most), for the CLI.
    pub fn find_invoices_by_number(&self, number: &InvoiceNumber) -> Result<Vec<InvoiceRow>> {
        let sql = format!("{INVOICE_SELECT} WHERE i.number = ?1 ORDER BY i.id");
        self.invoice_rows(&sql, [number], &format!("find invoice '{number}'"))
    }

    /// Every invoice, or those with `status`, by due date.
    pub fn list_invoices(&self, status: Option<InvoiceStatus>) -> Result<Vec<InvoiceRow>> {
        let sql =
            format!("{INVOICE_SELECT} WHERE ?1 IS NULL OR i.status = ?1 ORDER BY i.due_date, i.id");
        self.invoice_rows(&sql, [status], "list invoices")
    }

    /// The invoices of `client`, by due date.
    pub fn invoices_of_client(&self, client: ClientId) -> Result<Vec<InvoiceRow>> {
        let sql = format!("{INVOICE_SELECT} WHERE i.client_id = ?1 ORDER BY i.due_date, i.id");
        self.invoice_rows(&sql, [client], &format!("list invoices of client {client}"))
    }

    fn invoice_rows(
        &self,
        sql: &str,
        params: impl rusqlite::Params,
        what: &str,
    ) -> Result<Vec<InvoiceRow>> {
        let mut stmt = self.conn.prepare_cached(sql).ctx(what)?;
        let rows = stmt.query_map(params, invoice_row).ctx(what)?;
        rows.collect::<rusqlite::Result<_>>().ctx(what)
    }

    /// Marks `invoice` open, paid or cancelled.
    pub fn set_invoice_status(&self, invoice: InvoiceId, status: InvoiceStatus) -> Result<()> {
        self.update_invoice(
            invoice,
            "UPDATE invoices SET status = ?2 WHERE id = ?1",
            status,
            "set the status",
        )
    }

    /// Pauses or resumes the reminders of `invoice` alone.
    pub fn set_invoice_paused(&self, invoice: InvoiceId, paused: bool) -> Result<()> {
        self.update_invoice(
            invoice,
            "UPDATE invoices SET paused = ?2 WHERE id = ?1",
            paused,
            "pause",
        )
    }

    fn update_invoice(
        &self,
        invoice: InvoiceId,
        sql: &str,
        value: impl rusqlite::ToSql,
        what: &str,
    ) -> Result<()> {
        let n = self
            .exec(sql, params![invoice, value])
            .with_ctx(|| format!("{what} of invoice {invoice}"))?;
        if n == 0 {
            return Err(Error::NoInvoice(invoice));
        }
        Ok(())
    }

    /// Adds a payment of `amount` to `invoice`; an open invoice whose balance
    /// reaches zero becomes paid. Returns the updated invoice.
    pub fn record_payment(&self, invoice: InvoiceId, amount: Decimal) -> Result<InvoiceRow> {
        if amount <= Decimal::ZERO {
            return Err(Error::BadPayment { invoice, amount });
        }
        self.transaction(|s| {
            let row = s.invoice(invoice)?;
            let paid = row.paid + amount;
            let status = match row.status {
                InvoiceStatus::Open if paid >= row.amount.amount => InvoiceStatus::Paid,
                other => other,
            };
            s.exec(
                "UPDATE invoices SET paid = ?2, status = ?3 WHERE id = ?1",
                params![invoice, Dec(paid), status],
            )
            .with_ctx(|| format!("record a payment on invoice {invoice}"))?;
            s.invoice(invoice)
        })
    }
}

#[cfg(test)]
mod tests;
