//! Invoice detection in sent mail: is this message an invoice (or a credit
//! note), and what does it say? Factur-X / ZUGFeRD XML embedded in a PDF
//! wins; otherwise the configurable regexes of [`rules`] read the subject,
//! body and attachment names. Pure: raw bytes in, data out, no clock.

pub mod facturx;
mod mail;
mod parse;
pub mod rules;
mod text;

#[cfg(test)]
mod tests;

use chrono::NaiveDate;
use serde::Serialize;
use serde_json::{Value, json};

pub use mail::AttachmentRef;
pub(crate) use mail::MailView;
/// French and English amount notation, shared with the CLI's `--amount`.
pub use parse::amount as parse_amount;
pub use rules::{Candidates, Overrides, Rules};

use crate::domain::{Currency, EmailAddress, InvoiceNumber, MessageId, Money};
use facturx::CiiInvoice;

/// What kind of accounting document the mail carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum DocumentKind {
    /// Chased when overdue.
    Invoice,
    /// An "avoir": never chased; it reduces or cancels `credited_number`.
    CreditNote,
}

/// Where the facts came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum Source {
    #[serde(rename = "regex")]
    Regex,
    #[serde(rename = "factur-x")]
    FacturX,
}

impl Source {
    pub fn as_str(self) -> &'static str {
        match self {
            Source::Regex => "regex",
            Source::FacturX => "factur-x",
        }
    }
}

/// Why a message is not an invoice (for logs and `--explain`-style output).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, thiserror::Error)]
#[serde(rename_all = "kebab-case")]
pub enum NotInvoice {
    #[error("not a parsable message")]
    Unparsable,
    #[error("automatic message (Auto-Submitted or written by relance)")]
    Automated,
    #[error("a payment reminder")]
    Reminder,
    #[error("a quote, estimate or pro forma")]
    Quote,
    #[error("no configured subject, body or attachment-name rule matches")]
    NotCandidate,
    #[error("no invoice number")]
    NoNumber,
    #[error("no amount")]
    NoAmount,
    #[error("no issue date and no Date header")]
    NoDate,
}

/// An invoice (or credit note) found in a sent message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DetectedInvoice {
    pub kind: DocumentKind,
    pub number: InvoiceNumber,
    /// The amount due (TTC; after any prepayment when Factur-X says so).
    pub amount: Money,
    pub issue_date: NaiveDate,
    pub due_date: NaiveDate,
    /// False when the due date comes from payment terms.
    pub due_date_stated: bool,
    /// The recipients (To, Cc) and the Factur-X buyer address, without the
    /// sender and the user's own addresses.
    pub client_emails: Vec<EmailAddress>,
    /// The Factur-X buyer name, else the first client recipient's display
    /// name (a person or a department as often as a company).
    pub client_name: Option<String>,
    /// For a credit note: the invoice it corrects, when stated.
    pub credited_number: Option<InvoiceNumber>,
    pub source: Source,
    pub message_id: Option<MessageId>,
    pub subject: String,
    pub in_reply_to: Vec<MessageId>,
    pub references: Vec<MessageId>,
    pub thread_topic: Option<String>,
    pub thread_index: Option<String>,
    pub attachments: Vec<AttachmentRef>,
}

/// Is this sent message an invoice? `None` also for anything unreadable.
pub fn detect(raw: &[u8], rules: &Rules) -> Option<DetectedInvoice> {
    detect_explained(raw, rules).ok()
}

/// As [`detect`], with the reason when the message is not an invoice.
pub fn detect_explained(raw: &[u8], rules: &Rules) -> Result<DetectedInvoice, NotInvoice> {
    let view = MailView::parse(raw).ok_or(NotInvoice::Unparsable)?;
    detect_view(&view, rules)
}

/// As [`detect_explained`], on a message the caller already parsed: the
/// daemon parses each message once, and decoding a PDF attachment is most
/// of what parsing an invoice costs.
pub fn detect_view(view: &MailView<'_>, rules: &Rules) -> Result<DetectedInvoice, NotInvoice> {
    let p = &rules.patterns;
    if view.automated {
        return Err(NotInvoice::Automated);
    }
    if text::is_reminder(p, &view.subject, &view.body) {
        return Err(NotInvoice::Reminder);
    }
    if text::is_quote(p, &view.subject) {
        return Err(NotInvoice::Quote);
    }
    match structured(view).filter(|_| rules.factur_x) {
        Some(cii) => from_cii(view, rules, cii),
        None => from_text(view, rules),
    }
}

