//! Where each ladder stands and what it does next: tracks (one per client, or
//! one per invoice), the running sequence read from the history, and the
//! next step's time once the delays, the minimum gap, postponements and the
//! sending window have had their say.

use std::collections::BTreeSet;

use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use rust_decimal::Decimal;

use super::events::{Folded, Hold};
use super::{AlertKind, Case, CaseInvoice, Policy, Sent, SentKind, StepRule};
use crate::domain::{
    EmailAddress, EventId, Grouping, InvoiceId, InvoiceStatus, StepAction, StepNo,
};

/// Everything computed once per `decide` and shared by the tracks.
pub(super) struct Ctx<'a> {
    pub case: &'a Case,
    pub policy: &'a Policy,
    pub now: DateTime<Utc>,
    pub today: NaiveDate,
    pub folded: Folded,
    /// Ladder steps already taken, in time order.
    pub steps: Vec<&'a Sent>,
}

impl<'a> Ctx<'a> {
    pub fn new(case: &'a Case, policy: &'a Policy, now: DateTime<Utc>) -> Ctx<'a> {
        let mut steps: Vec<&Sent> = case
            .history
            .iter()
            .filter(|s| s.at <= now && matches!(s.kind, SentKind::Step { .. }))
            .collect();
        steps.sort_by_key(|s| s.at);
        Ctx {
            case,
            policy,
            now,
            today: policy.window.local_date(now),
            folded: super::events::fold(case, policy, now),
            steps,
        }
    }

    pub fn invoice(&self, i: usize) -> Option<&'a CaseInvoice> {
        self.case.invoices.get(i)
    }

    fn hold(&self, i: usize) -> Hold {
        self.folded.invoices.get(i).map_or(Hold::None, |f| f.hold)
    }

    /// What is still owed on invoice `i`.
    pub fn remaining(&self, i: usize) -> Decimal {
        let credited = self
            .folded
            .invoices
            .get(i)
            .map_or(Decimal::ZERO, |f| f.credited);
        self.invoice(i)
            .map_or(Decimal::ZERO, |inv| inv.amount.amount - inv.paid - credited)
            .max(Decimal::ZERO)
    }

    /// Paid, cancelled, confirmed paid or fully covered by partial payments.
    pub fn settled(&self, i: usize) -> bool {
        self.invoice(i)
            .is_none_or(|inv| inv.status != InvoiceStatus::Open)
            || self.hold(i) == Hold::Confirmed
            || self.remaining(i) <= Decimal::ZERO
    }

    pub fn overdue(&self, i: usize) -> bool {
        self.invoice(i).is_some_and(|inv| inv.due_date < self.today)
    }

    /// Overdue, unsettled and held by nothing: the ladder chases it.
    pub fn active(&self, i: usize) -> bool {
        self.overdue(i)
            && !self.settled(i)
            && self.hold(i) == Hold::None
            && self.invoice(i).is_some_and(|inv| !inv.paused)
    }

    /// The sum still owed on overdue open invoices.
    pub fn overdue_balance(&self) -> Decimal {
        (0..self.case.invoices.len())
            .filter(|&i| self.overdue(i) && !self.settled(i))
            .map(|i| self.remaining(i))
            .sum()
    }

    /// Not chased at all: excluded client or balance under the minimum.
    pub fn excluded(&self) -> bool {
        self.policy.excluded || self.overdue_balance() < self.policy.min_amount
    }

    /// Contacts that can still receive mail, billing contact first. A
    /// billing contact is the fallback (SPEC §4): it joins once an address
    /// of the client bounced, or when no other contact is left.
    pub fn deliverable(&self) -> Vec<EmailAddress> {
        let bounced = |c: &&super::Contact| c.bounced || self.folded.bounced.contains(&c.address);
        let mut contacts: Vec<_> = self.case.contacts.iter().filter(|c| !bounced(c)).collect();
        let fallback =
            self.case.contacts.iter().any(|c| bounced(&c)) || contacts.iter().all(|c| c.billing);
        contacts.retain(|c| fallback || !c.billing);
        contacts.sort_by_key(|c| !c.billing);
        contacts.into_iter().map(|c| c.address.clone()).collect()
    }

    /// Whether every recipient of email step `s` bounced after it was sent.
    pub fn undelivered(&self, s: &Sent) -> bool {
        let is_email = matches!(
            s.kind,
            SentKind::Step {
                action: StepAction::Email,
                ..
            }
        );
        let failed: BTreeSet<&EmailAddress> = self
            .folded
            .bounces
            .iter()
            .filter(|b| b.step_at == Some(s.at))
            .flat_map(|b| b.addresses.iter())
            .collect();
        is_email && !s.recipients.is_empty() && s.recipients.iter().all(|r| failed.contains(r))
    }

    /// The last step that reached the client, whatever its track.
    pub fn last_delivered(&self) -> Option<&'a Sent> {
        self.steps
            .iter()
            .rev()
            .find(|s| !self.undelivered(s))
            .copied()
    }

    /// The latest bounce report, to tie a "no contact left" alert to it.
    pub fn last_bounce(&self) -> Option<EventId> {
        self.folded
            .bounces
            .iter()
            .max_by_key(|b| b.at)
            .map(|b| b.event)
    }

    pub fn history_has_alert(
        &self,
        kind: AlertKind,
        event: Option<EventId>,
        since: DateTime<Utc>,
    ) -> bool {
        self.case.history.iter().any(|s| {
            s.at >= since
                && s.at <= self.now
                && matches!(&s.kind, SentKind::Alert { kind: k, event: e } if *k == kind && *e == event)
        })
    }

    pub fn rule(&self, step: StepNo) -> Option<&'a StepRule> {
        let index = usize::from(step.0).checked_sub(1)?;
        self.policy.ladder.get(index)
    }

    /// The first window opening at or after both the start of local `date`
    /// and `not_before`, and never before now.
    pub fn slot(&self, date: NaiveDate, not_before: Option<DateTime<Utc>>) -> DateTime<Utc> {
        let w = &self.policy.window;
        let cal = &self.policy.calendar;
        let start = w
            .instant(date, NaiveTime::MIN)
            .max(not_before.unwrap_or(DateTime::<Utc>::MIN_UTC));
        let at = w.next_open(cal, start);
        if at < self.now {
            w.next_open(cal, self.now)
        } else {
            at
        }
    }
}

