//! One message in: record it, recognise relance's own mail, then route it by
//! folder. Sent: an invoice, a credit note, or the user's own message in a
//! tracked thread. INBOX: the user's answer to a task or alert, an invoice
//! BCC'd by an invoicing tool, or a client's message to classify. A message
//! that cannot be read is recorded and ignored, never an error.

use chrono::{DateTime, Utc};
use mail_parser::{HeaderValue, MessageParser, MimeHeaders, PartType};

use super::index::Change;
use super::{
    Early, FolderKind, HeaderSummary, Ingested, Parsed, Pipeline, Result, records, reply, user,
};
use crate::compose::UserRef;
use crate::detect::{self, MailView};
use crate::domain::{MessageId, MessageRowId, OutboxId};
use crate::engine::EventKind;
use crate::store::{
    Actor, Direction, InvoiceSource, Location, NewAudit, NewEvent, NewMessage, Store,
};
use crate::threading::{Incoming, MatchedVia, ThreadIndex, ThreadMatch, match_thread, mentions};

/// How much of the body the matcher searches for invoice numbers.
const SNIPPET_CHARS: usize = 4000;

/// A message being ingested, parsed once.
pub(super) struct Mail<'a> {
    pub view: MailView<'a>,
    /// What [`Pipeline::parse`] worked out beforehand, if it did.
    pub early: Early,
    pub row: MessageRowId,
    pub location: Location,
    pub now: DateTime<Utc>,
    /// When it was written (its Date header), never later than `now`.
    pub at: DateTime<Utc>,
}

pub(super) fn ingest(
    p: &Pipeline,
    store: &Store,
    folder: FolderKind,
    location: Location,
    parsed: Parsed,
    now: DateTime<Utc>,
) -> Result<Ingested> {
    let Parsed { view, early } = parsed;
    let direction = match folder {
        FolderKind::Sent => Direction::Out,
        FolderKind::Inbox => Direction::In,
    };
    let Some(view) = view else {
        let bare = NewMessage {
            message_id: None,
            in_reply_to: None,
            references: Vec::new(),
            subject: String::new(),
            from: None,
            date: None,
            location,
            direction,
        };
        let recorded = store.record_message(&bare)?;
        return Ok(if recorded.new {
            ignored("unreadable message")
        } else {
            Ingested::Duplicate
        });
    };
    let date = written_at(&view);
    let message = NewMessage {
        message_id: view.message_id.clone(),
        in_reply_to: view.in_reply_to.first().cloned(),
        references: view.references.clone(),
        subject: view.subject.clone(),
        from: view.from.clone(),
        date,
        location: location.clone(),
        direction,
    };
    if let Some(outbox) = own_message(store, &view)? {
        store.record_message(&message)?;
        return Ok(Ingested::OwnMessage { outbox });
    }
    let recorded = store.record_message(&message)?;
    if !recorded.new {
        return Ok(Ingested::Duplicate);
    }
    let mail = Mail {
        view,
        early,
        row: recorded.id,
        location,
        now,
        at: date.filter(|d| *d <= now).unwrap_or(now),
    };
    match folder {
        FolderKind::Sent => sent(p, store, &mail),
        FolderKind::Inbox => inbox(p, store, &mail),
    }
}

/// Sent mail, ahead of the store: detection, and a detected invoice's
/// attachments hashed.
pub(super) fn early_sent(p: &Pipeline, view: &MailView<'_>) -> Early {
    let detected = detect::detect_view(view, &p.rules);
    Early {
        digests: detected.is_ok().then(|| records::digests(view)),
        detected: Some(detected),
        reading: None,
    }
}

/// INBOX mail, ahead of the store: the reading most clients' replies get.
/// The user's own answers are read by [`user::answer`], otherwise.
pub(super) fn early_inbox(p: &Pipeline, view: &MailView<'_>, now: DateTime<Utc>) -> Early {
    if view.from.as_ref() == Some(&p.config.company.email) {
        return Early::default();
    }
    Early {
        reading: Some(reply::first_reading(p, view, now)),
        ..Early::default()
    }
}

