use super::*;
use rust_decimal_macros::dec;

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn eur(amount: Decimal) -> Money {
    Money::new(amount, Currency::EUR)
}

fn invoice(number: &str, due: NaiveDate, amount: Money, paid: Decimal) -> PenaltyInvoice {
    PenaltyInvoice {
        number: InvoiceNumber(number.into()),
        due_date: due,
        amount,
        paid,
    }
}

/// ECB rate 2.15 % since June 2025, a (made-up) 2.40 % from 20 June 2026.
fn ecb() -> RateTable {
    RateTable::new(vec![
        DatedRate {
            from: date(2026, 6, 20),
            rate: dec!(2.40),
        },
        DatedRate {
            from: date(2025, 6, 11),
            rate: dec!(2.15),
        },
    ])
}

#[test]
fn rate_table_picks_the_entry_in_force() {
    let t = ecb();
    assert_eq!(t.rate_on(date(2025, 6, 10)), None);
    assert_eq!(t.rate_on(date(2025, 6, 11)), Some(dec!(2.15)));
    assert_eq!(t.rate_on(date(2026, 6, 19)), Some(dec!(2.15)));
    assert_eq!(t.rate_on(date(2026, 7, 1)), Some(dec!(2.40)));
}

#[test]
fn french_interest_is_split_per_half_year() {
    // 1 200,00 EUR due 15 May 2026, computed on 14 August 2026: 91 days late.
    // H1: 16 May..30 June = 46 days at 2.15 + 10 = 12.15 % (rate of 1 January)
    //     1200 × 0.1215 × 46 / 365 = 6706.8 / 365 = 18.374794…
    // H2: 1 July..14 August = 45 days at 2.40 + 10 = 12.40 % (rate of 1 July)
    //     1200 × 0.1240 × 45 / 365 = 6696 / 365 = 18.345205…
    // Sum 36.720000 → 36,72 EUR; indemnity 40 EUR.
    let regime = Regime::France(FrenchTerms::statutory(ecb()));
    let inv = invoice("F-1", date(2026, 5, 15), eur(dec!(1200)), dec!(0));
    let p = compute(&regime, &[inv], date(2026, 8, 14), false);
    let row = &p.invoices[0];
    assert_eq!(row.days_late, 91);
    assert_eq!(row.periods.len(), 2);
    assert_eq!(
        (row.periods[0].days, row.periods[0].rate),
        (46, dec!(12.15))
    );
    assert_eq!(
        (row.periods[1].days, row.periods[1].rate),
        (45, dec!(12.40))
    );
    assert_eq!(row.interest, eur(dec!(36.72)));
    assert_eq!(row.indemnity, eur(dec!(40)));
    assert_eq!(p.total, eur(dec!(76.72)));
    assert!(!row.incomplete);
}

#[test]
fn indemnity_stays_whole_after_partial_payment_and_interest_runs_on_rest() {
    // 1 000 EUR, 400 paid, due 31 January 2026, on 2 March 2026: 30 days.
    // Base 600 × 12.15 % × 30 / 365 = 2187 / 365 = 5.991780… → 5,99 EUR.
    let regime = Regime::France(FrenchTerms::statutory(ecb()));
    let inv = invoice("F-2", date(2026, 1, 31), eur(dec!(1000)), dec!(400));
    let p = compute(&regime, &[inv], date(2026, 3, 2), false);
    assert_eq!(p.invoices[0].base, eur(dec!(600)));
    assert_eq!(p.invoices[0].interest, eur(dec!(5.99)));
    assert_eq!(p.invoices[0].indemnity, eur(dec!(40)));
}

#[test]
fn consumers_owe_no_indemnity_and_paid_or_current_invoices_nothing() {
    let regime = Regime::France(FrenchTerms::statutory(ecb()));
    let late = invoice("F-3", date(2026, 1, 31), eur(dec!(100)), dec!(0));
    let paid = invoice("F-4", date(2026, 1, 31), eur(dec!(100)), dec!(100));
    let current = invoice("F-5", date(2026, 3, 31), eur(dec!(100)), dec!(0));
    let p = compute(&regime, &[late, paid, current], date(2026, 3, 2), true);
    assert_eq!(p.invoices.len(), 1);
    assert_eq!(p.indemnity_total, eur(dec!(0)));
    // 100 × 12.15 % × 30 / 365 = 364.5 / 365 = 0.998630… → 1,00 EUR.
    assert_eq!(p.interest_total, eur(dec!(1.00)));
}

