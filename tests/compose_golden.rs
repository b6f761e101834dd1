//! Golden tests for composed messages: each step's message for the sample
//! case at a fixed clock is compared byte for byte with
//! `tests/fixtures/golden/*.eml` (Message-IDs and MIME boundaries
//! normalised), and parsed back with mail-parser and with Python's `email`
//! package in strict mode when `python3` is on PATH.
//!
//! `UPDATE_GOLDEN=1 cargo test --test compose_golden` rewrites the files.

use std::path::{Path, PathBuf};
use std::process::Command;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use mail_parser::{MessageParser, MimeHeaders};
use relance::compose::{
    self, AlertInput, CaseInput, Composed, StepRequest, SubjectStyle, Templates, UserKind, sample,
};
use relance::domain::{EmailAddress, Language, MessageId};
use relance::engine::AlertKind;

fn golden_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/golden")
}

/// Replaces each Message-ID made by relance and each MIME boundary with a
/// placeholder, so the comparison is about content, not randomness.
fn normalise(bytes: &[u8]) -> String {
    let text = String::from_utf8_lossy(bytes).into_owned();
    let ids = regex::Regex::new(r"relance\.[a-z0-9._-]+@").unwrap();
    let boundaries = regex::Regex::new(r"=_relance_[0-9a-f]{16}").unwrap();
    let text = ids.replace_all(&text, "relance.ID@");
    boundaries.replace_all(&text, "BOUNDARY").into_owned()
}

fn check_golden(name: &str, message: &Composed) {
    let path = golden_dir().join(format!("{name}.eml"));
    let got = normalise(&message.bytes);
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::create_dir_all(golden_dir()).unwrap();
        std::fs::write(&path, &got).unwrap();
    }
    let want = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{}: {e} (run with UPDATE_GOLDEN=1)", path.display()));
    pretty_assertions::assert_eq!(want, got, "{name} differs from its golden file");
    check_python_strict(name, &message.bytes);
}

