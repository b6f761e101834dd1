//! The data a case template sees: built from a [`CaseInput`] with every
//! figure computed once (balance, overdue total, days late, penalties) so
//! that templates only choose words. Dates are ISO strings and amounts are
//! `Money` values; the `date` and `money` filters print them per language.
//!
//! `docs/templates.md` lists every field; keep the two in step.

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::Serialize;

use crate::calendar::add_days;
use crate::compose::input::{CaseInput, ContactKind, Invoice, PastContact, StepRequest};
use crate::compose::penalties::{self, Penalties, Regime};
use crate::domain::{Currency, Money};

/// The whole context of a case template.
#[derive(Debug, Clone, Serialize)]
pub struct CaseContext {
    pub lang: &'static str,
    /// Local date of `now`.
    pub today: NaiveDate,
    pub company: CompanyView,
    pub client: ClientView,
    /// Ladder step being taken (0 for messages outside the ladder).
    pub step: u8,
    pub promise_not_kept: bool,
    pub promised_date: Option<NaiveDate>,
    /// The subject carries the marker; the body's first line need not.
    pub marker_in_subject: bool,
    /// Every open invoice, oldest due date first.
    pub invoices: Vec<InvoiceView>,
    /// The overdue ones among them.
    pub overdue: Vec<InvoiceView>,
    /// The overdue invoice with the oldest due date (drives the level).
    pub oldest: Option<InvoiceView>,
    pub balance: Money,
    pub overdue_total: Money,
    pub history: Vec<HistoryView>,
    /// Stated only when configured and owed.
    pub penalties: Option<PenaltiesView>,
    pub deadline: DeadlineView,
    /// File names re-attached to the message.
    pub attachments: Vec<String>,
    /// Filled for alerts only.
    pub alert: Option<AlertView>,
}

