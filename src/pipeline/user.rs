//! The user's answer to a call task or an alert (SPEC §6): its new text is
//! read with a few command words first ("stop", "reprendre", "litige",
//! "pas reçu", "payé", "mise en demeure", "pas de réponse"), then with the same
//! reader as client replies (paid, promise with its date, dispute), and
//! recorded as a user command with the events it produces.

use super::ingest::{Mail, ignored};
use super::{Ingested, Pipeline, Result};
use crate::calendar::Calendar;
use crate::classify::{self, LanguageHint, Reading};
use crate::compose::UserRef;
use crate::domain::{Language, ReplyClass};
use crate::engine::EventKind;
use crate::store::{self, Actor, NewAudit, NewCommand, NewEvent, Store};

/// How much of the new text the command words are looked for in.
const COMMAND_CHARS: usize = 300;

/// Command words, most specific first (`pas reçu` before anything shorter).
const WORDS: &[(&[&str], Command)] = &[
    (
        &[
            "pas de réponse",
            "pas de reponse",
            "no answer",
            "injoignable",
        ],
        Command::NoAnswer,
    ),
    (
        &[
            "pas reçu",
            "pas recu",
            "not received",
            "rien reçu",
            "rien recu",
        ],
        Command::NotReceived,
    ),
    (&["mise en demeure", "notice"], Command::Notice),
    (
        &[
            "payé",
            "paye",
            "réglé",
            "regle",
            "encaissé",
            "reçu",
            "recu",
            "paid",
            "received",
        ],
        Command::Paid,
    ),
    (&["reprendre", "reprise", "resume"], Command::Resume),
    (&["litige", "dispute", "conteste"], Command::Dispute),
    (&["stop", "arrêter", "arreter"], Command::Stop),
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Command {
    NoAnswer,
    NotReceived,
    Notice,
    Paid,
    Resume,
    Dispute,
    Stop,
}

pub(super) fn answer(
    p: &Pipeline,
    store: &Store,
    mail: &Mail<'_>,
    reference: UserRef,
) -> Result<Ingested> {
    let Some(client) = reference.client else {
        return Ok(ignored("an answer to a message about no client"));
    };
    match store.client(client) {
        Err(store::Error::NoClient(_)) => return Ok(ignored("an answer about an unknown client")),
        other => other?,
    };
    let opts = classify::Options {
        language: match p.config.company.language {
            Language::Fr => LanguageHint::Fr,
            Language::En => LanguageHint::En,
        },
        calendar: Some(Calendar::new(p.config.sequence.calendar)),
        reminders: Vec::new(),
        today: Some(
            mail.now
                .with_timezone(&p.config.company.time_zone)
                .date_naive(),
        ),
    };
    let reading = classify::classify_message(&mail.view.message, &opts);
    let new_text = classify::quote::isolate(&mail.view.body, &[]).new_text;
    let (name, kinds, summary) = understand(&new_text, &reading);
    let events: Vec<NewEvent> = kinds
        .into_iter()
        .map(|kind| NewEvent {
            client,
            at: mail.at,
            invoices: reference.invoices.clone(),
            kind,
            message: Some(mail.row),
        })
        .collect();
    let said: String = new_text
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty())
        .unwrap_or_default()
        .chars()
        .take(200)
        .collect();
    store.transaction(|s| {
        let command = NewCommand {
            at: mail.now,
            name: name.to_string(),
            args: vec![said.clone()],
        };
        s.record_command(&command, &events)?;
        s.link_message(mail.row, &reference.invoices)?;
        s.append_audit(&NewAudit {
            at: mail.now,
            client: Some(client),
            invoices: reference.invoices.clone(),
            decision: format!("user answer: {summary}"),
            reason: format!(
                "the user answered the {} with \"{said}\"",
                reference.kind.as_str()
            ),
            actor: Actor::User,
        })
    })?;
    Ok(Ingested::UserAnswer { client, summary })
}

