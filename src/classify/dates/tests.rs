//! Every row of READING.md's two tables, with a fixed "today".

use chrono::NaiveDate;
use proptest::prelude::*;

use super::*;
use crate::calendar::Calendar;
use crate::domain::CalendarKind;

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

/// Thursday 5 March 2026, French calendar, day-first.
fn ctx_at(today: NaiveDate) -> DateContext {
    DateContext {
        today,
        calendar: Calendar::new(CalendarKind::Fr),
        month_first: false,
    }
}

fn check(today: NaiveDate, rows: &[(&str, Option<NaiveDate>)]) {
    let ctx = ctx_at(today);
    for (text, want) in rows {
        assert_eq!(resolve(text, &ctx), *want, "{text:?} from {today}");
    }
}

#[test]
fn absolute_dates_with_year_inference() {
    let today = d(2026, 3, 5);
    check(
        today,
        &[
            ("15/03", Some(d(2026, 3, 15))),
            ("le 15 mars", Some(d(2026, 3, 15))),
            ("March 15th", Some(d(2026, 3, 15))),
            ("15 March", Some(d(2026, 3, 15))),
            ("on the 15th of March", Some(d(2026, 3, 15))),
            ("le 15/03/2027", Some(d(2027, 3, 15))),
            ("le 15.03.26", Some(d(2026, 3, 15))),
            ("2026-04-02", Some(d(2026, 4, 2))),
            ("le 10 janvier", Some(d(2026, 1, 10))),
            ("le 2 janvier", Some(d(2027, 1, 2))),
            ("le 2 fevrier", Some(d(2026, 2, 2))),
            ("le 15 août", Some(d(2026, 8, 15))),
            ("le 15 aout", Some(d(2026, 8, 15))),
            ("le 3 déc.", Some(d(2026, 12, 3))),
            ("vendredi 20 mars", Some(d(2026, 3, 20))),
            ("Friday, March 20, 2026", Some(d(2026, 3, 20))),
        ],
    );
}

#[test]
fn day_alone_and_named_days() {
    check(
        d(2026, 3, 5),
        &[
            ("le 15", Some(d(2026, 3, 15))),
            ("le 3", Some(d(2026, 4, 3))),
            ("le 5", Some(d(2026, 3, 5))),
            ("le 1er", Some(d(2026, 4, 1))),
            ("au plus tard le 20", Some(d(2026, 3, 20))),
            ("no later than the 20th", Some(d(2026, 3, 20))),
            ("by the 31st", Some(d(2026, 3, 31))),
            ("aujourd'hui", Some(d(2026, 3, 5))),
            ("today", Some(d(2026, 3, 5))),
            ("demain", Some(d(2026, 3, 6))),
            ("tomorrow", Some(d(2026, 3, 6))),
            ("après-demain", Some(d(2026, 3, 7))),
            ("the day after tomorrow", Some(d(2026, 3, 7))),
        ],
    );
}

#[test]
fn weekdays_are_strictly_after_unless_this() {
    check(
        d(2026, 3, 5),
        &[
            ("vendredi", Some(d(2026, 3, 6))),
            ("jeudi", Some(d(2026, 3, 12))),
            ("vendredi prochain", Some(d(2026, 3, 6))),
            ("next Thursday", Some(d(2026, 3, 12))),
            ("Friday", Some(d(2026, 3, 6))),
            ("ce jeudi", Some(d(2026, 3, 5))),
            ("this Friday", Some(d(2026, 3, 6))),
            ("vendredi dernier", Some(d(2026, 2, 27))),
        ],
    );
}

#[test]
fn weeks_and_months() {
    check(
        d(2026, 3, 5),
        &[
            ("cette semaine", Some(d(2026, 3, 6))),
            ("dans la semaine", Some(d(2026, 3, 6))),
            ("dans la semaine prochaine", Some(d(2026, 3, 13))),
            ("jeudi de la semaine prochaine", Some(d(2026, 3, 12))),
            ("le quinze", Some(d(2026, 3, 15))),
            ("d'ici la fin de la semaine", Some(d(2026, 3, 6))),
            ("by the end of the week", Some(d(2026, 3, 6))),
            ("la semaine prochaine", Some(d(2026, 3, 13))),
            (
                "dans le courant de la semaine prochaine",
                Some(d(2026, 3, 13)),
            ),
            ("next week", Some(d(2026, 3, 13))),
            ("fin du mois", Some(d(2026, 3, 31))),
            ("en fin de mois", Some(d(2026, 3, 31))),
            ("end of the month", Some(d(2026, 3, 31))),
            ("by month end", Some(d(2026, 3, 31))),
            ("fin avril", Some(d(2026, 4, 30))),
            ("end of April", Some(d(2026, 4, 30))),
            ("fin février 2027", Some(d(2027, 2, 28))),
            ("début mai", Some(d(2026, 5, 7))),
            ("early May", Some(d(2026, 5, 7))),
            ("first week of May", Some(d(2026, 5, 7))),
            ("mi-juin", Some(d(2026, 6, 15))),
            ("mid-June", Some(d(2026, 6, 15))),
            ("le mois prochain", Some(d(2026, 4, 30))),
            ("next month", Some(d(2026, 4, 30))),
            ("fin du mois prochain", Some(d(2026, 4, 30))),
            ("début du mois prochain", Some(d(2026, 4, 7))),
        ],
    );
    check(d(2026, 3, 7), &[("cette semaine", Some(d(2026, 3, 13)))]);
    check(d(2026, 3, 6), &[("this week", Some(d(2026, 3, 6)))]);
}

