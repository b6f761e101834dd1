//! Whole messages: the .eml fixtures (real Factur-X PDFs made by the
//! factur-x package) and small synthetic mails for the edge cases.

use chrono::NaiveDate;
use regex::Regex;
use rust_decimal_macros::dec;
use serde_json::json;

use crate::detect::{
    DetectedInvoice, DocumentKind, NotInvoice, Overrides, Rules, Source, detect, detect_explained,
    to_json,
};
use crate::domain::{Currency, EmailAddress};

macro_rules! fixture {
    ($name:literal) => {
        include_bytes!(concat!("../../../tests/fixtures/invoices/", $name))
    };
}

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

fn emails(inv: &DetectedInvoice) -> Vec<&str> {
    inv.client_emails.iter().map(EmailAddress::as_str).collect()
}

fn sent(subject: &str, body: &str) -> Vec<u8> {
    format!(
        "From: Claire <claire@atelier-dupont.example.fr>\r\nTo: Marc <marc@client.example.fr>\r\n\
         Subject: {subject}\r\nDate: Fri, 13 Feb 2026 10:00:00 +0100\r\nMessage-ID: <x@a.fr>\r\n\
         Content-Type: text/plain; charset=utf-8\r\n\r\n{body}\r\n"
    )
    .into_bytes()
}

#[test]
fn french_regex_invoice() {
    let inv = detect(fixture!("invoice-fr-regex.eml"), &Rules::default()).unwrap();
    assert_eq!(inv.kind, DocumentKind::Invoice);
    assert_eq!(inv.number.0, "F-2026-0042");
    assert_eq!(
        (inv.amount.amount, inv.amount.currency),
        (dec!(1250.00), Currency::EUR)
    );
    assert_eq!(
        (inv.issue_date, inv.due_date),
        (d(2026, 2, 13), d(2026, 3, 15))
    );
    assert!(inv.due_date_stated);
    // The user's own Cc is not a client contact.
    assert_eq!(
        emails(&inv),
        [
            "marc.leroy@client-a.example.fr",
            "compta@client-a.example.fr"
        ]
    );
    assert_eq!(inv.client_name.as_deref(), Some("Marc Leroy"));
    assert_eq!(inv.source, Source::Regex);
    assert_eq!(
        inv.message_id.as_ref().map(|m| m.as_str()),
        Some("f42.1@atelier-dupont.example.fr")
    );
    let [pdf] = inv.attachments.as_slice() else {
        panic!("one attachment expected: {:?}", inv.attachments);
    };
    assert_eq!(pdf.file_name.as_deref(), Some("Facture_F-2026-0042.pdf"));
    assert_eq!(pdf.content_type, "application/pdf");
    assert_eq!(pdf.imap_section, "2");
    assert!(pdf.size > 500);
}

#[test]
fn english_regex_invoice_with_crlf_and_thread_headers() {
    let inv = detect(fixture!("invoice-en-regex.eml"), &Rules::default()).unwrap();
    assert_eq!(inv.number.0, "1234");
    assert_eq!(
        (inv.amount.amount, inv.amount.currency),
        (dec!(980.50), Currency::GBP)
    );
    assert_eq!(
        (inv.issue_date, inv.due_date),
        (d(2026, 2, 16), d(2026, 3, 15))
    );
    assert_eq!(emails(&inv), ["accounts@acme.example.co.uk"]);
    let refs: Vec<_> = inv.references.iter().map(|m| m.as_str()).collect();
    assert_eq!(
        refs,
        ["brief-1@acme.example.co.uk", "po-88@acme.example.co.uk"]
    );
    assert_eq!(
        inv.in_reply_to.first().map(|m| m.as_str()),
        Some("po-88@acme.example.co.uk")
    );
    assert_eq!(inv.thread_topic.as_deref(), Some("Invoice #1234"));
    assert_eq!(
        inv.thread_index.as_deref(),
        Some("AdyfGk3W7n5mQ0u9R0e1xq2YbQ==")
    );
}

