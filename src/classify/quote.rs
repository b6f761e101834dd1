//! New-text isolation: what the client wrote in this message, without the
//! quoted thread, quote headers (Gmail, Outlook, Apple Mail, Thunderbird,
//! Zimbra), signatures, mobile footers and legal disclaimers. Our own reminder
//! must never be read as the client's words, quoted or pasted.

mod forward;
mod signature;

use crate::classify::norm::normalize;
use signature::starts_signature;

/// The parts of a body the reader cares about.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Isolated {
    /// The client's own words in this message.
    pub new_text: String,
    /// The signature and the quote header: not the client's message, but
    /// where a US phone number or a month-first date shows who is writing.
    pub tail: String,
    /// The body of a message the client forwarded ("see below"), such as
    /// their bank's confirmation; empty when nothing was forwarded.
    pub forwarded: String,
    /// The `From:` line of that forwarded message, as written.
    pub forwarded_from: String,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum State {
    New,
    Signature,
}

/// Lines kept from a quote header block for `tail` (Outlook's is 4–6 lines).
const HEADER_LINES: usize = 6;

/// Splits `body` into the client's new text and its tail. Paragraphs that
/// repeat one of `reminders` (our own messages) are dropped.
pub fn isolate(body: &str, reminders: &[String]) -> Isolated {
    isolate_signed(body, reminders, "")
}

/// [`isolate`], also ending the message at a line that is only the name of
/// its `signer` (the sender's display name): "Céline Guillot" under the
/// text starts a signature even without "Cordialement".
pub fn isolate_signed(body: &str, reminders: &[String], signer: &str) -> Isolated {
    let lines: Vec<&str> = body.lines().collect();
    let signer = signature::Signer::new(signer);
    let mut new_lines: Vec<&str> = Vec::new();
    let mut tail: Vec<&str> = Vec::new();
    let mut out = Isolated::default();
    let mut state = State::New;
    let mut i = 0;
    while let Some(line) = lines.get(i) {
        let trimmed = line.trim();
        i += 1;
        if trimmed.starts_with('>') {
            continue;
        }
        let norm = normalize(&trimmed.replace('*', ""));
        let at = i - 1;
        if forward::is_banner(trimmed, &norm) {
            (out.forwarded, out.forwarded_from) = forward::capture(lines.get(i..).unwrap_or(&[]));
            break;
        }
        if is_separator(trimmed, &norm) || is_outlook_header(&lines, at, &norm) {
            tail.extend(lines.iter().skip(at).take(HEADER_LINES).copied());
            break;
        }
        if let Some(end) = attribution_at(&lines, at, &norm) {
            tail.extend(lines.iter().skip(at).take(end + 1 - at).copied());
            // A `>`-quoted block after the attribution may be followed by
            // the client's answer (bottom-posting, inline replies); an
            // unmarked quote runs to the end.
            match first_quoted_after(&lines, end) {
                Some(next) => {
                    i = next;
                    state = State::New;
                    continue;
                }
                None => break,
            }
        }
        if state == State::New && starts_signature(trimmed, &norm, &new_lines, &signer) {
            state = State::Signature;
        }
        match state {
            State::New => new_lines.push(line),
            State::Signature => tail.push(line),
        }
    }
    out.new_text = drop_reminders(&new_lines.join("\n"), reminders);
    out.tail = tail.join("\n");
    out
}

/// The index of the first `>` line after an attribution ending at `end`,
/// when only blank lines come between.
fn first_quoted_after(lines: &[&str], end: usize) -> Option<usize> {
    let next =
        (end + 1..lines.len()).find(|&j| lines.get(j).is_some_and(|l| !l.trim().is_empty()))?;
    lines
        .get(next)
        .is_some_and(|l| l.trim_start().starts_with('>'))
        .then_some(next)
}

/// "-----Original Message-----", "-----Message d'origine-----", "----- Mail
/// original -----" and Outlook's line of underscores.
fn is_separator(trimmed: &str, norm: &str) -> bool {
    if trimmed.len() >= 8 && trimmed.chars().all(|c| c == '_') {
        return true;
    }
    let core = norm.trim_matches(|c: char| c == '-' || c == '_' || c == ' ' || c == '=');
    let banner = core.len() < norm.len();
    const BANNERS: &[&str] = &[
        "original message",
        "message d'origine",
        "mail original",
        "message original",
        "courriel original",
        "original mail",
    ];
    banner && BANNERS.contains(&core)
}

