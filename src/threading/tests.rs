//! Table tests of thread matching against one small index.

use super::*;

const A: ClientId = ClientId(1);
const B: ClientId = ClientId(2);

fn addr(s: &str) -> EmailAddress {
    EmailAddress::parse(s).unwrap()
}

fn mid(s: &str) -> MessageId {
    MessageId::new(s).unwrap()
}

fn inv(n: i64) -> InvoiceId {
    InvoiceId(n)
}

/// Client A: two lettered invoices and a short numeric one; client B: one.
fn index() -> ThreadIndex {
    let mut ix = ThreadIndex::default();
    for (id, ids) in [
        ("inv42@me", vec![10]),
        ("inv43@me", vec![11]),
        ("rem1@me", vec![10, 11]),
        ("inv50@me", vec![20]),
    ] {
        let ids: Vec<InvoiceId> = ids.into_iter().map(inv).collect();
        ix.messages.set(&mid(id), &ids);
    }
    for (i, c) in [(10, A), (11, A), (12, A), (20, B)] {
        ix.invoice_clients.insert(inv(i), c);
    }
    let numbers = |list: &[(&str, i64)]| {
        list.iter()
            .map(|(n, i)| (InvoiceNumber((*n).into()), inv(*i)))
            .collect::<Vec<_>>()
    };
    ix.invoice_numbers.insert(
        A,
        numbers(&[("F-2026-0042", 10), ("F-2026-0043", 11), ("12", 12)]),
    );
    ix.invoice_numbers
        .insert(B, numbers(&[("F-2026-0050", 20)]));
    ix.addresses.insert(addr("marc@client-a.fr"), A);
    ix.addresses.insert(addr("compta@client-a.fr"), A);
    ix.addresses.insert(addr("ap@client-b.fr"), B);
    ix.domains.insert("client-a.fr".into(), A);
    ix.domains.insert("client-b.fr".into(), B);
    ix.own_addresses.insert(addr("claire@atelier.fr"));
    ix.relance_messages.insert(IdKey::of(&mid("rem1@me")));
    ix
}

fn msg(from: &str, reply_to: &[&str], subject: &str, body: &str) -> Incoming {
    Incoming {
        message_id: Some(mid("new@x")),
        in_reply_to: reply_to.last().map(|r| mid(r)).into_iter().collect(),
        references: reply_to.iter().map(|r| mid(r)).collect(),
        from: EmailAddress::parse(from),
        recipients: vec![addr("claire@atelier.fr")],
        subject: subject.into(),
        body_snippet: body.into(),
        in_sent_folder: false,
    }
}

fn m(
    invoices: &[i64],
    client: Option<ClientId>,
    via: MatchedVia,
    unknown: bool,
    user: bool,
) -> Option<ThreadMatch> {
    Some(ThreadMatch {
        invoices: invoices.iter().copied().map(inv).collect(),
        client,
        via,
        unknown_sender: unknown,
        from_user: user,
    })
}

use MatchedVia::{ClientAddress, InvoiceNumber as Number, References};

#[test]
fn table() {
    let ix = index();
    let cases: Vec<(&str, Incoming, Option<ThreadMatch>)> = vec![
        (
            "reply to the invoice",
            msg("marc@client-a.fr", &["inv42@me"], "Re: Facture", "ok"),
            m(&[10], Some(A), References, false, false),
        ),
        (
            "reply to a grouped reminder",
            msg("compta@client-a.fr", &["inv42@me", "rem1@me"], "Re:", ""),
            m(&[10, 11], Some(A), References, false, false),
        ),
        (
            "references win over numbers",
            msg("marc@client-a.fr", &["inv42@me"], "F-2026-0043", ""),
            m(&[10], Some(A), References, false, false),
        ),
        (
            "unknown ids in the chain are skipped",
            msg("marc@client-a.fr", &["inv42@me", "zzz@else"], "", ""),
            m(&[10], Some(A), References, false, false),
        ),
        (
            "stranger in a known thread",
            msg("boss@holding.example", &["inv42@me"], "Re:", ""),
            m(&[10], Some(A), References, true, false),
        ),
        (
            "other client's address in the thread",
            msg("ap@client-b.fr", &["inv42@me"], "Re:", ""),
            m(&[10], Some(A), References, true, false),
        ),
        (
            "new colleague on the client's domain",
            msg("new@client-a.fr", &["inv42@me"], "", ""),
            m(&[10], Some(A), References, false, false),
        ),
        (
            "several numbers named",
            msg(
                "marc@client-a.fr",
                &[],
                "Paiement F-2026-0042 et F-2026-0043",
                "",
            ),
            m(&[10, 11], Some(A), Number, false, false),
        ),
        (
            "number in the body, lowercase",
            msg(
                "new@client-a.fr",
                &[],
                "Virement",
                "pour la facture f-2026-0042.",
            ),
            m(&[10], Some(A), Number, false, false),
        ),
        (
            "longer number is another token",
            msg("marc@client-a.fr", &[], "F-2026-00421", ""),
            m(&[], Some(A), ClientAddress, false, false),
        ),
        (
            "a date is not invoice 12",
            msg("marc@client-a.fr", &[], "", "nous paierons le 12 mars"),
            m(&[], Some(A), ClientAddress, false, false),
        ),
        (
            "short number with a cue",
            msg("marc@client-a.fr", &[], "", "la facture n° 12 est réglée"),
            m(&[12], Some(A), Number, false, false),
        ),
        (
            "short number after #",
            msg("marc@client-a.fr", &[], "Invoice #12", ""),
            m(&[12], Some(A), Number, false, false),
        ),
        (
            "unknown sender, distinctive number",
            msg("cabinet@compta.example", &[], "F-2026-0050 réglée", ""),
            m(&[20], Some(B), Number, true, false),
        ),
        (
            "unknown sender, short number",
            msg("cabinet@compta.example", &[], "facture 12", ""),
            None,
        ),
        (
            "unknown sender, nothing",
            msg("spam@x.example", &[], "Hello", "F-2026"),
            None,
        ),
        (
            "relance's own reminder",
            Incoming {
                message_id: Some(mid("rem1@me")),
                ..msg("claire@atelier.fr", &["inv42@me"], "", "")
            },
            None,
        ),
    ];
    for (name, incoming, want) in cases {
        assert_eq!(match_thread(&incoming, &ix), want, "{name}");
    }
}

