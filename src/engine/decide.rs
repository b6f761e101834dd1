//! `decide`: folds the case, plans every track, keeps what is due now (at
//! most one client message), and says when to wake and why.
//!
//! Everything is recomputed from the case on every call, so a reply that
//! arrives just before a step's time cancels it without any bookkeeping.

use chrono::{DateTime, Months, NaiveTime, Utc};

use super::events::Hold;
use super::ladder::{Ctx, tracks};
use super::next::{Candidate, Item, TrackPlan, plan_track};
use super::{Action, AlertKind, Case, Decision, InvoiceView, Planned, Policy};
use crate::domain::{CaseState, StepNo};

/// How long before the 5-year (B2B) limitation period ends the user is warned.
const LIMITATION: Months = Months::new(60);
const LIMITATION_WARNING: Months = Months::new(6);
/// Enough wakes to reach any planned action; a plan needs a handful.
const MAX_WAKES: usize = 200;

/// What is due at one instant, before any of it is carried out.
pub(super) struct Evaluation {
    pub actions: Vec<Action>,
    pub wake: Option<DateTime<Utc>>,
    /// Empty unless evaluated with [`Detail::Full`].
    pub views: Vec<InvoiceView>,
    /// Empty unless evaluated with [`Detail::Full`].
    pub reason: String,
}

/// How much of an [`Evaluation`] to build.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Detail {
    /// Actions, wake, the invoices' views and the reason.
    Full,
    /// Actions and wake only: looking ahead (the next planned action, a
    /// simulation) reads nothing else, and the reason's text was half the
    /// cost of each look.
    Actions,
}

/// Decides what is due for `case` at `now` under `policy`.
///
/// Due actions come in the order to carry them out: alerts to the user, then
/// at most one client step, then ends of sequence. `next` and `next_wake`
/// assume the actions are carried out at `now`.
pub fn decide(case: &Case, policy: &Policy, now: DateTime<Utc>) -> Decision {
    let first = evaluate(case, policy, now, Detail::Full);
    let (next, next_wake) = if first.actions.is_empty() {
        (plan_next(case.clone(), policy, first.wake), first.wake)
    } else {
        let mut after = case.clone();
        for action in &first.actions {
            super::simulate::record(&mut after, action, now);
        }
        let wake = evaluate(&after, policy, now, Detail::Actions).wake;
        (plan_next(after, policy, wake), wake)
    };
    Decision {
        actions: first.actions,
        next,
        next_wake,
        invoices: first.views,
        reason: first.reason,
    }
}

/// The first action the engine would take from `wake` on, nothing else
/// happening.
fn plan_next(case: Case, policy: &Policy, mut wake: Option<DateTime<Utc>>) -> Option<Planned> {
    for _ in 0..MAX_WAKES {
        let at = wake?;
        let e = evaluate(&case, policy, at, Detail::Actions);
        if let Some(action) = e.actions.into_iter().next() {
            return Some(Planned { at, action });
        }
        wake = e.wake;
    }
    None
}

pub(super) fn evaluate(
    case: &Case,
    policy: &Policy,
    now: DateTime<Utc>,
    detail: Detail,
) -> Evaluation {
    let ctx = Ctx::new(case, policy, now);
    let excluded = ctx.excluded();
    let tracks = if excluded { Vec::new() } else { tracks(&ctx) };
    let plans: Vec<TrackPlan> = tracks.iter().map(|t| plan_track(&ctx, t)).collect();
    let mut actions = event_alerts(&ctx);
    if !policy.excluded {
        actions.extend(limitation_alerts(&ctx));
    }
    let due: Vec<&Candidate> = plans
        .iter()
        .flat_map(|p| &p.candidates)
        .filter(|c| c.at <= now)
        .collect();
    // One client message per decision: a retry first, then the step that has
    // waited longest, so that per-invoice ladders take turns.
    let step = due
        .iter()
        .filter(|c| matches!(c.item, Item::Step { .. }))
        .min_by_key(|c| step_priority(&ctx, c));
    for c in due.iter().filter(|c| matches!(c.item, Item::Alert { .. })) {
        push_unique(&mut actions, to_action(&ctx, c));
    }
    let alerts_only = actions.len();
    if let Some(c) = step {
        actions.push(to_action(&ctx, c));
    }
    for c in due.iter().filter(|c| matches!(c.item, Item::End)) {
        actions.push(to_action(&ctx, c));
    }
    let wake = wake(&ctx, &plans);
    if detail == Detail::Actions {
        return Evaluation {
            actions,
            wake,
            views: Vec::new(),
            reason: String::new(),
        };
    }
    let views = views(&ctx, &tracks, &plans, excluded);
    let primary = step.copied().or_else(|| due.first().copied());
    let reason = super::reason::explain(&ctx, primary, &plans, &views, alerts_only);
    Evaluation {
        actions,
        wake,
        views,
        reason,
    }
}

fn step_priority(ctx: &Ctx, c: &Candidate) -> chrono::NaiveDate {
    let oldest = c.invoices.first().and_then(|&i| ctx.invoice(i));
    match (&c.item, oldest) {
        (Item::Step { retry: true, .. }, _) => chrono::NaiveDate::MIN,
        (Item::Step { rule, .. }, Some(inv)) => {
            rule.delay.after(&ctx.policy.calendar, inv.due_date)
        }
        _ => chrono::NaiveDate::MAX,
    }
}

