//! The pipeline on a temporary store: ingest (invoices, credit notes,
//! replies, relance's own mail, the user's answers), plan and prepare, with
//! the invoice fixtures and small replies written here.

use std::path::Path;

use chrono::{DateTime, Duration, Utc};
use relance::compose::UserRef;
use relance::config::Config;
use relance::domain::{EmailAddress, InvoiceStatus, MessageId, ReplyClass, StepNo};
use relance::engine::Action;
use relance::pipeline::{FolderKind, HeaderSummary, Ingested, Pipeline, extract_attachment};
use relance::store::{Location, OutboxState, Store};
use sha2::Digest as _;

const CONFIG: &str = r#"
[company]
name = "Atelier Dupont"
email = "claire@atelier-dupont.example.fr"
sender-name = "Claire Dupont"

[state]
database = "unused.db"
since = "2026-01-01"

[imap]
host = "imap.example.fr"
password-env = "UNUSED"

[sequence]
mode = "dry-run"
rate-limit = RATE
"#;

fn pipeline(rate: u32) -> Pipeline {
    let text = CONFIG.replace("RATE", &rate.to_string());
    Pipeline::new(Config::parse(&text, Path::new("test.toml")).unwrap()).unwrap()
}

fn store() -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join("relance.db")).unwrap();
    (dir, store)
}

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/invoices")
            .join(name),
    )
    .unwrap()
}

fn t(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
}

fn at(folder: &str, uid: u32) -> Location {
    Location {
        folder: folder.to_string(),
        uidvalidity: 1,
        uid,
    }
}

fn addr(s: &str) -> EmailAddress {
    EmailAddress::parse(s).unwrap()
}

/// A plain-text reply from `from`, in reply to `parent`.
fn reply(from: &str, parent: &str, date: &str, body: &str) -> Vec<u8> {
    format!(
        "From: {from}\r\nTo: claire@atelier-dupont.example.fr\r\nSubject: Re: Facture F-2026-0042\r\n\
         Date: {date}\r\nMessage-ID: <r{}@client-a.example.fr>\r\nIn-Reply-To: <{parent}>\r\n\
         References: <{parent}>\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\
         \r\n{body}\r\n",
        body.len()
    )
    .into_bytes()
}

/// The French invoice F-2026-0042 (due Sunday 15 March 2026) ingested.
fn with_invoice(p: &Pipeline, store: &Store) -> Ingested {
    let raw = fixture("invoice-fr-regex.eml");
    p.ingest(
        store,
        FolderKind::Sent,
        at("Sent", 1),
        &raw,
        t("2026-02-13T09:12:00Z"),
    )
    .unwrap()
}

#[test]
fn a_sent_invoice_is_tracked_once_with_its_thread_and_attachment() {
    let p = pipeline(20);
    let (_dir, store) = store();
    let Ingested::Invoice {
        invoice, number, ..
    } = with_invoice(&p, &store)
    else {
        panic!("not an invoice");
    };
    assert_eq!(number, "F-2026-0042");
    let row = store.invoice(invoice).unwrap();
    let original = row.original.unwrap();
    assert_eq!(
        original.message_id.as_str(),
        "f42.1@atelier-dupont.example.fr"
    );
    assert_eq!(original.location, Some(at("Sent", 1)));
    let files = store.attachments(invoice).unwrap();
    assert_eq!(files.len(), 1);
    let pdf = extract_attachment(&fixture("invoice-fr-regex.eml"), &files[0].part).unwrap();
    assert!(pdf.content.starts_with(b"%PDF"));
    assert_eq!(store.contacts(row.client).unwrap().len(), 2);
    // Seen again elsewhere (a resync): nothing new.
    let again = p
        .ingest(
            &store,
            FolderKind::Sent,
            at("Sent", 7),
            &fixture("invoice-fr-regex.eml"),
            t("2026-02-14T09:00:00Z"),
        )
        .unwrap();
    assert_eq!(again, Ingested::Duplicate);
}

