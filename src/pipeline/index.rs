//! The thread index the matcher reads, built from the store once and kept:
//! rebuilt only when the store's stamp moved (another process wrote), and
//! patched in place after the pipeline's own writes, so that an initial sync
//! of 100,000 messages never rebuilds it per message.

use std::collections::{HashMap, HashSet};
use std::sync::MutexGuard;

use super::{Pipeline, Result};
use crate::config::Config;
use crate::domain::{ClientId, EmailAddress, InvoiceId, InvoiceNumber, InvoiceStatus, MessageId};
use crate::store::{IndexRows, IndexStamp, Store};
use crate::threading::{IdKey, ThreadIndex};

/// Shared mail providers: a domain that identifies nobody.
const WEBMAIL: &[&str] = &[
    "gmail.com",
    "googlemail.com",
    "outlook.com",
    "outlook.fr",
    "hotmail.com",
    "hotmail.fr",
    "live.com",
    "live.fr",
    "msn.com",
    "yahoo.com",
    "yahoo.fr",
    "icloud.com",
    "me.com",
    "aol.com",
    "gmx.com",
    "gmx.fr",
    "gmx.de",
    "protonmail.com",
    "proton.me",
    "orange.fr",
    "wanadoo.fr",
    "free.fr",
    "sfr.fr",
    "neuf.fr",
    "laposte.net",
    "bbox.fr",
    "numericable.fr",
];

/// The cached index and the stamp it was built at.
#[derive(Debug, Default)]
pub(super) struct Cache {
    index: ThreadIndex,
    stamp: Option<IndexStamp>,
}

/// A change the pipeline itself made, applied to the cached index.
pub(super) enum Change<'a> {
    Invoice {
        id: InvoiceId,
        client: ClientId,
        number: &'a InvoiceNumber,
        message_id: Option<&'a MessageId>,
        contacts: &'a [EmailAddress],
    },
    Closed(InvoiceId),
    Linked(&'a MessageId, &'a [InvoiceId]),
    Outbox(&'a MessageId, &'a [InvoiceId]),
}

impl Pipeline {
    /// The index, fresh with respect to the store.
    pub(super) fn index(&self, store: &Store) -> Result<MutexGuard<'_, Cache>> {
        let mut cache = self
            .index
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let stamp = store.index_stamp()?;
        if cache.stamp != Some(stamp) {
            cache.index = build(store.index_rows()?, &self.config);
            cache.stamp = Some(stamp);
        }
        Ok(cache)
    }

    /// Applies the pipeline's own write to the cached index and takes the
    /// new stamp, so the write does not force a rebuild. The stamp moved
    /// with the write itself, so it cannot tell whether the cache was fresh;
    /// the data version can: unchanged, no other connection committed since
    /// the cache was last brought up to date, and the write is all that
    /// changed. Checking freshness first would rebuild the whole index after
    /// every invoice found (quadratic over a first sync).
    pub(super) fn index_changed(&self, store: &Store, change: Change<'_>) -> Result<()> {
        let mut cache = self
            .index
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let stamp = store.index_stamp()?;
        match cache.stamp {
            Some(before) if !before.other_writers_since(&stamp) => cache.apply(change),
            _ => cache.index = build(store.index_rows()?, &self.config),
        }
        cache.stamp = Some(stamp);
        Ok(())
    }
}

impl Cache {
    pub(super) fn get(&self) -> &ThreadIndex {
        &self.index
    }

