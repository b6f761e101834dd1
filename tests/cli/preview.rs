//! `relance preview`: the next step's message for an invoice added by hand
//! (no original email, so a new thread), a named step, and step 5's PDF.

use crate::support::{Env, NOW};

const ONE: &str = "F-7,compta@client-a.fr,Client A,1250.00,EUR,2026-01-31,2026-03-02\n";

#[test]
fn preview_prints_the_next_step_exactly_as_composed() {
    let env = Env::new();
    env.import(NOW, ONE);
    let out = env.ok(NOW, &["preview", "F-7"]);
    let msg = mail_parser::MessageParser::default()
        .parse(out.as_bytes())
        .expect("an RFC 5322 message");
    let to: Vec<_> = msg
        .to()
        .and_then(|a| a.first())
        .and_then(|a| a.address())
        .into_iter()
        .collect();
    assert_eq!(to, ["compta@client-a.fr"]);
    let body = msg.body_text(0).expect("a text body");
    assert!(body.contains("F-7"), "{body}");
    assert!(body.contains("1\u{202f}250,00\u{a0}€"), "{body}");
    // Nothing was recorded: status still shows step 0 and the email next.
    let f7 = env.invoice(NOW, "F-7");
    assert_eq!(f7["step"], 0);
    assert_eq!(f7["next_action"], "email");
}

#[test]
fn preview_of_a_named_step_and_of_the_formal_notice() {
    let env = Env::new();
    env.import(NOW, ONE);
    let out = env.ok(NOW, &["preview", "F-7", "--step", "2"]);
    assert!(out.contains("[Rappel]"), "{out}");

    let pdf = env.dir.path().join("notice.pdf");
    env.ok(
        NOW,
        &[
            "preview",
            "F-7",
            "--step",
            "5",
            "--at",
            "2026-04-10",
            "--out",
            pdf.to_str().unwrap(),
        ],
    );
    let bytes = std::fs::read(&pdf).unwrap();
    assert!(bytes.starts_with(b"%PDF-"), "not a PDF");

    let err = env.fails(NOW, &["preview", "F-7", "--step", "9"], 1);
    assert!(
        err.contains("step 9 is not in this client's ladder"),
        "{err}"
    );
}

#[test]
fn a_broken_user_template_is_a_configuration_error() {
    let dir = tempfile::tempdir().unwrap();
    let fr = dir.path().join("tpl/fr");
    std::fs::create_dir_all(&fr).unwrap();
    let builtin = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/templates/fr/step1.j2"
    ))
    .unwrap();
    std::fs::write(
        fr.join("step1.j2"),
        format!("{builtin}\n{{{{ client.nmae }}}}\n"),
    )
    .unwrap();
    let config = format!(
        "{}\n[templates]\ndir = \"{}\"\n",
        crate::support::CONFIG,
        dir.path().join("tpl").display()
    );
    let env = Env::with_config(&config);
    let err = env.fails(NOW, &["check-config"], 78);
    assert!(err.contains("step1.j2:"), "{err}");
    assert!(err.contains("unknown variable 'client.nmae'"), "{err}");
}
