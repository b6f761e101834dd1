//! Preparing a due action: which attachments to fetch, composing the message
//! (a threaded reminder to the client's contacts, or a task, alert or
//! end-of-sequence notice to the user with a reference in its Message-ID),
//! and recording the intent with its audit entry before anything is sent.

use chrono::{DateTime, Utc};

use super::index::Change;
use super::render::{self, Rendering};
use super::{AttachmentFetch, Due, Error, Pipeline, Prepared, Result};
use crate::compose::{self, AlertInput, StepRequest, SubjectStyle, UserKind, UserRef};
use crate::detect::MailView;
use crate::domain::{ClientId, EmailAddress, InvoiceId, StepAction, StepNo};
use crate::engine::{Action, AlertKind, SentKind};
use crate::store::{Actor, NewAudit, NewIntent, OutboxState, Purpose, Store};

/// The decoded content of MIME part `part` (an IMAP section such as `2`)
/// of a whole message, as composition attaches it.
pub fn extract_attachment(raw_message: &[u8], part: &str) -> Option<compose::Attachment> {
    let view = MailView::parse(raw_message)?;
    let a = view.attachments.iter().find(|a| a.imap_section == part)?;
    Some(compose::Attachment {
        filename: a
            .file_name
            .clone()
            .unwrap_or_else(|| format!("attachment-{part}")),
        content_type: a.content_type.clone(),
        content: view.attachment_bytes(a).to_vec(),
    })
}

/// Client messages re-attach the invoices' original files; messages to the
/// user attach nothing.
pub(super) fn attachments_needed(store: &Store, due: &Due) -> Result<Vec<AttachmentFetch>> {
    let Action::Step {
        action: StepAction::Email | StepAction::Notice,
        invoices,
        ..
    } = &due.action
    else {
        return Ok(Vec::new());
    };
    let mut out = Vec::new();
    for &invoice in invoices {
        let row = store.invoice(invoice)?;
        let Some(location) = row.original.and_then(|o| o.location) else {
            continue;
        };
        for a in store.attachments(invoice)? {
            out.push(AttachmentFetch {
                invoice,
                location: location.clone(),
                part: a.part,
                filename: a.filename,
                content_type: a.content_type,
            });
        }
    }
    Ok(out)
}

/// A composed message about to be recorded.
pub(super) struct Outgoing {
    pub client: Option<ClientId>,
    pub purpose: Purpose,
    pub invoices: Vec<InvoiceId>,
    pub recipients: Vec<EmailAddress>,
    pub composed: compose::Composed,
    pub to_user: bool,
    pub notice_pdf: Option<Vec<u8>>,
    pub decision: String,
    pub reason: String,
}

pub(super) fn prepare(
    p: &Pipeline,
    store: &Store,
    due: &Due,
    attachments: Vec<(InvoiceId, compose::Attachment)>,
    now: DateTime<Utc>,
) -> Result<Prepared> {
    let out = outgoing(p, store, due, attachments, now)?;
    record(p, store, out, now)
}

/// Composes the message for `due` without recording anything: what
/// [`prepare`] records, and what `relance preview` shows.
pub(super) fn outgoing(
    p: &Pipeline,
    store: &Store,
    due: &Due,
    attachments: Vec<(InvoiceId, compose::Attachment)>,
    now: DateTime<Utc>,
) -> Result<Outgoing> {
    Ok(match &due.action {
        Action::Step {
            step,
            action: StepAction::CallTask,
            invoices,
            recipients,
            promise_not_kept,
            ..
        } => {
            let purpose = Purpose::Case(SentKind::Step {
                step: *step,
                action: StepAction::CallTask,
                promise_not_kept: *promise_not_kept,
            });
            let ask = (invoices, recipients.clone(), UserKind::CallTask, None);
            to_user(p, store, due, ask, purpose, now)?
        }
        Action::Step { .. } => client_step(p, store, due, attachments, now)?,
        Action::Alert {
            kind,
            event,
            invoices,
        } => {
            let alert = alert_input(store, *kind, *event)?;
            let purpose = Purpose::Case(SentKind::Alert {
                kind: *kind,
                event: *event,
            });
            let contacts = known_contacts(store, due.client)?;
            let ask = (invoices, contacts, UserKind::Alert(*kind), Some(alert));
            to_user(p, store, due, ask, purpose, now)?
        }
        Action::EndOfSequence { invoices } => {
            let purpose = Purpose::Case(SentKind::EndOfSequence);
            let contacts = known_contacts(store, due.client)?;
            let ask = (invoices, contacts, UserKind::EndOfSequence, None);
            to_user(p, store, due, ask, purpose, now)?
        }
    })
}