pub(super) fn ignored(reason: impl Into<String>) -> Ingested {
    Ingested::Ignored {
        reason: reason.into(),
    }
}

/// The Date header as an instant.
fn written_at(view: &MailView<'_>) -> Option<DateTime<Utc>> {
    let date = view.message.date()?;
    DateTime::from_timestamp(date.to_timestamp(), 0)
}

/// `Some` when relance wrote it: a Message-ID of the outbox, or the
/// `X-Relance-Ref` header of messages to the user.
fn own_message(store: &Store, view: &MailView<'_>) -> Result<Option<Option<OutboxId>>> {
    if let Some(mid) = &view.message_id
        && let Some(id) = store.find_outbox(mid)?
    {
        return Ok(Some(Some(id)));
    }
    Ok(view.message.header_raw("X-Relance-Ref").map(|_| None))
}

fn sent(p: &Pipeline, store: &Store, mail: &Mail<'_>) -> Result<Ingested> {
    // The Sent copy of the user's answer may be seen before the INBOX one.
    if let Some(reference) = user_reference(&mail.view) {
        return user::answer(p, store, mail, reference);
    }
    let detected = match &mail.early.detected {
        Some(done) => done.clone(),
        None => detect::detect_view(&mail.view, &p.rules),
    };
    if let Ok(found) = detected {
        let source = match found.source {
            detect::Source::FacturX => InvoiceSource::FacturX,
            detect::Source::Regex => InvoiceSource::SentFolder,
        };
        if let Some(done) = records::document(p, store, mail, found, source)? {
            return Ok(done);
        }
    }
    match thread_match(p, store, mail, true)? {
        Some(m) if m.from_user => manual_contact(p, store, mail, m),
        _ => Ok(ignored("sent mail outside any tracked thread")),
    }
}

fn inbox(p: &Pipeline, store: &Store, mail: &Mail<'_>) -> Result<Ingested> {
    let from = mail.view.from.as_ref();
    if from == Some(&p.config.company.email)
        && let Some(reference) = user_reference(&mail.view)
    {
        return user::answer(p, store, mail, reference);
    }
    if from.is_some_and(|f| p.config.detect.invoice_senders.contains(f))
        && let Ok(found) = detect::detect_view(&mail.view, &p.rules)
        && let Some(done) = records::document(p, store, mail, found, InvoiceSource::InboxBcc)?
    {
        return Ok(done);
    }
    match thread_match(p, store, mail, false)? {
        None => Ok(ignored("not about a tracked invoice or a known client")),
        Some(m) if m.from_user => manual_contact(p, store, mail, m),
        Some(m) => reply::reply(p, store, mail, m),
    }
}

/// The reference of the task or alert a message answers, if any.
fn user_reference(view: &MailView<'_>) -> Option<UserRef> {
    view.in_reply_to
        .iter()
        .chain(view.references.iter().rev())
        .find_map(UserRef::from_message_id)
}

fn thread_match(
    p: &Pipeline,
    store: &Store,
    mail: &Mail<'_>,
    in_sent_folder: bool,
) -> Result<Option<ThreadMatch>> {
    let v = &mail.view;
    let (in_reply_to, references) = if v.in_reply_to.is_empty() && v.references.is_empty() {
        returned_thread(v)
    } else {
        (v.in_reply_to.clone(), v.references.clone())
    };
    let incoming = Incoming {
        message_id: v.message_id.clone(),
        in_reply_to,
        references,
        from: v.from.clone(),
        recipients: v.recipients.iter().map(|(a, _)| a.clone()).collect(),
        subject: v.subject.clone(),
        body_snippet: v.body.chars().take(SNIPPET_CHARS).collect(),
        in_sent_folder,
    };
    let cache = p.index(store)?;
    let index = cache.get();
    let mut found = match_thread(&incoming, index);
    // A reply in one invoice's thread that names the client's other
    // invoices ("les deux factures F-1 et F-2") is about them too.
    if let Some(m) = found.as_mut()
        && m.via == MatchedVia::References
        && let Some(numbers) = m.client.and_then(|c| index.invoice_numbers.get(&c))
    {
        let text = format!("{}\n{}", incoming.subject, incoming.body_snippet).to_lowercase();
        for (number, id) in numbers {
            if !m.invoices.contains(id) && mentions(&text, &number.0.to_lowercase()) {
                m.invoices.push(*id);
            }
        }
        m.invoices.sort();
    }
    Ok(found)
}

