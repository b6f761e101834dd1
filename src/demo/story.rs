//! The demo's wording: what each ingested message was understood as, what
//! each outgoing message is, the file name of each, and the final summary
//! of where every client's invoices stand.

use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use chrono_tz::Tz;

use super::run::Sim;
use super::timeline::{Arrow, ClientSummary, Entry};
use crate::compose::{UserKind, UserRef};
use crate::detect::MailView;
use crate::domain::{ClientId, StepAction};
use crate::engine::Action;
use crate::pipeline::{Due, Ingested, Pipeline, Prepared};
use crate::store::Store;

/// How much of a reply's evidence the timeline quotes.
const EVIDENCE_CHARS: usize = 90;

/// The timeline line for a message that came in; `None` for relance's own.
pub(super) fn incoming(
    sim: &Sim<'_>,
    raw: &[u8],
    ingested: &Ingested,
    at: DateTime<Utc>,
) -> anyhow::Result<Option<Entry>> {
    let view = MailView::parse(raw);
    let from = view
        .as_ref()
        .and_then(|v| v.from.as_ref())
        .map_or_else(|| "?".to_string(), ToString::to_string);
    let subject = view.as_ref().map(|v| v.subject.clone()).unwrap_or_default();
    let name = |id: ClientId| -> anyhow::Result<String> { Ok(sim.store.client(id)?.name) };
    let (client, what) = match ingested {
        Ingested::Duplicate | Ingested::OwnMessage { .. } => return Ok(None),
        Ingested::Ignored { reason } => ("—".to_string(), format!("{from}: ignored ({reason})")),
        Ingested::Invoice {
            invoice, client, ..
        } => {
            let inv = sim.store.invoice(*invoice)?;
            let to = sim
                .store
                .contacts(*client)?
                .iter()
                .map(|c| c.address.to_string())
                .collect::<Vec<_>>()
                .join(", ");
            let what = format!(
                "invoice {} of {} due {} found in Sent (to {to}): tracked",
                inv.number,
                inv.amount.format(sim.pipeline.config().company.language),
                inv.due_date
            );
            (name(*client)?, what)
        }
        Ingested::CreditNote { cancelled } => (
            "—".to_string(),
            format!("credit note: cancels invoice {cancelled:?}"),
        ),
        Ingested::Reply {
            client,
            class,
            date,
            evidence,
            unknown_sender,
            ..
        } => {
            let date = date.map(|d| format!(" {d}")).unwrap_or_default();
            let quoted: String = evidence.chars().take(EVIDENCE_CHARS).collect();
            let stranger = if *unknown_sender {
                " (unknown sender)"
            } else {
                ""
            };
            let what = format!("{from}: {class}{date} \"{quoted}\"{stranger}");
            (name(*client)?, what)
        }
        Ingested::ManualContact { client, .. } => (
            name(*client)?,
            format!("Claire wrote herself (\"{subject}\"): manual contact, next step postponed"),
        ),
        Ingested::UserAnswer { client, summary } => {
            (name(*client)?, format!("Claire's answer: {summary}"))
        }
    };
    Ok(Some(Entry {
        at: at.with_timezone(&sim.tz),
        client,
        arrow: Arrow::In,
        what,
        why: None,
        file: None,
    }))
}

/// What an outgoing action is, for the timeline and the file name.
pub(super) fn outgoing(
    sim: &Sim<'_>,
    due: &Due,
    prepared: &Prepared,
) -> anyhow::Result<(String, String)> {
    let to = prepared
        .recipients
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(", ");
    let numbers = |ids: &[crate::domain::InvoiceId]| -> anyhow::Result<String> {
        let mut out = Vec::new();
        for id in ids {
            out.push(sim.store.invoice(*id)?.number.0);
        }
        Ok(out.join(", "))
    };
    Ok(match &due.action {
        Action::Step {
            step,
            action,
            invoices,
            promise_not_kept,
            ..
        } => {
            let broken = if *promise_not_kept {
                ", promise not kept"
            } else {
                ""
            };
            let what = match action {
                StepAction::Email => format!("step {step} email to {to}"),
                StepAction::CallTask => format!("step {step} call task to {to}"),
                StepAction::Notice => format!("step {step} formal notice (PDF) to {to}"),
            };
            let what = format!("{what} [{}{broken}]", numbers(invoices)?);
            (what, format!("step{step}-{action}"))
        }
        Action::Alert { kind, invoices, .. } => {
            let kind = serde_json::to_value(kind)?
                .as_str()
                .unwrap_or("alert")
                .to_string();
            let what = format!("alert to {to}: {kind} [{}]", numbers(invoices)?);
            (what, format!("alert-{kind}"))
        }
        Action::EndOfSequence { invoices } => (
            format!(
                "end of sequence, options told to {to} [{}]",
                numbers(invoices)?
            ),
            "end-of-sequence".to_string(),
        ),
    })
}

/// The forewarning or the digest.
pub(super) fn for_user(prepared: &Prepared) -> (String, String) {
    let subject = MailView::parse(&prepared.raw)
        .map(|v| v.subject)
        .unwrap_or_default();
    let digest =
        UserRef::from_message_id(&prepared.message_id).is_some_and(|r| r.kind == UserKind::Digest);
    let kind = if digest { "digest" } else { "forewarning" };
    (format!("{kind} to Claire: \"{subject}\""), kind.to_string())
}

/// `Studio Lumière SARL` -> `studio-lumiere-sarl`.
pub(super) fn slug(name: &str) -> String {
    let ascii: String = name
        .to_lowercase()
        .chars()
        .map(|c| match c {
            'à' | 'â' | 'ä' => 'a',
            'é' | 'è' | 'ê' | 'ë' => 'e',
            'î' | 'ï' => 'i',
            'ô' | 'ö' => 'o',
            'ù' | 'û' | 'ü' => 'u',
            'ç' => 'c',
            c if c.is_ascii_alphanumeric() => c,
            _ => '-',
        })
        .collect();
    ascii
        .split('-')
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join("-")
}

/// The instant of local `time` on `date`; `None` in a DST gap.
pub(super) fn local_instant(tz: Tz, date: NaiveDate, time: NaiveTime) -> Option<DateTime<Utc>> {
    date.and_time(time)
        .and_local_timezone(tz)
        .earliest()
        .map(|t| t.with_timezone(&Utc))
}

/// Each client's invoices with their state and last step at `now`.
pub(super) fn summary(
    pipeline: &Pipeline,
    store: &Store,
    now: DateTime<Utc>,
) -> anyhow::Result<Vec<ClientSummary>> {
    let mut out = Vec::new();
    for (case, decision) in pipeline.decisions(store, now)? {
        let invoices = decision
            .invoices
            .iter()
            .map(|v| {
                let number = case
                    .invoices
                    .iter()
                    .find(|i| i.id == v.invoice)
                    .map_or_else(|| v.invoice.to_string(), |i| i.number.0.clone());
                format!("{number} {} (last step {})", v.state, v.step)
            })
            .collect();
        out.push(ClientSummary {
            client: case.client_name,
            invoices,
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_are_ascii_words() {
        assert_eq!(slug("Studio Lumière SARL"), "studio-lumiere-sarl");
        assert_eq!(slug("  Garage  Petit "), "garage-petit");
    }
}
