//! Text normalisation and sentence splitting for the reader.
//!
//! Every rule matches normalised text: lowercase, diacritics stripped,
//! apostrophes and dashes straightened, whitespace collapsed. Evidence is cut
//! from the original sentence, so normalisation never needs to keep offsets.

use regex::{Regex, RegexSet};
use unicode_normalization::char::{decompose_canonical, is_combining_mark};

/// Lowercases, strips diacritics, straightens quotes and collapses spaces, so
/// "Réglé le 15 Août" and "regle le 15 aout" read the same. ASCII, most of
/// any mail, takes a fast path; other characters are decomposed one by one
/// and their combining marks dropped (their order never matters then).
pub fn normalize(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut space = true;
    let mut push = |out: &mut String, piece: Piece| match piece {
        Piece::Space => {
            if !space {
                out.push(' ');
            }
            space = true;
        }
        Piece::Char(c) => {
            space = false;
            out.push(c);
        }
        Piece::Str(s) => {
            space = false;
            out.push_str(s);
        }
    };
    for c in text.chars() {
        if c.is_ascii() {
            let piece = match c {
                c if c.is_ascii_whitespace() || c.is_ascii_control() => Piece::Space,
                '`' => Piece::Char('\''),
                c => Piece::Char(c.to_ascii_lowercase()),
            };
            push(&mut out, piece);
            continue;
        }
        if let Some(piece) = special(c) {
            push(&mut out, piece);
            continue;
        }
        decompose_canonical(c, |d| {
            if is_combining_mark(d) {
                return;
            }
            match special(d) {
                Some(piece) => push(&mut out, piece),
                None => d
                    .to_lowercase()
                    .for_each(|l| push(&mut out, Piece::Char(l))),
            }
        });
    }
    while out.ends_with(' ') {
        out.pop();
    }
    out
}

/// What one character becomes in normalised text.
enum Piece {
    Space,
    Char(char),
    Str(&'static str),
}

/// Typographic characters with a plain equivalent.
fn special(c: char) -> Option<Piece> {
    Some(match c {
        '\u{2019}' | '\u{2018}' | '`' | '\u{b4}' | '\u{2032}' => Piece::Char('\''),
        '\u{153}' | '\u{152}' => Piece::Str("oe"),
        '\u{e6}' | '\u{c6}' => Piece::Str("ae"),
        '\u{df}' => Piece::Str("ss"),
        '\u{ab}' | '\u{bb}' | '\u{201c}' | '\u{201d}' => Piece::Char('"'),
        '\u{2010}'..='\u{2015}' | '\u{2212}' => Piece::Char('-'),
        '\u{2026}' => Piece::Str("..."),
        c if c.is_whitespace() || c.is_control() => Piece::Space,
        _ => return None,
    })
}

/// The reader's patterns with ASCII classes: `\b`, `\w`, `\d` and `\s` read
/// ASCII only, inside brackets or not. Normalised text is ASCII but for a few
/// symbols and letters outside Latin scripts, which no cue is written in;
/// Unicode classes would multiply the size of the automata (tens of MiB for
/// the large sets) and keep searches off the fast DFA.
fn ascii_classes(pattern: &str) -> String {
    let mut out = String::with_capacity(pattern.len() + 16);
    let mut depth = 0usize;
    let mut chars = pattern.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                let Some(e) = chars.next() else {
                    out.push(c);
                    break;
                };
                let inside = depth > 0;
                out.push_str(match (e, inside) {
                    ('b', false) => r"(?-u:\b)",
                    ('w', false) => "[0-9A-Za-z_]",
                    ('w', true) => "0-9A-Za-z_",
                    ('d', false) => "[0-9]",
                    ('d', true) => "0-9",
                    ('s', false) => r"[\t\n\x0B\x0C\r ]",
                    ('s', true) => r"\t\n\x0B\x0C\r ",
                    _ => {
                        out.push('\\');
                        out.push(e);
                        continue;
                    }
                });
            }
            '[' => {
                out.push(c);
                depth += 1;
                // A `]` right after the opening (or its `^`) is a literal.
                if chars.peek() == Some(&'^') {
                    out.push('^');
                    chars.next();
                }
                if chars.peek() == Some(&']') {
                    out.push(']');
                    chars.next();
                }
            }
            ']' if depth > 0 => {
                out.push(c);
                depth -= 1;
            }
            _ => out.push(c),
        }
    }
    out
}

/// Compiles one of the reader's constant patterns.
pub fn pattern(pattern: &str) -> Regex {
    Regex::new(&ascii_classes(pattern))
        .unwrap_or_else(|e| panic!("invalid constant pattern {pattern}: {e}"))
}

/// Compiles constant patterns as a set, to learn in one pass which match.
pub fn pattern_set<'a>(patterns: impl IntoIterator<Item = &'a str>) -> RegexSet {
    RegexSet::new(patterns.into_iter().map(ascii_classes))
        .unwrap_or_else(|e| panic!("invalid constant pattern set: {e}"))
}

