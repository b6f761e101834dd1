use chrono::{DateTime, NaiveDate, Utc};
use rust_decimal_macros::dec;

use super::*;
use crate::domain::{ClientId, Language};
use crate::engine::{CaseInvoice, Contact, Policy};

fn t(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
}

fn d(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

fn invoice(id: i64, number: &str, due: &str, paid: Decimal, status: InvoiceStatus) -> CaseInvoice {
    CaseInvoice {
        id: InvoiceId(id),
        number: InvoiceNumber(number.to_string()),
        issue_date: d("2026-01-31"),
        due_date: d(due),
        amount: Money::new(dec!(1250), Currency::EUR),
        paid,
        status,
        paused: false,
    }
}

fn case() -> Case {
    let address = EmailAddress::parse;
    Case {
        client: ClientId(1),
        client_name: "Client A".to_string(),
        contacts: vec![
            Contact {
                address: address("billing@client-a.fr").unwrap(),
                billing: true,
                bounced: false,
            },
            Contact {
                address: address("compta@client-a.fr").unwrap(),
                billing: false,
                bounced: false,
            },
        ],
        invoices: vec![
            invoice(1, "F-1", "2026-03-02", dec!(250), InvoiceStatus::Open),
            invoice(2, "F-0", "2026-02-02", dec!(1250), InvoiceStatus::Paid),
        ],
        events: Vec::new(),
        history: Vec::new(),
    }
}

#[test]
fn rows_carry_the_decision_and_the_ledger() {
    let now = t("2026-03-04T09:00:00Z");
    let case = case();
    let decision = engine::decide(&case, &Policy::default_fr(), now);
    let rows = rows_for(&case, &decision, now, chrono_tz::Europe::Paris);
    assert_eq!(rows.len(), 2);
    let open = &rows[0];
    assert_eq!(
        open.client_email.as_ref().map(|e| e.as_str()),
        Some("compta@client-a.fr")
    );
    assert_eq!(open.amount_due, dec!(1000));
    assert_eq!(open.days_late, 2);
    assert_eq!(open.state, CaseState::Scheduled);
    assert_eq!(open.next_action, Some(PlannedAction::Email));
    assert_eq!(
        open.next_action_at.as_deref(),
        Some("2026-03-04T10:00:00+01:00")
    );
    let paid = &rows[1];
    assert_eq!(paid.amount_due, Decimal::ZERO);
    assert_eq!(paid.days_late, 0);
    assert_eq!(paid.state, CaseState::Closed);
    assert_eq!(paid.next_action, None);
}

#[test]
fn json_amounts_are_decimal_strings_with_cents() {
    let now = t("2026-03-04T09:00:00Z");
    let case = case();
    let decision = engine::decide(&case, &Policy::default_fr(), now);
    let rows = rows_for(&case, &decision, now, chrono_tz::Europe::Paris);
    let v = serde_json::to_value(&rows[0]).unwrap();
    assert_eq!(v["amount_due"], "1000.00");
    assert_eq!(v["amount"], "1250.00");
    assert_eq!(v["paid"], "250.00");
    assert_eq!(v["step"], 0);
    assert_eq!(v["state"], "scheduled");
    assert_eq!(v["currency"], "EUR");
    assert_eq!(v["due_date"], "2026-03-02");
    assert!(v.get("id").is_none() && v.get("next_at").is_none());
    assert_eq!(with_cents(dec!(1.2345)).to_string(), "1.2345");
}

#[test]
fn totals_per_currency_with_the_overdue_part() {
    let now = t("2026-03-04T09:00:00Z");
    let mut case = case();
    case.invoices.push(CaseInvoice {
        amount: Money::new(dec!(40), Currency::GBP),
        ..invoice(3, "UK-1", "2026-04-01", Decimal::ZERO, InvoiceStatus::Open)
    });
    let decision = engine::decide(&case, &Policy::default_fr(), now);
    let rows = rows_for(&case, &decision, now, chrono_tz::Europe::Paris);
    assert_eq!(
        totals(&rows, Language::En),
        [
            "Total due in EUR: €1,000.00 on 1 invoice, €1,000.00 overdue",
            "Total due in GBP: £40.00 on 1 invoice, £0.00 overdue",
        ]
    );
    assert_eq!(totals(&[], Language::Fr), ["Total due: nothing"]);
}

#[test]
fn an_invoice_not_yet_overdue_gets_the_first_action_that_will_cover_it() {
    let now = t("2026-03-04T09:00:00Z");
    let mut case = case();
    case.invoices.push(invoice(
        3,
        "F-2",
        "2026-03-12",
        Decimal::ZERO,
        InvoiceStatus::Open,
    ));
    let policy = Policy::default_fr();
    let decision = engine::decide(&case, &policy, now);
    let plain = rows_for(&case, &decision, now, chrono_tz::Europe::Paris);
    assert_eq!(plain[2].next_action, None);
    // Step 2 (12 March) is before F-2 is overdue; step 3, a call task 15
    // days after F-1's due date, is the first to list it.
    let rows = case_rows(&case, &policy, now, chrono_tz::Europe::Paris);
    assert_eq!(rows[0].next_action, Some(PlannedAction::Email));
    assert_eq!(rows[2].next_action, Some(PlannedAction::CallTask));
    assert_eq!(
        rows[2].next_action_at.as_deref(),
        Some("2026-03-17T09:00:00+01:00")
    );
}

#[test]
fn per_case_keeps_the_case_order_whatever_the_threads() {
    let cases: Vec<Case> = (1..=37)
        .map(|i| Case {
            client: ClientId(i),
            ..case()
        })
        .collect();
    let ids = per_case(&cases, |c| vec![c.client.0, -c.client.0]);
    let want: Vec<i64> = (1..=37).flat_map(|i| [i, -i]).collect();
    assert_eq!(ids, want);
    assert!(per_case(&[], |c: &Case| vec![c.client]).is_empty());
}
