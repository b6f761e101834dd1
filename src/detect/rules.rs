//! The regular expressions that recognise an invoice in a sent mail: built-in
//! French and English defaults, and the user's configured patterns.
//!
//! Each list is tried in order and the first usable match wins, so the lists
//! are ordered by how much a match means (an "amount due" beats a "total").
//! Configured patterns go before the defaults, which stay unless disabled.

use std::sync::LazyLock;

use regex::Regex;

use crate::domain::{Currency, EmailAddress};

/// A date as invoices write it; [`super::parse::date`] decides what it means.
const DATE: &str = r"[0-9]{1,2}[/.-][0-9]{1,2}[/.-][0-9]{2,4}|[0-9]{4}-[0-9]{2}-[0-9]{2}|[0-9]{1,2}(?:er|st|nd|rd|th)?\s+[\p{L}]+\.?,?\s+[0-9]{4}|[\p{L}]+\.?\s+[0-9]{1,2}(?:st|nd|rd|th)?,?\s+[0-9]{4}";
/// An amount in French or English notation; [`super::parse::amount`] reads it.
const AMOUNT: &str =
    r"[0-9]{1,3}(?:[ \x{a0}\x{202f}.,'][0-9]{3})+(?:[.,][0-9]{1,2})?|[0-9]+(?:[.,][0-9]{1,2})?";
const CURRENCY: &str = r"€|EUR\b|euros?\b|£|GBP\b|US\$|\$|USD\b|CHF\b";
/// A keyword must not be the tail of a longer word ("subtotal", "sous-total").
const START: &str = r"(?:^|[^\p{L}-])";

/// The built-in patterns, compiled once.
static DEFAULTS: LazyLock<Patterns> = LazyLock::new(Patterns::builtin);

/// The patterns of one kind of fact, in priority order.
#[derive(Debug, Clone, Default)]
pub struct Patterns {
    /// Capture `kind` (the document word) and `number`.
    pub number: Vec<Regex>,
    /// Capture `amount`, optionally `cur1`/`cur2` (currency before or after)
    /// and `tail` (an "HT" there disqualifies the match).
    pub amount: Vec<Regex>,
    /// Capture `date`.
    pub due_date: Vec<Regex>,
    /// Capture `date`.
    pub issue_date: Vec<Regex>,
    /// Capture `days` (absent means payable on receipt) and optional `eom`.
    pub payment_terms: Vec<Regex>,
    /// A subject matching one of these is a reminder, not an invoice.
    pub reminder: Vec<Regex>,
    /// A subject matching one of these is a quote or pro forma, unless the
    /// subject also names an invoice number.
    pub quote: Vec<Regex>,
}

/// Detection rules: the patterns plus the facts that are not in the mail.
#[derive(Debug, Clone)]
pub struct Rules {
    pub patterns: Patterns,
    /// When set, a message is an invoice candidate for the regexes only if
    /// one of these matches (Factur-X needs no such gate).
    pub candidates: Candidates,
    /// First group: the currency, when the amount's match carries none.
    pub currency: Option<Regex>,
    /// Read Factur-X / ZUGFeRD XML from PDF attachments.
    pub factur_x: bool,
    /// Days from issue to due date when the invoice states none.
    pub payment_terms_days: u32,
    /// Currency of an amount written without one.
    pub default_currency: Currency,
    /// The user's own addresses, never counted as client contacts.
    pub own_addresses: Vec<EmailAddress>,
}

/// Configured gates on the subject, the body and attachment file names.
#[derive(Debug, Clone, Default)]
pub struct Candidates {
    pub subject: Option<Regex>,
    pub body: Option<Regex>,
    pub attachment_name: Option<Regex>,
}

impl Candidates {
    /// True when no gate is configured, or one of them matches.
    pub fn admit<'a>(
        &self,
        subject: &str,
        body: &str,
        mut names: impl Iterator<Item = &'a str>,
    ) -> bool {
        let (s, b, a) = (&self.subject, &self.body, &self.attachment_name);
        if s.is_none() && b.is_none() && a.is_none() {
            return true;
        }
        s.as_ref().is_some_and(|re| re.is_match(subject))
            || b.as_ref().is_some_and(|re| re.is_match(body))
            || a.as_ref().is_some_and(|re| names.any(|n| re.is_match(n)))
    }
}

