//! Read-only reports: `status` (every invoice and what happens next, the
//! SPEC §8 JSON contract), `show` (one invoice with its thread, outbox and
//! audit log) and `simulate` (the plan ahead). They only read the database,
//! on one snapshot, so they run safely beside the daemon.
//! `status` loads every case with the store's fixed set of queries and asks
//! the engine once per client: no query per invoice.

mod show;
mod simulate;
mod table;

use std::collections::{BTreeMap, HashMap};
use std::io::Write;
use std::process::ExitCode;

use chrono::{DateTime, Days, NaiveDate, NaiveTime, SecondsFormat, Utc};
use chrono_tz::Tz;
use rust_decimal::Decimal;
use serde::{Serialize, Serializer};

use super::ledger::Session;
use crate::domain::{
    CaseState, Currency, EmailAddress, InvoiceId, InvoiceNumber, InvoiceStatus, Money, StepAction,
    StepNo,
};
use crate::engine::{
    self, Action, Case, CaseInvoice, Decision, InvoiceView, PlannedAction, Policy,
};

pub(super) use show::show;
pub(super) use simulate::simulate;

/// One line of `relance status --json`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub(super) struct StatusRow {
    #[serde(skip)]
    pub id: InvoiceId,
    pub number: InvoiceNumber,
    pub client: String,
    pub client_email: Option<EmailAddress>,
    /// What remains to be paid (0 once paid or cancelled).
    #[serde(serialize_with = "cents")]
    pub amount_due: Decimal,
    pub currency: Currency,
    pub due_date: NaiveDate,
    pub state: CaseState,
    /// Last step done, 0 if none.
    pub step: StepNo,
    pub next_action: Option<PlannedAction>,
    /// RFC 3339 in the configured time zone.
    pub next_action_at: Option<String>,
    #[serde(skip)]
    pub next_at: Option<DateTime<Utc>>,
    pub issue_date: NaiveDate,
    #[serde(serialize_with = "cents")]
    pub amount: Decimal,
    #[serde(serialize_with = "cents")]
    pub paid: Decimal,
    /// Ledger status: open, paid or cancelled.
    pub status: InvoiceStatus,
    /// Local days since the due date while something remains due, else 0.
    pub days_late: i64,
}

/// Decimal strings with at least two decimals ("1250.00"), as accountants
/// write them; more precise amounts keep their digits.
fn cents<S: Serializer>(d: &Decimal, s: S) -> Result<S::Ok, S::Error> {
    s.collect_str(&with_cents(*d))
}

fn with_cents(mut d: Decimal) -> Decimal {
    if d.scale() < 2 {
        d.rescale(2);
    }
    d
}

/// The `next_action` spelling of an engine action.
fn action_kind(action: &Action) -> PlannedAction {
    match action {
        Action::Step { action, .. } => match action {
            StepAction::Email => PlannedAction::Email,
            StepAction::CallTask => PlannedAction::CallTask,
            StepAction::Notice => PlannedAction::Notice,
        },
        Action::Alert { .. } => PlannedAction::Alert,
        Action::EndOfSequence { .. } => PlannedAction::End,
    }
}

fn action_invoices(action: &Action) -> &[InvoiceId] {
    match action {
        Action::Step { invoices, .. }
        | Action::Alert { invoices, .. }
        | Action::EndOfSequence { invoices } => invoices,
    }
}

/// RFC 3339 in `tz`, to the second: "2026-03-04T10:00:00+01:00".
pub(super) fn rfc3339(t: DateTime<Utc>, tz: Tz) -> String {
    t.with_timezone(&tz)
        .to_rfc3339_opts(SecondsFormat::Secs, false)
}

/// The status of every invoice of `case`: its state and step from the
/// decision, and the first action (due now, then the next planned one)
/// that concerns it.
pub(super) fn rows_for(
    case: &Case,
    decision: &Decision,
    now: DateTime<Utc>,
    tz: Tz,
) -> Vec<StatusRow> {
    let email = case
        .contacts
        .iter()
        .find(|c| !c.billing)
        .or(case.contacts.first())
        .map(|c| c.address.clone());
    let facts = CaseFacts {
        today: now.with_timezone(&tz).date_naive(),
        tz,
        email,
        views: decision.invoices.iter().map(|v| (v.invoice, v)).collect(),
        upcoming: decision
            .actions
            .iter()
            .map(|a| (a, now))
            .chain(decision.next.iter().map(|p| (&p.action, p.at)))
            .collect(),
    };
    case.invoices
        .iter()
        .map(|inv| facts.row(&case.client_name, inv))
        .collect()
}