/// The command name, the events and a summary for what the user wrote.
fn understand(text: &str, reading: &Reading) -> (&'static str, Vec<EventKind>, String) {
    let head: String = text
        .chars()
        .take(COMMAND_CHARS)
        .collect::<String>()
        .to_lowercase();
    let command = WORDS
        .iter()
        .find(|(phrases, _)| phrases.iter().any(|w| has_phrase(&head, w)))
        .map(|(_, c)| *c);
    match command {
        Some(Command::NoAnswer) => ("no-answer", vec![], "no answer, nothing changes".into()),
        Some(Command::NotReceived) => (
            "reject-paid",
            vec![EventKind::UserRejectPaid],
            "payment not received, the ladder resumes".into(),
        ),
        Some(Command::Notice) => (
            "confirm-notice",
            vec![EventKind::UserConfirmNotice],
            "formal notice confirmed".into(),
        ),
        Some(Command::Paid) => (
            "paid",
            vec![EventKind::UserConfirmPaid],
            "payment received".into(),
        ),
        Some(Command::Resume) => ("resume", vec![EventKind::UserResume], "resumed".into()),
        Some(Command::Dispute) => (
            "pause",
            vec![EventKind::UserPause],
            "dispute, paused".into(),
        ),
        Some(Command::Stop) => ("stop", vec![EventKind::UserStop], "stopped".into()),
        None => from_reading(reading),
    }
}

fn from_reading(reading: &Reading) -> (&'static str, Vec<EventKind>, String) {
    match (reading.class, reading.date) {
        (ReplyClass::Paid, _) => (
            "paid",
            vec![EventKind::UserConfirmPaid],
            "payment received".into(),
        ),
        (ReplyClass::Promise | ReplyClass::Partial, Some(date)) => (
            "promise",
            vec![EventKind::UserPromise { date }],
            format!("promised for {date}"),
        ),
        (ReplyClass::Dispute, _) => (
            "pause",
            vec![EventKind::UserPause],
            "dispute, paused".into(),
        ),
        _ => (
            "unrecognised",
            vec![],
            "not understood, nothing changes".into(),
        ),
    }
}

/// `phrase` in `text` as whole words.
fn has_phrase(text: &str, phrase: &str) -> bool {
    text.match_indices(phrase).any(|(start, m)| {
        let before = text.get(..start).and_then(|s| s.chars().next_back());
        let after = text.get(start + m.len()..).and_then(|s| s.chars().next());
        !before.is_some_and(char::is_alphanumeric) && !after.is_some_and(char::is_alphanumeric)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Language;

    fn reading(class: ReplyClass, date: Option<chrono::NaiveDate>) -> Reading {
        Reading {
            class,
            date,
            amount: None,
            evidence: String::new(),
            failed_recipients: Vec::new(),
            language: Language::Fr,
        }
    }

    #[test]
    fn command_words_win_and_match_whole_words() {
        let other = reading(ReplyClass::Other, None);
        let name = |text: &str| understand(text, &other).0;
        assert_eq!(name("Stop."), "stop");
        assert_eq!(name("Pas reçu, à relancer"), "reject-paid");
        assert_eq!(name("pas de réponse ce matin"), "no-answer");
        assert_eq!(name("On peut reprendre"), "resume");
        assert_eq!(name("litige sur la facture"), "pause");
        assert_eq!(name("Go pour la mise en demeure"), "confirm-notice");
        assert_eq!(name("unstoppable"), "unrecognised");
        assert_eq!(name("Payé : le virement est arrivé"), "paid");
    }

    #[test]
    fn without_command_words_the_reading_decides() {
        let date = chrono::NaiveDate::from_ymd_opt(2026, 3, 20).unwrap();
        let promise = reading(ReplyClass::Promise, Some(date));
        let (name, events, _) = understand("promis le 20/03", &promise);
        assert_eq!(name, "promise");
        assert_eq!(events, vec![EventKind::UserPromise { date }]);
        let paid = reading(ReplyClass::Paid, None);
        assert_eq!(
            understand("payé", &paid).1,
            vec![EventKind::UserConfirmPaid]
        );
    }
}
