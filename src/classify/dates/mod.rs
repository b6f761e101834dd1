//! Date resolution: turns what a client wrote ("fin du mois", "next Friday",
//! "15/03") into a calendar date, relative to the reply's own local date.
//!
//! Pure and table-driven: `rules` holds one regex per expression family of
//! READING.md, tried in order; a span claimed by an earlier rule is never
//! read again, so "vendredi 15 mars" is one date, not a weekday and a date.

mod rules;
#[cfg(test)]
mod tests;

use chrono::{Datelike, Days, Months, NaiveDate, Weekday};

use crate::calendar::Calendar;
use crate::classify::norm::normalize;

/// What a date expression is resolved against.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DateContext {
    /// The local date of the reply's own `Date:` header.
    pub today: NaiveDate,
    /// Business days for "sous 5 jours ouvrés" / "within 5 business days".
    pub calendar: Calendar,
    /// Read `03/04` as March 4 (a US sender) rather than 3 April.
    pub month_first: bool,
}

/// One resolved expression and where it sits in the normalised text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DateHit {
    pub date: NaiveDate,
    pub start: usize,
    pub end: usize,
}

/// Every date expression in `norm` (already normalised), in text order. The
/// start of a range ("du 2 au 16 août", "between the 10th and the 15th") is
/// dropped: only its end counts, and "2" alone cannot know its month.
pub fn find_dates(norm: &str, ctx: &DateContext) -> Vec<DateHit> {
    let mut hits = rules::scan(norm, ctx);
    hits.sort_by_key(|h| h.start);
    let starts_range = |i: usize| {
        let (Some(a), Some(b)) = (hits.get(i), hits.get(i + 1)) else {
            return false;
        };
        let gap = norm.get(a.end..b.start).unwrap_or("").trim();
        [
            "au", "a", "to", "et", "and", "-", "through", "until", "jusqu'au", "et le", "and the",
        ]
        .contains(&gap)
    };
    let keep: Vec<bool> = (0..hits.len()).map(|i| !starts_range(i)).collect();
    hits.into_iter()
        .zip(keep)
        .filter_map(|(h, k)| k.then_some(h))
        .collect()
}

/// The date a promise in `text` resolves to: the latest one when several
/// are named ("entre le 10 et le 15" is the 15th).
pub fn resolve(text: &str, ctx: &DateContext) -> Option<NaiveDate> {
    find_dates(&normalize(text), ctx)
        .into_iter()
        .map(|h| h.date)
        .max()
}

/// The first day back stated by an out-of-office text (normalised): "de
/// retour le 12" is the 12th, "absent jusqu'au 16 inclus" and "du 2 au 16"
/// are the 17th. The latest candidate wins.
pub fn return_date(norm: &str, ctx: &DateContext) -> Option<NaiveDate> {
    find_dates(norm, ctx)
        .into_iter()
        .map(|hit| {
            if is_last_day_of_absence(norm, hit) {
                plus_days(hit.date, 1)
            } else {
                hit.date
            }
        })
        .filter(|d| *d >= ctx.today)
        .max()
}

/// True when the words just before the hit mark the end of the absence
/// ("jusqu'au", "until", "du 2 au") rather than the return.
fn is_last_day_of_absence(norm: &str, hit: DateHit) -> bool {
    let before = norm.get(..hit.start).unwrap_or("");
    let tail: String = before
        .chars()
        .rev()
        .take(30)
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    let tail = tail.trim_end();
    let after = norm.get(hit.end..).unwrap_or("").trim_start();
    let inclusive = ["inclus", "inclusive", "included", "compris"]
        .iter()
        .any(|w| after.starts_with(w));
    let ends_absence = [" au", " to", " et", " and", "-", "absent le", "absente le"]
        .iter()
        .any(|w| tail.ends_with(w))
        || ["jusqu", "until", "till", "through", "thru"]
            .iter()
            .any(|w| tail.contains(w));
    let returns = ["retour", "back", "return", "reprend", "reviens", "reprise"]
        .iter()
        .any(|w| tail.contains(w));
    (ends_absence || inclusive) && !returns
}

/// `d` plus `n` days, saturating at the end of chrono's range.
pub(crate) fn plus_days(d: NaiveDate, n: u64) -> NaiveDate {
    d.checked_add_days(Days::new(n)).unwrap_or(d)
}

/// The last day of the month `months_ahead` after `today`'s month.
pub(crate) fn month_end(today: NaiveDate, months_ahead: u32) -> Option<NaiveDate> {
    let first = today.with_day(1)?;
    first
        .checked_add_months(Months::new(months_ahead + 1))?
        .pred_opt()
}

/// `day` of the month `months_ahead` after `today`'s month (clamped to the
/// month's length).
pub(crate) fn day_of_month_ahead(
    today: NaiveDate,
    months_ahead: u32,
    day: u32,
) -> Option<NaiveDate> {
    let first = today
        .with_day(1)?
        .checked_add_months(Months::new(months_ahead))?;
    let last = month_end(first, 0)?.day();
    first.with_day(day.min(last))
}

/// A day and month without a year: this year, unless that is more than 60
/// days in the past, then next year.
pub(crate) fn infer_year(today: NaiveDate, month: u32, day: u32) -> Option<NaiveDate> {
    let this_year = NaiveDate::from_ymd_opt(today.year(), month, day);
    let next_year = || NaiveDate::from_ymd_opt(today.year() + 1, month, day);
    match this_year {
        Some(d) if today.signed_duration_since(d).num_days() > 60 => next_year(),
        Some(d) => Some(d),
        None => next_year(),
    }
}

/// A day with no month ("le 15"): the next such day on or after today.
pub(crate) fn next_day_of_month(today: NaiveDate, day: u32) -> Option<NaiveDate> {
    if !(1..=31).contains(&day) {
        return None;
    }
    (0..13).find_map(|ahead| {
        let first = today.with_day(1)?.checked_add_months(Months::new(ahead))?;
        first.with_day(day).filter(|d| *d >= today)
    })
}

/// The first `weekday` strictly after `today` (or on/after when `inclusive`).
pub(crate) fn next_weekday(today: NaiveDate, weekday: Weekday, inclusive: bool) -> NaiveDate {
    let from = if inclusive {
        today
    } else {
        plus_days(today, 1)
    };
    let ahead = (7 + weekday.num_days_from_monday() - from.weekday().num_days_from_monday()) % 7;
    plus_days(from, u64::from(ahead))
}

/// The last `weekday` strictly before `today` ("vendredi dernier").
pub(crate) fn previous_weekday(today: NaiveDate, weekday: Weekday) -> NaiveDate {
    let back = (7 + today.weekday().num_days_from_monday() - weekday.num_days_from_monday()) % 7;
    let back = if back == 0 { 7 } else { back };
    today
        .checked_sub_days(Days::new(u64::from(back)))
        .unwrap_or(today)
}

/// Friday of the current week; on a weekend, the coming Friday.
pub(crate) fn this_friday(today: NaiveDate) -> NaiveDate {
    match today.weekday() {
        Weekday::Sat | Weekday::Sun => next_weekday(today, Weekday::Fri, false),
        _ => next_weekday(today, Weekday::Fri, true),
    }
}
