//! Business-day arithmetic across weekends, holidays and year ends.

use super::*;

#[test]
fn add_business_days_table() {
    use CalendarKind::{Fr, FrAlsaceMoselle as Am, Uk, Weekends as We};
    let cases = [
        // (calendar, from, n, expected, why)
        (Fr, d(2026, 1, 2), 1, d(2026, 1, 5), "Friday + 1 is Monday"),
        (Fr, d(2026, 1, 3), 1, d(2026, 1, 5), "from a Saturday"),
        (Fr, d(2026, 1, 4), 0, d(2026, 1, 4), "n = 0 keeps a Sunday"),
        (
            Fr,
            d(2026, 3, 2),
            2,
            d(2026, 3, 4),
            "step 1 of a Monday due date",
        ),
        (
            Fr,
            d(2026, 3, 2),
            8,
            d(2026, 3, 12),
            "step 2 of a Monday due date",
        ),
        (
            Fr,
            d(2026, 3, 2),
            25,
            d(2026, 4, 7),
            "step 5 skips Easter Monday",
        ),
        (Fr, d(2025, 12, 24), 1, d(2025, 12, 26), "Christmas"),
        (
            Am,
            d(2025, 12, 24),
            1,
            d(2025, 12, 29),
            "Christmas and Saint Stephen",
        ),
        (
            Uk,
            d(2025, 12, 24),
            1,
            d(2025, 12, 29),
            "Christmas and Boxing Day",
        ),
        (
            We,
            d(2025, 12, 24),
            1,
            d(2025, 12, 25),
            "no holidays at all",
        ),
        (Fr, d(2025, 12, 31), 1, d(2026, 1, 2), "New Year's Day"),
        (
            Fr,
            d(2026, 12, 30),
            3,
            d(2027, 1, 5),
            "year end then a weekend",
        ),
        (
            Fr,
            d(2026, 12, 23),
            2,
            d(2026, 12, 28),
            "Christmas on a Friday",
        ),
        (
            Uk,
            d(2026, 12, 23),
            2,
            d(2026, 12, 29),
            "Boxing Day substitute",
        ),
        (
            Uk,
            d(2027, 12, 24),
            1,
            d(2027, 12, 29),
            "two substitute days",
        ),
        (Uk, d(2027, 12, 31), 1, d(2028, 1, 4), "New Year substitute"),
        (
            Fr,
            d(2027, 12, 31),
            1,
            d(2028, 1, 3),
            "Saturday New Year is no holiday shift in France",
        ),
        (Fr, d(2026, 5, 13), 1, d(2026, 5, 15), "Ascension"),
        (Fr, d(2026, 5, 22), 1, d(2026, 5, 26), "Whit Monday"),
        (Fr, d(2026, 4, 30), 2, d(2026, 5, 5), "1 May on a Friday"),
        (
            Fr,
            d(2026, 5, 7),
            10,
            d(2026, 5, 26),
            "8 May, Ascension, Whit Monday",
        ),
        (Fr, d(2026, 7, 10), 3, d(2026, 7, 16), "14 July"),
        (
            Fr,
            d(2025, 8, 14),
            1,
            d(2025, 8, 18),
            "15 August on a Friday",
        ),
        (
            Fr,
            d(2026, 8, 13),
            2,
            d(2026, 8, 17),
            "15 August on a Saturday",
        ),
        (
            Am,
            d(2026, 4, 2),
            1,
            d(2026, 4, 7),
            "Good Friday and Easter Monday",
        ),
        (Uk, d(2026, 4, 2), 1, d(2026, 4, 7), "Easter weekend"),
        (Uk, d(2026, 8, 28), 1, d(2026, 9, 1), "summer bank holiday"),
    ];
    for (kind, from, n, want, why) in cases {
        let cal = Calendar::new(kind);
        assert_eq!(
            cal.add_business_days(from, n),
            want,
            "{kind} {from} + {n}: {why}"
        );
    }
}

#[test]
fn add_business_days_agrees_with_the_count_between() {
    for kind in CalendarKind::ALL {
        let cal = Calendar::new(*kind);
        let mut from = d(2024, 1, 1);
        while from < d(2031, 1, 1) {
            for n in [1, 2, 3, 5, 8, 25] {
                let to = cal.add_business_days(from, n);
                assert!(cal.is_business_day(to), "{kind} {from} + {n}");
                assert_eq!(
                    cal.business_days_between(from, to),
                    n,
                    "{kind} {from} + {n}"
                );
                assert!(to > from);
            }
            from = from.succ_opt().expect("in range");
        }
    }
}

#[test]
fn business_day_on_or_after_and_next() {
    let fr = Calendar::new(CalendarKind::Fr);
    assert_eq!(fr.business_day_on_or_after(d(2026, 3, 4)), d(2026, 3, 4));
    assert_eq!(fr.business_day_on_or_after(d(2026, 3, 7)), d(2026, 3, 9));
    assert_eq!(fr.business_day_on_or_after(d(2026, 5, 25)), d(2026, 5, 26));
    assert_eq!(
        fr.business_day_on_or_after(d(2026, 12, 25)),
        d(2026, 12, 28)
    );
    assert_eq!(fr.next_business_day(d(2026, 3, 4)), d(2026, 3, 5));
    assert_eq!(fr.next_business_day(d(2026, 8, 14)), d(2026, 8, 17));
    assert_eq!(fr.next_business_day(d(2026, 11, 10)), d(2026, 11, 12));
}

#[test]
fn business_days_between_counts_the_half_open_interval() {
    let fr = Calendar::new(CalendarKind::Fr);
    assert_eq!(fr.business_days_between(d(2026, 3, 2), d(2026, 3, 2)), 0);
    assert_eq!(fr.business_days_between(d(2026, 3, 9), d(2026, 3, 2)), 0);
    assert_eq!(fr.business_days_between(d(2026, 3, 6), d(2026, 3, 9)), 1);
    assert_eq!(fr.business_days_between(d(2026, 12, 24), d(2027, 1, 4)), 5);
    assert_eq!(
        fr.business_days_between(d(2026, 1, 1), d(2026, 12, 31)),
        252
    );
}

#[test]
fn calendar_days_ignore_holidays() {
    assert_eq!(add_days(d(2026, 12, 20), 15), d(2027, 1, 4));
    assert_eq!(add_days(d(2028, 2, 20), 10), d(2028, 3, 1));
    assert_eq!(add_days(d(2026, 3, 2), 0), d(2026, 3, 2));
}

proptest::proptest! {
    /// The week-by-week count is the day-by-day one.
    #[test]
    fn business_days_between_counts_what_is_business_day_says(
        start in 0i64..40_000,
        len in 0i64..3_000,
        kind in proptest::sample::select(CalendarKind::ALL),
    ) {
        let cal = Calendar::new(kind);
        let from = d(1990, 1, 1) + chrono::Duration::days(start);
        let to = from + chrono::Duration::days(len);
        let mut naive = 0;
        let mut day = from;
        while day < to {
            day = day.succ_opt().expect("in range");
            if cal.is_business_day(day) {
                naive += 1;
            }
        }
        proptest::prop_assert_eq!(cal.business_days_between(from, to), naive);
    }
}