/// At most the first `max` bytes of `s`, cut at a character boundary.
pub fn head(s: &str, max: usize) -> &str {
    let mut end = max.min(s.len());
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    &s[..end]
}

/// A sentence of new text: the original words (for evidence) and their
/// normalised form (for matching).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sentence {
    pub text: String,
    pub norm: String,
}

/// Splits text into sentences. Hard-wrapped lines of one paragraph are
/// joined first; a sentence ends at `.`, `!` or `?` followed by a space and
/// an uppercase letter, and a short line without final punctuation (a
/// greeting, "Merci") ends one too.
pub fn sentences(text: &str) -> Vec<Sentence> {
    let mut out = Vec::new();
    for paragraph in paragraphs(text) {
        for piece in split_sentences(&paragraph) {
            let piece = piece.trim();
            let norm = expand_texting(normalize(piece));
            if norm.chars().any(char::is_alphanumeric) {
                out.push(Sentence {
                    text: piece.to_string(),
                    norm,
                });
            }
        }
    }
    out
}

/// Texting shorthands and their words: "jai viré", "jvous paie dem1" and
/// "will pay tmrw" read like the written forms. Only whole words change.
const TEXTING: &[(&str, &str)] = &[
    ("jai", "j'ai"),
    ("g", "j'ai"),
    ("c", "c'est"),
    ("jvous", "je vous"),
    ("jvs", "je vous"),
    ("jte", "je te"),
    ("jvais", "je vais"),
    ("jpeux", "je peux"),
    ("jsuis", "je suis"),
    ("ds", "dans"),
    ("pr", "pour"),
    ("qd", "quand"),
    ("auj", "aujourd'hui"),
    ("ajd", "aujourd'hui"),
    ("dem1", "demain"),
    ("tmr", "tomorrow"),
    ("tmrw", "tomorrow"),
    ("2moro", "tomorrow"),
    ("2day", "today"),
    ("u", "you"),
    ("ur", "your"),
    ("pls", "please"),
    ("plz", "please"),
    ("thx", "thanks"),
    ("wk", "week"),
    ("nxt", "next"),
];

/// Rewrites texting shorthands in normalised text (see [`TEXTING`]).
pub fn expand_texting(norm: String) -> String {
    let is_short = |w: &str| {
        let core = w.trim_end_matches(|c: char| !c.is_alphanumeric());
        TEXTING.iter().any(|(k, _)| *k == core)
    };
    if !norm.split(' ').any(is_short) {
        return norm;
    }
    let words: Vec<String> = norm
        .split(' ')
        .map(|w| {
            let core = w.trim_end_matches(|c: char| !c.is_alphanumeric());
            match TEXTING.iter().find(|(k, _)| *k == core) {
                Some((_, full)) => format!("{full}{}", &w[core.len()..]),
                None => w.to_string(),
            }
        })
        .collect();
    words.join(" ")
}

/// Blank-line separated paragraphs with their lines joined by spaces; a line
/// that ends a sentence on its own (a greeting with a comma, a short line)
/// is kept apart so it does not glue onto the next one.
fn paragraphs(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current = String::new();
    for line in text.lines() {
        let line = line.trim();
        if line.is_empty() {
            if !current.is_empty() {
                out.push(std::mem::take(&mut current));
            }
            continue;
        }
        if !current.is_empty() {
            let apart = ends_line_sentence(&current) || is_record_line(line) || {
                let last = current.rsplit('\n').next().unwrap_or(&current);
                is_record_line(last)
            };
            current.push(if apart { '\n' } else { ' ' });
        }
        current.push_str(line);
    }
    if !current.is_empty() {
        out.push(current);
    }
    out
}

/// A line ending in `,` right after a greeting or in sentence punctuation
/// closes its sentence; wrapped prose continues on the next line.
fn ends_line_sentence(current: &str) -> bool {
    let last_line = current.rsplit('\n').next().unwrap_or(current);
    let short = last_line.chars().count() < 40;
    last_line.ends_with(['.', '!', '?', ':']) || (short && last_line.ends_with(','))
}

/// A line of a form or a table ("Date de règlement : 03/04/2026",
/// "INV-0128   29/09/2026   640.00"): a record of its own, never glued to
/// the next line as if it were wrapped prose.
fn is_record_line(line: &str) -> bool {
    if line.contains('\t') || line.trim().contains("   ") {
        return true;
    }
    line.split_once(':').is_some_and(|(label, value)| {
        let words = label.split_whitespace().count();
        (1..=5).contains(&words)
            && !label.contains([',', '.', '!', '?'])
            && !value.trim().is_empty()
            && !value.starts_with("//")
    })
}

