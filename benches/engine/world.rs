//! A seeded, reproducible store at the scale of issue 6: 20,000 clients,
//! 100,000 open invoices, replies and user commands as events, and sent steps
//! and alerts as history. Built through the store's public API only, so the
//! rows look like the ones the daemon writes.

use chrono::{DateTime, Days, NaiveDate, Utc};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use rust_decimal::Decimal;

use relance::domain::{
    ClientId, Currency, EmailAddress, InvoiceId, InvoiceNumber, MessageId, Money, ReplyClass,
    StepAction, StepNo,
};
use relance::engine::{AlertKind, EventKind, SentKind};
use relance::store::{
    Actor, ContactSource, InvoiceSource, NewAudit, NewEvent, NewIntent, NewInvoice, OutboxState,
    Purpose, Store,
};

/// How big a world to build.
#[derive(Debug, Clone, Copy)]
pub struct Scale {
    pub clients: usize,
    pub invoices: usize,
}

impl Scale {
    /// The issue's target: 100,000 open invoices over 20,000 clients.
    pub const FULL: Scale = Scale {
        clients: 20_000,
        invoices: 100_000,
    };
}

/// The instant every benchmark decides at: a Monday morning in Paris.
pub fn now() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-06-15T08:00:00Z")
        .map(|t| t.with_timezone(&Utc))
        .unwrap_or_default()
}

/// What was built, to print next to the timings.
#[derive(Debug, Default, Clone, Copy)]
pub struct Counts {
    pub clients: usize,
    pub invoices: usize,
    pub events: usize,
    pub sent: usize,
}

/// Fills `store` with a world of `scale`, the same for the same `seed`.
pub fn build(store: &Store, scale: Scale, seed: u64) -> relance::store::Result<Counts> {
    let mut rng = StdRng::seed_from_u64(seed);
    let mut counts = Counts::default();
    store.transaction(|s| {
        let clients = make_clients(s, scale.clients, &mut rng)?;
        counts.clients = clients.len();
        let mut owned: Vec<Vec<(InvoiceId, NaiveDate)>> = vec![Vec::new(); clients.len()];
        for n in 0..scale.invoices {
            // Every client gets one invoice, then a skewed share of the rest:
            // a few regular clients hold many invoices, most hold a handful.
            let who = if n < clients.len() {
                n
            } else {
                let r: f64 = rng.random();
                ((r * r) * clients.len() as f64) as usize % clients.len()
            };
            let (client, _) = &clients[who];
            let (id, due) = make_invoice(s, *client, n, &mut rng)?;
            owned[who].push((id, due));
            counts.invoices += 1;
        }
        for (who, (client, address)) in clients.iter().enumerate() {
            let (events, sent) = make_story(s, *client, address, &owned[who], &mut rng)?;
            counts.events += events;
            counts.sent += sent;
        }
        Ok(())
    })?;
    Ok(counts)
}

fn address(text: &str) -> EmailAddress {
    EmailAddress::parse(text).unwrap_or_else(|| panic!("bench world: bad address {text}"))
}

fn make_clients(
    s: &Store,
    n: usize,
    rng: &mut StdRng,
) -> relance::store::Result<Vec<(ClientId, EmailAddress)>> {
    let mut out = Vec::with_capacity(n);
    for i in 0..n {
        let main = address(&format!("compta@client{i:05}.example.fr"));
        let name = format!("Client {i:05} SARL");
        let id = s.upsert_client(&main, &name, ContactSource::Invoice)?.id;
        if rng.random_bool(0.3) {
            let billing = address(&format!("factures@client{i:05}.example.fr"));
            s.add_contact(id, &billing, true, ContactSource::Config)?;
        }
        out.push((id, main));
    }
    Ok(out)
}

fn make_invoice(
    s: &Store,
    client: ClientId,
    n: usize,
    rng: &mut StdRng,
) -> relance::store::Result<(InvoiceId, NaiveDate)> {
    // Due dates from 120 days ago to 30 days ahead: most are overdue, at
    // every rung of the ladder, some not yet due.
    let due = now().date_naive() - Days::new(120) + Days::new(rng.random_range(0..150));
    let cents: i64 = rng.random_range(15_000..1_500_000);
    let number = InvoiceNumber(format!("F-2026-{n:06}"));
    let message_id = MessageId::new(&format!("inv{n}@atelier-dupont.example.fr"));
    let invoice = NewInvoice {
        client,
        number: number.clone(),
        amount: Money::new(Decimal::new(cents, 2), Currency::EUR),
        issue_date: due - Days::new(30),
        due_date: due,
        source: InvoiceSource::SentFolder,
        original: message_id.map(|message_id| relance::store::Original {
            message_id,
            subject: format!("Facture {number}"),
            references: Vec::new(),
            thread_topic: None,
            thread_index: None,
            location: None,
        }),
        attachments: Vec::new(),
    };
    Ok((s.insert_invoice(&invoice)?.id, due))
}

