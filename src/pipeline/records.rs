//! Recording what detection found: an invoice (its client, contacts,
//! original email and attachment references) or a credit note (which
//! cancels the invoice it credits). Invoices sent before `since` are not
//! tracked (safe start, SPEC §1).

use chrono::NaiveDate;
use sha2::{Digest, Sha256};

use super::index::Change;
use super::ingest::{Mail, ignored};
use super::{Ingested, Pipeline, Result};
use crate::detect::{DetectedInvoice, DocumentKind, MailView};
use crate::domain::{ClientId, EmailAddress, InvoiceId, InvoiceStatus};
use crate::store::{
    self, Actor, Attachment, ContactSource, InvoiceSource, NewAudit, NewInvoice, Original,
    Recorded, Store,
};

/// Records a detected document. `None` when it names an invoice already
/// tracked: the message is then one more in that invoice's thread.
pub(super) fn document(
    p: &Pipeline,
    store: &Store,
    mail: &Mail<'_>,
    found: DetectedInvoice,
    source: InvoiceSource,
) -> Result<Option<Ingested>> {
    match found.kind {
        DocumentKind::CreditNote => credit_note(p, store, mail, &found).map(Some),
        DocumentKind::Invoice => invoice(p, store, mail, found, source),
    }
}

/// The `since` date: configured, else the first run's date.
pub(super) fn since(p: &Pipeline, store: &Store, today: NaiveDate) -> Result<NaiveDate> {
    match p.config.state.since {
        Some(d) => Ok(d),
        None => Ok(store.ensure_first_run_date(today)?),
    }
}

fn invoice(
    p: &Pipeline,
    store: &Store,
    mail: &Mail<'_>,
    found: DetectedInvoice,
    source: InvoiceSource,
) -> Result<Option<Ingested>> {
    if let Some(why) = untracked(p, store, mail, &found)? {
        return Ok(Some(ignored(why)));
    }
    let (client, recorded) = store.transaction(|s| save(p, s, mail, &found, source))?;
    if !recorded.new {
        return Ok(None);
    }
    p.index_changed(
        store,
        Change::Invoice {
            id: recorded.id,
            client,
            number: &found.number,
            message_id: found.message_id.as_ref(),
            contacts: &found.client_emails,
        },
    )?;
    Ok(Some(Ingested::Invoice {
        invoice: recorded.id,
        client,
        number: found.number.0,
    }))
}

/// Why an invoice is not tracked: no client address, or sent before `since`.
fn untracked(
    p: &Pipeline,
    store: &Store,
    mail: &Mail<'_>,
    found: &DetectedInvoice,
) -> Result<Option<String>> {
    if found.client_emails.is_empty() {
        return Ok(Some(format!(
            "invoice {} names no client address",
            found.number
        )));
    }
    let tz = p.config.company.time_zone;
    let since = since(p, store, mail.now.with_timezone(&tz).date_naive())?;
    let sent_on = mail.view.date.unwrap_or(found.issue_date);
    Ok((sent_on < since).then(|| {
        format!(
            "invoice {} sent on {sent_on}, before 'since' ({since})",
            found.number
        )
    }))
}

