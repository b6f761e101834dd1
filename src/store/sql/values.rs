//! Values that SQLite has no type for, kept as text: instants (RFC 3339 UTC
//! with fixed digits, so text order is time order), ISO dates, exact
//! decimals, and lists of Message-IDs or addresses in one column.

use chrono::{DateTime, NaiveDate, SecondsFormat, Utc};
use rusqlite::ToSql;
use rusqlite::types::{FromSql, FromSqlResult, ToSqlOutput, ValueRef};
use rust_decimal::Decimal;

use super::{BadText, other};
use crate::domain::{EmailAddress, MessageId};

/// An instant stored as RFC 3339 UTC with microseconds, e.g.
/// `2026-03-02T08:00:00.000000Z`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Stamp(pub DateTime<Utc>);

impl ToSql for Stamp {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        let text = self.0.to_rfc3339_opts(SecondsFormat::Micros, true);
        Ok(ToSqlOutput::from(text))
    }
}

impl FromSql for Stamp {
    fn column_result(value: ValueRef<'_>) -> FromSqlResult<Self> {
        let s = value.as_str()?;
        if let Some(t) = parse_stamp(s) {
            return Ok(Stamp(t));
        }
        DateTime::parse_from_rfc3339(s)
            .map(|t| Stamp(t.with_timezone(&Utc)))
            .map_err(other)
    }
}

/// The decimal value of ASCII digits.
fn digits(b: &[u8]) -> Option<u32> {
    b.iter().try_fold(0u32, |acc, c| {
        c.is_ascii_digit().then(|| acc * 10 + u32::from(c - b'0'))
    })
}

/// `YYYY-MM-DD`, parsed by hand: chrono's general parser dominates the time
/// to load 100,000 invoices.
fn parse_day(s: &str) -> Option<NaiveDate> {
    let [y0, y1, y2, y3, b'-', m0, m1, b'-', d0, d1] = s.as_bytes() else {
        return None;
    };
    let year = i32::try_from(digits(&[*y0, *y1, *y2, *y3])?).ok()?;
    NaiveDate::from_ymd_opt(year, digits(&[*m0, *m1])?, digits(&[*d0, *d1])?)
}

/// The exact form [`Stamp`] writes, parsed by hand for the same reason;
/// anything else goes through chrono.
fn parse_stamp(s: &str) -> Option<DateTime<Utc>> {
    let b = s.as_bytes();
    if b.len() != 27 || b.get(10) != Some(&b'T') || b.get(26) != Some(&b'Z') {
        return None;
    }
    let day = parse_day(s.get(..10)?)?;
    let part = |range: std::ops::Range<usize>| digits(b.get(range)?);
    let separators = [(13, b':'), (16, b':'), (19, b'.')];
    if separators.iter().any(|(i, c)| b.get(*i) != Some(c)) {
        return None;
    }
    let time = day.and_hms_micro_opt(part(11..13)?, part(14..16)?, part(17..19)?, part(20..26)?)?;
    Some(time.and_utc())
}

/// A date stored as ISO 8601 text (`2026-03-02`); rusqlite's own NaiveDate
/// writes the same text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Day(pub NaiveDate);

impl ToSql for Day {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        self.0.to_sql()
    }
}

impl FromSql for Day {
    fn column_result(value: ValueRef<'_>) -> FromSqlResult<Self> {
        let s = value.as_str()?;
        match parse_day(s) {
            Some(d) => Ok(Day(d)),
            None => NaiveDate::column_result(value).map(Day),
        }
    }
}

/// A decimal stored as exact text, scale preserved (`1250.00`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Dec(pub Decimal);

impl ToSql for Dec {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        Ok(ToSqlOutput::from(self.0.to_string()))
    }
}

impl FromSql for Dec {
    fn column_result(value: ValueRef<'_>) -> FromSqlResult<Self> {
        let s = value.as_str()?;
        Decimal::from_str_exact(s).map(Dec).map_err(other)
    }
}

/// Message-IDs kept in one TEXT column, one `<id>` after another separated by
/// spaces, as in a References header.
pub(crate) fn join_ids(ids: &[MessageId]) -> String {
    let parts: Vec<String> = ids.iter().map(MessageId::bracketed).collect();
    parts.join(" ")
}

/// Reads back [`join_ids`]; anything that is not an id is skipped.
pub(crate) fn split_ids(text: &str) -> Vec<MessageId> {
    text.split_whitespace().filter_map(MessageId::new).collect()
}

/// Addresses kept in one TEXT column, one per line (an address never holds
/// whitespace, so the split is exact).
pub(crate) fn join_addresses(addresses: &[EmailAddress]) -> String {
    let parts: Vec<&str> = addresses.iter().map(EmailAddress::as_str).collect();
    parts.join("\n")
}

pub(crate) fn split_addresses(text: &str) -> FromSqlResult<Vec<EmailAddress>> {
    text.split_whitespace()
        .map(|a| {
            EmailAddress::parse(a).ok_or_else(|| {
                other(BadText {
                    kind: "email address",
                    value: a.to_string(),
                })
            })
        })
        .collect()
}
