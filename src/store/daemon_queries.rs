//! Queries the daemon needs around its outbox and the user's keywords:
//! dropping a rendered-but-unsent intent (dry-run, superseded retries),
//! recording a `relance-stop` keyword once, and whether a client wrote after
//! an intent was prepared; what a dry run already rendered. Each is one
//! transaction.

use chrono::{DateTime, Utc};
use rusqlite::{OptionalExtension, params};

use super::audit::NewAudit;
use super::sql::{Actor, EventTag, OutboxState, Stamp};
use super::{Context, Error, NewEvent, Result, Store};
use crate::domain::{ClientId, InvoiceId, MessageRowId, OutboxId};
use crate::engine::EventKind;

impl Store {
    /// Whether a dry run already rendered `action` (the engine's action, in
    /// a stable text form) for `client`.
    pub fn dry_run_rendered(&self, client: ClientId, action: &str) -> Result<bool> {
        self.conn
            .prepare_cached("SELECT 1 FROM dry_run_renders WHERE client_id = ?1 AND action = ?2")
            .and_then(|mut s| s.exists(params![client, action]))
            .with_ctx(|| format!("look up a dry-run render for client {client}"))
    }

    /// Records that a dry run rendered `action` for `client`.
    pub fn record_dry_run(&self, client: ClientId, action: &str, at: DateTime<Utc>) -> Result<()> {
        self.exec(
            "INSERT OR IGNORE INTO dry_run_renders (client_id, action, rendered_at)
                 VALUES (?1, ?2, ?3)",
            params![client, action, Stamp(at)],
        )
        .with_ctx(|| format!("record a dry-run render for client {client}"))?;
        Ok(())
    }

    /// Drops a `sending` entry that did not go out (dry-run, or a retry the
    /// situation overtook), with its audit entry. Cancelled entries are not
    /// history: the engine plans the step again if it is still due.
    pub fn cancel_unsent(&self, id: OutboxId, audit: &NewAudit) -> Result<()> {
        self.transaction(|s| {
            let n = s
                .exec(
                    "UPDATE outbox SET state = ?2 WHERE id = ?1 AND state = ?3",
                    params![id, OutboxState::Cancelled, OutboxState::Sending],
                )
                .with_ctx(|| format!("cancel outbox entry {id}"))?;
            if n == 0 {
                let from = s
                    .query_one("SELECT state FROM outbox WHERE id = ?1", [id], |r| r.get(0))
                    .optional()
                    .with_ctx(|| format!("read the state of outbox entry {id}"))?
                    .ok_or(Error::NoOutbox(id))?;
                return Err(Error::Transition {
                    id,
                    from,
                    to: OutboxState::Cancelled,
                });
            }
            s.append_audit_for(audit, Some(id))
        })
    }

    /// Records a `UserStop` event for each client whose tracked thread holds
    /// `message` (the user set `relance-stop` on it), unless one was already
    /// recorded for that message. Returns the clients newly stopped.
    pub fn record_keyword_stop(
        &self,
        message: MessageRowId,
        at: DateTime<Utc>,
    ) -> Result<Vec<ClientId>> {
        self.transaction(|s| {
            let what = || format!("record relance-stop on message {message}");
            let mut stmt = s
                .conn
                .prepare_cached(
                    "SELECT i.client_id, i.id FROM invoices i
                     WHERE i.id IN (SELECT invoice_id FROM message_invoices WHERE message_row = ?1)
                        OR i.message_id = (SELECT message_id FROM messages WHERE id = ?1)
                     ORDER BY i.client_id, i.id",
                )
                .with_ctx(what)?;
            let pairs = stmt
                .query_map([message], |r| {
                    Ok((r.get::<_, ClientId>(0)?, r.get::<_, InvoiceId>(1)?))
                })
                .with_ctx(what)?
                .collect::<rusqlite::Result<Vec<_>>>()
                .with_ctx(what)?;
            let mut stopped = Vec::new();
            for client in dedup_clients(&pairs) {
                if s.stop_recorded(client, message)? {
                    continue;
                }
                let invoices = pairs
                    .iter()
                    .filter(|(c, _)| *c == client)
                    .map(|(_, i)| *i)
                    .collect::<Vec<_>>();
                s.record_event(&NewEvent {
                    client,
                    at,
                    invoices: invoices.clone(),
                    kind: EventKind::UserStop,
                    message: Some(message),
                })?;
                s.append_audit_for(
                    &NewAudit {
                        at,
                        client: Some(client),
                        invoices,
                        decision: "stopped".to_owned(),
                        reason: format!("keyword relance-stop set on message {message}"),
                        actor: Actor::User,
                    },
                    None,
                )?;
                stopped.push(client);
            }
            Ok(stopped)
        })
    }

