//! New-text isolation: what the client wrote in this message, without the
//! quoted thread, quote headers (Gmail, Outlook, Apple Mail, Thunderbird,
//! Zimbra), signatures, mobile footers and legal disclaimers. Our own reminder
//! must never be read as the client's words, quoted or pasted.

use crate::classify::norm::normalize;

/// The parts of a body the reader cares about.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Isolated {
    /// The client's own words in this message.
    pub new_text: String,
    /// The signature and the quote header: not the client's message, but
    /// where a US phone number or a month-first date shows who is writing.
    pub tail: String,
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
    let lines: Vec<&str> = body.lines().collect();
    let mut new_lines: Vec<&str> = Vec::new();
    let mut tail: Vec<&str> = Vec::new();
    let mut state = State::New;
    for (i, line) in lines.iter().enumerate() {
        let trimmed = line.trim();
        if trimmed.starts_with('>') {
            continue;
        }
        let norm = normalize(&trimmed.replace('*', ""));
        if is_separator(trimmed, &norm) || quote_header_at(&lines, i, &norm) {
            tail.extend(lines.iter().skip(i).take(HEADER_LINES).copied());
            break;
        }
        if state == State::New && starts_signature(trimmed, &norm, &new_lines) {
            state = State::Signature;
        }
        match state {
            State::New => new_lines.push(line),
            State::Signature => tail.push(line),
        }
    }
    let new_text = drop_reminders(&new_lines.join("\n"), reminders);
    Isolated {
        new_text,
        tail: tail.join("\n"),
    }
}

/// "-----Original Message-----", "-----Message d'origine-----", "----- Mail
/// original -----", forwarded-message banners and Outlook's line of
/// underscores.
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
        "forwarded message",
        "message transfere",
    ];
    (banner && BANNERS.contains(&core))
        || norm.starts_with("begin forwarded message")
        || norm.starts_with("debut du message reexpedie")
}

/// A Gmail / Apple Mail / Thunderbird attribution ("Le 2 mars 2026 à 10:14,
/// X a écrit :", "On Mon, Mar 2, 2026 at 10:14 AM X wrote:"), possibly
/// wrapped over up to three lines, or an Outlook header block ("De : …
/// Envoyé : … À : … Objet :").
fn quote_header_at(lines: &[&str], i: usize, norm: &str) -> bool {
    if is_attribution_end(norm)
        && (norm.contains('@')
            || norm.chars().any(|c| c.is_ascii_digit())
            || opens_attribution(norm))
    {
        return true;
    }
    if opens_attribution(norm) && norm.chars().any(|c| c.is_ascii_digit()) {
        let wrapped = lines
            .iter()
            .skip(i + 1)
            .take(2)
            .any(|l| is_attribution_end(&normalize(l.trim())));
        if wrapped {
            return true;
        }
    }
    is_outlook_header(lines, i, norm)
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

/// Greetings do not count as the message itself: a closing right after
/// "Bonjour," is still part of a two-line reply, not its signature.
fn has_content(lines: &[&str]) -> bool {
    const GREETINGS: &[&str] = &[
        "bonjour",
        "bonsoir",
        "hello",
        "hi",
        "dear",
        "madame",
        "monsieur",
        "cher",
        "chere",
        "salut",
        "good morning",
        "good afternoon",
    ];
    lines.iter().any(|l| {
        let n = normalize(l);
        !n.is_empty() && !GREETINGS.iter().any(|g| n.starts_with(g))
    })
}

fn starts_signature(trimmed: &str, norm: &str, so_far: &[&str]) -> bool {
    if trimmed == "--" || trimmed == "-- " || trimmed == "—" {
        return true;
    }
    const FOOTERS: &[&str] = &[
        "envoye de mon",
        "envoye depuis mon",
        "envoye a partir de",
        "sent from my",
        "sent from mail for",
        "sent from outlook",
        "get outlook for",
        "obtenir outlook pour",
        "telechargez outlook",
        "ce message et toutes les pieces jointes",
        "ce message et les pieces jointes",
        "ce message est confidentiel",
        "ce courriel et",
        "ce courriel est confidentiel",
        "this email and any",
        "this e-mail and any",
        "this message and any",
        "this message is confidential",
        "this email is confidential",
        "the information contained in this",
        "les informations contenues dans ce",
        "confidentialite",
        "confidentiality notice",
        "disclaimer",
        "avertissement :",
        "pensez a l'environnement",
        "please consider the environment",
        "think before you print",
        "afin de contribuer au respect de l'environnement",
    ];
    if FOOTERS.iter().any(|f| norm.starts_with(f)) {
        return true;
    }
    is_closing(norm) && has_content(so_far)
}

/// "Cordialement", "Bien à vous", "Best regards", alone or followed by a
/// short name on the same line.
fn is_closing(norm: &str) -> bool {
    const CLOSINGS: &[&str] = &[
        "bien cordialement",
        "tres cordialement",
        "cordialement",
        "bien a vous",
        "bien a toi",
        "sinceres salutations",
        "meilleures salutations",
        "salutations distinguees",
        "salutations",
        "bonne journee",
        "bonne soiree",
        "belle journee",
        "a bientot",
        "merci d'avance",
        "merci par avance",
        "merci beaucoup",
        "merci encore",
        "merci",
        "respectueusement",
        "amicalement",
        "best regards",
        "kind regards",
        "warm regards",
        "many thanks",
        "thanks again",
        "thank you",
        "thanks",
        "regards",
        "best wishes",
        "all the best",
        "yours sincerely",
        "sincerely",
        "cheers",
        "best",
        "cdlt",
        "bav",
    ];
    let core = norm.trim_end_matches(['.', ',', '!', ' ']);
    CLOSINGS.iter().any(|c| {
        core == *c
            || core.strip_prefix(c).is_some_and(|rest| {
                rest.starts_with([',', ' '])
                    && rest.split_whitespace().count() <= 3
                    && !rest.contains('.')
            })
    })
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
