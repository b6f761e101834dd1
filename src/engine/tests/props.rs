//! Random event sequences driven through `decide` the way the daemon drives
//! it: never two client messages on one local day, never one outside the
//! window, never a skipped or repeated step, never the same thing twice.

use std::collections::BTreeMap;

use chrono::Duration;
use proptest::prelude::*;

use super::*;

/// An event kind and a day offset for the dates it carries.
fn kind(index: u8, date: NaiveDate, amount: u32) -> EventKind {
    let reply = |class, date| EventKind::Reply {
        class,
        date,
        amount: (class == ReplyClass::Partial).then(|| Decimal::from(amount)),
        from: addr(COMPTA),
        known_sender: !amount.is_multiple_of(3),
        failed_address: None,
    };
    match index % 15 {
        0 => reply(ReplyClass::Paid, None),
        1 => reply(ReplyClass::Promise, Some(date)),
        2 => reply(ReplyClass::Partial, Some(date)),
        3 => reply(ReplyClass::Partial, None),
        4 => reply(ReplyClass::Ooo, Some(date)),
        5 => reply(ReplyClass::Ooo, None),
        6 => reply(ReplyClass::Dispute, None),
        7 => reply(ReplyClass::Question, None),
        8 => reply(ReplyClass::Other, None),
        9 => EventKind::ManualContact,
        10 => EventKind::UserPause,
        11 => EventKind::UserResume,
        12 => EventKind::UserRejectPaid,
        13 => EventKind::UserConfirmNotice,
        _ => reply(ReplyClass::Bounce, None),
    }
}

fn arb_case() -> impl Strategy<Value = (Case, Grouping)> {
    let invoices = prop::collection::vec((0i64..25, 100i64..3000), 1..4);
    let events = prop::collection::vec(
        (0i64..(100 * 24 * 60), any::<u8>(), 0i64..30, 1u32..90),
        0..10,
    );
    (invoices, events, any::<bool>()).prop_map(|(invoices, events, per_invoice)| {
        let start = t("2026-03-01T00:00");
        let invoices = invoices
            .into_iter()
            .enumerate()
            .map(|(i, (due, amount))| {
                invoice(i as i64 + 1, d(2026, 3, 2) + Duration::days(due), amount)
            })
            .collect();
        let mut c = case(invoices);
        c.contacts.push(contact(BILLING, true));
        c.events = events
            .into_iter()
            .enumerate()
            .map(|(i, (minutes, k, days, amount))| {
                let at = start + Duration::minutes(minutes);
                let date = at.date_naive() + Duration::days(days);
                event(
                    i as i64 + 1,
                    &at.format("%Y-%m-%dT%H:%M").to_string(),
                    kind(k, date, amount),
                )
            })
            .collect();
        c.events.sort_by_key(|e| e.at);
        let grouping = if per_invoice {
            Grouping::PerInvoice
        } else {
            Grouping::PerClient
        };
        (c, grouping)
    })
}

/// Checks one step action taken at `now` against what was already sent.
fn check_step(
    c: &Case,
    p: &Policy,
    now: DateTime<Utc>,
    action: &Action,
    days: &mut BTreeMap<NaiveDate, DateTime<Utc>>,
) {
    let Action::Step {
        step,
        action,
        invoices,
        recipients,
        ..
    } = action
    else {
        return;
    };
    assert!(
        p.window.contains(&p.calendar, now),
        "step {step} outside the window at {now}"
    );
    // A ladder starts over only once all its invoices are settled, and a
    // settled invoice is in no later step: so the last step that mentions
    // these invoices is the one before, or the same one again to other
    // addresses after a bounce (that message reached nobody: same day is fine).
    let last = c.history.iter().rfind(|s| {
        s.invoices.iter().any(|i| invoices.contains(i)) && matches!(s.kind, SentKind::Step { .. })
    });
    let last_step = last.and_then(|s| match s.kind {
        SentKind::Step { step, .. } => Some(step),
        _ => None,
    });
    let retry = last_step == Some(*step);
    if retry {
        let before = last.map(|s| s.recipients.clone()).unwrap_or_default();
        assert!(
            recipients.iter().all(|r| !before.contains(r)),
            "retry to the same address at {now}"
        );
    } else {
        assert_eq!(
            *step,
            last_step.unwrap_or(StepNo::NONE).next(),
            "skipped a step at {now}"
        );
        // One client message a day, unless the day's earlier one bounced
        // since: it reached nobody (the engine counts delivered steps only).
        let bounced_since = |earlier: DateTime<Utc>| {
            c.events.iter().any(|e| {
                e.at > earlier
                    && e.at <= now
                    && matches!(
                        e.kind,
                        EventKind::Reply {
                            class: ReplyClass::Bounce,
                            ..
                        }
                    )
            })
        };
        let day = p.window.local_date(now);
        assert!(
            days.get(&day).is_none_or(|&earlier| bounced_since(earlier)),
            "two client messages on {now}"
        );
        days.insert(day, now);
    }
    let email = *action == StepAction::Email;
    assert!(
        !email || !recipients.is_empty(),
        "an email with no recipient at {now}"
    );
}

fn drive(mut c: Case, p: &Policy) {
    let mut now = t("2026-03-01T00:00");
    let end = t("2026-07-01T00:00");
    let mut days = BTreeMap::new();
    while now < end {
        let decision = decide(&c, p, now);
        for action in &decision.actions {
            check_step(&c, p, now, action, &mut days);
            crate::engine::simulate::record(&mut c, action, now);
        }
        let again = decide(&c, p, now);
        assert!(
            again.actions.is_empty(),
            "{:?} twice at {now}",
            again.actions
        );
        if let Some(wake) = decision.next_wake {
            assert!(wake > now, "wake {wake} not after {now}");
        }
        let next_event = c.events.iter().map(|e| e.at).filter(|at| *at > now).min();
        match decision.next_wake.into_iter().chain(next_event).min() {
            Some(next) => now = next,
            None => break,
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn random_events_never_break_the_ladder_rules((c, grouping) in arb_case()) {
        let mut p = policy();
        p.grouping = grouping;
        drive(c, &p);
    }
}
