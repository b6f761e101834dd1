//! How domain values become SQLite values and back: enums as their stable
//! spelling (matching the schema's CHECK constraints), ids as integers,
//! decimals as exact TEXT, timestamps as RFC 3339 UTC text with a fixed
//! number of digits so that text order is time order.

use std::str::FromStr;

use chrono::{DateTime, NaiveDate, SecondsFormat, Utc};
use rusqlite::ToSql;
use rusqlite::types::{FromSql, FromSqlError, FromSqlResult, ToSqlOutput, ValueRef};
use rust_decimal::Decimal;

use crate::domain::{
    CalendarKind, CaseState, ClientId, Currency, EmailAddress, EventId, Grouping, InvoiceId,
    InvoiceNumber, InvoiceStatus, Language, MessageId, MessageRowId, Mode, OutboxId, ReplyClass,
    StepAction, StepNo, UnknownName,
};
use crate::engine::AlertKind;

fn other(e: impl std::error::Error + Send + Sync + 'static) -> FromSqlError {
    FromSqlError::Other(Box::new(e))
}

/// Stores a type as its `as_str` spelling and reads it back with `FromStr`.
macro_rules! sql_as_text {
    ($($t:ty),+ $(,)?) => {$(
        impl ToSql for $t {
            fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
                Ok(ToSqlOutput::from(self.as_str()))
            }
        }
        impl FromSql for $t {
            fn column_result(value: ValueRef<'_>) -> FromSqlResult<Self> {
                value.as_str()?.parse().map_err(other)
            }
        }
    )+};
}

sql_as_text!(
    Language,
    StepAction,
    ReplyClass,
    CaseState,
    Mode,
    CalendarKind,
    Grouping,
    InvoiceStatus,
);

/// Declares a closed enum that only the store defines, with its spelling.
macro_rules! store_enum {
    ($(#[$meta:meta])* pub enum $name:ident { $($(#[$vmeta:meta])* $variant:ident => $text:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name { $($(#[$vmeta])* $variant),+ }

        impl $name {
            /// Every value, in declaration order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The spelling stored in the database.
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl FromStr for $name {
            type Err = UnknownName;
            fn from_str(s: &str) -> Result<Self, UnknownName> {
                match s {
                    $($text => Ok($name::$variant),)+
                    _ => Err(UnknownName {
                        kind: stringify!($name),
                        value: s.to_string(),
                        expected: &[$($text),+],
                    }),
                }
            }
        }

        sql_as_text!($name);
    };
}

store_enum! {
    /// Where a client's address was learnt.
    pub enum ContactSource {
        /// A recipient of an invoice email.
        Invoice => "invoice",
        /// The per-client configuration (billing contact).
        Config => "config",
        Cli => "cli",
        Csv => "csv",
    }
}

store_enum! {
    /// Where an invoice was found (SPEC §2).
    pub enum InvoiceSource {
        SentFolder => "sent-folder",
        FacturX => "factur-x",
        InboxBcc => "inbox-bcc",
        Cli => "cli",
        Csv => "csv",
    }
}

store_enum! {
    /// Whether a message was received or sent by the user.
    pub enum Direction { In => "in", Out => "out" }
}

store_enum! {
    /// What an outbox entry is.
    pub enum OutboxKind {
        /// A ladder step that goes to the client (email, formal notice).
        Step => "step",
        /// A ladder step handed to the user: the call task.
        Task => "task",
        Alert => "alert",
        /// The end-of-sequence notice to the user.
        End => "end",
        /// "What goes out tomorrow", to the user.
        Forewarning => "forewarning",
        /// The weekly digest, to the user.
        Digest => "digest",
    }
}

store_enum! {
    /// Where an outbox entry stands. Intent before effect: `sending` is
    /// written before SMTP is called, `sent` after it accepted the message.
    pub enum OutboxState {
        Planned => "planned",
        Sending => "sending",
        Sent => "sent",
        /// Sent and stored in the user's Sent folder.
        Appended => "appended",
        Failed => "failed",
        Cancelled => "cancelled",
    }
}

store_enum! {
    /// Who took a decision recorded in the audit log.
    pub enum Actor {
        /// The engine, on its own schedule.
        Daemon => "daemon",
        /// The user, by a command or a reply to an alert.
        User => "user",
        /// A message from the client (a reply that paused or moved the ladder).
        Client => "client",
    }
}

store_enum! {
    /// The variant of `engine::EventKind`, as stored.
    pub enum EventTag {
        Reply => "reply",
        ManualContact => "manual-contact",
        UserPromise => "user-promise",
        UserConfirmPaid => "user-confirm-paid",
        UserRejectPaid => "user-reject-paid",
        UserPause => "user-pause",
        UserResume => "user-resume",
        UserConfirmNotice => "user-confirm-notice",
        UserStop => "user-stop",
    }
}

/// The engine's alert kinds, spelled as their serde names (kebab-case).
/// A free function so the engine stays free to add its own `as_str`.
pub(crate) fn alert_name(kind: AlertKind) -> &'static str {
    match kind {
        AlertKind::Bounce => "bounce",
        AlertKind::Dispute => "dispute",
        AlertKind::Question => "question",
        AlertKind::UnknownReply => "unknown-reply",
        AlertKind::ConfirmPaid => "confirm-paid",
        AlertKind::NoticeReady => "notice-ready",
        AlertKind::Limitation => "limitation",
    }
}

/// Every alert kind; [`alert_name`]'s exhaustive match flags a new one.
pub(crate) const ALERT_KINDS: &[AlertKind] = &[
    AlertKind::Bounce,
    AlertKind::Dispute,
    AlertKind::Question,
    AlertKind::UnknownReply,
    AlertKind::ConfirmPaid,
    AlertKind::NoticeReady,
    AlertKind::Limitation,
];

impl ToSql for AlertKind {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        Ok(ToSqlOutput::from(alert_name(*self)))
    }
}