/// Records the intent and its audit entry together, and teaches the thread
/// index the new Message-ID.
pub(super) fn record(
    p: &Pipeline,
    store: &Store,
    out: Outgoing,
    now: DateTime<Utc>,
) -> Result<Prepared> {
    let message_id = out.composed.message_id.clone();
    let intent = NewIntent {
        client: out.client,
        purpose: out.purpose,
        invoices: out.invoices.clone(),
        recipients: out.recipients.clone(),
        message_id: message_id.clone(),
        created_at: now,
        state: OutboxState::Sending,
        raw: Some(out.composed.bytes.clone()),
    };
    let audit = NewAudit {
        at: now,
        client: out.client,
        invoices: out.invoices.clone(),
        decision: out.decision,
        reason: out.reason,
        actor: Actor::Daemon,
    };
    let outbox = store.insert_intent(&intent, &audit)?;
    let threaded: &[InvoiceId] = if out.to_user { &[] } else { &out.invoices };
    p.index_changed(store, Change::Outbox(&message_id, threaded))?;
    Ok(Prepared {
        outbox,
        message_id,
        recipients: out.recipients,
        subject: out.composed.subject,
        raw: out.composed.bytes,
        to_user: out.to_user,
        notice_pdf: out.notice_pdf,
    })
}

fn known_contacts(store: &Store, client: ClientId) -> Result<Vec<EmailAddress>> {
    Ok(store
        .contacts(client)?
        .into_iter()
        .filter(|c| !c.bounced)
        .map(|c| c.address)
        .collect())
}

/// A reminder or the formal notice, in the thread of the oldest invoice.
fn client_step(
    p: &Pipeline,
    store: &Store,
    due: &Due,
    attachments: Vec<(InvoiceId, compose::Attachment)>,
    now: DateTime<Utc>,
) -> Result<Outgoing> {
    let Action::Step {
        step,
        action,
        template,
        invoices,
        recipients,
        promise_not_kept,
    } = &due.action
    else {
        return Err(Error::Other("not a ladder step".to_string()));
    };
    check_recipients(store, due.client, recipients)?;
    let Rendering { case, promised } = render::case_input(
        p,
        store,
        due.client,
        invoices,
        recipients.clone(),
        attachments,
        now,
    )?;
    let config = &p.config;
    let req = StepRequest {
        step: *step,
        template: template.clone(),
        promise_not_kept: *promise_not_kept,
        promised_date: promised.filter(|_| *promise_not_kept),
        subject_style: if config.sequence.marked_subjects {
            SubjectStyle::Marked
        } else {
            SubjectStyle::Reply
        },
        message_id: compose::new_message_id(&config.company.domain, &mut rand::rng()),
    };
    let preview = compose::preview(&p.templates, &case, &req)?;
    let mut composed = preview.message;
    // The notice is a letter for registered mail; it reaches the client by
    // email only where the configuration says so, else the user prints it.
    let letter_only = *action == StepAction::Notice && !config.sequence.email_notice;
    let recipients = if letter_only {
        composed.bytes = readdress(&composed.bytes, &config.company.email);
        vec![config.company.email.clone()]
    } else {
        recipients.clone()
    };
    Ok(Outgoing {
        client: Some(due.client),
        purpose: Purpose::Case(SentKind::Step {
            step: *step,
            action: *action,
            promise_not_kept: *promise_not_kept,
        }),
        invoices: invoices.clone(),
        recipients,
        composed,
        to_user: letter_only,
        notice_pdf: preview.notice_pdf,
        decision: step_decision(*step, *action, *promise_not_kept),
        reason: due.reason.clone(),
    })
}

