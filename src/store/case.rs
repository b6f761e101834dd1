//! Assembles the engine's [`Case`]s: a client's contacts, invoices, events
//! (in time order, retracted ones left out) and history (the outbox entries
//! that went out or may have: `sending` counts, so that a step whose send
//! outcome is unknown is never planned again before reconciliation).
//! One client or all of them, always with the same seven queries. Rows come
//! in storage order and each case is sorted in memory: with 100,000 invoices
//! SQL sorts and per-row subqueries cost several times the reads themselves.

use std::collections::HashMap;

use rusqlite::{Row, ToSql};

use super::clients::contact_row;
use super::events::{KIND_COLUMNS, event_kind};
use super::outbox::{PURPOSE_COLUMNS, Purpose, purpose};
use super::sql::{Day, Dec, Stamp, split_addresses};
use super::{Context, Error, Result, Store};
use crate::domain::{ClientId, EventId, InvoiceId, Money};
use crate::engine::{Case, CaseInvoice, Event, Sent};

/// Which clients to load.
#[derive(Clone, Copy)]
enum Scope {
    All,
    One(ClientId),
}

impl Scope {
    /// A condition on `column` (appended after WHERE ... AND) and its parameter.
    fn filter(&self, column: &str) -> (String, Vec<&dyn ToSql>) {
        match self {
            Scope::All => ("1".to_string(), vec![]),
            Scope::One(id) => (format!("{column} = ?1"), vec![id as &dyn ToSql]),
        }
    }
}

/// Invoice ids per event or outbox row id, each list sorted.
type Links = HashMap<i64, Vec<InvoiceId>>;

fn linked(links: &Links, id: i64) -> Vec<InvoiceId> {
    links.get(&id).cloned().unwrap_or_default()
}

fn case_invoice(r: &Row<'_>) -> rusqlite::Result<CaseInvoice> {
    Ok(CaseInvoice {
        id: r.get(1)?,
        number: r.get(2)?,
        issue_date: r.get::<_, Day>(3)?.0,
        due_date: r.get::<_, Day>(4)?.0,
        amount: Money::new(r.get::<_, Dec>(5)?.0, r.get(6)?),
        paid: r.get::<_, Dec>(7)?.0,
        status: r.get(8)?,
        paused: r.get(9)?,
    })
}

fn event(r: &Row<'_>, links: &Links) -> rusqlite::Result<Event> {
    let id: EventId = r.get(1)?;
    Ok(Event {
        id,
        at: r.get::<_, Stamp>(2)?.0,
        kind: event_kind(r, 3)?,
        invoices: linked(links, id.0),
    })
}

/// A history entry with its outbox row id, which breaks ties in time order.
fn sent(r: &Row<'_>, links: &Links) -> rusqlite::Result<Option<(i64, Sent)>> {
    let Purpose::Case(kind) = purpose(r, 2)? else {
        return Ok(None);
    };
    let id: i64 = r.get(9)?;
    Ok(Some((
        id,
        Sent {
            at: r.get::<_, Stamp>(1)?.0,
            kind,
            recipients: split_addresses(&r.get::<_, String>(8)?)?,
            invoices: linked(links, id),
        },
    )))
}

impl Store {
    /// The engine's view of one client.
    pub fn load_case(&self, client: ClientId) -> Result<Case> {
        self.load_cases(Scope::One(client))?
            .pop()
            .ok_or(Error::NoClient(client))
    }

    /// The engine's view of every client, by client id.
    pub fn load_all_cases(&self) -> Result<Vec<Case>> {
        self.load_cases(Scope::All)
    }

    fn load_cases(&self, scope: Scope) -> Result<Vec<Case>> {
        // One read snapshot, so the five queries see the same state.
        self.snapshot(|s| {
            let mut cases = s.case_shells(scope)?;
            let index: HashMap<ClientId, usize> = cases
                .iter()
                .enumerate()
                .map(|(i, c)| (c.client, i))
                .collect();
            let slot = |id: ClientId| index.get(&id).copied();
            s.each(scope, "contacts", CONTACTS, |id, r| {
                let contact = contact_row(r, 1)?;
                if let Some(i) = slot(id) {
                    cases[i].contacts.push(contact);
                }
                Ok(())
            })?;
            s.each(scope, "invoices", INVOICES, |id, r| {
                let invoice = case_invoice(r)?;
                if let Some(i) = slot(id) {
                    cases[i].invoices.push(invoice);
                }
                Ok(())
            })?;
            let links = s.links(scope, EVENT_LINKS)?;
            s.each(scope, "events", &EVENTS, |id, r| {
                let event = event(r, &links)?;
                if let Some(i) = slot(id) {
                    cases[i].events.push(event);
                }
                Ok(())
            })?;
            let links = s.links(scope, HISTORY_LINKS)?;
            let mut history: Vec<Vec<(i64, Sent)>> = vec![Vec::new(); cases.len()];
            s.each(scope, "history", &HISTORY, |id, r| {
                if let (Some(i), Some(sent)) = (slot(id), sent(r, &links)?) {
                    history[i].push(sent);
                }
                Ok(())
            })?;
            for (case, mut sent) in cases.iter_mut().zip(history) {
                case.invoices.sort_by_key(|i| (i.due_date, i.id));
                case.events.sort_by_key(|e| (e.at, e.id));
                sent.sort_by_key(|(id, s)| (s.at, *id));
                case.history = sent.into_iter().map(|(_, s)| s).collect();
            }
            Ok(cases)
        })
    }

