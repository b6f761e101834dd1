//! RFC 5322 assembly with lettre's builder: headers (threading, Outlook's
//! Thread-Topic/Thread-Index, relance's own reference), a UTF-8 text body in
//! quoted-printable, and the attachments.
//!
//! Deterministic: the MIME boundary is derived from the Message-ID, so the
//! same input always gives the same bytes (golden tests rely on it).

use std::time::SystemTime;

use chrono::{DateTime, Utc};
use lettre::message::header::{
    ContentTransferEncoding, ContentType, Header, HeaderName, HeaderValue,
};
use lettre::message::{Attachment as MimeAttachment, Body, Mailbox, MultiPart, SinglePart};
use lettre::{Address, Message};

use crate::compose::Error;
use crate::compose::input::Attachment;
use crate::domain::{EmailAddress, MessageId};

/// Declares a free-text header lettre does not know.
macro_rules! text_header {
    ($name:ident, $text:literal) => {
        #[derive(Debug, Clone)]
        struct $name(String);

        impl Header for $name {
            fn name() -> HeaderName {
                HeaderName::new_from_ascii_str($text)
            }
            fn parse(s: &str) -> Result<Self, Box<dyn std::error::Error + Send + Sync>> {
                Ok($name(s.to_string()))
            }
            fn display(&self) -> HeaderValue {
                HeaderValue::new(Self::name(), self.0.clone())
            }
        }
    };
}

text_header!(ThreadTopic, "Thread-Topic");
text_header!(ThreadIndex, "Thread-Index");
text_header!(RelanceRef, "X-Relance-Ref");
text_header!(AutoSubmitted, "Auto-Submitted");

/// Everything one outgoing message carries.
#[derive(Debug, Clone)]
pub(crate) struct Outgoing {
    pub from_name: String,
    pub from: EmailAddress,
    pub to: Vec<EmailAddress>,
    pub subject: String,
    pub date: DateTime<Utc>,
    pub message_id: MessageId,
    pub in_reply_to: Option<MessageId>,
    pub references: Vec<MessageId>,
    pub thread_topic: Option<String>,
    pub thread_index: Option<String>,
    /// `X-Relance-Ref`, on messages to the user.
    pub relance_ref: Option<String>,
    /// Marks messages to the user as machine-made, so the user's own
    /// vacation responder does not answer them (RFC 3834).
    pub auto_submitted: bool,
    pub body: String,
    pub attachments: Vec<Attachment>,
}

fn mailbox(name: Option<&str>, addr: &EmailAddress) -> Result<Mailbox, Error> {
    let parsed: Address = addr
        .as_str()
        .parse()
        .map_err(|_| Error::Address(addr.to_string()))?;
    Ok(Mailbox::new(name.map(str::to_string), parsed))
}

/// A boundary that cannot occur in quoted-printable or base64 text (`=_`),
/// stable for a given Message-ID.
fn boundary(id: &MessageId) -> String {
    // FNV-1a: tiny, stable across versions and platforms.
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for b in id.as_str().bytes() {
        hash ^= u64::from(b);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    format!("=_relance_{hash:016x}")
}

fn text_part(body: &str) -> Result<SinglePart, Error> {
    let encoded =
        Body::new_with_encoding(body.to_string(), ContentTransferEncoding::QuotedPrintable)
            .map_err(|_| Error::Build("body cannot be quoted-printable encoded".into()))?;
    Ok(SinglePart::builder()
        .header(ContentType::TEXT_PLAIN)
        .body(encoded))
}

fn attachment_part(a: &Attachment) -> Result<SinglePart, Error> {
    let content_type = ContentType::parse(&a.content_type)
        .map_err(|_| Error::Build(format!("bad content type '{}'", a.content_type)))?;
    Ok(MimeAttachment::new(a.filename.clone()).body(a.content.clone(), content_type))
}

/// The message as bytes with CRLF line ends, ready for SMTP or IMAP APPEND.
pub(crate) fn build(o: &Outgoing) -> Result<Vec<u8>, Error> {
    let mut builder = Message::builder()
        .from(mailbox(Some(&o.from_name), &o.from)?)
        .subject(o.subject.clone())
        .date(SystemTime::from(o.date))
        .message_id(Some(o.message_id.bracketed()));
    for to in &o.to {
        builder = builder.to(mailbox(None, to)?);
    }
    if let Some(parent) = &o.in_reply_to {
        builder = builder.in_reply_to(parent.bracketed());
    }
    if !o.references.is_empty() {
        let chain: Vec<String> = o.references.iter().map(MessageId::bracketed).collect();
        builder = builder.references(chain.join(" "));
    }
    if let Some(topic) = &o.thread_topic {
        builder = builder.header(ThreadTopic(topic.clone()));
    }
    if let Some(index) = &o.thread_index {
        builder = builder.header(ThreadIndex(index.clone()));
    }
    if let Some(reference) = &o.relance_ref {
        builder = builder.header(RelanceRef(reference.clone()));
    }
    if o.auto_submitted {
        builder = builder.header(AutoSubmitted("auto-generated".into()));
    }
    let text = text_part(&o.body)?;
    let message = if o.attachments.is_empty() {
        builder.singlepart(text)
    } else {
        let mut multi = MultiPart::mixed()
            .boundary(boundary(&o.message_id))
            .singlepart(text);
        for a in &o.attachments {
            multi = multi.singlepart(attachment_part(a)?);
        }
        builder.multipart(multi)
    }
    .map_err(|e| Error::Build(e.to_string()))?;
    Ok(message.formatted())
}
