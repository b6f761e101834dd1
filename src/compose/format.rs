//! Language-specific formatting for messages: dates, plurals, percentages,
//! French typography and the final tidy-up of rendered text.
//!
//! Everything a template prints goes through here (via the filters that
//! `templates` registers), so "15 mars 2026" and "15 March 2026" are written
//! in one place and a missing optional variable never leaves a blank-line run.

use chrono::{Datelike, NaiveDate};
use rust_decimal::{Decimal, RoundingStrategy};

use crate::domain::Language;

/// U+00A0 NO-BREAK SPACE, required by French typography before `:` `;` `?`
/// `!` `»` `%` and after `«`.
pub const NBSP: char = '\u{a0}';

const FR_MONTHS: [&str; 12] = [
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
];

const EN_MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// A date in words: "15 mars 2026", "1er mars 2026", "15 March 2026".
pub fn long_date(d: NaiveDate, lang: Language) -> String {
    let month = d.month0() as usize;
    match lang {
        Language::Fr => {
            let day = if d.day() == 1 {
                "1er".to_string()
            } else {
                d.day().to_string()
            };
            let name = FR_MONTHS.get(month).copied().unwrap_or_default();
            format!("{day} {name} {}", d.year())
        }
        Language::En => {
            let name = EN_MONTHS.get(month).copied().unwrap_or_default();
            format!("{} {name} {}", d.day(), d.year())
        }
    }
}

/// A date in figures, day first in both languages (the UK and France agree):
/// "15/03/2026".
pub fn short_date(d: NaiveDate) -> String {
    d.format("%d/%m/%Y").to_string()
}

/// `n` followed by the right form of the noun: French treats 0 and 1 as
/// singular ("0 facture", "1 facture"), English only 1 ("0 invoices").
pub fn plural(n: i64, lang: Language, singular: &str, plural: &str) -> String {
    let one = match lang {
        Language::Fr => n.abs() <= 1,
        Language::En => n.abs() == 1,
    };
    format!("{n} {}", if one { singular } else { plural })
}

/// "1 jour", "12 jours", "1 day", "12 days".
pub fn days(n: i64, lang: Language) -> String {
    match lang {
        Language::Fr => plural(n, lang, "jour", "jours"),
        Language::En => plural(n, lang, "day", "days"),
    }
}

/// An annual rate in percent, with at most three decimals and no trailing
/// zeros: "12,15 %" in French, "12.15%" in English.
pub fn percent(rate: Decimal, lang: Language) -> String {
    let text = rate
        .round_dp_with_strategy(3, RoundingStrategy::MidpointAwayFromZero)
        .normalize()
        .to_string();
    match lang {
        Language::Fr => format!("{}{NBSP}%", text.replace('.', ",")),
        Language::En => format!("{text}%"),
    }
}

/// Applies French spacing rules to finished text: an ordinary space before
/// `:` `;` `?` `!` `»` `%` `€` and after `«` becomes a no-break space.
/// Only existing spaces change, so URLs and times ("10:30") are left alone.
pub fn french_typography(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len() + 8);
    for (i, &c) in chars.iter().enumerate() {
        let next = chars.get(i + 1).copied();
        let prev = i.checked_sub(1).and_then(|p| chars.get(p)).copied();
        let before_mark = matches!(next, Some(':' | ';' | '?' | '!' | '»' | '%' | '€'));
        let after_open = prev == Some('«');
        if c == ' ' && (before_mark || after_open) {
            out.push(NBSP);
        } else {
            out.push(c);
        }
    }
    out
}

/// The last pass over rendered text: no trailing spaces, no run of blank
/// lines (a missing optional line must not leave a hole), no blank line at
/// the start, exactly one newline at the end.
pub fn tidy(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut blank_run = 0;
    for line in text.lines() {
        let line = line.trim_end();
        if line.is_empty() {
            blank_run += 1;
            continue;
        }
        if !out.is_empty() && blank_run > 0 {
            out.push('\n');
        }
        blank_run = 0;
        out.push_str(line);
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn dates_in_words_per_language() {
        let cases = [
            (date(2026, 3, 15), Language::Fr, "15 mars 2026"),
            (date(2026, 3, 1), Language::Fr, "1er mars 2026"),
            (date(2026, 8, 4), Language::Fr, "4 août 2026"),
            (date(2026, 12, 31), Language::Fr, "31 décembre 2026"),
            (date(2026, 3, 15), Language::En, "15 March 2026"),
            (date(2026, 3, 1), Language::En, "1 March 2026"),
        ];
        for (d, lang, want) in cases {
            assert_eq!(long_date(d, lang), want);
        }
        assert_eq!(short_date(date(2026, 3, 5)), "05/03/2026");
    }

    #[test]
    fn plurals_follow_each_language() {
        assert_eq!(plural(0, Language::Fr, "facture", "factures"), "0 facture");
        assert_eq!(plural(1, Language::Fr, "facture", "factures"), "1 facture");
        assert_eq!(plural(2, Language::Fr, "facture", "factures"), "2 factures");
        assert_eq!(plural(0, Language::En, "invoice", "invoices"), "0 invoices");
        assert_eq!(plural(1, Language::En, "invoice", "invoices"), "1 invoice");
        assert_eq!(days(1, Language::En), "1 day");
        assert_eq!(days(12, Language::Fr), "12 jours");
    }

    #[test]
    fn percentages_drop_trailing_zeros() {
        assert_eq!(percent(dec!(12.150), Language::Fr), "12,15\u{a0}%");
        assert_eq!(percent(dec!(10), Language::En), "10%");
        assert_eq!(percent(dec!(11.75), Language::En), "11.75%");
    }

    #[test]
    fn french_spacing_only_replaces_existing_spaces() {
        let text = "Objet : relance ; merci ! « oui » 10:30 https://x.fr 40 €";
        let want = "Objet\u{a0}: relance\u{a0}; merci\u{a0}! «\u{a0}oui\u{a0}» 10:30 https://x.fr 40\u{a0}€";
        assert_eq!(french_typography(text), want);
    }

    #[test]
    fn tidy_collapses_blank_runs_and_trailing_space() {
        let text = "\n\nBonjour,  \n\n\n\nLigne\n   \nFin\n\n\n";
        assert_eq!(tidy(text), "Bonjour,\n\nLigne\n\nFin\n");
    }
}
