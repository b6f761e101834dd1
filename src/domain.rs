//! Types shared by every module: ids, money, languages, steps, reply classes
//! and case states.
//!
//! Everything here is plain data with no IO. Enums that the store persists
//! carry a stable lowercase spelling (`as_str` / `FromStr`) so the database,
//! the JSON contract of SPEC §8 and the configuration all agree on one name.

use std::fmt;

use rust_decimal::{Decimal, RoundingStrategy};
use serde::{Deserialize, Serialize};

/// Declares a closed enum with a stable text spelling used in the database,
/// the JSON output and the configuration.
macro_rules! spelled_enum {
    ($(#[$meta:meta])* pub enum $name:ident { $($(#[$vmeta:meta])* $variant:ident => $text:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name { $($(#[$vmeta])* $variant),+ }

        impl $name {
            /// Every value, in declaration order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The stable spelling used in the database, JSON and TOML.
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl ::std::str::FromStr for $name {
            type Err = $crate::domain::UnknownName;
            fn from_str(s: &str) -> ::std::result::Result<Self, $crate::domain::UnknownName> {
                match s {
                    $($text => Ok($name::$variant),)+
                    _ => Err($crate::domain::UnknownName {
                        kind: stringify!($name),
                        value: ::std::string::ToString::to_string(s),
                        expected: &[$($text),+],
                    }),
                }
            }
        }

        impl ::serde::Serialize for $name {
            fn serialize<S: ::serde::Serializer>(&self, s: S) -> ::std::result::Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }

        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<D: ::serde::Deserializer<'de>>(d: D) -> ::std::result::Result<Self, D::Error> {
                let s = <String as ::serde::Deserialize>::deserialize(d)?;
                s.parse().map_err(<D::Error as ::serde::de::Error>::custom)
            }
        }
    };
}

pub(crate) use spelled_enum;

/// A spelling that names no value of a closed enum.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown {kind} '{value}', expected one of: {}", expected.join(", "))]
pub struct UnknownName {
    pub kind: &'static str,
    pub value: String,
    pub expected: &'static [&'static str],
}

macro_rules! id_newtype {
    ($(#[$meta:meta])* $name:ident) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub i64);

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }
    };
}

id_newtype!(
    /// Row id of a client in the store.
    ClientId
);
id_newtype!(
    /// Row id of an invoice in the store.
    InvoiceId
);
id_newtype!(
    /// Row id of a message seen in the mailbox.
    MessageRowId
);
id_newtype!(
    /// Row id of an outbox entry.
    OutboxId
);
id_newtype!(
    /// Row id of an event (a classified reply, a manual contact, a user
    /// command) that the engine folds into a case.
    EventId
);

/// The invoice number as the user wrote it ("F-2026-0042").
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct InvoiceNumber(pub String);

impl fmt::Display for InvoiceNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// An RFC 5322 Message-ID without its angle brackets.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct MessageId(String);