/// Python's own parser in strict mode must find no defect in any part.
fn check_python_strict(name: &str, bytes: &[u8]) {
    const SCRIPT: &str = r#"
import sys, email, email.policy
data = sys.stdin.buffer.read()
msg = email.message_from_bytes(data, policy=email.policy.strict)
defects = []
for part in msg.walk():
    defects.extend(part.defects)
    for key, value in part.items():
        str(value)
        defects.extend(getattr(value, "defects", ()))
    if not part.is_multipart():
        part.get_content()
if defects:
    print(defects)
    sys.exit(1)
"#;
    let Ok(mut child) = Command::new("python3")
        .args(["-c", SCRIPT])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
    else {
        eprintln!("python3 not found: strict email check skipped for {name}");
        return;
    };
    use std::io::Write as _;
    child.stdin.take().unwrap().write_all(bytes).unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "{name}: python email strict parse failed:\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

fn templates() -> Templates {
    Templates::builtin().unwrap()
}

fn id(s: &str) -> MessageId {
    MessageId::new(s).unwrap()
}

fn request(step: u8, template: &str, message_id: &str) -> StepRequest {
    StepRequest {
        message_id: id(message_id),
        ..sample::step(step, template)
    }
}

fn step_message(case: &CaseInput, req: &StepRequest) -> Composed {
    compose::compose(&templates(), case, req).unwrap()
}

#[test]
fn french_ladder_matches_golden_files() {
    let case = sample::case(Language::Fr);
    for (step, template) in [(1, "step1"), (2, "step2"), (4, "step4"), (5, "step5")] {
        let msg = step_message(
            &case,
            &request(step, template, "relance.fr@atelier-dupont.example.fr"),
        );
        check_golden(&format!("fr-{template}"), &msg);
        let parsed = MessageParser::default().parse(&msg.bytes).unwrap();
        assert_eq!(parsed.subject(), Some("Re: Facture F-2026-0042"));
        assert_eq!(
            parsed.in_reply_to().as_text(),
            Some("inv-1@atelier-dupont.example.fr")
        );
        let refs: Vec<&str> = parsed
            .references()
            .as_text_list()
            .map(|l| l.iter().map(|c| c.as_ref()).collect())
            .unwrap_or_default();
        assert_eq!(
            refs,
            vec![
                "inv-1@atelier-dupont.example.fr",
                "relance.s1@atelier-dupont.example.fr"
            ]
        );
        let names: Vec<String> = parsed
            .attachments()
            .map(|a| a.attachment_name().unwrap_or_default().to_string())
            .collect();
        // Both overdue invoices are attached; the one not yet due is not.
        assert!(names.contains(&"F-2026-0042.pdf".to_string()), "{names:?}");
        assert!(names.contains(&"F-2026-0051.pdf".to_string()), "{names:?}");
        assert!(!names.contains(&"F-2026-0077.pdf".to_string()), "{names:?}");
        if step == 5 {
            assert!(
                names.iter().any(|n| n.starts_with("mise-en-demeure-")),
                "{names:?}"
            );
        }
    }
}

#[test]
fn english_ladder_matches_golden_files() {
    let case = sample::case(Language::En);
    for (step, template) in [(1, "step1"), (2, "step2"), (4, "step4"), (5, "step5")] {
        let msg = step_message(
            &case,
            &request(step, template, "relance.en@atelier-dupont.example.fr"),
        );
        check_golden(&format!("en-{template}"), &msg);
    }
}

#[test]
fn broken_promise_with_marked_subject() {
    let case = sample::case(Language::Fr);
    let mut req = request(4, "step4", "relance.pnk@atelier-dupont.example.fr");
    req.promise_not_kept = true;
    req.promised_date = chrono::NaiveDate::from_ymd_opt(2026, 3, 20);
    req.subject_style = SubjectStyle::Marked;
    let msg = step_message(&case, &req);
    check_golden("fr-promise-not-kept-marked", &msg);
    assert!(msg.subject.starts_with("URGENT"), "{}", msg.subject);
    assert!(msg.body.contains("20 mars 2026"), "{}", msg.body);
    // The marker is in the subject, so the body opens with the greeting.
    assert!(
        msg.body.starts_with("Bonjour Madame Martin,"),
        "{}",
        msg.body
    );
}

#[test]
fn invoice_without_thread_starts_one_and_later_steps_follow_it() {
    let mut case = sample::case(Language::Fr);
    for inv in &mut case.invoices {
        inv.original = None;
    }
    let mut first = case.clone();
    first.history.clear();
    let msg = step_message(
        &first,
        &request(1, "step1", "relance.new@atelier-dupont.example.fr"),
    );
    check_golden("fr-step1-new-thread", &msg);
    let parsed = MessageParser::default().parse(&msg.bytes).unwrap();
    assert_eq!(
        parsed.subject(),
        Some("Facture F-2026-0042 – Atelier Dupont")
    );
    assert!(parsed.in_reply_to().is_empty());
    // Step 2 replies to the first reminder.
    let msg = step_message(
        &case,
        &request(2, "step2", "relance.n2@atelier-dupont.example.fr"),
    );
    let parsed = MessageParser::default().parse(&msg.bytes).unwrap();
    assert_eq!(
        parsed.subject(),
        Some("Re: Facture F-2026-0042 – Atelier Dupont")
    );
    assert_eq!(
        parsed.in_reply_to().as_text(),
        Some("relance.s1@atelier-dupont.example.fr")
    );
}

#[test]
fn outlook_original_gets_thread_topic_and_child_index() {
    let mut case = sample::case(Language::En);
    let parent = BASE64.encode([
        0x01, 0xDC, 0x9B, 0x12, 0x34, 0x56, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16,
    ]);
    let original = case.invoices[0].original.as_mut().unwrap();
    original.subject = "RE: Invoice F-2026-0042".into();
    original.thread_topic = Some("Invoice F-2026-0042".into());
    original.thread_index = Some(parent.clone());
    original.references = vec![
        id("older@client.example"),
        id("inv-1@atelier-dupont.example.fr"),
    ];
    let msg = step_message(
        &case,
        &request(1, "step1", "relance.ol@atelier-dupont.example.fr"),
    );
    check_golden("en-step1-outlook", &msg);
    let parsed = MessageParser::default().parse(&msg.bytes).unwrap();
    assert_eq!(parsed.subject(), Some("Re: Invoice F-2026-0042"));
    let topic = parsed.header("Thread-Topic").and_then(|h| h.as_text());
    assert_eq!(topic, Some("Invoice F-2026-0042"));
    let index = parsed
        .header("Thread-Index")
        .and_then(|h| h.as_text())
        .unwrap();
    let index = BASE64.decode(index).unwrap();
    assert_eq!(index.len(), 27);
    assert_eq!(&index[..22], &BASE64.decode(&parent).unwrap()[..]);
    let refs: Vec<&str> = parsed
        .references()
        .as_text_list()
        .map(|l| l.iter().map(|c| c.as_ref()).collect())
        .unwrap_or_default();
    assert_eq!(refs[0], "older@client.example");
    assert_eq!(refs.len(), 3, "{refs:?}");
}

#[test]
fn messages_to_the_user_match_golden_files() {
    let t = templates();
    for lang in [Language::Fr, Language::En] {
        let case = sample::case(lang);
        let tag = lang.as_str();
        let task = request(
            3,
            "step3",
            "relance.c7-i1_2_3-call-task.x@atelier-dupont.example.fr",
        );
        let msg = compose::compose(&t, &case, &task).unwrap();
        check_golden(&format!("{tag}-call-task"), &msg);
        let parsed = MessageParser::default().parse(&msg.bytes).unwrap();
        assert_eq!(
            parsed
                .to()
                .and_then(|a| a.first())
                .and_then(|a| a.address()),
            Some("claire@atelier-dupont.example.fr")
        );
        let reference = parsed.header("X-Relance-Ref").and_then(|h| h.as_text());
        assert_eq!(reference, Some("client=7; invoices=1,2,3; kind=call-task"));
        for kind in AlertKind::ALL.iter().copied() {
            let alert = AlertInput {
                kind,
                from: EmailAddress::parse("compta@boulangerie-martin.example.fr"),
                received: Some(case.now),
                evidence: Some("virement effectué".into()),
                excerpt: Some("Bonjour, le virement a été effectué hier.".into()),
                date: chrono::NaiveDate::from_ymd_opt(2026, 4, 1),
            };
            let kind = UserKind::Alert(kind);
            let msg =
                compose::compose_for_user(&t, &case, &kind, Some(&alert), id("relance.a@x.fr"))
                    .unwrap();
            check_golden(&format!("{tag}-{}", kind.as_str()), &msg);
        }
        let end = compose::compose_for_user(
            &t,
            &case,
            &UserKind::EndOfSequence,
            None,
            id("relance.e@x.fr"),
        )
        .unwrap();
        check_golden(&format!("{tag}-end-of-sequence"), &end);
        let fore =
            compose::compose_forewarning(&t, &case, &sample::planned(lang), id("relance.f@x.fr"))
                .unwrap();
        check_golden(&format!("{tag}-forewarning"), &fore);
        let digest =
            compose::compose_digest(&t, &case, &sample::digest(lang), id("relance.d@x.fr"))
                .unwrap();
        check_golden(&format!("{tag}-digest"), &digest);
    }
}

#[test]
fn alert_kinds_without_a_reply_still_read_well() {
    let t = templates();
    let case = sample::case(Language::Fr);
    let alert = AlertInput {
        kind: AlertKind::Limitation,
        from: None,
        received: None,
        evidence: None,
        excerpt: None,
        date: chrono::NaiveDate::from_ymd_opt(2031, 3, 1),
    };
    let msg = compose::compose_for_user(
        &t,
        &case,
        &UserKind::Alert(alert.kind),
        Some(&alert),
        id("relance.l@x.fr"),
    )
    .unwrap();
    assert!(msg.body.contains("expire le 1er mars 2031"), "{}", msg.body);
    assert!(!msg.body.contains("Le message"), "{}", msg.body);
}
