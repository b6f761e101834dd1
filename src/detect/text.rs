//! Applying the rules to text: the subject, the body and attachment names.
//! Each finder returns the first usable match of the highest-priority
//! pattern; what "usable" means (a number has a digit, an amount is not
//! before tax) lives here, next to the patterns' use.

use chrono::NaiveDate;
use regex::{Captures, Match, Regex};
use rust_decimal::Decimal;

use super::DocumentKind;
use super::parse;
use super::rules::Patterns;
use crate::domain::Currency;

/// An invoice or credit-note number found in text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NumberHit {
    pub number: String,
    pub kind: DocumentKind,
}

/// Payment terms stated in the text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Terms {
    pub days: u32,
    pub end_of_month: bool,
}

/// Every document number in `text`, in order of appearance.
pub fn numbers(p: &Patterns, text: &str) -> Vec<NumberHit> {
    let mut hits = Vec::new();
    for re in &p.number {
        for caps in re.captures_iter(text) {
            let Some(number) = group(&caps, "number") else {
                continue;
            };
            let kind = match caps.name("kind").map(|k| k.as_str().to_lowercase()) {
                Some(k) if k.starts_with("avoir") || k.contains("cr") => DocumentKind::CreditNote,
                _ => DocumentKind::Invoice,
            };
            if plausible_number(number.as_str(), kind) {
                hits.push(NumberHit {
                    number: number.as_str().to_string(),
                    kind,
                });
            }
        }
        if !hits.is_empty() {
            break;
        }
    }
    hits
}

/// A number must carry a digit and not be a date; "avoir" is also the verb
/// "to have" ("avoir 2 exemplaires"), so a credit-note number needs more.
fn plausible_number(number: &str, kind: DocumentKind) -> bool {
    let digits = number.chars().filter(char::is_ascii_digit).count();
    let min_len = match kind {
        DocumentKind::Invoice => 1,
        DocumentKind::CreditNote => 3,
    };
    digits > 0 && number.len() >= min_len && number.len() <= 40 && parse::date(number).is_none()
}

/// The amount due: the first match, in pattern priority, that is not
/// stated before tax and reads as money (a currency, or decimals). The
/// currency is `None` when the text gives none.
pub fn amount(p: &Patterns, text: &str) -> Option<(Decimal, Option<Currency>)> {
    p.amount.iter().find_map(|re| {
        re.captures_iter(text).find_map(|caps| {
            if caps.name("tail").is_some() {
                return None;
            }
            let value = parse::amount(group(&caps, "amount")?.as_str())?;
            let currency = ["cur1", "cur2"]
                .iter()
                .find_map(|g| caps.name(g).and_then(|m| currency(m.as_str())));
            // "Total : 2 articles" is a count; money has a currency or cents.
            (currency.is_some() || value.scale() > 0).then_some((value, currency))
        })
    })
}

/// A currency code, symbol or the word "euro(s)".
pub fn currency(raw: &str) -> Option<Currency> {
    if raw.to_lowercase().starts_with("euro") {
        Some(Currency::EUR)
    } else {
        Currency::parse(raw)
    }
}

/// The stated due date, with the span of text that said it.
pub fn due_date(p: &Patterns, text: &str) -> Option<(NaiveDate, std::ops::Range<usize>)> {
    first_date(&p.due_date, text, &[])
}

/// The stated issue date; `exclude` are the spans of due-date phrases, so
/// that "Due date: ..." is not read as "date: ...".
pub fn issue_date(
    p: &Patterns,
    text: &str,
    exclude: &[std::ops::Range<usize>],
) -> Option<NaiveDate> {
    first_date(&p.issue_date, text, exclude).map(|(d, _)| d)
}

fn first_date(
    patterns: &[Regex],
    text: &str,
    exclude: &[std::ops::Range<usize>],
) -> Option<(NaiveDate, std::ops::Range<usize>)> {
    patterns.iter().find_map(|re| {
        re.captures_iter(text).find_map(|caps| {
            let m = group(&caps, "date")?;
            let overlaps = exclude
                .iter()
                .any(|r| m.start() < r.end && r.start < m.end());
            if overlaps {
                return None;
            }
            let whole = caps.get(0).map_or(m.range(), |w| w.range());
            parse::date(m.as_str()).map(|d| (d, whole))
        })
    })
}

/// Payment terms ("payable sous 30 jours", "Net 30", "à réception").
pub fn terms(p: &Patterns, text: &str) -> Option<Terms> {
    p.payment_terms.iter().find_map(|re| {
        let caps = re.captures(text)?;
        let days = match caps.name("days") {
            Some(d) => d.as_str().parse().ok()?,
            None => 0,
        };
        Some(Terms {
            days,
            end_of_month: caps.name("eom").is_some(),
        })
    })
}

/// A reminder (ours or the user's): reminder words in the subject, or in the
/// opening of a reply's body. Invoices carry the legal late-payment notice
/// further down, so the whole body is not searched.
pub fn is_reminder(p: &Patterns, subject: &str, body: &str) -> bool {
    let matches = |t: &str| p.reminder.iter().any(|re| re.is_match(t));
    if matches(subject) {
        return true;
    }
    let opening: String = body.chars().take(200).collect();
    is_reply_subject(subject) && matches(&opening)
}

/// A quote, estimate or pro forma: named as such in the subject, without an
/// invoice number there ("Facture F-12 suite au devis D-3" is an invoice).
pub fn is_quote(p: &Patterns, subject: &str) -> bool {
    let Some(m) = p.quote.iter().find_map(|re| re.find(subject)) else {
        return false;
    };
    let pro_forma = m.as_str().to_lowercase().contains("forma");
    pro_forma || numbers(p, subject).is_empty()
}

fn is_reply_subject(subject: &str) -> bool {
    let lower = subject.trim_start().to_lowercase();
    [
        "re:", "re :", "aw:", "tr:", "tr :", "fw:", "fwd:", "réf:", "ref:",
    ]
    .iter()
    .any(|prefix| lower.starts_with(prefix))
}

/// The named group, else the first group, else the whole match: configured
/// patterns need not know our group names.
fn group<'t>(caps: &Captures<'t>, name: &str) -> Option<Match<'t>> {
    caps.name(name)
        .or_else(|| caps.get(1))
        .or_else(|| caps.get(0))
}
