//! Planning: the engine over every case in one pass (five queries for all
//! clients, never one per case), the store's client flags folded into each
//! policy, and the hourly rate limit applied to client messages. Deciding
//! again for one client just before a send is [`still_due`].

use std::collections::HashMap;

use chrono::{DateTime, Duration, Utc};

use super::{Due, Error, Pipeline, Plan, Result};
use crate::domain::{ClientId, StepAction};
use crate::engine::{self, Action, Case, Decision, Planned, Policy};
use crate::store::{ClientRow, Store};

/// Below this many cases, planning stays on the caller's thread.
const PARALLEL_FROM: usize = 2_000;

/// How long surplus client messages wait when the rate limit is reached.
const RATE_LIMIT_RETRY: Duration = Duration::minutes(5);

/// The engine's policy for a case: the configuration with the client's
/// overrides, and the store's flags (excluded, notice confirmed by the CLI).
pub(super) fn policy(p: &Pipeline, case: &Case, row: Option<&ClientRow>) -> Policy {
    let mut policy = p.config.policy_for_case(case);
    if let Some(row) = row {
        policy.excluded |= row.excluded;
        if row.notice_confirmed {
            policy.notice_requires_confirmation = false;
        }
    }
    policy
}

/// A message that goes to the client, and so counts against the rate limit.
pub(super) fn to_client(action: &Action) -> bool {
    matches!(
        action,
        Action::Step {
            action: StepAction::Email | StepAction::Notice,
            ..
        }
    )
}

pub(super) fn plan(p: &Pipeline, store: &Store, now: DateTime<Utc>) -> Result<Plan> {
    let mut plan = Plan::default();
    let (_, kept) = decide_each(p, store, now, |case, decision| {
        let due: Vec<Due> = decision
            .actions
            .into_iter()
            .map(|action| Due {
                client: case.client,
                action,
                reason: decision.reason.clone(),
            })
            .collect();
        (decision.next_wake, due)
    })?;
    for (wake, due) in kept {
        plan.next_wake = earliest(plan.next_wake, wake);
        plan.due.extend(due);
    }
    let hour_ago = now - Duration::hours(1);
    let sent = store.client_messages_since(hour_ago)?;
    let mut budget = p.config.sequence.rate_limit.saturating_sub(sent);
    let before = plan.due.len();
    plan.due.retain(|due| {
        if !to_client(&due.action) {
            return true;
        }
        let keep = budget > 0;
        budget = budget.saturating_sub(1);
        keep
    });
    if plan.due.len() < before {
        plan.next_wake = earliest(plan.next_wake, Some(now + RATE_LIMIT_RETRY));
    }
    Ok(plan)
}

pub(super) fn still_due(
    p: &Pipeline,
    store: &Store,
    due: &Due,
    now: DateTime<Utc>,
) -> Result<bool> {
    let case = store.load_case(due.client)?;
    let row = store.client(due.client)?;
    let decision = engine::decide(&case, &policy(p, &case, Some(&row)), now);
    Ok(decision.actions.contains(&due.action))
}

/// Every case with the engine's decision at `now`.
pub(super) fn decisions(
    p: &Pipeline,
    store: &Store,
    now: DateTime<Utc>,
) -> Result<Vec<(Case, Decision)>> {
    let (cases, decided) = decide_each(p, store, now, |_, decision| decision)?;
    Ok(cases.into_iter().zip(decided).collect())
}

/// Every case and what `keep` takes of the engine's decision at `now`, in
/// the same order: five queries for all clients, then the engine in
/// memory, spread over the cores when there are many cases (deciding is
/// pure, and most of a large plan's time). Each decision is dropped as soon
/// as `keep` has read it: a pass over 20,000 cases never holds all their
/// invoice views and reasons at once.
fn decide_each<T: Send>(
    p: &Pipeline,
    store: &Store,
    now: DateTime<Utc>,
    keep: impl Fn(&Case, Decision) -> T + Sync,
) -> Result<(Vec<Case>, Vec<T>)> {
    let rows: HashMap<ClientId, ClientRow> = store
        .list_clients()?
        .into_iter()
        .map(|r| (r.id, r))
        .collect();
    let cases = store.load_all_cases()?;
    let decide = |case: &Case| {
        let decision = engine::decide(case, &policy(p, case, rows.get(&case.client)), now);
        keep(case, decision)
    };
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let kept: Vec<T> = if cases.len() < PARALLEL_FROM || threads < 2 {
        cases.iter().map(decide).collect()
    } else {
        let chunk = cases.len().div_ceil(threads);
        let decide = &decide;
        std::thread::scope(|scope| {
            let workers: Vec<_> = cases
                .chunks(chunk)
                .map(|part| scope.spawn(move || part.iter().map(decide).collect::<Vec<_>>()))
                .collect();
            let mut all = Vec::with_capacity(cases.len());
            for worker in workers {
                let part = worker
                    .join()
                    .map_err(|_| Error::Other("the engine panicked while planning".into()))?;
                all.extend(part);
            }
            Ok::<_, Error>(all)
        })?
    };
    Ok((cases, kept))
}

/// Each case with the next action the engine plans for it, if any.
pub(super) fn upcoming(
    p: &Pipeline,
    store: &Store,
    now: DateTime<Utc>,
) -> Result<Vec<(Case, Planned)>> {
    let (cases, next) = decide_each(p, store, now, |_, decision| decision.next)?;
    Ok(cases
        .into_iter()
        .zip(next)
        .filter_map(|(case, next)| Some((case, next?)))
        .collect())
}

fn earliest(a: Option<DateTime<Utc>>, b: Option<DateTime<Utc>>) -> Option<DateTime<Utc>> {
    match (a, b) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}
