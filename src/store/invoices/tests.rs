use rust_decimal_macros::dec;

use super::*;
use crate::store::testutil::{client, eur, invoice, new_invoice, store};

fn original() -> Original {
    Original {
        message_id: MessageId::new("<inv-42@atelier.fr>").unwrap(),
        subject: "Facture F-42".into(),
        references: vec![MessageId::new("<quote-1@atelier.fr>").unwrap()],
        thread_topic: Some("Facture F-42".into()),
        thread_index: Some("AdQ1Fw==".into()),
        location: Some(Location {
            folder: "Sent".into(),
            uidvalidity: 7,
            uid: 42,
        }),
    }
}

fn pdf() -> Attachment {
    Attachment {
        filename: "F-42.pdf".into(),
        content_type: "application/pdf".into(),
        size: 48_213,
        part: "2".into(),
        sha256: "AB".repeat(32),
    }
}

#[test]
fn an_invoice_round_trips_with_its_original_and_attachments() {
    let (_dir, store) = store();
    let c = client(&store, "compta@client-a.fr");
    let mut new = new_invoice(c, "F-42", "1250.00", "2026-02-15");
    new.source = InvoiceSource::SentFolder;
    new.original = Some(original());
    new.attachments = vec![pdf()];
    let id = store.insert_invoice(&new).unwrap();
    assert!(id.new);
    let row = store.invoice(id.id).unwrap();
    assert_eq!(row.number, new.number);
    assert_eq!(row.amount, eur("1250.00"));
    assert_eq!(row.amount.amount.to_string(), "1250.00");
    assert_eq!(
        (row.issue_date, row.due_date),
        (new.issue_date, new.due_date)
    );
    assert_eq!(row.status, InvoiceStatus::Open);
    assert_eq!(row.paid, Decimal::ZERO);
    assert_eq!(row.client_name, "compta@client-a.fr");
    assert_eq!(row.original, Some(original()));
    let mut want = pdf();
    want.sha256 = want.sha256.to_ascii_lowercase();
    assert_eq!(store.attachments(id.id).unwrap(), vec![want]);
}

#[test]
fn the_same_number_for_the_same_client_is_the_same_invoice() {
    let (_dir, store) = store();
    let a = client(&store, "a@a.fr");
    let b = client(&store, "b@b.fr");
    let first = store
        .insert_invoice(&new_invoice(a, "F-1", "10", "2026-02-01"))
        .unwrap();
    let again = store
        .insert_invoice(&new_invoice(a, "F-1", "99", "2026-03-01"))
        .unwrap();
    assert_eq!(
        again,
        Recorded {
            id: first.id,
            new: false
        }
    );
    assert_eq!(store.invoice(first.id).unwrap().amount, eur("10"));
    let other = store
        .insert_invoice(&new_invoice(b, "F-1", "10", "2026-02-01"))
        .unwrap();
    assert!(other.new);
    let number = InvoiceNumber("F-1".into());
    assert_eq!(store.find_invoice(b, &number).unwrap(), Some(other.id));
    let both: Vec<ClientId> = store
        .find_invoices_by_number(&number)
        .unwrap()
        .iter()
        .map(|r| r.client)
        .collect();
    assert_eq!(both, vec![a, b]);
}

#[test]
fn every_source_is_accepted() {
    let (_dir, store) = store();
    let c = client(&store, "a@a.fr");
    for (i, source) in InvoiceSource::ALL.iter().enumerate() {
        let mut new = new_invoice(c, &format!("F-{i}"), "10", "2026-02-01");
        new.source = *source;
        let id = store.insert_invoice(&new).unwrap().id;
        assert_eq!(store.invoice(id).unwrap().source, *source);
    }
}

#[test]
fn listing_filters_by_status_and_orders_by_due_date() {
    let (_dir, store) = store();
    let c = client(&store, "a@a.fr");
    let late = store
        .insert_invoice(&new_invoice(c, "F-2", "10", "2026-03-01"))
        .unwrap()
        .id;
    let early = store
        .insert_invoice(&new_invoice(c, "F-1", "10", "2026-01-01"))
        .unwrap()
        .id;
    let gone = store
        .insert_invoice(&new_invoice(c, "F-3", "10", "2026-02-01"))
        .unwrap()
        .id;
    for status in InvoiceStatus::ALL {
        store.set_invoice_status(gone, *status).unwrap();
        assert_eq!(store.invoice(gone).unwrap().status, *status);
    }
    let ids = |rows: Vec<InvoiceRow>| rows.iter().map(|r| r.id).collect::<Vec<_>>();
    assert_eq!(
        ids(store.list_invoices(None).unwrap()),
        vec![early, gone, late]
    );
    let open = store.list_invoices(Some(InvoiceStatus::Open)).unwrap();
    assert_eq!(ids(open), vec![early, late]);
    assert_eq!(
        ids(store.invoices_of_client(c).unwrap()),
        vec![early, gone, late]
    );
    let bogus = store
        .conn
        .execute("UPDATE invoices SET status = 'lost'", []);
    assert!(
        bogus.is_err(),
        "the CHECK constraint refuses unknown states"
    );
}

#[test]
fn partial_payments_add_up_to_paid() {
    let (_dir, store) = store();
    let c = client(&store, "a@a.fr");
    let id = invoice(&store, c, "F-1", "100.00");
    let row = store.record_payment(id, dec!(40.10)).unwrap();
    assert_eq!((row.paid, row.status), (dec!(40.10), InvoiceStatus::Open));
    assert_eq!(row.balance(), dec!(59.90));
    let row = store.record_payment(id, dec!(59.90)).unwrap();
    assert_eq!((row.paid, row.status), (dec!(100.00), InvoiceStatus::Paid));
    let err = store.record_payment(id, dec!(0)).unwrap_err();
    assert!(matches!(err, Error::BadPayment { .. }));
    let missing = store.record_payment(InvoiceId(999), dec!(1));
    assert!(matches!(missing, Err(Error::NoInvoice(InvoiceId(999)))));
}

#[test]
fn pausing_and_missing_invoices() {
    let (_dir, store) = store();
    let c = client(&store, "a@a.fr");
    let id = invoice(&store, c, "F-1", "100");
    store.set_invoice_paused(id, true).unwrap();
    assert!(store.invoice(id).unwrap().paused);
    let err = store.set_invoice_paused(InvoiceId(999), true).unwrap_err();
    assert_eq!(err.to_string(), "no invoice with id 999");
}
