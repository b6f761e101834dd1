//! Commands that change the ledger or the sequence by hand: `invoice add`,
//! `import`, `paid`, `promise`, `pause`, `resume` and `confirm-notice`.
//! Each records the user command, its engine events and an audit entry in one
//! transaction (all or nothing), then prints where the invoices now stand.
//! Nothing here decides: the engine reads the recorded events.

mod import;
mod session;
mod target;

use std::process::ExitCode;

use anyhow::{anyhow, bail};
use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::InvoiceCommand;
use crate::calendar;
use crate::domain::{
    ClientId, Currency, EmailAddress, InvoiceId, InvoiceNumber, InvoiceStatus, Money,
};
use crate::engine::EventKind;
use crate::store::{ContactSource, InvoiceRow, InvoiceSource, NewEvent, NewInvoice, Store};

pub(super) use import::import;
pub(super) use session::{Session, emit};
pub(in crate::cli) use target::resolve_invoice;
use target::{Target, resolve_target};

/// Parses a positive amount written `1250.00`, `1 250,00` or `1,250.00`.
pub(super) fn parse_amount(raw: &str) -> Result<Decimal, String> {
    match crate::detect::parse_amount(raw) {
        Some(d) if d > Decimal::ZERO => Ok(d),
        Some(_) => Err(format!("amount '{raw}' must be more than zero")),
        None => Err(format!(
            "'{raw}' is not an amount (write it like 1250.00 or 1 250,00)"
        )),
    }
}

/// A user command to record: its name and arguments, the engine event it
/// produces (if any) for these invoices (none: the whole client), and the
/// decision written to the audit log.
struct Change<'a> {
    name: &'a str,
    args: Vec<&'a str>,
    client: ClientId,
    invoices: Vec<InvoiceId>,
    event: Option<EventKind>,
    decision: String,
}

impl Session {
    /// Records `c` together with `effect` (a ledger update), atomically.
    fn record(
        &self,
        c: &Change<'_>,
        effect: impl FnOnce(&Store) -> crate::store::Result<()>,
    ) -> anyhow::Result<()> {
        let reason = format!("relance {} {}", c.name, c.args.join(" "));
        let events: Vec<NewEvent> = c
            .event
            .iter()
            .map(|kind| NewEvent {
                client: c.client,
                at: self.now,
                invoices: c.invoices.clone(),
                kind: kind.clone(),
                message: None,
            })
            .collect();
        let audit = self.audit(c.client, c.invoices.clone(), c.decision.clone(), reason);
        self.store.transaction(|st| {
            effect(st)?;
            st.record_command(&self.command(c.name, &c.args), &events)?;
            st.append_audit(&audit)
        })?;
        Ok(())
    }

    /// Records `c` with `effect`, then prints `headline` and how the
    /// invoices moved.
    fn apply_with(
        &self,
        c: &Change<'_>,
        effect: impl FnOnce(&Store) -> crate::store::Result<()>,
        headline: &str,
    ) -> anyhow::Result<ExitCode> {
        let before = self.standing(c.client)?;
        self.record(c, effect)?;
        let after = self.standing(c.client)?;
        println!("{headline}");
        self.print_changes(&before, &after, &c.invoices);
        Ok(ExitCode::SUCCESS)
    }

    /// Records `c` alone (an engine event), then prints what moved.
    fn apply(&self, c: &Change<'_>, headline: &str) -> anyhow::Result<ExitCode> {
        self.apply_with(c, |_| Ok(()), headline)
    }
}

/// `relance invoice add ...`
pub(super) fn invoice(s: &Session, cmd: &InvoiceCommand) -> anyhow::Result<ExitCode> {
    let InvoiceCommand::Add {
        number,
        client_email,
        client_name,
        amount,
        currency,
        issue_date,
        due_date,
    } = cmd;
    let mut problems = Vec::new();
    let number = number.trim();
    if number.is_empty() {
        problems.push("--number must not be empty".to_string());
    }
    let email = EmailAddress::parse(client_email);
    if email.is_none() {
        problems.push(format!(
            "--client-email '{client_email}' is not an email address"
        ));
    }
    let amount = parse_amount(amount).map_err(|e| problems.push(e)).ok();
    let currency = Currency::parse(currency);
    if currency.is_none() {
        problems.push("--currency must be a three-letter code such as EUR".to_string());
    }
    let terms = s.config.detect.payment_terms_days;
    let due = due_date.unwrap_or_else(|| calendar::add_days(*issue_date, terms));
    if due < *issue_date {
        problems.push(format!(
            "--due-date {due} is before --issue-date {issue_date}"
        ));
    }
    let (Some(email), Some(amount), Some(currency), true) =
        (email, amount, currency, problems.is_empty())
    else {
        bail!("invalid invoice:\n  {}", problems.join("\n  "));
    };
    let new = NewInvoiceArgs {
        number: InvoiceNumber(number.to_string()),
        email,
        name: client_name.as_deref().unwrap_or(""),
        amount: Money::new(amount, currency),
        issue: *issue_date,
        due,
    };
    add_invoice(s, &new)
}