#[test]
fn facturx_en16931_wins_over_the_body() {
    let inv = detect(fixture!("facturx-en16931.eml"), &Rules::default()).unwrap();
    assert_eq!(inv.source, Source::FacturX);
    assert_eq!(inv.number.0, "F-2026-0050");
    // The body says 1 440,00 € TTC; the XML's amount due is after prepayment.
    assert_eq!(inv.amount.amount, dec!(1200.00));
    assert_eq!(
        (inv.issue_date, inv.due_date),
        (d(2026, 2, 13), d(2026, 3, 15))
    );
    assert!(inv.due_date_stated);
    assert_eq!(emails(&inv), ["factures@boulangerie-martin.example.fr"]);
    assert_eq!(inv.client_name.as_deref(), Some("Boulangerie Martin SARL"));
}

#[test]
fn facturx_minimum_falls_back_to_terms_and_recipients() {
    let inv = detect(fixture!("facturx-minimum.eml"), &Rules::default()).unwrap();
    assert_eq!(inv.source, Source::FacturX);
    assert_eq!(inv.number.0, "F-2026-0051");
    assert_eq!(inv.amount.amount, dec!(780.00));
    assert_eq!(inv.issue_date, d(2026, 2, 20));
    assert_eq!(inv.due_date, d(2026, 3, 22));
    assert!(!inv.due_date_stated);
    assert_eq!(emails(&inv), ["contact@garage-lefevre.example.fr"]);
    assert_eq!(inv.client_name.as_deref(), Some("Garage Lefèvre"));
    let rules = Rules::with_overrides(Overrides {
        payment_terms_days: Some(45),
        ..Overrides::default()
    });
    let inv = detect(fixture!("facturx-minimum.eml"), &rules).unwrap();
    assert_eq!(inv.due_date, d(2026, 4, 6));
}

#[test]
fn facturx_credit_note_is_detected_as_such() {
    let note = detect(fixture!("credit-note-facturx.eml"), &Rules::default()).unwrap();
    assert_eq!(note.kind, DocumentKind::CreditNote);
    assert_eq!(note.number.0, "A-2026-0003");
    assert_eq!(
        note.credited_number.as_ref().map(|n| n.0.as_str()),
        Some("F-2026-0050")
    );
    assert_eq!(note.amount.amount, dec!(120.00));
    let line = to_json("avoir.eml", Some(&note));
    assert_eq!(line["invoice"], json!(null));
    assert_eq!(line["credit_note"]["number"], "A-2026-0003");
    assert_eq!(line["credit_note"]["credits"], "F-2026-0050");
    assert_eq!(line["credit_note"]["source"], "factur-x");
}

#[test]
fn xml_found_by_root_element_whatever_its_name() {
    let inv = detect(fixture!("facturx-renamed-xml.eml"), &Rules::default()).unwrap();
    assert_eq!(inv.source, Source::FacturX);
    assert_eq!(inv.number.0, "F-2026-0050");
}

#[test]
fn broken_pdf_falls_back_to_the_text() {
    let inv = detect(fixture!("facturx-broken.eml"), &Rules::default()).unwrap();
    assert_eq!(inv.source, Source::Regex);
    assert_eq!(inv.number.0, "2026-042");
    assert_eq!(inv.amount.amount, dec!(1250.00));
    assert_eq!(inv.due_date, d(2026, 3, 15));
}

