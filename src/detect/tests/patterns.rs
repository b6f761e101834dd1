//! Each built-in pattern on the phrasings users write.

use chrono::NaiveDate;
use rust_decimal::Decimal;
use rust_decimal_macros::dec;

use crate::detect::DocumentKind;
use crate::detect::rules::Rules;
use crate::detect::text::{self, Terms};
use crate::domain::Currency;

fn rules() -> Rules {
    Rules::default()
}

fn number(t: &str) -> Option<(String, DocumentKind)> {
    text::numbers(&rules().patterns, t)
        .into_iter()
        .next()
        .map(|h| (h.number, h.kind))
}

fn amount(t: &str) -> Option<(Decimal, Option<Currency>)> {
    text::amount(&rules().patterns, t)
}

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

#[test]
fn invoice_numbers() {
    for (t, want) in [
        ("Facture F-2026-0042", "F-2026-0042"),
        ("Facture n° 2026-042", "2026-042"),
        ("Facture N°2026-042 du 13/02/2026", "2026-042"),
        ("Facture numéro 17", "17"),
        ("Invoice #1234", "1234"),
        ("Invoice INV-2026-001", "INV-2026-001"),
        ("Invoice no. 88/2026", "88/2026"),
        ("Invoice number: 1234", "1234"),
        ("Facture_F-2026-0042", "F-2026-0042"),
        ("invoice-1234", "1234"),
        ("Voici la facture F-2026-0042.", "F-2026-0042"),
        ("ci-joint notre facture 2026/17, merci", "2026/17"),
    ] {
        assert_eq!(
            number(t),
            Some((want.to_string(), DocumentKind::Invoice)),
            "{t}"
        );
    }
}

#[test]
fn words_near_facture_are_not_numbers() {
    for t in [
        "Je vous enverrai la facture la semaine prochaine.",
        "Facture du 15/03/2026",
        "la facture ci-jointe",
        "invoices for March",
        "il faut avoir 2 exemplaires",
        "Facturation",
    ] {
        assert_eq!(number(t), None, "{t}");
    }
}

#[test]
fn credit_note_numbers() {
    assert_eq!(
        number("Avoir A-2026-0003 sur facture F-2026-0042"),
        Some(("A-2026-0003".into(), DocumentKind::CreditNote))
    );
    assert_eq!(
        number("Credit note CN-12"),
        Some(("CN-12".into(), DocumentKind::CreditNote))
    );
    let hits = text::numbers(&rules().patterns, "Avoir n° AV-7 sur facture F-9");
    assert_eq!(
        hits.get(1).map(|h| (h.number.as_str(), h.kind)),
        Some(("F-9", DocumentKind::Invoice))
    );
}

#[test]
fn amounts_in_french_and_english() {
    let eur = Some(Currency::EUR);
    for (t, want, cur) in [
        ("Montant : 1 250,00 € TTC", dec!(1250.00), eur),
        ("Montant : 1\u{202f}250,00\u{a0}€ TTC", dec!(1250.00), eur),
        ("Net à payer : 1 250,00 €", dec!(1250.00), eur),
        ("Total TTC 1.250,00 EUR", dec!(1250.00), eur),
        ("Total TTC : 1250,00 euros", dec!(1250.00), eur),
        ("Amount due: €1,250.00", dec!(1250.00), eur),
        ("Total: £980.50", dec!(980.50), Some(Currency::GBP)),
        ("Balance due: $75", dec!(75), Some(Currency::USD)),
        ("d'un montant de 300 €", dec!(300), eur),
        ("Total : 99,90", dec!(99.90), None),
        (
            "Please find attached invoice INV-2026-01433 for €12,663.87, due on January 16, 2026",
            dec!(12663.87),
            eur,
        ),
        ("Invoice #88 for $75", dec!(75), Some(Currency::USD)),
        (
            "Voici la facture F-2026-0042 de 1 250,00 €.",
            dec!(1250.00),
            eur,
        ),
    ] {
        assert_eq!(amount(t), Some((want, cur)), "{t}");
    }
}