impl Default for Rules {
    fn default() -> Self {
        Rules {
            patterns: DEFAULTS.clone(),
            candidates: Candidates::default(),
            currency: None,
            factur_x: true,
            payment_terms_days: 30,
            default_currency: Currency::EUR,
            own_addresses: Vec::new(),
        }
    }
}

/// What the configuration (`[detect]`) may change. Each regex, already
/// compiled, replaces the built-in rule of the same name only; value regexes
/// hold the value in their first capture group (or a group named like the
/// field: `number`, `amount`, `date`).
#[derive(Debug, Clone, Default)]
pub struct Overrides {
    pub subject: Option<Regex>,
    pub body: Option<Regex>,
    pub attachment_name: Option<Regex>,
    pub number: Option<Regex>,
    pub amount: Option<Regex>,
    pub currency: Option<Regex>,
    pub issue_date: Option<Regex>,
    pub due_date: Option<Regex>,
    pub factur_x: Option<bool>,
    pub payment_terms_days: Option<u32>,
    pub default_currency: Option<Currency>,
    pub own_addresses: Vec<EmailAddress>,
}

impl Rules {
    /// The built-in rules with the configured ones in their place.
    pub fn with_overrides(o: Overrides) -> Rules {
        let defaults = Rules::default();
        let pick =
            |custom: Option<Regex>, builtin: Vec<Regex>| custom.map_or(builtin, |re| vec![re]);
        let base = defaults.patterns;
        Rules {
            patterns: Patterns {
                number: pick(o.number, base.number),
                amount: pick(o.amount, base.amount),
                due_date: pick(o.due_date, base.due_date),
                issue_date: pick(o.issue_date, base.issue_date),
                ..base
            },
            candidates: Candidates {
                subject: o.subject,
                body: o.body,
                attachment_name: o.attachment_name,
            },
            currency: o.currency,
            factur_x: o.factur_x.unwrap_or(defaults.factur_x),
            payment_terms_days: o.payment_terms_days.unwrap_or(defaults.payment_terms_days),
            default_currency: o.default_currency.unwrap_or(defaults.default_currency),
            own_addresses: o.own_addresses,
        }
    }
}

impl Patterns {
    fn builtin() -> Patterns {
        Patterns {
            number: number_patterns(),
            amount: amount_patterns(),
            due_date: due_date_patterns(),
            issue_date: issue_date_patterns(),
            payment_terms: payment_terms_patterns(),
            reminder: reminder_patterns(),
            quote: quote_patterns(),
        }
    }
}

/// "Facture F-2026-0042", "Facture n° 2026-042", "Invoice #1234", file-name stems, "Avoir A-3".
fn number_patterns() -> Vec<Regex> {
    compile(&[&format!(
        r"{START}(?P<kind>factures?|invoices?|avoirs?|credit[\s_-]?notes?|notes?[\s_-]de[\s_-]cr[ée]dit)(?:[\s_:-]+(?:n[°ºo]\.?|num(?:[ée]ro|ber)?\.?|nr\.?|#))?[\s_:#-]*(?P<number>[\p{{L}}0-9](?:[\p{{L}}0-9/_.-]*[\p{{L}}0-9])?)"
    )])
}

