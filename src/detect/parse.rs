//! Reading the amounts and dates that the rules found, in French and English
//! notation. Lenient on spacing, strict on meaning: an ambiguous or
//! impossible value is `None`, never a guess that could chase a wrong sum.

use chrono::{Datelike, Days, Months, NaiveDate};
use rust_decimal::Decimal;

/// Parses `1 250,00`, `1.250,00`, `1250,00`, `1,250.00`, `980.50` (spaces may
/// be no-break or narrow no-break). A lone separator followed by exactly three
/// digits groups thousands; followed by one or two digits it is decimal.
pub fn amount(raw: &str) -> Option<Decimal> {
    let compact: String = raw
        .trim()
        .chars()
        .filter(|c| !matches!(c, ' ' | '\u{a0}' | '\u{202f}' | '\'' | '\u{2009}'))
        .collect();
    if compact.is_empty()
        || !compact
            .chars()
            .all(|c| c.is_ascii_digit() || c == '.' || c == ',')
    {
        return None;
    }
    let (int, frac) = split_decimal(&compact)?;
    if !grouping_ok(int) {
        return None;
    }
    let normalized = format!("{}.{}", int.replace(['.', ','], ""), frac);
    normalized.trim_end_matches('.').parse::<Decimal>().ok()
}

/// Splits at the decimal separator: the last one when both kinds appear,
/// else a lone separator followed by one or two digits.
fn split_decimal(s: &str) -> Option<(&str, &str)> {
    let Some(pos) = s.rfind(['.', ',']) else {
        return Some((s, ""));
    };
    let (int, frac) = (s.get(..pos)?, s.get(pos + 1..)?);
    let sep = s.get(pos..=pos)?;
    let mixed = s.contains('.') && s.contains(',');
    let lone = s.matches(sep).count() == 1;
    match frac.len() {
        1 | 2 if mixed || lone => Some((int, frac)),
        3 => Some((s, "")),
        _ => None,
    }
}

/// `1.234.567` or `1,234`: one separator kind, groups of three after a
/// first group of one to three digits.
fn grouping_ok(int: &str) -> bool {
    let has_dot = int.contains('.');
    if has_dot && int.contains(',') {
        return false;
    }
    let sep = if has_dot { '.' } else { ',' };
    let mut groups = int.split(sep);
    let first_ok = groups
        .next()
        .is_some_and(|g| (1..=3).contains(&g.len()) || !int.contains(sep));
    first_ok && groups.all(|g| g.len() == 3)
}

/// Parses `15/03/2026`, `15.03.26`, `2026-03-15`, `15 mars 2026`,
/// `1er mars 2026`, `March 15, 2026`, `15th March 2026`, `Mar. 15 2026`.
/// Numeric dates are day first (French and British usage) unless only the
/// month-first reading is possible.
pub fn date(raw: &str) -> Option<NaiveDate> {
    let raw = raw.trim();
    let numeric: Vec<&str> = raw.split(['/', '.', '-']).collect();
    if numeric.len() == 3
        && numeric
            .iter()
            .all(|p| p.chars().all(|c| c.is_ascii_digit()))
    {
        return numeric_date(&numeric);
    }
    let words: Vec<&str> = raw
        .split(|c: char| c.is_whitespace() || c == ',')
        .filter(|w| !w.is_empty())
        .collect();
    let [a, b, year] = words.as_slice() else {
        return None;
    };
    let year: i32 = year.parse().ok()?;
    let (day, month) = match (ordinal(a), month(b)) {
        (Some(d), Some(m)) => (d, m),
        _ => (ordinal(b)?, month(a)?),
    };
    NaiveDate::from_ymd_opt(year, month, day)
}

fn numeric_date(parts: &[&str]) -> Option<NaiveDate> {
    let nums: Vec<u32> = parts
        .iter()
        .map(|p| p.parse().ok())
        .collect::<Option<_>>()?;
    let &[a, b, c] = nums.as_slice() else {
        return None;
    };
    if parts.first().is_some_and(|p| p.len() == 4) {
        return NaiveDate::from_ymd_opt(i32::try_from(a).ok()?, b, c);
    }
    let year = match parts.get(2).map(|p| p.len()) {
        Some(4) => i32::try_from(c).ok()?,
        Some(2) => 2000 + i32::try_from(c).ok()?,
        _ => return None,
    };
    NaiveDate::from_ymd_opt(year, b, a).or_else(|| NaiveDate::from_ymd_opt(year, a, b))
}

/// `15`, `1er`, `2nd`, `15th`.
fn ordinal(word: &str) -> Option<u32> {
    let digits = word.trim_end_matches(|c: char| c.is_alphabetic());
    let suffix = word.strip_prefix(digits).unwrap_or("");
    let suffix_ok = matches!(
        suffix.to_lowercase().as_str(),
        "" | "er" | "st" | "nd" | "rd" | "th"
    );
    let day: u32 = digits.parse().ok()?;
    (suffix_ok && (1..=31).contains(&day)).then_some(day)
}

