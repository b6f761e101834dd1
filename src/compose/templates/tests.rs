use super::*;
use crate::compose::context::case_context;
use crate::compose::sample;

fn source(lang: Language, name: &str, text: &str) -> TemplateSource {
    TemplateSource {
        language: lang,
        name: name.into(),
        origin: format!("/etc/relance/templates/{}/{name}.j2", lang.as_str()),
        text: text.into(),
    }
}

#[test]
fn builtin_set_loads_and_renders() {
    let t = Templates::builtin().unwrap();
    let ctx = case_context(&sample::case(Language::Fr), Some(&sample::step(1, "step1")));
    let r = t.render(Language::Fr, "step1", &ctx).unwrap();
    assert!(
        r.subject.starts_with("Atelier Dupont\u{a0}: "),
        "{}",
        r.subject
    );
    assert!(
        r.body.starts_with("Bonjour Madame Martin,\n\n"),
        "{}",
        r.body
    );
    assert!(!r.body.contains("\n\n\n"));
    assert!(!r.body.contains("{{") && !r.body.contains("{%"));
}

#[test]
fn user_file_overrides_builtin_one() {
    let custom = source(
        Language::En,
        "step1",
        "Subject: Hi {{ client.name }}\n\nPay {{ overdue_total|money }} please.\n",
    );
    let t = Templates::load(vec![custom]).unwrap();
    let ctx = case_context(&sample::case(Language::En), None);
    let r = t.render(Language::En, "step1", &ctx).unwrap();
    assert_eq!(r.subject, "Hi Boulangerie Martin SARL");
    assert_eq!(r.body, "Pay £1,630.00 please.\n");
    // The French one is untouched.
    assert!(
        t.render(
            Language::Fr,
            "step1",
            &case_context(&sample::case(Language::Fr), None)
        )
        .is_ok()
    );
}

#[test]
fn syntax_error_names_file_and_line() {
    let bad = source(Language::Fr, "step2", "Subject: x\n\nligne\n{% if %}\n");
    let err = Templates::load(vec![bad]).unwrap_err().to_string();
    assert!(
        err.starts_with("/etc/relance/templates/fr/step2.j2:4: syntax error"),
        "{err}"
    );
}

#[test]
fn unknown_variable_in_an_untaken_branch_is_caught_at_load() {
    let text = "Subject: x\n\n{% if promise_not_kept %}\n{{ client.nmae }}\n{% endif %}\n";
    let err = Templates::load(vec![source(Language::Fr, "step2", text)]).unwrap_err();
    assert_eq!(
        err.to_string(),
        "/etc/relance/templates/fr/step2.j2:4: unknown variable 'client.nmae'"
    );
}

#[test]
fn unknown_loop_attribute_is_caught_by_the_sample_render() {
    let text = "Subject: x\n\n{% for inv in overdue %}{{ inv.numbr }}{% endfor %}\n";
    let err = Templates::load(vec![source(Language::En, "step1", text)]).unwrap_err();
    let msg = err.to_string();
    assert!(
        msg.starts_with("/etc/relance/templates/en/step1.j2:3: undefined value"),
        "{msg}"
    );
}

#[test]
fn missing_subject_line_is_an_error() {
    let err = Templates::load(vec![source(Language::En, "step1", "Hello\n")]).unwrap_err();
    assert!(matches!(err, Error::NoSubject { .. }), "{err}");
}

#[test]
fn french_bodies_follow_typography_and_plurals() {
    let t = Templates::builtin().unwrap();
    let ctx = case_context(&sample::case(Language::Fr), Some(&sample::step(2, "step2")));
    let r = t.render(Language::Fr, "step2", &ctx).unwrap();
    assert!(
        r.body.starts_with("[Rappel]\n\nBonjour Madame Martin,"),
        "{}",
        r.body
    );
    assert!(r.body.contains("32 jours de retard"), "{}", r.body);
    assert!(r.body.contains("(2 factures)\u{a0}:"), "{}", r.body);
    assert!(r.body.contains("parviendra\u{a0}?"), "{}", r.body);
    assert!(r.body.contains("1\u{202f}250,00\u{a0}€"), "{}", r.body);
    assert!(
        !r.body.contains(" :") && !r.body.contains(" ?"),
        "{}",
        r.body
    );
}

#[test]
fn notice_letter_subject_stays_on_its_line() {
    let t = Templates::builtin().unwrap();
    for (lang, want) in [
        (
            Language::Fr,
            "Mise en demeure de payer – Boulangerie Martin SARL",
        ),
        (Language::En, "Formal notice – Boulangerie Martin SARL"),
    ] {
        let r = t
            .render(
                lang,
                "notice_letter",
                &case_context(&sample::case(lang), None),
            )
            .unwrap();
        assert_eq!(r.subject, want);
        assert!(
            r.body.starts_with("Atelier Dupont\nClaire Dupont\n"),
            "{}",
            r.body
        );
    }
}

#[test]
fn one_overdue_invoice_is_written_in_the_singular() {
    let t = Templates::builtin().unwrap();
    for (lang, singular, plural) in [
        (Language::Fr, "de la facture ci-dessous", "des factures"),
        (Language::En, "the invoice below", "the invoices below"),
    ] {
        let mut case = sample::case(lang);
        case.invoices.truncate(1);
        let ctx = case_context(&case, Some(&sample::step(4, "step4")));
        let r = t.render(lang, "step4", &ctx).unwrap();
        assert!(r.body.contains(singular), "{}", r.body);
        assert!(!r.body.contains(plural), "{}", r.body);
        let many = t
            .render(
                lang,
                "step4",
                &case_context(&sample::case(lang), Some(&sample::step(4, "step4"))),
            )
            .unwrap();
        assert!(many.body.contains(plural), "{}", many.body);
    }
}
