//! Step 5 (formal notice), its confirmation and the end of the sequence.

use super::*;
use StepAction::{CallTask, Email, Notice};

/// F-2026-0042 after step 4 on 23 March; step 5 would be due on 7 April
/// (25 business days, Easter Monday skipped), 09:00 summer time.
fn after_step4(events: Vec<Event>) -> Case {
    let mut c = one_invoice();
    c.history = vec![
        done("2026-03-04T08:00", 1, Email, &[42]),
        done("2026-03-12T08:00", 2, Email, &[42]),
        done("2026-03-17T08:00", 3, CallTask, &[42]),
        done("2026-03-23T08:00", 4, Email, &[42]),
    ];
    c.events = events;
    c
}

fn ends(d: &Decision) -> usize {
    d.actions
        .iter()
        .filter(|a| matches!(a, Action::EndOfSequence { .. }))
        .count()
}

#[test]
fn without_confirmation_the_case_waits_at_step_four_with_one_alert() {
    let mut c = after_step4(Vec::new());
    let got = decide(&c, &policy(), t("2026-04-07T06:59"));
    assert!(got.actions.is_empty());
    assert_eq!(got.next_wake, Some(t("2026-04-07T07:00")));
    let got = decide(&c, &policy(), t("2026-04-07T07:00"));
    assert_eq!(alerts(&got), vec![(AlertKind::NoticeReady, None)]);
    assert!(steps(&got).is_empty());
    c.history.push(alert_sent(
        "2026-04-07T07:00",
        AlertKind::NoticeReady,
        None,
        &[42],
    ));
    // No second alert; the end comes the day after 15 days from the alert.
    let got = decide(&c, &policy(), t("2026-04-20T10:00"));
    assert!(got.actions.is_empty());
    assert_eq!(got.next_wake, Some(t("2026-04-23T07:00")));
    assert_eq!(state_of(&got, 42), CaseState::Scheduled);
    assert_eq!(got.invoices[0].step, StepNo(4));
    let got = decide(&c, &policy(), t("2026-04-23T07:00"));
    assert_eq!(
        got.actions,
        vec![Action::EndOfSequence {
            invoices: vec![InvoiceId(42)]
        }]
    );
    assert!(
        got.reason
            .starts_with("end of sequence due for F-2026-0042"),
        "{}",
        got.reason
    );
    c.history.push(Sent {
        at: t("2026-04-23T07:00"),
        kind: SentKind::EndOfSequence,
        invoices: vec![InvoiceId(42)],
        recipients: Vec::new(),
    });
    let got = decide(&c, &policy(), t("2026-05-04T10:00"));
    assert!(got.actions.is_empty(), "end once");
    assert_eq!(state_of(&got, 42), CaseState::Ended);
    assert_eq!(got.reason, "sequence ended: every step is done");
}

#[test]
fn confirmed_notice_is_step_five_then_the_end_after_its_deadline() {
    let confirm = event(9, "2026-03-30T10:00", EventKind::UserConfirmNotice);
    let mut c = after_step4(vec![confirm]);
    let got = decide(&c, &policy(), t("2026-04-07T07:00"));
    assert_eq!(steps(&got), vec![(5, Notice)]);
    assert!(matches!(&got.actions[0], Action::Step { template, .. } if template == "step5"));
    c.history.push(done("2026-04-07T07:00", 5, Notice, &[42]));
    let got = decide(&c, &policy(), t("2026-04-22T10:00"));
    assert!(
        got.actions.is_empty(),
        "the deadline day itself is the client's"
    );
    assert_eq!(got.next_wake, Some(t("2026-04-23T07:00")));
    assert_eq!(ends(&decide(&c, &policy(), t("2026-04-23T07:00"))), 1);
}

#[test]
fn a_late_confirmation_sends_the_notice_at_once() {
    let mut c = after_step4(vec![event(
        9,
        "2026-04-10T09:00",
        EventKind::UserConfirmNotice,
    )]);
    c.history.push(alert_sent(
        "2026-04-07T07:00",
        AlertKind::NoticeReady,
        None,
        &[42],
    ));
    assert!(
        decide(&c, &policy(), t("2026-04-10T08:59"))
            .actions
            .is_empty()
    );
    assert_eq!(
        steps(&decide(&c, &policy(), t("2026-04-10T09:00"))),
        vec![(5, Notice)]
    );
}

