//! Per-client and per-invoice ladders, fresh sequences and exclusions.

use super::*;
use StepAction::{CallTask, Email};

fn invoices_of(decision: &Decision) -> Vec<i64> {
    match decision
        .actions
        .iter()
        .find(|a| matches!(a, Action::Step { .. }))
    {
        Some(Action::Step { invoices, .. }) => invoices.iter().map(|i| i.0).collect(),
        _ => Vec::new(),
    }
}

/// A due 2 March, B due 10 March.
fn two_invoices() -> Case {
    case(vec![
        invoice(1, d(2026, 3, 2), 1000),
        invoice(2, d(2026, 3, 10), 400),
    ])
}

#[test]
fn per_client_one_message_lists_every_overdue_invoice() {
    let mut c = two_invoices();
    let got = decide(&c, &policy(), t("2026-03-04T08:00"));
    assert_eq!(steps(&got), vec![(1, Email)]);
    assert_eq!(invoices_of(&got), vec![1], "B is not overdue yet");
    c.history = vec![done("2026-03-04T08:00", 1, Email, &[1])];
    // B became overdue on the 11th: it joins step 2, which A's age drives.
    let got = decide(&c, &policy(), t("2026-03-12T08:00"));
    assert_eq!(steps(&got), vec![(2, Email)]);
    assert_eq!(invoices_of(&got), vec![1, 2]);
    c.history.push(done("2026-03-12T08:00", 2, Email, &[1, 2]));
    let got = decide(&c, &policy(), t("2026-03-17T08:00"));
    assert_eq!(steps(&got), vec![(3, CallTask)]);
    assert_eq!(invoices_of(&got), vec![1, 2]);
    let view = |id| {
        got.invoices
            .iter()
            .find(|v| v.invoice == InvoiceId(id))
            .map(|v| v.step)
    };
    assert_eq!((view(1), view(2)), (Some(StepNo(2)), Some(StepNo(2))));
}

#[test]
fn a_newly_overdue_invoice_never_restarts_the_sequence() {
    let mut c = two_invoices();
    c.history = vec![
        done("2026-03-04T08:00", 1, Email, &[1]),
        done("2026-03-12T08:00", 2, Email, &[1, 2]),
    ];
    // A is paid: B now drives the level, and the ladder goes on at step 3,
    // 15 days after B's due date.
    c.invoices[0].status = InvoiceStatus::Paid;
    let got = decide(&c, &policy(), t("2026-03-17T08:00"));
    assert!(got.actions.is_empty());
    assert_eq!(next_step(&got), Some((t("2026-03-25T08:00"), 3)));
    assert_eq!(state_of(&got, 1), CaseState::Closed);
}

#[test]
fn once_the_sequence_is_settled_a_later_invoice_starts_at_step_one() {
    let mut c = case(vec![
        invoice(1, d(2026, 3, 2), 1000),
        invoice(3, d(2026, 4, 1), 250),
    ]);
    c.history = vec![
        done("2026-03-04T08:00", 1, Email, &[1]),
        done("2026-03-12T08:00", 2, Email, &[1]),
    ];
    c.invoices[0].status = InvoiceStatus::Paid;
    let got = decide(&c, &policy(), t("2026-04-03T07:00"));
    assert_eq!(steps(&got), vec![(1, Email)]);
    assert_eq!(invoices_of(&got), vec![3]);
}

#[test]
fn per_invoice_ladders_use_their_own_history_and_share_the_gap() {
    let mut p = policy();
    p.grouping = Grouping::PerInvoice;
    let mut c = case(vec![
        invoice(1, d(2026, 3, 2), 1000),
        invoice(2, d(2026, 3, 2), 400),
    ]);
    let got = decide(&c, &p, t("2026-03-04T08:00"));
    assert_eq!(
        (steps(&got), invoices_of(&got)),
        (vec![(1, Email)], vec![1])
    );
    c.history = vec![done("2026-03-04T08:00", 1, Email, &[1])];
    let got = decide(&c, &p, t("2026-03-04T08:05"));
    assert!(got.actions.is_empty(), "one message per client per day");
    assert_eq!(next_step(&got), Some((t("2026-03-09T08:00"), 1)));
    c.history.push(done("2026-03-09T08:00", 1, Email, &[2]));
    let got = decide(&c, &p, t("2026-03-12T08:00"));
    assert_eq!(
        (steps(&got), invoices_of(&got)),
        (vec![(2, Email)], vec![1])
    );
    c.history.push(done("2026-03-12T08:00", 2, Email, &[1]));
    // B's step 2 (due since the 12th) goes before A's step 3 (the 17th).
    let got = decide(&c, &p, t("2026-03-17T08:00"));
    assert_eq!(
        (steps(&got), invoices_of(&got)),
        (vec![(2, Email)], vec![2])
    );
    let view = |id| {
        got.invoices
            .iter()
            .find(|v| v.invoice == InvoiceId(id))
            .map(|v| v.step)
    };
    assert_eq!((view(1), view(2)), (Some(StepNo(2)), Some(StepNo(1))));
}

#[test]
fn per_invoice_events_only_hold_their_invoice() {
    let mut p = policy();
    p.grouping = Grouping::PerInvoice;
    let mut c = case(vec![
        invoice(1, d(2026, 3, 2), 1000),
        invoice(2, d(2026, 2, 27), 400),
    ]);
    let mut dispute = reply(7, "2026-03-03T10:00", ReplyClass::Dispute, None);
    dispute.invoices = vec![InvoiceId(2)];
    c.events = vec![dispute];
    let got = decide(&c, &p, t("2026-03-04T08:00"));
    assert_eq!(state_of(&got, 2), CaseState::Paused);
    assert_eq!(
        (steps(&got), invoices_of(&got)),
        (vec![(1, Email)], vec![1])
    );
}

#[test]
fn small_balances_and_excluded_clients_are_not_chased() {
    let mut p = policy();
    p.min_amount = Decimal::from(50);
    let c = case(vec![invoice(1, d(2026, 3, 2), 40)]);
    let got = decide(&c, &p, t("2026-03-04T08:00"));
    assert!(got.actions.is_empty());
    assert_eq!(state_of(&got, 1), CaseState::Excluded);
    assert_eq!(
        got.reason,
        "not chased: overdue balance €40.00 is below the minimum €50.00"
    );
    // Two small invoices add up over the minimum.
    let c = case(vec![
        invoice(1, d(2026, 3, 2), 30),
        invoice(2, d(2026, 3, 1), 30),
    ]);
    assert_eq!(
        steps(&decide(&c, &p, t("2026-03-04T08:00"))),
        vec![(1, Email)]
    );
    let mut p = policy();
    p.excluded = true;
    let got = decide(&one_invoice(), &p, t("2026-03-04T08:00"));
    assert!(got.actions.is_empty());
    assert_eq!(state_of(&got, 42), CaseState::Excluded);
    assert_eq!(got.reason, "client excluded from reminders");
}

#[test]
fn a_paused_invoice_leaves_the_others_chased() {
    let mut c = two_invoices();
    c.invoices[0].paused = true;
    let got = decide(&c, &policy(), t("2026-03-12T08:00"));
    assert_eq!(state_of(&got, 1), CaseState::Paused);
    assert_eq!(
        (steps(&got), invoices_of(&got)),
        (vec![(1, Email)], vec![2])
    );
}
