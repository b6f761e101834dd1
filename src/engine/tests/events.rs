//! Replies, manual contact and user commands (SPEC §4 effects table).
//! Base: step 1 done on 4 March, step 2 normally due 12 March 08:00Z.

use super::*;
use StepAction::Email;

fn after_step1(events: Vec<Event>) -> Case {
    let mut c = one_invoice();
    c.history = vec![done("2026-03-04T08:00", 1, Email, &[42])];
    c.events = events;
    c
}

fn user(id: i64, at: &str, kind: EventKind) -> Event {
    event(id, at, kind)
}

/// (why, events, state after them, alerts then, next step 2 time)
type Row = (
    &'static str,
    Vec<Event>,
    CaseState,
    Vec<(AlertKind, Option<i64>)>,
    Option<&'static str>,
);

#[test]
fn each_reply_class_moves_the_next_step_or_holds_it() {
    let r = |class, date| vec![reply(7, "2026-03-11T10:00", class, date)];
    // (events, state at 11 March 10:05, alerts then, next step time)
    let cases: Vec<Row> = vec![
        (
            "promise",
            r(ReplyClass::Promise, Some(d(2026, 3, 20))),
            CaseState::Promised,
            vec![],
            Some("2026-03-24T08:00"),
        ),
        (
            "paid",
            r(ReplyClass::Paid, None),
            CaseState::PaidUnconfirmed,
            vec![(AlertKind::ConfirmPaid, Some(7))],
            Some("2026-03-18T08:00"),
        ),
        (
            "ooo with date",
            r(ReplyClass::Ooo, Some(d(2026, 3, 16))),
            CaseState::Scheduled,
            vec![],
            Some("2026-03-17T08:00"),
        ),
        (
            "ooo without date",
            r(ReplyClass::Ooo, None),
            CaseState::Scheduled,
            vec![],
            Some("2026-03-18T08:00"),
        ),
        (
            "dispute",
            r(ReplyClass::Dispute, None),
            CaseState::Paused,
            vec![(AlertKind::Dispute, Some(7))],
            None,
        ),
        (
            "question",
            r(ReplyClass::Question, None),
            CaseState::Paused,
            vec![(AlertKind::Question, Some(7))],
            None,
        ),
        (
            "other",
            r(ReplyClass::Other, None),
            CaseState::Scheduled,
            vec![(AlertKind::UnknownReply, Some(7))],
            Some("2026-03-18T08:00"),
        ),
        (
            "promise without a date",
            r(ReplyClass::Promise, None),
            CaseState::Scheduled,
            vec![(AlertKind::UnknownReply, Some(7))],
            Some("2026-03-18T08:00"),
        ),
        (
            "partial without date",
            r(ReplyClass::Partial, None),
            CaseState::Scheduled,
            vec![],
            Some("2026-03-12T08:00"),
        ),
        (
            "manual contact",
            vec![user(7, "2026-03-11T10:00", EventKind::ManualContact)],
            CaseState::Scheduled,
            vec![],
            Some("2026-03-18T08:00"),
        ),
        (
            "user pause",
            vec![user(7, "2026-03-11T10:00", EventKind::UserPause)],
            CaseState::Paused,
            vec![],
            None,
        ),
        (
            "user stop",
            vec![user(7, "2026-03-11T10:00", EventKind::UserStop)],
            CaseState::Paused,
            vec![],
            None,
        ),
        (
            "user promise",
            vec![user(
                7,
                "2026-03-11T10:00",
                EventKind::UserPromise {
                    date: d(2026, 3, 20),
                },
            )],
            CaseState::Promised,
            vec![],
            Some("2026-03-24T08:00"),
        ),
        (
            "user confirms paid",
            vec![user(7, "2026-03-11T10:00", EventKind::UserConfirmPaid)],
            CaseState::Closed,
            vec![],
            None,
        ),
    ];
    for (why, events, state, want_alerts, next) in cases {
        let c = after_step1(events);
        let got = decide(&c, &policy(), t("2026-03-11T10:05"));
        assert_eq!(state_of(&got, 42), state, "{why}");
        assert_eq!(alerts(&got), want_alerts, "{why}");
        assert!(steps(&got).is_empty(), "{why}");
        assert_eq!(next_step(&got), next.map(|n| (t(n), 2)), "{why}");
    }
}

