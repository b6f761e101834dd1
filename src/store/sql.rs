//! How domain values become SQLite values and back: enums as their stable
//! spelling (matching the schema's CHECK constraints), ids as integers,
//! addresses and Message-IDs as checked text; the store's own enums are
//! declared here. Text-encoded values (instants, dates, decimals) are in
//! [`values`].

use rusqlite::ToSql;
use rusqlite::types::{FromSql, FromSqlError, FromSqlResult, ToSqlOutput, ValueRef};

use crate::domain::{
    CalendarKind, CaseState, ClientId, Currency, EmailAddress, EventId, Grouping, InvoiceId,
    InvoiceNumber, InvoiceStatus, Language, MessageId, MessageRowId, Mode, OutboxId, ReplyClass,
    StepAction, StepNo,
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
    AlertKind,
);

/// Declares a closed enum that only the store defines: the domain's
/// spelled enum, stored as its spelling.
macro_rules! store_enum {
    ($(#[$meta:meta])* pub enum $name:ident { $($body:tt)* }) => {
        crate::domain::spelled_enum! { $(#[$meta])* pub enum $name { $($body)* } }
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

mod values;

pub(crate) use values::{Day, Dec, Stamp, join_addresses, join_ids, split_addresses, split_ids};

#[cfg(test)]
mod tests;