#[test]
fn notice_without_required_confirmation_goes_on_its_date() {
    let mut p = policy();
    p.notice_requires_confirmation = false;
    let c = after_step4(Vec::new());
    assert_eq!(
        steps(&decide(&c, &p, t("2026-04-07T07:00"))),
        vec![(5, Notice)]
    );
}

#[test]
fn a_promise_during_the_notice_wait_holds_the_end() {
    let promise = reply(
        7,
        "2026-04-08T10:00",
        ReplyClass::Promise,
        Some(d(2026, 4, 30)),
    );
    let mut c = after_step4(vec![promise]);
    c.history.push(alert_sent(
        "2026-04-07T07:00",
        AlertKind::NoticeReady,
        None,
        &[42],
    ));
    let got = decide(&c, &policy(), t("2026-04-23T07:00"));
    assert_eq!(ends(&got), 0);
    assert_eq!(state_of(&got, 42), CaseState::Promised);
    // 30 April + 2 business days (1 May is a holiday) = 5 May.
    assert_eq!(got.next_wake, Some(t("2026-05-04T22:00")));
}

#[test]
fn per_invoice_ladders_each_get_their_own_notice_alert_and_end() {
    let mut p = policy();
    p.grouping = Grouping::PerInvoice;
    let c = case(vec![
        invoice(1, d(2026, 3, 2), 100),
        invoice(2, d(2026, 3, 13), 100),
    ]);
    let plan = simulate(&c, &p, t("2026-03-01T00:00"), t("2026-06-30T00:00"));
    for id in [1, 2] {
        let of = |kind: fn(&Action) -> bool| {
            plan.iter()
                .filter(|s| kind(&s.detail))
                .filter(|s| s.invoices.iter().any(|n| n.0 == format!("F-2026-{id:04}")))
                .count()
        };
        let ready = of(|a| {
            matches!(
                a,
                Action::Alert {
                    kind: AlertKind::NoticeReady,
                    ..
                }
            )
        });
        let end = of(|a| matches!(a, Action::EndOfSequence { .. }));
        assert_eq!((ready, end), (1, 1), "invoice {id}");
    }
}

/// Step 4 bounced after the notice-ready alert and went again to the other
/// contact: the client gets that step's whole deadline before the user is
/// told the sequence is over, not what was left of the alert's.
#[test]
fn a_step_resent_after_a_bounce_gets_its_whole_deadline_before_the_end() {
    let bounce = Event {
        kind: EventKind::Reply {
            class: ReplyClass::Bounce,
            date: None,
            amount: None,
            from: addr(COMPTA),
            known_sender: true,
            failed_address: None,
        },
        ..reply(7, "2026-04-21T09:00", ReplyClass::Bounce, None)
    };
    let mut c = after_step4(vec![bounce]);
    c.contacts.push(contact(BILLING, true));
    c.history.push(alert_sent(
        "2026-04-07T07:00",
        AlertKind::NoticeReady,
        None,
        &[42],
    ));
    let p = policy();
    let mut now = t("2026-04-21T09:00");
    let mut resent = None;
    let mut ended = None;
    while now < t("2026-06-30T00:00") && ended.is_none() {
        let got = decide(&c, &p, now);
        for action in &got.actions {
            match action {
                Action::Step {
                    step, recipients, ..
                } => {
                    assert_eq!(*step, StepNo(4));
                    assert_eq!(recipients, &vec![addr(BILLING)]);
                    resent = Some(now);
                }
                Action::EndOfSequence { .. } => ended = Some(now),
                _ => {}
            }
            crate::engine::simulate::record(&mut c, action, now);
        }
        match got.next_wake {
            Some(wake) => now = wake,
            None => break,
        }
    }
    let resent = resent.expect("step 4 resent to the billing address");
    let ended = ended.expect("the end of the sequence");
    // Without the resend the end would have come on 23 April.
    assert!(
        ended >= resent + chrono::Duration::days(15),
        "resent {resent}, ended {ended}"
    );
}
