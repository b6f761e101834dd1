//! The sending window around DST changes, holidays, its closing minute and
//! time zones other than Paris.

use super::*;

fn window(tz: Tz) -> SendingWindow {
    SendingWindow {
        days: WeekdaySet::MON_FRI,
        from: NaiveTime::from_hms_opt(9, 0, 0).expect("valid"),
        to: NaiveTime::from_hms_opt(17, 30, 0).expect("valid"),
        time_zone: tz,
        skip_holidays: true,
    }
}

const FR: Calendar = Calendar {
    kind: CalendarKind::Fr,
};
const UK: Calendar = Calendar {
    kind: CalendarKind::Uk,
};

#[test]
fn contains_table() {
    let paris = window(chrono_tz::Europe::Paris);
    let london = window(chrono_tz::Europe::London);
    let cases = [
        // Paris in winter (UTC+1): 08:00Z–16:30Z.
        (
            &paris,
            FR,
            "2026-03-27T07:59:59Z",
            false,
            "Friday before DST, 08:59",
        ),
        (&paris, FR, "2026-03-27T08:00:00Z", true, "opening minute"),
        (&paris, FR, "2026-03-27T16:29:59Z", true, "17:29:59"),
        (&paris, FR, "2026-03-27T16:30:00Z", false, "17:30 is closed"),
        // Paris in summer (UTC+2) from the last Sunday of March: 07:00Z–15:30Z.
        (
            &paris,
            FR,
            "2026-03-30T07:00:00Z",
            true,
            "Monday after DST, 09:00",
        ),
        (&paris, FR, "2026-03-30T06:59:59Z", false, "08:59 CEST"),
        (&paris, FR, "2026-03-30T15:29:00Z", true, "17:29 CEST"),
        (&paris, FR, "2026-03-30T15:30:00Z", false, "17:30 CEST"),
        (
            &paris,
            FR,
            "2026-03-30T16:00:00Z",
            false,
            "16:00Z would be open in winter",
        ),
        // Back to winter after the last Sunday of October.
        (
            &paris,
            FR,
            "2026-10-23T15:30:00Z",
            false,
            "Friday 17:30 CEST",
        ),
        (&paris, FR, "2026-10-26T08:00:00Z", true, "Monday 09:00 CET"),
        (&paris, FR, "2026-10-26T07:30:00Z", false, "08:30 CET"),
        (&paris, FR, "2026-10-26T16:29:00Z", true, "17:29 CET"),
        // Weekends and holidays inside the hours.
        (&paris, FR, "2026-03-28T10:00:00Z", false, "Saturday"),
        (&paris, FR, "2026-04-06T10:00:00Z", false, "Easter Monday"),
        (&paris, FR, "2026-05-14T10:00:00Z", false, "Ascension"),
        (&paris, FR, "2026-07-14T10:00:00Z", false, "14 July"),
        (&paris, FR, "2026-07-15T10:00:00Z", true, "15 July"),
        // London: GMT then BST.
        (
            &london,
            UK,
            "2026-03-27T09:00:00Z",
            true,
            "Friday 09:00 GMT",
        ),
        (&london, UK, "2026-03-27T17:29:00Z", true, "17:29 GMT"),
        (&london, UK, "2026-03-27T17:30:00Z", false, "17:30 GMT"),
        (&london, UK, "2026-03-30T08:00:00Z", true, "09:00 BST"),
        (&london, UK, "2026-03-30T16:30:00Z", false, "17:30 BST"),
        (&london, UK, "2026-10-26T08:30:00Z", false, "08:30 GMT"),
        (&london, UK, "2026-10-26T09:00:00Z", true, "09:00 GMT"),
        (
            &london,
            UK,
            "2026-12-28T10:00:00Z",
            false,
            "Boxing Day substitute",
        ),
        (
            &london,
            UK,
            "2026-07-14T10:00:00Z",
            true,
            "14 July is a UK working day",
        ),
    ];
    for (w, cal, at, want, why) in cases {
        assert_eq!(w.contains(&cal, utc(at)), want, "{at}: {why}");
    }
}