/// Amount due first, then totals including tax, then any amount or total
/// (among them "invoice INV-7 for €1,250.00", the commonest English way).
fn amount_patterns() -> Vec<Regex> {
    compile(&[
        &amount_after(
            r"net\s+[àa]\s+payer|reste\s+[àa]\s+payer|montant\s+d[ûu]|solde\s+d[ûu]|somme\s+due|montant\s+[àa]\s+(?:r[ée]gler|payer)|total\s+[àa]\s+payer|amount\s+due|balance\s+due|total\s+due|amount\s+payable|total\s+payable",
        ),
        &amount_after(
            r"total\s+\(?t\.?t\.?c\.?\)?|montant\s+\(?t\.?t\.?c\.?\)?|total\s+(?:incl\.?|including)\s+(?:vat|tax)|grand\s+total|invoice\s+total",
        ),
        &amount_after(
            r"d['’]un\s+montant\s+(?:total\s+)?de|pour\s+un\s+montant\s+(?:total\s+)?de|for\s+(?:an\s+amount|a\s+total)\s+of|montant(?:\s+total)?|total|amount|(?:invoices?|factures?)\s+(?:n[°ºo]\.?\s*|#\s*)?[\p{L}0-9][\p{L}0-9/_.-]*\s+(?:for|of|de)",
        ),
    ])
}

/// French, then English wording of a stated due date.
fn due_date_patterns() -> Vec<Regex> {
    compile(&[
        &date_after(
            r"date\s+d['’]?[ée]ch[ée]ance|[ée]ch[ée]ance|[àa]\s+r[ée]gler\s+(?:avant|au\s+plus\s+tard)(?:\s+le)?|[àa]\s+payer\s+(?:avant|au\s+plus\s+tard)(?:\s+le)?|payable\s+(?:avant|au\s+plus\s+tard|le)(?:\s+le)?|au\s+plus\s+tard\s+le|date\s+limite\s+de\s+(?:paiement|r[èe]glement)",
        ),
        &date_after(
            r"due\s+date|payment\s+due(?:\s+date)?|due\s+(?:on|by)|payable\s+(?:by|on|before)|pay(?:ment)?\s+by|to\s+be\s+paid\s+by",
        ),
    ])
}

/// The invoice date; the caller discards matches inside due-date phrases.
fn issue_date_patterns() -> Vec<Regex> {
    compile(&[&date_after(
        r"date\s+de\s+(?:la\s+)?factur(?:e|ation)|date\s+d['’][ée]mission|[ée]mise\s+le|[ée]tablie\s+le|en\s+date\s+du|invoice\s+date|date\s+of\s+issue|issue\s+date|issued\s+on|dated|date",
    )])
}

/// "payable sous 30 jours", "45 jours fin de mois", "Net 30", "à réception".
fn payment_terms_patterns() -> Vec<Regex> {
    compile(&[
        &format!(
            r"{START}(?:payable|paiement|r[èe]glement|[àa]\s+r[ée]gler|[àa]\s+payer)\s+(?:sous|[àa]|dans\s+les|dans\s+un\s+d[ée]lai\s+de|en)\s+(?P<days>[0-9]{{1,3}})\s*jours(?:\s+nets?)?(?P<eom>\s+fin\s+de\s+mois)?"
        ),
        &format!(
            r"{START}(?:payment|payable|due)\s+(?:with)?in\s+(?P<days>[0-9]{{1,3}})\s+days(?P<eom>\s+(?:of\s+)?(?:the\s+)?end\s+of\s+(?:the\s+)?month|\s+eom)?"
        ),
        &format!(
            r"{START}net[ -]?(?P<days>[0-9]{{1,3}})(?:\s+days)?(?P<eom>\s+eom)?(?:$|[^0-9.,\s]|[.,](?:[^0-9]|$)|\s+(?:[^0-9]|$))"
        ),
        &format!(
            r"{START}(?:paiement\s+|payable\s+|r[èe]glement\s+)?(?:[àa]|d[èe]s)\s+r[ée]ception|(?:due|payable)\s+(?:up)?on\s+receipt"
        ),
    ])
}

/// Reminder wording, looked for in the subject and in a reply's opening.
fn reminder_patterns() -> Vec<Regex> {
    compile(&[&format!(
        r"{START}(?:relance|rappel|reminder|overdue|past\s+due|en\s+retard|impay[ée]e?s?|unpaid|mise\s+en\s+demeure|retard\s+de\s+paiement|outstanding\s+invoice|final\s+notice)(?:$|[^\p{{L}}])"
    )])
}

