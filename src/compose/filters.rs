//! The filters templates use to print values in the message's language:
//! `money`, `date`, `short_date`, `percent`, `plural` and `days`.
//!
//! Each one rejects a value of the wrong shape with an error rather than
//! printing something approximate, so a template mistake fails at load.

use chrono::NaiveDate;
use minijinja::{Environment, Error, ErrorKind, Value};
use rust_decimal::Decimal;

use crate::compose::format;
use crate::domain::{Currency, Language, Money};

/// Registers every filter on `env`, bound to `lang`.
pub fn register(env: &mut Environment<'static>, lang: Language) {
    env.add_filter("money", move |v: Value| -> Result<String, Error> {
        Ok(to_money(&v)?.format(lang))
    });
    env.add_filter("date", move |v: Value| -> Result<String, Error> {
        Ok(format::long_date(to_date(&v)?, lang))
    });
    env.add_filter("short_date", |v: Value| -> Result<String, Error> {
        Ok(format::short_date(to_date(&v)?))
    });
    env.add_filter("percent", move |v: Value| -> Result<String, Error> {
        Ok(format::percent(to_decimal(&v)?, lang))
    });
    env.add_filter(
        "plural",
        move |n: Value, one: String, many: String| -> Result<String, Error> {
            Ok(format::plural(to_count(&n)?, lang, &one, &many))
        },
    );
    env.add_filter("days", move |n: Value| -> Result<String, Error> {
        Ok(format::days(to_count(&n)?, lang))
    });
}

fn bad(what: &str, v: &Value) -> Error {
    Error::new(
        ErrorKind::InvalidOperation,
        format!("expected {what}, got {} '{v}'", v.kind()),
    )
}

fn to_decimal(v: &Value) -> Result<Decimal, Error> {
    if let Some(s) = v.as_str() {
        return s.parse().map_err(|_| bad("a decimal number", v));
    }
    if let Some(i) = v.as_i64() {
        return Ok(Decimal::from(i));
    }
    Err(bad("a decimal number", v))
}

fn to_money(v: &Value) -> Result<Money, Error> {
    let amount = v.get_attr("amount").map_err(|_| bad("an amount", v))?;
    let currency = v.get_attr("currency").map_err(|_| bad("an amount", v))?;
    let currency = currency
        .as_str()
        .and_then(Currency::parse)
        .ok_or_else(|| bad("an amount", v))?;
    Ok(Money::new(to_decimal(&amount)?, currency))
}

fn to_date(v: &Value) -> Result<NaiveDate, Error> {
    v.as_str()
        .and_then(|s| NaiveDate::parse_from_str(s, "%Y-%m-%d").ok())
        .ok_or_else(|| bad("a date", v))
}

fn to_count(v: &Value) -> Result<i64, Error> {
    if let Some(n) = v.as_i64() {
        return Ok(n);
    }
    // Lists and maps count their items: `invoices|plural(…)`.
    v.len()
        .and_then(|n| i64::try_from(n).ok())
        .ok_or_else(|| bad("a number or a list", v))
}
