//! Reply understanding: what a client's reply says — class, date, amount and
//! the evidence span — from the raw message bytes. Pure: no IO, no clock;
//! "today" is the local date of the reply's own `Date:` header. Never fails:
//! an unreadable message is `other`. Semantics: READING.md.
//!
//! Parts: [`text`] extracts, [`quote`] isolates the new text, [`auto`] spots
//! bounces and auto-replies, [`intent`] reads, [`dates`] resolves, [`amount`].

pub mod amount;
pub mod auto;
pub mod dates;
pub mod intent;
pub mod norm;
pub mod quote;
mod sender;
#[cfg(test)]
mod tests;
pub mod text;

use std::sync::LazyLock;

use chrono::NaiveDate;
use mail_parser::{Message, MessageParser};
use regex::Regex;
use rust_decimal::Decimal;
use serde::Serialize;

use crate::calendar::Calendar;
use crate::domain::{CalendarKind, EmailAddress, Language, ReplyClass};
use auto::AutoKind;
use dates::DateContext;
use norm::{normalize, sentences};

/// Which language the reply is in, when the caller knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum LanguageHint {
    /// Detect from the text.
    #[default]
    Auto,
    Fr,
    En,
}

/// How to read a reply. The defaults need no configuration.
#[derive(Debug, Clone, Default)]
pub struct Options {
    pub language: LanguageHint,
    /// Business days for "sous 5 jours ouvrés"; by default the French
    /// calendar for French mail and England & Wales for English mail.
    pub calendar: Option<Calendar>,
    /// The text of our own reminders in the thread: a paragraph repeating
    /// one of them is never read as the client's words.
    pub reminders: Vec<String>,
    /// "Today" when the message has no usable `Date:` header (the daemon
    /// passes the date it received the message).
    pub today: Option<NaiveDate>,
}

/// What a reply says.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Reading {
    pub class: ReplyClass,
    /// Promised date, date for the rest (partial) or first day back (ooo).
    pub date: Option<NaiveDate>,
    /// The part paid, for `partial`.
    pub amount: Option<Decimal>,
    /// The span of new text (or the report line) that decided.
    pub evidence: String,
    /// For bounces: the recipients that failed.
    pub failed_recipients: Vec<EmailAddress>,
    pub language: Language,
}

/// One line of `relance classify --json` (SPEC §8), in contract order.
#[derive(Serialize)]
struct JsonLine<'a> {
    file: &'a str,
    class: &'a str,
    date: Option<String>,
    amount: Option<String>,
    evidence: &'a str,
}

impl Reading {
    fn other(language: Language) -> Reading {
        Reading {
            class: ReplyClass::Other,
            date: None,
            amount: None,
            evidence: String::new(),
            failed_recipients: Vec::new(),
            language,
        }
    }

    /// The SPEC §8 JSON object `{"file","class","date","amount","evidence"}`
    /// on one line; `date` is YYYY-MM-DD or null, `amount` a decimal string
    /// or null.
    pub fn to_json(&self, file: &str) -> String {
        let line = JsonLine {
            file,
            class: self.class.as_str(),
            date: self.date.map(|d| d.format("%Y-%m-%d").to_string()),
            amount: self.amount.map(|a| a.normalize().to_string()),
            evidence: &self.evidence,
        };
        serde_json::to_string(&line).unwrap_or_else(|_| String::from("{}"))
    }
}

/// Classifies a raw RFC 5322 message with default options: what the CLI's
/// `classify` command runs, without any configuration.
pub fn classify_file_bytes(raw: &[u8]) -> Reading {
    classify(raw, &Options::default())
}

/// Classifies a raw RFC 5322 message.
pub fn classify(raw: &[u8], opts: &Options) -> Reading {
    match MessageParser::default().parse(raw) {
        Some(msg) => classify_message(&msg, opts),
        None => Reading::other(Language::Fr),
    }
}

