//! Bounces: retry to the other contacts, or pause and alert once.

use super::*;
use StepAction::Email;

fn after_step1(events: Vec<Event>) -> Case {
    let mut c = one_invoice();
    c.history = vec![done("2026-03-04T08:00", 1, Email, &[42])];
    c.events = events;
    c
}

#[test]
fn bounce_retries_the_same_step_to_the_billing_contact() {
    let mut c = one_invoice();
    c.contacts = vec![
        contact(COMPTA, false),
        contact("boss@client-a.fr", false),
        contact(BILLING, true),
    ];
    c.history = vec![Sent {
        recipients: vec![addr(COMPTA)],
        ..done("2026-03-04T08:00", 1, Email, &[42])
    }];
    let mut bounce = reply(7, "2026-03-04T08:05", ReplyClass::Bounce, None);
    if let EventKind::Reply { failed_address, .. } = &mut bounce.kind {
        *failed_address = Some(addr(COMPTA));
    }
    c.events = vec![bounce];
    let got = decide(&c, &policy(), t("2026-03-04T08:10"));
    assert_eq!(
        got.actions,
        vec![Action::Step {
            step: StepNo(1),
            action: Email,
            template: "step1".into(),
            invoices: vec![InvoiceId(42)],
            recipients: vec![addr(BILLING), addr("boss@client-a.fr")],
            promise_not_kept: false,
        }]
    );
    assert!(got.reason.contains("retried"), "{}", got.reason);
    // After the retry, step 2 comes as usual and skips the dead address.
    c.history.push(Sent {
        recipients: vec![addr(BILLING), addr("boss@client-a.fr")],
        ..done("2026-03-04T08:10", 1, Email, &[42])
    });
    // Invoice 2 now drives the level: due 3 March, step 2 on the 13th.
    let got = decide(&c, &policy(), t("2026-03-13T08:00"));
    assert!(matches!(
        got.actions.as_slice(),
        [Action::Step { step: StepNo(2), recipients, .. }] if recipients == &vec![addr(BILLING), addr("boss@client-a.fr")]
    ));
}

#[test]
fn bounce_without_another_contact_pauses_and_alerts_once() {
    let mut c = after_step1(vec![reply(7, "2026-03-04T09:00", ReplyClass::Bounce, None)]);
    let got = decide(&c, &policy(), t("2026-03-04T09:05"));
    assert_eq!(alerts(&got), vec![(AlertKind::Bounce, Some(7))]);
    assert!(steps(&got).is_empty());
    assert_eq!(state_of(&got, 42), CaseState::Paused);
    c.history.push(alert_sent(
        "2026-03-04T09:05",
        AlertKind::Bounce,
        Some(7),
        &[42],
    ));
    let got = decide(&c, &policy(), t("2026-03-12T08:00"));
    assert!(got.actions.is_empty(), "no second alert when step 2 comes");
    assert_eq!(state_of(&got, 42), CaseState::Paused);
    // The user adds a billing contact: step 1 is retried to it.
    c.contacts.push(contact(BILLING, true));
    let got = decide(&c, &policy(), t("2026-03-12T08:00"));
    assert_eq!(steps(&got), vec![(1, Email)]);
}

#[test]
fn a_client_without_any_contact_is_paused_with_one_alert() {
    let mut c = one_invoice();
    c.contacts.clear();
    let got = decide(&c, &policy(), t("2026-03-04T08:00"));
    assert_eq!(alerts(&got), vec![(AlertKind::Bounce, None)]);
    assert_eq!(state_of(&got, 42), CaseState::Paused);
    c.history.push(alert_sent(
        "2026-03-04T08:00",
        AlertKind::Bounce,
        None,
        &[42],
    ));
    assert!(
        decide(&c, &policy(), t("2026-03-05T08:00"))
            .actions
            .is_empty()
    );
}

#[test]
fn the_billing_contact_is_kept_for_after_a_bounce() {
    let mut c = one_invoice();
    c.contacts = vec![contact(COMPTA, false), contact(BILLING, true)];
    let got = decide(&c, &policy(), t("2026-03-04T08:00"));
    assert!(matches!(
        got.actions.as_slice(),
        [Action::Step { step: StepNo(1), recipients, .. }] if recipients == &vec![addr(COMPTA)]
    ));
}
