//! Reading the UN/CEFACT Cross Industry Invoice (the XML inside Factur-X,
//! ZUGFeRD 2 and XRechnung CII) with quick-xml, by element path and local
//! name so that any namespace prefix works. Only the few fields relance
//! needs are read; anything malformed yields `None`, never a panic.

use chrono::NaiveDate;
use quick_xml::Reader;
use quick_xml::events::{BytesStart, Event};
use rust_decimal::Decimal;

use crate::detect::DocumentKind;
use crate::domain::{Currency, EmailAddress};

/// UNTDID 1001 codes that mean a credit note (381 and its relatives).
const CREDIT_NOTE_CODES: &[&str] = &[
    "81", "83", "261", "262", "296", "308", "381", "396", "420", "458", "532",
];

/// An invoice as its CII XML states it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CiiInvoice {
    pub number: String,
    pub kind: DocumentKind,
    pub issue_date: Option<NaiveDate>,
    /// Absent from the MINIMUM profile.
    pub due_date: Option<NaiveDate>,
    /// DuePayableAmount, else GrandTotalAmount.
    pub amount: Decimal,
    pub currency: Option<Currency>,
    pub buyer_name: Option<String>,
    /// Absent from the MINIMUM profile.
    pub buyer_email: Option<EmailAddress>,
    /// For a credit note: the invoice it corrects (BT-25).
    pub credited_number: Option<String>,
}

/// What the walk collects before deciding whether it is an invoice.
#[derive(Default)]
struct Fields {
    number: Option<String>,
    type_code: Option<String>,
    issue_date: Option<NaiveDate>,
    due_date: Option<NaiveDate>,
    due_payable: Option<Decimal>,
    grand_total: Option<Decimal>,
    currency: Option<Currency>,
    amount_currency: Option<Currency>,
    buyer_name: Option<String>,
    buyer_email: Option<EmailAddress>,
    credited_number: Option<String>,
}

/// True when the document's root element is `CrossIndustryInvoice`,
/// whatever its prefix: how an embedded file is recognised, not by name.
pub fn is_cii(xml: &[u8]) -> bool {
    let mut reader = Reader::from_reader(strip_bom(xml));
    loop {
        match reader.read_event() {
            Ok(Event::Start(e) | Event::Empty(e)) => {
                return e.local_name().as_ref() == b"CrossIndustryInvoice";
            }
            Ok(Event::Eof) | Err(_) => return false,
            Ok(_) => {}
        }
    }
}

/// Parses a CII document. `None` when it is not one, is malformed, or
/// lacks a number or an amount.
pub fn parse(xml: &[u8]) -> Option<CiiInvoice> {
    let mut reader = Reader::from_reader(strip_bom(xml));
    reader.config_mut().trim_text(true);
    let mut path: Vec<Vec<u8>> = Vec::new();
    let mut fields = Fields::default();
    loop {
        match reader.read_event().ok()? {
            Event::Start(e) => {
                if path.is_empty() && e.local_name().as_ref() != b"CrossIndustryInvoice" {
                    return None;
                }
                path.push(e.local_name().as_ref().to_vec());
                fields.attributes(&path, &e);
            }
            Event::End(_) => {
                path.pop();
            }
            Event::Text(t) => {
                let text = t.unescape().ok()?;
                fields.text(&path, text.trim());
            }
            Event::CData(c) => {
                let text = String::from_utf8_lossy(&c);
                fields.text(&path, text.trim());
            }
            Event::Eof => break,
            _ => {}
        }
    }
    fields.finish()
}

