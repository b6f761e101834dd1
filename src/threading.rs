//! Thread matching: which invoices and which client an incoming (or the
//! user's own) message is about. References first, then invoice numbers
//! named by a known client, then the client by address alone. Pure: the
//! caller builds a [`ThreadIndex`] from the store and gets data back.
//! Invoice numbers match as whole tokens: `F-2026-0042` is not in `F-2026-00421`.

use std::collections::{HashMap, HashSet};
use std::hash::{BuildHasher, RandomState};
use std::sync::LazyLock;

use serde::Serialize;

use crate::detect::MailView;
use crate::domain::{ClientId, EmailAddress, InvoiceId, InvoiceNumber, MessageId};

#[cfg(test)]
mod tests;

/// How much of the body is searched for invoice numbers.
const SNIPPET_CHARS: usize = 4000;

/// The parts of a message that matching reads.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Incoming {
    pub message_id: Option<MessageId>,
    pub in_reply_to: Vec<MessageId>,
    pub references: Vec<MessageId>,
    pub from: Option<EmailAddress>,
    /// To and Cc.
    pub recipients: Vec<EmailAddress>,
    pub subject: String,
    /// The start of the body text.
    pub body_snippet: String,
    /// Found in the Sent folder: written by the user whatever its From says.
    pub in_sent_folder: bool,
}

impl Incoming {
    /// Reads the headers and the start of the body from raw bytes.
    pub fn parse(raw: &[u8], in_sent_folder: bool) -> Option<Incoming> {
        let view = MailView::parse(raw)?;
        Some(Incoming {
            message_id: view.message_id,
            in_reply_to: view.in_reply_to,
            references: view.references,
            from: view.from,
            recipients: view.recipients.into_iter().map(|(a, _)| a).collect(),
            subject: view.subject,
            body_snippet: view.body.chars().take(SNIPPET_CHARS).collect(),
            in_sent_folder,
        })
    }
}

/// What the store knows, as plain data.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ThreadIndex {
    /// Every tracked message (invoice emails and reminders) and the invoices
    /// it concerns; a grouped reminder concerns several.
    pub messages: TrackedMessages,
    /// The client each invoice belongs to.
    pub invoice_clients: HashMap<InvoiceId, ClientId>,
    /// Open invoices' numbers, per client.
    pub invoice_numbers: HashMap<ClientId, Vec<(InvoiceNumber, InvoiceId)>>,
    /// Known client addresses.
    pub addresses: HashMap<EmailAddress, ClientId>,
    /// Client domains, lowercase; the caller leaves out shared webmail
    /// domains (gmail.com, orange.fr), which identify nobody.
    pub domains: HashMap<String, ClientId>,
    /// The user's own addresses.
    pub own_addresses: HashSet<EmailAddress>,
    /// Messages relance itself sent: they are neither replies nor manual
    /// contact, though they sit in Sent inside tracked threads.
    pub relance_messages: HashSet<IdKey>,
}

/// A Message-ID as the index keeps it: a 64-bit hash under a key drawn for
/// each process. The index tracks tens of thousands of ids (55,000 after
/// 100,000 messages), and as strings in a map of vectors they held 7 MB of
/// the daemon's resident memory for good, against 2 MB. No sender can aim
/// at a collision without the key; by chance, a lookup among 55,000 ids
/// meets one about once in 3·10^14.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct IdKey(u64);

impl IdKey {
    pub fn of(id: &MessageId) -> IdKey {
        static KEY: LazyLock<RandomState> = LazyLock::new(RandomState::new);
        IdKey(KEY.hash_one(id.as_str()))
    }
}

/// Tracked messages and the invoices each concerns.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TrackedMessages(HashMap<IdKey, Invoices>);

/// Nearly every tracked message concerns one invoice, kept inline.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Invoices {
    One(InvoiceId),
    Many(Box<[InvoiceId]>),
}

impl Invoices {
    fn as_slice(&self) -> &[InvoiceId] {
        match self {
            Invoices::One(id) => std::slice::from_ref(id),
            Invoices::Many(ids) => ids,
        }
    }
}

