//! The weekly digest's data: the aged balance (not yet due, 0–30, 31–60,
//! 61–90 and over 90 days past due), the balance per client, what was sent
//! during the week and what is planned next.

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::Serialize;

use crate::compose::context::{CompanyView, case_context};
use crate::compose::input::CaseInput;
use crate::domain::{Currency, InvoiceNumber, Money, StepAction, StepNo};

/// The digest's input, assembled by the daemon from the store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Digest {
    /// First and last local days of the period covered.
    pub from: NaiveDate,
    pub to: NaiveDate,
    /// Every open invoice of every client.
    pub open: Vec<DigestInvoice>,
    pub sent: Vec<DigestEvent>,
    pub planned: Vec<DigestEvent>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DigestInvoice {
    pub client: String,
    pub number: InvoiceNumber,
    pub due_date: NaiveDate,
    pub remaining: Money,
}

/// A step sent during the week or planned.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DigestEvent {
    pub date: NaiveDate,
    pub client: String,
    pub step: StepNo,
    pub action: StepAction,
    pub invoices: Vec<InvoiceNumber>,
}

/// The digest template's context.
#[derive(Debug, Clone, Serialize)]
pub struct DigestContext {
    pub lang: &'static str,
    pub today: NaiveDate,
    pub company: CompanyView,
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub aged: AgedBalance,
    /// Clients by overdue amount, largest first.
    pub clients: Vec<ClientBalance>,
    pub sent: Vec<EventView>,
    pub planned: Vec<EventView>,
}

/// Open amounts by lateness on the digest's day.
#[derive(Debug, Clone, Serialize)]
pub struct AgedBalance {
    pub not_due: Money,
    pub d0_30: Money,
    pub d31_60: Money,
    pub d61_90: Money,
    pub d90_plus: Money,
    pub total: Money,
}

#[derive(Debug, Clone, Serialize)]
pub struct ClientBalance {
    pub name: String,
    pub balance: Money,
    pub overdue: Money,
    pub invoices: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct EventView {
    pub date: NaiveDate,
    pub client: String,
    pub step: u8,
    pub action: &'static str,
    pub invoices: Vec<String>,
}

/// Builds the digest context; `owner` gives the sender, language, time zone
/// and `now`.
pub fn digest_context(owner: &CaseInput, digest: &Digest) -> DigestContext {
    let today = owner.now.with_timezone(&owner.time_zone).date_naive();
    let currency = digest
        .open
        .first()
        .map_or(Currency::EUR, |i| i.remaining.currency);
    let mut buckets = [Decimal::ZERO; 5];
    let mut clients: Vec<ClientBalance> = Vec::new();
    for inv in &digest.open {
        let late = (today - inv.due_date).num_days();
        let slot = match late {
            i64::MIN..=-1 => 0,
            0..=30 => 1,
            31..=60 => 2,
            61..=90 => 3,
            _ => 4,
        };
        if let Some(b) = buckets.get_mut(slot) {
            *b += inv.remaining.amount;
        }
        let row = match clients.iter_mut().position(|c| c.name == inv.client) {
            Some(i) => &mut clients[i],
            None => {
                clients.push(ClientBalance {
                    name: inv.client.clone(),
                    balance: Money::zero(currency),
                    overdue: Money::zero(currency),
                    invoices: 0,
                });
                let last = clients.len() - 1;
                &mut clients[last]
            }
        };
        row.balance.amount += inv.remaining.amount;
        row.invoices += 1;
        if late > 0 {
            row.overdue.amount += inv.remaining.amount;
        }
    }
    clients.sort_by_key(|c| std::cmp::Reverse(c.overdue.amount));
    let m = |d: Decimal| Money::new(d, currency);
    DigestContext {
        lang: owner.language.as_str(),
        today,
        company: case_context(owner, None).company,
        from: digest.from,
        to: digest.to,
        aged: AgedBalance {
            not_due: m(buckets[0]),
            d0_30: m(buckets[1]),
            d31_60: m(buckets[2]),
            d61_90: m(buckets[3]),
            d90_plus: m(buckets[4]),
            total: m(buckets.iter().sum()),
        },
        clients,
        sent: digest.sent.iter().map(event_view).collect(),
        planned: digest.planned.iter().map(event_view).collect(),
    }
}

fn event_view(e: &DigestEvent) -> EventView {
    EventView {
        date: e.date,
        client: e.client.clone(),
        step: e.step.0,
        action: e.action.as_str(),
        invoices: e.invoices.iter().map(ToString::to_string).collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::compose::sample;
    use crate::domain::Language;
    use rust_decimal_macros::dec;

    #[test]
    fn aged_balance_buckets_by_days_past_due() {
        // Sample day 2 April 2026: F-0042 due 1 March (32 days, 31–60),
        // F-0051 due 12 March (21 days, 0–30), F-0190 due 15 Dec 2025
        // (108 days, 90+), F-0077 due 1 May (not due).
        let ctx = digest_context(&sample::case(Language::Fr), &sample::digest(Language::Fr));
        assert_eq!(ctx.aged.not_due.amount, dec!(200));
        assert_eq!(ctx.aged.d0_30.amount, dec!(380));
        assert_eq!(ctx.aged.d31_60.amount, dec!(1250));
        assert_eq!(ctx.aged.d61_90.amount, dec!(0));
        assert_eq!(ctx.aged.d90_plus.amount, dec!(360));
        assert_eq!(ctx.aged.total.amount, dec!(2190));
        assert_eq!(ctx.clients[0].name, "Boulangerie Martin SARL");
        assert_eq!(ctx.clients[0].overdue.amount, dec!(1630));
        assert_eq!(ctx.clients[1].balance.amount, dec!(560));
    }
}