struct NewInvoiceArgs<'a> {
    number: InvoiceNumber,
    email: EmailAddress,
    name: &'a str,
    amount: Money,
    issue: NaiveDate,
    due: NaiveDate,
}

fn add_invoice(s: &Session, a: &NewInvoiceArgs<'_>) -> anyhow::Result<ExitCode> {
    if let Some(client) = s.store.find_client_by_address(&a.email)?
        && let Some(id) = s.store.find_invoice(client, &a.number)?
    {
        let held = s.store.invoice(id)?;
        if held.amount != a.amount || held.issue_date != a.issue || held.due_date != a.due {
            bail!(
                "invoice '{}' of '{}' is already recorded with {} issued {} due {}",
                a.number,
                a.email,
                s.money(held.amount),
                held.issue_date,
                held.due_date
            );
        }
        println!(
            "invoice {} of {} is already recorded",
            a.number, held.client_name
        );
        return Ok(ExitCode::SUCCESS);
    }
    let reason = format!("relance invoice add {} {}", a.number, a.email);
    let (client, id) = s.store.transaction(|st| {
        let client = st.upsert_client(&a.email, a.name, ContactSource::Cli)?.id;
        let id = st
            .insert_invoice(&NewInvoice {
                client,
                number: a.number.clone(),
                amount: a.amount,
                issue_date: a.issue,
                due_date: a.due,
                source: InvoiceSource::Cli,
                original: None,
                attachments: Vec::new(),
            })?
            .id;
        st.record_command(
            &s.command("invoice add", &[&a.number.0, a.email.as_str()]),
            &[],
        )?;
        let decision = format!("invoice {} added by hand", a.number);
        st.append_audit(&s.audit(client, vec![id], decision, reason.clone()))?;
        Ok((client, id))
    })?;
    let row = s.store.invoice(id)?;
    let owner = if row.client_name == a.email.as_str() {
        a.email.to_string()
    } else {
        format!("{} <{}>", row.client_name, a.email)
    };
    println!(
        "added invoice {} for {owner}: {}, issued {}, due {}",
        row.number,
        s.money(row.amount),
        row.issue_date,
        row.due_date
    );
    s.print_changes(&[], &s.standing(client)?, &[id]);
    Ok(ExitCode::SUCCESS)
}

/// `inv` if it can still be paid or promised.
fn still_open(inv: InvoiceRow) -> anyhow::Result<InvoiceRow> {
    match inv.status {
        InvoiceStatus::Open => Ok(inv),
        other => Err(anyhow!(
            "invoice {} of {} is already {other}",
            inv.number,
            inv.client_name
        )),
    }
}

/// What `paid` records: `--amount`, or the whole balance.
fn payment(
    s: &Session,
    inv: &InvoiceRow,
    arg: &str,
    amount: Option<&str>,
) -> anyhow::Result<Decimal> {
    let balance = inv.balance().max(Decimal::ZERO);
    let Some(raw) = amount else {
        return Ok(balance);
    };
    let payment = parse_amount(raw).map_err(anyhow::Error::msg)?;
    if payment > balance {
        bail!(
            "{} is more than the {} still due on {}; record the full payment with `relance paid {arg}`",
            s.money(Money::new(payment, inv.amount.currency)),
            s.money(Money::new(balance, inv.amount.currency)),
            inv.number
        );
    }
    Ok(payment)
}