#[test]
fn periods_in_days_and_weeks() {
    check(
        d(2026, 3, 5),
        &[
            ("sous huitaine", Some(d(2026, 3, 13))),
            ("sous 8 jours", Some(d(2026, 3, 13))),
            ("within 8 days", Some(d(2026, 3, 13))),
            ("dans 8 jours", Some(d(2026, 3, 13))),
            ("sous quinzaine", Some(d(2026, 3, 20))),
            ("d'ici 15 jours", Some(d(2026, 3, 20))),
            ("dans quinze jours", Some(d(2026, 3, 20))),
            ("within 15 days", Some(d(2026, 3, 20))),
            ("within two weeks", Some(d(2026, 3, 19))),
            ("in 2 weeks", Some(d(2026, 3, 19))),
            ("dans deux semaines", Some(d(2026, 3, 19))),
            ("sous 48h", Some(d(2026, 3, 7))),
            ("sous 5 jours ouvrés", Some(d(2026, 3, 12))),
            ("within 5 business days", Some(d(2026, 3, 12))),
        ],
    );
}

#[test]
fn business_days_follow_the_calendar() {
    // Friday 1 May is a French holiday, not an English one.
    let today = d(2026, 4, 30);
    let fr = ctx_at(today);
    let uk = DateContext {
        calendar: Calendar::new(CalendarKind::Uk),
        ..fr
    };
    assert_eq!(resolve("sous 1 jour ouvré", &fr), Some(d(2026, 5, 4)));
    assert_eq!(resolve("within 1 business day", &uk), Some(d(2026, 5, 1)));
}

#[test]
fn named_weeks_and_days_of_next_month() {
    // Thursday 5 March 2026.
    check(
        d(2026, 3, 5),
        &[
            ("dans la semaine du 16 mars", Some(d(2026, 3, 20))),
            ("the week of the 23rd", Some(d(2026, 3, 27))),
            ("week commencing 13 April", Some(d(2026, 4, 17))),
            ("le 1er du mois prochain", Some(d(2026, 4, 1))),
            ("on the 10th of next month", Some(d(2026, 4, 10))),
        ],
    );
}

#[test]
fn several_dates_take_the_latest() {
    check(
        d(2026, 3, 5),
        &[
            ("entre le 10 et le 15", Some(d(2026, 3, 15))),
            (
                "between the 10th and the 20th of March",
                Some(d(2026, 3, 20)),
            ),
        ],
    );
}

#[test]
fn numeric_order_follows_the_sender() {
    let day_first = ctx_at(d(2026, 3, 1));
    let us = DateContext {
        month_first: true,
        ..day_first
    };
    assert_eq!(resolve("03/04/2026", &day_first), Some(d(2026, 4, 3)));
    assert_eq!(resolve("03/04/2026", &us), Some(d(2026, 3, 4)));
    // Only one order is valid: take it whatever the sender.
    assert_eq!(resolve("03/15", &day_first), Some(d(2026, 3, 15)));
    assert_eq!(resolve("15/03", &us), Some(d(2026, 3, 15)));
}

#[test]
fn numbers_that_are_not_dates() {
    check(
        d(2026, 3, 5),
        &[
            ("10.05 €", None),
            ("06.12.34.56.78", None),
            ("à 10:14", None),
            ("facture n°12-04", None),
            ("1.250,00 EUR", None),
            ("dès que possible", None),
            ("as soon as we can", None),
            ("12/2025", None),
        ],
    );
}

#[test]
fn out_of_office_first_day_back() {
    let rows = [
        (d(2026, 1, 5), "de retour le 12 janvier", d(2026, 1, 12)),
        (d(2026, 1, 5), "back on January 12", d(2026, 1, 12)),
        (d(2026, 1, 5), "returning on 12/01", d(2026, 1, 12)),
        (
            d(2026, 8, 3),
            "absent jusqu'au 16 août inclus",
            d(2026, 8, 17),
        ),
        (d(2026, 8, 3), "absent jusqu'au 16 août", d(2026, 8, 17)),
        (
            d(2026, 8, 3),
            "out of the office until August 16",
            d(2026, 8, 17),
        ),
        (d(2026, 8, 3), "absent du 2 au 16 août", d(2026, 8, 17)),
        (d(2026, 8, 3), "de retour lundi", d(2026, 8, 10)),
        (
            d(2026, 8, 3),
            "away from 3 to 14 August, back on 17 August",
            d(2026, 8, 17),
        ),
    ];
    for (today, text, want) in rows {
        let got = return_date(&normalize(text), &ctx_at(today));
        assert_eq!(got, Some(want), "{text:?}");
    }
    assert_eq!(return_date("je suis absent", &ctx_at(d(2026, 8, 3))), None);
}

proptest! {
    #[test]
    fn resolver_never_panics(text in ".{0,200}", days in 0i64..80_000) {
        let today = NaiveDate::from_ymd_opt(1900, 1, 1).unwrap() + chrono::Duration::days(days);
        let ctx = ctx_at(today);
        let _ = resolve(&text, &ctx);
        let _ = return_date(&normalize(&text), &ctx);
    }

    #[test]
    fn resolver_never_panics_on_date_like_text(
        text in "(le|the|fin|mi|sous|dans|within|au|du) ?[0-9]{0,3}[ /.-]?[0-9]{0,4} ?(mars|may|dec|jours|days|weeks|semaines)?",
    ) {
        let ctx = ctx_at(NaiveDate::MAX - chrono::Duration::days(3));
        let _ = resolve(&text, &ctx);
        let ctx = ctx_at(NaiveDate::MIN);
        let _ = resolve(&text, &ctx);
    }
}
