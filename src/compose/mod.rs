//! Message composition: templates, threaded RFC 5322 reminders, messages to
//! the user, late-payment penalties and the formal-notice PDF.
//!
//! Pure: no IO and no clock. `now`, the template sources, the Message-ID and
//! the attachment bytes are all passed in; the result is bytes for the daemon
//! to send, append or write.

mod builtin;
pub mod context;
mod digest;
mod filters;
pub mod format;
pub mod input;
mod message;
pub mod notice_pdf;
pub mod penalties;
pub mod sample;
pub mod templates;
pub mod thread;
pub mod user;

pub use input::{
    Attachment, CaseInput, Client, ContactKind, Invoice, OriginalEmail, PastContact, Sender,
    StepRequest, SubjectStyle,
};
pub use notice_pdf::render_notice_pdf;
pub use templates::{Rendered, TemplateSource, Templates};
pub use thread::new_message_id;
pub use user::{
    AlertInput, Digest, DigestEvent, DigestInvoice, PlannedSend, UserKind, UserRef, compose_digest,
    compose_for_user, compose_forewarning,
};

use crate::compose::context::case_context;
use crate::compose::message::Outgoing;
use crate::domain::{EmailAddress, Language, MessageId};

/// Why a message could not be composed. Template errors name the file and
/// line; they surface at load time, before anything is sent.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Error {
    #[error("{origin}{}: {message}", line.map(|l| format!(":{l}")).unwrap_or_default())]
    Template {
        origin: String,
        line: Option<usize>,
        message: String,
    },
    #[error("{origin}: the first line must be 'Subject: …'")]
    NoSubject { origin: String },
    #[error("no template '{name}' for language '{language}'")]
    MissingTemplate {
        language: &'static str,
        name: String,
    },
    #[error("invalid email address '{0}'")]
    Address(String),
    #[error("cannot build the message: {0}")]
    Build(String),
    #[error("the case has no invoice to write about")]
    NoInvoice,
}

/// A composed message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Composed {
    pub message_id: MessageId,
    pub subject: String,
    /// The text body as rendered.
    pub body: String,
    pub to: Vec<EmailAddress>,
    /// The full RFC 5322 message, CRLF line ends.
    pub bytes: Vec<u8>,
}

/// What `relance preview` shows: the message a step would send, and for a
/// formal notice the letter PDF as well.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Preview {
    pub message: Composed,
    pub notice_pdf: Option<Vec<u8>>,
}

/// Composes the message of ladder step `req` for `case`: a reminder in the
/// thread of the oldest overdue invoice, or (for template `step3`) the call
/// task to the user. Step 5 attaches the formal-notice PDF.
pub fn compose(
    templates: &Templates,
    case: &CaseInput,
    req: &StepRequest,
) -> Result<Composed, Error> {
    Ok(preview(templates, case, req)?.message)
}

/// Like [`compose`], and also returns the notice PDF for step 5.
pub fn preview(
    templates: &Templates,
    case: &CaseInput,
    req: &StepRequest,
) -> Result<Preview, Error> {
    if req.template == UserKind::CallTask.template() {
        let message = compose_for_user(
            templates,
            case,
            &UserKind::CallTask,
            None,
            req.message_id.clone(),
        )?;
        return Ok(Preview {
            message,
            notice_pdf: None,
        });
    }
    let lang = case.language;
    let ctx = case_context(case, Some(req));
    let name = if req.promise_not_kept && templates.has(lang, "promise_not_kept") {
        "promise_not_kept"
    } else {
        req.template.as_str()
    };
    let rendered = templates.render(lang, name, &ctx)?;
    let thread = ctx
        .oldest
        .as_ref()
        .and_then(|o| case.invoices.iter().find(|i| i.number.0 == o.number))
        .or_else(|| case.invoices.first())
        .ok_or(Error::NoInvoice)?;
    let original = thread.original.as_ref();
    let subject = reminder_subject(templates, case, req, &ctx, &rendered, original)?;
    let mut attachments: Vec<Attachment> = case
        .invoices
        .iter()
        .filter(|i| i.due_date < ctx.today)
        .flat_map(|i| i.attachments.iter().cloned())
        .collect();
    let notice_pdf = if req.step.0 == 5 || req.template == "step5" {
        let pdf = render_notice_pdf(templates, case)?;
        let file = notice_attachment(lang, &case.client.name, ctx.today, &pdf);
        attachments.insert(0, file);
        Some(pdf)
    } else {
        None
    };
    let mut outgoing = threaded(case, req, original);
    outgoing.subject = subject;
    outgoing.body = rendered.body.clone();
    outgoing.attachments = attachments;
    let message = Composed {
        bytes: message::build(&outgoing)?,
        message_id: req.message_id.clone(),
        subject: outgoing.subject,
        body: rendered.body,
        to: outgoing.to,
    };
    Ok(Preview {
        message,
        notice_pdf,
    })
}

