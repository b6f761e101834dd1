//! `relance show INVOICE`: the invoice (client, contacts, amounts, dates,
//! status, source, original subject and Message-ID) and where it stands,
//! its thread (each message with its classification and the evidence), the
//! outbox entries that concern it and its audit log, the client-wide
//! decisions included. Everything is reached through the audit log and the
//! thread's Message-IDs, which the store keeps for exactly this.

mod text;

use std::collections::BTreeSet;
use std::process::ExitCode;

use chrono_tz::Tz;
use serde_json::{Value, json};

use super::{StatusRow, rfc3339};
use crate::cli::ledger::{Session, emit, resolve_invoice};
use crate::domain::{OutboxId, StepNo};
use crate::engine::SentKind;
use crate::store::{AuditRow, InvoiceRow, MessageRow, NewClassification, OutboxRow, Purpose};
use text::text;

/// Everything `show` prints, gathered first.
struct Shown {
    invoice: InvoiceRow,
    contacts: Vec<crate::engine::Contact>,
    standing: Option<StatusRow>,
    thread: Vec<(MessageRow, Option<NewClassification>)>,
    outbox: Vec<OutboxRow>,
    audit: Vec<AuditRow>,
}

fn gather(s: &Session, arg: &str) -> anyhow::Result<Shown> {
    let invoice = resolve_invoice(&s.store, arg)?;
    let case = s.store.load_case(invoice.client)?;
    let policy = s.config.policy_for_case(&case);
    let standing = super::case_rows(&case, &policy, s.now, s.tz())
        .into_iter()
        .find(|r| r.id == invoice.id);
    let mut thread = Vec::new();
    let mut outbox_ids = BTreeSet::new();
    for mid in s.store.thread_message_ids(invoice.id)? {
        if let Some(row) = s.store.find_message(&mid)?
            && let Some(message) = s.store.message(row)?
        {
            let class = s.store.classification(row)?.map(|(_, c)| c);
            thread.push((message, class));
        }
        outbox_ids.extend(s.store.find_outbox(&mid)?);
    }
    thread.sort_by_key(|(m, _)| m.date);
    let mut audit = s.store.audit_for_client(invoice.client)?;
    audit.retain(|a| a.invoice.is_none() || a.invoice == Some(invoice.id));
    // Rows about this invoice filed under no client, should there be any.
    for row in s.store.audit_for_invoice(invoice.id)? {
        if !audit.iter().any(|a| a.id == row.id) {
            audit.push(row);
        }
    }
    audit.sort_by_key(|a| (a.at, a.id));
    Ok(Shown {
        outbox: outbox(s, &invoice, &audit, outbox_ids)?,
        contacts: case.contacts,
        invoice,
        standing,
        thread,
        audit,
    })
}

/// The outbox entries listing `invoice`: every entry has an audit row
/// naming it (intent before effect), and the sent steps are in the thread.
fn outbox(
    s: &Session,
    invoice: &InvoiceRow,
    audit: &[AuditRow],
    mut ids: BTreeSet<OutboxId>,
) -> anyhow::Result<Vec<OutboxRow>> {
    ids.extend(audit.iter().filter_map(|a| a.outbox));
    let mut entries = Vec::new();
    for id in ids {
        let entry = s.store.outbox_entry(id)?;
        if entry.invoices.contains(&invoice.id) {
            entries.push(entry);
        }
    }
    entries.sort_by_key(|e| (e.sent_at.unwrap_or(e.created_at), e.id));
    Ok(entries)
}

/// What an outbox entry was for, in words.
fn purpose(p: &Purpose) -> String {
    match p {
        Purpose::Case(SentKind::Step {
            step,
            action,
            promise_not_kept,
        }) => {
            let late = if *promise_not_kept {
                " (promise not kept)"
            } else {
                ""
            };
            format!("step {step} {action}{late}")
        }
        Purpose::Case(SentKind::Alert { kind, .. }) => {
            let name = serde_json::to_value(kind).ok();
            format!(
                "alert {}",
                name.as_ref().and_then(Value::as_str).unwrap_or("?")
            )
        }
        Purpose::Case(SentKind::EndOfSequence) => "end of sequence".to_string(),
        Purpose::Forewarning => "forewarning".to_string(),
        Purpose::Digest => "digest".to_string(),
    }
}