/// The invoices one ladder covers, as indexes into `Case::invoices`.
pub(super) fn tracks(ctx: &Ctx) -> Vec<Vec<usize>> {
    let all: Vec<usize> = (0..ctx.case.invoices.len()).collect();
    match ctx.policy.grouping {
        Grouping::PerClient => vec![all],
        Grouping::PerInvoice => all.into_iter().map(|i| vec![i]).collect(),
    }
}

/// The running sequence of a track: its steps since it last started over.
pub(super) struct Run<'a> {
    pub steps: Vec<&'a Sent>,
    pub invoices: BTreeSet<InvoiceId>,
}

impl Run<'_> {
    pub fn done(&self) -> StepNo {
        self.steps
            .iter()
            .filter_map(|s| step_of(s))
            .max()
            .unwrap_or(StepNo::NONE)
    }

    pub fn started(&self) -> Option<DateTime<Utc>> {
        self.steps.first().map(|s| s.at)
    }

    pub fn last(&self) -> Option<&Sent> {
        self.steps.last().copied()
    }
}

pub(super) fn step_of(s: &Sent) -> Option<StepNo> {
    match s.kind {
        SentKind::Step { step, .. } => Some(step),
        _ => None,
    }
}

/// Reads the current run of `track` from the history. A sequence is over once
/// every invoice it chased is settled; a later step for other invoices only
/// then starts a fresh ladder, so a newly overdue invoice never restarts one.
pub(super) fn current_run<'a>(ctx: &Ctx<'a>, track: &[usize]) -> Run<'a> {
    let ids: BTreeSet<InvoiceId> = track
        .iter()
        .filter_map(|&i| ctx.invoice(i))
        .map(|inv| inv.id)
        .collect();
    let settled = |id: &InvoiceId| {
        let i = ctx.case.invoices.iter().position(|inv| inv.id == *id);
        i.is_none_or(|i| ctx.settled(i))
    };
    let mut run = Run {
        steps: Vec::new(),
        invoices: BTreeSet::new(),
    };
    for s in ctx
        .steps
        .iter()
        .filter(|s| s.invoices.iter().any(|i| ids.contains(i)))
    {
        let fresh = !run.steps.is_empty()
            && run.invoices.iter().all(settled)
            && s.invoices.iter().all(|i| !run.invoices.contains(i));
        if fresh {
            run.steps.clear();
            run.invoices.clear();
        }
        run.steps.push(s);
        run.invoices.extend(s.invoices.iter().copied());
    }
    if run.invoices.iter().all(settled) {
        run.steps.clear();
        run.invoices.clear();
    }
    run
}

/// Whether the user was already told this run is over.
pub(super) fn ended(ctx: &Ctx, run: &Run) -> bool {
    let Some(start) = run.started() else {
        return false;
    };
    ctx.case.history.iter().any(|s| {
        s.at >= start
            && s.at <= ctx.now
            && matches!(s.kind, SentKind::EndOfSequence)
            && (s.invoices.is_empty() || s.invoices.iter().any(|i| run.invoices.contains(i)))
    })
}

/// Whether a step covering `invoices` must say an earlier promise was not
/// kept: a promise lapsed and no step covered the invoice since.
pub(super) fn promise_not_kept(ctx: &Ctx, invoices: &[usize]) -> bool {
    invoices.iter().any(|&i| {
        let lapsed = ctx.folded.invoices.get(i).and_then(|f| f.promise_lapsed);
        let id = ctx.invoice(i).map(|inv| inv.id);
        lapsed.is_some_and(|t| {
            !ctx.steps
                .iter()
                .any(|s| s.at >= t && id.is_some_and(|id| s.invoices.contains(&id)))
        })
    })
}