#[test]
fn mail_parsed_on_another_thread_is_ingested_as_raw_mail_is() {
    let p = std::sync::Arc::new(pipeline(20));
    let (_dir, store) = store();
    let now = t("2026-02-13T09:12:00Z");
    let parse = |folder, raw: Vec<u8>| {
        let p = p.clone();
        std::thread::spawn(move || p.parse(folder, &raw, now))
            .join()
            .unwrap()
    };
    let invoice = parse(FolderKind::Sent, fixture("invoice-fr-regex.eml"));
    let Ingested::Invoice {
        invoice, number, ..
    } = p
        .ingest_parsed(&store, FolderKind::Sent, at("Sent", 1), invoice, now)
        .unwrap()
    else {
        panic!("not an invoice");
    };
    assert_eq!(number, "F-2026-0042");
    // The attachment was hashed while parsing: the digest of the file.
    let files = store.attachments(invoice).unwrap();
    let pdf = extract_attachment(&fixture("invoice-fr-regex.eml"), &files[0].part).unwrap();
    let digest: String = sha2::Sha256::digest(&pdf.content)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    assert_eq!(files[0].sha256, digest);
    assert_eq!(files[0].size, pdf.content.len() as u64);
    let answer = reply(
        "marc@client-a.example.fr",
        "f42.1@atelier-dupont.example.fr",
        "Fri, 13 Feb 2026 10:00:00 +0100",
        "Bonjour, c'est payé, virement fait ce matin.",
    );
    let read = p
        .ingest_parsed(
            &store,
            FolderKind::Inbox,
            at("INBOX", 1),
            parse(FolderKind::Inbox, answer),
            now,
        )
        .unwrap();
    assert!(
        matches!(
            read,
            Ingested::Reply {
                class: ReplyClass::Paid,
                ..
            }
        ),
        "{read:?}"
    );
    // Bytes no parser can read are recorded as unreadable, not an error.
    let garbage = parse(FolderKind::Inbox, Vec::new());
    let unreadable = p
        .ingest_parsed(&store, FolderKind::Inbox, at("INBOX", 2), garbage, now)
        .unwrap();
    assert!(
        matches!(unreadable, Ingested::Ignored { .. }),
        "{unreadable:?}"
    );
}

#[test]
fn a_reading_made_while_parsing_is_not_kept_past_its_day() {
    let p = std::sync::Arc::new(pipeline(20));
    let (_dir, store) = store();
    let parsed_on = t("2026-02-13T22:00:00Z");
    let ingested_on = t("2026-02-14T09:00:00Z");
    p.ingest(
        &store,
        FolderKind::Sent,
        at("Sent", 1),
        &fixture("invoice-fr-regex.eml"),
        parsed_on,
    )
    .unwrap();
    // No Date header: "demain" counts from the day the reply is read, and
    // the parse ran the evening before (Paris: 23:00 on the 13th).
    let promise = String::from_utf8(reply(
        "marc@client-a.example.fr",
        "f42.1@atelier-dupont.example.fr",
        "unused",
        "Bonjour, je fais le virement demain.",
    ))
    .unwrap()
    .replace("Date: unused\r\n", "")
    .into_bytes();
    let early = {
        let p = p.clone();
        std::thread::spawn(move || p.parse(FolderKind::Inbox, &promise, parsed_on))
            .join()
            .unwrap()
    };
    let read = p
        .ingest_parsed(
            &store,
            FolderKind::Inbox,
            at("INBOX", 1),
            early,
            ingested_on,
        )
        .unwrap();
    let Ingested::Reply { class, date, .. } = read else {
        panic!("not a reply: {read:?}");
    };
    assert_eq!(class, ReplyClass::Promise);
    assert_eq!(date, chrono::NaiveDate::from_ymd_opt(2026, 2, 15));
}

#[test]
fn an_invoice_sent_before_since_is_not_tracked() {
    let p = pipeline(20);
    let (_dir, store) = store();
    let raw = String::from_utf8(fixture("invoice-fr-regex.eml"))
        .unwrap()
        .replace("Fri, 13 Feb 2026", "Fri, 12 Dec 2025");
    let got = p
        .ingest(
            &store,
            FolderKind::Sent,
            at("Sent", 1),
            raw.as_bytes(),
            t("2026-02-13T09:12:00Z"),
        )
        .unwrap();
    assert!(matches!(got, Ingested::Ignored { reason } if reason.contains("since")));
}

