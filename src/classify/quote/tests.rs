//! Quote headers and signatures of the common mail clients.

use super::*;

fn new_text(body: &str) -> String {
    isolate(body, &[]).new_text.trim().to_string()
}

#[test]
fn gmail_french_attribution_wrapped_over_two_lines() {
    let body = "Le virement part demain.\n\nLe lun. 2 mars 2026 à 10:14, Claire Dupont <\nclaire@atelier.fr> a écrit :\n> Bonjour,\n> la facture F-12 reste impayée.";
    assert_eq!(new_text(body), "Le virement part demain.");
}

#[test]
fn gmail_english_attribution() {
    let body = "Paid today.\r\n\r\nOn Mon, Mar 2, 2026 at 10:14 AM Claire Dupont <claire@atelier.fr> wrote:\r\n> Hello";
    let iso = isolate(body, &[]);
    assert_eq!(iso.new_text.trim(), "Paid today.");
    assert!(iso.tail.contains("Mar 2, 2026"));
}

#[test]
fn apple_and_thunderbird_attributions() {
    for header in [
        "Le 2 mars 2026 à 10:14, Claire Dupont <claire@atelier.fr> a écrit :",
        "Le 02/03/2026 à 10:14, Claire Dupont a écrit :",
        "Claire Dupont <claire@atelier.fr> wrote:",
    ] {
        let body = format!("Réglé ce matin.\n\n{header}\n\nBonjour, votre facture est en retard.");
        assert_eq!(new_text(&body), "Réglé ce matin.", "{header}");
    }
}

#[test]
fn outlook_header_blocks_in_both_languages() {
    let fr = "Nous réglerons le 15.\n\n________________________________\nDe : Claire Dupont <claire@atelier.fr>\nEnvoyé : lundi 2 mars 2026 10:14\nÀ : compta@client.fr\nObjet : Facture F-12\n\nBonjour, la facture F-12 reste impayée.";
    assert_eq!(new_text(fr), "Nous réglerons le 15.");
    let en = "Will pay Friday.\n\nFrom: Claire Dupont <claire@atelier.fr>\nSent: Monday, March 2, 2026 10:14 AM\nTo: ap@client.com\nSubject: Invoice F-12\n\nHello";
    assert_eq!(new_text(en), "Will pay Friday.");
    let flat = "OK pour fin du mois.\n**De :** Claire **Envoyé :** lundi 2 mars **À :** x@y.fr **Objet :** Facture";
    assert_eq!(new_text(flat), "OK pour fin du mois.");
    let banner = "Fait.\n-----Message d'origine-----\nDe: Claire\nBonjour";
    assert_eq!(new_text(banner), "Fait.");
}

#[test]
fn signatures_and_footers_are_cut() {
    let body = "Bonjour,\n\nLe virement est parti.\n\nCordialement,\nJean Martin\nDirecteur financier\n06 12 34 56 78";
    let iso = isolate(body, &[]);
    assert_eq!(iso.new_text.trim(), "Bonjour,\n\nLe virement est parti.");
    assert!(iso.tail.contains("06 12 34 56 78"));
    assert_eq!(
        new_text("Payment sent.\n\nSent from my iPhone"),
        "Payment sent."
    );
    assert_eq!(new_text("Payé.\n-- \nJean"), "Payé.");
    assert_eq!(
        new_text("Réglé.\nCe message et toutes les pièces jointes sont confidentiels."),
        "Réglé."
    );
}

#[test]
fn closing_right_after_greeting_is_not_a_signature() {
    assert_eq!(
        new_text("Bonjour,\nMerci,\nje règle demain."),
        "Bonjour,\nMerci,\nje règle demain."
    );
}

#[test]
fn pasted_reminder_paragraphs_are_dropped() {
    let reminder = "Sauf erreur de notre part, la facture F-12 de 1 200,00 € reste impayée. Si vous avez déjà réglé cette facture, merci de ne pas tenir compte de ce message.";
    let body = "Nous réglerons fin mars.\n\nSauf erreur de notre part, la facture F-12 de 1 200,00 € reste impayée.\nSi vous avez déjà réglé cette facture, merci de ne pas tenir compte de ce message.";
    let iso = isolate(body, &[reminder.to_string()]);
    assert_eq!(iso.new_text.trim(), "Nous réglerons fin mars.");
}

#[test]
fn answer_below_a_marked_quote_is_read() {
    let body = "Le 06/04/2026 à 09:30, Claire Dupont a écrit :\n> Bonjour,\n> la facture reste impayée.\n\nLe virement a été fait ce matin.\n\nJean-Luc";
    assert_eq!(
        new_text(body),
        "Le virement a été fait ce matin.\n\nJean-Luc"
    );
}

#[test]
fn unmarked_quote_after_an_attribution_runs_to_the_end() {
    let body =
        "Réglé.\n\nClaire Dupont <claire@atelier.fr> wrote:\n\nBonjour, si vous avez déjà réglé…";
    assert_eq!(new_text(body), "Réglé.");
}

#[test]
fn the_senders_name_starts_the_signature() {
    let body = "Bonjour Claire,\n\nVous aurez le règlement en fin de semaine.\n\nCéline Guillot\nNos bureaux seront fermés le 14 juillet.";
    let iso = isolate_signed(body, &[], "Céline Guillot");
    assert_eq!(
        iso.new_text.trim(),
        "Bonjour Claire,\n\nVous aurez le règlement en fin de semaine."
    );
    assert!(iso.tail.contains("fermés"));
}

#[test]
fn forwarded_message_is_kept_apart() {
    let body = "Ci-dessous la confirmation de la banque.\n\n---------- Forwarded message ---------\nDe : Banque <noreply@banque.fr>\nDate: jeu. 12 mars 2026\nSubject: Virement\n\nVotre virement a été exécuté.";
    let iso = isolate(body, &[]);
    assert_eq!(
        iso.new_text.trim(),
        "Ci-dessous la confirmation de la banque."
    );
    assert_eq!(iso.forwarded.trim(), "Votre virement a été exécuté.");
    assert_eq!(iso.forwarded_from, "banque <noreply@banque.fr>");
}