/// What the rows of one case share.
struct CaseFacts<'a> {
    today: NaiveDate,
    tz: Tz,
    email: Option<EmailAddress>,
    views: HashMap<InvoiceId, &'a InvoiceView>,
    /// Actions due now, then the next planned one, with their instants.
    upcoming: Vec<(&'a Action, DateTime<Utc>)>,
}

impl CaseFacts<'_> {
    fn row(&self, client: &str, inv: &CaseInvoice) -> StatusRow {
        let view = self.views.get(&inv.id);
        let next = self
            .upcoming
            .iter()
            .find(|(a, _)| action_invoices(a).contains(&inv.id));
        let amount_due = match inv.status {
            InvoiceStatus::Open => (inv.amount.amount - inv.paid).max(Decimal::ZERO),
            InvoiceStatus::Paid | InvoiceStatus::Cancelled => Decimal::ZERO,
        };
        let late = (self.today - inv.due_date).num_days().max(0);
        StatusRow {
            id: inv.id,
            number: inv.number.clone(),
            client: client.to_string(),
            client_email: self.email.clone(),
            amount_due,
            currency: inv.amount.currency,
            due_date: inv.due_date,
            state: view.map_or(CaseState::Scheduled, |v| v.state),
            step: view.map_or(StepNo::NONE, |v| v.step),
            next_action: next.map(|(a, _)| action_kind(a)),
            next_action_at: next.map(|(_, at)| rfc3339(*at, self.tz)),
            next_at: next.map(|(_, at)| *at),
            issue_date: inv.issue_date,
            amount: inv.amount.amount,
            paid: inv.paid,
            status: inv.status,
            days_late: if amount_due > Decimal::ZERO { late } else { 0 },
        }
    }
}

/// How far past the last due date (or today) the plan looks for the first
/// action that will cover an invoice: the whole default ladder fits.
const PLAN_AHEAD_DAYS: u64 = 60;

/// The status rows of one case under its policy at `now`.
pub(super) fn case_rows(
    case: &Case,
    policy: &Policy,
    now: DateTime<Utc>,
    tz: Tz,
) -> Vec<StatusRow> {
    let decision = engine::decide(case, policy, now);
    let mut rows = rows_for(case, &decision, now, tz);
    plan_ahead(case, policy, now, tz, &mut rows);
    rows
}

/// The engine plans one action ahead per client. An invoice still due that
/// this action does not cover (not overdue yet, or held by a promise) gets
/// the first later action that will, nothing else happening: the plan of
/// `simulate`, run only for the cases that need it.
fn plan_ahead(case: &Case, policy: &Policy, now: DateTime<Utc>, tz: Tz, rows: &mut [StatusRow]) {
    let waiting = |r: &StatusRow| {
        r.next_action.is_none()
            && r.amount_due > Decimal::ZERO
            && matches!(
                r.state,
                CaseState::Scheduled | CaseState::Promised | CaseState::PaidUnconfirmed
            )
    };
    let today = now.with_timezone(&tz).date_naive();
    let Some(last) = rows
        .iter()
        .filter(|r| waiting(r))
        .map(|r| r.due_date.max(today))
        .max()
    else {
        return;
    };
    let horizon = last
        .checked_add_days(Days::new(PLAN_AHEAD_DAYS))
        .unwrap_or(NaiveDate::MAX);
    let until = policy.window.instant(horizon, NaiveTime::MIN);
    let plan = engine::simulate(case, policy, now, until);
    for row in rows.iter_mut().filter(|r| waiting(r)) {
        if let Some(p) = plan
            .iter()
            .find(|p| action_invoices(&p.detail).contains(&row.id))
        {
            row.next_action = Some(p.action);
            row.next_action_at = Some(rfc3339(p.at, tz));
            row.next_at = Some(p.at);
        }
    }
}