#[test]
fn next_open_table() {
    let paris = window(chrono_tz::Europe::Paris);
    let london = window(chrono_tz::Europe::London);
    let cases = [
        (
            &paris,
            FR,
            "2026-03-27T10:00:00Z",
            "2026-03-27T10:00:00Z",
            "inside: itself",
        ),
        (
            &paris,
            FR,
            "2026-03-27T05:00:00Z",
            "2026-03-27T08:00:00Z",
            "early morning",
        ),
        (
            &paris,
            FR,
            "2026-03-27T16:30:00Z",
            "2026-03-30T07:00:00Z",
            "Friday close to Monday across DST",
        ),
        (
            &paris,
            FR,
            "2026-03-29T01:30:00Z",
            "2026-03-30T07:00:00Z",
            "during the DST Sunday",
        ),
        (
            &paris,
            FR,
            "2026-10-23T15:30:00Z",
            "2026-10-26T08:00:00Z",
            "Friday close to Monday across DST end",
        ),
        (
            &paris,
            FR,
            "2026-04-03T16:30:00Z",
            "2026-04-07T07:00:00Z",
            "over Easter Monday",
        ),
        (
            &paris,
            FR,
            "2026-05-13T15:30:00Z",
            "2026-05-15T07:00:00Z",
            "over Ascension",
        ),
        (
            &paris,
            FR,
            "2026-12-24T16:30:00Z",
            "2026-12-28T08:00:00Z",
            "over Christmas",
        ),
        (
            &paris,
            FR,
            "2026-12-31T16:30:00Z",
            "2027-01-04T08:00:00Z",
            "over New Year's Day",
        ),
        (
            &paris,
            FR,
            "2026-03-29T23:30:00Z",
            "2026-03-30T07:00:00Z",
            "01:30 local Monday",
        ),
        (
            &london,
            UK,
            "2026-12-24T17:30:00Z",
            "2026-12-29T09:00:00Z",
            "Christmas and Boxing Day substitute",
        ),
        (
            &london,
            UK,
            "2026-03-27T17:30:00Z",
            "2026-03-30T08:00:00Z",
            "GMT to BST",
        ),
        (
            &london,
            UK,
            "2026-10-23T16:30:00Z",
            "2026-10-26T09:00:00Z",
            "BST to GMT",
        ),
    ];
    for (w, cal, at, want, why) in cases {
        let got = w.next_open(&cal, utc(at));
        assert_eq!(got, utc(want), "{at}: {why}");
        assert!(w.contains(&cal, got), "{at}: opening is inside");
    }
}

#[test]
fn holidays_count_only_when_skipped() {
    let mut paris = window(chrono_tz::Europe::Paris);
    paris.skip_holidays = false;
    assert!(paris.contains(&FR, utc("2026-04-06T10:00:00Z")));
    assert_eq!(
        paris.next_open(&FR, utc("2026-04-03T16:30:00Z")),
        utc("2026-04-06T07:00:00Z")
    );
}

#[test]
fn open_on_or_after_a_date() {
    let paris = window(chrono_tz::Europe::Paris);
    assert_eq!(
        paris.open_on_or_after(&FR, d(2026, 3, 4)),
        utc("2026-03-04T08:00:00Z")
    );
    assert_eq!(
        paris.open_on_or_after(&FR, d(2026, 5, 23)),
        utc("2026-05-26T07:00:00Z")
    );
    assert_eq!(
        paris.open_on_or_after(&FR, d(2026, 3, 28)),
        utc("2026-03-30T07:00:00Z")
    );
    assert_eq!(
        paris.open_on_or_after(&FR, d(2026, 8, 15)),
        utc("2026-08-17T07:00:00Z")
    );
}