fn invoice_json(x: &Shown) -> Value {
    let inv = &x.invoice;
    let st = x.standing.as_ref();
    let cents = |d| super::with_cents(d).to_string();
    json!({
        "number": inv.number,
        "client": inv.client_name,
        "contacts": x.contacts.iter().map(|c| json!({
            "address": c.address, "billing": c.billing, "bounced": c.bounced,
        })).collect::<Vec<_>>(),
        "amount": cents(inv.amount.amount),
        "paid": cents(inv.paid),
        "amount_due": st.map(|r| cents(r.amount_due)),
        "currency": inv.amount.currency,
        "issue_date": inv.issue_date,
        "due_date": inv.due_date,
        "days_late": st.map_or(0, |r| r.days_late),
        "status": inv.status,
        "paused": inv.paused,
        "source": inv.source.as_str(),
        "subject": inv.original.as_ref().map(|o| &o.subject),
        "message_id": inv.original.as_ref().map(|o| o.message_id.as_str()),
        "state": st.map(|r| r.state),
        "step": st.map_or(StepNo::NONE, |r| r.step),
        "next_action": st.and_then(|r| r.next_action),
        "next_action_at": st.and_then(|r| r.next_action_at.clone()),
    })
}

fn thread_json(x: &Shown, tz: Tz) -> Vec<Value> {
    x.thread
        .iter()
        .map(|(m, c)| {
            json!({
                "message_id": m.message_id.as_ref().map(|id| id.as_str()),
                "date": m.date.map(|d| rfc3339(d, tz)),
                "direction": m.direction.as_str(),
                "from": m.from,
                "subject": m.subject,
                "class": c.as_ref().map(|c| c.class),
                "class_date": c.as_ref().and_then(|c| c.date),
                "amount": c.as_ref().and_then(|c| c.amount).map(|a| a.to_string()),
                "evidence": c.as_ref().map(|c| &c.evidence),
            })
        })
        .collect()
}

fn outbox_json(x: &Shown, tz: Tz) -> Vec<Value> {
    x.outbox
        .iter()
        .map(|o| {
            json!({
                "id": o.id,
                "purpose": purpose(&o.purpose),
                "recipients": o.recipients,
                "message_id": o.message_id.as_str(),
                "state": o.state.as_str(),
                "attempts": o.attempts,
                "last_error": o.last_error,
                "created_at": rfc3339(o.created_at, tz),
                "sent_at": o.sent_at.map(|t| rfc3339(t, tz)),
            })
        })
        .collect()
}

fn audit_json(x: &Shown, tz: Tz) -> Vec<Value> {
    x.audit
        .iter()
        .map(|a| {
            json!({
                "at": rfc3339(a.at, tz),
                "scope": if a.invoice.is_some() { "invoice" } else { "client" },
                "decision": a.decision,
                "reason": a.reason,
                "actor": a.actor.as_str(),
            })
        })
        .collect()
}

fn to_json(s: &Session, x: &Shown) -> Value {
    let tz = s.tz();
    json!({
        "invoice": invoice_json(x),
        "thread": thread_json(x, tz),
        "outbox": outbox_json(x, tz),
        "audit": audit_json(x, tz),
    })
}

/// `relance show INVOICE [--json]`.
pub(in crate::cli) fn show(s: &Session, arg: &str, json: bool) -> anyhow::Result<ExitCode> {
    let shown = gather(s, arg)?;
    emit(|out| {
        if json {
            serde_json::to_writer_pretty(&mut *out, &to_json(s, &shown))?;
            writeln!(out)
        } else {
            out.write_all(text(s, &shown).as_bytes())
        }
    })?;
    Ok(ExitCode::SUCCESS)
}
