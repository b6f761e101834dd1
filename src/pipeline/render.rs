//! From the store and the configuration to what composition reads: the
//! sender, the client (store first, `[[client]]` for what the store lacks),
//! the open invoices with their originals and fetched attachments, the
//! history of earlier reminders with their Message-IDs (so References chain
//! them), the language, the time zone, the penalties and the notice deadline.

use chrono::{DateTime, NaiveDate, Utc};
use rust_decimal::Decimal;

use super::{Pipeline, Result};
use crate::compose::{self, CaseInput, ContactKind, OriginalEmail, PastContact};
use crate::config::{ClientConfig, Config, PostalAddress};
use crate::domain::{
    ClientId, EmailAddress, Grouping, InvoiceId, InvoiceStatus, Language, ReplyClass, StepAction,
};
use crate::engine::{Delay, Event, EventKind, SentKind};
use crate::store::{Purpose, Store};

/// A case ready for composition, and the date the client last promised.
pub(super) struct Rendering {
    pub case: CaseInput,
    pub promised: Option<NaiveDate>,
}

/// The `[[client]]` entry that applies to one of these addresses.
pub(super) fn client_config<'c>(
    config: &'c Config,
    addresses: &[EmailAddress],
) -> Option<&'c ClientConfig> {
    addresses.iter().find_map(|a| config.client_override(a))
}

/// The language of messages to a client reached at these addresses.
pub(super) fn language(config: &Config, addresses: &[EmailAddress]) -> Language {
    client_config(config, addresses)
        .and_then(|c| c.language)
        .unwrap_or(config.company.language)
}

/// The case of `client` for composing about `scope` (the action's invoices),
/// addressed to `recipients`.
pub(super) fn case_input(
    p: &Pipeline,
    store: &Store,
    client: ClientId,
    scope: &[InvoiceId],
    recipients: Vec<EmailAddress>,
    attachments: Vec<(InvoiceId, compose::Attachment)>,
    now: DateTime<Utc>,
) -> Result<Rendering> {
    let config = &p.config;
    let row = store.client(client)?;
    let known: Vec<EmailAddress> = store
        .contacts(client)?
        .into_iter()
        .map(|c| c.address)
        .collect();
    let cfg = client_config(config, &known);
    let grouping = cfg
        .and_then(|c| c.grouping)
        .unwrap_or(config.sequence.grouping);
    let case = store.load_case(client)?;
    let invoices = open_invoices(
        store,
        client,
        &case.events,
        |id| grouping == Grouping::PerClient || scope.contains(&id),
        attachments,
    )?;
    let history = history(store, client, grouping, scope)?;
    let client = compose::Client {
        id: client,
        name: cfg.and_then(|c| c.name.clone()).unwrap_or(row.name),
        contact_name: cfg.and_then(|c| c.contact_name.clone()),
        contacts: recipients,
        phone: row.phone.or_else(|| cfg.and_then(|c| c.phone.clone())),
        address: match row.postal_address {
            Some(text) => text.lines().map(str::to_string).collect(),
            None => cfg
                .and_then(|c| c.address.as_ref())
                .map(address_lines)
                .unwrap_or_default(),
        },
        consumer: false,
    };
    Ok(Rendering {
        promised: last_promise(&case.events),
        case: CaseInput {
            sender: config.sender(),
            client,
            invoices,
            history,
            language: language(config, &known),
            time_zone: config.company.time_zone,
            now,
            penalties: config.penalty_regime(),
            notice_deadline_days: notice_days(config),
        },
    })
}

