//! Every public holiday of 2024–2030, written out from the official lists
//! (service-public.fr, Alsace-Moselle local law, gov.uk for England and Wales).

use super::*;

/// `(month, day)` pairs of one year.
type Year = (i32, &'static [(u32, u32)]);

const FRANCE: &[Year] = &[
    (
        2024,
        &[
            (1, 1),
            (4, 1),
            (5, 1),
            (5, 8),
            (5, 9),
            (5, 20),
            (7, 14),
            (8, 15),
            (11, 1),
            (11, 11),
            (12, 25),
        ],
    ),
    (
        2025,
        &[
            (1, 1),
            (4, 21),
            (5, 1),
            (5, 8),
            (5, 29),
            (6, 9),
            (7, 14),
            (8, 15),
            (11, 1),
            (11, 11),
            (12, 25),
        ],
    ),
    (
        2026,
        &[
            (1, 1),
            (4, 6),
            (5, 1),
            (5, 8),
            (5, 14),
            (5, 25),
            (7, 14),
            (8, 15),
            (11, 1),
            (11, 11),
            (12, 25),
        ],
    ),
    (
        2027,
        &[
            (1, 1),
            (3, 29),
            (5, 1),
            (5, 6),
            (5, 8),
            (5, 17),
            (7, 14),
            (8, 15),
            (11, 1),
            (11, 11),
            (12, 25),
        ],
    ),
    (
        2028,
        &[
            (1, 1),
            (4, 17),
            (5, 1),
            (5, 8),
            (5, 25),
            (6, 5),
            (7, 14),
            (8, 15),
            (11, 1),
            (11, 11),
            (12, 25),
        ],
    ),
    (
        2029,
        &[
            (1, 1),
            (4, 2),
            (5, 1),
            (5, 8),
            (5, 10),
            (5, 21),
            (7, 14),
            (8, 15),
            (11, 1),
            (11, 11),
            (12, 25),
        ],
    ),
    (
        2030,
        &[
            (1, 1),
            (4, 22),
            (5, 1),
            (5, 8),
            (5, 30),
            (6, 10),
            (7, 14),
            (8, 15),
            (11, 1),
            (11, 11),
            (12, 25),
        ],
    ),
];

/// Good Friday of each year; Alsace-Moselle adds it and 26 December.
const GOOD_FRIDAY: &[(i32, u32, u32)] = &[
    (2024, 3, 29),
    (2025, 4, 18),
    (2026, 4, 3),
    (2027, 3, 26),
    (2028, 4, 14),
    (2029, 3, 30),
    (2030, 4, 19),
];

/// England and Wales, with substitute days when a holiday falls on a weekend.
const ENGLAND_WALES: &[Year] = &[
    (
        2024,
        &[
            (1, 1),
            (3, 29),
            (4, 1),
            (5, 6),
            (5, 27),
            (8, 26),
            (12, 25),
            (12, 26),
        ],
    ),
    (
        2025,
        &[
            (1, 1),
            (4, 18),
            (4, 21),
            (5, 5),
            (5, 26),
            (8, 25),
            (12, 25),
            (12, 26),
        ],
    ),
    // Boxing Day is a Saturday: substitute Monday 28 December.
    (
        2026,
        &[
            (1, 1),
            (4, 3),
            (4, 6),
            (5, 4),
            (5, 25),
            (8, 31),
            (12, 25),
            (12, 28),
        ],
    ),
    // Christmas Saturday, Boxing Day Sunday: substitutes 27 and 28 December.
    (
        2027,
        &[
            (1, 1),
            (3, 26),
            (3, 29),
            (5, 3),
            (5, 31),
            (8, 30),
            (12, 27),
            (12, 28),
        ],
    ),
    // New Year's Day is a Saturday: substitute Monday 3 January.
    (
        2028,
        &[
            (1, 3),
            (4, 14),
            (4, 17),
            (5, 1),
            (5, 29),
            (8, 28),
            (12, 25),
            (12, 26),
        ],
    ),
    (
        2029,
        &[
            (1, 1),
            (3, 30),
            (4, 2),
            (5, 7),
            (5, 28),
            (8, 27),
            (12, 25),
            (12, 26),
        ],
    ),
    (
        2030,
        &[
            (1, 1),
            (4, 19),
            (4, 22),
            (5, 6),
            (5, 27),
            (8, 26),
            (12, 25),
            (12, 26),
        ],
    ),
];

fn dates(cal: Calendar, year: i32) -> Vec<NaiveDate> {
    cal.holidays(year).into_iter().map(|(d, _)| d).collect()
}

fn expected(year: i32, days: &[(u32, u32)]) -> Vec<NaiveDate> {
    let mut v: Vec<NaiveDate> = days.iter().map(|&(m, day)| d(year, m, day)).collect();
    v.sort();
    v
}

#[test]
fn france_matches_the_official_list() {
    let cal = Calendar::new(CalendarKind::Fr);
    for &(year, days) in FRANCE {
        assert_eq!(dates(cal, year), expected(year, days), "fr {year}");
    }
}

#[test]
fn alsace_moselle_adds_good_friday_and_saint_stephen() {
    let cal = Calendar::new(CalendarKind::FrAlsaceMoselle);
    for (&(year, days), &(gy, gm, gd)) in FRANCE.iter().zip(GOOD_FRIDAY) {
        assert_eq!(year, gy);
        let mut want = expected(year, days);
        want.push(d(gy, gm, gd));
        want.push(d(year, 12, 26));
        want.sort();
        assert_eq!(dates(cal, year), want, "fr-alsace-moselle {year}");
    }
}

#[test]
fn england_and_wales_match_gov_uk() {
    let cal = Calendar::new(CalendarKind::Uk);
    for &(year, days) in ENGLAND_WALES {
        assert_eq!(dates(cal, year), expected(year, days), "uk {year}");
    }
}

#[test]
fn every_listed_holiday_is_not_a_business_day_and_neighbours_are() {
    let cals = [
        (CalendarKind::Fr, FRANCE),
        (CalendarKind::FrAlsaceMoselle, FRANCE),
        (CalendarKind::Uk, ENGLAND_WALES),
    ];
    for (kind, table) in cals {
        let cal = Calendar::new(kind);
        for &(year, days) in table {
            for h in expected(year, days) {
                assert!(cal.is_holiday(h), "{kind} {h}");
                assert!(!cal.is_business_day(h), "{kind} {h}");
            }
        }
    }
    // Not holidays anywhere but Alsace-Moselle / the UK.
    let fr = Calendar::new(CalendarKind::Fr);
    assert!(
        fr.is_business_day(d(2026, 4, 3)),
        "Good Friday works in Paris"
    );
    assert!(fr.is_business_day(d(2025, 12, 26)), "26 Dec works in Paris");
    assert!(!Calendar::new(CalendarKind::FrAlsaceMoselle).is_business_day(d(2025, 12, 26)));
    let uk = Calendar::new(CalendarKind::Uk);
    assert!(
        uk.is_business_day(d(2026, 7, 14)),
        "14 July is not a UK holiday"
    );
    assert!(uk.is_business_day(d(2026, 12, 29)));
    assert!(!uk.is_business_day(d(2026, 12, 28)));
}

#[test]
fn weekends_calendar_has_no_holidays() {
    let cal = Calendar::new(CalendarKind::Weekends);
    for year in 2024..=2030 {
        assert!(cal.holidays(year).is_empty(), "{year}");
        let mut day = d(year, 1, 1);
        while day.year() == year {
            let weekend = matches!(day.weekday(), Weekday::Sat | Weekday::Sun);
            assert_eq!(cal.is_business_day(day), !weekend, "{day}");
            day = day.succ_opt().expect("in range");
        }
    }
}

#[test]
fn holidays_are_sorted_and_named() {
    for kind in CalendarKind::ALL {
        let cal = Calendar::new(*kind);
        for year in 2024..=2030 {
            let list = cal.holidays(year);
            assert!(list.windows(2).all(|w| w[0].0 < w[1].0), "{kind} {year}");
            assert!(list.iter().all(|(_, name)| !name.is_empty()));
        }
    }
}

#[test]
fn is_holiday_agrees_with_the_yearly_list() {
    for kind in CalendarKind::ALL {
        let cal = Calendar::new(*kind);
        for year in 2020..=2035 {
            let list = dates(cal, year);
            let mut day = d(year, 1, 1);
            while day.year() == year {
                assert_eq!(cal.is_holiday(day), list.contains(&day), "{kind} {day}");
                day = day.succ_opt().expect("in range");
            }
        }
    }
}
