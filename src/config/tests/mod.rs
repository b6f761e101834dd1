//! Tests of the configuration: the shipped example, defaults, error
//! messages with their places, secrets and per-client overrides.

mod clients;
mod errors;
mod secrets;

use std::path::Path;

use chrono::{NaiveDate, NaiveTime};
use rust_decimal_macros::dec;

use super::*;
use crate::calendar::WeekdaySet;
use crate::domain::{CalendarKind, Currency, Grouping, Language, Mode, StepAction};
use crate::engine::Delay;

/// The smallest valid file: 11 lines, so a test's own lines start at 12.
const MINIMAL: &str = r#"[company]
name = "Atelier Dupont"
email = "claire@atelier-dupont.example.fr"

[imap]
host = "imap.example.fr"
password-env = "RELANCE_IMAP"

[smtp]
host = "smtp.example.fr"
password-env = "RELANCE_SMTP"
"#;

const EXAMPLE: &str = include_str!("../../../config/relance.example.toml");

fn parse(text: &str) -> Result<Config, Error> {
    Config::parse(text, Path::new("relance.toml"))
}

/// MINIMAL followed by `extra`.
fn with(extra: &str) -> Result<Config, Error> {
    parse(&format!("{MINIMAL}{extra}"))
}

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn hm(h: u32, m: u32) -> NaiveTime {
    NaiveTime::from_hms_opt(h, m, 0).unwrap()
}

#[test]
fn the_example_file_parses_with_every_section() {
    let c = parse(EXAMPLE).unwrap();
    assert!(c.warnings.is_empty(), "{:?}", c.warnings);
    assert_eq!(c.company.name, "Atelier Dupont");
    assert_eq!(c.company.siren.as_deref(), Some("123456789"));
    assert_eq!(c.company.place.as_deref(), Some("Lyon"));
    assert_eq!(c.company.domain, "atelier-dupont.example.fr");
    assert_eq!(c.state.since, Some(date(2026, 1, 1)));
    assert_eq!(c.sequence.mode, Mode::DryRun);
    assert_eq!(c.sequence.minimum_amount.amount, dec!(30));
    let imap = c.imap.as_ref().unwrap();
    assert_eq!(
        imap.server.auth.secret().source(),
        &SecretSource::Credential("imap".into())
    );
    assert_eq!(c.detect.invoice_senders.len(), 1);
    assert!(c.detect.rules.number.is_some() && c.detect.rules.amount.is_none());
    assert_eq!(c.clients.len(), 3);
    assert_eq!(c.penalties.regime, PenaltyRegime::FrB2b);
    // French law reads the rate in force on 1 January and 1 July.
    assert_eq!(
        c.penalties.reference_rate_on(date(2023, 7, 1)),
        Some(dec!(4.00))
    );
    assert_eq!(
        c.penalties.reference_rate_on(date(2024, 1, 1)),
        Some(dec!(4.50))
    );
    assert_eq!(
        c.penalties.reference_rate_on(date(2025, 7, 1)),
        Some(dec!(2.15))
    );
    assert_eq!(c.penalties.reference_rate_on(date(2010, 1, 1)), None);
}

#[test]
fn the_example_ladder_is_the_default_ladder() {
    let example = parse(EXAMPLE).unwrap();
    let defaults = with("").unwrap();
    assert_eq!(example.sequence.ladder, defaults.sequence.ladder);
}

