//! The audit log: what was decided, when, why and by whom (SPEC §6). Append
//! only, enforced by triggers that abort any UPDATE or DELETE; a decision
//! about several invoices writes one row per invoice so each can be listed.

use chrono::{DateTime, Utc};
use rusqlite::{Row, params};

use super::sql::{Actor, Stamp};
use super::{Context, Result, Store};
use crate::domain::{ClientId, InvoiceId, OutboxId};

/// A decision to log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewAudit {
    pub at: DateTime<Utc>,
    pub client: Option<ClientId>,
    /// One row is written per invoice; none writes a single client-level row.
    pub invoices: Vec<InvoiceId>,
    /// What was decided ("sent step 2", "paused by message <id>").
    pub decision: String,
    /// Why (the engine's reason, the command, the reply's evidence).
    pub reason: String,
    pub actor: Actor,
}

/// One logged decision.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditRow {
    pub id: i64,
    pub at: DateTime<Utc>,
    pub client: Option<ClientId>,
    pub invoice: Option<InvoiceId>,
    /// The outbox entry the decision created, if any.
    pub outbox: Option<OutboxId>,
    pub decision: String,
    pub reason: String,
    pub actor: Actor,
}

fn audit_row(r: &Row<'_>) -> rusqlite::Result<AuditRow> {
    Ok(AuditRow {
        id: r.get(0)?,
        at: r.get::<_, Stamp>(1)?.0,
        client: r.get(2)?,
        invoice: r.get(3)?,
        outbox: r.get(4)?,
        decision: r.get(5)?,
        reason: r.get(6)?,
        actor: r.get(7)?,
    })
}

const AUDIT_SELECT: &str =
    "SELECT id, at, client_id, invoice_id, outbox_id, decision, reason, actor FROM audit";

impl Store {
    /// Appends a decision to the log.
    pub fn append_audit(&self, entry: &NewAudit) -> Result<()> {
        self.transaction(|s| s.append_audit_for(entry, None))
    }

    pub(crate) fn append_audit_for(&self, e: &NewAudit, outbox: Option<OutboxId>) -> Result<()> {
        let mut stmt = self
            .conn
            .prepare_cached(
                "INSERT INTO audit (at, client_id, invoice_id, outbox_id, decision, reason, actor)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            )
            .ctx("append to the audit log")?;
        let per_invoice: Vec<Option<InvoiceId>> = if e.invoices.is_empty() {
            vec![None]
        } else {
            e.invoices.iter().copied().map(Some).collect()
        };
        for invoice in per_invoice {
            stmt.execute(params![
                Stamp(e.at),
                e.client,
                invoice,
                outbox,
                e.decision,
                e.reason,
                e.actor
            ])
            .with_ctx(|| format!("append '{}' to the audit log", e.decision))?;
        }
        Ok(())
    }

    /// The decisions about `invoice`, oldest first.
    pub fn audit_for_invoice(&self, invoice: InvoiceId) -> Result<Vec<AuditRow>> {
        let sql = format!("{AUDIT_SELECT} WHERE invoice_id = ?1 ORDER BY at, id");
        self.audit_rows(
            &sql,
            invoice.0,
            &format!("read the audit log of invoice {invoice}"),
        )
    }

    /// The decisions about `client` and any of its invoices, oldest first.
    pub fn audit_for_client(&self, client: ClientId) -> Result<Vec<AuditRow>> {
        let sql = format!("{AUDIT_SELECT} WHERE client_id = ?1 ORDER BY at, id");
        self.audit_rows(
            &sql,
            client.0,
            &format!("read the audit log of client {client}"),
        )
    }

    fn audit_rows(&self, sql: &str, key: i64, what: &str) -> Result<Vec<AuditRow>> {
        let mut stmt = self.conn.prepare_cached(sql).ctx(what)?;
        let rows = stmt.query_map([key], audit_row).ctx(what)?;
        rows.collect::<rusqlite::Result<_>>().ctx(what)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::testutil::{client, invoice, store, t};

    fn entry(client: ClientId, invoices: Vec<InvoiceId>, at: &str, what: &str) -> NewAudit {
        NewAudit {
            at: t(at),
            client: Some(client),
            invoices,
            decision: what.to_string(),
            reason: "test".to_string(),
            actor: Actor::Daemon,
        }
    }

    #[test]
    fn entries_list_by_invoice_and_client_in_time_order() {
        let (_dir, store) = store();
        let c = client(&store, "a@a.fr");
        let (i1, i2) = (
            invoice(&store, c, "F-1", "10"),
            invoice(&store, c, "F-2", "20"),
        );
        store
            .append_audit(&entry(
                c,
                vec![i1, i2],
                "2026-03-03T09:00:00Z",
                "sent step 1",
            ))
            .unwrap();
        store
            .append_audit(&entry(c, vec![], "2026-03-01T09:00:00Z", "client paused"))
            .unwrap();
        let by_invoice = store.audit_for_invoice(i2).unwrap();
        assert_eq!(by_invoice.len(), 1);
        assert_eq!(by_invoice[0].decision, "sent step 1");
        assert_eq!(by_invoice[0].invoice, Some(i2));
        let by_client: Vec<String> = store
            .audit_for_client(c)
            .unwrap()
            .into_iter()
            .map(|a| a.decision)
            .collect();
        assert_eq!(by_client, ["client paused", "sent step 1", "sent step 1"]);
    }

    #[test]
    fn every_actor_round_trips() {
        let (_dir, store) = store();
        let c = client(&store, "a@a.fr");
        for actor in Actor::ALL {
            let mut e = entry(c, vec![], "2026-03-01T09:00:00Z", actor.as_str());
            e.actor = *actor;
            store.append_audit(&e).unwrap();
        }
        let actors: Vec<Actor> = store
            .audit_for_client(c)
            .unwrap()
            .iter()
            .map(|a| a.actor)
            .collect();
        assert_eq!(actors, Actor::ALL);
    }

    #[test]
    fn the_log_refuses_updates_and_deletes() {
        let (_dir, store) = store();
        let c = client(&store, "a@a.fr");
        store
            .append_audit(&entry(c, vec![], "2026-03-01T09:00:00Z", "x"))
            .unwrap();
        for sql in ["UPDATE audit SET reason = 'forged'", "DELETE FROM audit"] {
            let err = store.conn.execute(sql, []).unwrap_err();
            assert!(err.to_string().contains("append-only"), "{sql}: {err}");
        }
        assert_eq!(store.audit_for_client(c).unwrap()[0].reason, "test");
    }
}