#[test]
fn not_invoices() {
    let rules = Rules::default();
    let cases: [(&[u8], NotInvoice); 3] = [
        (fixture!("quote-devis.eml"), NotInvoice::Quote),
        (fixture!("reminder-rappel.eml"), NotInvoice::Reminder),
        (fixture!("ordinary-mail.eml"), NotInvoice::NoNumber),
    ];
    for (raw, why) in cases {
        assert_eq!(detect_explained(raw, &rules), Err(why));
    }
    let no_amount = sent("Facture F-2026-0042", "Voici la facture F-2026-0042.");
    assert_eq!(
        detect_explained(&no_amount, &rules),
        Err(NotInvoice::NoAmount)
    );
    assert_eq!(detect_explained(b"", &rules), Err(NotInvoice::Unparsable));
    let mut ours = b"X-Relance-Step: 1\r\n".to_vec();
    ours.extend(sent("Facture F-1", "Montant : 10,00 €"));
    assert_eq!(detect_explained(&ours, &rules), Err(NotInvoice::Automated));
}

#[test]
fn regex_credit_note_names_the_invoice_it_credits() {
    let raw = sent(
        "Avoir A-2026-0003 sur facture F-2026-0042",
        "Montant : 120,00 € TTC",
    );
    let note = detect(&raw, &Rules::default()).unwrap();
    assert_eq!(
        (note.kind, note.number.0.as_str()),
        (DocumentKind::CreditNote, "A-2026-0003")
    );
    assert_eq!(
        note.credited_number.map(|n| n.0),
        Some("F-2026-0042".into())
    );
}

#[test]
fn due_date_from_stated_terms_or_default() {
    let rules = Rules::default();
    let cases = [
        (
            "Montant : 100 €\nPaiement à 45 jours fin de mois.",
            d(2026, 3, 31),
        ),
        ("Amount due: €100\nNet 15", d(2026, 2, 28)),
        ("Montant : 100 €", d(2026, 3, 15)),
        (
            "Montant : 100 €\nDate de facture : 01/02/2026",
            d(2026, 3, 3),
        ),
    ];
    for (body, due) in cases {
        let inv = detect(&sent("Facture F-7", body), &rules).unwrap();
        assert_eq!(inv.due_date, due, "{body}");
        assert!(!inv.due_date_stated);
    }
}

#[test]
fn own_addresses_are_not_client_contacts() {
    let rules = Rules::with_overrides(Overrides {
        own_addresses: EmailAddress::parse("marc@client.example.fr")
            .into_iter()
            .collect(),
        ..Overrides::default()
    });
    let inv = detect(&sent("Facture F-7", "Total : 10 €"), &rules).unwrap();
    assert!(inv.client_emails.is_empty());
}

#[test]
fn cli_json_has_the_contract_fields() {
    let inv = detect(fixture!("invoice-fr-regex.eml"), &Rules::default()).unwrap();
    assert_eq!(
        to_json("a.eml", Some(&inv)),
        json!({"file": "a.eml", "invoice": {
            "number": "F-2026-0042", "amount": "1250.00", "currency": "EUR",
            "issue_date": "2026-02-13", "due_date": "2026-03-15",
            "client_emails": ["marc.leroy@client-a.example.fr", "compta@client-a.example.fr"],
            "source": "regex"}})
    );
    assert_eq!(
        to_json("b.eml", None),
        json!({"file": "b.eml", "invoice": null})
    );
    let whole = detect(&sent("Invoice #9", "Total: £980"), &Rules::default()).unwrap();
    assert_eq!(whole.contract_json()["amount"], "980.00");
}

#[test]
fn html_only_invoice() {
    let raw = b"From: c@a.fr\r\nTo: m@b.fr\r\nSubject: Facture F-9\r\nDate: Fri, 13 Feb 2026 10:00:00 +0100\r\n\
        Content-Type: text/html; charset=utf-8\r\n\r\n<p>Net &agrave; payer&nbsp;: <b>1&nbsp;250,00&nbsp;&euro;</b></p>\r\n";
    let inv = detect(raw, &Rules::default()).unwrap();
    assert_eq!(inv.amount.amount, dec!(1250.00));
}

