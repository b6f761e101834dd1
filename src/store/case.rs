//! Assembles the engine's [`Case`]s: a client's contacts, invoices, events
//! (in time order, retracted ones left out) and history (the outbox entries
//! that went out or may have: `sending` counts, so that a step whose send
//! outcome is unknown is never planned again before reconciliation).
//! One client or all of them, always with the same five queries.

use std::collections::HashMap;

use rusqlite::{Row, ToSql};

use super::clients::contact_row;
use super::events::{KIND_COLUMNS, event_kind};
use super::outbox::{PURPOSE_COLUMNS, Purpose, purpose};
use super::sql::{Day, Dec, Stamp, split_addresses};
use super::{Context, Error, Result, Store};
use crate::domain::{ClientId, InvoiceId, Money};
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

/// The ids of an `group_concat(id, ' ')`, sorted.
fn id_list(text: Option<String>) -> Vec<InvoiceId> {
    let mut ids: Vec<InvoiceId> = text
        .unwrap_or_default()
        .split_whitespace()
        .filter_map(|s| s.parse().ok().map(InvoiceId))
        .collect();
    ids.sort();
    ids
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

fn event(r: &Row<'_>) -> rusqlite::Result<Event> {
    Ok(Event {
        id: r.get(1)?,
        at: r.get::<_, Stamp>(2)?.0,
        kind: event_kind(r, 3)?,
        invoices: id_list(r.get(10)?),
    })
}

fn sent(r: &Row<'_>) -> rusqlite::Result<Option<Sent>> {
    let Purpose::Case(kind) = purpose(r, 2)? else {
        return Ok(None);
    };
    Ok(Some(Sent {
        at: r.get::<_, Stamp>(1)?.0,
        kind,
        recipients: split_addresses(&r.get::<_, String>(8)?)?,
        invoices: id_list(r.get(9)?),
    }))
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
            s.each(scope, "events", &EVENTS, |id, r| {
                let event = event(r)?;
                if let Some(i) = slot(id) {
                    cases[i].events.push(event);
                }
                Ok(())
            })?;
            s.each(scope, "history", &HISTORY, |id, r| {
                if let (Some(i), Some(sent)) = (slot(id), sent(r)?) {
                    cases[i].history.push(sent);
                }
                Ok(())
            })?;
            Ok(cases)
        })
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
    paid, status, paused FROM invoices WHERE {scope} ORDER BY client_id, due_date, id";

static EVENTS: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
    format!(
        "SELECT client_id, id, at, {KIND_COLUMNS},
            (SELECT group_concat(invoice_id, ' ') FROM event_invoices WHERE event_id = e.id)
         FROM events e WHERE retracted = 0 AND {{scope}} ORDER BY client_id, at, id"
    )
});

static HISTORY: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
    format!(
        "SELECT client_id, COALESCE(sent_at, created_at) AS at, {PURPOSE_COLUMNS}, recipients,
            (SELECT group_concat(invoice_id, ' ') FROM outbox_invoices WHERE outbox_id = o.id)
         FROM outbox o
         WHERE kind IN ('step', 'task', 'alert', 'end')
           AND state IN ('sending', 'sent', 'appended') AND {{scope}}
         ORDER BY client_id, at, id"
    )
});

#[cfg(test)]
mod tests;
