//! Where the client's message ends and their signature begins: "-- ",
//! closing formulas ("Cordialement", "Best regards"), mobile footers, legal
//! disclaimers, and a line that is only the sender's own name.

use crate::classify::norm::normalize;

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

/// The words of the sender's display name, normalised.
pub(super) struct Signer {
    words: Vec<String>,
}

impl Signer {
    pub(super) fn new(display_name: &str) -> Signer {
        let words = normalize(display_name)
            .split(|c: char| !c.is_alphanumeric() && c != '-')
            .filter(|w| w.chars().count() >= 2)
            .map(str::to_string)
            .collect();
        Signer { words }
    }

    /// A line made only of the sender's names and initials ("Céline
    /// Guillot", "B. Lefèvre", "Julien"), naming at least one of them.
    fn signs(&self, norm: &str) -> bool {
        let words: Vec<&str> = norm
            .split(|c: char| !c.is_alphanumeric() && c != '-')
            .filter(|w| !w.is_empty())
            .collect();
        let named = |w: &&str| self.words.iter().any(|n| n == w);
        !words.is_empty()
            && words.len() <= 4
            && words.iter().any(named)
            && words.iter().all(|w| named(w) || w.chars().count() == 1)
    }
}

pub(super) fn starts_signature(
    trimmed: &str,
    norm: &str,
    so_far: &[&str],
    signer: &Signer,
) -> bool {
    if trimmed == "--" || trimmed == "-- " || trimmed == "—" {
        return true;
    }
    if signer.signs(norm) && has_content(so_far) {
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
