//! The parts of a sent message that detection reads, taken from the raw
//! bytes with mail-parser: headers for threading, recipients, the text of
//! the body and the attachments with where they sit in the MIME tree.

use chrono::NaiveDate;
use mail_parser::{Address, HeaderValue, Message, MessageParser, MimeHeaders, PartType};
use serde::Serialize;

use crate::domain::{EmailAddress, MessageId};

/// Where an attachment of the original message is, so the daemon can fetch
/// it again (IMAP `BODY[section]`) to attach it to a reminder.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AttachmentRef {
    pub file_name: Option<String>,
    /// `type/subtype`, lowercase.
    pub content_type: String,
    /// Decoded size in bytes.
    pub size: usize,
    /// Index of the part in mail-parser's flat part list.
    pub part_index: usize,
    /// The IMAP section number of the part (`2`, `1.3`).
    pub imap_section: String,
}

/// A parsed sent message, reduced to what detection needs.
pub struct MailView<'a> {
    pub message: Message<'a>,
    pub message_id: Option<MessageId>,
    pub subject: String,
    pub from: Option<EmailAddress>,
    /// To then Cc, with display names, in header order.
    pub recipients: Vec<(EmailAddress, Option<String>)>,
    /// The local date of the Date header, as the sender wrote it.
    pub date: Option<NaiveDate>,
    pub references: Vec<MessageId>,
    pub in_reply_to: Vec<MessageId>,
    pub thread_topic: Option<String>,
    pub thread_index: Option<String>,
    /// An automatic message, or one relance itself composed.
    pub automated: bool,
    pub body: String,
    /// With the part index of each, parallel to `attachments`.
    pub attachments: Vec<AttachmentRef>,
}

impl<'a> MailView<'a> {
    pub fn parse(raw: &'a [u8]) -> Option<MailView<'a>> {
        let message = MessageParser::default().parse(raw)?;
        let sections = imap_sections(&message);
        let attachments = message
            .attachments
            .iter()
            .filter_map(|&id| {
                let index = usize::try_from(id).ok()?;
                let part = message.parts.get(index)?;
                Some(attachment_ref(
                    part,
                    index,
                    sections.get(index).cloned().flatten()?,
                ))
            })
            .collect();
        let body = (0..message.text_body_count())
            .filter_map(|i| message.body_text(i))
            .collect::<Vec<_>>()
            .join("\n");
        Some(MailView {
            message_id: message.message_id().and_then(MessageId::new),
            subject: message.subject().unwrap_or_default().to_string(),
            from: message
                .from()
                .and_then(Address::first)
                .and_then(|a| a.address())
                .and_then(EmailAddress::parse),
            recipients: recipients(&message),
            date: message.date().and_then(|d| {
                NaiveDate::from_ymd_opt(i32::from(d.year), u32::from(d.month), u32::from(d.day))
            }),
            references: ids(message.references()),
            in_reply_to: ids(message.in_reply_to()),
            thread_topic: text_header(&message, "Thread-Topic"),
            thread_index: text_header(&message, "Thread-Index"),
            automated: automated(&message),
            body,
            attachments,
            message,
        })
    }

    /// The same view holding its own copy of the message, free to move to
    /// another thread: the daemon parses on one and records on another.
    pub fn into_owned(self) -> MailView<'static> {
        MailView {
            message: self.message.into_owned(),
            message_id: self.message_id,
            subject: self.subject,
            from: self.from,
            recipients: self.recipients,
            date: self.date,
            references: self.references,
            in_reply_to: self.in_reply_to,
            thread_topic: self.thread_topic,
            thread_index: self.thread_index,
            automated: self.automated,
            body: self.body,
            attachments: self.attachments,
        }
    }

    /// The decoded bytes of attachment `i` of [`MailView::attachments`].
    pub fn attachment_bytes(&self, a: &AttachmentRef) -> &[u8] {
        self.message
            .parts
            .get(a.part_index)
            .map_or(&[], |p| p.contents())
    }
}

fn attachment_ref(
    part: &mail_parser::MessagePart<'_>,
    index: usize,
    section: String,
) -> AttachmentRef {
    let content_type = part.content_type().map_or_else(
        || "application/octet-stream".to_string(),
        |ct| match ct.subtype() {
            Some(sub) => format!("{}/{}", ct.ctype(), sub).to_lowercase(),
            None => ct.ctype().to_lowercase(),
        },
    );
    AttachmentRef {
        file_name: part.attachment_name().map(str::to_string),
        content_type,
        size: part.len(),
        part_index: index,
        imap_section: section,
    }
}

/// IMAP section numbers for each part in mail-parser's flat list: the
/// children of a multipart are numbered from 1 under their parent's number;
/// a single-part message's body is section 1.
fn imap_sections(message: &Message<'_>) -> Vec<Option<String>> {
    let mut out = vec![None; message.parts.len()];
    let Some(root) = message.parts.first() else {
        return out;
    };
    match &root.body {
        PartType::Multipart(children) => number_children(message, children, "", &mut out, 0),
        _ => {
            if let Some(slot) = out.first_mut() {
                *slot = Some("1".to_string());
            }
        }
    }
    out
}

fn number_children(
    message: &Message<'_>,
    children: &[u32],
    prefix: &str,
    out: &mut [Option<String>],
    depth: usize,
) {
    // mail-parser already bounds nesting; this guards against a cycle anyway.
    if depth > 64 {
        return;
    }
    for (n, &child) in children.iter().enumerate() {
        let section = format!("{prefix}{}", n + 1);
        let Ok(index) = usize::try_from(child) else {
            continue;
        };
        if let Some(PartType::Multipart(grand)) = message.parts.get(index).map(|p| &p.body) {
            number_children(message, grand, &format!("{section}."), out, depth + 1);
        }
        if let Some(slot) = out.get_mut(index) {
            *slot = Some(section);
        }
    }
}

fn recipients(message: &Message<'_>) -> Vec<(EmailAddress, Option<String>)> {
    [message.to(), message.cc()]
        .into_iter()
        .flatten()
        .flat_map(Address::iter)
        .filter_map(|a| {
            let address = EmailAddress::parse(a.address()?)?;
            Some((address, a.name().map(str::to_string)))
        })
        .collect()
}

fn ids(value: &HeaderValue<'_>) -> Vec<MessageId> {
    match value {
        HeaderValue::Text(t) => MessageId::new(t).into_iter().collect(),
        HeaderValue::TextList(list) => list.iter().filter_map(|t| MessageId::new(t)).collect(),
        _ => Vec::new(),
    }
}

fn text_header(message: &Message<'_>, name: &str) -> Option<String> {
    let raw = message.header_raw(name)?;
    // Unfold and drop the leading space the parser keeps.
    let text = raw.split_whitespace().collect::<Vec<_>>().join(" ");
    (!text.is_empty()).then_some(text)
}

/// Auto-Submitted other than `no` (RFC 3834), or any `X-Relance-*` header:
/// relance's own reminders sit in Sent next to the invoices they chase.
fn automated(message: &Message<'_>) -> bool {
    let auto = message
        .header_raw("Auto-Submitted")
        .is_some_and(|v| !v.trim().eq_ignore_ascii_case("no"));
    let ours = message
        .headers()
        .iter()
        .any(|h| h.name().to_ascii_lowercase().starts_with("x-relance"));
    auto || ours
}
