//! The file as written, second half: invoice detection, the ladder,
//! penalties, templates, per-client overrides and logging.

use std::path::PathBuf;

use serde::Deserialize;

use super::raw::{RawAddress, S};

/// A number written as a TOML integer, float or string ("30", "30 EUR");
/// kept as a TOML value so a wrong type gets a precise message.
pub(crate) type RawNumber = toml::Value;

/// A date written as a string ("2026-01-01") or a bare TOML date.
pub(crate) type RawDate = toml::Value;

/// `[detect]`: which sent messages are invoices.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub(crate) struct RawDetect {
    /// Look for invoices in the Sent folder. Default `true`.
    pub scan_sent: Option<bool>,
    /// Read Factur-X / ZUGFeRD XML embedded in PDF attachments. Default `true`.
    pub factur_x: Option<bool>,
    /// Senders whose mail in INBOX is an invoice BCC'd by an invoicing tool.
    #[serde(default)]
    pub invoice_senders: Vec<S<String>>,
    /// Days from issue to due date when the invoice states none. Default 30.
    pub payment_terms_days: Option<u32>,
    /// Currency of amounts written without one. Default `EUR`.
    pub default_currency: Option<S<String>>,
    /// Regex: a sent mail whose subject matches is an invoice candidate.
    pub subject: Option<S<String>>,
    /// Regex: a sent mail whose body matches is an invoice candidate.
    pub body: Option<S<String>>,
    /// Regex: a sent mail with a matching attachment name is a candidate.
    pub attachment_name: Option<S<String>>,
    /// Regex whose first group captures the invoice number.
    pub number: Option<S<String>>,
    /// Regex whose first group captures the amount due.
    pub amount: Option<S<String>>,
    /// Regex whose first group captures the currency (code or symbol).
    pub currency: Option<S<String>>,
    /// Regex whose first group captures the issue date.
    pub issue_date: Option<S<String>>,
    /// Regex whose first group captures the due date.
    pub due_date: Option<S<String>>,
}

/// `[sequence]`: the ladder and when messages may leave.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub(crate) struct RawSequence {
    /// `send`, `draft` or `dry-run`. Default `send`.
    pub mode: Option<S<String>>,
    /// `fr`, `fr-alsace-moselle`, `uk` or `weekends`. Default `fr`.
    pub calendar: Option<S<String>>,
    /// `{ days = "mon-fri", from = "09:00", to = "17:30" }`.
    pub window: Option<S<RawWindow>>,
    /// `per-client` or `per-invoice`. Default `per-client`.
    pub grouping: Option<S<String>>,
    /// The ladder, one `[[sequence.step]]` each; replaces the default ladder.
    pub step: Option<S<Vec<RawStep>>>,
    /// Least time between two messages to one client. Default "3 business days".
    pub min_gap: Option<S<String>>,
    /// Postponement after the user writes in a thread. Default "5 business days".
    pub manual_contact_delay: Option<S<String>>,
    /// Added to a promised date. Default "2 business days".
    pub promise_grace: Option<S<String>>,
    /// Out-of-office reply without a return date. Default "7 days".
    pub ooo_default_delay: Option<S<String>>,
    /// How long "we paid" pauses before resuming unless confirmed.
    /// Default "5 business days".
    pub paid_confirmation_delay: Option<S<String>>,
    /// Payment deadline stated in the formal notice. Default "15 days".
    pub notice_deadline: Option<S<String>>,
    /// Warn this long before an invoice's limitation period ends. Default "90 days".
    pub limitation_warning: Option<S<String>>,
    /// Balances below this are not chased ("30", "30 EUR"). Default 0.
    pub minimum_amount: Option<S<RawNumber>>,
    /// At most this many messages per hour. Default 20.
    pub rate_limit: Option<S<u32>>,
    /// Put the reminder marker in the subject instead of the first line.
    pub marked_subjects: Option<bool>,
    /// Email the user the day before automatic sends. Default `true`.
    pub forewarning: Option<bool>,
    /// Local time of the forewarning. Default "17:00".
    pub forewarning_at: Option<S<String>>,
    /// Send the weekly digest. Default `true`.
    pub digest: Option<bool>,
    /// Weekday of the digest (`mon` … `sun`). Default `mon`.
    pub digest_day: Option<S<String>>,
    /// Local time of the digest. Default "08:00".
    pub digest_at: Option<S<String>>,
    /// The formal notice waits for the user's confirmation. Default `true`.
    pub notice_requires_confirmation: Option<bool>,
    /// Also email the formal notice in the thread. Default `false`.
    pub email_notice: Option<bool>,
}

