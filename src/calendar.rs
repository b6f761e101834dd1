//! Business days, public holidays and the sending window. Pure: no clock.
//!
//! Holidays are computed, not listed, so every year works: fixed dates plus
//! the Easter-based ones (anonymous Gregorian computus). The sending window is
//! expressed in the user's time zone; chrono-tz resolves DST, and a window
//! edge that falls in a DST gap moves to the first instant that exists.

use chrono::{DateTime, Datelike, Days, LocalResult, NaiveDate, NaiveTime, TimeZone, Utc, Weekday};
use chrono_tz::Tz;

use crate::domain::CalendarKind;

/// The public-holiday rules of one calendar.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Calendar {
    kind: CalendarKind,
}

/// Easter Sunday of `year` in the Gregorian calendar.
pub fn easter_sunday(year: i32) -> NaiveDate {
    let (month, day) = computus(year);
    // The computus yields March or April and a day in 1..=31 for every year.
    NaiveDate::from_ymd_opt(year, month, day).unwrap_or(NaiveDate::MIN)
}

/// Easter's month and day (anonymous Gregorian computus).
const fn computus(year: i32) -> (u32, u32) {
    let a = year % 19;
    let b = year / 100;
    let c = year % 100;
    let d = b / 4;
    let e = b % 4;
    let f = (b + 8) / 25;
    let g = (b - f + 1) / 3;
    let h = (19 * a + b - d - g + 15) % 30;
    let i = c / 4;
    let k = c % 4;
    let l = (32 + 2 * e + 2 * i - h - k) % 7;
    let m = (a + 11 * h + 22 * l) / 451;
    let month = (h + l - 7 * m + 114) / 31;
    let day = (h + l - 7 * m + 114) % 31 + 1;
    (month as u32, day as u32)
}

/// The first year of [`EASTER_ORDINALS`].
const EASTER_TABLE_FROM: i32 = 1900;
/// Easter Sunday's day of the year (0-based) for 400 years from 1900, worked
/// out at compile time: the engine asks whether a spring day is a holiday
/// for every business day it counts, and the computus was most of that.
static EASTER_ORDINALS: [u16; 400] = {
    let mut table = [0u16; 400];
    let mut i = 0;
    while i < table.len() {
        let year = EASTER_TABLE_FROM + i as i32;
        let (month, day) = computus(year);
        let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
        // Days before 1 March, then before 1 April.
        let before = if month == 3 { 59 } else { 90 } + if leap { 1 } else { 0 };
        table[i] = (before + day - 1) as u16;
        i += 1;
    }
    table
};

/// Easter Sunday's 0-based day of the year of `year`.
fn easter_ordinal0(year: i32) -> i64 {
    usize::try_from(year - EASTER_TABLE_FROM)
        .ok()
        .and_then(|i| EASTER_ORDINALS.get(i))
        .map_or_else(
            || i64::from(easter_sunday(year).ordinal0()),
            |&o| i64::from(o),
        )
}

fn ymd(year: i32, month: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(year, month, day).unwrap_or(NaiveDate::MIN)
}

fn offset(d: NaiveDate, days: i64) -> NaiveDate {
    d.checked_add_signed(chrono::Duration::days(days))
        .unwrap_or(d)
}

fn is_weekend(d: NaiveDate) -> bool {
    matches!(d.weekday(), Weekday::Sat | Weekday::Sun)
}

/// The first `weekday` of `month`, or the last one when `last` is set.
fn nth_weekday(year: i32, month: u32, weekday: Weekday, last: bool) -> NaiveDate {
    if last {
        let next_month = if month == 12 {
            ymd(year + 1, 1, 1)
        } else {
            ymd(year, month + 1, 1)
        };
        let mut d = offset(next_month, -1);
        while d.weekday() != weekday {
            d = offset(d, -1);
        }
        d
    } else {
        let mut d = ymd(year, month, 1);
        while d.weekday() != weekday {
            d = offset(d, 1);
        }
        d
    }
}

impl Calendar {
    /// The calendar of `kind`.
    pub const fn new(kind: CalendarKind) -> Calendar {
        Calendar { kind }
    }

    /// Which holiday rules apply.
    pub fn kind(&self) -> CalendarKind {
        self.kind
    }

    /// The public holidays of `year`, sorted, with their usual names.
    pub fn holidays(&self, year: i32) -> Vec<(NaiveDate, &'static str)> {
        let easter = easter_sunday(year);
        let mut days = match self.kind {
            CalendarKind::Weekends => Vec::new(),
            CalendarKind::Fr | CalendarKind::FrAlsaceMoselle => {
                let mut v = vec![
                    (ymd(year, 1, 1), "Jour de l'an"),
                    (offset(easter, 1), "Lundi de Pâques"),
                    (ymd(year, 5, 1), "Fête du Travail"),
                    (ymd(year, 5, 8), "Victoire 1945"),
                    (offset(easter, 39), "Ascension"),
                    (offset(easter, 50), "Lundi de Pentecôte"),
                    (ymd(year, 7, 14), "Fête nationale"),
                    (ymd(year, 8, 15), "Assomption"),
                    (ymd(year, 11, 1), "Toussaint"),
                    (ymd(year, 11, 11), "Armistice 1918"),
                    (ymd(year, 12, 25), "Noël"),
                ];
                if self.kind == CalendarKind::FrAlsaceMoselle {
                    v.push((offset(easter, -2), "Vendredi saint"));
                    v.push((ymd(year, 12, 26), "Saint Étienne"));
                }
                v
            }
            CalendarKind::Uk => uk_holidays(year, easter),
        };
        days.sort();
        days
    }