    fn apply(&mut self, change: Change<'_>) {
        let ix = &mut self.index;
        match change {
            Change::Invoice {
                id,
                client,
                number,
                message_id,
                contacts,
            } => {
                ix.invoice_clients.insert(id, client);
                let numbers = ix.invoice_numbers.entry(client).or_default();
                numbers.retain(|(_, i)| *i != id);
                numbers.push((number.clone(), id));
                if let Some(mid) = message_id {
                    ix.messages.add(mid, id);
                }
                for address in contacts {
                    ix.addresses.entry(address.clone()).or_insert(client);
                    let domain = address.domain();
                    let own = ix.own_addresses.iter().any(|a| a.domain() == domain);
                    if !WEBMAIL.contains(&domain) && !own {
                        match ix.domains.get(domain) {
                            None => {
                                ix.domains.insert(domain.to_string(), client);
                            }
                            Some(other) if *other != client => {
                                ix.domains.remove(domain);
                            }
                            Some(_) => {}
                        }
                    }
                }
            }
            Change::Closed(id) => {
                for numbers in ix.invoice_numbers.values_mut() {
                    numbers.retain(|(_, i)| *i != id);
                }
            }
            Change::Linked(mid, invoices) => {
                for id in invoices {
                    ix.messages.add(mid, *id);
                }
            }
            Change::Outbox(mid, invoices) => {
                ix.relance_messages.insert(IdKey::of(mid));
                if !invoices.is_empty() {
                    ix.messages.set(mid, invoices);
                }
            }
        }
    }
}

/// The index from the store's rows: every tracked Message-ID, open invoice
/// numbers per client, addresses, and the domains that name one client only.
pub(super) fn build(rows: IndexRows, config: &Config) -> ThreadIndex {
    let mut ix = ThreadIndex::default();
    for inv in rows.invoices {
        ix.invoice_clients.insert(inv.id, inv.client);
        if let Some(mid) = &inv.message_id {
            ix.messages.add(mid, inv.id);
        }
        if inv.status == InvoiceStatus::Open {
            let numbers = ix.invoice_numbers.entry(inv.client).or_default();
            numbers.push((inv.number, inv.id));
        }
    }
    for (mid, id) in &rows.links {
        ix.messages.add(mid, *id);
    }
    for (mid, invoices) in &rows.outbox {
        ix.relance_messages.insert(IdKey::of(mid));
        if !invoices.is_empty() {
            ix.messages.set(mid, invoices);
        }
    }
    let mut domains: HashMap<String, HashSet<ClientId>> = HashMap::new();
    for (address, client) in rows.contacts {
        domains
            .entry(address.domain().to_string())
            .or_default()
            .insert(client);
        ix.addresses.insert(address, client);
    }
    ix.domains = domains
        .into_iter()
        .filter(|(d, _)| !WEBMAIL.contains(&d.as_str()) && *d != config.company.email.domain())
        .filter_map(|(d, clients)| {
            let mut it = clients.into_iter();
            match (it.next(), it.next()) {
                (Some(only), None) => Some((d, only)),
                _ => None,
            }
        })
        .collect();
    ix.own_addresses.insert(config.company.email.clone());
    ix
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::IndexInvoice;

    fn addr(s: &str) -> EmailAddress {
        EmailAddress::parse(s).unwrap()
    }

    #[test]
    fn shared_and_webmail_domains_name_nobody() {
        let config = Config::default_for_tools();
        let rows = IndexRows {
            invoices: vec![IndexInvoice {
                id: InvoiceId(1),
                client: ClientId(1),
                number: InvoiceNumber("F-1".into()),
                status: InvoiceStatus::Paid,
                message_id: MessageId::new("a@b.fr"),
            }],
            links: vec![(MessageId::new("r@c.fr").unwrap(), InvoiceId(1))],
            outbox: vec![(MessageId::new("o@me.fr").unwrap(), vec![])],
            contacts: vec![
                (addr("a@client-a.fr"), ClientId(1)),
                (addr("a@gmail.com"), ClientId(1)),
                (addr("x@shared.fr"), ClientId(1)),
                (addr("y@shared.fr"), ClientId(2)),
            ],
        };
        let ix = build(rows, &config);
        assert_eq!(ix.domains.len(), 1);
        assert_eq!(ix.domains.get("client-a.fr"), Some(&ClientId(1)));
        assert!(
            ix.invoice_numbers.is_empty(),
            "a paid invoice is not matched by number"
        );
        assert_eq!(ix.messages.len(), 2);
        assert!(
            ix.relance_messages
                .contains(&IdKey::of(&MessageId::new("o@me.fr").unwrap()))
        );
    }
}