/// The sending window.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub(crate) struct RawWindow {
    /// Weekdays: "mon-fri", "mon,wed,fri". Default "mon-fri".
    pub days: Option<S<String>>,
    /// Local opening time "HH:MM". Default "09:00".
    pub from: Option<S<String>>,
    /// Local closing time "HH:MM". Default "17:30".
    pub to: Option<S<String>>,
    /// Skip public holidays of the calendar. Default `true`.
    pub skip_holidays: Option<bool>,
}

/// One `[[sequence.step]]` or `[[client.step]]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub(crate) struct RawStep {
    /// `email`, `call-task` or `notice`.
    pub action: S<String>,
    /// From the due date: "N business days" or "N days".
    pub delay: S<String>,
    /// Template name; default: the default ladder's template for the same
    /// action and rank (emails step1, step2, step4; call-task step3; notice step5).
    pub template: Option<S<String>>,
}

/// `[penalties]`: late-payment law stated in reminders.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub(crate) struct RawPenalties {
    /// `fr-b2b`, `uk-b2b` or `none`. Default `fr-b2b`.
    pub regime: Option<S<String>>,
    /// Annual rate in percent from the user's terms; replaces reference + margin.
    pub contractual_rate: Option<S<RawNumber>>,
    /// Points added to the reference rate. Default 10 (fr-b2b), 8 (uk-b2b).
    pub margin: Option<S<RawNumber>>,
    /// Fixed recovery indemnity per invoice ("40 EUR"). Default: the law's.
    pub fixed_indemnity: Option<S<RawNumber>>,
    /// Reference rates by date, `[[penalties.rate]]`.
    #[serde(default)]
    pub rate: Vec<RawRate>,
}

/// One dated reference rate.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub(crate) struct RawRate {
    /// `YYYY-MM-DD` from which the rate applies.
    pub from: S<RawDate>,
    /// Annual rate in percent ("2.15").
    pub rate: S<RawNumber>,
}

/// `[templates]`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub(crate) struct RawTemplates {
    /// Directory of the user's templates, searched before the built-in ones.
    pub dir: Option<PathBuf>,
}

/// One `[[client]]`: overrides for one client.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub(crate) struct RawClient {
    /// The client's name in messages.
    pub name: Option<String>,
    /// Addresses that belong to this client.
    #[serde(default)]
    pub emails: Vec<S<String>>,
    /// Domains whose every address belongs to this client.
    #[serde(default)]
    pub domains: Vec<S<String>>,
    /// Person greeted in messages ("Mme Martin").
    pub contact_name: Option<String>,
    /// Billing address added to the contacts (tried after a bounce).
    pub billing_contact: Option<S<String>>,
    /// Phone number for call tasks.
    pub phone: Option<String>,
    /// Postal address for the formal notice.
    pub address: Option<RawAddress>,
    /// Never chase this client.
    pub exclude: Option<bool>,
    /// `fr` or `en` for this client's messages.
    pub language: Option<S<String>>,
    /// `per-client` or `per-invoice` for this client.
    pub grouping: Option<S<String>>,
    /// Minimum balance chased for this client.
    pub minimum_amount: Option<S<RawNumber>>,
    /// This client's own ladder, `[[client.step]]`.
    pub step: Option<S<Vec<RawStep>>>,
    /// The formal notice is confirmed in advance for this client.
    pub notice_confirmed: Option<bool>,
}

/// `[logging]`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub(crate) struct RawLogging {
    /// A tracing filter: "info", "relance=debug,info". Default "info".
    pub level: Option<S<String>>,
    /// `text` or `json`. Default `text`.
    pub format: Option<S<String>>,
}