#[test]
fn defaults_follow_the_spec() {
    let c = with("").unwrap();
    assert_eq!(c.company.language, Language::Fr);
    assert_eq!(c.company.time_zone, chrono_tz::Europe::Paris);
    assert_eq!(c.company.sender_name, "Atelier Dupont");
    assert_eq!(c.state.since, None);
    let s = &c.sequence;
    assert_eq!(s.mode, Mode::Send);
    assert_eq!(s.calendar, CalendarKind::Fr);
    assert_eq!(s.grouping, Grouping::PerClient);
    assert_eq!(s.window.days, WeekdaySet::MON_FRI);
    assert_eq!((s.window.from, s.window.to), (hm(9, 0), hm(17, 30)));
    assert_eq!(s.min_gap, Delay::BusinessDays(3));
    assert_eq!(s.manual_contact_delay, Delay::BusinessDays(5));
    assert_eq!(s.promise_grace, Delay::BusinessDays(2));
    assert_eq!(s.notice_deadline, Delay::CalendarDays(15));
    assert!(s.notice_requires_confirmation);
    let ladder: Vec<(StepAction, Delay, &str)> = s
        .ladder
        .iter()
        .map(|r| (r.action, r.delay, r.template.as_str()))
        .collect();
    assert_eq!(
        ladder,
        [
            (StepAction::Email, Delay::BusinessDays(2), "step1"),
            (StepAction::Email, Delay::BusinessDays(8), "step2"),
            (StepAction::CallTask, Delay::CalendarDays(15), "step3"),
            (StepAction::Email, Delay::CalendarDays(20), "step4"),
            (StepAction::Notice, Delay::BusinessDays(25), "step5"),
        ]
    );
    assert_eq!(c.detect.payment_terms_days, 30);
    assert_eq!(c.detect.default_currency, Currency::EUR);
    let imap = c.imap.as_ref().unwrap();
    assert_eq!((imap.server.port, imap.server.tls), (993, Tls::Implicit));
    assert_eq!(imap.server.username, "claire@atelier-dupont.example.fr");
    assert_eq!(imap.folders.inbox, "INBOX");
    assert_eq!(c.smtp.as_ref().unwrap().server.port, 465);
    assert_eq!(
        c.penalties.indemnity,
        Indemnity::Flat(crate::domain::Money::new(dec!(40), Currency::EUR))
    );
    // No rate table and no contractual rate: accepted, with a warning.
    assert_eq!(c.warnings.len(), 1, "{:?}", c.warnings);
}

#[test]
fn built_in_defaults_match_a_minimal_file() {
    let tools = Config::default_for_tools();
    let file = with("").unwrap();
    assert!(tools.imap.is_none() && tools.smtp.is_none());
    assert_eq!(tools.sequence.ladder, file.sequence.ladder);
    assert_eq!(tools.sequence.window, file.sequence.window);
    assert_eq!(tools.sequence.mode, file.sequence.mode);
    assert_eq!(tools.company.language, file.company.language);
    assert_eq!(
        tools.detect.payment_terms_days,
        file.detect.payment_terms_days
    );
    assert_eq!(tools.policy_for_client(None), file.policy_for_client(None));
}

#[test]
fn relative_paths_start_at_the_config_directory() {
    let text = MINIMAL.replace(
        "password-env = \"RELANCE_IMAP\"",
        "password-file = \"imap.secret\"",
    );
    let text = format!("{text}[state]\ndatabase = \"state/relance.db\"\n");
    let c = Config::parse(&text, Path::new("/etc/relance/relance.toml")).unwrap();
    assert_eq!(c.state.database, Path::new("/etc/relance/state/relance.db"));
    let source = c.imap.unwrap().server.auth.secret().source().clone();
    assert_eq!(
        source,
        SecretSource::File("/etc/relance/imap.secret".into())
    );
}

#[test]
fn starttls_and_loopback_plain_text_get_their_ports() {
    let text = MINIMAL
        .replace(
            "host = \"imap.example.fr\"",
            "host = \"127.0.0.1\"\ntls = \"none\"",
        )
        .replace(
            "host = \"smtp.example.fr\"",
            "host = \"smtp.example.fr\"\ntls = \"starttls\"",
        );
    let c = parse(&text).unwrap();
    assert_eq!(c.imap.unwrap().server.port, 143);
    assert_eq!(c.smtp.unwrap().server.port, 587);
}

#[test]
fn draft_mode_needs_no_smtp() {
    let text = MINIMAL.split("[smtp]").next().unwrap();
    let c = parse(&format!("{text}[sequence]\nmode = \"draft\"\n")).unwrap();
    assert!(c.smtp.is_none());
}