    fn stop_recorded(&self, client: ClientId, message: MessageRowId) -> Result<bool> {
        self.query_one(
            "SELECT EXISTS (SELECT 1 FROM events
                    WHERE client_id = ?1 AND message_row = ?2 AND kind = ?3)",
            params![client, message, EventTag::UserStop],
            |r| r.get(0),
        )
        .with_ctx(|| format!("look for a stop of client {client} by message {message}"))
    }

    /// Whether anything happened for `client` (a reply, the user's message
    /// or command) after `since`: an intent prepared before it is stale.
    pub fn client_events_since(&self, client: ClientId, since: DateTime<Utc>) -> Result<bool> {
        self.query_one(
            "SELECT EXISTS (SELECT 1 FROM events WHERE client_id = ?1 AND at > ?2)",
            params![client, Stamp(since)],
            |r| r.get(0),
        )
        .with_ctx(|| format!("look for news of client {client}"))
    }
}

fn dedup_clients(pairs: &[(ClientId, InvoiceId)]) -> Vec<ClientId> {
    let mut clients: Vec<ClientId> = pairs.iter().map(|(c, _)| *c).collect();
    clients.dedup();
    clients
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::MessageId;
    use crate::engine::SentKind;
    use crate::store::testutil::{addr, client, invoice, store, t};
    use crate::store::{Direction, Location, NewIntent, NewMessage, Purpose};

    fn audit(decision: &str) -> NewAudit {
        NewAudit {
            at: t("2026-03-02T10:00:00Z"),
            client: None,
            invoices: Vec::new(),
            decision: decision.to_owned(),
            reason: "test".to_owned(),
            actor: Actor::Daemon,
        }
    }

    fn intent(c: ClientId, state: OutboxState) -> NewIntent {
        NewIntent {
            client: Some(c),
            purpose: Purpose::Case(SentKind::EndOfSequence),
            invoices: Vec::new(),
            recipients: vec![addr("compta@client-a.test")],
            message_id: MessageId::new("<r1@atelier.test>").unwrap(),
            created_at: t("2026-03-02T10:00:00Z"),
            state,
            raw: Some(b"x".to_vec()),
        }
    }

    #[test]
    fn a_dry_run_render_is_remembered_per_client_and_action() {
        let (_dir, s) = store();
        let (a, b) = (client(&s, "a@a.test"), client(&s, "b@b.test"));
        let step = r#"{"type":"step","step":1}"#;
        assert!(!s.dry_run_rendered(a, step).unwrap());
        s.record_dry_run(a, step, t("2026-03-02T10:00:00Z"))
            .unwrap();
        s.record_dry_run(a, step, t("2026-03-03T10:00:00Z"))
            .unwrap();
        assert!(s.dry_run_rendered(a, step).unwrap());
        assert!(!s.dry_run_rendered(b, step).unwrap());
        assert!(
            !s.dry_run_rendered(a, r#"{"type":"step","step":2}"#)
                .unwrap()
        );
    }

    #[test]
    fn only_a_sending_entry_is_cancelled_unsent() {
        let (_dir, store) = store();
        let c = client(&store, "compta@client-a.test");
        let id = store
            .insert_intent(&intent(c, OutboxState::Sending), &audit("prepared"))
            .unwrap();
        store.cancel_unsent(id, &audit("dry-run")).unwrap();
        assert_eq!(
            store.outbox_entry(id).unwrap().state,
            OutboxState::Cancelled
        );
        let err = store.cancel_unsent(id, &audit("again")).unwrap_err();
        assert!(matches!(err, Error::Transition { .. }), "{err}");
    }

    #[test]
    fn a_stop_keyword_is_recorded_once_per_client_and_message() {
        let (_dir, store) = store();
        let c = client(&store, "compta@client-a.test");
        let inv = invoice(&store, c, "F-2026-001", "100");
        let row = store
            .record_message(&NewMessage {
                message_id: MessageId::new("<reply@client-a.test>"),
                in_reply_to: None,
                references: Vec::new(),
                subject: "Re: Facture".to_owned(),
                from: Some(addr("compta@client-a.test")),
                date: None,
                location: Location {
                    folder: "INBOX".to_owned(),
                    uidvalidity: 1,
                    uid: 7,
                },
                direction: Direction::In,
            })
            .unwrap()
            .id;
        store.link_message(row, &[inv]).unwrap();
        let at = t("2026-03-03T10:00:00Z");
        assert_eq!(store.record_keyword_stop(row, at).unwrap(), vec![c]);
        assert!(store.record_keyword_stop(row, at).unwrap().is_empty());
        let case = store.load_case(c).unwrap();
        let stops = case
            .events
            .iter()
            .filter(|e| e.kind == EventKind::UserStop)
            .count();
        assert_eq!(stops, 1);
        assert!(
            store
                .client_events_since(c, t("2026-03-03T09:00:00Z"))
                .unwrap()
        );
        assert!(!store.client_events_since(c, at).unwrap());
    }
}
