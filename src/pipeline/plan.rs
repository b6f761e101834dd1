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
    for (case, decision) in decisions(p, store, now)? {
        plan.next_wake = earliest(plan.next_wake, decision.next_wake);
        plan.due
            .extend(decision.actions.into_iter().map(|action| Due {
                client: case.client,
                action,
                reason: decision.reason.clone(),
            }));
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

/// Every case with the engine's decision at `now`: five queries for all
/// clients, then the engine in memory, spread over the cores when there are
/// many cases (deciding is pure, and most of a large plan's time).
pub(super) fn decisions(
    p: &Pipeline,
    store: &Store,
    now: DateTime<Utc>,
) -> Result<Vec<(Case, Decision)>> {
    let rows: HashMap<ClientId, ClientRow> = store
        .list_clients()?
        .into_iter()
        .map(|r| (r.id, r))
        .collect();
    let cases = store.load_all_cases()?;
    let decide = |case: &Case| engine::decide(case, &policy(p, case, rows.get(&case.client)), now);
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let decided: Vec<Decision> = if cases.len() < PARALLEL_FROM || threads < 2 {
        cases.iter().map(decide).collect()
    } else {
        let chunk = cases.len().div_ceil(threads);
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
    Ok(cases.into_iter().zip(decided).collect())
}

/// Each case with the next action the engine plans for it, if any.
pub(super) fn upcoming(
    p: &Pipeline,
    store: &Store,
    now: DateTime<Utc>,
) -> Result<Vec<(Case, Planned)>> {
    Ok(decisions(p, store, now)?
        .into_iter()
        .filter_map(|(case, d)| Some((case, d.next?)))
        .collect())
}

fn earliest(a: Option<DateTime<Utc>>, b: Option<DateTime<Utc>>) -> Option<DateTime<Utc>> {
    match (a, b) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}