/// `relance paid INVOICE [--amount X]`.
pub(super) fn paid(s: &Session, arg: &str, amount: Option<&str>) -> anyhow::Result<ExitCode> {
    let inv = resolve_invoice(&s.store, arg)?;
    if inv.status == InvoiceStatus::Paid {
        println!(
            "invoice {} of {} is already paid",
            inv.number, inv.client_name
        );
        return Ok(ExitCode::SUCCESS);
    }
    let inv = still_open(inv)?;
    let payment = payment(s, &inv, arg, amount)?;
    let full = payment >= inv.balance();
    let money = s.money(Money::new(payment, inv.amount.currency));
    let mut args = vec![arg];
    if let Some(raw) = amount {
        args.extend(["--amount", raw]);
    }
    let change = Change {
        name: "paid",
        args,
        client: inv.client,
        invoices: vec![inv.id],
        event: full.then_some(EventKind::UserConfirmPaid),
        decision: if full {
            format!("invoice {} paid in full ({money} received)", inv.number)
        } else {
            format!("partial payment of {money} on invoice {}", inv.number)
        },
    };
    let effect = |st: &Store| {
        if payment > Decimal::ZERO {
            st.record_payment(inv.id, payment).map(|_| ())
        } else {
            // Earlier partial payments covered it: only the status is left.
            st.set_invoice_status(inv.id, InvoiceStatus::Paid)
        }
    };
    s.apply_with(&change, effect, &format!("recorded: {}", change.decision))
}

/// `relance promise INVOICE DATE`.
pub(super) fn promise(s: &Session, arg: &str, date: NaiveDate) -> anyhow::Result<ExitCode> {
    let inv = still_open(resolve_invoice(&s.store, arg)?)?;
    if date < s.today() {
        eprintln!("relance: warning: {date} is already past; the reminders resume at once");
    }
    let case = s.store.load_case(inv.client)?;
    let policy = s.config.policy_for_case(&case);
    let resume = policy.promise_grace.after(&policy.calendar, date);
    let date_arg = date.to_string();
    let change = Change {
        name: "promise",
        args: vec![arg, &date_arg],
        client: inv.client,
        invoices: vec![inv.id],
        event: Some(EventKind::UserPromise { date }),
        decision: format!(
            "payment of invoice {} promised for {date}; reminders wait until {resume}",
            inv.number
        ),
    };
    s.apply(&change, &format!("recorded: {}", change.decision))
}

/// `relance pause TARGET` (`pause` true) and `relance resume TARGET`.
pub(super) fn pause(s: &Session, arg: &str, pause: bool) -> anyhow::Result<ExitCode> {
    let (client, invoices, what) = match resolve_target(&s.store, arg)? {
        Target::Invoice(inv) => (
            inv.client,
            vec![inv.id],
            format!("invoice {} of {}", inv.number, inv.client_name),
        ),
        Target::Client(c) => (c.id, Vec::new(), format!("client {}", c.name)),
    };
    let (name, event, verb) = if pause {
        ("pause", EventKind::UserPause, "paused")
    } else {
        ("resume", EventKind::UserResume, "resumed")
    };
    let change = Change {
        name,
        args: vec![arg],
        client,
        invoices,
        event: Some(event),
        decision: format!("reminders {verb} for {what}"),
    };
    s.apply(&change, &format!("{}:", change.decision))
}

/// `relance confirm-notice INVOICE`: allows step 5 for the invoice's client.
pub(super) fn confirm_notice(s: &Session, arg: &str) -> anyhow::Result<ExitCode> {
    let inv = resolve_invoice(&s.store, arg)?;
    let case = s.store.load_case(inv.client)?;
    if !s.config.policy_for_case(&case).notice_requires_confirmation {
        println!(
            "note: the configuration already allows the formal notice for {}",
            inv.client_name
        );
    }
    let change = Change {
        name: "confirm-notice",
        args: vec![arg],
        client: inv.client,
        invoices: Vec::new(),
        event: Some(EventKind::UserConfirmNotice),
        decision: format!(
            "formal notice (step 5) allowed for client {}",
            inv.client_name
        ),
    };
    s.apply(&change, &format!("recorded: {}:", change.decision))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_in_french_and_english_notation() {
        for (raw, want) in [
            ("1250.00", "1250.00"),
            ("1 250,00", "1250.00"),
            ("1\u{202f}250,00", "1250.00"),
            ("1,250.00", "1250.00"),
            ("80", "80"),
            ("0,5", "0.5"),
        ] {
            assert_eq!(parse_amount(raw), Ok(want.parse().unwrap()), "{raw}");
        }
        assert!(parse_amount("0").unwrap_err().contains("more than zero"));
        for bad in ["", "-5", "12,3,4", "abc", "1.2.3,4,5"] {
            assert!(
                parse_amount(bad).unwrap_err().contains("not an amount"),
                "{bad}"
            );
        }
    }
}