#[test]
fn a_credit_note_cancels_the_invoice_it_credits() {
    let p = pipeline(20);
    let (_dir, store) = store();
    let got = p
        .ingest(
            &store,
            FolderKind::Sent,
            at("Sent", 1),
            &fixture("facturx-en16931.eml"),
            t("2026-02-13T09:00:00Z"),
        )
        .unwrap();
    let Ingested::Invoice { invoice, .. } = got else {
        panic!("{got:?}");
    };
    let got = p
        .ingest(
            &store,
            FolderKind::Sent,
            at("Sent", 2),
            &fixture("credit-note-facturx.eml"),
            t("2026-03-01T09:00:00Z"),
        )
        .unwrap();
    assert_eq!(
        got,
        Ingested::CreditNote {
            cancelled: Some(invoice)
        }
    );
    assert_eq!(
        store.invoice(invoice).unwrap().status,
        InvoiceStatus::Cancelled
    );
}

#[test]
fn a_client_promise_holds_the_first_reminder() {
    let p = pipeline(20);
    let (_dir, store) = store();
    with_invoice(&p, &store);
    let raw = reply(
        "Marc Leroy <marc.leroy@client-a.example.fr>",
        "f42.1@atelier-dupont.example.fr",
        "Mon, 16 Mar 2026 10:00:00 +0100",
        "Bonjour,\r\nNous réglerons la facture le 31 mars.\r\nCordialement",
    );
    let got = p
        .ingest(
            &store,
            FolderKind::Inbox,
            at("INBOX", 1),
            &raw,
            t("2026-03-16T09:01:00Z"),
        )
        .unwrap();
    let Ingested::Reply {
        class,
        date,
        unknown_sender,
        ..
    } = got
    else {
        panic!("{got:?}");
    };
    assert_eq!(class, ReplyClass::Promise);
    assert_eq!(date.map(|d| d.to_string()), Some("2026-03-31".into()));
    assert!(!unknown_sender);
    // Step 1 would be due on Tuesday 17 March: the promise holds it.
    let plan = p.plan(&store, t("2026-03-17T08:00:00Z")).unwrap();
    assert!(plan.due.is_empty(), "{plan:?}");
}

#[test]
fn a_due_step_is_prepared_threaded_recorded_and_recognised_in_sent() {
    let p = pipeline(20);
    let (_dir, store) = store();
    with_invoice(&p, &store);
    let now = t("2026-03-17T08:00:00Z");
    let plan = p.plan(&store, now).unwrap();
    assert_eq!(plan.due.len(), 1, "{plan:?}");
    let due = &plan.due[0];
    assert!(matches!(
        &due.action,
        Action::Step {
            step: StepNo(1),
            ..
        }
    ));
    assert!(p.still_due(&store, due, now).unwrap());
    let fetch = p.attachments_needed(&store, due).unwrap();
    assert_eq!(fetch.len(), 1);
    let attachments = fetch
        .iter()
        .map(|f| {
            (
                f.invoice,
                extract_attachment(&fixture("invoice-fr-regex.eml"), &f.part).unwrap(),
            )
        })
        .collect();
    let prepared = p.prepare(&store, due, attachments, now).unwrap();
    assert!(!prepared.to_user);
    assert_eq!(
        prepared.recipients,
        vec![
            addr("marc.leroy@client-a.example.fr"),
            addr("compta@client-a.example.fr")
        ]
    );
    let text = String::from_utf8_lossy(&prepared.raw);
    assert!(
        text.contains("In-Reply-To: <f42.1@atelier-dupont.example.fr>"),
        "{text}"
    );
    assert!(text.contains("Facture_F-2026-0042.pdf"));
    let row = store.outbox_entry(prepared.outbox).unwrap();
    assert_eq!(row.state, OutboxState::Sending);
    // The intent is history: the same step is not due again.
    assert!(!p.still_due(&store, due, now).unwrap());
    assert!(
        p.plan(&store, now + Duration::minutes(5))
            .unwrap()
            .due
            .is_empty()
    );
    // Its copy in Sent is relance's own message, not a manual contact.
    let got = p
        .ingest(&store, FolderKind::Sent, at("Sent", 2), &prepared.raw, now)
        .unwrap();
    assert_eq!(
        got,
        Ingested::OwnMessage {
            outbox: Some(prepared.outbox)
        }
    );
}

