//! What one track does next and when: the next step (never skipped, never
//! repeated), a retry after a bounce, the wait for the formal notice, or the
//! end of the sequence. Each comes with the instant it becomes due.

use chrono::{DateTime, NaiveDate, Utc};

use super::ladder::{Ctx, Run, current_run, ended, promise_not_kept, step_of};
use super::{AlertKind, StepRule};
use crate::domain::{EmailAddress, EventId, StepAction, StepNo};

/// Something a track will do at `at` (due when `at <= now`).
#[derive(Debug, Clone)]
pub(super) struct Candidate<'a> {
    pub at: DateTime<Utc>,
    pub item: Item<'a>,
    /// Indexes into `Case::invoices`, oldest due date first.
    pub invoices: Vec<usize>,
}

#[derive(Debug, Clone)]
pub(super) enum Item<'a> {
    Step {
        step: StepNo,
        rule: &'a StepRule,
        recipients: Vec<EmailAddress>,
        promise_not_kept: bool,
        /// The same step again, to other contacts, after a bounce.
        retry: bool,
    },
    Alert {
        kind: AlertKind,
        event: Option<EventId>,
    },
    End,
}

/// A track's situation and its candidates.
#[derive(Debug, Clone, Default)]
pub(super) struct TrackPlan<'a> {
    pub candidates: Vec<Candidate<'a>>,
    pub ended: bool,
    /// An email step is next but no contact can receive it.
    pub no_contact: bool,
}

/// Plans the track made of invoices `track`.
pub(super) fn plan_track<'a>(ctx: &Ctx<'a>, track: &[usize]) -> TrackPlan<'a> {
    let run = current_run(ctx, track);
    if ended(ctx, &run) {
        return TrackPlan {
            ended: true,
            ..TrackPlan::default()
        };
    }
    let mut active: Vec<usize> = track.iter().copied().filter(|&i| ctx.active(i)).collect();
    active.sort_by_key(|&i| ctx.invoice(i).map(|inv| (inv.due_date, inv.id)));
    if active.is_empty() {
        return TrackPlan::default();
    }
    if let Some(plan) = retry(ctx, &run, &active) {
        return plan;
    }
    let next = run.done().next();
    let Some(rule) = ctx.rule(next) else {
        return end_after_notice(ctx, &run, active);
    };
    let date = step_date(ctx, &run, rule, &active, track);
    let at = ctx.slot(date, None);
    let p = ctx.policy;
    if rule.action == StepAction::Notice
        && p.notice_requires_confirmation
        && !ctx.folded.notice_confirmed
    {
        return notice_wait(ctx, &run, at, active);
    }
    step(ctx, at, (next, rule), active, false)
}

/// The last email of the run reached nobody: the same step again, to the
/// contacts still deliverable, as soon as the window allows.
fn retry<'a>(ctx: &Ctx<'a>, run: &Run<'a>, active: &[usize]) -> Option<TrackPlan<'a>> {
    let last = run.last().filter(|s| ctx.undelivered(s))?;
    let rule = step_of(last).and_then(|n| ctx.rule(n).map(|r| (n, r)))?;
    let bounces = ctx.folded.bounces.iter();
    let bounce_at = bounces
        .filter(|b| b.step_at == Some(last.at))
        .map(|b| b.at)
        .max();
    let at = ctx.slot(gap_date(ctx, ctx.today), bounce_at);
    Some(step(ctx, at, rule, active.to_vec(), true))
}

fn step<'a>(
    ctx: &Ctx<'a>,
    at: DateTime<Utc>,
    (step, rule): (StepNo, &'a StepRule),
    invoices: Vec<usize>,
    retry: bool,
) -> TrackPlan<'a> {
    let recipients = ctx.deliverable();
    if rule.action == StepAction::Email && recipients.is_empty() {
        return no_contact(ctx, at, invoices);
    }
    let item = Item::Step {
        step,
        rule,
        recipients,
        promise_not_kept: promise_not_kept(ctx, &invoices),
        retry,
    };
    TrackPlan {
        candidates: vec![Candidate { at, item, invoices }],
        ..TrackPlan::default()
    }
}