#[test]
fn the_users_own_messages() {
    let ix = index();
    let in_thread = Incoming {
        in_sent_folder: true,
        from: Some(addr("claire.perso@mail.example")),
        recipients: vec![addr("marc@client-a.fr")],
        ..msg(
            "x@y.fr",
            &["inv42@me"],
            "Re: Facture",
            "Je vous rappelle demain.",
        )
    };
    assert_eq!(
        match_thread(&in_thread, &ix),
        m(&[10], Some(A), References, false, true)
    );
    let from_own_address = Incoming {
        recipients: vec![addr("compta@client-a.fr")],
        ..msg("claire@atelier.fr", &[], "Votre facture F-2026-0043", "")
    };
    assert_eq!(
        match_thread(&from_own_address, &ix),
        m(&[11], Some(A), Number, false, true)
    );
    let unrelated = Incoming {
        recipients: vec![addr("marc@client-a.fr")],
        ..msg(
            "claire@atelier.fr",
            &[],
            "Maquettes",
            "Voici les maquettes.",
        )
    };
    assert_eq!(match_thread(&unrelated, &ix), None);
}

#[test]
fn whole_token_mentions() {
    for (hay, needle, want) in [
        ("facture f-2026-0042", "f-2026-0042", true),
        ("(f-2026-0042).", "f-2026-0042", true),
        ("f-2026-0042, f-2026-0043", "f-2026-0043", true),
        ("f-2026-00421", "f-2026-0042", false),
        ("xf-2026-0042", "f-2026-0042", false),
        ("f-2026-042", "2026-042", false),
        ("f-2026-0042-bis", "f-2026-0042", false),
        ("inv-2026-001", "inv-2026-001", true),
        ("le 12 mars", "12", false),
        ("invoice #12.", "12", true),
        ("casino 12", "12", false),
        ("", "12", false),
        ("abc", "", false),
    ] {
        assert_eq!(mentions(hay, needle), want, "{needle} in {hay}");
    }
}

#[test]
fn incoming_from_raw_bytes() {
    let raw =
        b"From: Marc <Marc@Client-A.fr>\r\nTo: claire@atelier.fr\r\nCc: compta@client-a.fr\r\n\
        Subject: Re: Facture F-2026-0042\r\nMessage-ID: <r1@client-a.fr>\r\n\
        In-Reply-To: <inv42@me>\r\nReferences: <inv0@me>\r\n <inv42@me>\r\n\r\nVirement fait.\r\n";
    let incoming = Incoming::parse(raw, false).unwrap();
    assert_eq!(incoming.from, Some(addr("marc@client-a.fr")));
    assert_eq!(
        incoming.recipients,
        vec![addr("claire@atelier.fr"), addr("compta@client-a.fr")]
    );
    assert_eq!(incoming.references, vec![mid("inv0@me"), mid("inv42@me")]);
    assert_eq!(incoming.in_reply_to, vec![mid("inv42@me")]);
    assert!(incoming.body_snippet.starts_with("Virement fait."));
    assert_eq!(
        match_thread(&incoming, &index()),
        m(&[10], Some(A), References, false, false)
    );
}

#[test]
fn tracked_messages_keep_each_invoice_once() {
    let mut tracked = TrackedMessages::default();
    tracked.add(&mid("a@me"), inv(1));
    tracked.add(&mid("a@me"), inv(1));
    assert_eq!(tracked.get(&mid("a@me")), Some(&[inv(1)][..]));
    tracked.add(&mid("a@me"), inv(2));
    assert_eq!(tracked.get(&mid("<a@me>")), Some(&[inv(1), inv(2)][..]));
    tracked.set(&mid("b@me"), &[inv(3), inv(4)]);
    assert!(tracked.contains(&mid("b@me")));
    assert!(!tracked.contains(&mid("c@me")));
    tracked.set(&mid("b@me"), &[]);
    assert_eq!(tracked.get(&mid("b@me")), None);
    assert_eq!(tracked.len(), 1);
}
