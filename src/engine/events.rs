//! Folds a case's events, in time order, into where each invoice stands
//! (held by a pause, a promise or an unconfirmed payment), which postponements
//! apply, which addresses bounced and which alerts the events call for.
//!
//! Time-based endings (a promise lapsing, an unconfirmed payment resuming) are
//! applied as the fold walks past them, so the result depends only on `now`.

use std::collections::BTreeSet;

use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use rust_decimal::Decimal;

use super::{AlertKind, Case, EventKind, Policy, Sent, SentKind};
use crate::domain::{EmailAddress, EventId, InvoiceId, InvoiceStatus, ReplyClass, StepAction};

/// Why an invoice is held back from the ladder.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Hold {
    None,
    /// Until `UserResume`; client replies do not lift it.
    Paused(PauseCause),
    /// Until the start of local day `resume` (promised date + grace).
    Promised {
        resume: NaiveDate,
    },
    /// Until the start of local day `resume` unless the user confirms.
    PaidUnconfirmed {
        resume: NaiveDate,
    },
    /// The user confirmed the payment: the invoice is closed.
    Confirmed,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum PauseCause {
    User,
    Stop,
    Dispute,
    Question,
}

/// One invoice after the fold, aligned with `Case::invoices`.
#[derive(Debug, Clone)]
pub(super) struct InvoiceFold {
    pub hold: Hold,
    /// When a promise on it lapsed unpaid (the next step says so).
    pub promise_lapsed: Option<DateTime<Utc>>,
    /// Partial payments reported in replies, on top of `CaseInvoice::paid`.
    pub credited: Decimal,
}

/// "Not before `until`" for the next step of the invoices concerned.
#[derive(Debug, Clone)]
pub(super) struct Postpone {
    pub at: DateTime<Utc>,
    pub until: NaiveDate,
    /// Empty means every invoice of the client.
    pub invoices: Vec<InvoiceId>,
}

/// A delivery failure resolved to the addresses and the step it concerns.
#[derive(Debug, Clone)]
pub(super) struct Bounce {
    pub event: EventId,
    pub at: DateTime<Utc>,
    /// When the bounced step was sent, if the bounce follows one.
    pub step_at: Option<DateTime<Utc>>,
    pub addresses: Vec<EmailAddress>,
}

/// An alert an event calls for, before de-duplication against the history.
#[derive(Debug, Clone)]
pub(super) struct EventAlert {
    pub kind: AlertKind,
    pub event: EventId,
    pub invoices: Vec<InvoiceId>,
}

#[derive(Debug, Clone)]
pub(super) struct Folded {
    pub invoices: Vec<InvoiceFold>,
    pub postpones: Vec<Postpone>,
    pub bounces: Vec<Bounce>,
    pub bounced: BTreeSet<EmailAddress>,
    pub alerts: Vec<EventAlert>,
    pub notice_confirmed: bool,
    /// Future instants at which a hold ends.
    pub wakes: Vec<DateTime<Utc>>,
}

/// Folds the events of `case` that happened at or before `now`.
pub(super) fn fold(case: &Case, policy: &Policy, now: DateTime<Utc>) -> Folded {
    let mut folder = Folder {
        case,
        policy,
        out: Folded {
            invoices: vec![
                InvoiceFold {
                    hold: Hold::None,
                    promise_lapsed: None,
                    credited: Decimal::ZERO,
                };
                case.invoices.len()
            ],
            postpones: Vec::new(),
            bounces: Vec::new(),
            bounced: case
                .contacts
                .iter()
                .filter(|c| c.bounced)
                .map(|c| c.address.clone())
                .collect(),
            alerts: Vec::new(),
            notice_confirmed: false,
            wakes: Vec::new(),
        },
    };
    let mut events: Vec<_> = case.events.iter().filter(|e| e.at <= now).collect();
    events.sort_by_key(|e| e.at);
    for event in events {
        folder.expire(policy.window.local_date(event.at));
        folder.apply(event);
    }
    folder.expire(policy.window.local_date(now));
    let window = &policy.window;
    let mut out = folder.out;
    out.wakes = out
        .invoices
        .iter()
        .filter_map(|f| match f.hold {
            Hold::Promised { resume } | Hold::PaidUnconfirmed { resume } => {
                Some(window.instant(resume, NaiveTime::MIN))
            }
            _ => None,
        })
        .collect();
    out
}

