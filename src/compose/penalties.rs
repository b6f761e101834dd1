//! Late-payment penalties (SPEC §7): interest and the fixed recovery
//! indemnity, in exact decimals, from dated rate tables the configuration
//! fills. French B2B (Code de commerce L441-10, D441-5) by default; the UK
//! statutory scheme as an option. Interest is simple (amount × rate × days /
//! 365) and rounded to the cent, half away from zero, once per invoice.

use chrono::{Datelike, NaiveDate};
use rust_decimal::{Decimal, RoundingStrategy};
use serde::Serialize;

use crate::domain::{Currency, InvoiceNumber, Money};

/// A rate in percent per year that applies from `from` on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct DatedRate {
    pub from: NaiveDate,
    pub rate: Decimal,
}

/// An editable table of dated rates (ECB main refinancing rate, Bank of
/// England base rate, French legal interest rate): the rate in force on a day
/// is the last entry whose `from` is on or before it.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct RateTable {
    entries: Vec<DatedRate>,
}

impl RateTable {
    /// Builds a table; entries may come in any order.
    pub fn new(mut entries: Vec<DatedRate>) -> RateTable {
        entries.sort_by_key(|e| e.from);
        RateTable { entries }
    }

    /// The rate in force on `day`, or `None` before the first entry.
    pub fn rate_on(&self, day: NaiveDate) -> Option<Decimal> {
        self.entries
            .iter()
            .rev()
            .find(|e| e.from <= day)
            .map(|e| e.rate)
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

/// French B2B terms.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FrenchTerms {
    /// ECB main refinancing rates by date.
    pub reference_rates: RateTable,
    /// Points added to the reference rate (10 by law).
    pub margin: Decimal,
    /// The rate in the seller's terms, if any; replaces reference + margin.
    pub contractual_rate: Option<Decimal>,
    /// French legal interest rates by date; a contractual rate is never
    /// applied below three times the one in force. Empty: no floor applied.
    pub legal_rates: RateTable,
    /// The fixed recovery indemnity per invoice (40 EUR by law).
    pub indemnity: Money,
}

/// One band of UK fixed compensation: debts strictly below `below` (or any
/// debt when `None`) get `amount`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct CompensationBand {
    pub below: Option<Decimal>,
    pub amount: Decimal,
}

/// UK statutory terms (Late Payment of Commercial Debts (Interest) Act 1998).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UkTerms {
    /// Bank of England base rates by date.
    pub base_rates: RateTable,
    /// Points over base (8 by law).
    pub margin: Decimal,
    /// Fixed compensation bands, smallest first.
    pub bands: Vec<CompensationBand>,
}

/// Which law the penalties follow.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum Regime {
    France(FrenchTerms),
    Uk(UkTerms),
}

impl FrenchTerms {
    /// The statutory defaults around a reference-rate table: +10 points, no
    /// contractual rate, 40 EUR indemnity.
    pub fn statutory(reference_rates: RateTable) -> FrenchTerms {
        FrenchTerms {
            reference_rates,
            margin: Decimal::TEN,
            contractual_rate: None,
            legal_rates: RateTable::default(),
            indemnity: Money::new(Decimal::from(40), Currency::EUR),
        }
    }
}

impl UkTerms {
    /// The statutory defaults around a base-rate table: +8 points and
    /// £40 / £70 / £100 under £1,000 / under £10,000 / above.
    pub fn statutory(base_rates: RateTable) -> UkTerms {
        let band = |below: Option<i64>, amount: i64| CompensationBand {
            below: below.map(Decimal::from),
            amount: Decimal::from(amount),
        };
        UkTerms {
            base_rates,
            margin: Decimal::from(8),
            bands: vec![
                band(Some(1_000), 40),
                band(Some(10_000), 70),
                band(None, 100),
            ],
        }
    }
}

/// What the computation needs to know about one invoice.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PenaltyInvoice {
    pub number: InvoiceNumber,
    pub due_date: NaiveDate,
    /// The invoice total.
    pub amount: Money,
    /// Already paid on it.
    pub paid: Decimal,
}

/// A stretch of the late period charged at one rate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RatePeriod {
    pub from: NaiveDate,
    /// Inclusive.
    pub to: NaiveDate,
    pub days: i64,
    /// Percent per year.
    pub rate: Decimal,
    /// Exact, not rounded.
    pub interest: Decimal,
}

/// The penalties of one invoice.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct InvoicePenalty {
    pub number: InvoiceNumber,
    /// The unpaid part the interest runs on.
    pub base: Money,
    pub days_late: i64,
    pub periods: Vec<RatePeriod>,
    /// Rounded to the cent.
    pub interest: Money,
    pub indemnity: Money,
    /// A rate was missing from the table for part of the period: that part
    /// is not charged, and the figure understates what is owed.
    pub incomplete: bool,
}

