use chrono::Duration;
use rust_decimal_macros::dec;

use super::*;
use crate::domain::{InvoiceStatus, MessageId, OutboxId, StepAction, StepNo};
use crate::engine::{EventKind, SentKind};
use crate::store::testutil::{addr, client, eur, invoice, store, t};
use crate::store::{Actor, ContactSource, NewAudit, NewEvent, NewIntent, OutboxState};

fn pause(client: ClientId, at: &str) -> NewEvent {
    NewEvent {
        client,
        at: t(at),
        invoices: vec![],
        kind: EventKind::UserPause,
        message: None,
    }
}

fn send(store: &Store, client: ClientId, invoice: InvoiceId, n: u8, at: &str) -> OutboxId {
    let intent = NewIntent {
        client: Some(client),
        purpose: Purpose::Case(SentKind::Step {
            step: StepNo(n),
            action: StepAction::Email,
            promise_not_kept: false,
        }),
        invoices: vec![invoice],
        recipients: vec![addr("compta@client-a.fr")],
        message_id: MessageId::new(&format!("step{n}-{client}@me.fr")).unwrap(),
        created_at: t(at),
        state: OutboxState::Sending,
        raw: None,
    };
    let audit = NewAudit {
        at: t(at),
        client: Some(client),
        invoices: vec![invoice],
        decision: format!("send step {n}"),
        reason: "due".into(),
        actor: Actor::Daemon,
    };
    store.insert_intent(&intent, &audit).unwrap()
}

#[test]
fn a_case_holds_contacts_invoices_events_and_history_in_order() {
    let (_dir, store) = store();
    let c = client(&store, "compta@client-a.fr");
    store
        .add_contact(c, &addr("boss@client-a.fr"), true, ContactSource::Config)
        .unwrap();
    let i1 = invoice(&store, c, "F-1", "100.00");
    let i2 = invoice(&store, c, "F-2", "50");
    store.record_payment(i2, dec!(50)).unwrap();
    let other = client(&store, "x@other.fr");
    invoice(&store, other, "F-1", "1");
    store
        .record_event(&pause(other, "2026-03-01T00:00:00Z"))
        .unwrap();

    // Recorded out of time order on purpose.
    let late = store
        .record_event(&pause(c, "2026-03-10T09:00:00Z"))
        .unwrap();
    let early = store
        .record_event(&pause(c, "2026-03-02T09:00:00Z"))
        .unwrap();
    let s2 = send(&store, c, i1, 2, "2026-03-09T09:00:00Z");
    store.mark_sent(s2, t("2026-03-09T09:00:05Z")).unwrap();
    let s1 = send(&store, c, i1, 1, "2026-03-03T09:00:00Z");
    store.mark_sent(s1, t("2026-03-03T09:00:02Z")).unwrap();
    store.mark_appended(s1).unwrap();
    let failed = send(&store, c, i1, 3, "2026-03-11T09:00:00Z");
    store.mark_failed(failed, "refused").unwrap();
    send(&store, c, i1, 4, "2026-03-12T09:00:00Z");

    let case = store.load_case(c).unwrap();
    assert_eq!(
        (case.client, case.client_name.as_str()),
        (c, "compta@client-a.fr")
    );
    assert_eq!(case.contacts.len(), 2);
    assert!(case.contacts[0].billing);
    assert_eq!(case.invoices.len(), 2);
    assert_eq!(case.invoices[0].amount, eur("100.00"));
    assert_eq!(case.invoices[1].status, InvoiceStatus::Paid);
    assert_eq!(case.invoices[1].paid, dec!(50));
    let events: Vec<_> = case.events.iter().map(|e| e.id).collect();
    assert_eq!(events, vec![early, late]);
    let steps: Vec<(u8, chrono::DateTime<chrono::Utc>)> = case
        .history
        .iter()
        .map(|s| match s.kind {
            SentKind::Step { step, .. } => (step.0, s.at),
            ref other => panic!("unexpected {other:?}"),
        })
        .collect();
    // Sent entries at their sending time; the failed one is not history; the
    // one still `sending` counts, at its creation time.
    assert_eq!(
        steps,
        vec![
            (1, t("2026-03-03T09:00:02Z")),
            (2, t("2026-03-09T09:00:05Z")),
            (4, t("2026-03-12T09:00:00Z")),
        ]
    );
    assert_eq!(case.history[0].invoices, vec![i1]);
    assert_eq!(case.history[0].recipients, vec![addr("compta@client-a.fr")]);
    assert!(matches!(
        store.load_case(ClientId(999)),
        Err(Error::NoClient(_))
    ));
}

#[test]
fn forewarnings_and_digests_are_not_history() {
    let (_dir, store) = store();
    let c = client(&store, "compta@client-a.fr");
    let intent = NewIntent {
        client: None,
        purpose: Purpose::Digest,
        invoices: vec![],
        recipients: vec![addr("me@atelier.fr")],
        message_id: MessageId::new("digest@me.fr").unwrap(),
        created_at: t("2026-03-02T07:00:00Z"),
        state: OutboxState::Sending,
        raw: None,
    };
    let audit = NewAudit {
        at: t("2026-03-02T07:00:00Z"),
        client: None,
        invoices: vec![],
        decision: "weekly digest".into(),
        reason: "monday".into(),
        actor: Actor::Daemon,
    };
    store.insert_intent(&intent, &audit).unwrap();
    assert!(store.load_case(c).unwrap().history.is_empty());
}

#[test]
fn all_cases_match_one_by_one() {
    let (_dir, store) = store();
    let base = t("2026-03-01T09:00:00Z");
    for n in 0..30 {
        let c = client(&store, &format!("c{n}@client{n}.fr"));
        for k in 0..(n % 4) {
            let i = invoice(&store, c, &format!("F-{k}"), "10");
            if k == 1 {
                let at = base + Duration::hours(i64::from(n));
                let at = at.to_rfc3339();
                send(&store, c, i, 1, &at);
                store.record_event(&pause(c, &at)).unwrap();
            }
        }
    }
    let all = store.load_all_cases().unwrap();
    assert_eq!(all.len(), 30);
    for case in &all {
        assert_eq!(case, &store.load_case(case.client).unwrap());
    }
    assert!(
        all.iter()
            .any(|c| !c.history.is_empty() && !c.events.is_empty())
    );
}
