//! The two messages to the user that concern no single client: the
//! forewarning of tomorrow's automatic sends (once a day, from the
//! configured hour) and the weekly digest (once a week, on the configured
//! day and hour). Both are recorded in the outbox like any other message.

use chrono::{DateTime, Datelike, Days, NaiveDate, Utc};
use rust_decimal::Decimal;

use super::plan::{to_client, upcoming};
use super::prepare::Outgoing;
use super::render::owner_input;
use super::{Pipeline, Result};
use crate::calendar::Calendar;
use crate::compose::{self, Digest, DigestEvent, DigestInvoice, PlannedSend, UserKind, UserRef};
use crate::domain::{InvoiceStatus, Money};
use crate::engine::{Action, Case, SentKind};
use crate::store::{OutboxKind, Purpose, Store};

pub(super) fn forewarning(
    p: &Pipeline,
    store: &Store,
    now: DateTime<Utc>,
) -> Result<Option<Outgoing>> {
    let config = &p.config;
    let Some(at) = config.sequence.forewarning else {
        return Ok(None);
    };
    let local = now.with_timezone(&config.company.time_zone);
    let today = local.date_naive();
    if local.time() < at || sent_since(store, OutboxKind::Forewarning, p, today)? {
        return Ok(None);
    }
    // Sent on the business day before the sends (Friday for Monday).
    let calendar = Calendar::new(config.sequence.calendar);
    if !calendar.is_business_day(today) {
        return Ok(None);
    }
    let tomorrow = calendar.next_business_day(today);
    let local_day = |t: DateTime<Utc>| t.with_timezone(&config.company.time_zone).date_naive();
    let mut sends: Vec<PlannedSend> = upcoming(p, store, now)?
        .into_iter()
        .filter(|(_, next)| local_day(next.at) == tomorrow && to_client(&next.action))
        .filter_map(|(case, next)| planned_send(&case, next.at, &next.action))
        .collect();
    if sends.is_empty() {
        return Ok(None);
    }
    sends.sort_by(|a, b| (a.at, &a.client).cmp(&(b.at, &b.client)));
    let owner = owner_input(config, now);
    let reference = UserRef {
        client: None,
        invoices: Vec::new(),
        kind: UserKind::Forewarning,
    };
    let message_id = reference.new_message_id(&config.company.domain, &mut rand::rng());
    let composed = compose::compose_forewarning(&p.templates, &owner, &sends, message_id)?;
    let out = Outgoing {
        client: None,
        purpose: Purpose::Forewarning,
        invoices: Vec::new(),
        recipients: vec![config.company.email.clone()],
        composed,
        to_user: true,
        notice_pdf: None,
        decision: "forewarning".to_string(),
        reason: format!("{} automatic sends planned for {tomorrow}", sends.len()),
    };
    Ok(Some(out))
}

/// Whether a message of `kind` was already created on or after `day`.
fn sent_since(store: &Store, kind: OutboxKind, p: &Pipeline, day: NaiveDate) -> Result<bool> {
    let tz = p.config.company.time_zone;
    Ok(store
        .last_outbox_of_kind(kind)?
        .is_some_and(|t| t.with_timezone(&tz).date_naive() >= day))
}

fn planned_send(case: &Case, at: DateTime<Utc>, action: &Action) -> Option<PlannedSend> {
    let Action::Step {
        step,
        action,
        invoices,
        recipients,
        ..
    } = action
    else {
        return None;
    };
    let chosen: Vec<_> = case
        .invoices
        .iter()
        .filter(|i| invoices.contains(&i.id))
        .collect();
    let currency = chosen.first()?.amount.currency;
    let total: Decimal = chosen.iter().map(|i| i.amount.amount - i.paid).sum();
    Some(PlannedSend {
        at,
        client: case.client_name.clone(),
        step: *step,
        action: *action,
        invoices: chosen.iter().map(|i| i.number.clone()).collect(),
        amount: Money::new(total, currency),
        recipients: recipients.clone(),
    })
}

