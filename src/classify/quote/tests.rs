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
