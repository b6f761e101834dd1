//! Alerts to the user: once per event, outside the window, and the
//! limitation warning.

use super::*;
use StepAction::Email;

fn after_step1(events: Vec<Event>) -> Case {
    let mut c = one_invoice();
    c.history = vec![done("2026-03-04T08:00", 1, Email, &[42])];
    c.events = events;
    c
}

#[test]
fn event_alerts_go_out_once() {
    let mut c = after_step1(vec![reply(
        7,
        "2026-03-11T10:00",
        ReplyClass::Question,
        None,
    )]);
    assert_eq!(
        alerts(&decide(&c, &policy(), t("2026-03-11T10:00"))),
        vec![(AlertKind::Question, Some(7))]
    );
    c.history.push(alert_sent(
        "2026-03-11T10:00",
        AlertKind::Question,
        Some(7),
        &[42],
    ));
    assert!(
        decide(&c, &policy(), t("2026-03-11T10:01"))
            .actions
            .is_empty()
    );
    // Alerts are not bound to the sending window: 22:00 on a Saturday.
    let c = after_step1(vec![reply(
        8,
        "2026-03-14T21:00",
        ReplyClass::Dispute,
        None,
    )]);
    assert_eq!(
        alerts(&decide(&c, &policy(), t("2026-03-14T21:00"))),
        vec![(AlertKind::Dispute, Some(8))]
    );
}

#[test]
fn limitation_alert_once_six_months_before_five_years() {
    let mut c = case(vec![invoice(1, d(2021, 6, 30), 800)]);
    c.history = vec![Sent {
        at: t("2021-09-01T08:00"),
        kind: SentKind::EndOfSequence,
        invoices: vec![InvoiceId(1)],
        recipients: Vec::new(),
    }];
    c.history
        .insert(0, done("2021-07-02T08:00", 1, Email, &[1]));
    let before = decide(&c, &policy(), t("2025-12-20T10:00"));
    assert!(before.actions.is_empty());
    assert_eq!(before.next_wake, Some(t("2025-12-29T23:00")));
    assert_eq!(state_of(&before, 1), CaseState::Ended);
    let got = decide(&c, &policy(), t("2025-12-30T10:00"));
    assert_eq!(alerts(&got), vec![(AlertKind::Limitation, None)]);
    c.history.push(alert_sent(
        "2025-12-30T10:00",
        AlertKind::Limitation,
        None,
        &[1],
    ));
    assert!(
        decide(&c, &policy(), t("2026-01-15T10:00"))
            .actions
            .is_empty()
    );
}
