//! What the caller hands to composition: the sender's identity, the client,
//! the invoices with their original emails and PDF bytes, the history of
//! earlier reminders and calls, and what to compose now.
//!
//! Plain data, filled by the daemon from the store and the configuration;
//! nothing here is fetched or read by `compose` itself.

use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;
use rust_decimal::Decimal;

use crate::compose::penalties::{PenaltyInvoice, Regime};
use crate::domain::{
    ClientId, EmailAddress, InvoiceId, InvoiceNumber, Language, MessageId, Money, StepNo,
};

/// The user: who signs and sends.
#[derive(Debug, Clone, PartialEq)]
pub struct Sender {
    pub company: String,
    /// Display name in `From` and in the signature.
    pub name: String,
    pub email: EmailAddress,
    /// Postal address lines (for the formal notice).
    pub address: Vec<String>,
    /// Town written in "Fait à Lyon, le …"; empty leaves it out.
    pub city: String,
    pub phone: Option<String>,
    /// Free-form signature; when absent the templates sign with the name,
    /// company and phone.
    pub signature: Option<String>,
    /// Right-hand side of generated Message-IDs (the user's own domain).
    pub message_id_domain: String,
}

/// The client being chased.
#[derive(Debug, Clone, PartialEq)]
pub struct Client {
    pub id: ClientId,
    pub name: String,
    /// Person to greet ("Bonjour Madame Martin,"); none gives a neutral greeting.
    pub contact_name: Option<String>,
    /// Addresses the reminder goes to.
    pub contacts: Vec<EmailAddress>,
    pub phone: Option<String>,
    /// Postal address lines (for the formal notice).
    pub address: Vec<String>,
    /// A consumer owes no fixed recovery indemnity.
    pub consumer: bool,
}

/// A file to attach, bytes already fetched by the caller.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attachment {
    pub filename: String,
    /// MIME type, e.g. `application/pdf`.
    pub content_type: String,
    pub content: Vec<u8>,
}

/// The email that carried the invoice, as the mailbox indexed it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OriginalEmail {
    pub message_id: MessageId,
    pub subject: String,
    /// Its own `References`, oldest first.
    pub references: Vec<MessageId>,
    /// Outlook's `Thread-Topic`, when present.
    pub thread_topic: Option<String>,
    /// Outlook's `Thread-Index` (base64), when present.
    pub thread_index: Option<String>,
}

/// One open invoice of the client.
#[derive(Debug, Clone, PartialEq)]
pub struct Invoice {
    pub id: InvoiceId,
    pub number: InvoiceNumber,
    pub issue_date: NaiveDate,
    pub due_date: NaiveDate,
    pub amount: Money,
    /// Already paid on it.
    pub paid: Decimal,
    /// `None` for invoices added by CLI or CSV import: no thread to reply to.
    pub original: Option<OriginalEmail>,
    /// The invoice PDF(s) to re-attach.
    pub attachments: Vec<Attachment>,
}

impl Invoice {
    /// What is still owed on it.
    pub fn remaining(&self) -> Money {
        Money::new(self.amount.amount - self.paid, self.amount.currency)
    }

    pub(crate) fn penalty_input(&self) -> PenaltyInvoice {
        PenaltyInvoice {
            number: self.number.clone(),
            due_date: self.due_date,
            amount: self.amount,
            paid: self.paid,
        }
    }
}

/// How an earlier attempt reached the client.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ContactKind {
    Email,
    Call,
    Notice,
}

/// An earlier reminder, call or notice.
#[derive(Debug, Clone, PartialEq)]
pub struct PastContact {
    pub at: DateTime<Utc>,
    pub step: StepNo,
    pub kind: ContactKind,
    pub recipients: Vec<EmailAddress>,
    /// Message-ID of an emailed reminder (threads later ones after it).
    pub message_id: Option<MessageId>,
    /// What the user recorded after a call ("promised 20/03", "no answer").
    pub outcome: Option<String>,
}

/// One client's situation, as composition sees it.
#[derive(Debug, Clone, PartialEq)]
pub struct CaseInput {
    pub sender: Sender,
    pub client: Client,
    /// The client's open invoices, overdue or not (the balance counts them all).
    pub invoices: Vec<Invoice>,
    /// Earlier reminders, calls and notices, in time order.
    pub history: Vec<PastContact>,
    pub language: Language,
    /// The user's time zone: "today" and every printed date are local.
    pub time_zone: Tz,
    pub now: DateTime<Utc>,
    /// Late-payment rules to state in step 4 and step 5; `None` states none.
    pub penalties: Option<Regime>,
    /// Days the formal notice gives to pay, from its receipt (default 15).
    pub notice_deadline_days: u32,
}

/// Where the subject says what the message is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SubjectStyle {
    /// `Re: <original subject>`, so every mail client keeps one conversation;
    /// the urgency marker goes in the first line of the body.
    #[default]
    Reply,
    /// The template's own subject, carrying the marker.
    Marked,
}

/// Which client-facing message to compose for a case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StepRequest {
    pub step: StepNo,
    /// Template name from the ladder, e.g. `step2`.
    pub template: String,
    /// The client broke a promise: the `promise_not_kept` wording is used.
    pub promise_not_kept: bool,
    /// The date the client had promised, for that wording.
    pub promised_date: Option<NaiveDate>,
    pub subject_style: SubjectStyle,
    /// Generated beforehand with [`crate::compose::new_message_id`] so the
    /// outbox can record it before sending.
    pub message_id: MessageId,
}