impl FromSql for AlertKind {
    fn column_result(value: ValueRef<'_>) -> FromSqlResult<Self> {
        parse_text(value, "alert kind", |s| {
            ALERT_KINDS.iter().copied().find(|k| alert_name(*k) == s)
        })
    }
}

macro_rules! sql_as_id {
    ($($t:ident),+) => {$(
        impl ToSql for $t {
            fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
                Ok(ToSqlOutput::from(self.0))
            }
        }
        impl FromSql for $t {
            fn column_result(value: ValueRef<'_>) -> FromSqlResult<Self> {
                value.as_i64().map($t)
            }
        }
    )+};
}

sql_as_id!(ClientId, InvoiceId, MessageRowId, OutboxId, EventId);

/// Text that fails to parse as a value of a domain type.
#[derive(Debug, thiserror::Error)]
#[error("invalid {kind} '{value}'")]
pub(crate) struct BadText {
    kind: &'static str,
    value: String,
}

fn parse_text<T>(
    value: ValueRef<'_>,
    kind: &'static str,
    parse: impl FnOnce(&str) -> Option<T>,
) -> FromSqlResult<T> {
    let s = value.as_str()?;
    parse(s).ok_or_else(|| {
        other(BadText {
            kind,
            value: s.to_string(),
        })
    })
}

impl ToSql for EmailAddress {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        Ok(ToSqlOutput::from(self.as_str()))
    }
}

impl FromSql for EmailAddress {
    fn column_result(value: ValueRef<'_>) -> FromSqlResult<Self> {
        parse_text(value, "email address", EmailAddress::parse)
    }
}

impl ToSql for MessageId {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        Ok(ToSqlOutput::from(self.as_str()))
    }
}

impl FromSql for MessageId {
    fn column_result(value: ValueRef<'_>) -> FromSqlResult<Self> {
        parse_text(value, "Message-ID", MessageId::new)
    }
}

impl ToSql for InvoiceNumber {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        Ok(ToSqlOutput::from(self.0.as_str()))
    }
}

impl FromSql for InvoiceNumber {
    fn column_result(value: ValueRef<'_>) -> FromSqlResult<Self> {
        value.as_str().map(|s| InvoiceNumber(s.to_string()))
    }
}

impl ToSql for Currency {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        Ok(ToSqlOutput::from(self.code()))
    }
}

impl FromSql for Currency {
    fn column_result(value: ValueRef<'_>) -> FromSqlResult<Self> {
        parse_text(value, "currency", Currency::parse)
    }
}

impl ToSql for StepNo {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        Ok(ToSqlOutput::from(i64::from(self.0)))
    }
}

impl FromSql for StepNo {
    fn column_result(value: ValueRef<'_>) -> FromSqlResult<Self> {
        u8::column_result(value).map(StepNo)
    }
}

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

#[cfg(test)]
mod tests;
