//! Engine tests: table-driven, every `now` explicit, French defaults unless a
//! test says otherwise. Times are written in UTC; Paris is UTC+1 in winter
//! and UTC+2 from 29 March to 25 October 2026.

use chrono::{DateTime, NaiveDate, Utc};
use rust_decimal::Decimal;

use super::*;
use crate::domain::{
    ClientId, Currency, EmailAddress, EventId, InvoiceId, InvoiceNumber, InvoiceStatus, Money,
    ReplyClass, StepAction, StepNo,
};

mod alerts;
mod bounces;
mod events;
mod grouping;
mod ladder;
mod notice;
mod props;
mod simulate;

pub(super) fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).expect("valid date")
}

/// `"2026-03-04T08:00"` read as UTC.
pub(super) fn t(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(&format!("{s}:00Z"))
        .expect("valid time")
        .with_timezone(&Utc)
}

pub(super) fn addr(s: &str) -> EmailAddress {
    EmailAddress::parse(s).expect("valid address")
}

pub(super) const COMPTA: &str = "compta@client-a.fr";
pub(super) const BILLING: &str = "factures@client-a.fr";

pub(super) fn invoice(id: i64, due: NaiveDate, amount: i64) -> CaseInvoice {
    CaseInvoice {
        id: InvoiceId(id),
        number: InvoiceNumber(format!("F-2026-{id:04}")),
        issue_date: due - chrono::Duration::days(30),
        due_date: due,
        amount: Money::new(Decimal::from(amount), Currency::EUR),
        paid: Decimal::ZERO,
        status: InvoiceStatus::Open,
        paused: false,
    }
}

pub(super) fn contact(a: &str, billing: bool) -> Contact {
    Contact {
        address: addr(a),
        billing,
        bounced: false,
    }
}

/// Client A with one contact and the given invoices.
pub(super) fn case(invoices: Vec<CaseInvoice>) -> Case {
    Case {
        client: ClientId(1),
        client_name: "Client A".to_string(),
        contacts: vec![contact(COMPTA, false)],
        invoices,
        events: Vec::new(),
        history: Vec::new(),
    }
}

/// The reference case: F-2026-0042, 1 200 EUR, due Monday 2 March 2026.
pub(super) fn one_invoice() -> Case {
    case(vec![invoice(42, d(2026, 3, 2), 1200)])
}

pub(super) fn policy() -> Policy {
    Policy::default_fr()
}

/// A step already taken at `at` for `invoices`, sent to COMPTA.
pub(super) fn done(at: &str, step: u8, action: StepAction, invoices: &[i64]) -> Sent {
    Sent {
        at: t(at),
        kind: SentKind::Step {
            step: StepNo(step),
            action,
            promise_not_kept: false,
        },
        invoices: invoices.iter().map(|&i| InvoiceId(i)).collect(),
        recipients: vec![addr(COMPTA)],
    }
}

pub(super) fn alert_sent(at: &str, kind: AlertKind, event: Option<i64>, invoices: &[i64]) -> Sent {
    Sent {
        at: t(at),
        kind: SentKind::Alert {
            kind,
            event: event.map(EventId),
        },
        invoices: invoices.iter().map(|&i| InvoiceId(i)).collect(),
        recipients: Vec::new(),
    }
}

pub(super) fn event(id: i64, at: &str, kind: EventKind) -> Event {
    Event {
        id: EventId(id),
        at: t(at),
        invoices: Vec::new(),
        kind,
    }
}

/// A reply from the known contact.
pub(super) fn reply(id: i64, at: &str, class: ReplyClass, date: Option<NaiveDate>) -> Event {
    event(
        id,
        at,
        EventKind::Reply {
            class,
            date,
            amount: None,
            from: addr(COMPTA),
            known_sender: true,
            failed_address: None,
        },
    )
}

/// `(step, action)` of the step actions of a decision.
pub(super) fn steps(decision: &Decision) -> Vec<(u8, StepAction)> {
    decision
        .actions
        .iter()
        .filter_map(|a| match a {
            Action::Step { step, action, .. } => Some((step.0, *action)),
            _ => None,
        })
        .collect()
}

/// `(kind, event)` of the alert actions of a decision.
pub(super) fn alerts(decision: &Decision) -> Vec<(AlertKind, Option<i64>)> {
    decision
        .actions
        .iter()
        .filter_map(|a| match a {
            Action::Alert { kind, event, .. } => Some((*kind, event.map(|e| e.0))),
            _ => None,
        })
        .collect()
}

pub(super) fn state_of(decision: &Decision, id: i64) -> CaseState {
    decision
        .invoices
        .iter()
        .find(|v| v.invoice == InvoiceId(id))
        .map(|v| v.state)
        .expect("invoice in the decision")
}

/// The next planned action's instant and, for a step, its number.
pub(super) fn next_step(decision: &Decision) -> Option<(DateTime<Utc>, u8)> {
    let planned = decision.next.as_ref()?;
    match &planned.action {
        Action::Step { step, .. } => Some((planned.at, step.0)),
        _ => None,
    }
}