/// The first emailed reminder, which a thread without an original email
/// hangs from.
fn first_reminder(case: &CaseInput) -> Option<&PastContact> {
    case.history
        .iter()
        .find(|h| h.kind == ContactKind::Email && h.message_id.is_some())
}

/// `Re: <original subject>` by default; the template's subject when marked
/// subjects are chosen; for an invoice without an email, the new thread's
/// subject (with `Re:` once the thread exists).
fn reminder_subject(
    templates: &Templates,
    case: &CaseInput,
    req: &StepRequest,
    ctx: &context::CaseContext,
    rendered: &Rendered,
    original: Option<&OriginalEmail>,
) -> Result<String, Error> {
    Ok(match (req.subject_style, original) {
        (SubjectStyle::Marked, _) => rendered.subject.clone(),
        (SubjectStyle::Reply, Some(o)) => thread::reply_subject(&o.subject),
        (SubjectStyle::Reply, None) => {
            let root = templates
                .render(case.language, "thread_subject", ctx)?
                .subject;
            if first_reminder(case).is_some() {
                thread::reply_subject(&root)
            } else {
                root
            }
        }
    })
}

/// A reminder's envelope and threading headers, without subject, body or
/// attachments.
fn threaded(case: &CaseInput, req: &StepRequest, original: Option<&OriginalEmail>) -> Outgoing {
    let earlier = first_reminder(case);
    Outgoing {
        from_name: case.sender.name.clone(),
        from: case.sender.email.clone(),
        to: case.client.contacts.clone(),
        subject: String::new(),
        date: case.now,
        message_id: req.message_id.clone(),
        in_reply_to: original
            .map(|o| o.message_id.clone())
            .or_else(|| earlier.and_then(|h| h.message_id.clone())),
        references: thread::references(original, &case.history),
        thread_topic: original.and_then(|o| o.thread_topic.clone()),
        thread_index: original
            .and_then(|o| o.thread_index.as_deref())
            .and_then(|parent| {
                thread::child_thread_index(parent, case.now, random_byte(&req.message_id))
            }),
        relance_ref: None,
        auto_submitted: false,
        body: String::new(),
        attachments: Vec::new(),
    }
}

fn notice_attachment(
    lang: Language,
    client: &str,
    today: chrono::NaiveDate,
    pdf: &[u8],
) -> Attachment {
    let slug: String = client
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect::<String>()
        .split('-')
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join("-");
    let stem = match lang {
        Language::Fr => "mise-en-demeure",
        Language::En => "formal-notice",
    };
    Attachment {
        filename: format!("{stem}-{slug}-{}.pdf", today.format("%Y-%m-%d")),
        content_type: "application/pdf".into(),
        content: pdf.to_vec(),
    }
}

/// The Thread-Index random byte, drawn from the Message-ID's own randomness
/// so the output stays a pure function of the input.
fn random_byte(id: &MessageId) -> u8 {
    id.as_str()
        .bytes()
        .fold(0u8, |acc, b| acc.rotate_left(3) ^ b)
}