/// `f` over every case, on every core, results in case order. The engine
/// is pure and cases are independent; on a hundred thousand invoices the
/// engine, not the database, is where the time goes.
pub(super) fn per_case<T: Send>(cases: &[Case], f: impl Fn(&Case) -> Vec<T> + Sync) -> Vec<T> {
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let chunk = cases.len().div_ceil(threads).max(1);
    let f = &f;
    std::thread::scope(|scope| {
        let workers: Vec<_> = cases
            .chunks(chunk)
            .map(|part| scope.spawn(move || part.iter().flat_map(f).collect::<Vec<T>>()))
            .collect();
        workers
            .into_iter()
            .flat_map(|w| {
                w.join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
            })
            .collect()
    })
}

/// Every invoice of the database, by due date, client and number.
fn all_rows(s: &Session) -> anyhow::Result<Vec<StatusRow>> {
    let cases = s.store.load_all_cases()?;
    let (config, now, tz) = (&s.config, s.now, s.tz());
    let mut rows = per_case(&cases, |case| {
        case_rows(case, &config.policy_for_case(case), now, tz)
    });
    rows.sort_by(|a, b| {
        (a.due_date, &a.client, &a.number).cmp(&(b.due_date, &b.client, &b.number))
    });
    Ok(rows)
}

/// `relance status [--json]`.
pub(super) fn status(s: &Session, json: bool) -> anyhow::Result<ExitCode> {
    let rows = all_rows(s)?;
    super::ledger::emit(|out| {
        if json {
            serde_json::to_writer(&mut *out, &rows)?;
            writeln!(out)
        } else {
            write_status_table(s, &rows, out)
        }
    })?;
    Ok(ExitCode::SUCCESS)
}

fn write_status_table(s: &Session, rows: &[StatusRow], out: &mut dyn Write) -> std::io::Result<()> {
    if rows.is_empty() {
        return writeln!(
            out,
            "No invoices yet: `relance import` or `relance invoice add`."
        );
    }
    let lang = s.config.company.language;
    let cells: Vec<Vec<String>> = rows
        .iter()
        .map(|r| {
            let next = match (r.next_action, r.next_at) {
                (Some(kind), Some(at)) => format!("{} {}", action_label(kind), s.local(at)),
                _ => "-".to_string(),
            };
            vec![
                r.number.to_string(),
                r.client.clone(),
                Money::new(r.amount_due, r.currency).format(lang),
                r.due_date.to_string(),
                r.days_late.to_string(),
                r.state.to_string(),
                r.step.to_string(),
                next,
            ]
        })
        .collect();
    let headers = [
        "INVOICE", "CLIENT", "DUE", "DUE DATE", "LATE", "STATE", "STEP", "NEXT",
    ];
    let right = [false, false, true, false, true, false, true, false];
    out.write_all(table::render(&headers, &right, &cells).as_bytes())?;
    for line in totals(rows, lang) {
        writeln!(out, "{line}")?;
    }
    Ok(())
}

/// The readable name of a planned action.
pub(super) fn action_label(kind: PlannedAction) -> &'static str {
    match kind {
        PlannedAction::Email => "email",
        PlannedAction::CallTask => "call-task",
        PlannedAction::Notice => "notice",
        PlannedAction::End => "end",
        PlannedAction::Alert => "alert",
    }
}

/// One line per currency: what remains due, over how many invoices, and
/// how much of it is overdue.
fn totals(rows: &[StatusRow], lang: crate::domain::Language) -> Vec<String> {
    let mut by_currency: BTreeMap<&str, (Currency, Decimal, usize, Decimal)> = BTreeMap::new();
    for r in rows.iter().filter(|r| r.amount_due > Decimal::ZERO) {
        let e = by_currency.entry(r.currency.code()).or_insert((
            r.currency,
            Decimal::ZERO,
            0,
            Decimal::ZERO,
        ));
        e.1 += r.amount_due;
        e.2 += 1;
        if r.days_late > 0 {
            e.3 += r.amount_due;
        }
    }
    if by_currency.is_empty() {
        return vec!["Total due: nothing".to_string()];
    }
    by_currency
        .values()
        .map(|(currency, due, count, late)| {
            let money = |d: Decimal| Money::new(d, *currency).format(lang);
            let plural = if *count == 1 { "" } else { "s" };
            format!(
                "Total due in {currency}: {} on {count} invoice{plural}, {} overdue",
                money(*due),
                money(*late)
            )
        })
        .collect()
}

#[cfg(test)]
mod tests;