/// Penalties for a set of invoices on a given day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Penalties {
    pub on: NaiveDate,
    pub invoices: Vec<InvoicePenalty>,
    pub interest_total: Money,
    pub indemnity_total: Money,
    /// Interest plus indemnities.
    pub total: Money,
}

/// Computes the penalties owed on `on` for the late invoices among
/// `invoices`. Totals are in the first invoice's currency (a case is in one
/// currency). `consumer` clients owe no fixed indemnity.
pub fn compute(
    regime: &Regime,
    invoices: &[PenaltyInvoice],
    on: NaiveDate,
    consumer: bool,
) -> Penalties {
    let currency = invoices
        .first()
        .map_or(Currency::EUR, |i| i.amount.currency);
    let rows: Vec<InvoicePenalty> = invoices
        .iter()
        .filter(|i| i.due_date < on && i.amount.amount > i.paid)
        .map(|i| invoice_penalty(regime, i, on, consumer))
        .collect();
    let interest: Decimal = rows.iter().map(|r| r.interest.amount).sum();
    let indemnity: Decimal = rows.iter().map(|r| r.indemnity.amount).sum();
    Penalties {
        on,
        invoices: rows,
        interest_total: Money::new(interest, currency),
        indemnity_total: Money::new(indemnity, currency),
        total: Money::new(interest + indemnity, currency),
    }
}

fn invoice_penalty(
    regime: &Regime,
    inv: &PenaltyInvoice,
    on: NaiveDate,
    consumer: bool,
) -> InvoicePenalty {
    let base = inv.amount.amount - inv.paid;
    let first_day = inv.due_date.succ_opt().unwrap_or(inv.due_date);
    let spans = match regime {
        Regime::France(_) => half_years(first_day, on),
        Regime::Uk(_) => vec![(first_day, on)],
    };
    let mut periods = Vec::new();
    let mut incomplete = false;
    for (from, to) in spans {
        let Some(rate) = rate_for(regime, from, first_day) else {
            incomplete = true;
            continue;
        };
        let days = (to - from).num_days() + 1;
        let interest =
            base * rate / Decimal::ONE_HUNDRED * Decimal::from(days) / Decimal::from(365);
        periods.push(RatePeriod {
            from,
            to,
            days,
            rate,
            interest,
        });
    }
    let interest: Decimal = periods.iter().map(|p| p.interest).sum();
    let interest = interest.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero);
    let indemnity = if consumer {
        Decimal::ZERO
    } else {
        indemnity_for(regime, inv.amount.amount)
    };
    InvoicePenalty {
        number: inv.number.clone(),
        base: Money::new(base, inv.amount.currency),
        days_late: (on - inv.due_date).num_days(),
        periods,
        interest: Money::new(interest, inv.amount.currency),
        indemnity: Money::new(indemnity, inv.amount.currency),
        incomplete,
    }
}

/// The annual rate for a period starting `from`; `first_day` is the first
/// day of lateness (the UK rate is fixed on it).
fn rate_for(regime: &Regime, from: NaiveDate, first_day: NaiveDate) -> Option<Decimal> {
    match regime {
        Regime::France(t) => {
            let anchor = half_year_start(from);
            match t.contractual_rate {
                Some(rate) => {
                    let floor = t.legal_rates.rate_on(anchor).map(|l| l * Decimal::from(3));
                    Some(floor.map_or(rate, |f| rate.max(f)))
                }
                None => t.reference_rates.rate_on(anchor).map(|r| r + t.margin),
            }
        }
        Regime::Uk(t) => t.base_rates.rate_on(first_day).map(|r| r + t.margin),
    }
}

fn indemnity_for(regime: &Regime, debt: Decimal) -> Decimal {
    match regime {
        Regime::France(t) => t.indemnity.amount,
        Regime::Uk(t) => t
            .bands
            .iter()
            .find(|b| b.below.is_none_or(|limit| debt < limit))
            .map_or(Decimal::ZERO, |b| b.amount),
    }
}

/// 1 January or 1 July: the day whose rate governs the half-year of `d`.
fn half_year_start(d: NaiveDate) -> NaiveDate {
    let month = if d.month() <= 6 { 1 } else { 7 };
    NaiveDate::from_ymd_opt(d.year(), month, 1).unwrap_or(d)
}

/// Splits `[from, to]` (inclusive) at half-year boundaries.
fn half_years(from: NaiveDate, to: NaiveDate) -> Vec<(NaiveDate, NaiveDate)> {
    let mut spans = Vec::new();
    let mut start = from;
    while start <= to {
        let (month, day) = if start.month() <= 6 {
            (6, 30)
        } else {
            (12, 31)
        };
        let half_end = NaiveDate::from_ymd_opt(start.year(), month, day).unwrap_or(to);
        let end = half_end.min(to);
        spans.push((start, end));
        match end.succ_opt() {
            Some(next) => start = next,
            None => break,
        }
    }
    spans
}

#[cfg(test)]
mod tests;