#[test]
fn edges_inside_a_dst_gap_or_overlap() {
    // A seven-day window opening at 02:30: that time does not exist on the
    // last Sunday of March and exists twice on the last Sunday of October.
    let mut w = window(chrono_tz::Europe::Paris);
    w.days = WeekdaySet::parse("mon-sun").expect("valid");
    w.from = NaiveTime::from_hms_opt(2, 30, 0).expect("valid");
    let cal = Calendar::new(CalendarKind::Weekends);
    // The gap: 02:00 CET jumps to 03:00 CEST (01:00Z).
    assert_eq!(
        w.instant(d(2026, 3, 29), w.from),
        utc("2026-03-29T01:00:00Z")
    );
    assert_eq!(
        w.next_open(&cal, utc("2026-03-28T23:00:00Z")),
        utc("2026-03-29T01:00:00Z")
    );
    assert!(!w.contains(&cal, utc("2026-03-29T00:59:00Z")));
    // The overlap: the earlier 02:30 (CEST, 00:30Z).
    assert_eq!(
        w.instant(d(2026, 10, 25), w.from),
        utc("2026-10-25T00:30:00Z")
    );
    assert!(w.contains(&cal, utc("2026-10-25T00:30:00Z")));
    assert!(w.contains(&cal, utc("2026-10-25T15:29:00Z")), "16:29 CET");
    assert!(!w.contains(&cal, utc("2026-10-25T16:30:00Z")), "17:30 CET");
}

#[test]
fn window_in_another_time_zone_uses_its_own_dst_and_the_calendar_holidays() {
    // A French freelancer living in New York: US DST starts on the second
    // Sunday of March (8 March 2026), three weeks before Europe's.
    let ny = SendingWindow {
        to: NaiveTime::from_hms_opt(17, 0, 0).expect("valid"),
        ..window(chrono_tz::America::New_York)
    };
    assert!(ny.contains(&FR, utc("2026-03-06T14:00:00Z")), "09:00 EST");
    assert!(!ny.contains(&FR, utc("2026-03-06T13:30:00Z")), "08:30 EST");
    assert_eq!(
        ny.next_open(&FR, utc("2026-03-06T22:00:00Z")),
        utc("2026-03-09T13:00:00Z")
    );
    assert!(!ny.contains(&FR, utc("2026-03-09T21:00:00Z")), "17:00 EDT");
    // 14 July is closed by the French calendar even in New York.
    assert!(!ny.contains(&FR, utc("2026-07-14T15:00:00Z")));
    // The local date decides the day: 23:30Z on Friday is 18:30 in New York.
    assert_eq!(ny.local_date(utc("2026-03-07T03:00:00Z")), d(2026, 3, 6));
    // Tokyo has no DST; 09:00 JST is 00:00Z the same date.
    let tokyo = window(chrono_tz::Asia::Tokyo);
    assert_eq!(
        tokyo.open_on_or_after(&FR, d(2026, 3, 30)),
        utc("2026-03-30T00:00:00Z")
    );
    assert_eq!(
        tokyo.next_open(&FR, utc("2026-04-03T08:30:00Z")),
        utc("2026-04-07T00:00:00Z")
    );
}

#[test]
fn weekday_sets_parse() {
    let all = WeekdaySet::parse("mon-sun").expect("valid");
    assert!(all.contains(Weekday::Sun));
    let some = WeekdaySet::parse("mon-wed, fri").expect("valid");
    assert!(some.contains(Weekday::Tue) && some.contains(Weekday::Fri));
    assert!(!some.contains(Weekday::Thu));
    assert_eq!(WeekdaySet::parse("MON-FRI"), Some(WeekdaySet::MON_FRI));
    for bad in ["", "fri-mon", "mon,,fri", "lundi", "mon-"] {
        assert_eq!(WeekdaySet::parse(bad), None, "{bad}");
    }
}
