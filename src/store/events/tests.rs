use chrono::NaiveDate;
use rust_decimal_macros::dec;

use super::*;
use crate::domain::MessageId;
use crate::store::testutil::{addr, client, d, invoice, store, t};
use crate::store::{Direction, Location, NewMessage};

fn message(store: &Store, uid: u32) -> MessageRowId {
    let m = NewMessage {
        message_id: MessageId::new(&format!("m{uid}@client-a.fr")),
        in_reply_to: None,
        references: vec![],
        subject: "Re: Facture".into(),
        from: Some(addr("compta@client-a.fr")),
        date: Some(t("2026-03-04T10:00:00Z")),
        location: Location {
            folder: "INBOX".into(),
            uidvalidity: 1,
            uid,
        },
        direction: Direction::In,
    };
    store.record_message(&m).unwrap().id
}

fn reply_kind(class: ReplyClass, date: Option<NaiveDate>) -> EventKind {
    EventKind::Reply {
        class,
        date,
        amount: (class == ReplyClass::Partial).then_some(dec!(100.50)),
        from: addr("compta@client-a.fr"),
        known_sender: class != ReplyClass::Other,
        failed_address: (class == ReplyClass::Bounce).then(|| addr("old@client-a.fr")),
    }
}

fn classification(message: MessageRowId, class: ReplyClass) -> NewClassification {
    NewClassification {
        message,
        at: t("2026-03-04T10:01:00Z"),
        class,
        date: Some(d("2026-03-15")),
        amount: Some(dec!(100.50)),
        evidence: "nous réglerons le 15".into(),
    }
}

fn every_kind() -> Vec<EventKind> {
    let mut kinds: Vec<EventKind> = ReplyClass::ALL
        .iter()
        .map(|c| reply_kind(*c, Some(d("2026-03-15"))))
        .collect();
    kinds.push(reply_kind(ReplyClass::Ooo, None));
    kinds.extend([
        EventKind::ManualContact,
        EventKind::UserPromise {
            date: d("2026-03-20"),
        },
        EventKind::UserConfirmPaid,
        EventKind::UserRejectPaid,
        EventKind::UserPause,
        EventKind::UserResume,
        EventKind::UserConfirmNotice,
        EventKind::UserStop,
    ]);
    kinds
}

#[test]
fn every_event_kind_round_trips_through_a_case() {
    let (_dir, store) = store();
    let c = client(&store, "compta@client-a.fr");
    let i = invoice(&store, c, "F-1", "100");
    let kinds = every_kind();
    for (n, kind) in kinds.iter().enumerate() {
        let event = NewEvent {
            client: c,
            at: t("2026-03-01T09:00:00Z") + chrono::Duration::minutes(n as i64),
            invoices: if n % 2 == 0 { vec![i] } else { vec![] },
            kind: kind.clone(),
            message: None,
        };
        store.record_event(&event).unwrap();
    }
    let case = store.load_case(c).unwrap();
    let back: Vec<EventKind> = case.events.iter().map(|e| e.kind.clone()).collect();
    assert_eq!(back, kinds);
    assert_eq!(case.events[0].invoices, vec![i]);
    assert!(case.events[1].invoices.is_empty());
    let tags: std::collections::BTreeSet<EventTag> =
        kinds.iter().map(|k| kind_columns(k).tag).collect();
    assert_eq!(
        tags.len(),
        EventTag::ALL.len(),
        "the test covers every kind"
    );
}

#[test]
fn a_classification_and_its_event_are_recorded_together() {
    let (_dir, store) = store();
    let c = client(&store, "compta@client-a.fr");
    for (uid, class) in (1..).zip(ReplyClass::ALL) {
        let m = message(&store, uid);
        let event = NewEvent {
            client: c,
            at: t("2026-03-04T10:00:00Z"),
            invoices: vec![],
            kind: reply_kind(*class, None),
            message: Some(m),
        };
        let (id, ev) = store
            .record_classification(&classification(m, *class), Some(&event))
            .unwrap();
        assert!(ev.is_some());
        let (found, read) = store.classification(m).unwrap().unwrap();
        assert_eq!(found, id);
        assert_eq!(read, classification(m, *class));
    }
    assert_eq!(
        store.load_case(c).unwrap().events.len(),
        ReplyClass::ALL.len()
    );

    // A classification whose event is refused leaves nothing behind.
    let m = message(&store, 100);
    let orphan = NewEvent {
        client: ClientId(999),
        at: t("2026-03-04T10:00:00Z"),
        invoices: vec![],
        kind: EventKind::ManualContact,
        message: Some(m),
    };
    let refused = store.record_classification(&classification(m, ReplyClass::Paid), Some(&orphan));
    assert!(refused.is_err());
    assert_eq!(store.classification(m).unwrap(), None);
}

#[test]
fn an_override_retracts_the_old_event() {
    let (_dir, store) = store();
    let c = client(&store, "compta@client-a.fr");
    let m = message(&store, 1);
    let event = |class| NewEvent {
        client: c,
        at: t("2026-03-04T10:00:00Z"),
        invoices: vec![],
        kind: reply_kind(class, None),
        message: Some(m),
    };
    let (old, _) = store
        .record_classification(
            &classification(m, ReplyClass::Other),
            Some(&event(ReplyClass::Other)),
        )
        .unwrap();
    let (new, new_event) = store
        .override_classification(
            old,
            &classification(m, ReplyClass::Promise),
            Some(&event(ReplyClass::Promise)),
        )
        .unwrap();
    assert_ne!(old, new);
    assert_eq!(store.classification(m).unwrap().unwrap().0, new);
    let events = store.load_case(c).unwrap().events;
    assert_eq!(events.len(), 1);
    assert_eq!(Some(events[0].id), new_event);
    assert!(matches!(
        events[0].kind,
        EventKind::Reply {
            class: ReplyClass::Promise,
            ..
        }
    ));
}

#[test]
fn a_command_and_its_events_are_recorded_together() {
    let (_dir, store) = store();
    let c = client(&store, "compta@client-a.fr");
    let i = invoice(&store, c, "F-1", "100");
    let cmd = NewCommand {
        at: t("2026-03-05T08:00:00Z"),
        name: "promise".into(),
        args: vec!["F-1".into(), "20/03".into(), "with spaces".into()],
    };
    let event = NewEvent {
        client: c,
        at: cmd.at,
        invoices: vec![i],
        kind: EventKind::UserPromise {
            date: d("2026-03-20"),
        },
        message: None,
    };
    let (id, events) = store.record_command(&cmd, &[event]).unwrap();
    assert_eq!(events.len(), 1);
    let (name, args): (String, String) = store
        .conn
        .query_row(
            "SELECT name, args FROM commands WHERE id = ?1",
            [id.0],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!(name, "promise");
    assert_eq!(args, r#"["F-1","20/03","with spaces"]"#);
    let linked: Option<i64> = store
        .conn
        .query_row(
            "SELECT command FROM events WHERE id = ?1",
            [events[0]],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(linked, Some(id.0));
}