impl MessageId {
    /// Accepts `<id@host>` or `id@host`; surrounding whitespace and brackets
    /// are dropped so ids compare equal however a header wrote them.
    pub fn new(raw: &str) -> Option<MessageId> {
        let id = raw
            .trim()
            .trim_start_matches('<')
            .trim_end_matches('>')
            .trim();
        if id.is_empty() || id.contains(char::is_whitespace) {
            None
        } else {
            Some(MessageId(id.to_string()))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The id as it appears in a header: `<id@host>`.
    pub fn bracketed(&self) -> String {
        format!("<{}>", self.0)
    }
}

impl fmt::Display for MessageId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// An email address, lowercased for comparison (the local part is
/// case-sensitive in theory, never in practice for billing mailboxes).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct EmailAddress(String);

impl EmailAddress {
    pub fn parse(raw: &str) -> Option<EmailAddress> {
        let addr = raw
            .trim()
            .trim_start_matches('<')
            .trim_end_matches('>')
            .trim();
        let (local, domain) = addr.rsplit_once('@')?;
        let valid = !local.is_empty()
            && !domain.is_empty()
            && domain.contains('.')
            && !domain.starts_with('.')
            && !domain.ends_with('.')
            && !addr
                .chars()
                .any(|c| c.is_whitespace() || c.is_control() || c == ',');
        valid.then(|| EmailAddress(addr.to_lowercase()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The part after the `@`.
    pub fn domain(&self) -> &str {
        self.0.rsplit_once('@').map_or("", |(_, d)| d)
    }
}

impl fmt::Display for EmailAddress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<String> for EmailAddress {
    type Error = String;
    fn try_from(s: String) -> Result<Self, String> {
        EmailAddress::parse(&s).ok_or_else(|| format!("invalid email address '{s}'"))
    }
}

impl From<EmailAddress> for String {
    fn from(a: EmailAddress) -> String {
        a.0
    }
}

spelled_enum! {
    /// The language of templates, formatting and reading.
    pub enum Language { Fr => "fr", En => "en" }
}

/// An ISO 4217 currency code, stored as three uppercase ASCII letters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Currency([u8; 3]);

impl Currency {
    pub const EUR: Currency = Currency(*b"EUR");
    pub const GBP: Currency = Currency(*b"GBP");
    pub const USD: Currency = Currency(*b"USD");
    pub const CHF: Currency = Currency(*b"CHF");

    /// Accepts a code (`eur`, `EUR`) or a common symbol (`€`, `£`, `$`).
    pub fn parse(raw: &str) -> Option<Currency> {
        let raw = raw.trim();
        match raw {
            "€" => return Some(Currency::EUR),
            "£" => return Some(Currency::GBP),
            "$" | "US$" => return Some(Currency::USD),
            _ => {}
        }
        let bytes = raw.as_bytes();
        if bytes.len() == 3 && bytes.iter().all(u8::is_ascii_alphabetic) {
            Some(Currency([
                bytes[0].to_ascii_uppercase(),
                bytes[1].to_ascii_uppercase(),
                bytes[2].to_ascii_uppercase(),
            ]))
        } else {
            None
        }
    }

    pub fn code(&self) -> &str {
        // The bytes are checked ASCII letters on construction.
        std::str::from_utf8(&self.0).unwrap_or("XXX")
    }

    /// The symbol used in formatted amounts, or the code when there is none.
    pub fn symbol(&self) -> &str {
        match &self.0 {
            b"EUR" => "€",
            b"GBP" => "£",
            b"USD" => "$",
            _ => self.code(),
        }
    }
}

impl fmt::Display for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl Serialize for Currency {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.code())
    }
}

impl<'de> Deserialize<'de> for Currency {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Currency::parse(&s)
            .ok_or_else(|| serde::de::Error::custom(format!("invalid currency '{s}'")))
    }
}

/// A decimal amount in a currency. Never a float.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Money {
    pub amount: Decimal,
    pub currency: Currency,
}

/// U+202F NARROW NO-BREAK SPACE: the French thousands separator.
const NNBSP: char = '\u{202f}';
/// U+00A0 NO-BREAK SPACE: between a French amount and its currency sign.
const NBSP: char = '\u{a0}';

impl Money {
    pub fn new(amount: Decimal, currency: Currency) -> Money {
        Money { amount, currency }
    }

    pub fn zero(currency: Currency) -> Money {
        Money::new(Decimal::ZERO, currency)
    }

    /// Formats for humans in `lang`, rounded half away from zero to cents:
    /// French `1 250,00 €` (narrow no-break space between thousands, no-break
    /// space before the sign), English `€1,250.00`.
    pub fn format(&self, lang: Language) -> String {
        let rounded = self
            .amount
            .round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero);
        let negative = rounded.is_sign_negative() && !rounded.is_zero();
        let text = format!("{:.2}", rounded.abs());
        let (int, frac) = text.split_once('.').unwrap_or((&text, "00"));
        let sign = if negative { "-" } else { "" };
        match lang {
            Language::Fr => {
                let int = group_thousands(int, NNBSP);
                format!("{sign}{int},{frac}{NBSP}{}", self.currency.symbol())
            }
            Language::En => {
                let int = group_thousands(int, ',');
                let symbol = self.currency.symbol();
                if symbol.chars().count() == 1 {
                    format!("{sign}{symbol}{int}.{frac}")
                } else {
                    format!("{sign}{symbol} {int}.{frac}")
                }
            }
        }
    }
}

fn group_thousands(digits: &str, sep: char) -> String {
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(sep);
        }
        out.push(c);
    }
    out
}

/// Position in the reminder ladder: 1-based; 0 means no step done yet.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default, Serialize, Deserialize,
)]
#[serde(transparent)]
pub struct StepNo(pub u8);

impl StepNo {
    pub const NONE: StepNo = StepNo(0);

    pub fn next(self) -> StepNo {
        StepNo(self.0.saturating_add(1))
    }
}

impl fmt::Display for StepNo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

spelled_enum! {
    /// What a ladder step does.
    pub enum StepAction {
        /// A reminder email in the invoice's thread.
        Email => "email",
        /// A phone-call task sent to the user; the daemon never phones.
        CallTask => "call-task",
        /// The formal notice ("mise en demeure"), only after the user confirms it.
        Notice => "notice",
    }
}

spelled_enum! {
    /// The eight classes of a reply (SPEC §4, READING.md).
    pub enum ReplyClass {
        Paid => "paid",
        Promise => "promise",
        Partial => "partial",
        Ooo => "ooo",
        Bounce => "bounce",
        Dispute => "dispute",
        Question => "question",
        Other => "other",
    }
}

