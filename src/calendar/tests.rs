//! Tests of the calendar against published holiday lists, business-day
//! arithmetic and the sending window around DST changes.

use super::*;

mod business_days;
mod holidays;
mod window;

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).expect("valid date")
}

/// Parses `2026-03-29T01:00:00Z`.
fn utc(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s)
        .expect("valid RFC 3339")
        .with_timezone(&Utc)
}

#[test]
fn easter_matches_published_dates() {
    for (year, want) in [
        (2024, d(2024, 3, 31)),
        (2025, d(2025, 4, 20)),
        (2026, d(2026, 4, 5)),
        (2027, d(2027, 3, 28)),
        (2028, d(2028, 4, 16)),
        (2029, d(2029, 4, 1)),
        (2030, d(2030, 4, 21)),
        // Edges of the computus: earliest and latest possible Easter.
        (1818, d(1818, 3, 22)),
        (2038, d(2038, 4, 25)),
    ] {
        assert_eq!(easter_sunday(year), want, "{year}");
    }
}

#[test]
fn the_easter_table_is_the_computus() {
    for year in 1583..2800 {
        let easter = easter_sunday(year);
        assert_eq!(
            easter_ordinal0(year),
            i64::from(easter.ordinal0()),
            "{year}: {easter}"
        );
    }
}
