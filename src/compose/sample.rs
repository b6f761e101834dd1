//! Complete sample contexts that every template is rendered against at load
//! time, in several variants (optional fields present and absent, marked
//! subjects, a broken promise) so that each branch meets real data.
//!
//! The same sample case serves the unit and golden tests.

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use minijinja::Value;
use rust_decimal::Decimal;

use crate::compose::context::{AlertView, case_context};
use crate::compose::input::{
    Attachment, CaseInput, Client, ContactKind, Invoice, OriginalEmail, PastContact, Sender,
    StepRequest, SubjectStyle,
};
use crate::compose::penalties::{DatedRate, FrenchTerms, RateTable, Regime, UkTerms};
use crate::compose::user::{self, Digest, DigestEvent, DigestInvoice, PlannedSend};
use crate::domain::{
    ClientId, Currency, EmailAddress, InvoiceId, InvoiceNumber, Language, MessageId, Money,
    StepAction, StepNo,
};

fn ymd(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap_or(NaiveDate::MIN)
}

fn at(y: i32, m: u32, d: u32, h: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, m, d, h, 0, 0)
        .single()
        .unwrap_or(DateTime::UNIX_EPOCH)
}

fn addr(s: &str) -> EmailAddress {
    EmailAddress::parse(s).expect("sample addresses are valid constants")
}

fn money(cents: i64, lang: Language) -> Money {
    let currency = match lang {
        Language::Fr => Currency::EUR,
        Language::En => Currency::GBP,
    };
    Money::new(Decimal::new(cents, 2), currency)
}

/// A French (or English) freelancer chasing a client with two overdue
/// invoices and one not yet due, after one email and one call.
pub fn case(lang: Language) -> CaseInput {
    let invoice = |id: i64, number: &str, issued: NaiveDate, due: NaiveDate, cents: i64| Invoice {
        id: InvoiceId(id),
        number: InvoiceNumber(number.to_string()),
        issue_date: issued,
        due_date: due,
        amount: money(cents, lang),
        paid: Decimal::ZERO,
        original: Some(OriginalEmail {
            message_id: MessageId::new(&format!("inv-{id}@atelier-dupont.example.fr"))
                .expect("sample ids are valid constants"),
            subject: format!("Facture {number}"),
            references: Vec::new(),
            thread_topic: None,
            thread_index: None,
        }),
        attachments: vec![Attachment {
            filename: format!("{number}.pdf"),
            content_type: "application/pdf".into(),
            content: b"%PDF-1.4\n%sample\n".to_vec(),
        }],
    };
    let mut second = invoice(2, "F-2026-0051", ymd(2026, 2, 10), ymd(2026, 3, 12), 48_000);
    second.paid = Decimal::new(10_000, 2);
    CaseInput {
        sender: Sender {
            company: "Atelier Dupont".into(),
            name: "Claire Dupont".into(),
            email: addr("claire@atelier-dupont.example.fr"),
            address: vec!["12 rue des Tanneurs".into(), "69001 Lyon".into()],
            city: "Lyon".into(),
            phone: Some("04 72 00 00 00".into()),
            signature: Some("Claire Dupont\nAtelier Dupont".into()),
            message_id_domain: "atelier-dupont.example.fr".into(),
        },
        client: Client {
            id: ClientId(7),
            name: "Boulangerie Martin SARL".into(),
            contact_name: Some("Madame Martin".into()),
            contacts: vec![addr("compta@boulangerie-martin.example.fr")],
            phone: Some("04 78 11 22 33".into()),
            address: vec!["3 place Bellecour".into(), "69002 Lyon".into()],
            consumer: false,
        },
        invoices: vec![
            invoice(1, "F-2026-0042", ymd(2026, 1, 30), ymd(2026, 3, 1), 125_000),
            second,
            invoice(3, "F-2026-0077", ymd(2026, 4, 1), ymd(2026, 5, 1), 20_000),
        ],
        history: vec![
            PastContact {
                at: at(2026, 3, 4, 9),
                step: StepNo(1),
                kind: ContactKind::Email,
                recipients: vec![addr("compta@boulangerie-martin.example.fr")],
                message_id: MessageId::new("relance.s1@atelier-dupont.example.fr"),
                outcome: None,
            },
            PastContact {
                at: at(2026, 3, 16, 10),
                step: StepNo(3),
                kind: ContactKind::Call,
                recipients: Vec::new(),
                message_id: None,
                outcome: Some("promis le 20/03".into()),
            },
        ],
        language: lang,
        time_zone: chrono_tz::Europe::Paris,
        now: at(2026, 4, 2, 8),
        penalties: Some(regime(lang)),
        notice_deadline_days: 15,
    }
}

