//! What `relance preview` shows: the step the engine would take for an
//! invoice's client at a given instant (or a step named by the user),
//! composed exactly as the daemon would compose it, without recording
//! anything.

use chrono::{DateTime, Utc};

use super::{Due, Error, Pipeline, Result, plan};
use crate::domain::{Grouping, InvoiceId, InvoiceStatus, StepNo};
use crate::engine::{self, Action, Case, Policy};
use crate::store::Store;

pub(super) fn preview_due(
    p: &Pipeline,
    store: &Store,
    invoice: InvoiceId,
    step: Option<StepNo>,
    at: DateTime<Utc>,
) -> Result<Due> {
    let row = store.invoice(invoice)?;
    let case = store.load_case(row.client)?;
    let client = store.client(row.client)?;
    let policy = plan::policy(p, &case, Some(&client));
    let decision = engine::decide(&case, &policy, at);
    let planned = decision
        .actions
        .iter()
        .chain(decision.next.iter().map(|n| &n.action))
        .find(|a| matches!(a, Action::Step { invoices, .. } if invoices.contains(&invoice)))
        .cloned();
    let action = match (step, planned) {
        (None, Some(action)) => action,
        (Some(n), Some(action @ Action::Step { step, .. })) if step == n => action,
        (Some(n), _) => named_step(&case, &policy, invoice, n, at)?,
        (None, None) => {
            return Err(Error::Other(format!(
                "no step is planned for invoice {} (state: {}); name one with --step N",
                row.number,
                decision
                    .invoices
                    .iter()
                    .find(|v| v.invoice == invoice)
                    .map_or("unknown", |v| v.state.as_str()),
            )));
        }
    };
    Ok(Due {
        client: row.client,
        action,
        reason: decision.reason,
    })
}

/// Step `n` of the client's ladder for the invoices it would cover at `at`:
/// the client's overdue open invoices (grouped mode) or this one alone.
fn named_step(
    case: &Case,
    policy: &Policy,
    invoice: InvoiceId,
    n: StepNo,
    at: DateTime<Utc>,
) -> Result<Action> {
    let rule = usize::from(n.0)
        .checked_sub(1)
        .and_then(|i| policy.ladder.get(i))
        .ok_or_else(|| {
            Error::Other(format!(
                "step {n} is not in this client's ladder (steps 1 to {})",
                policy.ladder.len()
            ))
        })?;
    let today = policy.window.local_date(at);
    let mut invoices: Vec<InvoiceId> = match policy.grouping {
        Grouping::PerInvoice => vec![invoice],
        Grouping::PerClient => case
            .invoices
            .iter()
            .filter(|i| i.status == InvoiceStatus::Open && i.due_date < today)
            .map(|i| i.id)
            .collect(),
    };
    if !invoices.contains(&invoice) {
        invoices.push(invoice);
    }
    // The engine's own rule: billing contacts only after a bounce or when
    // they are all that is left.
    let live: Vec<_> = case.contacts.iter().filter(|c| !c.bounced).collect();
    let fallback = live.len() < case.contacts.len() || live.iter().all(|c| c.billing);
    let recipients = live
        .into_iter()
        .filter(|c| fallback || !c.billing)
        .map(|c| c.address.clone())
        .collect();
    Ok(Action::Step {
        step: n,
        action: rule.action,
        template: rule.template.clone(),
        invoices,
        recipients,
        promise_not_kept: false,
    })
}
