//! Parsers for the small value languages of the file: delays, intervals,
//! times, dates, amounts, names from closed lists, regexes. Each returns the
//! message for the user; the caller adds the place.

use std::str::FromStr;
use std::time::Duration;

use chrono::{NaiveDate, NaiveTime, Weekday};
use regex::Regex;
use rust_decimal::Decimal;

use super::raw_sequence::{RawDate, RawNumber};
use crate::domain::{Currency, EmailAddress, Money, UnknownName};
use crate::engine::Delay;

/// "N business days" or "N days" (singular accepted).
pub(crate) fn delay(text: &str) -> Result<Delay, String> {
    let words: Vec<String> = text.split_whitespace().map(str::to_lowercase).collect();
    let parsed = match words.as_slice() {
        [n, unit] if matches!(unit.as_str(), "day" | "days") => {
            n.parse().ok().map(Delay::CalendarDays)
        }
        [n, business, unit]
            if business == "business" && matches!(unit.as_str(), "day" | "days") =>
        {
            n.parse().ok().map(Delay::BusinessDays)
        }
        _ => None,
    };
    parsed.ok_or_else(|| {
        format!("invalid delay '{text}', expected 'N business days' or 'N days' (e.g. '2 business days')")
    })
}

/// A delay as the file writes it.
pub(crate) fn delay_text(delay: Delay) -> String {
    match delay {
        Delay::BusinessDays(1) => "1 business day".into(),
        Delay::BusinessDays(n) => format!("{n} business days"),
        Delay::CalendarDays(1) => "1 day".into(),
        Delay::CalendarDays(n) => format!("{n} days"),
    }
}

/// "N seconds", "N minutes" or "N hours", more than zero.
pub(crate) fn interval(text: &str) -> Result<Duration, String> {
    let words: Vec<String> = text.split_whitespace().map(str::to_lowercase).collect();
    let seconds = match words.as_slice() {
        [n, unit] => n.parse::<u64>().ok().and_then(|n| {
            let per = match unit.trim_end_matches('s') {
                "second" => 1,
                "minute" => 60,
                "hour" => 3600,
                _ => return None,
            };
            n.checked_mul(per)
        }),
        _ => None,
    };
    match seconds {
        Some(s) if s > 0 => Ok(Duration::from_secs(s)),
        _ => Err(format!(
            "invalid interval '{text}', expected 'N seconds', 'N minutes' or 'N hours' (more than zero)"
        )),
    }
}

/// A local time "HH:MM".
pub(crate) fn time(text: &str) -> Result<NaiveTime, String> {
    NaiveTime::parse_from_str(text.trim(), "%H:%M")
        .map_err(|_| format!("invalid time '{text}', expected HH:MM (e.g. '09:00')"))
}

/// A date "YYYY-MM-DD", quoted or as a bare TOML date.
pub(crate) fn date(raw: &RawDate) -> Result<NaiveDate, String> {
    let text = match raw {
        RawDate::String(t) => t.clone(),
        RawDate::Datetime(d) if d.time.is_none() && d.offset.is_none() => d.to_string(),
        other => other.to_string(),
    };
    NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d")
        .map_err(|_| format!("invalid date {}, expected YYYY-MM-DD", shown(raw)))
}

/// An English three-letter weekday name.
pub(crate) fn weekday(text: &str) -> Result<Weekday, String> {
    const DAYS: [(&str, Weekday); 7] = [
        ("mon", Weekday::Mon),
        ("tue", Weekday::Tue),
        ("wed", Weekday::Wed),
        ("thu", Weekday::Thu),
        ("fri", Weekday::Fri),
        ("sat", Weekday::Sat),
        ("sun", Weekday::Sun),
    ];
    choice("weekday", &text.to_lowercase(), &DAYS)
}

/// One of a closed list of spellings.
pub(crate) fn choice<T: Copy>(what: &str, text: &str, options: &[(&str, T)]) -> Result<T, String> {
    options
        .iter()
        .find(|(name, _)| *name == text)
        .map(|(_, value)| *value)
        .ok_or_else(|| {
            let names: Vec<&str> = options.iter().map(|(n, _)| *n).collect();
            format!(
                "unknown {what} '{text}', expected one of: {}",
                names.join(", ")
            )
        })
}