#[test]
fn amounts_before_tax_and_subtotals_lose() {
    let t = "Montant HT : 1 000,00 €\nTVA 20 % : 200,00 €\nTotal TTC : 1 200,00 €";
    assert_eq!(amount(t), Some((dec!(1200.00), Some(Currency::EUR))));
    let t = "Montant : 1 000,00 € HT\nMontant : 1 200,00 € TTC";
    assert_eq!(amount(t), Some((dec!(1200.00), Some(Currency::EUR))));
    let t = "Sous-total : 10,00 €\nSubtotal: 10.00\nTotal : 12,00 €";
    assert_eq!(amount(t), Some((dec!(12.00), Some(Currency::EUR))));
    let t = "Total : 1 440,00 €\nAcompte : 240,00 €\nNet à payer : 1 200,00 €";
    assert_eq!(amount(t), Some((dec!(1200.00), Some(Currency::EUR))));
    assert_eq!(amount("Montant : 3 000,00 € HT"), None);
    assert_eq!(amount("Total excl. VAT: 100.00"), None);
    // A count is not money.
    let t = "Total : 2 articles\nMontant : 1 250,00 €";
    assert_eq!(amount(t), Some((dec!(1250.00), Some(Currency::EUR))));
    assert_eq!(amount("Total : 2 articles"), None);
}

#[test]
fn due_dates() {
    let p = rules().patterns;
    for t in [
        "échéance le 15/03/2026",
        "Échéance : 15/03/2026",
        "Date d'échéance : 15/03/2026",
        "à régler avant le 15 mars 2026",
        "payable au plus tard le 15.03.2026",
        "Due date: March 15, 2026",
        "Payment due 15/03/2026",
        "Please pay by 15 March 2026.",
        "Due on 2026-03-15",
    ] {
        assert_eq!(
            text::due_date(&p, t).map(|(d, _)| d),
            Some(d(2026, 3, 15)),
            "{t}"
        );
    }
    assert_eq!(text::due_date(&p, "Date : 13/02/2026"), None);
}

#[test]
fn issue_dates_do_not_take_due_dates() {
    let p = rules().patterns;
    let t = "Date : 13/02/2026\nDue date: March 15, 2026";
    let spans: Vec<_> = text::due_date(&p, t).into_iter().map(|(_, s)| s).collect();
    assert_eq!(text::issue_date(&p, t, &spans), Some(d(2026, 2, 13)));
    let t = "Due date: March 15, 2026";
    let spans: Vec<_> = text::due_date(&p, t).into_iter().map(|(_, s)| s).collect();
    assert_eq!(text::issue_date(&p, t, &spans), None);
    assert_eq!(
        text::issue_date(&p, "Invoice date: 13 February 2026", &[]),
        Some(d(2026, 2, 13))
    );
    assert_eq!(
        text::issue_date(&p, "Facture émise le 13/02/2026", &[]),
        Some(d(2026, 2, 13))
    );
}

#[test]
fn payment_terms() {
    let p = rules().patterns;
    let terms = |days, end_of_month| Some(Terms { days, end_of_month });
    for (t, want) in [
        ("payable sous 30 jours", terms(30, false)),
        ("Paiement à 45 jours fin de mois", terms(45, true)),
        ("Règlement à 60 jours nets", terms(60, false)),
        ("Net 30", terms(30, false)),
        ("Terms: net 15.", terms(15, false)),
        ("Payment within 14 days", terms(14, false)),
        ("Paiement à réception", terms(0, false)),
        ("Due upon receipt", terms(0, false)),
        ("Total net 1 250,00 €", None),
        ("Net à payer : 30,00 €", None),
    ] {
        assert_eq!(text::terms(&p, t), want, "{t}");
    }
}

#[test]
fn reminders_are_recognised() {
    let p = rules().patterns;
    assert!(text::is_reminder(&p, "Rappel : facture F-1 impayée", ""));
    assert!(text::is_reminder(&p, "Invoice #12 overdue", ""));
    assert!(text::is_reminder(
        &p,
        "Re: Facture F-1",
        "[Rappel] Bonjour,\nla facture F-1..."
    ));
    assert!(text::is_reminder(
        &p,
        "RE: Invoice 12",
        "Friendly reminder: invoice 12 is now due."
    ));
    // The French legal notice on late payment is on every invoice.
    let legal =
        "Montant : 10 €\n\nEn cas de retard de paiement, pénalités de 3 fois le taux légal.";
    assert!(!text::is_reminder(&p, "Facture F-1", legal));
    assert!(!text::is_reminder(
        &p,
        "Re: Facture F-1",
        "Voici la facture demandée."
    ));
}

#[test]
fn quotes_and_pro_forma_are_not_invoices() {
    let p = rules().patterns;
    assert!(text::is_quote(&p, "Devis D-2026-007"));
    assert!(text::is_quote(&p, "Your quote for the new website"));
    assert!(text::is_quote(&p, "Facture proforma PF-1"));
    assert!(!text::is_quote(&p, "Facture F-12 suite au devis D-3"));
    assert!(!text::is_quote(&p, "Facture F-12"));
}