/// The client's open invoices that `wanted` keeps, with what `partial`
/// replies say was paid and the fetched attachments of each.
fn open_invoices(
    store: &Store,
    client: ClientId,
    events: &[Event],
    wanted: impl Fn(InvoiceId) -> bool,
    mut attachments: Vec<(InvoiceId, compose::Attachment)>,
) -> Result<Vec<compose::Invoice>> {
    let credited = partial_payments(events);
    let mut invoices = Vec::new();
    for inv in store.invoices_of_client(client)? {
        if inv.status != InvoiceStatus::Open || !wanted(inv.id) {
            continue;
        }
        let extra = credited
            .iter()
            .filter(|(i, _)| *i == inv.id)
            .map(|(_, a)| *a)
            .sum::<Decimal>();
        let (mine, rest): (Vec<_>, Vec<_>) =
            attachments.into_iter().partition(|(id, _)| *id == inv.id);
        attachments = rest;
        invoices.push(compose::Invoice {
            id: inv.id,
            number: inv.number.clone(),
            issue_date: inv.issue_date,
            due_date: inv.due_date,
            amount: inv.amount,
            paid: (inv.paid + extra).min(inv.amount.amount),
            original: inv.original.map(|o| OriginalEmail {
                message_id: o.message_id,
                subject: o.subject,
                references: o.references,
                thread_topic: o.thread_topic,
                thread_index: o.thread_index,
            }),
            attachments: mine.into_iter().map(|(_, a)| a).collect(),
        });
    }
    Ok(invoices)
}

/// The owner's own "case" for messages about no client (forewarning,
/// digest): sender, language, time zone and `now`.
pub(super) fn owner_input(config: &Config, now: DateTime<Utc>) -> CaseInput {
    CaseInput {
        sender: config.sender(),
        client: compose::Client {
            id: ClientId(0),
            name: config.company.name.clone(),
            contact_name: None,
            contacts: vec![config.company.email.clone()],
            phone: None,
            address: Vec::new(),
            consumer: false,
        },
        invoices: Vec::new(),
        history: Vec::new(),
        language: config.company.language,
        time_zone: config.company.time_zone,
        now,
        penalties: None,
        notice_deadline_days: notice_days(config),
    }
}

fn notice_days(config: &Config) -> u32 {
    match config.sequence.notice_deadline {
        Delay::CalendarDays(n) | Delay::BusinessDays(n) => n,
    }
}

fn address_lines(a: &PostalAddress) -> Vec<String> {
    let mut lines = a.street.clone();
    lines.push(format!("{} {}", a.postcode, a.city).trim().to_string());
    lines.extend(a.country.iter().cloned());
    lines
}

/// Earlier steps for the client (or, per invoice, for those invoices).
fn history(
    store: &Store,
    client: ClientId,
    grouping: Grouping,
    scope: &[InvoiceId],
) -> Result<Vec<PastContact>> {
    let rows = store.outbox_went_out(Some(client), None)?;
    Ok(rows
        .into_iter()
        .filter(|r| grouping == Grouping::PerClient || r.invoices.iter().any(|i| scope.contains(i)))
        .filter_map(|r| {
            let Purpose::Case(SentKind::Step { step, action, .. }) = r.purpose else {
                return None;
            };
            let kind = match action {
                StepAction::Email => ContactKind::Email,
                StepAction::CallTask => ContactKind::Call,
                StepAction::Notice => ContactKind::Notice,
            };
            Some(PastContact {
                at: r.sent_at.unwrap_or(r.created_at),
                step,
                kind,
                message_id: (kind != ContactKind::Call).then_some(r.message_id),
                recipients: r.recipients,
                outcome: None,
            })
        })
        .collect())
}

/// Amounts that `partial` replies say were paid, per invoice (an event for
/// the whole client is credited to its first named invoice by the engine;
/// here only events naming invoices count, to never overstate a payment).
fn partial_payments(events: &[Event]) -> Vec<(InvoiceId, Decimal)> {
    events
        .iter()
        .filter_map(|e| match &e.kind {
            EventKind::Reply {
                class: ReplyClass::Partial,
                amount: Some(amount),
                ..
            } => e.invoices.first().map(|i| (*i, *amount)),
            _ => None,
        })
        .collect()
}

/// The last date the client (or the user for it) promised.
fn last_promise(events: &[Event]) -> Option<NaiveDate> {
    events.iter().rev().find_map(|e| match &e.kind {
        EventKind::Reply {
            class: ReplyClass::Promise | ReplyClass::Partial,
            date,
            ..
        } => *date,
        EventKind::UserPromise { date } => Some(*date),
        _ => None,
    })
}
