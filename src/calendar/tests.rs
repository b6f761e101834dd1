use super::*;

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).expect("valid date")
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
    ] {
        assert_eq!(easter_sunday(year), want, "{year}");
    }
}