/// The first Factur-X PDF, or CII XML attached as such.
fn structured(view: &MailView<'_>) -> Option<CiiInvoice> {
    view.attachments.iter().find_map(|a| {
        let bytes = view.attachment_bytes(a);
        let name = a.file_name.as_deref().unwrap_or_default().to_lowercase();
        if bytes.starts_with(b"%PDF")
            || a.content_type == "application/pdf"
            || name.ends_with(".pdf")
        {
            facturx::from_pdf(bytes)
        } else if a.content_type.contains("xml") || name.ends_with(".xml") {
            facturx::cii::parse(bytes)
        } else {
            None
        }
    })
}

fn from_cii(
    view: &MailView<'_>,
    rules: &Rules,
    cii: CiiInvoice,
) -> Result<DetectedInvoice, NotInvoice> {
    // BT-2 is mandatory in a CII; the Date header only rescues hand-made XML.
    let issue_date = cii.issue_date.or(view.date).ok_or(NotInvoice::NoDate)?;
    let (due_date, due_date_stated) = match cii.due_date {
        Some(due) => (due, true),
        None => due_from_text(view, rules, issue_date),
    };
    let currency = cii.currency.unwrap_or(rules.default_currency);
    let core = Core {
        kind: cii.kind,
        number: cii.number,
        amount: Money::new(cii.amount, currency),
        issue_date,
        due_date,
        due_date_stated,
    };
    let mut found = base(view, rules, core);
    let mut contacts: Vec<EmailAddress> = cii.buyer_email.into_iter().collect();
    contacts.append(&mut found.client_emails);
    dedup(&mut contacts);
    found.client_emails = contacts;
    found.client_name = cii.buyer_name.or(found.client_name);
    found.credited_number = cii.credited_number.map(InvoiceNumber);
    found.source = Source::FacturX;
    Ok(found)
}

fn from_text(view: &MailView<'_>, rules: &Rules) -> Result<DetectedInvoice, NotInvoice> {
    let p = &rules.patterns;
    let stems = view
        .attachments
        .iter()
        .filter_map(|a| a.file_name.as_deref())
        .map(|n| n.rsplit_once('.').map_or(n, |(stem, _)| stem));
    let names = view
        .attachments
        .iter()
        .filter_map(|a| a.file_name.as_deref());
    if !rules.candidates.admit(&view.subject, &view.body, names) {
        return Err(NotInvoice::NotCandidate);
    }
    let hits = std::iter::once(view.subject.as_str())
        .chain(stems)
        .chain(std::iter::once(view.body.as_str()))
        .map(|t| text::numbers(p, t))
        .find(|hits| !hits.is_empty())
        .ok_or(NotInvoice::NoNumber)?;
    let first = hits.first().ok_or(NotInvoice::NoNumber)?;
    let (amount, currency) = text::amount(p, &view.body)
        .or_else(|| text::amount(p, &view.subject))
        .ok_or(NotInvoice::NoAmount)?;
    let due = text::due_date(p, &view.body);
    let exclude: Vec<_> = due.iter().map(|(_, span)| span.clone()).collect();
    let issue = text::issue_date(p, &view.body, &exclude)
        .or(view.date)
        .ok_or(NotInvoice::NoDate)?;
    let (due_date, due_date_stated) = due_from_text(view, rules, issue);
    let currency = currency
        .or_else(|| configured_currency(view, rules))
        .unwrap_or(rules.default_currency);
    // "Avoir A-3 sur facture F-42": the invoice it corrects, wherever named.
    let credited = (first.kind == DocumentKind::CreditNote)
        .then(|| {
            [view.subject.as_str(), view.body.as_str()]
                .iter()
                .flat_map(|t| text::numbers(p, t))
                .find(|h| h.kind == DocumentKind::Invoice)
        })
        .flatten()
        .map(|h| InvoiceNumber(h.number));
    let core = Core {
        kind: first.kind,
        number: first.number.clone(),
        amount: Money::new(amount, currency),
        issue_date: issue,
        due_date,
        due_date_stated,
    };
    let mut found = base(view, rules, core);
    found.credited_number = credited;
    Ok(found)
}