impl TrackedMessages {
    /// The invoices `id` concerns, if it is tracked.
    pub fn get(&self, id: &MessageId) -> Option<&[InvoiceId]> {
        self.0.get(&IdKey::of(id)).map(Invoices::as_slice)
    }

    pub fn contains(&self, id: &MessageId) -> bool {
        self.0.contains_key(&IdKey::of(id))
    }

    /// `id` concerns `invoice` too.
    pub fn add(&mut self, id: &MessageId, invoice: InvoiceId) {
        let key = IdKey::of(id);
        match self.0.get_mut(&key) {
            None => {
                self.0.insert(key, Invoices::One(invoice));
            }
            Some(known) if known.as_slice().contains(&invoice) => {}
            Some(known) => {
                let mut all = known.as_slice().to_vec();
                all.push(invoice);
                *known = Invoices::Many(all.into_boxed_slice());
            }
        }
    }

    /// `id` concerns exactly `invoices` (none: untracked).
    pub fn set(&mut self, id: &MessageId, invoices: &[InvoiceId]) {
        let key = IdKey::of(id);
        match invoices {
            [] => {
                self.0.remove(&key);
            }
            [one] => {
                self.0.insert(key, Invoices::One(*one));
            }
            many => {
                self.0.insert(key, Invoices::Many(many.into()));
            }
        }
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// How the match was made, from the most to the least certain.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum MatchedVia {
    References,
    InvoiceNumber,
    ClientAddress,
}

/// What a message is about.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ThreadMatch {
    /// Empty when only the client is known.
    pub invoices: Vec<InvoiceId>,
    pub client: Option<ClientId>,
    pub via: MatchedVia,
    /// The sender is none of the client's known addresses or domain: its
    /// effect needs the user's confirmation (SPEC §4).
    pub unknown_sender: bool,
    /// Written by the user: manual contact, not a client reply.
    pub from_user: bool,
}

/// Matches `msg` against the index. `None` when the message concerns no
/// tracked invoice and no known client, when relance wrote it, or when it
/// is the user's own mail outside any tracked thread or invoice.
pub fn match_thread(msg: &Incoming, index: &ThreadIndex) -> Option<ThreadMatch> {
    if msg
        .message_id
        .as_ref()
        .is_some_and(|id| index.relance_messages.contains(&IdKey::of(id)))
    {
        return None;
    }
    let from_user = msg.in_sent_folder
        || msg
            .from
            .as_ref()
            .is_some_and(|f| index.own_addresses.contains(f));
    if let Some(found) = by_references(msg, index, from_user) {
        return Some(found);
    }
    let client = if from_user {
        msg.recipients.iter().find_map(|a| index.client_of(a))
    } else {
        msg.from.as_ref().and_then(|a| index.client_of(a))
    };
    match client {
        Some(client) => {
            let invoices = numbers_named(msg, index.invoice_numbers.get(&client), false);
            let via = if invoices.is_empty() {
                MatchedVia::ClientAddress
            } else {
                MatchedVia::InvoiceNumber
            };
            let found = ThreadMatch {
                invoices,
                client: Some(client),
                via,
                unknown_sender: false,
                from_user,
            };
            (!from_user || via == MatchedVia::InvoiceNumber).then_some(found)
        }
        None if from_user => None,
        None => by_number_from_stranger(msg, index),
    }
}

impl ThreadIndex {
    /// The client of a known address, else of its domain.
    pub fn client_of(&self, address: &EmailAddress) -> Option<ClientId> {
        self.addresses
            .get(address)
            .or_else(|| self.domains.get(address.domain()))
            .copied()
    }
}

/// The invoices of the most specific known message the reply points to:
/// In-Reply-To, then References from the newest.
fn by_references(msg: &Incoming, index: &ThreadIndex, from_user: bool) -> Option<ThreadMatch> {
    let invoices = msg
        .in_reply_to
        .iter()
        .chain(msg.references.iter().rev())
        .find_map(|id| index.messages.get(id))?
        .to_vec();
    let client = invoices
        .iter()
        .find_map(|i| index.invoice_clients.get(i))
        .copied();
    let known = msg
        .from
        .as_ref()
        .and_then(|f| index.client_of(f))
        .is_some_and(|c| Some(c) == client);
    Some(ThreadMatch {
        invoices,
        client,
        via: MatchedVia::References,
        unknown_sender: !from_user && !known,
        from_user,
    })
}

