//! `simulate`: the plan the engine would follow, nothing else happening. Each
//! due action is recorded in a copy of the case's history as if carried out,
//! then time moves to the next wake; this is `relance simulate --json`.

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;

use super::decide::{Detail, evaluate};
use super::{Action, Case, Policy, Sent, SentKind};
use crate::domain::{InvoiceNumber, StepAction, StepNo};

/// A plan of a few months takes a few dozen wakes; this bounds a runaway.
const MAX_WAKES: usize = 5_000;

/// The `action` field of `relance simulate --json`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum PlannedAction {
    Email,
    CallTask,
    Notice,
    End,
    Alert,
}

/// One planned action; serializes to the stable JSON object
/// `{"date", "client", "invoices", "step", "action"}` of SPEC §8.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PlannedStep {
    /// Local date in the sending window's time zone.
    pub date: NaiveDate,
    pub client: String,
    pub invoices: Vec<InvoiceNumber>,
    /// The step taken, or for an alert or an end the last step done.
    pub step: StepNo,
    pub action: PlannedAction,
    /// The instant it is due.
    #[serde(skip)]
    pub at: DateTime<Utc>,
    /// The engine's action, for callers that need more than the JSON.
    #[serde(skip)]
    pub detail: Action,
}

/// Plans `case` from `from` to `until` (inclusive), assuming no reply, no
/// payment and no user command arrives meanwhile.
pub fn simulate(
    case: &Case,
    policy: &Policy,
    from: DateTime<Utc>,
    until: DateTime<Utc>,
) -> Vec<PlannedStep> {
    let mut case = case.clone();
    let mut plan = Vec::new();
    let mut now = from;
    for _ in 0..MAX_WAKES {
        if now > until {
            break;
        }
        let e = evaluate(&case, policy, now, Detail::Actions);
        if e.actions.is_empty() {
            match e.wake {
                Some(wake) => now = wake,
                None => break,
            }
            continue;
        }
        for action in e.actions {
            plan.push(planned(&case, policy, &action, now));
            record(&mut case, &action, now);
        }
    }
    plan
}

fn planned(case: &Case, policy: &Policy, action: &Action, at: DateTime<Utc>) -> PlannedStep {
    let last_step = case
        .history
        .iter()
        .filter_map(|s| match s.kind {
            SentKind::Step { step, .. } => Some(step),
            _ => None,
        })
        .next_back()
        .unwrap_or(StepNo::NONE);
    let (step, kind, ids) = match action {
        Action::Step {
            step,
            action,
            invoices,
            ..
        } => {
            let kind = match action {
                StepAction::Email => PlannedAction::Email,
                StepAction::CallTask => PlannedAction::CallTask,
                StepAction::Notice => PlannedAction::Notice,
            };
            (*step, kind, invoices)
        }
        Action::Alert { invoices, .. } => (last_step, PlannedAction::Alert, invoices),
        Action::EndOfSequence { invoices } => (last_step, PlannedAction::End, invoices),
    };
    let invoices = ids
        .iter()
        .filter_map(|id| case.invoices.iter().find(|inv| inv.id == *id))
        .map(|inv| inv.number.clone())
        .collect();
    PlannedStep {
        date: policy.window.local_date(at),
        client: case.client_name.clone(),
        invoices,
        step,
        action: kind,
        at,
        detail: action.clone(),
    }
}

/// Records `action` in the case's history as carried out at `at`, as the
/// daemon's store does after executing it.
pub(super) fn record(case: &mut Case, action: &Action, at: DateTime<Utc>) {
    let sent = match action {
        Action::Step {
            step,
            action,
            invoices,
            recipients,
            promise_not_kept,
            ..
        } => Sent {
            at,
            kind: SentKind::Step {
                step: *step,
                action: *action,
                promise_not_kept: *promise_not_kept,
            },
            invoices: invoices.clone(),
            recipients: recipients.clone(),
        },
        Action::Alert {
            kind,
            event,
            invoices,
        } => Sent {
            at,
            kind: SentKind::Alert {
                kind: *kind,
                event: *event,
            },
            invoices: invoices.clone(),
            recipients: Vec::new(),
        },
        Action::EndOfSequence { invoices } => Sent {
            at,
            kind: SentKind::EndOfSequence,
            invoices: invoices.clone(),
            recipients: Vec::new(),
        },
    };
    case.history.push(sent);
}