#[test]
fn minimum_amounts_accept_numbers_and_currencies() {
    for (written, amount, currency) in [
        ("50", dec!(50), Currency::EUR),
        ("12.5", dec!(12.5), Currency::EUR),
        ("\"30\"", dec!(30), Currency::EUR),
        ("\"25 GBP\"", dec!(25), Currency::GBP),
        ("\"€19.99\"", dec!(19.99), Currency::EUR),
    ] {
        let c = with(&format!("[sequence]\nminimum-amount = {written}\n")).unwrap();
        let m = c.sequence.minimum_amount;
        assert_eq!((m.amount, m.currency), (amount, currency), "{written}");
    }
}

#[test]
fn dates_may_be_bare_toml_dates() {
    let c =
        with("[state]\nsince = 2026-02-01\n[[penalties.rate]]\nfrom = 2025-06-11\nrate = 2.15\n")
            .unwrap();
    assert_eq!(c.state.since, Some(date(2026, 2, 1)));
    assert_eq!(
        c.penalties.reference_rate_on(date(2026, 1, 1)),
        Some(dec!(2.15))
    );
    assert!(c.warnings.is_empty(), "{:?}", c.warnings);
}

#[test]
fn the_reference_documents_every_key_of_the_example() {
    let doc = include_str!("../../../docs/configuration.md");
    let example: toml::Table = toml::from_str(EXAMPLE).unwrap();
    let mut keys = Vec::new();
    collect_keys(&toml::Value::Table(example), &mut keys);
    // Keys that only appear commented out in the example are in the
    // documentation too; check the raw text for them.
    for key in [
        "domain",
        "password-file",
        "password-command",
        "password-env",
        "oauth2-token-command",
        "insecure-inline-password",
        "ca-file",
        "sent",
        "drafts",
        "body",
        "amount",
        "currency",
        "issue-date",
        "due-date",
        "contractual-rate",
        "margin",
    ] {
        assert!(
            EXAMPLE.contains(&format!("# {key} = ")),
            "example lacks {key}"
        );
        keys.push(key.to_string());
    }
    for key in keys {
        let documented = doc.contains(&format!("`{key}`"))
            || doc.contains(&format!("[{key}]"))
            || doc.contains(&format!(".{key}]"));
        assert!(documented, "docs/configuration.md lacks `{key}`");
    }
}

fn collect_keys(value: &toml::Value, out: &mut Vec<String>) {
    match value {
        toml::Value::Table(t) => {
            for (k, v) in t {
                out.push(k.clone());
                collect_keys(v, out);
            }
        }
        toml::Value::Array(items) => items.iter().for_each(|v| collect_keys(v, out)),
        _ => {}
    }
}

#[test]
fn optional_features_can_be_turned_off() {
    let c = with(
        "[sequence]\nforewarning = false\ndigest-day = \"fri\"\ndigest-at = \"16:30\"\n\
         [imap.folders]\nsent = \"Envoyés\"\n",
    )
    .unwrap();
    assert_eq!(c.sequence.forewarning, None);
    let digest = c.sequence.digest.unwrap();
    assert_eq!((digest.day, digest.at), (chrono::Weekday::Fri, hm(16, 30)));
    assert_eq!(c.imap.unwrap().folders.sent.as_deref(), Some("Envoyés"));
}

#[test]
fn the_summary_says_what_will_happen_without_secrets() {
    let text = EXAMPLE.replace(
        "password-credential = \"smtp\"",
        "password = \"hunter2\"\ninsecure-inline-password = true",
    );
    let c = parse(&text).unwrap();
    let summary = c.summary();
    for expected in [
        "Mode: dry-run",
        "imap.example.fr:993 (TLS)",
        "systemd credential 'imap'",
        "inline in the configuration (insecure)",
        "1. email         due + 2 business days   template step1",
        "5. formal notice due + 25 business days  template step5",
        "mon-fri 09:00–17:30 Europe/Paris",
        "polling every 5 minutes",
        "since 2026-01-01",
        "Mairie de Villeurbanne",
        "excluded",
        "latest 2.15 % from 2025-06-11",
        "Warnings:",
    ] {
        assert!(
            summary.contains(expected),
            "missing {expected:?} in\n{summary}"
        );
    }
    assert!(!summary.contains("hunter2"));
    assert!(!format!("{c:?}").contains("hunter2"));
}