spelled_enum! {
    /// Where the reminder sequence of an invoice (or client) stands.
    pub enum CaseState {
        /// Not overdue yet, or overdue and waiting for its next step.
        Scheduled => "scheduled",
        /// Paused by the user or by a reply that needs a human (dispute,
        /// question, unknown reply, bounce without another contact).
        Paused => "paused",
        /// Waiting for a promised date plus grace.
        Promised => "promised",
        /// The client says it paid; waiting for the user to confirm receipt.
        PaidUnconfirmed => "paid-unconfirmed",
        /// Every step is done; the user has been told the options left.
        Ended => "ended",
        /// Paid (confirmed) or cancelled: nothing more to do.
        Closed => "closed",
        /// Not chased: client excluded, below the minimum, or before `since`.
        Excluded => "excluded",
    }
}

spelled_enum! {
    /// How the daemon delivers what it decided to send.
    pub enum Mode { Send => "send", Draft => "draft", DryRun => "dry-run" }
}

spelled_enum! {
    /// Which public holidays count as non-business days.
    pub enum CalendarKind {
        Fr => "fr",
        FrAlsaceMoselle => "fr-alsace-moselle",
        Uk => "uk",
        Weekends => "weekends",
    }
}

spelled_enum! {
    /// Whether one reminder covers all of a client's overdue invoices.
    pub enum Grouping { PerClient => "per-client", PerInvoice => "per-invoice" }
}

spelled_enum! {
    /// Ledger status of one invoice, independent of the reminder sequence.
    pub enum InvoiceStatus {
        Open => "open",
        Paid => "paid",
        /// Cancelled or credited (an "avoir" cancels it).
        Cancelled => "cancelled",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    #[test]
    fn french_money_uses_narrow_spaces_and_comma() {
        let m = Money::new(dec!(1250), Currency::EUR);
        assert_eq!(m.format(Language::Fr), "1\u{202f}250,00\u{a0}€");
        let m = Money::new(dec!(1234567.891), Currency::EUR);
        assert_eq!(m.format(Language::Fr), "1\u{202f}234\u{202f}567,89\u{a0}€");
        let m = Money::new(dec!(40), Currency::EUR);
        assert_eq!(m.format(Language::Fr), "40,00\u{a0}€");
    }

    #[test]
    fn english_money_puts_symbol_first() {
        let m = Money::new(dec!(1250), Currency::EUR);
        assert_eq!(m.format(Language::En), "€1,250.00");
        let m = Money::new(dec!(999.995), Currency::GBP);
        assert_eq!(m.format(Language::En), "£1,000.00");
        let m = Money::new(dec!(12), Currency::CHF);
        assert_eq!(m.format(Language::En), "CHF 12.00");
        let m = Money::new(dec!(-5.5), Currency::USD);
        assert_eq!(m.format(Language::En), "-$5.50");
    }

    #[test]
    fn thousands_grouping_edges() {
        for (digits, want) in [
            ("0", "0"),
            ("999", "999"),
            ("1000", "1,000"),
            ("100000", "100,000"),
            ("1000000", "1,000,000"),
        ] {
            assert_eq!(group_thousands(digits, ','), want);
        }
    }

    #[test]
    fn currency_parses_codes_and_symbols() {
        assert_eq!(Currency::parse("eur"), Some(Currency::EUR));
        assert_eq!(Currency::parse("€"), Some(Currency::EUR));
        assert_eq!(Currency::parse("£"), Some(Currency::GBP));
        assert_eq!(Currency::parse("EURO"), None);
        assert_eq!(Currency::parse("E1R"), None);
    }

    #[test]
    fn message_ids_compare_without_brackets() {
        assert_eq!(MessageId::new(" <a@b.fr> "), MessageId::new("a@b.fr"));
        assert_eq!(MessageId::new("<>"), None);
        assert_eq!(MessageId::new("a b@c"), None);
        assert_eq!(
            MessageId::new("x@y").map(|m| m.bracketed()),
            Some("<x@y>".into())
        );
    }

    #[test]
    fn email_addresses_are_lowercased_and_checked() {
        let a = EmailAddress::parse("<Compta@Client-A.FR>").expect("valid");
        assert_eq!(a.as_str(), "compta@client-a.fr");
        assert_eq!(a.domain(), "client-a.fr");
        for bad in ["", "nobody", "@x.fr", "a@", "a@b", "a b@c.fr", "a@.fr"] {
            assert_eq!(EmailAddress::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn spelled_enums_round_trip() {
        for c in ReplyClass::ALL {
            assert_eq!(c.as_str().parse::<ReplyClass>(), Ok(*c));
        }
        for s in CaseState::ALL {
            assert_eq!(s.as_str().parse::<CaseState>(), Ok(*s));
        }
        let err = "emial".parse::<StepAction>().unwrap_err();
        assert_eq!(
            err.to_string(),
            "unknown StepAction 'emial', expected one of: email, call-task, notice"
        );
    }
}
