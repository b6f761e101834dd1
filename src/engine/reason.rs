//! The one-line "why" of a decision, for the audit log and `status`.

use super::InvoiceView;
use super::ladder::Ctx;
use super::next::{Candidate, Item, TrackPlan};
use crate::domain::{CaseState, Language, Money};

/// Explains the decision: the due item if any, else what the case waits for.
pub(super) fn explain(
    ctx: &Ctx,
    due: Option<&Candidate>,
    plans: &[TrackPlan],
    views: &[InvoiceView],
    alerts: usize,
) -> String {
    if let Some(c) = due {
        return describe(ctx, c, "due");
    }
    if alerts > 0 {
        return format!("{alerts} alert(s) for the user");
    }
    if ctx.policy.excluded {
        return "client excluded from reminders".to_string();
    }
    if ctx.excluded() {
        let currency = ctx.case.invoices.first().map(|i| i.amount.currency);
        let fmt = |amount| {
            currency.map_or_else(
                || format!("{amount}"),
                |c| Money::new(amount, c).format(Language::En),
            )
        };
        return format!(
            "not chased: overdue balance {} is below the minimum {}",
            fmt(ctx.overdue_balance()),
            fmt(ctx.policy.min_amount)
        );
    }
    if let Some(c) = plans
        .iter()
        .flat_map(|p| &p.candidates)
        .min_by_key(|c| c.at)
    {
        let day = ctx.policy.window.local_date(c.at);
        return describe(ctx, c, &format!("planned for {day}"));
    }
    waiting(views)
}

fn describe(ctx: &Ctx, c: &Candidate, when: &str) -> String {
    let oldest = c.invoices.first().and_then(|&i| ctx.invoice(i));
    match &c.item {
        Item::Step {
            step,
            rule,
            promise_not_kept,
            retry,
            ..
        } => {
            let mut text = format!("step {step} ({}) {when}", rule.action);
            if let Some(inv) = oldest {
                // Lateness on the day it happens, for planned steps too.
                let day = ctx.policy.window.local_date(c.at).max(ctx.today);
                let late = ctx.policy.calendar.business_days_between(inv.due_date, day);
                text.push_str(&format!(
                    ": oldest invoice {} due {} is {late} business days late",
                    inv.number, inv.due_date
                ));
            }
            if *retry {
                text.push_str("; retried to other contacts after a bounce");
            }
            if *promise_not_kept {
                text.push_str("; the promised payment did not arrive");
            }
            text
        }
        Item::Alert { kind, .. } => {
            let kind = serde_json::to_value(kind).ok();
            let kind = kind.as_ref().and_then(|v| v.as_str()).unwrap_or("alert");
            format!("alert {kind} {when}")
        }
        Item::End => {
            let numbers: Vec<String> = c
                .invoices
                .iter()
                .filter_map(|&i| ctx.invoice(i))
                .map(|inv| inv.number.to_string())
                .collect();
            format!(
                "end of sequence {when} for {}: every step is done",
                numbers.join(", ")
            )
        }
    }
}

/// Nothing planned: say which state holds the case.
fn waiting(views: &[InvoiceView]) -> String {
    let has = |s: CaseState| views.iter().any(|v| v.state == s);
    if has(CaseState::Paused) {
        "paused: waiting for the user".to_string()
    } else if has(CaseState::PaidUnconfirmed) {
        "the client says it paid: waiting for the user's confirmation".to_string()
    } else if has(CaseState::Promised) {
        "waiting for a promised payment".to_string()
    } else if has(CaseState::Ended) {
        "sequence ended: every step is done".to_string()
    } else if has(CaseState::Scheduled) {
        "nothing overdue yet".to_string()
    } else {
        "nothing to chase".to_string()
    }
}