/// Nobody can receive the email: the track pauses and the user is told once
/// (tied to the bounce that caused it, when there is one).
fn no_contact<'a>(ctx: &Ctx<'a>, at: DateTime<Utc>, invoices: Vec<usize>) -> TrackPlan<'a> {
    let event = ctx.last_bounce();
    let since = match event {
        Some(_) => DateTime::<Utc>::MIN_UTC,
        None => ctx.steps.last().map_or(DateTime::<Utc>::MIN_UTC, |s| s.at),
    };
    let candidates = if ctx.history_has_alert(AlertKind::Bounce, event, since) {
        Vec::new()
    } else {
        let item = Item::Alert {
            kind: AlertKind::Bounce,
            event,
        };
        vec![Candidate { at, item, invoices }]
    };
    TrackPlan {
        candidates,
        no_contact: true,
        ..TrackPlan::default()
    }
}

/// Step 5 waits for the user: one NoticeReady alert per run when it would be
/// due, then the end of the sequence a notice deadline after that alert.
fn notice_wait<'a>(
    ctx: &Ctx<'a>,
    run: &Run,
    at: DateTime<Utc>,
    invoices: Vec<usize>,
) -> TrackPlan<'a> {
    let since = run.started().unwrap_or(DateTime::<Utc>::MIN_UTC);
    let told = ctx
        .case
        .history
        .iter()
        .filter(|s| s.at >= since && s.at <= ctx.now)
        .filter(|s| s.invoices.iter().any(|i| run.invoices.contains(i)))
        .find(|s| {
            matches!(
                s.kind,
                super::SentKind::Alert {
                    kind: AlertKind::NoticeReady,
                    ..
                }
            )
        });
    let candidate = match told {
        None => Candidate {
            at,
            item: Item::Alert {
                kind: AlertKind::NoticeReady,
                event: None,
            },
            invoices,
        },
        // The deadline runs from the alert, or from the last step when that
        // went out later: a step resent after a bounce gives the client its
        // full deadline before the sequence is declared over.
        Some(alert) => Candidate {
            at: ctx.slot(
                after_deadline(ctx, run.last().map_or(alert.at, |l| l.at.max(alert.at))),
                None,
            ),
            item: Item::End,
            invoices,
        },
    };
    TrackPlan {
        candidates: vec![candidate],
        ..TrackPlan::default()
    }
}

/// Every step is done: the user hears the sequence is over on the day after
/// the last step's payment deadline.
fn end_after_notice<'a>(ctx: &Ctx<'a>, run: &Run, invoices: Vec<usize>) -> TrackPlan<'a> {
    let Some(last) = run.last() else {
        return TrackPlan::default();
    };
    let candidate = Candidate {
        at: ctx.slot(after_deadline(ctx, last.at), None),
        item: Item::End,
        invoices,
    };
    TrackPlan {
        candidates: vec![candidate],
        ..TrackPlan::default()
    }
}

fn after_deadline(ctx: &Ctx, from: DateTime<Utc>) -> NaiveDate {
    let p = ctx.policy;
    let deadline = p
        .notice_deadline
        .after(&p.calendar, p.window.local_date(from));
    deadline.succ_opt().unwrap_or(deadline)
}

/// The earliest local date for a step: its delay from the oldest overdue
/// due date, the minimum gap after the last message that reached the client
/// and the postponements that came after the track's last step.
fn step_date(
    ctx: &Ctx,
    run: &Run,
    rule: &StepRule,
    active: &[usize],
    track: &[usize],
) -> NaiveDate {
    let p = ctx.policy;
    let anchor = active
        .first()
        .and_then(|&i| ctx.invoice(i))
        .map_or(ctx.today, |inv| inv.due_date);
    let mut date = gap_date(ctx, rule.delay.after(&p.calendar, anchor));
    let since = run.last().map(|s| s.at);
    let ids: Vec<_> = track
        .iter()
        .filter_map(|&i| ctx.invoice(i))
        .map(|inv| inv.id)
        .collect();
    for postpone in &ctx.folded.postpones {
        let concerns =
            postpone.invoices.is_empty() || postpone.invoices.iter().any(|i| ids.contains(i));
        if concerns && since.is_none_or(|t| postpone.at > t) {
            date = date.max(postpone.until);
        }
    }
    date
}

/// `date`, moved past the minimum gap after the last delivered step and past
/// its local day (one message per client per day even with no gap).
fn gap_date(ctx: &Ctx, date: NaiveDate) -> NaiveDate {
    let p = ctx.policy;
    match ctx.last_delivered() {
        None => date,
        Some(last) => {
            let day = p.window.local_date(last.at);
            let next_day = day.succ_opt().unwrap_or(day);
            date.max(p.min_gap.after(&p.calendar, day)).max(next_day)
        }
    }
}