#[test]
fn promise_kept_closes_and_promise_not_kept_resumes_with_the_wording() {
    let events = vec![reply(
        7,
        "2026-03-11T10:00",
        ReplyClass::Promise,
        Some(d(2026, 3, 20)),
    )];
    let mut c = after_step1(events);
    // Still promised on the 23rd (20th + 2 business days = 24th).
    assert_eq!(
        state_of(&decide(&c, &policy(), t("2026-03-23T16:00")), 42),
        CaseState::Promised
    );
    let got = decide(&c, &policy(), t("2026-03-24T08:00"));
    assert!(matches!(
        got.actions.as_slice(),
        [Action::Step {
            step: StepNo(2),
            promise_not_kept: true,
            ..
        }]
    ));
    assert!(
        got.reason.contains("promised payment did not arrive"),
        "{}",
        got.reason
    );
    // Once that step is taken, the next one no longer says so.
    c.history.push(done("2026-03-24T08:00", 2, Email, &[42]));
    let later = decide(&c, &policy(), t("2026-03-27T08:00"));
    assert!(matches!(
        later.actions.as_slice(),
        [Action::Step {
            step: StepNo(3),
            promise_not_kept: false,
            ..
        }]
    ));
    // Kept: the store marks it paid and nothing more happens.
    let mut kept = after_step1(vec![reply(
        7,
        "2026-03-11T10:00",
        ReplyClass::Promise,
        Some(d(2026, 3, 20)),
    )]);
    kept.invoices[0].status = InvoiceStatus::Paid;
    let got = decide(&kept, &policy(), t("2026-03-24T08:00"));
    assert!(got.actions.is_empty());
    assert_eq!(state_of(&got, 42), CaseState::Closed);
    assert_eq!(got.next_wake, None);
}

#[test]
fn paid_not_confirmed_resumes_and_confirmed_closes() {
    let paid = reply(7, "2026-03-10T10:00", ReplyClass::Paid, None);
    let confirm_sent = alert_sent("2026-03-10T10:01", AlertKind::ConfirmPaid, Some(7), &[42]);
    let mut c = after_step1(vec![paid.clone()]);
    c.history.push(confirm_sent.clone());
    // 10 March + 5 business days = 17 March.
    let got = decide(&c, &policy(), t("2026-03-12T08:00"));
    assert!(got.actions.is_empty(), "no alert twice, no step");
    assert_eq!(next_step(&got), Some((t("2026-03-17T08:00"), 2)));
    assert_eq!(
        steps(&decide(&c, &policy(), t("2026-03-17T08:00"))),
        vec![(2, Email)]
    );
    // Confirmed: closed for good.
    c.events
        .push(user(8, "2026-03-12T09:00", EventKind::UserConfirmPaid));
    let got = decide(&c, &policy(), t("2026-03-17T08:00"));
    assert!(got.actions.is_empty());
    assert_eq!(state_of(&got, 42), CaseState::Closed);
    // Rejected: resumes at once.
    let mut c = after_step1(vec![
        paid,
        user(8, "2026-03-12T09:00", EventKind::UserRejectPaid),
    ]);
    c.history.push(confirm_sent);
    assert_eq!(
        steps(&decide(&c, &policy(), t("2026-03-12T09:05"))),
        vec![(2, Email)]
    );
}

#[test]
fn out_of_office_return_before_a_holiday_and_later_gaps() {
    // Due Monday 27 April 2026: step 1 on the 29th, step 2 would be on
    // 11 May. Back on Wednesday 13 May: the day after is Ascension.
    let mut c = case(vec![invoice(1, d(2026, 4, 27), 500)]);
    c.history = vec![done("2026-04-29T07:00", 1, Email, &[1])];
    let ooo = reply(7, "2026-04-29T09:00", ReplyClass::Ooo, Some(d(2026, 5, 13)));
    c.events = vec![ooo];
    let got = decide(&c, &policy(), t("2026-04-29T09:05"));
    assert!(
        got.actions.is_empty(),
        "an out-of-office reply raises no alert"
    );
    assert_eq!(next_step(&got), Some((t("2026-05-15T07:00"), 2)));
    // Step 3 (day 15 = 12 May) keeps its gap after the 15th: 20 May.
    c.history.push(done("2026-05-15T07:00", 2, Email, &[1]));
    let got = decide(&c, &policy(), t("2026-05-15T07:00"));
    assert_eq!(next_step(&got), Some((t("2026-05-20T07:00"), 3)));
}