/// The sample rate tables: statutory French or UK terms.
pub fn regime(lang: Language) -> Regime {
    let table = |rate: i64| {
        RateTable::new(vec![DatedRate {
            from: ymd(2025, 6, 11),
            rate: Decimal::new(rate, 2),
        }])
    };
    match lang {
        Language::Fr => Regime::France(FrenchTerms::statutory(table(215))),
        Language::En => Regime::Uk(UkTerms::statutory(table(400))),
    }
}

/// A request for `step` of the sample case.
pub fn step(step: u8, template: &str) -> StepRequest {
    StepRequest {
        step: StepNo(step),
        template: template.to_string(),
        promise_not_kept: false,
        promised_date: None,
        subject_style: SubjectStyle::Reply,
        message_id: MessageId::new("relance.sample@atelier-dupont.example.fr")
            .expect("sample ids are valid constants"),
    }
}

/// The contexts template `name` is checked against.
pub fn contexts_for(name: &str, lang: Language) -> Vec<Value> {
    match name {
        "forewarning" => vec![Value::from_serialize(user::forewarning_context(
            &case(lang),
            &planned(lang),
        ))],
        "digest" => vec![Value::from_serialize(user::digest_context(
            &case(lang),
            &digest(lang),
        ))],
        _ => case_variants(name, lang),
    }
}

fn case_variants(name: &str, lang: Language) -> Vec<Value> {
    let full = case(lang);
    let mut bare = case(lang);
    bare.client.contact_name = None;
    bare.client.phone = None;
    bare.sender.signature = None;
    bare.sender.phone = None;
    bare.history.clear();
    bare.penalties = None;
    let mut broken = step(4, name);
    broken.promise_not_kept = true;
    broken.promised_date = Some(ymd(2026, 3, 20));
    broken.subject_style = SubjectStyle::Marked;
    let mut rich = case_context(&full, Some(&step(4, name)));
    let mut plain = case_context(&bare, Some(&broken));
    if name.starts_with("alert") {
        rich.alert = Some(alert(true));
        plain.alert = Some(alert(false));
    }
    vec![Value::from_serialize(rich), Value::from_serialize(plain)]
}

fn alert(full: bool) -> AlertView {
    AlertView {
        kind: "dispute",
        from: full.then(|| "compta@boulangerie-martin.example.fr".into()),
        received: full.then(|| ymd(2026, 4, 1)),
        evidence: full.then(|| "la prestation n'a pas été livrée".into()),
        excerpt: full.then(|| "Bonjour, la prestation n'a pas été livrée.".into()),
        date: full.then(|| ymd(2026, 4, 15)),
    }
}

/// Two sends planned for the sample's tomorrow.
pub fn planned(lang: Language) -> Vec<PlannedSend> {
    vec![
        PlannedSend {
            at: at(2026, 4, 3, 7),
            client: "Boulangerie Martin SARL".into(),
            step: StepNo(4),
            action: StepAction::Email,
            invoices: vec![InvoiceNumber("F-2026-0042".into())],
            amount: money(163_000, lang),
            recipients: vec![addr("compta@boulangerie-martin.example.fr")],
        },
        PlannedSend {
            at: at(2026, 4, 3, 7),
            client: "Garage Petit".into(),
            step: StepNo(3),
            action: StepAction::CallTask,
            invoices: vec![InvoiceNumber("F-2026-0060".into())],
            amount: money(36_000, lang),
            recipients: Vec::new(),
        },
    ]
}

/// A week of activity for the sample digest.
pub fn digest(lang: Language) -> Digest {
    let open = |client: &str, number: &str, due: NaiveDate, cents: i64| DigestInvoice {
        client: client.into(),
        number: InvoiceNumber(number.into()),
        due_date: due,
        remaining: money(cents, lang),
    };
    let event = |date: NaiveDate, client: &str, step: u8, action: StepAction| DigestEvent {
        date,
        client: client.into(),
        step: StepNo(step),
        action,
        invoices: vec![InvoiceNumber("F-2026-0042".into())],
    };
    Digest {
        from: ymd(2026, 3, 27),
        to: ymd(2026, 4, 2),
        open: vec![
            open(
                "Boulangerie Martin SARL",
                "F-2026-0042",
                ymd(2026, 3, 1),
                125_000,
            ),
            open(
                "Boulangerie Martin SARL",
                "F-2026-0051",
                ymd(2026, 3, 12),
                38_000,
            ),
            open("Garage Petit", "F-2025-0190", ymd(2025, 12, 15), 36_000),
            open("Garage Petit", "F-2026-0077", ymd(2026, 5, 1), 20_000),
        ],
        sent: vec![event(
            ymd(2026, 3, 30),
            "Boulangerie Martin SARL",
            2,
            StepAction::Email,
        )],
        planned: vec![event(
            ymd(2026, 4, 3),
            "Boulangerie Martin SARL",
            4,
            StepAction::Email,
        )],
    }
}
