//! CSV import (`relance import FILE.csv`): all rows in one transaction, so a
//! bad file imports nothing. Rows arrive validated (the CLI parses them);
//! the store refuses a row that contradicts an invoice it already holds and
//! skips one that repeats it, so importing the same file twice is harmless.

use chrono::NaiveDate;

use super::invoices::NewInvoice;
use super::sql::{ContactSource, InvoiceSource};
use super::{Error, Result, Store};
use crate::domain::{ClientId, EmailAddress, InvoiceId, InvoiceNumber, Money};

/// One validated line of the import file.
#[derive(Debug, Clone, PartialEq)]
pub struct ImportRow {
    /// The line number in the file, for error messages.
    pub line: usize,
    pub number: InvoiceNumber,
    pub client_email: EmailAddress,
    pub client_name: String,
    pub amount: Money,
    pub issue_date: NaiveDate,
    pub due_date: NaiveDate,
}

/// What an import did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImportReport {
    /// Invoices recorded by this import, in file order.
    pub created: Vec<InvoiceId>,
    /// Rows that repeated an invoice already recorded identically.
    pub existing: Vec<InvoiceId>,
    /// Clients created for addresses seen for the first time.
    pub new_clients: Vec<ClientId>,
}

impl Store {
    /// Imports `rows` all together or not at all.
    pub fn import_invoices(&self, rows: &[ImportRow]) -> Result<ImportReport> {
        self.transaction(|s| {
            let mut report = ImportReport::default();
            for row in rows {
                s.import_row(row, &mut report)?;
            }
            Ok(report)
        })
    }

    fn import_row(&self, row: &ImportRow, report: &mut ImportReport) -> Result<()> {
        let client = self.upsert_client(&row.client_email, &row.client_name, ContactSource::Csv)?;
        if client.new {
            report.new_clients.push(client.id);
        }
        let recorded = self.insert_invoice(&NewInvoice {
            client: client.id,
            number: row.number.clone(),
            amount: row.amount,
            issue_date: row.issue_date,
            due_date: row.due_date,
            source: InvoiceSource::Csv,
            original: None,
            attachments: Vec::new(),
        })?;
        if recorded.new {
            report.created.push(recorded.id);
            return Ok(());
        }
        let held = self.invoice(recorded.id)?;
        let conflict = if held.amount != row.amount {
            Some("amount")
        } else if held.due_date != row.due_date {
            Some("due date")
        } else if held.issue_date != row.issue_date {
            Some("issue date")
        } else {
            None
        };
        if let Some(field) = conflict {
            return Err(Error::ImportConflict {
                line: row.line,
                number: row.number.clone(),
                field,
            });
        }
        report.existing.push(recorded.id);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::testutil::{addr, d, eur, store};

    fn row(line: usize, number: &str, email: &str, amount: &str) -> ImportRow {
        ImportRow {
            line,
            number: InvoiceNumber(number.to_string()),
            client_email: addr(email),
            client_name: format!("Client {email}"),
            amount: eur(amount),
            issue_date: d("2026-01-10"),
            due_date: d("2026-02-09"),
        }
    }

    #[test]
    fn a_file_imports_whole_and_twice_is_harmless() {
        let (_dir, store) = store();
        let rows = vec![
            row(2, "F-1", "a@a.fr", "100.00"),
            row(3, "F-2", "a@a.fr", "250.50"),
            row(4, "F-1", "b@b.fr", "80"),
        ];
        let first = store.import_invoices(&rows).unwrap();
        assert_eq!(first.created.len(), 3);
        assert_eq!(first.new_clients.len(), 2);
        let again = store.import_invoices(&rows).unwrap();
        assert!(again.created.is_empty() && again.new_clients.is_empty());
        assert_eq!(again.existing, first.created);
        let inv = store.invoice(first.created[1]).unwrap();
        assert_eq!(inv.amount, eur("250.50"));
        assert_eq!(inv.source, InvoiceSource::Csv);
        assert_eq!(inv.client_name, "Client a@a.fr");
    }

    #[test]
    fn a_bad_row_imports_nothing() {
        let (_dir, store) = store();
        store
            .import_invoices(&[row(2, "F-1", "a@a.fr", "100")])
            .unwrap();
        let rows = vec![
            row(2, "F-9", "new@c.fr", "10"),
            row(3, "F-1", "a@a.fr", "999"),
        ];
        let err = store.import_invoices(&rows).unwrap_err();
        assert!(
            matches!(
                &err,
                Error::ImportConflict {
                    line: 3,
                    field: "amount",
                    ..
                }
            ),
            "{err}"
        );
        assert_eq!(
            err.to_string(),
            "line 3: invoice 'F-1' is already recorded with a different amount"
        );
        assert_eq!(
            store.find_client_by_address(&addr("new@c.fr")).unwrap(),
            None
        );
        assert_eq!(store.list_invoices(None).unwrap().len(), 1);
    }
}
