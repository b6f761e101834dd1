use std::fmt::Debug;

use chrono::{Duration, NaiveDate};
use rusqlite::Connection;
use rusqlite::types::FromSql;
use rust_decimal_macros::dec;

use super::*;
use crate::store::testutil::t;

fn round_trip<T: ToSql + FromSql + PartialEq + Debug>(conn: &Connection, value: T) {
    let back: T = conn.query_row("SELECT ?1", [&value], |r| r.get(0)).unwrap();
    assert_eq!(back, value);
}

fn all_round_trip<T: ToSql + FromSql + PartialEq + Debug + Copy>(conn: &Connection, all: &[T]) {
    assert!(!all.is_empty());
    for v in all {
        round_trip(conn, *v);
    }
}

#[test]
fn every_enum_round_trips() {
    let conn = Connection::open_in_memory().unwrap();
    all_round_trip(&conn, Language::ALL);
    all_round_trip(&conn, StepAction::ALL);
    all_round_trip(&conn, ReplyClass::ALL);
    all_round_trip(&conn, CaseState::ALL);
    all_round_trip(&conn, Mode::ALL);
    all_round_trip(&conn, CalendarKind::ALL);
    all_round_trip(&conn, Grouping::ALL);
    all_round_trip(&conn, InvoiceStatus::ALL);
    all_round_trip(&conn, AlertKind::ALL);
    all_round_trip(&conn, ContactSource::ALL);
    all_round_trip(&conn, InvoiceSource::ALL);
    all_round_trip(&conn, Direction::ALL);
    all_round_trip(&conn, OutboxKind::ALL);
    all_round_trip(&conn, OutboxState::ALL);
    all_round_trip(&conn, Actor::ALL);
    all_round_trip(&conn, EventTag::ALL);
}

#[test]
fn alert_kinds_are_spelled_as_their_serde_names() {
    for kind in AlertKind::ALL {
        let json = serde_json::to_string(kind).unwrap();
        assert_eq!(json, format!("\"{}\"", kind.as_str()));
    }
}

#[test]
fn unknown_spellings_are_errors_not_defaults() {
    let conn = Connection::open_in_memory().unwrap();
    let err = conn
        .query_row("SELECT 'shipped'", [], |r| r.get::<_, OutboxState>(0))
        .unwrap_err();
    assert!(
        err.to_string().contains("unknown OutboxState 'shipped'"),
        "{err}"
    );
    let bad_address = conn.query_row("SELECT 'nobody'", [], |r| r.get::<_, EmailAddress>(0));
    assert!(bad_address.is_err());
    let bad_alert = conn.query_row("SELECT 'panic'", [], |r| r.get::<_, AlertKind>(0));
    assert!(bad_alert.is_err());
}

#[test]
fn values_round_trip() {
    let conn = Connection::open_in_memory().unwrap();
    round_trip(&conn, ClientId(7));
    round_trip(&conn, InvoiceId(8));
    round_trip(&conn, MessageRowId(9));
    round_trip(&conn, OutboxId(10));
    round_trip(&conn, EventId(11));
    round_trip(&conn, StepNo(5));
    round_trip(&conn, Currency::GBP);
    round_trip(&conn, InvoiceNumber("F-2026-0042".into()));
    round_trip(&conn, EmailAddress::parse("compta@client-a.fr").unwrap());
    round_trip(&conn, MessageId::new("<abc@host.fr>").unwrap());
    round_trip(&conn, Stamp(t("2026-03-02T08:00:00.123456Z")));
}

#[test]
fn decimals_keep_their_scale_exactly() {
    let conn = Connection::open_in_memory().unwrap();
    for value in [
        dec!(1250.00),
        dec!(0.1),
        dec!(-3.333),
        dec!(79228162514264337593543950335),
    ] {
        let text: String = conn
            .query_row("SELECT ?1", [Dec(value)], |r| r.get(0))
            .unwrap();
        assert_eq!(text, value.to_string());
        round_trip(&conn, Dec(value));
    }
}

#[test]
fn stamps_sort_as_text_in_time_order() {
    let base = t("2026-03-02T08:00:00Z");
    let stamps = [
        base,
        base + Duration::milliseconds(500),
        base + Duration::seconds(1),
    ];
    let texts: Vec<String> = stamps
        .iter()
        .map(|s| match Stamp(*s).to_sql().unwrap() {
            ToSqlOutput::Owned(rusqlite::types::Value::Text(t)) => t,
            other => panic!("{other:?}"),
        })
        .collect();
    assert_eq!(texts[0], "2026-03-02T08:00:00.000000Z");
    assert!(texts.windows(2).all(|w| w[0] < w[1]));
}

#[test]
fn id_and_address_lists_split_back() {
    let ids = vec![
        MessageId::new("a@x").unwrap(),
        MessageId::new("b@y").unwrap(),
    ];
    assert_eq!(join_ids(&ids), "<a@x> <b@y>");
    assert_eq!(split_ids(&join_ids(&ids)), ids);
    assert!(split_ids("").is_empty());
    let addrs = vec![
        EmailAddress::parse("a@a.fr").unwrap(),
        EmailAddress::parse("b@b.fr").unwrap(),
    ];
    assert_eq!(split_addresses(&join_addresses(&addrs)).unwrap(), addrs);
    assert!(split_addresses("a@a.fr\nnot-an-address").is_err());
}

#[test]
fn dates_and_stamps_parse_fast_and_slow_forms() {
    let conn = Connection::open_in_memory().unwrap();
    let day = |text: &str| conn.query_row("SELECT ?1", [text], |r| r.get::<_, Day>(0));
    assert_eq!(
        day("2026-03-02").unwrap().0,
        NaiveDate::from_ymd_opt(2026, 3, 2).unwrap()
    );
    assert!(day("2026-02-30").is_err());
    assert!(day("20x6-03-02").is_err());
    let stamp = |text: &str| conn.query_row("SELECT ?1", [text], |r| r.get::<_, Stamp>(0));
    let want = t("2026-03-02T08:00:00.5Z");
    assert_eq!(stamp("2026-03-02T08:00:00.500000Z").unwrap().0, want);
    assert_eq!(stamp("2026-03-02T09:00:00.5+01:00").unwrap().0, want);
    assert!(stamp("2026-03-02T25:00:00.000000Z").is_err());
    assert!(stamp("yesterday").is_err());
    round_trip(&conn, Day(NaiveDate::from_ymd_opt(1999, 12, 31).unwrap()));
}
