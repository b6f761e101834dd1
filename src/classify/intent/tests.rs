//! Sentences to intents, table-driven, with a fixed "today" (Thursday
//! 5 March 2026).

use chrono::NaiveDate;
use rust_decimal_macros::dec;

use super::*;
use crate::calendar::Calendar;
use crate::classify::norm::sentences;
use crate::domain::CalendarKind;

fn d(m: u32, day: u32) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(2026, m, day)
}

fn read_text(text: &str) -> Intent {
    let ctx = DateContext {
        today: NaiveDate::from_ymd_opt(2026, 3, 5).unwrap(),
        calendar: Calendar::new(CalendarKind::Fr),
        month_first: false,
    };
    read(&sentences(text), Some(&ctx))
}

fn check(rows: &[(&str, ReplyClass, Option<NaiveDate>)]) {
    for (text, class, date) in rows {
        let got = read_text(text);
        assert_eq!(
            (got.class, got.date),
            (*class, *date),
            "{text:?} -> {got:?}"
        );
    }
}

#[test]
fn paid_statements() {
    use ReplyClass::Paid;
    check(&[
        ("Bonjour, le virement a été effectué ce matin.", Paid, None),
        ("Nous avons réglé la facture hier.", Paid, None),
        ("C'est réglé !", Paid, None),
        ("Virement effectue ce jour, cordialement", Paid, None),
        ("Le chèque est parti par la poste lundi.", Paid, None),
        ("Vous trouverez ci-joint l'avis de virement.", Paid, None),
        ("Payment has been sent today.", Paid, None),
        ("We paid this invoice yesterday.", Paid, None),
        ("Please find attached our remittance advice.", Paid, None),
        ("The invoice was settled last week.", Paid, None),
        (
            "Le virement a été effectué, vous devriez le recevoir sous 48h.",
            Paid,
            None,
        ),
        ("Nous venons de faire le virement.", Paid, None),
    ]);
}

#[test]
fn negations_and_conditions_are_not_paid() {
    use ReplyClass::{Other, Promise};
    check(&[
        (
            "Le virement n'est pas encore parti, il partira vendredi.",
            Promise,
            d(3, 6),
        ),
        ("Nous n'avons pas encore payé.", Other, None),
        ("We haven't paid yet, sorry.", Other, None),
        (
            "Si vous avez déjà réglé, merci de ne pas tenir compte.",
            Other,
            None,
        ),
        ("The invoice will be paid today.", Promise, d(3, 5)),
        ("Le virement sera fait demain.", Promise, d(3, 6)),
        ("Le virement est programmé pour le 15.", Promise, d(3, 15)),
    ]);
}

#[test]
fn promises_resolve_their_date() {
    use ReplyClass::{Other, Promise};
    check(&[
        ("Nous réglerons fin du mois.", Promise, d(3, 31)),
        ("Paiement prévu le 20 mars.", Promise, d(3, 20)),
        ("We will pay next Friday.", Promise, d(3, 6)),
        ("Fin du mois.", Promise, d(3, 31)),
        ("Le paiement interviendra sous huitaine.", Promise, d(3, 13)),
        (
            "Je transmets à la compta, le règlement devrait partir d'ici 15 jours.",
            Promise,
            d(3, 20),
        ),
        ("Nous paierons dès que possible.", Other, None),
        (
            "Bien reçu votre facture du 2 mars, je transmets à la comptabilité.",
            Other,
            None,
        ),
        ("Je reviens vers vous la semaine prochaine.", Other, None),
        ("Je suis en congés jusqu'au 20, bonne journée.", Other, None),
        ("Nous réglerons entre le 10 et le 15.", Promise, d(3, 15)),
    ]);
}

#[test]
fn partial_payments_carry_amount_and_rest_date() {
    let got = read_text("Nous avons viré 500 € ce jour, le solde suivra fin du mois.");
    assert_eq!(got.class, ReplyClass::Partial);
    assert_eq!(got.amount, Some(dec!(500)));
    assert_eq!(got.date, d(3, 31));
    let got = read_text("We have paid £300 of the £900 today.");
    assert_eq!(
        (got.class, got.amount),
        (ReplyClass::Partial, Some(dec!(300)))
    );
    let got = read_text("Nous avons réglé le solde.");
    assert_eq!(got.class, ReplyClass::Paid);
}