    /// Whether `d` is a public holiday. Called for every day the engine
    /// counts, so it avoids building the year's list: only the UK needs it.
    pub fn is_holiday(&self, d: NaiveDate) -> bool {
        match self.kind {
            CalendarKind::Weekends => false,
            CalendarKind::Uk => uk_holidays(d.year(), easter_sunday(d.year()))
                .iter()
                .any(|(h, _)| *h == d),
            CalendarKind::Fr | CalendarKind::FrAlsaceMoselle => {
                let alsace = self.kind == CalendarKind::FrAlsaceMoselle;
                let fixed = matches!(
                    (d.month(), d.day()),
                    (1, 1) | (5, 1) | (5, 8) | (7, 14) | (8, 15) | (11, 1) | (11, 11) | (12, 25)
                ) || (alsace && (d.month(), d.day()) == (12, 26));
                fixed || (matches!(d.month(), 3..=6) && self.is_easter_based(d, alsace))
            }
        }
    }

    fn is_easter_based(&self, d: NaiveDate, alsace: bool) -> bool {
        let from_easter = i64::from(d.ordinal0()) - easter_ordinal0(d.year());
        matches!(from_easter, 1 | 39 | 50) || (alsace && from_easter == -2)
    }

    /// Not a Saturday, a Sunday or a public holiday.
    pub fn is_business_day(&self, d: NaiveDate) -> bool {
        !is_weekend(d) && !self.is_holiday(d)
    }

    /// `d` if it is a business day, else the next one.
    pub fn business_day_on_or_after(&self, d: NaiveDate) -> NaiveDate {
        let mut d = d;
        while !self.is_business_day(d) {
            d = offset(d, 1);
        }
        d
    }

    /// The business day strictly after `d`.
    pub fn next_business_day(&self, d: NaiveDate) -> NaiveDate {
        self.business_day_on_or_after(offset(d, 1))
    }

    /// Counts `n` business days forward from `d`, not counting `d` itself:
    /// Friday + 1 business day is Monday (when Monday is not a holiday).
    /// With `n == 0` the result is `d` unchanged.
    pub fn add_business_days(&self, d: NaiveDate, n: u32) -> NaiveDate {
        let mut d = d;
        for _ in 0..n {
            d = self.next_business_day(d);
        }
        d
    }

    /// Business days in `(from, to]`; 0 when `to <= from`.
    ///
    /// Counted by whole weeks, then the holidays of each year concerned: an
    /// invoice months overdue is described at every planning pass, and
    /// testing each day was most of the engine's time.
    pub fn business_days_between(&self, from: NaiveDate, to: NaiveDate) -> u32 {
        if to <= from {
            return 0;
        }
        let days = (to - from).num_days();
        let mut weekdays = days / 7 * 5;
        let mut d = offset(from, days / 7 * 7);
        while d < to {
            d = offset(d, 1);
            if !is_weekend(d) {
                weekdays += 1;
            }
        }
        let mut holidays: Vec<NaiveDate> = (from.year()..=to.year())
            .flat_map(|year| self.holidays(year))
            .map(|(day, _)| day)
            .filter(|&day| day > from && day <= to && !is_weekend(day))
            .collect();
        // Two holidays can fall on one day (Ascension on 1 May).
        holidays.sort_unstable();
        holidays.dedup();
        u32::try_from(weekdays - holidays.len() as i64).unwrap_or(0)
    }
}

/// `n` calendar days after `d`.
pub fn add_days(d: NaiveDate, n: u32) -> NaiveDate {
    d.checked_add_days(Days::new(u64::from(n))).unwrap_or(d)
}

/// England and Wales bank holidays, with the substitute-day rules for New
/// Year and Christmas falling on a weekend.
fn uk_holidays(year: i32, easter: NaiveDate) -> Vec<(NaiveDate, &'static str)> {
    let mut v = Vec::new();
    let new_year = ymd(year, 1, 1);
    let new_year = match new_year.weekday() {
        Weekday::Sat => offset(new_year, 2),
        Weekday::Sun => offset(new_year, 1),
        _ => new_year,
    };
    v.push((new_year, "New Year's Day"));
    v.push((offset(easter, -2), "Good Friday"));
    v.push((offset(easter, 1), "Easter Monday"));
    v.push((
        nth_weekday(year, 5, Weekday::Mon, false),
        "Early May bank holiday",
    ));
    v.push((
        nth_weekday(year, 5, Weekday::Mon, true),
        "Spring bank holiday",
    ));
    v.push((
        nth_weekday(year, 8, Weekday::Mon, true),
        "Summer bank holiday",
    ));
    let christmas = ymd(year, 12, 25);
    let (christmas, boxing) = match christmas.weekday() {
        Weekday::Fri => (christmas, ymd(year, 12, 28)),
        Weekday::Sat => (ymd(year, 12, 27), ymd(year, 12, 28)),
        Weekday::Sun => (ymd(year, 12, 27), ymd(year, 12, 26)),
        _ => (christmas, ymd(year, 12, 26)),
    };
    v.push((christmas, "Christmas Day"));
    v.push((boxing, "Boxing Day"));
    v
}

