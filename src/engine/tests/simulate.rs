//! `simulate`: the plan day by day, and its JSON objects.

use super::*;

fn rows(plan: &[PlannedStep]) -> Vec<(String, u8, &'static str)> {
    plan.iter()
        .map(|p| {
            let action = match p.action {
                PlannedAction::Email => "email",
                PlannedAction::CallTask => "call-task",
                PlannedAction::Notice => "notice",
                PlannedAction::End => "end",
                PlannedAction::Alert => "alert",
            };
            (p.date.to_string(), p.step.0, action)
        })
        .collect()
}

fn row(date: &str, step: u8, action: &'static str) -> (String, u8, &'static str) {
    (date.to_string(), step, action)
}

#[test]
fn sixty_days_of_the_default_ladder() {
    let plan = simulate(
        &one_invoice(),
        &policy(),
        t("2026-03-01T00:00"),
        t("2026-04-30T00:00"),
    );
    assert_eq!(
        rows(&plan),
        vec![
            row("2026-03-04", 1, "email"),
            row("2026-03-12", 2, "email"),
            row("2026-03-17", 3, "call-task"),
            row("2026-03-23", 4, "email"),
            row("2026-04-07", 4, "alert"),
            row("2026-04-23", 4, "end"),
        ]
    );
    assert!(matches!(
        plan[4].detail,
        Action::Alert {
            kind: AlertKind::NoticeReady,
            ..
        }
    ));
    assert_eq!(plan[4].at, t("2026-04-07T07:00"));
}

#[test]
fn simulate_serializes_to_the_stable_json_objects() {
    let plan = simulate(
        &one_invoice(),
        &policy(),
        t("2026-03-01T00:00"),
        t("2026-03-05T00:00"),
    );
    let json = serde_json::to_value(&plan).expect("serializable");
    assert_eq!(
        json,
        serde_json::json!([{
            "date": "2026-03-04",
            "client": "Client A",
            "invoices": ["F-2026-0042"],
            "step": 1,
            "action": "email"
        }])
    );
}

#[test]
fn simulate_with_a_confirmed_notice_and_a_joining_invoice() {
    let mut c = case(vec![
        invoice(1, d(2026, 3, 2), 1000),
        invoice(2, d(2026, 3, 10), 400),
    ]);
    c.events = vec![event(9, "2026-02-20T10:00", EventKind::UserConfirmNotice)];
    let plan = simulate(&c, &policy(), t("2026-03-01T00:00"), t("2026-04-30T00:00"));
    assert_eq!(
        rows(&plan),
        vec![
            row("2026-03-04", 1, "email"),
            row("2026-03-12", 2, "email"),
            row("2026-03-17", 3, "call-task"),
            row("2026-03-23", 4, "email"),
            row("2026-04-07", 5, "notice"),
            row("2026-04-23", 5, "end"),
        ]
    );
    let numbers: Vec<&str> = plan[1].invoices.iter().map(|n| n.0.as_str()).collect();
    assert_eq!(numbers, vec!["F-2026-0001", "F-2026-0002"]);
    assert_eq!(plan[0].invoices.len(), 1);
}

#[test]
fn simulate_from_a_promise_and_after_downtime() {
    let mut c = one_invoice();
    c.history = vec![done("2026-03-04T08:00", 1, StepAction::Email, &[42])];
    c.events = vec![reply(
        7,
        "2026-03-11T10:00",
        ReplyClass::Promise,
        Some(d(2026, 3, 20)),
    )];
    let plan = simulate(&c, &policy(), t("2026-03-11T10:05"), t("2026-03-31T00:00"));
    assert_eq!(
        rows(&plan),
        vec![
            row("2026-03-24", 2, "email"),
            row("2026-03-27", 3, "call-task")
        ]
    );
    assert!(matches!(
        plan[0].detail,
        Action::Step {
            promise_not_kept: true,
            ..
        }
    ));
    // Down until 25 March: one step, then one per minimum gap.
    let plan = simulate(
        &one_invoice(),
        &policy(),
        t("2026-03-25T10:00"),
        t("2026-04-20T00:00"),
    );
    assert_eq!(
        rows(&plan),
        vec![
            row("2026-03-25", 1, "email"),
            row("2026-03-30", 2, "email"),
            row("2026-04-02", 3, "call-task"),
            row("2026-04-08", 4, "email"),
            row("2026-04-13", 4, "alert"),
        ]
    );
}

#[test]
fn simulate_does_not_touch_the_case_and_stops_at_until() {
    let c = one_invoice();
    let plan = simulate(&c, &policy(), t("2026-03-01T00:00"), t("2026-03-12T07:59"));
    assert_eq!(plan.len(), 1);
    assert!(c.history.is_empty());
    let paid = case(vec![CaseInvoice {
        status: InvoiceStatus::Paid,
        ..invoice(1, d(2026, 3, 2), 100)
    }]);
    assert!(
        simulate(
            &paid,
            &policy(),
            t("2026-03-01T00:00"),
            t("2026-12-31T00:00")
        )
        .is_empty()
    );
}
