//! End-to-end checks on whole messages, and no panic on any input.

use chrono::NaiveDate;
use proptest::prelude::*;

use super::*;

fn message(date: &str, subject: &str, body: &str) -> Vec<u8> {
    format!(
        "From: Jean Martin <jean@client.fr>\r\nTo: claire@atelier-dupont.fr\r\nDate: {date}\r\nSubject: {subject}\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n{body}\r\n"
    )
    .into_bytes()
}

#[test]
fn today_is_the_local_date_of_the_date_header() {
    // 23:30 in New York on the 5th is the 6th in UTC: "demain" is the 6th.
    let raw = message(
        "Thu, 05 Mar 2026 23:30:00 -0500",
        "Re: Invoice",
        "We will pay tomorrow.",
    );
    let r = classify_file_bytes(&raw);
    assert_eq!(r.class, ReplyClass::Promise);
    assert_eq!(r.date, NaiveDate::from_ymd_opt(2026, 3, 6));
}

#[test]
fn json_line_follows_the_contract() {
    let raw = message(
        "Thu, 05 Mar 2026 10:00:00 +0100",
        "Re: Facture",
        "Nous avons viré 500,00 € ce jour, le solde suivra fin mars.",
    );
    let r = classify_file_bytes(&raw);
    assert_eq!(
        r.to_json("a.eml"),
        r#"{"file":"a.eml","class":"partial","date":"2026-03-31","amount":"500","evidence":"Nous avons viré 500,00 € ce jour, le solde suivra fin mars."}"#
    );
    let other = classify_file_bytes(b"not a mail at all");
    assert!(
        other
            .to_json("b.eml")
            .contains(r#""class":"other","date":null,"amount":null"#)
    );
}

#[test]
fn bounces_name_the_failed_recipients() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/replies");
    for (file, want) in [
        (
            "bounce-postfix-dsn-user-unknown.eml",
            "compta@client-disparu.fr",
        ),
        (
            "bounce-exim-mail-delivery-failed.eml",
            "paul@girard-conseil-ancien.fr",
        ),
        ("bounce-gmail-texte-seul.eml", "elodie@faure-archi.fr"),
        (
            "bounce-exchange-ndr-non-remis-fr.eml",
            "compta-ancien@groupe-valmy.fr",
        ),
    ] {
        let r = classify_file_bytes(&std::fs::read(dir.join(file)).unwrap());
        assert_eq!(r.class, ReplyClass::Bounce, "{file}");
        let failed: Vec<&str> = r.failed_recipients.iter().map(|a| a.as_str()).collect();
        assert_eq!(failed, [want], "{file}");
    }
}

#[test]
fn our_pasted_reminder_is_not_the_clients_words() {
    let reminder = "Si vous avez déjà réglé cette facture, le virement a été effectué de notre côté ? Merci de ne pas tenir compte de ce message.";
    let body = format!("Bien reçu.\n\n{reminder}");
    let raw = message("Thu, 05 Mar 2026 10:00:00 +0100", "Re: Facture", &body);
    let opts = Options {
        reminders: vec![reminder.to_string()],
        ..Options::default()
    };
    assert_eq!(classify(&raw, &opts).class, ReplyClass::Other);
}

#[test]
fn options_choose_language_and_supply_today() {
    let raw = b"From: a@b.fr\r\nSubject: Re: Facture\r\n\r\nPaiement le 03/04.\r\n";
    let opts = Options {
        language: LanguageHint::En,
        today: NaiveDate::from_ymd_opt(2026, 3, 1),
        ..Options::default()
    };
    let r = classify(raw, &opts);
    assert_eq!(r.language, Language::En);
    assert_eq!(r.date, NaiveDate::from_ymd_opt(2026, 4, 3));
    // Without a Date header nor a fallback, nothing relative can resolve.
    assert_eq!(classify_file_bytes(raw).class, ReplyClass::Other);
}

#[test]
fn auto_reply_headers_win_over_wording() {
    let raw = "From: a@b.fr\r\nDate: Mon, 03 Aug 2026 09:00:00 +0200\r\nAuto-Submitted: auto-replied\r\nSubject: Re: Facture\r\n\r\nLe paiement sera fait par ma collègue. De retour le 24 août.\r\n";
    let r = classify_file_bytes(raw.as_bytes());
    assert_eq!(
        (r.class, r.date),
        (ReplyClass::Ooo, NaiveDate::from_ymd_opt(2026, 8, 24))
    );
    assert_eq!(r.evidence, "De retour le 24 août.");
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn classify_never_panics_on_bytes(raw in proptest::collection::vec(any::<u8>(), 0..2000)) {
        let _ = classify_file_bytes(&raw);
    }

    #[test]
    fn classify_never_panics_on_text_bodies(
        body in ".{0,400}",
        subject in "[ -~]{0,60}",
        offset in -1200i32..1400,
    ) {
        let sign = if offset < 0 { '-' } else { '+' };
        let date = format!("Thu, 05 Mar 2026 10:00:00 {sign}{:02}{:02}", offset.abs() / 100 % 24, offset.abs() % 60);
        let _ = classify_file_bytes(&message(&date, &subject, &body));
        let html = format!("From: a@b.fr\r\nDate: {date}\r\nContent-Type: text/html\r\n\r\n<p>{body}</p><blockquote>{subject}</blockquote>");
        let _ = classify_file_bytes(html.as_bytes());
    }
}

#[test]
fn remittance_advice_is_paid_and_its_payment_date_no_promise() {
    let raw = message(
        "Fri, 6 Feb 2026 14:05:31 +0000",
        "Remittance advice BL-PAY-0147",
        "Dear Supplier,\r\n\r\nPlease be advised that the following payment has been sent today by\r\ninternational bank transfer.\r\n\r\nInvoice number:  INV-2026-007\r\nAmount paid:     GBP 980.50\r\nPayment date:    06/02/2026\r\n\r\nFunds should reach your account within 1 to 3 business days.\r\n\r\nThis is an automated message.",
    );
    let r = classify_file_bytes(&raw);
    assert_eq!((r.class, r.date), (ReplyClass::Paid, None), "{r:?}");
}

#[test]
fn newsletters_promise_nothing() {
    let raw = format!(
        "From: La Lettre <news@lettre.example>\r\nTo: claire@atelier-dupont.fr\r\nDate: Tue, 13 Jan 2026 06:30:00 +0000\r\nSubject: 5 façons de vous faire payer\r\nList-Id: <lettre.example>\r\nPrecedence: bulk\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n{}\r\n",
        "Webinaire : jeudi 29 janvier, comment réglerez-vous vos factures ?"
    );
    assert_eq!(classify_file_bytes(raw.as_bytes()).class, ReplyClass::Other);
}
