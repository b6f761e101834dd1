use rust_decimal_macros::dec;

use super::*;

const D: Defaults = Defaults {
    currency: Currency::EUR,
    payment_terms_days: 30,
};

fn day(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

#[test]
fn spec_header_in_order_with_french_and_english_amounts() {
    let text = "number,client_email,client_name,amount,currency,issue_date,due_date\n\
                F-1,compta@client-a.fr,Client A,1250.00,EUR,2026-01-10,2026-02-09\n\
                F-2,Compta@Client-A.fr,Client A,\"1 250,00\",eur,10/01/2026,\n";
    let (rows, problems) = parse(text.as_bytes(), D);
    assert_eq!(problems, Vec::<String>::new());
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[0].line, 2);
    assert_eq!(rows[0].amount, Money::new(dec!(1250.00), Currency::EUR));
    assert_eq!(rows[0].due_date, day("2026-02-09"));
    assert_eq!(rows[1].line, 3);
    assert_eq!(rows[1].client_email.as_str(), "compta@client-a.fr");
    assert_eq!(rows[1].amount.amount, dec!(1250));
    assert_eq!(rows[1].issue_date, day("2026-01-10"));
    // An empty due date falls back to the payment terms.
    assert_eq!(rows[1].due_date, day("2026-02-09"));
}

#[test]
fn columns_in_any_order_semicolons_and_optional_columns() {
    let text = "\u{feff}issue_date;amount;client_email;number\n\
                2026-03-01;80;b@b.fr;X-9\n";
    let (rows, problems) = parse(text.as_bytes(), D);
    assert!(problems.is_empty(), "{problems:?}");
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].number.0, "X-9");
    assert_eq!(rows[0].client_name, "");
    assert_eq!(rows[0].amount.currency, Currency::EUR);
    assert_eq!(rows[0].due_date, day("2026-03-31"));
}

#[test]
fn every_bad_row_is_reported_with_its_line() {
    let text = "number,client_email,client_name,amount,currency,issue_date,due_date\n\
                F-1,a@a.fr,A,100,EUR,2026-01-10,2026-02-09\n\
                F-2,not-an-email,A,-3,EURO,2026-13-01,\n\
                \n\
                F-3,a@a.fr,A,100,EUR,2026-02-10,2026-02-01\n\
                F-4,a@a.fr,A\n\
                ,a@a.fr,A,100,EUR,,\n";
    let (rows, problems) = parse(text.as_bytes(), D);
    assert_eq!(rows.len(), 1);
    assert_eq!(problems.len(), 4, "{problems:#?}");
    assert!(problems[0].starts_with("line 3: "), "{}", problems[0]);
    for part in [
        "client_email 'not-an-email' is not an email address",
        "'-3' is not an amount",
        "currency 'EURO'",
        "issue_date '2026-13-01' is not a date",
    ] {
        assert!(problems[0].contains(part), "{part}: {}", problems[0]);
    }
    assert_eq!(
        problems[1],
        "line 5: due_date 2026-02-01 is before issue_date 2026-02-10"
    );
    assert_eq!(problems[2], "line 6: 3 fields where the header has 7");
    assert_eq!(problems[3], "line 7: number is empty; issue_date is empty");
}

#[test]
fn a_bad_header_stops_before_the_rows() {
    let (rows, problems) = parse(b"number,email,amount,amount\nF-1,a@a.fr,1,1\n", D);
    assert!(rows.is_empty());
    assert_eq!(
        problems,
        [
            "line 1: unknown column 'email', expected: \
             number,client_email,client_name,amount,currency,issue_date,due_date",
            "line 1: column 'amount' appears twice",
            "line 1: missing column 'client_email'",
            "line 1: missing column 'issue_date'",
        ]
    );
}

#[test]
fn a_repeated_invoice_must_repeat_its_values() {
    let text = "number,client_email,amount,issue_date\n\
                F-1,a@a.fr,100,2026-01-10\n\
                F-1,a@a.fr,100.00,2026-01-10\n\
                F-1,b@b.fr,999,2026-01-10\n\
                F-1,A@a.fr,101,2026-01-10\n";
    let (rows, problems) = parse(text.as_bytes(), D);
    assert!(problems.is_empty());
    assert_eq!(
        file_conflicts(&rows),
        ["line 5: invoice 'F-1' of a@a.fr is also on line 2 with other values"]
    );
}

#[test]
fn problems_sort_by_line_number() {
    assert_eq!(line_of("line 12: x"), 12);
    assert_eq!(line_of("whatever"), 0);
}