#[test]
fn disputes_and_questions_take_precedence() {
    use ReplyClass::{Dispute, Question};
    check(&[
        (
            "Nous contestons le montant de cette facture.",
            Dispute,
            None,
        ),
        ("La prestation n'a pas été réalisée.", Dispute, None),
        (
            "Le virement est parti mais la facture est erronée.",
            Dispute,
            None,
        ),
        ("Could you send us a copy of the invoice?", Question, None),
        ("Pouvez-vous nous transmettre votre RIB ?", Question, None),
        ("We never received the invoice.", Question, None),
        (
            "Merci de nous renvoyer la facture avec le numéro de bon de commande, nous réglerons fin du mois.",
            Question,
            None,
        ),
    ]);
    check(&[(
        "Nous ne contestons pas la facture, nous réglerons le 20.",
        ReplyClass::Promise,
        d(3, 20),
    )]);
}

#[test]
fn evidence_is_the_deciding_sentence() {
    let got = read_text(
        "Bonjour Claire,\n\nMerci pour votre message. Nous réglerons le 20 mars.\n\nBonne journée",
    );
    assert_eq!(got.evidence, "Nous réglerons le 20 mars.");
}

#[test]
fn conditions_reach_only_the_words_after_them() {
    use ReplyClass::{Other, Promise};
    check(&[
        (
            "We expect to pay early April once our grant comes through.",
            Promise,
            d(4, 7),
        ),
        ("Je vous règle dès que mon client me paie.", Other, None),
        (
            "Si vous avez déjà reçu le virement du 20, merci de l'ignorer.",
            Other,
            None,
        ),
    ]);
}

#[test]
fn vetoes_stay_in_their_clause() {
    use ReplyClass::{Other, Promise};
    check(&[
        (
            "Virement ce vendredi, je m'en occupe en rentrant de rdv.",
            Promise,
            d(3, 6),
        ),
        ("Je vous rappelle vendredi.", Other, None),
        // A commitment about something else loses to a payment date.
        (
            "Le règlement partira en fin de semaine.\n\nNos bureaux seront fermés du 3 au 23 août.",
            Promise,
            d(3, 6),
        ),
    ]);
}

#[test]
fn records_and_arrivals_are_no_promise() {
    use ReplyClass::{Paid, Partial};
    check(&[
        (
            "Please be advised that payment has been made.\nPayment date: 05/03/2026\nPayment ref: 8812",
            Paid,
            None,
        ),
        (
            "Virement de 1 480 € émis ce jour, date de valeur le 10/03.",
            Paid,
            None,
        ),
        (
            "The BACS went out yesterday so it should land tomorrow.",
            Paid,
            None,
        ),
        (
            "We've paid £400 today and will clear the balance by the end of next month.",
            Partial,
            d(4, 30),
        ),
    ]);
}

#[test]
fn texting_asides_and_plans() {
    use ReplyClass::{Dispute, Other, Partial, Promise};
    check(&[
        ("jai viré 200€ le reste dans 15 jours", Partial, d(3, 20)),
        (
            "Hi Claire - paid 300 EUR now, the rest next Friday.",
            Partial,
            d(3, 6),
        ),
        (
            "We have transferred half of the amount (EUR 900) today.",
            Partial,
            None,
        ),
        ("Virement fait d'ici la fin du mois.", Promise, d(3, 31)),
        (
            "euh non on vous doit rien tant que le site est pas en ligne",
            Dispute,
            None,
        ),
        ("This isn't what we ordered.", Dispute, None),
        ("The payment has been authorised.", Other, None),
    ]);
    let got = read_text("We have transferred half of the amount (EUR 900) today.");
    assert_eq!(got.amount, Some(dec!(900)));
}