/// French and English month names, full or abbreviated.
fn month(word: &str) -> Option<u32> {
    let w = word.trim_end_matches('.').to_lowercase();
    let month = match w.as_str() {
        "janvier" | "janv" | "january" | "jan" => 1,
        "février" | "fevrier" | "févr" | "fevr" | "fév" | "fev" | "february" | "feb" => 2,
        "mars" | "march" | "mar" => 3,
        "avril" | "avr" | "april" | "apr" => 4,
        "mai" | "may" => 5,
        "juin" | "june" | "jun" => 6,
        "juillet" | "juil" | "july" | "jul" => 7,
        "août" | "aout" | "august" | "aug" => 8,
        "septembre" | "sept" | "september" | "sep" => 9,
        "octobre" | "oct" | "october" => 10,
        "novembre" | "nov" | "november" => 11,
        "décembre" | "decembre" | "déc" | "dec" | "december" => 12,
        _ => return None,
    };
    Some(month)
}

/// Due date from payment terms: `days` after issue, then to the end of that
/// month for "fin de mois" terms (the usual reading of "45 jours fin de
/// mois": add the days, then go to the month's last day).
pub fn due_from_terms(issue: NaiveDate, days: u32, end_of_month: bool) -> Option<NaiveDate> {
    let due = issue.checked_add_days(Days::new(u64::from(days)))?;
    if end_of_month {
        let first = due.with_day(1)?;
        first.checked_add_months(Months::new(1))?.pred_opt()
    } else {
        Some(due)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn french_and_english_amounts() {
        for (raw, want) in [
            ("1 250,00", dec!(1250.00)),
            ("1\u{202f}250,00", dec!(1250.00)),
            ("1\u{a0}250,00", dec!(1250.00)),
            ("1.250,00", dec!(1250.00)),
            ("1250,00", dec!(1250.00)),
            ("1,250.00", dec!(1250.00)),
            ("980.50", dec!(980.50)),
            ("980,5", dec!(980.5)),
            ("1.250", dec!(1250)),
            ("1,250", dec!(1250)),
            ("1,234,567.89", dec!(1234567.89)),
            ("1.234.567,89", dec!(1234567.89)),
            ("12 000", dec!(12000)),
            ("40", dec!(40)),
        ] {
            assert_eq!(amount(raw), Some(want), "{raw}");
        }
    }

    #[test]
    fn ambiguous_or_foreign_amounts_are_refused() {
        for raw in ["", "1.2.3", "12,3456", "1,25.00,1", "abc", "1.25.30"] {
            assert_eq!(amount(raw), None, "{raw}");
        }
    }

    #[test]
    fn numeric_dates_are_day_first() {
        assert_eq!(date("15/03/2026"), Some(d(2026, 3, 15)));
        assert_eq!(date("05/03/2026"), Some(d(2026, 3, 5)));
        assert_eq!(date("15.03.26"), Some(d(2026, 3, 15)));
        assert_eq!(date("2026-03-15"), Some(d(2026, 3, 15)));
        // Only the month-first reading exists.
        assert_eq!(date("03/15/2026"), Some(d(2026, 3, 15)));
        assert_eq!(date("31/02/2026"), None);
        assert_eq!(date("15/03/026"), None);
    }

    #[test]
    fn written_dates_in_both_languages() {
        for raw in [
            "15 mars 2026",
            "15 Mars 2026",
            "March 15, 2026",
            "March 15th, 2026",
            "15th March 2026",
            "15 March 2026",
            "Mar. 15 2026",
        ] {
            assert_eq!(date(raw), Some(d(2026, 3, 15)), "{raw}");
        }
        assert_eq!(date("1er février 2026"), Some(d(2026, 2, 1)));
        assert_eq!(date("1 août 2026"), Some(d(2026, 8, 1)));
        assert_eq!(date("15 floréal 2026"), None);
        assert_eq!(date("32 mars 2026"), None);
    }

    #[test]
    fn payment_terms() {
        assert_eq!(
            due_from_terms(d(2026, 2, 13), 30, false),
            Some(d(2026, 3, 15))
        );
        assert_eq!(
            due_from_terms(d(2026, 1, 10), 45, true),
            Some(d(2026, 2, 28))
        );
        assert_eq!(
            due_from_terms(d(2026, 12, 20), 15, true),
            Some(d(2027, 1, 31))
        );
        assert_eq!(
            due_from_terms(d(2026, 2, 13), 0, false),
            Some(d(2026, 2, 13))
        );
    }
}