#[test]
fn dispute_pauses_until_the_user_resumes_and_a_promise_does_not_lift_it() {
    let dispute = reply(7, "2026-03-10T10:00", ReplyClass::Dispute, None);
    let promise = reply(
        8,
        "2026-03-11T10:00",
        ReplyClass::Promise,
        Some(d(2026, 3, 13)),
    );
    let mut c = after_step1(vec![dispute, promise]);
    c.history.push(alert_sent(
        "2026-03-10T10:01",
        AlertKind::Dispute,
        Some(7),
        &[42],
    ));
    let got = decide(&c, &policy(), t("2026-03-20T10:00"));
    assert!(got.actions.is_empty());
    assert_eq!(state_of(&got, 42), CaseState::Paused);
    c.events
        .push(user(9, "2026-03-20T10:00", EventKind::UserResume));
    assert_eq!(
        steps(&decide(&c, &policy(), t("2026-03-20T10:01"))),
        vec![(2, Email)]
    );
}

#[test]
fn user_stop_holds_until_resume() {
    let mut c = after_step1(vec![user(7, "2026-03-05T10:00", EventKind::UserStop)]);
    assert!(
        decide(&c, &policy(), t("2026-06-01T08:00"))
            .actions
            .is_empty()
    );
    c.events
        .push(user(8, "2026-06-01T08:00", EventKind::UserResume));
    assert_eq!(
        steps(&decide(&c, &policy(), t("2026-06-01T08:00"))),
        vec![(2, Email)]
    );
}

#[test]
fn an_unknown_sender_still_has_its_effect_and_alerts() {
    let mut promise = reply(
        7,
        "2026-03-11T10:00",
        ReplyClass::Promise,
        Some(d(2026, 3, 20)),
    );
    if let EventKind::Reply { known_sender, .. } = &mut promise.kind {
        *known_sender = false;
    }
    let c = after_step1(vec![promise]);
    let got = decide(&c, &policy(), t("2026-03-11T10:05"));
    assert_eq!(state_of(&got, 42), CaseState::Promised);
    assert_eq!(alerts(&got), vec![(AlertKind::UnknownReply, Some(7))]);
}

#[test]
fn partial_payments_apply_oldest_first_and_a_date_makes_a_promise() {
    let mut c = case(vec![
        invoice(1, d(2026, 3, 2), 300),
        invoice(2, d(2026, 3, 3), 500),
    ]);
    c.history = vec![done("2026-03-04T08:00", 1, Email, &[1, 2])];
    let mut partial = reply(
        7,
        "2026-03-11T10:00",
        ReplyClass::Partial,
        Some(d(2026, 3, 31)),
    );
    if let EventKind::Reply { amount, .. } = &mut partial.kind {
        *amount = Some(Decimal::from(400));
    }
    c.events = vec![partial.clone()];
    let got = decide(&c, &policy(), t("2026-03-11T10:05"));
    assert_eq!(state_of(&got, 1), CaseState::Closed, "300 fully covered");
    assert_eq!(
        state_of(&got, 2),
        CaseState::Promised,
        "100 of 500 paid, rest promised"
    );
    // Without a date the ladder goes on for what is left.
    if let EventKind::Reply { date, .. } = &mut partial.kind {
        *date = None;
    }
    c.events = vec![partial];
    // Invoice 2 now drives the level: due 3 March, step 2 on the 13th.
    let got = decide(&c, &policy(), t("2026-03-13T08:00"));
    assert!(matches!(
        got.actions.as_slice(),
        [Action::Step { step: StepNo(2), invoices, .. }] if invoices == &vec![InvoiceId(2)]
    ));
}