fn split_sentences(paragraph: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0;
    let chars: Vec<(usize, char)> = paragraph.char_indices().collect();
    for (i, &(pos, c)) in chars.iter().enumerate() {
        let cut = match c {
            '\n' => Some(pos),
            '.' | '!' | '?' => {
                let next_space = chars.get(i + 1).is_some_and(|(_, n)| *n == ' ');
                let after = chars.get(i + 2).map(|(_, n)| *n);
                let starts_new = after.is_some_and(|n| n.is_uppercase() || n == '"');
                (next_space && starts_new).then_some(pos + c.len_utf8())
            }
            _ => None,
        };
        if let Some(end) = cut {
            out.push(&paragraph[start..end]);
            start = end;
        }
    }
    out.push(&paragraph[start..]);
    out
}

/// Clauses of a normalised sentence, cut at `,`, `;`, `:` and at "mais",
/// "but", "however": negation and conditions only reach within a clause.
pub fn clauses(norm: &str) -> Vec<(usize, &str)> {
    let mut out = Vec::new();
    let mut start = 0;
    let bytes = norm.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let digit_at = |j: usize| bytes.get(j).is_some_and(u8::is_ascii_digit);
        let cut_len = match bytes[i] {
            // "1 250,00 €" is one amount, not two clauses.
            b',' if i > 0 && digit_at(i - 1) && digit_at(i + 1) => None,
            b',' | b';' | b':' | b'(' | b')' => Some(1),
            b' ' => [
                " mais ",
                " but ",
                " however ",
                " cependant ",
                " par contre ",
            ]
            .iter()
            .any(|w| norm[i..].starts_with(w))
            .then_some(1),
            _ => None,
        };
        if let Some(len) = cut_len {
            if i > start {
                out.push((start, &norm[start..i]));
            }
            start = i + len;
            i += len;
        } else {
            i += 1;
        }
    }
    if start < norm.len() {
        out.push((start, &norm[start..]));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use unicode_normalization::UnicodeNormalization;

    /// The straightforward definition: full NFD, marks dropped.
    fn reference(text: &str) -> String {
        let mut out = String::new();
        for c in text.nfd().filter(|c| !is_combining_mark(*c)) {
            match special(c) {
                Some(Piece::Space) => {
                    if !out.is_empty() && !out.ends_with(' ') {
                        out.push(' ');
                    }
                }
                Some(Piece::Char(m)) => out.push(m),
                Some(Piece::Str(m)) => out.push_str(m),
                None if c == '`' => out.push('\''),
                None => out.extend(c.to_lowercase()),
            }
        }
        out.trim_end_matches(' ').to_string()
    }

    proptest! {
        #[test]
        fn fast_path_matches_the_definition(text in "\\PC{0,60}|[ a-zA-Zéèêàçœ’«»…\t\n]{0,60}") {
            prop_assert_eq!(normalize(&text), reference(&text));
        }
    }

    #[test]
    fn classes_become_ascii_inside_and_outside_brackets() {
        assert_eq!(
            ascii_classes(r"\bpaye\w*\s+[\d/.]+[^\s,]"),
            r"(?-u:\b)paye[0-9A-Za-z_]*[\t\n\x0B\x0C\r ]+[0-9/.]+[^\t\n\x0B\x0C\r ,]"
        );
        assert_eq!(ascii_classes(r"[]a]\.\(x\)[^]b]\W"), r"[]a]\.\(x\)[^]b]\W");
        assert!(pattern(r"\bvirement\s+le\s+\d{1,2}\b").is_match("virement le 15"));
        assert!(!pattern(r"^\w+$").is_match("\u{44f}"));
    }

    #[test]
    fn normalize_strips_accents_and_quotes() {
        assert_eq!(
            normalize("  Réglé le 15 Août,\u{a0}c’est Noël  "),
            "regle le 15 aout, c'est noel"
        );
        assert_eq!(normalize("Œuvre — déc."), "oeuvre - dec.");
    }

    #[test]
    fn sentences_join_wrapped_lines_and_split_on_capitals() {
        let s = sentences(
            "Bonjour,\nle virement partira\nvendredi. Merci pour votre patience !\n\nCordialement",
        );
        let texts: Vec<&str> = s.iter().map(|s| s.text.as_str()).collect();
        assert_eq!(
            texts,
            [
                "Bonjour,",
                "le virement partira vendredi.",
                "Merci pour votre patience !",
                "Cordialement"
            ]
        );
    }

    #[test]
    fn abbreviations_before_digits_do_not_split() {
        let s = sentences("Paiement le 15 déc. 2026 au plus tard.");
        assert_eq!(s.len(), 1);
    }

    #[test]
    fn clauses_cut_at_commas_and_but() {
        let c: Vec<&str> =
            clauses("le virement n'est pas parti, il partira vendredi mais pas avant")
                .into_iter()
                .map(|(_, c)| c)
                .collect();
        assert_eq!(
            c,
            [
                "le virement n'est pas parti",
                " il partira vendredi",
                "mais pas avant"
            ]
        );
    }
}