/// A shared domain enum, with the user's word for it in the message.
pub(crate) fn spelled<T: FromStr<Err = UnknownName>>(what: &str, text: &str) -> Result<T, String> {
    text.parse().map_err(|e: UnknownName| {
        format!(
            "unknown {what} '{}', expected one of: {}",
            e.value,
            e.expected.join(", ")
        )
    })
}

/// A non-negative decimal from a TOML number or a string.
pub(crate) fn decimal(raw: &RawNumber) -> Result<Decimal, String> {
    let parsed = match raw {
        RawNumber::Integer(i) => Some(Decimal::from(*i)),
        // Through its shortest text form, so 2.15 stays exactly 2.15.
        RawNumber::Float(f) => Decimal::from_str(&f.to_string()).ok(),
        RawNumber::String(t) => Decimal::from_str(t.trim()).ok(),
        _ => None,
    };
    match parsed {
        Some(d) if !d.is_sign_negative() => Ok(d),
        _ => Err(format!(
            "invalid number {}, expected a non-negative decimal such as \"2.15\"",
            shown(raw)
        )),
    }
}

/// An amount with an optional currency before or after: "30", "30 EUR",
/// "€30", "25 £".
pub(crate) fn amount(raw: &RawNumber, default: Currency) -> Result<Money, String> {
    let RawNumber::String(text) = raw else {
        return decimal(raw).map(|d| Money::new(d, default));
    };
    let text = text.trim();
    let bad = || {
        format!(
            "invalid amount '{text}', expected a decimal with an optional currency (e.g. \"30 EUR\")"
        )
    };
    let first = text.find(|c: char| c.is_ascii_digit()).ok_or_else(bad)?;
    let last = text.rfind(|c: char| c.is_ascii_digit()).ok_or_else(bad)?;
    let number = &text[first..=last];
    let currency_text = format!("{}{}", &text[..first], &text[last + 1..]);
    let currency = match currency_text.trim() {
        "" => default,
        code => Currency::parse(code).ok_or_else(bad)?,
    };
    let amount = Decimal::from_str(number).map_err(|_| bad())?;
    Ok(Money::new(amount, currency))
}

/// A TOML value as the user wrote it, strings quoted.
fn shown(raw: &toml::Value) -> String {
    match raw {
        toml::Value::String(t) => format!("'{t}'"),
        other => other.to_string(),
    }
}

/// An email address.
pub(crate) fn email(text: &str) -> Result<EmailAddress, String> {
    EmailAddress::parse(text)
        .ok_or_else(|| format!("invalid email address '{text}', expected name@domain.tld"))
}

/// A DNS domain, lowercased, without a leading `@`.
pub(crate) fn domain(text: &str) -> Result<String, String> {
    let d = text.trim().trim_start_matches('@').to_lowercase();
    let ok = d.contains('.')
        && !d.starts_with('.')
        && !d.ends_with('.')
        && d.chars()
            .all(|c| c.is_alphanumeric() || c == '-' || c == '.');
    if ok {
        Ok(d)
    } else {
        Err(format!(
            "invalid domain '{text}', expected a name such as example.fr"
        ))
    }
}

/// A regex; a capturing one must have a group holding the value.
pub(crate) fn regex(text: &str, capturing: bool) -> Result<Regex, String> {
    let re = Regex::new(text).map_err(|e| {
        // regex prints a multi-line diagram; its last line says what is wrong.
        let full = e.to_string();
        let why = full
            .lines()
            .rev()
            .find_map(|l| l.trim().strip_prefix("error:"))
            .unwrap_or(full.lines().last().unwrap_or(""))
            .trim()
            .to_string();
        format!("invalid regex '{text}': {why}")
    })?;
    if capturing && re.captures_len() < 2 {
        return Err(format!(
            "regex '{text}' captures nothing, expected a group around the value, e.g. '(\\d+)'"
        ));
    }
    Ok(re)
}

/// A French registry number: exactly `n` digits once spaces are removed.
pub(crate) fn digits(what: &str, text: &str, n: usize) -> Result<String, String> {
    let d: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    if d.len() == n && d.chars().all(|c| c.is_ascii_digit()) {
        Ok(d)
    } else {
        Err(format!("invalid {what} '{text}', expected {n} digits"))
    }
}
