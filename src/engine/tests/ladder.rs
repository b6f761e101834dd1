//! The default ladder: step times, the window, holidays, DST, downtime and
//! the minimum gap.

use super::*;
use StepAction::{CallTask, Email};

/// F-2026-0042 due Monday 2 March 2026: 1 on 4 March, 2 on 12 March, 3 on
/// 17 March, 4 on Monday 23 March (20 days is a Sunday).
fn reference_history(upto: u8) -> Vec<Sent> {
    let all = [
        done("2026-03-04T08:00", 1, Email, &[42]),
        done("2026-03-12T08:00", 2, Email, &[42]),
        done("2026-03-17T08:00", 3, CallTask, &[42]),
        done("2026-03-23T08:00", 4, Email, &[42]),
    ];
    all.into_iter().take(usize::from(upto)).collect()
}

/// (steps already done, now, the step due then)
type Row = (u8, &'static str, Option<(u8, StepAction)>);

#[test]
fn each_step_is_due_at_its_window_opening_and_not_before() {
    let cases: &[Row] = &[
        (0, "2026-03-03T10:00", None),
        (0, "2026-03-04T07:59", None),
        (0, "2026-03-04T08:00", Some((1, Email))),
        (0, "2026-03-04T16:29", Some((1, Email))),
        (0, "2026-03-04T16:30", None), // 17:30 in Paris: closed
        (0, "2026-03-05T08:00", Some((1, Email))),
        (0, "2026-03-07T10:00", None), // Saturday
        (1, "2026-03-04T09:00", None),
        (1, "2026-03-11T15:00", None),
        (1, "2026-03-12T08:00", Some((2, Email))),
        (2, "2026-03-16T10:00", None),
        (2, "2026-03-17T08:00", Some((3, CallTask))),
        (3, "2026-03-20T10:00", None),
        (3, "2026-03-22T10:00", None), // Sunday, day 20
        (3, "2026-03-23T08:00", Some((4, Email))),
        (4, "2026-04-06T10:00", None), // Easter Monday
    ];
    for &(upto, now, want) in cases {
        let mut c = one_invoice();
        c.history = reference_history(upto);
        let got = decide(&c, &policy(), t(now));
        assert_eq!(
            steps(&got),
            want.into_iter().collect::<Vec<_>>(),
            "after {upto}, at {now}"
        );
    }
}

#[test]
fn next_wake_and_next_point_at_the_coming_step() {
    let cases = [
        (0, "2026-03-03T10:00", "2026-03-04T08:00", 1),
        (0, "2026-03-04T16:30", "2026-03-05T08:00", 1),
        (0, "2026-03-06T17:00", "2026-03-09T08:00", 1),
        (1, "2026-03-04T08:00", "2026-03-12T08:00", 2),
        (3, "2026-03-18T10:00", "2026-03-23T08:00", 4),
    ];
    for (upto, now, want, step) in cases {
        let mut c = one_invoice();
        c.history = reference_history(upto);
        let got = decide(&c, &policy(), t(now));
        assert!(got.actions.is_empty(), "{now}");
        assert_eq!(got.next_wake, Some(t(want)), "{now}");
        assert_eq!(next_step(&got), Some((t(want), step)), "{now}");
    }
}

#[test]
fn a_due_step_names_recipients_template_and_reason() {
    let mut c = one_invoice();
    c.history = reference_history(1);
    let got = decide(&c, &policy(), t("2026-03-12T08:00"));
    assert_eq!(
        got.actions,
        vec![Action::Step {
            step: StepNo(2),
            action: Email,
            template: "step2".into(),
            invoices: vec![InvoiceId(42)],
            recipients: vec![addr(COMPTA)],
            promise_not_kept: false,
        }]
    );
    assert_eq!(
        got.reason,
        "step 2 (email) due: oldest invoice F-2026-0042 due 2026-03-02 is 8 business days late"
    );
    assert_eq!(got.invoices[0].step, StepNo(1));
    assert_eq!(got.invoices[0].state, CaseState::Scheduled);
    // Once step 2 is done, the call task comes on day 15.
    assert_eq!(next_step(&got), Some((t("2026-03-17T08:00"), 3)));
    assert_eq!(got.next_wake, Some(t("2026-03-17T08:00")));
}

#[test]
fn not_overdue_yet_waits_for_the_due_date() {
    let got = decide(&one_invoice(), &policy(), t("2026-02-20T10:00"));
    assert!(got.actions.is_empty());
    assert_eq!(
        got.next_wake,
        Some(t("2026-03-02T23:00")),
        "midnight after the due date"
    );
    assert_eq!(next_step(&got), Some((t("2026-03-04T08:00"), 1)));
    assert_eq!(got.reason, "nothing overdue yet");
}

#[test]
fn steps_move_past_french_holidays_and_weekends() {
    // (due date, step, expected local date of that step without any history gap issue)
    let cases = [
        (
            d(2026, 5, 12),
            1,
            "2026-05-15T07:00",
            "Ascension on the 14th",
        ),
        (d(2026, 7, 10), 1, "2026-07-15T07:00", "14 July"),
        (
            d(2025, 8, 13),
            1,
            "2025-08-18T07:00",
            "15 August on a Friday",
        ),
        (d(2026, 12, 23), 1, "2026-12-28T08:00", "Christmas"),
        (
            d(2026, 3, 26),
            1,
            "2026-03-30T07:00",
            "first Monday of summer time",
        ),
        (
            d(2026, 10, 22),
            1,
            "2026-10-26T08:00",
            "first Monday of winter time",
        ),
        (d(2026, 12, 30), 1, "2027-01-04T08:00", "New Year's Day"),
    ];
    for (due, step, want, why) in cases {
        let c = case(vec![invoice(1, due, 500)]);
        let got = decide(
            &c,
            &policy(),
            due.and_hms_opt(12, 0, 0).expect("valid").and_utc(),
        );
        assert_eq!(next_step(&got), Some((t(want), step)), "{why}");
        let at_time = decide(&c, &policy(), t(want));
        assert_eq!(steps(&at_time), vec![(step, Email)], "{why}");
    }
}

#[test]
fn step_two_skips_ascension_and_whit_monday() {
    let mut c = case(vec![invoice(1, d(2026, 5, 12), 500)]);
    c.history = vec![done("2026-05-15T07:00", 1, Email, &[1])];
    let got = decide(&c, &policy(), t("2026-05-15T07:00"));
    assert_eq!(next_step(&got), Some((t("2026-05-26T07:00"), 2)));
}

#[test]
fn year_end_ladder_counts_over_christmas_and_new_year() {
    let mut c = case(vec![invoice(1, d(2026, 12, 23), 500)]);
    c.history = vec![done("2026-12-28T08:00", 1, Email, &[1])];
    let got = decide(&c, &policy(), t("2026-12-28T08:00"));
    assert_eq!(next_step(&got), Some((t("2027-01-06T08:00"), 2)));
    c.history.push(done("2027-01-06T08:00", 2, Email, &[1]));
    // Day 15 is 7 January, but the gap after 6 January runs to the 11th.
    let got = decide(&c, &policy(), t("2027-01-07T10:00"));
    assert!(got.actions.is_empty());
    assert_eq!(next_step(&got), Some((t("2027-01-11T08:00"), 3)));
}

#[test]
fn after_downtime_only_the_next_step_then_the_min_gap() {
    // The daemon was down from 1 to 25 March: steps 1 to 4 were all due.
    let mut c = one_invoice();
    let p = policy();
    let mut now = t("2026-03-25T10:00");
    let mut taken = Vec::new();
    for _ in 0..4 {
        let got = decide(&c, &p, now);
        assert_eq!(steps(&got).len(), 1, "one step at {now}");
        taken.push((p.window.local_date(now), steps(&got)[0].0));
        crate::engine::simulate::record(&mut c, &got.actions[0], now);
        now = got.next.expect("a next step").at;
    }
    assert_eq!(
        taken,
        vec![
            (d(2026, 3, 25), 1),
            (d(2026, 3, 30), 2),
            (d(2026, 4, 2), 3),
            (d(2026, 4, 8), 4), // 3 business days over Easter Monday
        ]
    );
}

#[test]
fn min_gap_is_configurable_and_one_message_per_day_remains() {
    let mut c = one_invoice();
    c.history = vec![done("2026-03-25T09:00", 1, Email, &[42])];
    let mut p = policy();
    p.min_gap = Delay::BusinessDays(0);
    let got = decide(&c, &p, t("2026-03-25T10:00"));
    assert!(got.actions.is_empty(), "not twice the same day");
    assert_eq!(next_step(&got), Some((t("2026-03-26T08:00"), 2)));
    p.min_gap = Delay::CalendarDays(7);
    let got = decide(&c, &p, t("2026-03-26T10:00"));
    assert_eq!(next_step(&got), Some((t("2026-04-01T07:00"), 2)));
}

#[test]
fn steps_are_never_repeated_nor_skipped() {
    let mut c = one_invoice();
    c.history = vec![
        done("2026-03-04T08:00", 1, Email, &[42]),
        done("2026-03-12T08:00", 2, Email, &[42]),
    ];
    // Long after every step's date, still step 3, never 2 again nor 4.
    let got = decide(&c, &policy(), t("2026-06-01T08:00"));
    assert_eq!(steps(&got), vec![(3, CallTask)]);
}

#[test]
fn a_window_in_london_with_the_uk_calendar() {
    let mut p = policy();
    p.calendar = crate::calendar::Calendar::new(crate::domain::CalendarKind::Uk);
    p.window.time_zone = chrono_tz::Europe::London;
    let c = case(vec![invoice(1, d(2026, 12, 23), 500)]);
    // 24 December, then Christmas and the Boxing Day substitute on the 28th.
    let got = decide(&c, &p, t("2026-12-24T12:00"));
    assert_eq!(next_step(&got), Some((t("2026-12-29T09:00"), 1)));
}

#[test]
fn a_reply_just_before_the_step_cancels_it() {
    let mut c = one_invoice();
    c.history = reference_history(1);
    assert_eq!(
        steps(&decide(&c, &policy(), t("2026-03-12T08:00"))).len(),
        1
    );
    for class in [ReplyClass::Promise, ReplyClass::Paid, ReplyClass::Dispute] {
        let mut c = c.clone();
        c.events = vec![reply(7, "2026-03-12T07:59", class, Some(d(2026, 3, 20)))];
        let got = decide(&c, &policy(), t("2026-03-12T08:00"));
        assert!(steps(&got).is_empty(), "{class}");
    }
}