/// The thread headers of the message a delivery report returns (its
/// `message/rfc822` or `text/rfc822-headers` part): the returned message's
/// own id first, then what it replied to.
fn returned_thread(view: &MailView<'_>) -> (Vec<MessageId>, Vec<MessageId>) {
    for part in &view.message.parts {
        let returned = match &part.body {
            PartType::Message(m) => Some(m.clone()),
            _ if part.content_type().is_some_and(|ct| {
                ct.subtype()
                    .is_some_and(|s| s.eq_ignore_ascii_case("rfc822-headers"))
            }) =>
            {
                MessageParser::default().parse(part.contents())
            }
            _ => None,
        };
        let Some(m) = returned else { continue };
        let own: Vec<MessageId> = m
            .message_id()
            .and_then(MessageId::new)
            .into_iter()
            .collect();
        let mut refs = ids(m.references());
        refs.extend(ids(m.in_reply_to()));
        if !own.is_empty() || !refs.is_empty() {
            return (own, refs);
        }
    }
    (Vec::new(), Vec::new())
}

fn ids(value: &HeaderValue<'_>) -> Vec<MessageId> {
    match value {
        HeaderValue::Text(t) => MessageId::new(t).into_iter().collect(),
        HeaderValue::TextList(list) => list.iter().filter_map(|t| MessageId::new(t)).collect(),
        _ => Vec::new(),
    }
}

/// The user wrote in a tracked thread: the next step waits (SPEC §3).
fn manual_contact(
    p: &Pipeline,
    store: &Store,
    mail: &Mail<'_>,
    m: ThreadMatch,
) -> Result<Ingested> {
    let Some(client) = m.client else {
        return Ok(ignored("the user's message names no client"));
    };
    store.transaction(|s| {
        s.record_event(&NewEvent {
            client,
            at: mail.at,
            invoices: m.invoices.clone(),
            kind: EventKind::ManualContact,
            message: Some(mail.row),
        })?;
        s.link_message(mail.row, &m.invoices)?;
        s.append_audit(&NewAudit {
            at: mail.now,
            client: Some(client),
            invoices: m.invoices.clone(),
            decision: "manual contact".to_string(),
            reason: format!("the user wrote \"{}\" in the thread", mail.view.subject),
            actor: Actor::User,
        })
    })?;
    if let Some(mid) = &mail.view.message_id {
        p.index_changed(store, Change::Linked(mid, &m.invoices))?;
    }
    Ok(Ingested::ManualContact {
        client,
        invoices: m.invoices,
    })
}

/// Headers-only triage: is the body worth fetching?
pub(super) fn wants_body(
    p: &Pipeline,
    ix: &ThreadIndex,
    folder: FolderKind,
    h: &HeaderSummary,
) -> bool {
    let tracked = h
        .in_reply_to
        .iter()
        .chain(&h.references)
        .any(|id| ix.messages.contains(id));
    let user = &p.config.company.email;
    match folder {
        FolderKind::Sent => !h.automated && (tracked || may_be_invoice(p, h)),
        FolderKind::Inbox => {
            tracked
                || h.from.as_ref().is_some_and(|f| {
                    f == user
                        || ix.client_of(f).is_some()
                        || p.config.detect.invoice_senders.contains(f)
                })
        }
    }
}

/// Detection's gates as far as headers tell: someone else is addressed, and
/// a configured subject gate (when it is the only gate) admits the subject.
fn may_be_invoice(p: &Pipeline, h: &HeaderSummary) -> bool {
    let user = &p.config.company.email;
    if !h.to.iter().any(|a| a != user) {
        return false;
    }
    let gates = &p.rules.candidates;
    match (&gates.subject, &gates.body, &gates.attachment_name) {
        (Some(subject), None, None) => subject.is_match(&h.subject),
        _ => true,
    }
}