#[test]
fn cii_xml_attached_as_a_file() {
    let xml = "<?xml version=\"1.0\"?><r:CrossIndustryInvoice xmlns:r=\"u\"><r:ExchangedDocument>\
        <r:ID>X-1</r:ID>ISSUE</r:ExchangedDocument><r:SpecifiedTradeSettlementHeaderMonetarySummation>\
        <r:DuePayableAmount>50</r:DuePayableAmount></r:SpecifiedTradeSettlementHeaderMonetarySummation>\
        </r:CrossIndustryInvoice>";
    let mail = |date: &str, xml: &str| {
        format!(
            "From: c@a.fr\r\nTo: m@b.fr\r\nSubject: Envoi\r\n{date}Content-Type: multipart/mixed; boundary=\"b\"\r\n\r\n\
             --b\r\nContent-Type: text/plain\r\n\r\nBonjour\r\n--b\r\nContent-Type: application/xml\r\n\
             Content-Disposition: attachment; filename=\"x.xml\"\r\n\r\n{xml}\r\n--b--\r\n"
        )
        .into_bytes()
    };
    let dated = "<r:IssueDateTime><r:DateTimeString format=\"102\">20260105</r:DateTimeString></r:IssueDateTime>";
    let inv = detect(&mail("", &xml.replace("ISSUE", dated)), &Rules::default()).unwrap();
    assert_eq!(
        (inv.number.0.as_str(), inv.amount.amount),
        ("X-1", dec!(50.00))
    );
    assert_eq!(
        (inv.issue_date, inv.due_date),
        (d(2026, 1, 5), d(2026, 2, 4))
    );
    let undated = mail("", &xml.replace("ISSUE", ""));
    assert_eq!(
        detect_explained(&undated, &Rules::default()),
        Err(NotInvoice::NoDate)
    );
    let header = mail(
        "Date: Fri, 13 Feb 2026 10:00:00 +0100\r\n",
        &xml.replace("ISSUE", ""),
    );
    assert_eq!(
        detect(&header, &Rules::default()).map(|i| i.issue_date),
        Some(d(2026, 2, 13))
    );
}

#[test]
fn credited_invoice_named_in_the_body() {
    let raw = sent(
        "Avoir AV-2026-01",
        "Cet avoir annule la facture F-2026-0042.\nMontant : 50 €",
    );
    let note = detect(&raw, &Rules::default()).unwrap();
    assert_eq!(note.kind, DocumentKind::CreditNote);
    assert_eq!(
        note.credited_number.map(|n| n.0),
        Some("F-2026-0042".into())
    );
}

#[test]
fn configured_rules_replace_the_builtin_ones() {
    let rules = Rules::with_overrides(Overrides {
        subject: Regex::new(r"^Rechnung").ok(),
        number: Regex::new(r"Rechnung\s+Nr\.\s*(\S+)").ok(),
        amount: Regex::new(r"Betrag:\s*([\d.,]+)").ok(),
        currency: Regex::new(r"Währung:\s*([A-Z]{3})").ok(),
        ..Overrides::default()
    });
    let raw = sent("Rechnung Nr. R-77", "Betrag: 1.234,50\nWährung: CHF");
    let inv = detect(&raw, &rules).unwrap();
    assert_eq!(inv.number.0, "R-77");
    assert_eq!(
        (inv.amount.amount, inv.amount.currency),
        (dec!(1234.50), Currency::CHF)
    );
    let french = sent("Facture F-1", "Montant : 10,00 €");
    assert_eq!(
        detect_explained(&french, &rules),
        Err(NotInvoice::NotCandidate)
    );
}

#[test]
fn factur_x_can_be_turned_off() {
    let rules = Rules::with_overrides(Overrides {
        factur_x: Some(false),
        ..Overrides::default()
    });
    let inv = detect(fixture!("facturx-en16931.eml"), &rules).unwrap();
    assert_eq!(
        (inv.source, inv.amount.amount),
        (Source::Regex, dec!(1440.00))
    );
}