/// Replies, user commands and what was already sent for one client.
fn make_story(
    s: &Store,
    client: ClientId,
    from: &EmailAddress,
    invoices: &[(InvoiceId, NaiveDate)],
    rng: &mut StdRng,
) -> relance::store::Result<(usize, usize)> {
    let today = now().date_naive();
    let Some(oldest) = invoices.iter().map(|(_, due)| *due).min() else {
        return Ok((0, 0));
    };
    let late = (today - oldest).num_days();
    let ids: Vec<InvoiceId> = invoices.iter().map(|(id, _)| *id).collect();
    let mut sent = 0;
    // Steps already taken, as far as the oldest invoice's lateness allows.
    for (step, after) in [(1u8, 4i64), (2, 12), (3, 15), (4, 20)] {
        if late > after + 2 && rng.random_bool(0.9) {
            let at = at_day(oldest + Days::new((after + 1) as u64));
            record_step(s, client, &ids, from, step, at)?;
            sent += 1;
        }
    }
    let mut events = 0;
    if late > 6 && rng.random_bool(0.2) {
        let at = at_day(today - Days::new(rng.random_range(1..6)));
        let event = reply_event(client, from, at, rng);
        let id = s.record_event(&event)?;
        events += 1;
        if matches!(
            event.kind,
            EventKind::Reply {
                class: ReplyClass::Dispute | ReplyClass::Question,
                ..
            }
        ) {
            record_alert(s, client, &ids, id, at)?;
            sent += 1;
        }
    }
    if rng.random_bool(0.05) {
        let at = at_day(today - Days::new(rng.random_range(1..20)));
        let kind = if rng.random_bool(0.5) {
            EventKind::ManualContact
        } else {
            EventKind::UserPause
        };
        s.record_event(&NewEvent {
            client,
            at,
            invoices: Vec::new(),
            kind,
            message: None,
        })?;
        events += 1;
    }
    Ok((events, sent))
}

fn at_day(day: NaiveDate) -> DateTime<Utc> {
    day.and_hms_opt(9, 30, 0).unwrap_or_default().and_utc()
}

fn reply_event(
    client: ClientId,
    from: &EmailAddress,
    at: DateTime<Utc>,
    rng: &mut StdRng,
) -> NewEvent {
    let classes = [
        ReplyClass::Promise,
        ReplyClass::Paid,
        ReplyClass::Ooo,
        ReplyClass::Other,
        ReplyClass::Dispute,
        ReplyClass::Question,
    ];
    let class = classes[rng.random_range(0..classes.len())];
    let date = matches!(class, ReplyClass::Promise | ReplyClass::Ooo)
        .then(|| at.date_naive() + Days::new(rng.random_range(3..20)));
    NewEvent {
        client,
        at,
        invoices: Vec::new(),
        kind: EventKind::Reply {
            class,
            date,
            amount: None,
            from: from.clone(),
            known_sender: true,
            failed_address: None,
        },
        message: None,
    }
}

fn record_step(
    s: &Store,
    client: ClientId,
    invoices: &[InvoiceId],
    to: &EmailAddress,
    step: u8,
    at: DateTime<Utc>,
) -> relance::store::Result<()> {
    let action = if step == 3 {
        StepAction::CallTask
    } else {
        StepAction::Email
    };
    let kind = SentKind::Step {
        step: StepNo(step),
        action,
        promise_not_kept: false,
    };
    let tag = format!("s{step}");
    record_sent(s, client, invoices, to, (&tag, Purpose::Case(kind)), at)
}

fn record_alert(
    s: &Store,
    client: ClientId,
    invoices: &[InvoiceId],
    event: relance::domain::EventId,
    at: DateTime<Utc>,
) -> relance::store::Result<()> {
    let kind = SentKind::Alert {
        kind: AlertKind::Dispute,
        event: Some(event),
    };
    let user = address("claire@atelier-dupont.example.fr");
    record_sent(
        s,
        client,
        invoices,
        &user,
        ("alert", Purpose::Case(kind)),
        at,
    )
}

fn record_sent(
    s: &Store,
    client: ClientId,
    invoices: &[InvoiceId],
    to: &EmailAddress,
    (tag, purpose): (&str, Purpose),
    at: DateTime<Utc>,
) -> relance::store::Result<()> {
    // One step or alert per client and tag: the id is unique without a counter.
    let message_id = MessageId::new(&format!("{tag}-c{}@atelier-dupont.example.fr", client.0))
        .unwrap_or_else(|| panic!("bench world: bad message id"));
    let intent = NewIntent {
        client: Some(client),
        purpose,
        invoices: invoices.to_vec(),
        recipients: vec![to.clone()],
        message_id,
        created_at: at,
        state: OutboxState::Sending,
        raw: None,
    };
    let audit = NewAudit {
        at,
        client: Some(client),
        invoices: invoices.to_vec(),
        decision: "sent".to_string(),
        reason: "bench world".to_string(),
        actor: Actor::Daemon,
    };
    let id = s.insert_intent(&intent, &audit)?;
    s.mark_sent(id, at)
}