impl Fields {
    fn attributes(&mut self, path: &[Vec<u8>], e: &BytesStart<'_>) {
        let amount_elem = ends_with(
            path,
            &[
                "SpecifiedTradeSettlementHeaderMonetarySummation",
                "GrandTotalAmount",
            ],
        ) || ends_with(
            path,
            &[
                "SpecifiedTradeSettlementHeaderMonetarySummation",
                "DuePayableAmount",
            ],
        );
        if !amount_elem || self.amount_currency.is_some() {
            return;
        }
        for attr in e.attributes().flatten() {
            if attr.key.local_name().as_ref() == b"currencyID" {
                let value = attr.unescape_value().ok();
                self.amount_currency = value.and_then(|v| Currency::parse(&v));
            }
        }
    }

    fn text(&mut self, path: &[Vec<u8>], text: &str) {
        if text.is_empty() {
            return;
        }
        let at = |suffix: &[&str]| ends_with(path, suffix);
        let doc = path.get(1).is_some_and(|p| p == b"ExchangedDocument");
        if doc && path.len() == 3 && at(&["ID"]) {
            set(&mut self.number, text.to_string());
        } else if doc && path.len() == 3 && at(&["TypeCode"]) {
            set(&mut self.type_code, text.to_string());
        } else if doc && at(&["IssueDateTime", "DateTimeString"]) {
            self.issue_date = self.issue_date.or_else(|| date_102(text));
        } else if at(&[
            "SpecifiedTradePaymentTerms",
            "DueDateDateTime",
            "DateTimeString",
        ]) {
            self.due_date = self.due_date.or_else(|| date_102(text));
        } else if at(&[
            "SpecifiedTradeSettlementHeaderMonetarySummation",
            "DuePayableAmount",
        ]) {
            self.due_payable = self.due_payable.or_else(|| text.parse().ok());
        } else if at(&[
            "SpecifiedTradeSettlementHeaderMonetarySummation",
            "GrandTotalAmount",
        ]) {
            self.grand_total = self.grand_total.or_else(|| text.parse().ok());
        } else if at(&["ApplicableHeaderTradeSettlement", "InvoiceCurrencyCode"]) {
            self.currency = self.currency.or_else(|| Currency::parse(text));
        } else if at(&["BuyerTradeParty", "Name"]) {
            set(&mut self.buyer_name, text.to_string());
        } else if at(&["BuyerTradeParty", "URIUniversalCommunication", "URIID"]) {
            self.buyer_email = self
                .buyer_email
                .take()
                .or_else(|| EmailAddress::parse(text));
        } else if at(&["InvoiceReferencedDocument", "IssuerAssignedID"]) {
            set(&mut self.credited_number, text.to_string());
        }
    }

    fn finish(self) -> Option<CiiInvoice> {
        let kind = match self.type_code.as_deref() {
            Some(code) if CREDIT_NOTE_CODES.contains(&code) => DocumentKind::CreditNote,
            _ => DocumentKind::Invoice,
        };
        Some(CiiInvoice {
            number: self.number?,
            kind,
            issue_date: self.issue_date,
            due_date: self.due_date,
            amount: self.due_payable.or(self.grand_total)?,
            currency: self.currency.or(self.amount_currency),
            buyer_name: self.buyer_name,
            buyer_email: self.buyer_email,
            credited_number: match kind {
                DocumentKind::CreditNote => self.credited_number,
                DocumentKind::Invoice => None,
            },
        })
    }
}

fn set(slot: &mut Option<String>, value: String) {
    if slot.is_none() {
        *slot = Some(value);
    }
}

fn ends_with(path: &[Vec<u8>], suffix: &[&str]) -> bool {
    path.len() >= suffix.len()
        && path
            .iter()
            .rev()
            .zip(suffix.iter().rev())
            .all(|(p, s)| p.as_slice() == s.as_bytes())
}

/// Format 102 is `YYYYMMDD`; other formats carry no day and are ignored.
fn date_102(text: &str) -> Option<NaiveDate> {
    if text.len() != 8 || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    NaiveDate::parse_from_str(text, "%Y%m%d").ok()
}