/// As [`classify`], on a message the caller already parsed.
pub fn classify_message(msg: &Message<'_>, opts: &Options) -> Reading {
    let ex = text::extract(msg);
    let iso = quote::isolate_signed(&ex.body, &opts.reminders, &ex.from_name);
    let language = match opts.language {
        LanguageHint::Fr => Language::Fr,
        LanguageHint::En => Language::En,
        LanguageHint::Auto => sender::detect_language(&iso.new_text, &ex.subject),
    };
    let ctx = ex.today.or(opts.today).map(|today| DateContext {
        today,
        calendar: opts.calendar.unwrap_or_else(|| {
            Calendar::new(match language {
                Language::Fr => CalendarKind::Fr,
                Language::En => CalendarKind::Uk,
            })
        }),
        month_first: language == Language::En
            && sender::looks_american(ex.utc_offset_minutes, &iso.new_text, &iso.tail),
    });
    let base = Reading::other(language);
    let auto = auto::detect(msg, &ex, &iso.new_text);
    let read = || intent::read(&sentences(&iso.new_text), ctx.as_ref());
    match auto {
        Some(a) if a.kind == AutoKind::Bounce => Reading {
            class: ReplyClass::Bounce,
            evidence: a.evidence,
            failed_recipients: a.failed,
            ..base
        },
        Some(a) => {
            let intent = (!a.certain).then(read);
            match intent {
                Some(i) if i.class != ReplyClass::Other => from_intent(i, base),
                _ => out_of_office(&ex.subject, &iso.new_text, ctx.as_ref(), a.evidence, base),
            }
        }
        None if auto::is_bulk(msg) => Reading {
            evidence: ex.subject.clone(),
            ..base
        },
        None => match read() {
            i if i.class == ReplyClass::Other => {
                let f = from_forwarded(&iso, &ex, ctx.as_ref());
                from_intent(f.unwrap_or(i), base)
            }
            i => from_intent(i, base),
        },
    }
}

/// What a forwarded message says, when the client's own words say nothing
/// more than "see below": a bank's "votre virement a été exécuté" is the
/// client's "paid". Only payment news counts, and never our own reminder
/// forwarded back (a client quoting our question is not asking one).
fn from_forwarded(
    iso: &quote::Isolated,
    ex: &text::Extracted,
    ctx: Option<&DateContext>,
) -> Option<intent::Intent> {
    let from = iso.forwarded_from.to_lowercase();
    if iso.forwarded.trim().is_empty() || ex.to.iter().any(|a| from.contains(a.as_str())) {
        return None;
    }
    let i = intent::read(&sentences(&iso.forwarded), ctx);
    matches!(
        i.class,
        ReplyClass::Paid | ReplyClass::Partial | ReplyClass::Promise
    )
    .then_some(i)
}

fn from_intent(i: intent::Intent, base: Reading) -> Reading {
    Reading {
        class: i.class,
        date: i.date,
        amount: i.amount,
        evidence: i.evidence,
        ..base
    }
}

/// Where the quoted subject starts in an auto-reply's subject.
static REPLY_PREFIX: LazyLock<Regex> =
    LazyLock::new(|| crate::classify::norm::pattern(r"(?i)\b(?:re|tr|fw|fwd|aw|wg)\s?:"));

/// An out-of-office reply: its first day back, from the subject or the
/// text, and the sentence that states it.
fn out_of_office(
    subject: &str,
    new_text: &str,
    ctx: Option<&DateContext>,
    evidence: String,
    base: Reading,
) -> Reading {
    let Some(ctx) = ctx else {
        return Reading {
            class: ReplyClass::Ooo,
            evidence,
            ..base
        };
    };
    // The subject's own words only: after "Re:" comes our invoice's subject,
    // whose dates are no return date.
    let own = REPLY_PREFIX
        .find(subject)
        .map_or(subject, |m| norm::head(subject, m.start()));
    let all = format!("{own}\n{new_text}");
    let date = dates::return_date(&normalize(&all), ctx);
    let dated_sentence = sentences(new_text)
        .into_iter()
        .find(|s| date.is_some() && dates::return_date(&s.norm, ctx) == date)
        .map(|s| s.text);
    Reading {
        class: ReplyClass::Ooo,
        date,
        evidence: dated_sentence.unwrap_or(evidence),
        ..base
    }
}
