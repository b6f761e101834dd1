use super::*;
use crate::domain::StepNo;
use crate::engine::AlertKind;
use crate::store::testutil::{addr, client, invoice, store, t};
use crate::store::{Actor, NewAudit};

fn mid(s: &str) -> MessageId {
    MessageId::new(s).unwrap()
}

fn step(n: u8, action: StepAction) -> Purpose {
    Purpose::Case(SentKind::Step {
        step: StepNo(n),
        action,
        promise_not_kept: n == 4,
    })
}

fn intent(client: ClientId, invoices: Vec<InvoiceId>, purpose: Purpose, id: &str) -> NewIntent {
    NewIntent {
        client: Some(client),
        purpose,
        invoices,
        recipients: vec![addr("compta@client-a.fr"), addr("boss@client-a.fr")],
        message_id: mid(id),
        created_at: t("2026-03-04T09:00:00Z"),
        state: OutboxState::Sending,
        raw: Some(b"Subject: Re: Facture\r\n\r\nBonjour".to_vec()),
    }
}

fn audit(client: ClientId, invoices: Vec<InvoiceId>) -> NewAudit {
    NewAudit {
        at: t("2026-03-04T09:00:00Z"),
        client: Some(client),
        invoices,
        decision: "send step 1".into(),
        reason: "due + 2 business days".into(),
        actor: Actor::Daemon,
    }
}

#[test]
fn an_intent_is_recorded_with_its_audit_entry() {
    let (_dir, store) = store();
    let c = client(&store, "compta@client-a.fr");
    let (i1, i2) = (
        invoice(&store, c, "F-1", "10"),
        invoice(&store, c, "F-2", "20"),
    );
    let new = intent(c, vec![i2, i1], step(1, StepAction::Email), "r1@me.fr");
    let id = store.insert_intent(&new, &audit(c, vec![i1, i2])).unwrap();
    let row = store.outbox_entry(id).unwrap();
    assert_eq!(row.purpose, new.purpose);
    assert_eq!(row.invoices, vec![i1, i2]);
    assert_eq!(row.recipients, new.recipients);
    assert_eq!(row.message_id, new.message_id);
    assert_eq!((row.state, row.attempts), (OutboxState::Sending, 1));
    assert_eq!(row.created_at, new.created_at);
    assert_eq!(store.outbox_raw(id).unwrap(), new.raw);
    assert_eq!(store.find_outbox(&mid("r1@me.fr")).unwrap(), Some(id));
    let logged = store.audit_for_invoice(i2).unwrap();
    assert_eq!(logged.len(), 1);
    assert_eq!(logged[0].outbox, Some(id));
    assert_eq!(store.pending_intents().unwrap(), vec![row]);
}

#[test]
fn a_refused_intent_leaves_no_audit_entry() {
    let (_dir, store) = store();
    let c = client(&store, "compta@client-a.fr");
    let i = invoice(&store, c, "F-1", "10");
    let first = intent(c, vec![i], step(1, StepAction::Email), "dup@me.fr");
    store.insert_intent(&first, &audit(c, vec![i])).unwrap();
    // The Message-ID is unique: the second insert fails, and so does its audit.
    assert!(store.insert_intent(&first, &audit(c, vec![i])).is_err());
    assert_eq!(store.audit_for_invoice(i).unwrap().len(), 1);
    let sent = OutboxState::Sent;
    let bad_start = NewIntent {
        state: sent,
        ..first
    };
    let err = store
        .insert_intent(&bad_start, &audit(c, vec![i]))
        .unwrap_err();
    assert!(matches!(err, Error::IntentState(OutboxState::Sent)));
}

