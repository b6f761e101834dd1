use super::*;
use crate::store::testutil::{addr, client, invoice, new_invoice, store, t};
use crate::store::{InvoiceSource, Original};

fn mid(s: &str) -> MessageId {
    MessageId::new(s).unwrap()
}

fn at(folder: &str, uidvalidity: u32, uid: u32) -> Location {
    Location {
        folder: folder.into(),
        uidvalidity,
        uid,
    }
}

fn reply(id: &str, location: Location) -> NewMessage {
    NewMessage {
        message_id: MessageId::new(id),
        in_reply_to: Some(mid("inv-1@me.fr")),
        references: vec![mid("inv-1@me.fr")],
        subject: "Re: Facture F-1".into(),
        from: Some(addr("compta@client-a.fr")),
        date: Some(t("2026-03-04T10:00:00Z")),
        location,
        direction: Direction::In,
    }
}

#[test]
fn a_message_round_trips() {
    let (_dir, store) = store();
    for direction in Direction::ALL {
        let mut m = reply(&format!("{direction}@c.fr"), at("INBOX", 1, 1));
        m.location.uid = if *direction == Direction::In { 1 } else { 2 };
        m.direction = *direction;
        let id = store.record_message(&m).unwrap().id;
        let row = store.message(id).unwrap().unwrap();
        assert_eq!(row.message_id, m.message_id);
        assert_eq!(row.in_reply_to, m.in_reply_to);
        assert_eq!(row.references, m.references);
        assert_eq!(
            (row.subject, row.from, row.date),
            (m.subject, m.from, m.date)
        );
        assert_eq!(row.direction, *direction);
    }
}

#[test]
fn recording_a_message_again_is_a_no_op() {
    let (_dir, store) = store();
    let first = store
        .record_message(&reply("r1@c.fr", at("INBOX", 1, 10)))
        .unwrap();
    assert!(first.new);
    let same_place = store
        .record_message(&reply("r1@c.fr", at("INBOX", 1, 10)))
        .unwrap();
    assert_eq!(
        same_place,
        Recorded {
            id: first.id,
            new: false
        }
    );
    // The same message in another folder is the same message.
    let copy = store
        .record_message(&reply("<r1@c.fr>", at("Archive", 3, 5)))
        .unwrap();
    assert_eq!(
        copy,
        Recorded {
            id: first.id,
            new: false
        }
    );
    assert_eq!(
        store.message_at(&at("Archive", 3, 5)).unwrap(),
        Some(first.id)
    );
    // Without a Message-ID only the location identifies it.
    let anon = store
        .record_message(&reply("", at("INBOX", 1, 11)))
        .unwrap();
    assert!(anon.new);
    let anon_again = store
        .record_message(&reply("", at("INBOX", 1, 11)))
        .unwrap();
    assert_eq!(
        anon_again,
        Recorded {
            id: anon.id,
            new: false
        }
    );
    assert_eq!(store.find_message(&mid("r1@c.fr")).unwrap(), Some(first.id));
}

#[test]
fn uidvalidity_change_forgets_uids_but_keeps_messages() {
    let (_dir, store) = store();
    let c = client(&store, "compta@client-a.fr");
    let mut inv = new_invoice(c, "F-1", "100", "2026-02-01");
    inv.source = InvoiceSource::SentFolder;
    inv.original = Some(Original {
        message_id: mid("inv-1@me.fr"),
        subject: "Facture F-1".into(),
        references: vec![],
        thread_topic: None,
        thread_index: None,
        location: Some(at("Sent", 1, 7)),
    });
    let invoice_id = store.insert_invoice(&inv).unwrap().id;
    let sent = NewMessage {
        direction: Direction::Out,
        ..reply("inv-1@me.fr", at("Sent", 1, 7))
    };
    let row = store.record_message(&sent).unwrap().id;
    let state = FolderState {
        folder: "Sent".into(),
        uidvalidity: 1,
        last_uid: 7,
        highest_modseq: Some(1234),
    };
    store.set_folder_state(&state).unwrap();
    assert_eq!(store.folder_state("Sent").unwrap(), Some(state));

    store.reset_folder("Sent", 2).unwrap();
    let reset = store.folder_state("Sent").unwrap().unwrap();
    assert_eq!(
        (reset.uidvalidity, reset.last_uid, reset.highest_modseq),
        (2, 0, None)
    );
    assert_eq!(store.message_at(&at("Sent", 1, 7)).unwrap(), None);
    let lost = store.invoice(invoice_id).unwrap().original.unwrap();
    assert_eq!(lost.location, None);

    // Seen again under the new UIDVALIDITY: same row, invoice located again.
    let again = store.record_message(&NewMessage {
        location: at("Sent", 2, 3),
        ..sent
    });
    assert_eq!(
        again.unwrap(),
        Recorded {
            id: row,
            new: false
        }
    );
    let found = store.invoice(invoice_id).unwrap().original.unwrap();
    assert_eq!(found.location, Some(at("Sent", 2, 3)));
    assert_eq!(store.folder_state("INBOX").unwrap(), None);
}

#[test]
fn replies_find_their_invoices_through_any_reference() {
    let (_dir, store) = store();
    let c = client(&store, "compta@client-a.fr");
    let mut inv = new_invoice(c, "F-1", "100", "2026-02-01");
    inv.original = Some(Original {
        message_id: mid("inv-1@me.fr"),
        subject: "Facture F-1".into(),
        references: vec![mid("quote@me.fr")],
        thread_topic: None,
        thread_index: None,
        location: None,
    });
    let i1 = store.insert_invoice(&inv).unwrap().id;
    let i2 = invoice(&store, c, "F-2", "50");
    let r = store
        .record_message(&reply("r1@c.fr", at("INBOX", 1, 1)))
        .unwrap()
        .id;
    store.link_message(r, &[i2]).unwrap();
    store.link_message(r, &[i2]).unwrap();

    let by_original = store
        .invoices_for_references(&[mid("inv-1@me.fr")])
        .unwrap();
    assert_eq!(by_original, vec![i1]);
    let both = store
        .invoices_for_references(&[mid("unknown@x"), mid("r1@c.fr"), mid("inv-1@me.fr")])
        .unwrap();
    assert_eq!(both, vec![i1, i2]);
    assert!(store.invoices_for_references(&[]).unwrap().is_empty());
    let many: Vec<MessageId> = (0..1200).map(|i| mid(&format!("x{i}@y"))).collect();
    assert!(store.invoices_for_references(&many).unwrap().is_empty());

    store.link_message(r, &[i1]).unwrap();
    let thread = store.thread_message_ids(i1).unwrap();
    assert_eq!(
        thread,
        vec![mid("quote@me.fr"), mid("inv-1@me.fr"), mid("r1@c.fr")]
    );
    assert!(
        store
            .thread_message_ids(invoice(&store, c, "F-3", "1"))
            .unwrap()
            .is_empty()
    );
}