pub(super) fn digest(p: &Pipeline, store: &Store, now: DateTime<Utc>) -> Result<Option<Outgoing>> {
    let config = &p.config;
    let Some(slot) = config.sequence.digest else {
        return Ok(None);
    };
    let local = now.with_timezone(&config.company.time_zone);
    let today = local.date_naive();
    let week_start = today - Days::new(u64::from(today.weekday().num_days_from_monday()));
    if local.weekday() != slot.day
        || local.time() < slot.at
        || sent_since(store, OutboxKind::Digest, p, week_start)?
    {
        return Ok(None);
    }
    let from = today - Days::new(6);
    let digest = Digest {
        from,
        to: today,
        open: open_invoices(store)?,
        sent: sent_this_week(p, store, now)?,
        planned: planned_week(p, store, now, today)?,
    };
    let owner = owner_input(config, now);
    let reference = UserRef {
        client: None,
        invoices: Vec::new(),
        kind: UserKind::Digest,
    };
    let message_id = reference.new_message_id(&config.company.domain, &mut rand::rng());
    let composed = compose::compose_digest(&p.templates, &owner, &digest, message_id)?;
    let out = Outgoing {
        client: None,
        purpose: Purpose::Digest,
        invoices: Vec::new(),
        recipients: vec![config.company.email.clone()],
        composed,
        to_user: true,
        notice_pdf: None,
        decision: "digest".to_string(),
        reason: format!("weekly digest for {from} to {today}"),
    };
    Ok(Some(out))
}

fn open_invoices(store: &Store) -> Result<Vec<DigestInvoice>> {
    Ok(store
        .list_invoices(Some(InvoiceStatus::Open))?
        .into_iter()
        .map(|i| DigestInvoice {
            remaining: Money::new(i.balance(), i.amount.currency),
            client: i.client_name,
            number: i.number,
            due_date: i.due_date,
        })
        .collect())
}

fn sent_this_week(p: &Pipeline, store: &Store, now: DateTime<Utc>) -> Result<Vec<DigestEvent>> {
    let tz = p.config.company.time_zone;
    let mut names = std::collections::HashMap::new();
    for c in store.list_clients()? {
        names.insert(c.id, c.name);
    }
    let mut numbers = std::collections::HashMap::new();
    for i in store.list_invoices(None)? {
        numbers.insert(i.id, i.number);
    }
    let rows = store.outbox_went_out(None, Some(now - chrono::Duration::days(7)))?;
    Ok(rows
        .into_iter()
        .filter_map(|r| {
            let Purpose::Case(SentKind::Step { step, action, .. }) = r.purpose else {
                return None;
            };
            Some(DigestEvent {
                date: r
                    .sent_at
                    .unwrap_or(r.created_at)
                    .with_timezone(&tz)
                    .date_naive(),
                client: r
                    .client
                    .and_then(|c| names.get(&c).cloned())
                    .unwrap_or_default(),
                step,
                action,
                invoices: r
                    .invoices
                    .iter()
                    .filter_map(|i| numbers.get(i).cloned())
                    .collect(),
            })
        })
        .collect())
}

fn planned_week(
    p: &Pipeline,
    store: &Store,
    now: DateTime<Utc>,
    today: NaiveDate,
) -> Result<Vec<DigestEvent>> {
    let tz = p.config.company.time_zone;
    let horizon = today + Days::new(7);
    let mut planned: Vec<DigestEvent> = upcoming(p, store, now)?
        .into_iter()
        .filter_map(|(case, next)| {
            let date = next.at.with_timezone(&tz).date_naive();
            let send = planned_send(&case, next.at, &next.action)?;
            (date <= horizon).then_some(DigestEvent {
                date,
                client: send.client,
                step: send.step,
                action: send.action,
                invoices: send.invoices,
            })
        })
        .collect();
    planned.sort_by(|a, b| (a.date, &a.client).cmp(&(b.date, &b.client)));
    Ok(planned)
}