    /// The invoice ids of every event or outbox row in scope, by row id.
    /// Read whole for every client (joining per row costs more than the
    /// read), through the owner rows for one client.
    fn links(&self, scope: Scope, LinkTable(table, owner, owners): LinkTable) -> Result<Links> {
        let (cond, params) = scope.filter("client_id");
        let sql = match scope {
            Scope::All => format!("SELECT {owner}, invoice_id FROM {table}"),
            Scope::One(_) => format!(
                "SELECT {owner}, invoice_id FROM {table}
                 WHERE {owner} IN (SELECT id FROM {owners} WHERE {cond})"
            ),
        };
        let what = format!("load case {table}");
        let mut stmt = self.conn.prepare_cached(&sql).ctx(&what)?;
        let mut rows = stmt.query(params.as_slice()).ctx(&what)?;
        let mut links = Links::new();
        while let Some(row) = rows.next().ctx(&what)? {
            let owner: i64 = row.get(0).ctx(&what)?;
            links.entry(owner).or_default().push(row.get(1).ctx(&what)?);
        }
        links.values_mut().for_each(|ids| ids.sort());
        Ok(links)
    }

    fn case_shells(&self, scope: Scope) -> Result<Vec<Case>> {
        let (cond, params) = scope.filter("id");
        let sql = format!("SELECT id, name FROM clients WHERE {cond} ORDER BY id");
        let mut stmt = self.conn.prepare_cached(&sql).ctx("load clients")?;
        let rows = stmt
            .query_map(params.as_slice(), |r| {
                Ok(Case {
                    client: r.get(0)?,
                    client_name: r.get(1)?,
                    contacts: Vec::new(),
                    invoices: Vec::new(),
                    events: Vec::new(),
                    history: Vec::new(),
                })
            })
            .ctx("load clients")?;
        rows.collect::<rusqlite::Result<_>>().ctx("load clients")
    }

    /// Runs one of the case queries (its first column is the client id) and
    /// hands every row to `add`.
    fn each(
        &self,
        scope: Scope,
        what: &str,
        template: &str,
        mut add: impl FnMut(ClientId, &Row<'_>) -> rusqlite::Result<()>,
    ) -> Result<()> {
        let (cond, params) = scope.filter("client_id");
        let sql = template.replace("{scope}", &cond);
        let what = format!("load case {what}");
        let mut stmt = self.conn.prepare_cached(&sql).ctx(&what)?;
        let mut rows = stmt.query(params.as_slice()).ctx(&what)?;
        while let Some(row) = rows.next().ctx(&what)? {
            let id: ClientId = row.get(0).ctx(&what)?;
            add(id, row).ctx(&what)?;
        }
        Ok(())
    }
}

const CONTACTS: &str = "SELECT client_id, address, billing, bounced FROM contacts
    WHERE {scope} ORDER BY client_id, billing DESC, id";

const INVOICES: &str = "SELECT client_id, id, number, issue_date, due_date, amount, currency,
    paid, status, paused FROM invoices WHERE {scope}";

/// A link table (`event_invoices`, `outbox_invoices`): its name, the column
/// naming the owner row and the owner's table.
struct LinkTable(&'static str, &'static str, &'static str);

const EVENT_LINKS: LinkTable = LinkTable("event_invoices", "event_id", "events");
const HISTORY_LINKS: LinkTable = LinkTable("outbox_invoices", "outbox_id", "outbox");

static EVENTS: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
    format!(
        "SELECT client_id, id, at, {KIND_COLUMNS} FROM events WHERE retracted = 0 AND {{scope}}"
    )
});

static HISTORY: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
    format!(
        "SELECT client_id, COALESCE(sent_at, created_at) AS at, {PURPOSE_COLUMNS}, recipients, id
         FROM outbox
         WHERE kind IN ('step', 'task', 'alert', 'end')
           AND state IN ('sending', 'sent', 'appended') AND {{scope}}"
    )
});

#[cfg(test)]
mod tests;