/// Client messages go only to the client's known, deliverable contacts (the
/// engine picked them; a stale or tampered action is refused).
fn check_recipients(store: &Store, client: ClientId, recipients: &[EmailAddress]) -> Result<()> {
    let known = known_contacts(store, client)?;
    if recipients.is_empty() || recipients.iter().any(|r| !known.contains(r)) {
        return Err(Error::Other(format!(
            "refusing to write to {recipients:?}: not all known contacts of client {client}"
        )));
    }
    Ok(())
}

fn step_decision(step: StepNo, action: StepAction, promise_not_kept: bool) -> String {
    let broken = if promise_not_kept {
        " (promise not kept)"
    } else {
        ""
    };
    format!("step {step} {action}{broken}")
}

/// What a message to the user is about: the invoices, the client's
/// addresses to show, its kind and the alert's details.
type Ask<'a> = (
    &'a Vec<InvoiceId>,
    Vec<EmailAddress>,
    UserKind,
    Option<AlertInput>,
);

/// A call task, an alert or the end-of-sequence notice, to the user.
fn to_user(
    p: &Pipeline,
    store: &Store,
    due: &Due,
    (invoices, contacts, kind, alert): Ask<'_>,
    purpose: Purpose,
    now: DateTime<Utc>,
) -> Result<Outgoing> {
    let Rendering { case, .. } =
        render::case_input(p, store, due.client, invoices, contacts, Vec::new(), now)?;
    let reference = UserRef {
        client: Some(due.client),
        invoices: case.invoices.iter().map(|i| i.id).collect(),
        kind: kind.clone(),
    };
    let message_id = reference.new_message_id(&p.config.company.domain, &mut rand::rng());
    let composed =
        compose::compose_for_user(&p.templates, &case, &kind, alert.as_ref(), message_id)?;
    Ok(Outgoing {
        client: Some(due.client),
        purpose,
        invoices: invoices.clone(),
        recipients: vec![p.config.company.email.clone()],
        composed,
        to_user: true,
        notice_pdf: None,
        decision: kind.as_str().to_string(),
        reason: due.reason.clone(),
    })
}

fn alert_input(
    store: &Store,
    kind: AlertKind,
    event: Option<crate::domain::EventId>,
) -> Result<AlertInput> {
    let reading = match event {
        Some(id) => store.event_reading(id)?,
        None => None,
    };
    Ok(AlertInput {
        kind,
        from: reading.as_ref().and_then(|r| r.from.clone()),
        received: reading.as_ref().map(|r| r.at),
        evidence: reading.as_ref().and_then(|r| r.evidence.clone()),
        excerpt: None,
        date: reading.and_then(|r| r.date),
    })
}

/// The message with its `To:` header (folded lines included) replaced.
fn readdress(raw: &[u8], to: &EmailAddress) -> Vec<u8> {
    let split = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .map_or(raw.len(), |i| i + 2);
    let (head, body) = raw.split_at(split);
    let mut out = Vec::with_capacity(raw.len());
    let mut skipping = false;
    for line in head.split_inclusive(|&b| b == b'\n') {
        let folded = line.first().is_some_and(|b| *b == b' ' || *b == b'\t');
        if skipping && folded {
            continue;
        }
        skipping = line
            .get(..3)
            .is_some_and(|name| name.eq_ignore_ascii_case(b"to:"));
        if skipping {
            out.extend_from_slice(format!("To: <{to}>\r\n").as_bytes());
        } else {
            out.extend_from_slice(line);
        }
    }
    out.extend_from_slice(body);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn readdress_replaces_a_folded_to_header_only() {
        let raw = b"From: a@b.fr\r\nTo: x@c.fr,\r\n y@c.fr\r\nSubject: s\r\n\r\nTo: body\r\n";
        let to = EmailAddress::parse("me@b.fr").unwrap();
        let got = String::from_utf8(readdress(raw, &to)).unwrap();
        assert_eq!(
            got,
            "From: a@b.fr\r\nTo: <me@b.fr>\r\nSubject: s\r\n\r\nTo: body\r\n"
        );
    }
}