/// A set of weekdays, Monday first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WeekdaySet([bool; 7]);

impl WeekdaySet {
    /// Monday to Friday, the default sending days.
    pub const MON_FRI: WeekdaySet = WeekdaySet([true, true, true, true, true, false, false]);

    /// Parses `mon-fri`, `mon,wed,fri`, `mon-wed,fri` (English three-letter
    /// names); `None` when a name is unknown or the set is empty.
    pub fn parse(spec: &str) -> Option<WeekdaySet> {
        let mut set = [false; 7];
        for part in spec.split(',').map(str::trim) {
            let (a, b) = part.split_once('-').unwrap_or((part, part));
            let a = weekday_index(a.trim())?;
            let b = weekday_index(b.trim())?;
            if a > b {
                return None;
            }
            for slot in &mut set[a..=b] {
                *slot = true;
            }
        }
        set.iter().any(|d| *d).then_some(WeekdaySet(set))
    }

    /// Whether `day` is in the set.
    pub fn contains(&self, day: Weekday) -> bool {
        self.0[day.num_days_from_monday() as usize]
    }
}

fn weekday_index(name: &str) -> Option<usize> {
    const NAMES: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];
    let name = name.to_ascii_lowercase();
    NAMES.iter().position(|n| *n == name)
}

/// When messages may leave: chosen weekdays, between two local times, in the
/// user's time zone, and (by default) not on public holidays.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SendingWindow {
    /// Weekdays on which the window opens.
    pub days: WeekdaySet,
    /// Local opening time (inclusive).
    pub from: NaiveTime,
    /// Local closing time (exclusive): a 17:30 window is closed at 17:30.
    pub to: NaiveTime,
    /// The user's time zone; DST is resolved per date.
    pub time_zone: Tz,
    /// Public holidays of the calendar close the window.
    pub skip_holidays: bool,
}

impl SendingWindow {
    /// The local calendar date of `t` in the window's time zone.
    pub fn local_date(&self, t: DateTime<Utc>) -> NaiveDate {
        t.with_timezone(&self.time_zone).date_naive()
    }

    fn day_open(&self, cal: &Calendar, d: NaiveDate) -> bool {
        self.days.contains(d.weekday()) && !(self.skip_holidays && cal.is_holiday(d))
    }

    /// The UTC instant of local time `time` on `date`; inside a DST gap, the
    /// first instant after the gap; inside an overlap, the earlier one.
    pub fn instant(&self, date: NaiveDate, time: NaiveTime) -> DateTime<Utc> {
        let local = date.and_time(time);
        match self.time_zone.from_local_datetime(&local) {
            LocalResult::Single(t) => t.with_timezone(&Utc),
            LocalResult::Ambiguous(a, _) => a.with_timezone(&Utc),
            LocalResult::None => {
                // Gaps are at most two hours; walk forward a minute at a time.
                let mut probe = local;
                for _ in 0..180 {
                    probe += chrono::Duration::minutes(1);
                    if let Some(t) = self.time_zone.from_local_datetime(&probe).earliest() {
                        return t.with_timezone(&Utc);
                    }
                }
                Utc.from_utc_datetime(&local)
            }
        }
    }

    /// Whether a message may leave at `t`.
    pub fn contains(&self, cal: &Calendar, t: DateTime<Utc>) -> bool {
        let date = self.local_date(t);
        self.day_open(cal, date)
            && t >= self.instant(date, self.from)
            && t < self.instant(date, self.to)
    }

    /// `t` itself when inside the window, else the next opening.
    pub fn next_open(&self, cal: &Calendar, t: DateTime<Utc>) -> DateTime<Utc> {
        if self.contains(cal, t) {
            return t;
        }
        let mut date = self.local_date(t);
        // A year of closed days would mean an empty window; WeekdaySet is
        // never empty, so a few weeks is always enough.
        for _ in 0..400 {
            if self.day_open(cal, date) {
                let open = self.instant(date, self.from);
                if open >= t {
                    return open;
                }
                if t < self.instant(date, self.to) {
                    return t;
                }
            }
            date = offset(date, 1);
        }
        t
    }

    /// The opening of the window on local date `date` or the first open day
    /// after it.
    pub fn open_on_or_after(&self, cal: &Calendar, date: NaiveDate) -> DateTime<Utc> {
        self.next_open(cal, self.instant(date, NaiveTime::MIN))
    }
}

#[cfg(test)]
mod tests;