#[derive(Debug, Clone, Serialize)]
pub struct CompanyView {
    pub name: String,
    pub sender_name: String,
    pub email: String,
    pub phone: Option<String>,
    pub address: Vec<String>,
    pub city: String,
    pub signature: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ClientView {
    pub name: String,
    pub contact_name: Option<String>,
    pub emails: Vec<String>,
    pub phone: Option<String>,
    pub address: Vec<String>,
    pub consumer: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct InvoiceView {
    pub number: String,
    pub issue_date: NaiveDate,
    pub due_date: NaiveDate,
    pub amount: Money,
    pub paid: Money,
    pub remaining: Money,
    /// Days past the due date; 0 when not overdue.
    pub days_late: i64,
    pub overdue: bool,
    /// Something was already paid on it.
    pub partly_paid: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct HistoryView {
    pub date: NaiveDate,
    /// `email`, `call` or `notice`.
    pub kind: &'static str,
    pub step: u8,
    pub recipients: Vec<String>,
    pub outcome: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct PenaltiesView {
    /// `fr` or `uk`: which law the wording cites.
    pub regime: &'static str,
    pub rows: Vec<PenaltyRowView>,
    pub interest_total: Money,
    pub indemnity_total: Money,
    /// False for consumers, who owe no fixed indemnity.
    pub has_indemnity: bool,
    pub total: Money,
    /// Overdue amount plus penalties.
    pub grand_total: Money,
}

#[derive(Debug, Clone, Serialize)]
pub struct PenaltyRowView {
    pub number: String,
    pub base: Money,
    pub days_late: i64,
    pub periods: Vec<PeriodView>,
    pub interest: Money,
    pub indemnity: Money,
}

#[derive(Debug, Clone, Serialize)]
pub struct PeriodView {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub days: i64,
    /// Annual percentage, for the `percent` filter.
    pub rate: Decimal,
    pub interest: Money,
}

#[derive(Debug, Clone, Serialize)]
pub struct DeadlineView {
    /// Days given to pay, from receipt.
    pub days: u32,
    /// `today + days`, for messages that name a date.
    pub date: NaiveDate,
}

/// What an alert is about.
#[derive(Debug, Clone, Serialize)]
pub struct AlertView {
    /// `bounce`, `dispute`, `question`, `unknown-reply`, `confirm-paid`,
    /// `notice-ready` or `limitation`.
    pub kind: &'static str,
    pub from: Option<String>,
    pub received: Option<NaiveDate>,
    /// The words that decided the classification.
    pub evidence: Option<String>,
    /// The new text of the reply, quotes stripped.
    pub excerpt: Option<String>,
    /// A date the reply or the alert is about (limitation end, promised date).
    pub date: Option<NaiveDate>,
}

/// Builds the context for `case`; `step` is `None` outside the ladder.
pub fn case_context(case: &CaseInput, step: Option<&StepRequest>) -> CaseContext {
    let today = case.now.with_timezone(&case.time_zone).date_naive();
    let mut open: Vec<&Invoice> = case.invoices.iter().collect();
    open.sort_by_key(|i| (i.due_date, i.number.clone()));
    let invoices: Vec<InvoiceView> = open.iter().map(|i| invoice_view(i, today)).collect();
    let overdue: Vec<InvoiceView> = invoices.iter().filter(|i| i.overdue).cloned().collect();
    let currency = open.first().map_or(Currency::EUR, |i| i.amount.currency);
    let sum = |list: &[InvoiceView]| -> Decimal { list.iter().map(|i| i.remaining.amount).sum() };
    let overdue_total = Money::new(sum(&overdue), currency);
    let penalties = case
        .penalties
        .as_ref()
        .map(|regime| {
            let list: Vec<_> = open.iter().map(|i| i.penalty_input()).collect();
            let computed = penalties::compute(regime, &list, today, case.client.consumer);
            penalties_view(regime, &computed, overdue_total)
        })
        .filter(|p| !p.rows.is_empty());
    CaseContext {
        lang: case.language.as_str(),
        today,
        company: company_view(case),
        client: client_view(case),
        step: step.map_or(0, |s| s.step.0),
        promise_not_kept: step.is_some_and(|s| s.promise_not_kept),
        promised_date: step.and_then(|s| s.promised_date),
        marker_in_subject: step
            .is_some_and(|s| s.subject_style == crate::compose::SubjectStyle::Marked),
        oldest: overdue.first().cloned(),
        balance: Money::new(sum(&invoices), currency),
        overdue_total,
        invoices,
        history: case.history.iter().map(|h| history_view(h, case)).collect(),
        penalties,
        deadline: DeadlineView {
            days: case.notice_deadline_days,
            date: add_days(today, case.notice_deadline_days),
        },
        attachments: open
            .iter()
            .filter(|i| i.due_date < today)
            .flat_map(|i| i.attachments.iter().map(|a| a.filename.clone()))
            .collect(),
        overdue,
        alert: None,
    }
}

fn company_view(case: &CaseInput) -> CompanyView {
    let s = &case.sender;
    CompanyView {
        name: s.company.clone(),
        sender_name: s.name.clone(),
        email: s.email.to_string(),
        phone: s.phone.clone(),
        address: s.address.clone(),
        city: s.city.clone(),
        signature: s.signature.clone(),
    }
}

fn client_view(case: &CaseInput) -> ClientView {
    let c = &case.client;
    ClientView {
        name: c.name.clone(),
        contact_name: c.contact_name.clone(),
        emails: c.contacts.iter().map(ToString::to_string).collect(),
        phone: c.phone.clone(),
        address: c.address.clone(),
        consumer: c.consumer,
    }
}

fn invoice_view(inv: &Invoice, today: NaiveDate) -> InvoiceView {
    let days_late = (today - inv.due_date).num_days().max(0);
    InvoiceView {
        number: inv.number.to_string(),
        issue_date: inv.issue_date,
        due_date: inv.due_date,
        amount: inv.amount,
        paid: Money::new(inv.paid, inv.amount.currency),
        remaining: inv.remaining(),
        days_late,
        overdue: days_late > 0,
        partly_paid: !inv.paid.is_zero(),
    }
}

fn history_view(h: &PastContact, case: &CaseInput) -> HistoryView {
    HistoryView {
        date: h.at.with_timezone(&case.time_zone).date_naive(),
        kind: match h.kind {
            ContactKind::Email => "email",
            ContactKind::Call => "call",
            ContactKind::Notice => "notice",
        },
        step: h.step.0,
        recipients: h.recipients.iter().map(ToString::to_string).collect(),
        outcome: h.outcome.clone(),
    }
}

fn penalties_view(regime: &Regime, p: &Penalties, overdue: Money) -> PenaltiesView {
    let rows = p
        .invoices
        .iter()
        .map(|r| PenaltyRowView {
            number: r.number.to_string(),
            base: r.base,
            days_late: r.days_late,
            periods: r
                .periods
                .iter()
                .map(|period| PeriodView {
                    from: period.from,
                    to: period.to,
                    days: period.days,
                    rate: period.rate,
                    interest: Money::new(period.interest, r.base.currency),
                })
                .collect(),
            interest: r.interest,
            indemnity: r.indemnity,
        })
        .collect();
    PenaltiesView {
        regime: match regime {
            Regime::France(_) => "fr",
            Regime::Uk(_) => "uk",
        },
        rows,
        interest_total: p.interest_total,
        indemnity_total: p.indemnity_total,
        has_indemnity: !p.indemnity_total.amount.is_zero(),
        total: p.total,
        grand_total: Money::new(overdue.amount + p.total.amount, overdue.currency),
    }
}