/// Quotes, estimates and pro forma invoices.
fn quote_patterns() -> Vec<Regex> {
    compile(&[&format!(
        r"{START}(?:devis|quotes?|quotation|estimate|pro[\s-]?forma|bon\s+de\s+commande|purchase\s+order)(?:$|[^\p{{L}}])"
    )])
}

fn amount_after(keywords: &str) -> String {
    format!(
        r"{START}(?:{keywords})\s*[:=]?\s*(?P<cur1>{CURRENCY})?\s*(?P<amount>{AMOUNT})\s*(?P<cur2>{CURRENCY})?(?P<tail>\s*(?:h\.?t\.?|hors\s+tax(?:es?)?|excl(?:uding|\.)?\s+(?:vat|tax)|\+\s*(?:vat|tva))(?:$|[^\p{{L}}]))?"
    )
}

fn date_after(keywords: &str) -> String {
    format!(r"{START}(?:{keywords})\s*:?\s*(?:(?:le|du|au|on|by)\s+)?(?P<date>{DATE})")
}

/// What `\p{L}` stands for in the built-in patterns (always inside
/// brackets there): the letters of the Latin scripts. Every script's letters,
/// with Unicode digits, made the built-in automata 2.4 MB, and as much again
/// for each search cache, against 0.4 MB; invoices are read in French and
/// English. Digits are written `0-9` for the same reason.
const LATIN_LETTERS: &str = r"a-zA-Z\xC0-\xD6\xD8-\xF6\xF8-\x{24F}";

/// Compiles the built-in patterns; they are constants, so a failure is a bug
/// caught by the tests, and is skipped rather than taking the daemon down.
fn compile(patterns: &[&str]) -> Vec<Regex> {
    patterns
        .iter()
        .filter_map(|p| {
            let p = p.replace(r"\p{L}", LATIN_LETTERS);
            Regex::new(&format!("(?im){p}")).ok()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_builtin_pattern_compiles() {
        let p = Patterns::builtin();
        assert_eq!(p.number.len(), 1);
        assert_eq!(p.amount.len(), 3);
        assert_eq!(p.due_date.len(), 2);
        assert_eq!(p.issue_date.len(), 1);
        assert_eq!(p.payment_terms.len(), 4);
        assert_eq!(p.reminder.len(), 1);
        assert_eq!(p.quote.len(), 1);
    }

    #[test]
    fn builtin_patterns_read_latin_letters_and_ascii_digits() {
        let p = Patterns::builtin();
        assert!(p.number.iter().all(|re| !re.as_str().contains(r"\p{L}")));
        let number = |text: &str| {
            p.number[0]
                .captures(text)
                .and_then(|c| c.name("number"))
                .map(|m| m.as_str().to_owned())
        };
        assert_eq!(
            number("Facture n° FÉ-2026-ÄØ7").as_deref(),
            Some("FÉ-2026-ÄØ7")
        );
        // Not the tail of a longer word, accents included.
        assert_eq!(number("préfacture 12"), None);
        // Digits of other scripts are not invoice digits.
        assert_eq!(number("Facture \u{663}\u{664}"), None);
    }

    #[test]
    fn an_override_replaces_only_its_own_rule() {
        let rules = Rules::with_overrides(Overrides {
            number: Regex::new(r"Rechnung\s+(\S+)").ok(),
            payment_terms_days: Some(45),
            ..Overrides::default()
        });
        assert_eq!(rules.patterns.number.len(), 1);
        assert!(rules.patterns.number[0].as_str().contains("Rechnung"));
        assert_eq!(rules.patterns.amount.len(), 3);
        assert_eq!(rules.payment_terms_days, 45);
        assert!(rules.factur_x);
    }

    #[test]
    fn candidate_gates() {
        let open = Candidates::default();
        assert!(open.admit("anything", "", std::iter::empty()));
        let gated = Candidates {
            attachment_name: Regex::new(r"^FAC-").ok(),
            ..Candidates::default()
        };
        assert!(gated.admit("", "", ["x.txt", "FAC-12.pdf"].into_iter()));
        assert!(!gated.admit("Facture F-1", "", ["devis.pdf"].into_iter()));
    }
}