struct Folder<'a> {
    case: &'a Case,
    policy: &'a Policy,
    out: Folded,
}

impl Folder<'_> {
    /// Ends the holds whose time is over on local date `today`.
    fn expire(&mut self, today: NaiveDate) {
        let window = &self.policy.window;
        for f in &mut self.out.invoices {
            match f.hold {
                Hold::Promised { resume } if today >= resume => {
                    f.hold = Hold::None;
                    f.promise_lapsed = Some(window.instant(resume, NaiveTime::MIN));
                }
                Hold::PaidUnconfirmed { resume } if today >= resume => f.hold = Hold::None,
                _ => {}
            }
        }
    }

    /// Indexes of the invoices an event concerns: the listed ones, or every
    /// open invoice of the client when the list is empty.
    fn targets(&self, listed: &[InvoiceId]) -> Vec<usize> {
        let invoices = &self.case.invoices;
        let mut idx: Vec<usize> = (0..invoices.len())
            .filter(|&i| {
                if listed.is_empty() {
                    invoices[i].status == InvoiceStatus::Open
                } else {
                    listed.contains(&invoices[i].id)
                }
            })
            .collect();
        idx.sort_by_key(|&i| (invoices[i].due_date, invoices[i].id));
        idx
    }

    fn apply(&mut self, event: &super::Event) {
        let targets = self.targets(&event.invoices);
        let local = self.policy.window.local_date(event.at);
        let p = self.policy;
        match &event.kind {
            EventKind::Reply {
                class,
                date,
                amount,
                known_sender,
                failed_address,
                ..
            } => {
                if !known_sender {
                    self.alert(AlertKind::UnknownReply, event, &targets);
                }
                self.apply_reply(event, *class, *date, *amount, failed_address, &targets);
            }
            EventKind::ManualContact => {
                self.postpone(event, p.manual_contact_delay.after(&p.calendar, local))
            }
            EventKind::UserPromise { date } => {
                let resume = p.promise_grace.after(&p.calendar, *date);
                self.set_hold(&targets, Hold::Promised { resume }, true);
            }
            EventKind::UserConfirmPaid => self.set_hold(&targets, Hold::Confirmed, true),
            EventKind::UserRejectPaid => {
                for &i in &targets {
                    let f = &mut self.out.invoices[i];
                    if matches!(f.hold, Hold::PaidUnconfirmed { .. }) {
                        f.hold = Hold::None;
                    }
                }
            }
            EventKind::UserPause => self.set_hold(&targets, Hold::Paused(PauseCause::User), true),
            EventKind::UserStop => self.set_hold(&targets, Hold::Paused(PauseCause::Stop), true),
            EventKind::UserResume => {
                for &i in &targets {
                    let f = &mut self.out.invoices[i];
                    if f.hold != Hold::Confirmed {
                        f.hold = Hold::None;
                    }
                }
            }
            EventKind::UserConfirmNotice => self.out.notice_confirmed = true,
        }
    }

    fn apply_reply(
        &mut self,
        event: &super::Event,
        class: ReplyClass,
        date: Option<NaiveDate>,
        amount: Option<Decimal>,
        failed: &Option<EmailAddress>,
        targets: &[usize],
    ) {
        let p = self.policy;
        let local = p.window.local_date(event.at);
        let promise = |d: NaiveDate| Hold::Promised {
            resume: p.promise_grace.after(&p.calendar, d),
        };
        match (class, date) {
            (ReplyClass::Paid, _) => {
                let resume = p.paid_confirmation_delay.after(&p.calendar, local);
                self.set_hold(targets, Hold::PaidUnconfirmed { resume }, false);
                self.alert(AlertKind::ConfirmPaid, event, targets);
            }
            (ReplyClass::Promise, Some(d)) => self.set_hold(targets, promise(d), false),
            (ReplyClass::Partial, date) => {
                self.credit(targets, amount.unwrap_or(Decimal::ZERO));
                if let Some(d) = date {
                    self.set_hold(targets, promise(d), false);
                }
            }
            (ReplyClass::Ooo, Some(back)) => {
                self.postpone(event, p.calendar.next_business_day(back))
            }
            (ReplyClass::Ooo, None) => {
                self.postpone(event, p.ooo_default_delay.after(&p.calendar, local))
            }
            (ReplyClass::Bounce, _) => self.bounce(event, failed, targets),
            (ReplyClass::Dispute, _) => {
                self.set_hold(targets, Hold::Paused(PauseCause::Dispute), false);
                self.alert(AlertKind::Dispute, event, targets);
            }
            (ReplyClass::Question, _) => {
                self.set_hold(targets, Hold::Paused(PauseCause::Question), false);
                self.alert(AlertKind::Question, event, targets);
            }
            // A promise without a date is as vague as "as soon as we can".
            (ReplyClass::Other | ReplyClass::Promise, _) => {
                self.postpone(event, p.manual_contact_delay.after(&p.calendar, local));
                self.alert(AlertKind::UnknownReply, event, targets);
            }
        }
    }

    /// Sets a hold. A client's reply never lifts a pause or reopens a closed
    /// invoice: only the user does (`by_user`).
    fn set_hold(&mut self, targets: &[usize], hold: Hold, by_user: bool) {
        for &i in targets {
            let f = &mut self.out.invoices[i];
            let locked = matches!(f.hold, Hold::Paused(_) | Hold::Confirmed);
            if by_user || !locked {
                f.hold = hold;
            }
        }
    }

    /// Applies a partial payment to the invoices concerned, oldest first.
    fn credit(&mut self, targets: &[usize], amount: Decimal) {
        let mut left = amount;
        for &i in targets {
            if left <= Decimal::ZERO {
                break;
            }
            let inv = &self.case.invoices[i];
            let f = &mut self.out.invoices[i];
            let owed = (inv.amount.amount - inv.paid - f.credited).max(Decimal::ZERO);
            let part = owed.min(left);
            f.credited += part;
            left -= part;
        }
    }

    fn postpone(&mut self, event: &super::Event, until: NaiveDate) {
        self.out.postpones.push(Postpone {
            at: event.at,
            until,
            invoices: event.invoices.clone(),
        });
    }

    fn alert(&mut self, kind: AlertKind, event: &super::Event, targets: &[usize]) {
        let already = self
            .out
            .alerts
            .iter()
            .any(|a| a.kind == kind && a.event == event.id);
        if !already {
            let invoices = targets.iter().map(|&i| self.case.invoices[i].id).collect();
            self.out.alerts.push(EventAlert {
                kind,
                event: event.id,
                invoices,
            });
        }
    }

    /// Records which addresses failed: the one the report names, else every
    /// recipient of the last email sent before the report.
    fn bounce(&mut self, event: &super::Event, failed: &Option<EmailAddress>, targets: &[usize]) {
        let last = last_email_before(&self.case.history, event.at);
        let addresses = match (failed, last) {
            (Some(a), _) => vec![a.clone()],
            (None, Some(s)) => s.recipients.clone(),
            (None, None) => Vec::new(),
        };
        self.out.bounced.extend(addresses.iter().cloned());
        self.out.bounces.push(Bounce {
            event: event.id,
            at: event.at,
            step_at: last.map(|s| s.at),
            addresses,
        });
        let bounced = &self.out.bounced;
        if !self
            .case
            .contacts
            .iter()
            .any(|c| !c.bounced && !bounced.contains(&c.address))
        {
            self.alert(AlertKind::Bounce, event, targets);
        }
    }
}

/// The last email sent strictly before `at`: a report cannot be about a
/// message sent at the same instant or later.
fn last_email_before(history: &[Sent], at: DateTime<Utc>) -> Option<&Sent> {
    history
        .iter()
        .filter(|s| s.at < at)
        .filter(|s| {
            matches!(
                s.kind,
                SentKind::Step {
                    action: StepAction::Email,
                    ..
                }
            )
        })
        .max_by_key(|s| s.at)
}