/// Alerts are de-duplicated on their kind and event; those without an event
/// only when identical.
fn push_unique(actions: &mut Vec<Action>, action: Action) {
    let duplicate = actions.iter().any(|a| match (a, &action) {
        (
            Action::Alert {
                kind: k1,
                event: Some(e1),
                ..
            },
            Action::Alert {
                kind: k2,
                event: Some(e2),
                ..
            },
        ) => k1 == k2 && e1 == e2,
        (a, b) => a == b,
    });
    if !duplicate {
        actions.push(action);
    }
}

fn to_action(ctx: &Ctx, c: &Candidate) -> Action {
    let invoices = c
        .invoices
        .iter()
        .filter_map(|&i| ctx.invoice(i))
        .map(|inv| inv.id)
        .collect();
    match &c.item {
        Item::Step {
            step,
            rule,
            recipients,
            promise_not_kept,
            ..
        } => Action::Step {
            step: *step,
            action: rule.action,
            template: rule.template.clone(),
            invoices,
            recipients: recipients.clone(),
            promise_not_kept: *promise_not_kept,
        },
        Item::Alert { kind, event } => Action::Alert {
            kind: *kind,
            event: *event,
            invoices,
        },
        Item::End => Action::EndOfSequence { invoices },
    }
}

/// The alerts the events call for that the history does not hold yet.
fn event_alerts(ctx: &Ctx) -> Vec<Action> {
    let mut out = Vec::new();
    for a in &ctx.folded.alerts {
        if !ctx.history_has_alert(a.kind, Some(a.event), DateTime::<Utc>::MIN_UTC) {
            let action = Action::Alert {
                kind: a.kind,
                event: Some(a.event),
                invoices: a.invoices.clone(),
            };
            push_unique(&mut out, action);
        }
    }
    out
}

/// One alert per open invoice whose limitation period ends within six months.
fn limitation_alerts(ctx: &Ctx) -> Vec<Action> {
    let mut out = Vec::new();
    for (i, inv) in ctx.case.invoices.iter().enumerate() {
        let Some(warn) = limitation_warning(inv.due_date) else {
            continue;
        };
        let told = ctx.case.history.iter().any(|s| {
            matches!(
                s.kind,
                super::SentKind::Alert {
                    kind: AlertKind::Limitation,
                    ..
                }
            ) && s.invoices.contains(&inv.id)
        });
        if !told && !ctx.settled(i) && ctx.today >= warn {
            out.push(Action::Alert {
                kind: AlertKind::Limitation,
                event: None,
                invoices: vec![inv.id],
            });
        }
    }
    out
}

fn limitation_warning(due: chrono::NaiveDate) -> Option<chrono::NaiveDate> {
    due.checked_add_months(LIMITATION)?
        .checked_sub_months(LIMITATION_WARNING)
}

/// The earliest future instant at which the answer can change by itself.
fn wake(ctx: &Ctx, plans: &[TrackPlan]) -> Option<DateTime<Utc>> {
    let window = &ctx.policy.window;
    let midnight = |d: chrono::NaiveDate| window.instant(d, NaiveTime::MIN);
    let candidates = plans.iter().flat_map(|p| &p.candidates).map(|c| c.at);
    let holds = ctx.folded.wakes.iter().copied();
    let open = (0..ctx.case.invoices.len())
        .filter(|&i| !ctx.settled(i))
        .filter_map(|i| ctx.invoice(i));
    let mut dates = Vec::new();
    for inv in open {
        dates.extend(inv.due_date.succ_opt());
        if !ctx.policy.excluded {
            dates.extend(limitation_warning(inv.due_date));
        }
    }
    candidates
        .chain(holds)
        .chain(dates.into_iter().map(midnight))
        .filter(|t| *t > ctx.now)
        .min()
}

fn views(
    ctx: &Ctx,
    tracks: &[Vec<usize>],
    plans: &[TrackPlan],
    excluded: bool,
) -> Vec<InvoiceView> {
    let mut out = Vec::with_capacity(ctx.case.invoices.len());
    for (i, inv) in ctx.case.invoices.iter().enumerate() {
        let plan = tracks
            .iter()
            .position(|t| t.contains(&i))
            .and_then(|p| plans.get(p));
        let hold = ctx.folded.invoices.get(i).map_or(Hold::None, |f| f.hold);
        let state = if ctx.settled(i) {
            CaseState::Closed
        } else if excluded {
            CaseState::Excluded
        } else {
            match hold {
                Hold::Paused(_) => CaseState::Paused,
                Hold::Promised { .. } => CaseState::Promised,
                Hold::PaidUnconfirmed { .. } => CaseState::PaidUnconfirmed,
                _ if inv.paused => CaseState::Paused,
                _ if plan.is_some_and(|p| p.ended) && ctx.overdue(i) => CaseState::Ended,
                _ if plan.is_some_and(|p| p.no_contact) && ctx.overdue(i) => CaseState::Paused,
                _ => CaseState::Scheduled,
            }
        };
        let step = ctx
            .steps
            .iter()
            .rev()
            .find(|s| s.invoices.contains(&inv.id))
            .and_then(|s| super::ladder::step_of(s))
            .unwrap_or(StepNo::NONE);
        out.push(InvoiceView {
            invoice: inv.id,
            state,
            step,
        });
    }
    out
}
