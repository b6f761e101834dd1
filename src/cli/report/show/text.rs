//! The readable form of `relance show`: a header block about the invoice,
//! then the thread, the outbox and the audit log as aligned tables, times
//! in the user's time zone.

use super::super::{action_label, table};
use super::{Shown, purpose};
use crate::cli::ledger::Session;
use crate::domain::Money;

/// "a@a.fr, billing@a.fr (billing)".
fn contacts(x: &Shown) -> String {
    let listed: Vec<String> = x
        .contacts
        .iter()
        .map(|c| {
            let tags: Vec<&str> = [(c.billing, "billing"), (c.bounced, "bounced")]
                .iter()
                .filter_map(|(on, tag)| on.then_some(*tag))
                .collect();
            if tags.is_empty() {
                c.address.to_string()
            } else {
                format!("{} ({})", c.address, tags.join(", "))
            }
        })
        .collect();
    listed.join(", ")
}

fn header(s: &Session, x: &Shown) -> String {
    let inv = &x.invoice;
    let cur = inv.amount.currency;
    let mut out = format!("Invoice {} of {}\n", inv.number, inv.client_name);
    let mut field = |name: &str, value: String| out.push_str(&format!("  {name:<9} {value}\n"));
    field("Contacts:", contacts(x));
    let due = x.standing.as_ref().map_or(inv.balance(), |r| r.amount_due);
    field(
        "Amount:",
        format!(
            "{}, paid {}, due {}",
            s.money(inv.amount),
            s.money(Money::new(inv.paid, cur)),
            s.money(Money::new(due, cur))
        ),
    );
    let late = x.standing.as_ref().map_or(0, |r| r.days_late);
    let late = if late > 0 {
        format!(" ({late} days late)")
    } else {
        String::new()
    };
    field(
        "Dates:",
        format!("issued {}, due {}{late}", inv.issue_date, inv.due_date),
    );
    let paused = if inv.paused { ", paused by hand" } else { "" };
    match &x.standing {
        Some(r) => {
            field(
                "Status:",
                format!(
                    "{}{paused}; sequence {}, step {} done",
                    inv.status, r.state, r.step
                ),
            );
            let next = match (r.next_action, r.next_at) {
                (Some(kind), Some(at)) => format!("{} on {}", action_label(kind), s.local(at)),
                _ => "nothing planned".to_string(),
            };
            field("Next:", next);
        }
        None => field("Status:", format!("{}{paused}", inv.status)),
    }
    let origin = match &inv.original {
        Some(o) => format!(
            "{}; subject \"{}\"; {}",
            inv.source,
            o.subject,
            o.message_id.bracketed()
        ),
        None => format!(
            "{} (no email: the first reminder starts the thread)",
            inv.source
        ),
    };
    field("Source:", origin);
    out
}

fn thread(s: &Session, x: &Shown) -> String {
    let rows: Vec<Vec<String>> = x
        .thread
        .iter()
        .map(|(m, c)| {
            let class = c.as_ref().map_or("-".to_string(), |c| {
                let date = c.date.map(|d| format!(" {d}")).unwrap_or_default();
                format!("{}{date}", c.class)
            });
            vec![
                m.date.map_or("-".to_string(), |d| s.local(d)),
                m.direction.to_string(),
                m.from.as_ref().map_or("-".to_string(), |f| f.to_string()),
                m.subject.clone(),
                class,
                c.as_ref()
                    .map_or(String::new(), |c| format!("\u{ab}{}\u{bb}", c.evidence)),
            ]
        })
        .collect();
    section(
        "Thread",
        &["DATE", "DIR", "FROM", "SUBJECT", "CLASS", "EVIDENCE"],
        &rows,
    )
}

fn outbox(s: &Session, x: &Shown) -> String {
    let rows: Vec<Vec<String>> = x
        .outbox
        .iter()
        .map(|o| {
            let to: Vec<&str> = o.recipients.iter().map(|r| r.as_str()).collect();
            let mut state = o.state.to_string();
            if let Some(e) = &o.last_error {
                state.push_str(&format!(" ({e})"));
            }
            vec![
                s.local(o.sent_at.unwrap_or(o.created_at)),
                purpose(&o.purpose),
                to.join(", "),
                state,
                o.message_id.bracketed(),
            ]
        })
        .collect();
    section(
        "Outbox",
        &["AT", "WHAT", "TO", "STATE", "MESSAGE-ID"],
        &rows,
    )
}

fn audit(s: &Session, x: &Shown) -> String {
    let rows: Vec<Vec<String>> = x
        .audit
        .iter()
        .map(|a| {
            vec![
                s.local(a.at),
                a.actor.to_string(),
                a.decision.clone(),
                a.reason.clone(),
            ]
        })
        .collect();
    section("Audit log", &["AT", "BY", "DECISION", "WHY"], &rows)
}

fn section(title: &str, headers: &[&str], rows: &[Vec<String>]) -> String {
    if rows.is_empty() {
        return format!("\n{title}: none\n");
    }
    let table = table::render(headers, &[], rows);
    let indented: String = table.lines().map(|l| format!("  {l}\n")).collect();
    format!("\n{title} ({})\n{indented}", rows.len())
}

/// The whole readable report.
pub(super) fn text(s: &Session, x: &Shown) -> String {
    let mut out = header(s, x);
    out.push_str(&thread(s, x));
    out.push_str(&outbox(s, x));
    out.push_str(&audit(s, x));
    out
}