/// Stated due date in the body, else payment terms in the body, else the
/// configured terms. The flag tells whether the date was stated.
fn due_from_text(view: &MailView<'_>, rules: &Rules, issue: NaiveDate) -> (NaiveDate, bool) {
    let p = &rules.patterns;
    if let Some((date, _)) = text::due_date(p, &view.body) {
        return (date, true);
    }
    let terms = text::terms(p, &view.body).unwrap_or(text::Terms {
        days: rules.payment_terms_days,
        end_of_month: false,
    });
    // Out of chrono's range only for absurd terms; the issue date is then
    // the safest due date (chased early rather than never).
    let due = parse::due_from_terms(issue, terms.days, terms.end_of_month).unwrap_or(issue);
    (due, false)
}

/// What a detection established, before the message's own fields join it.
struct Core {
    kind: DocumentKind,
    number: String,
    amount: Money,
    issue_date: NaiveDate,
    due_date: NaiveDate,
    due_date_stated: bool,
}

/// The fields every detection shares, taken from the message itself.
fn base(view: &MailView<'_>, rules: &Rules, core: Core) -> DetectedInvoice {
    let mut amount = core.amount;
    if amount.amount.scale() < 2 {
        amount.amount.rescale(2);
    }
    DetectedInvoice {
        kind: core.kind,
        number: InvoiceNumber(core.number),
        amount,
        issue_date: core.issue_date,
        due_date: core.due_date,
        due_date_stated: core.due_date_stated,
        client_emails: client_emails(view, rules),
        client_name: display_name(view, rules),
        credited_number: None,
        source: Source::Regex,
        message_id: view.message_id.clone(),
        subject: view.subject.clone(),
        in_reply_to: view.in_reply_to.clone(),
        references: view.references.clone(),
        thread_topic: view.thread_topic.clone(),
        thread_index: view.thread_index.clone(),
        attachments: view.attachments.clone(),
    }
}

impl DetectedInvoice {
    /// The `invoice` object of `relance detect --json` (SPEC §8).
    pub fn contract_json(&self) -> Value {
        json!({
            "number": self.number.0,
            "amount": self.amount.amount.to_string(),
            "currency": self.amount.currency.code(),
            "issue_date": self.issue_date.format("%Y-%m-%d").to_string(),
            "due_date": self.due_date.format("%Y-%m-%d").to_string(),
            "client_emails": self.client_emails.iter().map(EmailAddress::as_str).collect::<Vec<_>>(),
            "source": self.source.as_str(),
        })
    }
}

/// One line of `relance detect FILE... --json`: `{"file", "invoice"}`. A
/// credit note is not an invoice to chase, so `invoice` is null and the
/// document is under `credit_note` (the invoice fields, without a due date,
/// plus `credits`: the invoice number it corrects, or null).
pub fn to_json(file: &str, found: Option<&DetectedInvoice>) -> Value {
    match found {
        None => json!({ "file": file, "invoice": null }),
        Some(inv) if inv.kind == DocumentKind::Invoice => {
            json!({ "file": file, "invoice": inv.contract_json() })
        }
        Some(note) => {
            let mut body = note.contract_json();
            if let Some(obj) = body.as_object_mut() {
                obj.remove("due_date");
                obj.insert(
                    "credits".into(),
                    json!(note.credited_number.as_ref().map(|n| n.0.clone())),
                );
            }
            json!({ "file": file, "invoice": null, "credit_note": body })
        }
    }
}

/// The configured currency rule's first group, in the body then subject.
fn configured_currency(view: &MailView<'_>, rules: &Rules) -> Option<Currency> {
    let re = rules.currency.as_ref()?;
    [view.body.as_str(), view.subject.as_str()]
        .iter()
        .find_map(|t| {
            let caps = re.captures(t)?;
            let m = caps.get(1).or_else(|| caps.get(0))?;
            text::currency(m.as_str())
        })
}

/// To and Cc, less the sender and the user's own addresses.
fn client_emails(view: &MailView<'_>, rules: &Rules) -> Vec<EmailAddress> {
    view.recipients
        .iter()
        .map(|(a, _)| a)
        .filter(|a| Some(*a) != view.from.as_ref() && !rules.own_addresses.contains(a))
        .cloned()
        .collect()
}

/// The display name of the first client recipient, when it has one.
fn display_name(view: &MailView<'_>, rules: &Rules) -> Option<String> {
    let clients = client_emails(view, rules);
    view.recipients
        .iter()
        .find(|(a, name)| clients.contains(a) && name.is_some())
        .and_then(|(_, name)| name.clone())
}

fn dedup(list: &mut Vec<EmailAddress>) {
    let mut seen = std::collections::HashSet::new();
    list.retain(|a| seen.insert(a.clone()));
}