fn strip_bom(xml: &[u8]) -> &[u8] {
    xml.strip_prefix(b"\xef\xbb\xbf".as_slice()).unwrap_or(xml)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    const EN16931: &[u8] = include_bytes!("../../../tests/fixtures/invoices/facturx-en16931.xml");
    const MINIMUM: &[u8] = include_bytes!("../../../tests/fixtures/invoices/facturx-minimum.xml");
    const CREDIT: &[u8] =
        include_bytes!("../../../tests/fixtures/invoices/facturx-credit-note.xml");

    fn d(y: i32, m: u32, day: u32) -> Option<NaiveDate> {
        NaiveDate::from_ymd_opt(y, m, day)
    }

    #[test]
    fn en16931_gives_every_field() {
        assert!(is_cii(EN16931));
        let inv = parse(EN16931).unwrap();
        assert_eq!(inv.number, "F-2026-0050");
        assert_eq!(inv.kind, DocumentKind::Invoice);
        assert_eq!(inv.issue_date, d(2026, 2, 13));
        assert_eq!(inv.due_date, d(2026, 3, 15));
        // The amount due after the prepayment, not the grand total.
        assert_eq!(inv.amount, dec!(1200.00));
        assert_eq!(inv.currency, Some(Currency::EUR));
        assert_eq!(inv.buyer_name.as_deref(), Some("Boulangerie Martin SARL"));
        assert_eq!(
            inv.buyer_email.map(|e| e.to_string()).as_deref(),
            Some("factures@boulangerie-martin.example.fr")
        );
        assert_eq!(inv.credited_number, None);
    }

    #[test]
    fn minimum_has_no_due_date_nor_buyer_email() {
        let inv = parse(MINIMUM).unwrap();
        assert_eq!(inv.number, "F-2026-0051");
        assert_eq!(inv.due_date, None);
        assert_eq!(inv.buyer_email, None);
        assert_eq!(inv.buyer_name.as_deref(), Some("Garage Lefèvre"));
        assert_eq!(inv.amount, dec!(780.00));
    }

    #[test]
    fn type_code_381_is_a_credit_note_for_an_invoice() {
        let inv = parse(CREDIT).unwrap();
        assert_eq!(inv.kind, DocumentKind::CreditNote);
        assert_eq!(inv.number, "A-2026-0003");
        assert_eq!(inv.credited_number.as_deref(), Some("F-2026-0050"));
        assert_eq!(inv.amount, dec!(120.00));
    }

    #[test]
    fn grand_total_and_attribute_currency_are_fallbacks() {
        let xml = br#"<?xml version="1.0"?><x:CrossIndustryInvoice xmlns:x="u" xmlns:r="v">
            <x:ExchangedDocument><r:ID>9</r:ID></x:ExchangedDocument>
            <r:SpecifiedTradeSettlementHeaderMonetarySummation>
              <r:GrandTotalAmount currencyID="GBP">10.5</r:GrandTotalAmount>
            </r:SpecifiedTradeSettlementHeaderMonetarySummation></x:CrossIndustryInvoice>"#;
        let inv = parse(xml).unwrap();
        assert_eq!((inv.number.as_str(), inv.amount), ("9", dec!(10.5)));
        assert_eq!(inv.currency, Some(Currency::GBP));
        assert_eq!(inv.kind, DocumentKind::Invoice);
    }

    #[test]
    fn other_or_broken_xml_is_none() {
        for xml in [
            &b"<Invoice><ID>1</ID></Invoice>"[..],
            b"<rsm:CrossIndustryInvoice><rsm:ExchangedDocument><ram:ID>1",
            b"<CrossIndustryInvoice><ExchangedDocument><ID>1</ID></ExchangedDocument></CrossIndustryInvoice>",
            b"\xff\xfe garbage",
            b"",
        ] {
            assert_eq!(parse(xml), None);
        }
        assert!(!is_cii(b"<Invoice/>"));
        assert!(is_cii(
            b"\xef\xbb\xbf<?xml version='1.0'?><a:CrossIndustryInvoice/>"
        ));
    }
}
