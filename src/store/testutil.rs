//! Shared helpers for the store's tests: a fresh database and terse values.

use chrono::{DateTime, NaiveDate, Utc};
use rust_decimal::Decimal;
use tempfile::TempDir;

use super::{ContactSource, InvoiceSource, NewInvoice, Store};
use crate::domain::{ClientId, Currency, EmailAddress, InvoiceId, InvoiceNumber, Money};

/// A migrated database in a temporary directory (kept alive by the TempDir).
pub fn store() -> (TempDir, Store) {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join("relance.db")).unwrap();
    (dir, store)
}

pub fn addr(s: &str) -> EmailAddress {
    EmailAddress::parse(s).unwrap()
}

pub fn d(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

pub fn t(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
}

pub fn eur(amount: &str) -> Money {
    Money::new(amount.parse::<Decimal>().unwrap(), Currency::EUR)
}

pub fn client(store: &Store, address: &str) -> ClientId {
    store
        .upsert_client(&addr(address), address, ContactSource::Cli)
        .unwrap()
        .id
}

/// An invoice added by hand (no original email), issued a month before due.
pub fn new_invoice(client: ClientId, number: &str, amount: &str, due: &str) -> NewInvoice {
    let due = d(due);
    NewInvoice {
        client,
        number: InvoiceNumber(number.to_string()),
        amount: eur(amount),
        issue_date: due - chrono::Days::new(30),
        due_date: due,
        source: InvoiceSource::Cli,
        original: None,
        attachments: Vec::new(),
    }
}

pub fn invoice(store: &Store, client: ClientId, number: &str, amount: &str) -> InvoiceId {
    store
        .insert_invoice(&new_invoice(client, number, amount, "2026-02-15"))
        .unwrap()
        .id
}