#[test]
fn prepare_refuses_recipients_that_are_not_contacts() {
    let p = pipeline(20);
    let (_dir, store) = store();
    with_invoice(&p, &store);
    let now = t("2026-03-17T08:00:00Z");
    let mut due = p.plan(&store, now).unwrap().due.remove(0);
    if let Action::Step { recipients, .. } = &mut due.action {
        *recipients = vec![addr("someone@elsewhere.example.com")];
    }
    assert!(p.prepare(&store, &due, Vec::new(), now).is_err());
    assert!(store.pending_intents().unwrap().is_empty());
}

#[test]
fn the_users_stop_answer_to_an_alert_stops_the_ladder() {
    let p = pipeline(20);
    let (_dir, store) = store();
    with_invoice(&p, &store);
    let dispute = reply(
        "compta@client-a.example.fr",
        "f42.1@atelier-dupont.example.fr",
        "Mon, 16 Mar 2026 10:00:00 +0100",
        "Nous contestons cette facture : la prestation n'a pas été livrée.",
    );
    p.ingest(
        &store,
        FolderKind::Inbox,
        at("INBOX", 1),
        &dispute,
        t("2026-03-16T09:01:00Z"),
    )
    .unwrap();
    let now = t("2026-03-16T09:05:00Z");
    let plan = p.plan(&store, now).unwrap();
    let alert = plan
        .due
        .iter()
        .find(|d| matches!(d.action, Action::Alert { .. }))
        .expect("an alert for the dispute");
    let prepared = p.prepare(&store, alert, Vec::new(), now).unwrap();
    assert!(prepared.to_user);
    assert!(UserRef::from_message_id(&prepared.message_id).is_some());
    let answer = format!(
        "From: Claire Dupont <claire@atelier-dupont.example.fr>\r\nTo: claire@atelier-dupont.example.fr\r\n\
         Subject: Re: alerte\r\nDate: Mon, 16 Mar 2026 11:00:00 +0100\r\nMessage-ID: <a1@atelier-dupont.example.fr>\r\n\
         In-Reply-To: {}\r\n\r\nStop.\r\n",
        prepared.message_id.bracketed()
    );
    let got = p
        .ingest(
            &store,
            FolderKind::Inbox,
            at("INBOX", 2),
            answer.as_bytes(),
            t("2026-03-16T10:01:00Z"),
        )
        .unwrap();
    assert!(matches!(got, Ingested::UserAnswer { .. }), "{got:?}");
    let later = p.plan(&store, t("2026-04-20T08:00:00Z")).unwrap();
    assert!(
        !later
            .due
            .iter()
            .any(|d| matches!(d.action, Action::Step { .. })),
        "{later:?}"
    );
}

#[test]
fn strangers_and_newsletters_are_ignored_and_not_fetched() {
    let p = pipeline(20);
    let (_dir, store) = store();
    with_invoice(&p, &store);
    let known = HeaderSummary {
        from: Some(addr("someone@client-a.example.fr")),
        ..HeaderSummary::default()
    };
    assert!(p.wants_body(&store, FolderKind::Inbox, &known).unwrap());
    let stranger = HeaderSummary {
        from: Some(addr("news@letters.example.com")),
        subject: "5 façons d'être payé".into(),
        ..HeaderSummary::default()
    };
    assert!(!p.wants_body(&store, FolderKind::Inbox, &stranger).unwrap());
    let threaded = HeaderSummary {
        in_reply_to: vec![MessageId::new("f42.1@atelier-dupont.example.fr").unwrap()],
        ..stranger.clone()
    };
    assert!(p.wants_body(&store, FolderKind::Inbox, &threaded).unwrap());
    let raw = b"From: news@letters.example.com\r\nTo: claire@atelier-dupont.example.fr\r\n\
        Subject: Offre speciale\r\nDate: Mon, 16 Mar 2026 10:00:00 +0100\r\n\
        Message-ID: <n1@letters.example.com>\r\nPrecedence: bulk\r\n\r\nRelancez mieux vos factures.\r\n";
    let got = p
        .ingest(
            &store,
            FolderKind::Inbox,
            at("INBOX", 1),
            raw,
            t("2026-03-16T09:01:00Z"),
        )
        .unwrap();
    assert!(matches!(got, Ingested::Ignored { .. }), "{got:?}");
    let garbage = p
        .ingest(
            &store,
            FolderKind::Inbox,
            at("INBOX", 2),
            b"\xff\xfe not mail",
            t("2026-03-16T09:02:00Z"),
        )
        .unwrap();
    assert!(
        matches!(garbage, Ingested::Ignored { .. } | Ingested::Duplicate),
        "{garbage:?}"
    );
}

