//! Amounts written by clients: "1 250,00 €", "€1,250.00", "500 euros",
//! "EUR 300", "£1.200". A number counts as money only next to a currency, so
//! invoice numbers and dates are never read as amounts. Decimal, never float.

use std::str::FromStr;
use std::sync::LazyLock;

use regex::Regex;
use rust_decimal::Decimal;

/// One amount found in normalised text, with where it sits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AmountHit {
    pub value: Decimal,
    pub start: usize,
    pub end: usize,
}

static AMOUNT: LazyLock<Regex> = LazyLock::new(|| {
    let currency = r"(?:€|eur\b|euros?\b|\$|usd\b|£|gbp\b|chf\b)";
    let number = r"\d{1,3}(?:[ .,']\d{3})+(?:[.,]\d{1,2})?|\d+(?:[.,]\d{1,2})?";
    let pattern = format!(r"(?:{currency}\s?(?P<a>{number})|(?P<b>{number})\s?(?:k€|{currency}))");
    crate::classify::norm::pattern(&pattern)
});

/// Every amount in `norm`, in text order.
pub fn find_amounts(norm: &str) -> Vec<AmountHit> {
    AMOUNT
        .captures_iter(norm)
        .filter_map(|caps| {
            let whole = caps.get(0)?;
            let number = caps.name("a").or_else(|| caps.name("b"))?;
            let mut value = parse_number(number.as_str())?;
            if whole.as_str().ends_with("k€") {
                value *= Decimal::from(1000);
            }
            Some(AmountHit {
                value,
                start: whole.start(),
                end: whole.end(),
            })
        })
        .collect()
}

/// Reads "1 250,00", "1,250.00", "1.250", "1250.5": the last `.` or `,`
/// followed by one or two digits is the decimal mark, every other
/// separator groups thousands.
pub fn parse_number(raw: &str) -> Option<Decimal> {
    let raw = raw.trim();
    let decimal_at = raw.rfind(['.', ',']).filter(|&i| {
        let frac = &raw[i + 1..];
        (1..=2).contains(&frac.len()) && frac.bytes().all(|b| b.is_ascii_digit())
    });
    let mut digits = String::with_capacity(raw.len());
    for (i, c) in raw.char_indices() {
        if c.is_ascii_digit() {
            digits.push(c);
        } else if Some(i) == decimal_at {
            digits.push('.');
        }
    }
    if digits.is_empty() {
        return None;
    }
    Decimal::from_str(&digits).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    fn values(text: &str) -> Vec<Decimal> {
        find_amounts(text).into_iter().map(|h| h.value).collect()
    }

    #[test]
    fn french_and_english_formats() {
        assert_eq!(values("un virement de 1 250,00 € ce jour"), [dec!(1250.00)]);
        assert_eq!(values("we sent €1,250.00 today"), [dec!(1250.00)]);
        assert_eq!(
            values("500 euros sur les 1.200 eur"),
            [dec!(500), dec!(1200)]
        );
        assert_eq!(values("eur 300,5 et £99"), [dec!(300.5), dec!(99)]);
        assert_eq!(values("$2,400 of the $4,800"), [dec!(2400), dec!(4800)]);
        assert_eq!(values("un acompte de 2k€"), [dec!(2000)]);
    }

    #[test]
    fn numbers_without_currency_are_not_money() {
        assert!(values("facture f-2026-0042 du 15/03").is_empty());
        assert!(values("sous 8 jours").is_empty());
    }

    #[test]
    fn parse_number_edges() {
        assert_eq!(parse_number("1.250"), Some(dec!(1250)));
        assert_eq!(parse_number("1,5"), Some(dec!(1.5)));
        assert_eq!(parse_number("1 234 567,89"), Some(dec!(1234567.89)));
        assert_eq!(parse_number(""), None);
    }
}
