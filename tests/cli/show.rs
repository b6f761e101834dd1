//! `show` on an invoice with history: a step the daemon sent and a client
//! reply it classified, written through the library into the same database
//! the binary reads, as the daemon would have.

use chrono::{DateTime, Utc};
use relance::domain::{EmailAddress, MessageId, ReplyClass, StepAction, StepNo};
use relance::engine::{EventKind, SentKind};
use relance::store::{
    Actor, Direction, Location, NewAudit, NewClassification, NewEvent, NewIntent, NewMessage,
    OutboxState, Purpose, Store,
};
use serde_json::Value;

use crate::support::{Env, NOW};

fn t(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
}

/// Step 1 sent on 4 March, the client's promise read on 5 March.
fn seed(env: &Env) {
    let store = Store::open(&env.dir.path().join("state/relance.db")).unwrap();
    let inv = store.find_invoices_by_number(&relance::domain::InvoiceNumber("F-1".into()));
    let inv = inv.unwrap().pop().unwrap();
    let client_addr = EmailAddress::parse("compta@client-a.fr").unwrap();
    let step_id = MessageId::new("relance.1@atelier-dupont.example.fr").unwrap();
    let intent = NewIntent {
        client: Some(inv.client),
        purpose: Purpose::Case(SentKind::Step {
            step: StepNo(1),
            action: StepAction::Email,
            promise_not_kept: false,
        }),
        invoices: vec![inv.id],
        recipients: vec![client_addr.clone()],
        message_id: step_id.clone(),
        created_at: t("2026-03-04T09:00:00Z"),
        state: OutboxState::Sending,
        raw: None,
    };
    let audit = NewAudit {
        at: t("2026-03-04T09:00:00Z"),
        client: Some(inv.client),
        invoices: vec![inv.id],
        decision: "sent step 1".into(),
        reason: "due + 2 business days".into(),
        actor: Actor::Daemon,
    };
    let outbox = store.insert_intent(&intent, &audit).unwrap();
    store.mark_sent(outbox, t("2026-03-04T09:00:05Z")).unwrap();
    let reply = store
        .record_message(&NewMessage {
            message_id: MessageId::new("reply-1@client-a.fr"),
            in_reply_to: Some(step_id.clone()),
            references: vec![step_id],
            subject: "Re: Facture F-1".into(),
            from: Some(client_addr.clone()),
            date: Some(t("2026-03-05T08:12:00Z")),
            location: Location {
                folder: "INBOX".into(),
                uidvalidity: 1,
                uid: 7,
            },
            direction: Direction::In,
        })
        .unwrap()
        .id;
    store.link_message(reply, &[inv.id]).unwrap();
    let date = "2026-03-15".parse().ok();
    let class = NewClassification {
        message: reply,
        at: t("2026-03-05T08:13:00Z"),
        class: ReplyClass::Promise,
        date,
        amount: None,
        evidence: "nous réglerons le 15".into(),
    };
    let event = NewEvent {
        client: inv.client,
        at: t("2026-03-05T08:12:00Z"),
        invoices: vec![inv.id],
        kind: EventKind::Reply {
            class: ReplyClass::Promise,
            date,
            amount: None,
            from: client_addr,
            known_sender: true,
            failed_address: None,
        },
        message: Some(reply),
    };
    store.record_classification(&class, Some(&event)).unwrap();
}

#[test]
fn show_lists_the_thread_the_outbox_and_the_audit_log() {
    let env = Env::new();
    env.import(
        NOW,
        "F-1,compta@client-a.fr,Client A,1250.00,EUR,2026-01-31,2026-03-02\n",
    );
    seed(&env);
    let later = "2026-03-05T10:00:00+01:00";
    let v: Value = serde_json::from_str(&env.ok(later, &["show", "F-1", "--json"])).unwrap();
    assert_eq!(v["invoice"]["state"], "promised");
    assert_eq!(v["invoice"]["step"], 1);
    let thread = v["thread"].as_array().unwrap();
    assert_eq!(thread.len(), 1, "{thread:?}");
    assert_eq!(thread[0]["class"], "promise");
    assert_eq!(thread[0]["class_date"], "2026-03-15");
    assert_eq!(thread[0]["evidence"], "nous réglerons le 15");
    assert_eq!(thread[0]["date"], "2026-03-05T09:12:00+01:00");
    let outbox = v["outbox"].as_array().unwrap();
    assert_eq!(outbox.len(), 1, "{outbox:?}");
    assert_eq!(outbox[0]["purpose"], "step 1 email");
    assert_eq!(outbox[0]["state"], "sent");
    assert_eq!(outbox[0]["recipients"][0], "compta@client-a.fr");
    assert_eq!(outbox[0]["sent_at"], "2026-03-04T10:00:05+01:00");
    let by: Vec<&str> = v["audit"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["actor"].as_str().unwrap())
        .collect();
    assert_eq!(by, ["user", "daemon"]);

    let text = env.ok(later, &["show", "F-1"]);
    for part in [
        "Thread (1)",
        "promise 2026-03-15",
        "\u{ab}nous réglerons le 15\u{bb}",
        "Outbox (1)",
        "step 1 email",
        "Audit log (2)",
        "sent step 1",
    ] {
        assert!(text.contains(part), "{part}\n{text}");
    }
}
