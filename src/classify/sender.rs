//! Who is writing: the reply's language, and whether the sender reads
//! numeric dates month first (a US time zone, phone number or address, or a
//! month-first written date in the message).

use std::sync::LazyLock;

use regex::Regex;

use crate::classify::norm::normalize;
use crate::domain::Language;

const FRENCH: &[&str] = &[
    "le",
    "la",
    "les",
    "de",
    "des",
    "du",
    "et",
    "est",
    "nous",
    "vous",
    "je",
    "pour",
    "avec",
    "merci",
    "bonjour",
    "virement",
    "facture",
    "sera",
    "pas",
    "une",
    "sur",
    "au",
    "ce",
    "cordialement",
    "votre",
    "notre",
    "reglement",
    "paiement",
    "qui",
    "que",
    "mois",
    "semaine",
];
const ENGLISH: &[&str] = &[
    "the", "and", "is", "we", "you", "i", "for", "with", "thanks", "thank", "hello", "hi",
    "payment", "invoice", "will", "not", "this", "of", "to", "regards", "please", "our", "your",
    "be", "by", "on", "have", "has", "week", "month", "paid",
];

/// French or English by counting common words; the subject breaks ties and
/// French, the first language, wins when nothing tells.
pub fn detect_language(new_text: &str, subject: &str) -> Language {
    let score = |text: &str| {
        let norm = normalize(text);
        norm.split(|c: char| !c.is_alphanumeric())
            .fold((0, 0), |(fr, en), w| {
                (
                    fr + usize::from(FRENCH.contains(&w)),
                    en + usize::from(ENGLISH.contains(&w)),
                )
            })
    };
    let (fr, en) = score(new_text);
    let (fr, en) = if fr == en {
        let (sf, se) = score(subject);
        (fr + sf, en + se)
    } else {
        (fr, en)
    };
    if en > fr { Language::En } else { Language::Fr }
}

static US_PHONE: LazyLock<Regex> = LazyLock::new(|| {
    crate::classify::norm::pattern(
        r"(?:\+1[\s.-]?)?\(\s?[2-9]\d{2}\s?\)\s?\d{3}[\s.-]\d{4}\b|(?:\+1[\s.-]?)?\b[2-9]\d{2}[.-]\d{3}[.-]\d{4}\b|\+1[\s.-][2-9]\d{2}[\s.-]\d{3}[\s.-]\d{4}\b",
    )
});

static US_ADDRESS: LazyLock<Regex> = LazyLock::new(|| {
    crate::classify::norm::pattern(
        r"\b(?:AL|AK|AZ|AR|CA|CO|CT|DE|FL|GA|HI|ID|IL|IN|IA|KS|KY|LA|ME|MD|MA|MI|MN|MS|MO|MT|NE|NV|NH|NJ|NM|NY|NC|ND|OH|OK|OR|PA|RI|SC|SD|TN|TX|UT|VT|VA|WA|WV|WI|WY|DC)\s+\d{5}(?:-\d{4})?\b|\bUSA\b|\bUnited States\b",
    )
});

static MONTH_FIRST: LazyLock<Regex> = LazyLock::new(|| {
    crate::classify::norm::pattern(
        r"(?i)\b(?:january|february|march|april|may|june|july|august|september|october|november|december|jan|feb|mar|apr|jun|jul|aug|sept?|oct|nov|dec)\.?\s+\d{1,2}(?:st|nd|rd|th)?,\s+\d{4}\b|(?i)\b(?:mon|tue|wed|thu|fri|sat|sun)\w*,\s+(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)\w*\.?\s+\d{1,2}\b",
    )
});

/// US offsets run from -04:00 (Eastern daylight) to -10:00 (Hawaii).
pub fn looks_american(utc_offset_minutes: Option<i32>, new_text: &str, tail: &str) -> bool {
    let us_zone = utc_offset_minutes.is_some_and(|m| (-600..=-240).contains(&m));
    us_zone
        || [new_text, tail]
            .iter()
            .any(|t| US_PHONE.is_match(t) || US_ADDRESS.is_match(t) || MONTH_FIRST.is_match(t))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn language_by_common_words() {
        assert_eq!(
            detect_language("Le virement est parti ce matin.", ""),
            Language::Fr
        );
        assert_eq!(
            detect_language("The payment was sent this morning.", ""),
            Language::En
        );
        assert_eq!(
            detect_language("OK", "Re: Invoice 42 for the month"),
            Language::En
        );
        assert_eq!(detect_language("", ""), Language::Fr);
    }

    #[test]
    fn american_signals() {
        assert!(looks_american(Some(-300), "", ""));
        assert!(!looks_american(Some(60), "", ""));
        assert!(!looks_american(Some(0), "Paid", "John\n+44 20 7946 0958"));
        assert!(looks_american(None, "", "John Smith\n(415) 555-0134"));
        assert!(looks_american(
            None,
            "",
            "100 Main St, Springfield, IL 62701"
        ));
        assert!(looks_american(
            None,
            "",
            "On Mon, Mar 2, 2026 at 10:14 AM Claire wrote:"
        ));
        assert!(!looks_american(
            None,
            "",
            "On Mon, 2 Mar 2026 at 10:14, Claire wrote:"
        ));
        assert!(!looks_american(None, "", "Tél. 01 23 45 67 89"));
    }
}