#[test]
fn the_rate_limit_holds_back_surplus_client_messages() {
    let p = pipeline(1);
    let (_dir, store) = store();
    with_invoice(&p, &store);
    p.ingest(
        &store,
        FolderKind::Sent,
        at("Sent", 2),
        &fixture("facturx-en16931.eml"),
        t("2026-02-13T09:00:00Z"),
    )
    .unwrap();
    let now = t("2026-03-17T08:00:00Z");
    let plan = p.plan(&store, now).unwrap();
    let steps: Vec<_> = plan
        .due
        .iter()
        .filter(|d| matches!(d.action, Action::Step { .. }))
        .collect();
    assert_eq!(steps.len(), 1, "{plan:?}");
    assert!(
        plan.next_wake
            .is_some_and(|w| w <= now + Duration::minutes(5))
    );
}

/// A client reached at `address` with one invoice sent as `message_id`.
fn client_with_invoice(store: &Store, address: &str, message_id: &str) {
    use relance::domain::{Currency, InvoiceNumber, Money};
    use relance::store::{ContactSource, InvoiceSource, NewInvoice, Original};
    let client = store
        .upsert_client(&addr(address), "Client", ContactSource::Invoice)
        .unwrap()
        .id;
    let due = chrono::NaiveDate::from_ymd_opt(2026, 2, 27).unwrap();
    store
        .insert_invoice(&NewInvoice {
            client,
            number: InvoiceNumber("F-2026-0042".into()),
            amount: Money::new(rust_decimal::Decimal::new(120_000, 2), Currency::EUR),
            issue_date: due - chrono::Days::new(30),
            due_date: due,
            source: InvoiceSource::SentFolder,
            original: Some(Original {
                message_id: MessageId::new(message_id).unwrap(),
                subject: "Invoice F-2026-0042".into(),
                references: Vec::new(),
                thread_topic: None,
                thread_index: None,
                location: None,
            }),
            attachments: Vec::new(),
        })
        .unwrap();
}

fn reply_fixture(name: &str) -> Vec<u8> {
    std::fs::read(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/replies")
            .join(name),
    )
    .unwrap()
}

#[test]
fn fixture_replies_are_read_and_a_bounce_marks_the_address() {
    let p = pipeline(20);
    let (_dir, store) = store();
    client_with_invoice(
        &store,
        "priya.shah@lumen-analytics.com",
        "invoice-42@atelier-dupont.fr",
    );
    let got = p
        .ingest(
            &store,
            FolderKind::Inbox,
            at("INBOX", 1),
            &reply_fixture("en-gmail-plain-paid-payment-sent.eml"),
            t("2026-03-05T13:00:00Z"),
        )
        .unwrap();
    assert!(
        matches!(
            got,
            Ingested::Reply {
                class: ReplyClass::Paid,
                unknown_sender: false,
                ..
            }
        ),
        "{got:?}"
    );

    client_with_invoice(
        &store,
        "compta@client-disparu.fr",
        "reminder-42@atelier-dupont.fr",
    );
    let got = p
        .ingest(
            &store,
            FolderKind::Inbox,
            at("INBOX", 2),
            &reply_fixture("bounce-postfix-dsn-user-unknown.eml"),
            t("2026-03-10T09:06:00Z"),
        )
        .unwrap();
    let Ingested::Reply {
        client,
        class,
        unknown_sender,
        ..
    } = got
    else {
        panic!("{got:?}");
    };
    assert_eq!(class, ReplyClass::Bounce);
    assert!(!unknown_sender, "a delivery report is no stranger's claim");
    assert!(store.contacts(client).unwrap().iter().all(|c| c.bounced));
}
