//! Per-client overrides: checking `[[client]]` tables, finding the one that
//! applies to an address, and folding it into the engine's `Policy`.
//!
//! An exact address wins over a domain; a longer domain over a shorter one
//! (`compta.client.fr` before `client.fr`); an address or domain belongs to
//! at most one client, so the answer never depends on table order.

use std::collections::HashMap;

use super::error::Error;
use super::model::{ClientConfig, Sequence};
use super::raw::S;
use super::raw_sequence::RawClient;
use super::validate::{Check, address};
use super::validate_sequence::ladder;
use super::values;
use crate::calendar::Calendar;
use crate::domain::{Currency, EmailAddress};
use crate::engine::Policy;

pub(crate) fn clients(
    ck: &Check<'_>,
    raw: &[S<RawClient>],
    currency: Currency,
) -> Result<Vec<ClientConfig>, Error> {
    let mut seen: HashMap<String, usize> = HashMap::new();
    let mut out = Vec::with_capacity(raw.len());
    for (index, table) in raw.iter().enumerate() {
        let c = table.get_ref();
        if c.emails.is_empty() && c.domains.is_empty() {
            return Err(ck.error(
                &table.span(),
                "a [[client]] matches nothing, expected emails = [...] or domains = [...]",
            ));
        }
        let emails: Vec<EmailAddress> = c
            .emails
            .iter()
            .map(|e| ck.at(e, |s| values::email(s)))
            .collect::<Result<_, _>>()?;
        let domains: Vec<String> = c
            .domains
            .iter()
            .map(|d| ck.at(d, |s| values::domain(s)))
            .collect::<Result<_, _>>()?;
        let keys = emails
            .iter()
            .map(|e| e.to_string())
            .chain(domains.iter().map(|d| format!("@{d}")));
        let spans = c.emails.iter().chain(c.domains.iter());
        for (key, span) in keys.zip(spans) {
            if let Some(first) = seen.insert(key.clone(), index)
                && first != index
            {
                return Err(ck.error(
                    &span.span(),
                    format!(
                        "'{}' already belongs to [[client]] number {}, expected each address \
                         or domain in one client only",
                        key.trim_start_matches('@'),
                        first + 1
                    ),
                ));
            }
        }
        out.push(client(ck, c, emails, domains, currency)?);
    }
    Ok(out)
}

fn client(
    ck: &Check<'_>,
    c: &RawClient,
    emails: Vec<EmailAddress>,
    domains: Vec<String>,
    currency: Currency,
) -> Result<ClientConfig, Error> {
    Ok(ClientConfig {
        name: c.name.clone(),
        emails,
        domains,
        contact_name: c.contact_name.clone(),
        billing_contact: ck.maybe(&c.billing_contact, |s| values::email(s))?,
        phone: c.phone.clone(),
        address: c.address.as_ref().map(address),
        exclude: c.exclude.unwrap_or(false),
        language: ck.maybe(&c.language, |s| values::spelled("language", s))?,
        grouping: ck.maybe(&c.grouping, |s| values::spelled("grouping", s))?,
        minimum_amount: ck.maybe(&c.minimum_amount, |n| values::amount(n, currency))?,
        ladder: c.step.as_ref().map(|s| ladder(ck, s)).transpose()?,
        notice_confirmed: c.notice_confirmed.unwrap_or(false),
    })
}

/// The client whose overrides apply to `addr`, if any.
pub(crate) fn find<'c>(
    clients: &'c [ClientConfig],
    addr: &EmailAddress,
) -> Option<&'c ClientConfig> {
    if let Some(c) = clients.iter().find(|c| c.emails.contains(addr)) {
        return Some(c);
    }
    let domain = addr.domain();
    clients
        .iter()
        .flat_map(|c| c.domains.iter().map(move |d| (d, c)))
        .filter(|(d, _)| {
            domain == d.as_str()
                || domain
                    .strip_suffix(d.as_str())
                    .is_some_and(|rest| rest.ends_with('.'))
        })
        .max_by_key(|(d, _)| d.len())
        .map(|(_, c)| c)
}

/// The global sequence with `client`'s overrides applied.
pub(crate) fn policy(seq: &Sequence, client: Option<&ClientConfig>) -> Policy {
    let ladder = client
        .and_then(|c| c.ladder.clone())
        .unwrap_or_else(|| seq.ladder.clone());
    let min_amount = client
        .and_then(|c| c.minimum_amount)
        .unwrap_or(seq.minimum_amount);
    Policy {
        ladder,
        grouping: client.and_then(|c| c.grouping).unwrap_or(seq.grouping),
        calendar: Calendar::new(seq.calendar),
        window: seq.window,
        min_gap: seq.min_gap,
        min_amount: min_amount.amount,
        manual_contact_delay: seq.manual_contact_delay,
        promise_grace: seq.promise_grace,
        ooo_default_delay: seq.ooo_default_delay,
        paid_confirmation_delay: seq.paid_confirmation_delay,
        notice_deadline: seq.notice_deadline,
        notice_requires_confirmation: seq.notice_requires_confirmation
            && !client.is_some_and(|c| c.notice_confirmed),
        excluded: client.is_some_and(|c| c.exclude),
    }
}