#[test]
fn every_purpose_round_trips() {
    let (_dir, store) = store();
    let c = client(&store, "compta@client-a.fr");
    let event = store
        .record_event(&crate::store::NewEvent {
            client: c,
            at: t("2026-03-01T09:00:00Z"),
            invoices: vec![],
            kind: crate::engine::EventKind::UserPause,
            message: None,
        })
        .unwrap();
    let mut purposes = vec![
        step(1, StepAction::Email),
        step(3, StepAction::CallTask),
        step(4, StepAction::Email),
        step(5, StepAction::Notice),
        Purpose::Case(SentKind::EndOfSequence),
        Purpose::Forewarning,
        Purpose::Digest,
    ];
    purposes.extend(AlertKind::ALL.iter().map(|kind| {
        let event = (*kind == AlertKind::Dispute).then_some(event);
        Purpose::Case(SentKind::Alert { kind: *kind, event })
    }));
    let kinds: std::collections::BTreeSet<OutboxKind> =
        purposes.iter().map(Purpose::kind).collect();
    assert_eq!(
        kinds.len(),
        OutboxKind::ALL.len(),
        "the test covers every kind"
    );
    for (n, purpose) in purposes.into_iter().enumerate() {
        let mut new = intent(c, vec![], purpose.clone(), &format!("p{n}@me.fr"));
        if matches!(purpose, Purpose::Forewarning | Purpose::Digest) {
            new.client = None;
        }
        let id = store.insert_intent(&new, &audit(c, vec![])).unwrap();
        assert_eq!(store.outbox_entry(id).unwrap().purpose, purpose);
    }
}

#[test]
fn states_move_only_forward() {
    let (_dir, store) = store();
    let c = client(&store, "compta@client-a.fr");
    let planned = NewIntent {
        state: OutboxState::Planned,
        ..intent(c, vec![], step(1, StepAction::Email), "s1@me.fr")
    };
    let id = store.insert_intent(&planned, &audit(c, vec![])).unwrap();
    assert_eq!(store.outbox_entry(id).unwrap().attempts, 0);
    assert_eq!(
        store.outbox_in_state(OutboxState::Planned).unwrap().len(),
        1
    );
    let err = store.mark_sent(id, t("2026-03-04T09:01:00Z")).unwrap_err();
    assert_eq!(
        err.to_string(),
        format!("outbox entry {id} is 'planned' and cannot become 'sent'")
    );

    store.mark_sending(id).unwrap();
    store.mark_failed(id, "smtp: 451 try later").unwrap();
    let failed = store.outbox_entry(id).unwrap();
    assert_eq!(failed.state, OutboxState::Failed);
    assert_eq!(failed.last_error.as_deref(), Some("smtp: 451 try later"));
    store.mark_sending(id).unwrap();
    store.mark_sent(id, t("2026-03-04T09:05:00Z")).unwrap();
    store.mark_appended(id).unwrap();
    let done = store.outbox_entry(id).unwrap();
    assert_eq!((done.state, done.attempts), (OutboxState::Appended, 2));
    assert_eq!(done.sent_at, Some(t("2026-03-04T09:05:00Z")));
    assert_eq!(done.last_error, None);
    assert!(store.cancel_intent(id).is_err());

    let other = intent(c, vec![], step(2, StepAction::Email), "s2@me.fr");
    let other = store
        .insert_intent(
            &NewIntent {
                state: OutboxState::Planned,
                ..other
            },
            &audit(c, vec![]),
        )
        .unwrap();
    store.cancel_intent(other).unwrap();
    assert_eq!(
        store.outbox_entry(other).unwrap().state,
        OutboxState::Cancelled
    );
    assert!(matches!(
        store.mark_sending(OutboxId(999)),
        Err(Error::NoOutbox(_))
    ));
    store.set_outbox_raw(other, b"raw").unwrap();
    assert_eq!(store.outbox_raw(other).unwrap(), Some(b"raw".to_vec()));
}

#[test]
fn reminders_join_the_invoice_thread() {
    let (_dir, store) = store();
    let c = client(&store, "compta@client-a.fr");
    let i = invoice(&store, c, "F-1", "10");
    let task = intent(c, vec![i], step(3, StepAction::CallTask), "task@me.fr");
    store.insert_intent(&task, &audit(c, vec![i])).unwrap();
    let reminder = intent(c, vec![i], step(1, StepAction::Email), "rem1@me.fr");
    store.insert_intent(&reminder, &audit(c, vec![i])).unwrap();
    // The call task goes to the user, so it is not part of the client thread.
    assert_eq!(
        store.thread_message_ids(i).unwrap(),
        vec![mid("rem1@me.fr")]
    );
    let found = store.invoices_for_references(&[mid("rem1@me.fr")]).unwrap();
    assert_eq!(found, vec![i]);
}