/// An unknown sender naming a distinctive invoice number of exactly one
/// client (a client's accountant writing from another firm): matched, and
/// flagged so that the user confirms.
fn by_number_from_stranger(msg: &Incoming, index: &ThreadIndex) -> Option<ThreadMatch> {
    let mut hits: Vec<(ClientId, Vec<InvoiceId>)> = index
        .invoice_numbers
        .iter()
        .map(|(client, numbers)| (*client, numbers_named(msg, Some(numbers), true)))
        .filter(|(_, invoices)| !invoices.is_empty())
        .collect();
    if hits.len() != 1 {
        return None;
    }
    let (client, invoices) = hits.pop()?;
    Some(ThreadMatch {
        invoices,
        client: Some(client),
        via: MatchedVia::InvoiceNumber,
        unknown_sender: true,
        from_user: false,
    })
}

/// The invoices whose number appears in the subject or body snippet.
fn numbers_named(
    msg: &Incoming,
    numbers: Option<&Vec<(InvoiceNumber, InvoiceId)>>,
    distinctive_only: bool,
) -> Vec<InvoiceId> {
    let haystack = format!("{}\n{}", msg.subject, msg.body_snippet).to_ascii_lowercase();
    let mut found: Vec<InvoiceId> = numbers
        .into_iter()
        .flatten()
        .filter(|(n, _)| !distinctive_only || distinctive(&n.0))
        .filter(|(n, _)| mentions(&haystack, &n.0.to_ascii_lowercase()))
        .map(|(_, id)| *id)
        .collect();
    found.sort();
    found.dedup();
    found
}

/// Long enough, or not only digits, to identify an invoice by itself.
fn distinctive(number: &str) -> bool {
    number.len() >= 6 || !number.chars().all(|c| c.is_ascii_digit())
}

/// A whole-token occurrence of `needle` in `haystack` (both ASCII-lowercased).
/// Short all-digit numbers ("12") also need a cue just before them ("#12",
/// "facture 12", "n° 12"), or every date and amount would match.
pub fn mentions(haystack: &str, needle: &str) -> bool {
    if needle.is_empty() {
        return false;
    }
    let needs_cue = !distinctive(needle);
    haystack.match_indices(needle).any(|(start, _)| {
        let before = haystack.get(..start).unwrap_or_default();
        let after = haystack.get(start + needle.len()..).unwrap_or_default();
        token_edge_before(before) && token_edge_after(after) && (!needs_cue || has_cue(before))
    })
}

/// Inside a token the joiners `-`, `/`, `_` and `.` sit between
/// alphanumerics, so `2026-042` is not in `f-2026-042`.
fn token_edge_before(before: &str) -> bool {
    let mut rev = before.chars().rev();
    match rev.next() {
        None => true,
        Some(c) if c.is_alphanumeric() => false,
        Some('-' | '/' | '_' | '.') => !rev.next().is_some_and(char::is_alphanumeric),
        Some(_) => true,
    }
}

fn token_edge_after(after: &str) -> bool {
    let mut chars = after.chars();
    match chars.next() {
        None => true,
        Some(c) if c.is_alphanumeric() => false,
        Some('-' | '/' | '_' | '.') => !chars.next().is_some_and(char::is_alphanumeric),
        Some(_) => true,
    }
}

fn has_cue(before: &str) -> bool {
    let tail: String = before
        .chars()
        .rev()
        .take(16)
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    let tail = tail.trim_end_matches([' ', '\u{a0}', ':']);
    tail.ends_with('#')
        || [
            "n°", "no", "no.", "nº", "facture", "invoice", "inv", "fact.", "number", "numéro",
        ]
        .iter()
        .any(|cue| {
            tail.strip_suffix(cue)
                .is_some_and(|rest| !rest.chars().next_back().is_some_and(char::is_alphanumeric))
        })
}
