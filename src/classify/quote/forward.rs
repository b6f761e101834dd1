//! Forwarded messages: "---------- Forwarded message ---------", "Début du
//! message réexpédié :". A client who forwards their bank's confirmation
//! says "paid" through it, so its body is kept apart for the reader.

use crate::classify::norm::normalize;

/// Whether a line opens a forwarded message.
pub(super) fn is_banner(trimmed: &str, norm: &str) -> bool {
    const BANNERS: &[&str] = &[
        "forwarded message",
        "message transfere",
        "message transmis",
        "e-mail transfere",
        "courriel transfere",
    ];
    let core = norm.trim_matches(|c: char| c == '-' || c == '_' || c == ' ' || c == '=');
    let framed = core.len() < norm.len() && !trimmed.is_empty();
    (framed && BANNERS.contains(&core))
        || norm.starts_with("begin forwarded message")
        || norm.starts_with("debut du message reexpedie")
}

/// Header fields at the top of a forwarded message.
const FIELDS: &[&str] = &[
    "de",
    "from",
    "date",
    "envoye",
    "sent",
    "subject",
    "objet",
    "to",
    "a",
    "cc",
    "pour",
    "expediteur",
    "destinataire",
    "reply-to",
    "repondre a",
];

/// The forwarded body (its header fields skipped, up to the next quote or
/// banner) and the value of its `From:` / `De :` field.
pub(super) fn capture(lines: &[&str]) -> (String, String) {
    let mut from = String::new();
    let mut body: Vec<&str> = Vec::new();
    let mut in_header = true;
    for line in lines {
        let trimmed = line.trim();
        if trimmed.starts_with('>') {
            continue;
        }
        let norm = normalize(trimmed);
        if in_header {
            if let Some((name, value)) = norm.split_once(':') {
                let name = name.trim();
                if FIELDS.contains(&name) {
                    if matches!(name, "de" | "from" | "expediteur") {
                        from = value.trim().to_string();
                    }
                    continue;
                }
            }
            if norm.is_empty() {
                continue;
            }
            in_header = false;
        }
        if is_banner(trimmed, &norm) || norm.ends_with("a ecrit :") || norm.ends_with("wrote:") {
            break;
        }
        body.push(line);
    }
    (body.join("\n"), from)
}
