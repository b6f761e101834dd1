//! The validated configuration: typed values only, no raw strings for
//! durations, addresses, money, steps or enums. Built by `validate`.

use std::path::PathBuf;
use std::time::Duration;

use chrono::{NaiveDate, NaiveTime, Weekday};
use chrono_tz::Tz;
use regex::Regex;
use rust_decimal::Decimal;

use super::secrets::Secret;
use crate::calendar::SendingWindow;
use crate::domain::{CalendarKind, Currency, EmailAddress, Grouping, Language, Mode, Money};
use crate::engine::{Delay, StepRule};

/// The sender's identity (`[company]`).
#[derive(Debug, Clone)]
pub struct Company {
    pub name: String,
    pub email: EmailAddress,
    pub sender_name: String,
    pub language: Language,
    pub time_zone: Tz,
    pub legal_name: Option<String>,
    pub address: Option<PostalAddress>,
    pub siren: Option<String>,
    pub siret: Option<String>,
    pub vat_number: Option<String>,
    pub phone: Option<String>,
    pub signature: Option<String>,
    /// Town written on letters; the address's city unless set.
    pub place: Option<String>,
    /// Right-hand side of generated Message-IDs.
    pub domain: String,
}

/// A postal address.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PostalAddress {
    pub street: Vec<String>,
    pub postcode: String,
    pub city: String,
    pub country: Option<String>,
}

/// `[state]`.
#[derive(Debug, Clone)]
pub struct State {
    pub database: PathBuf,
    /// `None`: the store records the first run's date and uses it.
    pub since: Option<NaiveDate>,
}

/// How a connection is secured.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tls {
    Implicit,
    StartTls,
    /// Plain text; only accepted for loopback hosts.
    None,
}

/// How the daemon logs in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Auth {
    /// LOGIN / AUTH PLAIN with a password.
    Password(Secret),
    /// XOAUTH2 with a token printed by a command.
    XOAuth2(Secret),
}

impl Auth {
    /// The secret, whichever the mechanism.
    pub fn secret(&self) -> &Secret {
        match self {
            Auth::Password(s) | Auth::XOAuth2(s) => s,
        }
    }
}

/// Host, port, TLS and credentials of one server.
#[derive(Debug, Clone)]
pub struct Server {
    pub host: String,
    pub port: u16,
    pub tls: Tls,
    pub username: String,
    pub auth: Auth,
    pub ca_file: Option<PathBuf>,
}

/// `[imap]`.
#[derive(Debug, Clone)]
pub struct Imap {
    pub server: Server,
    pub folders: Folders,
    pub idle: bool,
    pub poll_interval: Duration,
}

/// Folder names; `None` means "find by SPECIAL-USE attribute".
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Folders {
    pub inbox: String,
    pub sent: Option<String>,
    pub drafts: Option<String>,
}

/// Whether sent reminders are copied to the Sent folder.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SaveToSent {
    /// Only when the provider did not file a copy already.
    Auto,
    Always,
    Never,
}

/// `[smtp]`.
#[derive(Debug, Clone)]
pub struct Smtp {
    pub server: Server,
    pub save_to_sent: SaveToSent,
}

/// `[detect]`.
#[derive(Debug, Clone)]
pub struct Detect {
    pub scan_sent: bool,
    pub factur_x: bool,
    /// Mail from these in INBOX is an invoice BCC'd by an invoicing tool.
    pub invoice_senders: Vec<EmailAddress>,
    pub payment_terms_days: u32,
    pub default_currency: Currency,
    pub rules: DetectRules,
}

/// User regexes; `None` leaves detect's built-in French/English default.
/// Value regexes have at least one group; the first one holds the value.
#[derive(Debug, Clone, Default)]
pub struct DetectRules {
    pub subject: Option<Regex>,
    pub body: Option<Regex>,
    pub attachment_name: Option<Regex>,
    pub number: Option<Regex>,
    pub amount: Option<Regex>,
    pub currency: Option<Regex>,
    pub issue_date: Option<Regex>,
    pub due_date: Option<Regex>,
}

/// The weekly digest's slot.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Digest {
    pub day: Weekday,
    pub at: NaiveTime,
}

/// `[sequence]`.
#[derive(Debug, Clone)]
pub struct Sequence {
    pub mode: Mode,
    pub calendar: CalendarKind,
    pub window: SendingWindow,
    pub grouping: Grouping,
    pub ladder: Vec<StepRule>,
    pub min_gap: Delay,
    pub manual_contact_delay: Delay,
    pub promise_grace: Delay,
    pub ooo_default_delay: Delay,
    pub paid_confirmation_delay: Delay,
    pub notice_deadline: Delay,
    pub limitation_warning: Delay,
    pub minimum_amount: Money,
    /// Messages per hour.
    pub rate_limit: u32,
    pub marked_subjects: bool,
    /// Local time of the forewarning; `None` when off.
    pub forewarning: Option<NaiveTime>,
    /// `None` when off.
    pub digest: Option<Digest>,
    pub notice_requires_confirmation: bool,
    pub email_notice: bool,
}

/// Which late-payment law is stated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PenaltyRegime {
    /// Code de commerce L441-10: ECB rate + 10 points, 40 EUR indemnity.
    FrB2b,
    /// Late Payment of Commercial Debts Act: BoE base + 8, £40/£70/£100.
    UkB2b,
    None,
}

/// The fixed recovery indemnity per invoice.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Indemnity {
    Flat(Money),
    /// £40 under £1,000, £70 under £10,000, £100 above.
    UkTiered,
    None,
}

/// A reference rate in force from a date (percent per year).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DatedRate {
    pub from: NaiveDate,
    pub rate: Decimal,
}

/// `[penalties]`.
#[derive(Debug, Clone)]
pub struct Penalties {
    pub regime: PenaltyRegime,
    pub contractual_rate: Option<Decimal>,
    pub margin: Decimal,
    pub indemnity: Indemnity,
    /// Sorted by date, no duplicates.
    pub rates: Vec<DatedRate>,
}

impl Penalties {
    /// The reference rate in force on `day`, if the table covers it.
    pub fn reference_rate_on(&self, day: NaiveDate) -> Option<Decimal> {
        self.rates
            .iter()
            .take_while(|r| r.from <= day)
            .last()
            .map(|r| r.rate)
    }
}

/// One `[[client]]`.
#[derive(Debug, Clone)]
pub struct ClientConfig {
    pub name: Option<String>,
    pub emails: Vec<EmailAddress>,
    /// Lowercase, without `@`.
    pub domains: Vec<String>,
    pub contact_name: Option<String>,
    pub billing_contact: Option<EmailAddress>,
    pub phone: Option<String>,
    pub address: Option<PostalAddress>,
    pub exclude: bool,
    pub language: Option<Language>,
    pub grouping: Option<Grouping>,
    pub minimum_amount: Option<Money>,
    pub ladder: Option<Vec<StepRule>>,
    pub notice_confirmed: bool,
}

/// Log output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogFormat {
    Text,
    Json,
}

/// `[logging]`.
#[derive(Debug, Clone)]
pub struct Logging {
    /// A `tracing_subscriber::EnvFilter` directive, already checked.
    pub level: String,
    pub format: LogFormat,
}