/// The client (named from `[[client]]`, else the invoice), its contacts and
/// the invoice with its original email, in the caller's transaction.
fn save(
    p: &Pipeline,
    s: &Store,
    mail: &Mail<'_>,
    found: &DetectedInvoice,
    source: InvoiceSource,
) -> store::Result<(ClientId, Recorded<InvoiceId>)> {
    let Some(first) = found.client_emails.first() else {
        return Err(store::Error::NoClient(ClientId(0)));
    };
    let cfg = p.config.client_override(first);
    let name = cfg
        .and_then(|c| c.name.clone())
        .or_else(|| found.client_name.clone())
        .unwrap_or_default();
    let client = s.upsert_client(first, &name, ContactSource::Invoice)?.id;
    for address in &found.client_emails {
        // An address only the Factur-X data gives (the buyer's billing
        // mailbox) is kept for when the recipient's address bounces.
        let billing = !mail.view.recipients.iter().any(|(a, _)| a == address);
        add_contact(s, client, address, billing, ContactSource::Invoice)?;
    }
    if let Some(billing) = cfg.and_then(|c| c.billing_contact.as_ref()) {
        add_contact(s, client, billing, true, ContactSource::Config)?;
    }
    let recorded = s.insert_invoice(&NewInvoice {
        client,
        number: found.number.clone(),
        amount: found.amount,
        issue_date: found.issue_date,
        due_date: found.due_date,
        source,
        original: found.message_id.clone().map(|message_id| Original {
            message_id,
            subject: found.subject.clone(),
            references: found.references.clone(),
            thread_topic: found.thread_topic.clone(),
            thread_index: found.thread_index.clone(),
            location: Some(mail.location.clone()),
        }),
        attachments: attachments(mail),
    })?;
    if recorded.new {
        s.link_message(mail.row, &[recorded.id])?;
        s.append_audit(&NewAudit {
            at: mail.now,
            client: Some(client),
            invoices: vec![recorded.id],
            decision: "invoice tracked".to_string(),
            reason: format!(
                "{} of {} due {} found in '{}'",
                found.number, found.amount.amount, found.due_date, found.subject
            ),
            actor: Actor::Daemon,
        })?;
    }
    Ok((client, recorded))
}

/// Adds a contact; an address that already belongs to another client stays
/// with it (one address, one client) and is only logged.
fn add_contact(
    s: &Store,
    client: ClientId,
    address: &EmailAddress,
    billing: bool,
    source: ContactSource,
) -> store::Result<()> {
    match s.add_contact(client, address, billing, source) {
        Err(store::Error::ContactTaken { address, owner }) => {
            tracing::warn!(%address, %owner, %client, "address already belongs to another client");
            Ok(())
        }
        other => other,
    }
}

/// The original's attachments: where they sit, to fetch them again.
fn attachments(mail: &Mail<'_>) -> Vec<Attachment> {
    let view = &mail.view;
    let digests = match &mail.early.digests {
        Some(done) if done.len() == view.attachments.len() => done.clone(),
        _ => digests(view),
    };
    view.attachments
        .iter()
        .zip(digests)
        .map(|(a, sha256)| Attachment {
            filename: a
                .file_name
                .clone()
                .unwrap_or_else(|| format!("attachment-{}", a.imap_section)),
            content_type: a.content_type.clone(),
            size: view.attachment_bytes(a).len() as u64,
            part: a.imap_section.clone(),
            sha256,
        })
        .collect()
}

/// The hex SHA-256 of each attachment, in the view's order: what says later
/// that a fetched copy is the same file.
pub(super) fn digests(view: &MailView<'_>) -> Vec<String> {
    view.attachments
        .iter()
        .map(|a| {
            Sha256::digest(view.attachment_bytes(a))
                .iter()
                .map(|b| format!("{b:02x}"))
                .collect()
        })
        .collect()
}

/// A credit note cancels the invoice it credits, when that is tracked.
fn credit_note(
    p: &Pipeline,
    store: &Store,
    mail: &Mail<'_>,
    found: &DetectedInvoice,
) -> Result<Ingested> {
    let mut cancelled = None;
    for address in &found.client_emails {
        let (Some(client), Some(number)) = (
            store.find_client_by_address(address)?,
            found.credited_number.as_ref(),
        ) else {
            continue;
        };
        if let Some(invoice) = store.find_invoice(client, number)? {
            store.transaction(|s| {
                s.set_invoice_status(invoice, InvoiceStatus::Cancelled)?;
                s.link_message(mail.row, &[invoice])?;
                s.append_audit(&NewAudit {
                    at: mail.now,
                    client: Some(client),
                    invoices: vec![invoice],
                    decision: "invoice cancelled".to_string(),
                    reason: format!("credit note {} credits {number}", found.number),
                    actor: Actor::User,
                })
            })?;
            p.index_changed(store, Change::Closed(invoice))?;
            cancelled = Some(invoice);
            break;
        }
    }
    Ok(Ingested::CreditNote { cancelled })
}
