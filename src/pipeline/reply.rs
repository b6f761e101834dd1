//! A client's message, matched to a client (and maybe invoices): read it
//! with `classify`, store the reading with the event it produces, link the
//! message to the invoices, and mark a failed address bounced. The engine
//! decides what the event means for the ladder.

use super::index::Change;
use super::ingest::{Mail, ignored};
use super::render::client_config;
use super::{Ingested, Pipeline, Result};
use chrono::{DateTime, NaiveDate, Utc};

use crate::calendar::Calendar;
use crate::classify::{self, LanguageHint};
use crate::detect::MailView;
use crate::domain::{ClientId, EmailAddress, Language, ReplyClass, StepAction};
use crate::engine::{EventKind, SentKind};
use crate::store::{Actor, NewAudit, NewClassification, NewEvent, Purpose, Store};
use crate::threading::ThreadMatch;

pub(super) fn reply(
    p: &Pipeline,
    store: &Store,
    mail: &Mail<'_>,
    m: ThreadMatch,
) -> Result<Ingested> {
    let (Some(client), Some(from)) = (m.client, mail.view.from.clone()) else {
        return Ok(ignored("a reply without a client or a sender"));
    };
    let known: Vec<EmailAddress> = store
        .contacts(client)?
        .into_iter()
        .map(|c| c.address)
        .collect();
    let reading = read(p, store, mail, client, &known)?;
    // A delivery report speaks for no one: it is not an unknown sender's
    // claim, whatever address the mailer daemon writes from.
    let known_sender = !m.unknown_sender || reading.class == ReplyClass::Bounce;
    let failed: Vec<&EmailAddress> = reading
        .failed_recipients
        .iter()
        .filter(|a| known.contains(a))
        .collect();
    let event = NewEvent {
        client,
        at: mail.at,
        invoices: m.invoices.clone(),
        kind: EventKind::Reply {
            class: reading.class,
            date: reading.date,
            amount: reading.amount,
            from: from.clone(),
            known_sender,
            failed_address: failed
                .first()
                .map(|a| (*a).clone())
                .or_else(|| reading.failed_recipients.first().cloned()),
        },
        message: Some(mail.row),
    };
    let classification = NewClassification {
        message: mail.row,
        at: mail.now,
        class: reading.class,
        date: reading.date,
        amount: reading.amount,
        evidence: reading.evidence.clone(),
    };
    store.transaction(|s| {
        s.record_classification(&classification, Some(&event))?;
        s.link_message(mail.row, &m.invoices)?;
        for address in &failed {
            s.set_contact_bounced(address, true)?;
        }
        s.append_audit(&NewAudit {
            at: mail.now,
            client: Some(client),
            invoices: m.invoices.clone(),
            decision: format!("reply read as {}", reading.class),
            reason: format!("\"{}\" from {from}", reading.evidence),
            actor: Actor::Client,
        })
    })?;
    if let Some(mid) = &mail.view.message_id {
        p.index_changed(store, Change::Linked(mid, &m.invoices))?;
    }
    Ok(Ingested::Reply {
        client,
        invoices: m.invoices,
        class: reading.class,
        date: reading.date,
        evidence: reading.evidence,
        unknown_sender: !known_sender,
    })
}

/// Classifies the message with the client's language (when configured),
/// the configured calendar and the text of our own reminders; the reading
/// made while parsing stands when it was made with the same options.
fn read(
    p: &Pipeline,
    store: &Store,
    mail: &Mail<'_>,
    client: ClientId,
    known: &[EmailAddress],
) -> Result<classify::Reading> {
    let language = match client_config(&p.config, known).and_then(|c| c.language) {
        Some(Language::Fr) => LanguageHint::Fr,
        Some(Language::En) => LanguageHint::En,
        None => LanguageHint::Auto,
    };
    let reminders = reminder_texts(store, client)?;
    let today = today(p, mail.now);
    if language == LanguageHint::Auto
        && reminders.is_empty()
        && let Some((day, reading)) = &mail.early.reading
        && *day == today
    {
        return Ok(reading.clone());
    }
    let opts = options(p, language, reminders, today);
    Ok(classify::classify_message(&mail.view.message, &opts))
}

/// The reading [`read`] gives a client with no configured language and no
/// reminder sent yet, made from the message alone on `now`'s day.
pub(super) fn first_reading(
    p: &Pipeline,
    view: &MailView<'_>,
    now: DateTime<Utc>,
) -> (NaiveDate, classify::Reading) {
    let today = today(p, now);
    let opts = options(p, LanguageHint::Auto, Vec::new(), today);
    (today, classify::classify_message(&view.message, &opts))
}

fn options(
    p: &Pipeline,
    language: LanguageHint,
    reminders: Vec<String>,
    today: NaiveDate,
) -> classify::Options {
    classify::Options {
        language,
        calendar: Some(Calendar::new(p.config.sequence.calendar)),
        reminders,
        today: Some(today),
    }
}

/// The company's day at `now`.
fn today(p: &Pipeline, now: DateTime<Utc>) -> NaiveDate {
    now.with_timezone(&p.config.company.time_zone).date_naive()
}

/// The text of the reminders already sent to the client: a reply that
/// quotes one of them must not be read as the client's own words.
fn reminder_texts(store: &Store, client: ClientId) -> Result<Vec<String>> {
    let mut texts = Vec::new();
    for row in store.outbox_went_out(Some(client), None)? {
        let to_client = matches!(
            row.purpose,
            Purpose::Case(SentKind::Step {
                action: StepAction::Email | StepAction::Notice,
                ..
            })
        );
        if !to_client {
            continue;
        }
        if let Some(raw) = store.outbox_raw(row.id)?
            && let Some(view) = MailView::parse(&raw)
        {
            texts.push(view.body);
        }
    }
    Ok(texts)
}