#[test]
fn contractual_rate_is_floored_at_three_times_the_legal_rate() {
    // Contract says 5 %; legal rate 6.65 % in H1 2026 → floor 19.95 %.
    // 1 000 × 19.95 % × 73 / 365 (due 31 Dec 2025, on 14 March 2026)
    //   = 14563.5 / 365 = 39.9 → 39,90 EUR.
    let mut terms = FrenchTerms::statutory(ecb());
    terms.contractual_rate = Some(dec!(5));
    terms.legal_rates = RateTable::new(vec![DatedRate {
        from: date(2026, 1, 1),
        rate: dec!(6.65),
    }]);
    let regime = Regime::France(terms);
    let inv = invoice("F-6", date(2025, 12, 31), eur(dec!(1000)), dec!(0));
    let p = compute(&regime, &[inv], date(2026, 3, 14), false);
    assert_eq!(p.invoices[0].days_late, 73);
    assert_eq!(p.invoices[0].periods[0].rate, dec!(19.95));
    assert_eq!(p.invoices[0].interest, eur(dec!(39.90)));
}

#[test]
fn rounding_is_half_away_from_zero_once_per_invoice() {
    // 73 EUR × 10 % × 5 days / 365 = 36.5 / 365 = 0.1 exactly → 0,10;
    // 36.5 EUR × 10 % × 5 / 365 = 0.05 exactly → 0,05 (no early rounding);
    // 18.25 EUR × 10 % × 5 / 365 = 0.025 → 0,03 (half away from zero).
    let mut terms = FrenchTerms::statutory(RateTable::new(vec![DatedRate {
        from: date(2020, 1, 1),
        rate: dec!(0),
    }]));
    terms.margin = dec!(10);
    let regime = Regime::France(terms);
    let due = date(2026, 3, 1);
    let on = date(2026, 3, 6);
    let figures = [
        (dec!(73), dec!(0.10)),
        (dec!(36.5), dec!(0.05)),
        (dec!(18.25), dec!(0.03)),
    ];
    for (amount, want) in figures {
        let p = compute(
            &regime,
            &[invoice("R", due, eur(amount), dec!(0))],
            on,
            false,
        );
        assert_eq!(p.invoices[0].interest.amount, want, "{amount}");
    }
}

#[test]
fn missing_rates_mark_the_invoice_incomplete() {
    let regime = Regime::France(FrenchTerms::statutory(RateTable::default()));
    let inv = invoice("F-7", date(2026, 1, 31), eur(dec!(100)), dec!(0));
    let p = compute(&regime, &[inv], date(2026, 3, 2), false);
    assert!(p.invoices[0].incomplete);
    assert_eq!(p.invoices[0].interest, eur(dec!(0)));
}

#[test]
fn uk_rate_is_fixed_on_the_first_overdue_day_with_banded_compensation() {
    // £5,000 due 31 March 2026, on 30 May 2026: 60 days late.
    // Base rate on 1 April 2026 is 3.75 % (the 4.00 % of May does not apply):
    // 5000 × 11.75 % × 60 / 365 = 35250 / 365 = 96.575342… → £96.58; band £70.
    let base = RateTable::new(vec![
        DatedRate {
            from: date(2026, 2, 5),
            rate: dec!(3.75),
        },
        DatedRate {
            from: date(2026, 5, 7),
            rate: dec!(4.00),
        },
    ]);
    let regime = Regime::Uk(UkTerms::statutory(base));
    let gbp = |a| Money::new(a, Currency::GBP);
    let inv = invoice("INV-9", date(2026, 3, 31), gbp(dec!(5000)), dec!(0));
    let p = compute(&regime, &[inv], date(2026, 5, 30), false);
    assert_eq!(p.invoices[0].days_late, 60);
    assert_eq!(p.invoices[0].periods.len(), 1);
    assert_eq!(p.invoices[0].interest, gbp(dec!(96.58)));
    assert_eq!(p.invoices[0].indemnity, gbp(dec!(70)));
    for (debt, want) in [(dec!(999.99), dec!(40)), (dec!(10000), dec!(100))] {
        assert_eq!(indemnity_for(&regime, debt), want);
    }
}