/// A Gmail / Apple Mail / Thunderbird attribution ("Le 2 mars 2026 à 10:14,
/// X a écrit :", "On Mon, Mar 2, 2026 at 10:14 AM X wrote:"), possibly
/// wrapped over up to three lines.
/// Returns the index of the attribution's last line.
fn attribution_at(lines: &[&str], i: usize, norm: &str) -> Option<usize> {
    if is_attribution_end(norm)
        && (norm.contains('@')
            || norm.chars().any(|c| c.is_ascii_digit())
            || opens_attribution(norm))
    {
        return Some(i);
    }
    if opens_attribution(norm) && norm.chars().any(|c| c.is_ascii_digit()) {
        return (i + 1..i + 3).find(|&j| {
            lines
                .get(j)
                .is_some_and(|l| is_attribution_end(&normalize(l.trim())))
        });
    }
    None
}

fn opens_attribution(norm: &str) -> bool {
    ["le ", "on ", "am ", "el ", "il "]
        .iter()
        .any(|p| norm.starts_with(p))
}

fn is_attribution_end(norm: &str) -> bool {
    let end = norm.trim_end_matches([' ', ':']);
    end.ends_with("a ecrit") || end.ends_with("wrote") || end.ends_with("ecrit")
}

const FROM_FIELDS: &[&str] = &[
    "de :",
    "de:",
    "from:",
    "from :",
    "expediteur :",
    "expediteur:",
];
const SENT_FIELDS: &[&str] = &["envoye :", "envoye:", "sent:", "sent :", "date :", "date:"];
const TO_FIELDS: &[&str] = &[
    "a :",
    "a:",
    "to:",
    "to :",
    "objet :",
    "objet:",
    "subject:",
    "subject :",
    "pour :",
];

/// An Outlook header block ("De : … Envoyé : … À : … Objet :").
fn is_outlook_header(lines: &[&str], i: usize, norm: &str) -> bool {
    if !FROM_FIELDS.iter().any(|f| norm.starts_with(f)) {
        return false;
    }
    // Outlook on the web flattens the block onto one line.
    let inline = SENT_FIELDS.iter().any(|f| norm.contains(&format!(" {f}")))
        && TO_FIELDS.iter().any(|f| norm.contains(&format!(" {f}")));
    if inline {
        return true;
    }
    let next: Vec<String> = lines
        .iter()
        .skip(i + 1)
        .take(5)
        .map(|l| normalize(&l.trim().replace('*', "")))
        .collect();
    let has = |fields: &[&str]| next.iter().any(|l| fields.iter().any(|f| l.starts_with(f)));
    has(SENT_FIELDS) && has(TO_FIELDS)
}

/// Drops paragraphs of `text` that repeat one of our reminders, so a client
/// who pasted our message without quote marks is not read as saying it.
fn drop_reminders(text: &str, reminders: &[String]) -> String {
    if reminders.is_empty() {
        return text.to_string();
    }
    let ours: Vec<String> = reminders.iter().map(|r| normalize(r)).collect();
    text.split("\n\n")
        .filter(|para| {
            let n = normalize(para);
            n.len() < 20 || !ours.iter().any(|r| r.contains(&n) || mostly_in(&n, r))
        })
        .collect::<Vec<_>>()
        .join("\n\n")
}

/// Whether most word pairs of `para` also occur in `reminder` (a reminder
/// re-wrapped or lightly edited by the client's mailer).
fn mostly_in(para: &str, reminder: &str) -> bool {
    let words: Vec<&str> = para.split_whitespace().collect();
    if words.len() < 6 {
        return false;
    }
    let pairs: Vec<String> = words.windows(2).map(|w| w.join(" ")).collect();
    let found = pairs
        .iter()
        .filter(|p| reminder.contains(p.as_str()))
        .count();
    found * 10 >= pairs.len() * 8
}

#[cfg(test)]
mod tests;
