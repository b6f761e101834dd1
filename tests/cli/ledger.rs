//! Commands that write: import, `invoice add`, paid, promise, pause and
//! resume, each checked through `status --json` afterwards.

use serde_json::Value;

use crate::support::{self, Env, NOW, TWO_CLIENTS, pairs, states};

#[test]
fn a_bad_file_imports_nothing_and_names_every_bad_line() {
    let env = Env::new();
    let csv = env.file(
        "bad.csv",
        &format!(
            "{}F-1,a@a.fr,A,100,EUR,2026-01-10,2026-02-09\n\
             F-2,not-an-email,A,100,EUR,2026-01-10,\n\
             F-3,b@b.fr,B,12.50,EUR,2026-01-10,\n\
             F-4,c@c.fr,C,douze,EUR,2026-01-10,\n\
             F-5,d@d.fr,D,10\n",
            support::HEADER
        ),
    );
    let err = env.fails(NOW, &["import", csv.to_str().unwrap()], 1);
    assert!(err.contains("3 problems, nothing imported"), "{err}");
    for part in [
        "line 3: client_email 'not-an-email' is not an email address",
        "line 5: 'douze' is not an amount",
        "line 6: 4 fields where the header has 7",
    ] {
        assert!(err.contains(part), "{part}\n{err}");
    }
    assert!(env.status(NOW).is_empty());

    env.import(NOW, "F-1,a@a.fr,A,100,EUR,2026-01-10,2026-02-09\n");
    let changed = env.file(
        "changed.csv",
        &format!(
            "{}F-1,a@a.fr,A,120,EUR,2026-01-10,2026-02-09\nF-7,z@z.fr,Z,5,EUR,2026-01-10,\n",
            support::HEADER
        ),
    );
    let err = env.fails(NOW, &["import", changed.to_str().unwrap()], 1);
    assert!(
        err.contains("line 2: invoice 'F-1' of a@a.fr is already recorded as 100"),
        "{err}"
    );
    let left: Vec<Value> = env.status(NOW);
    assert_eq!(left.len(), 1);
    assert_eq!(left[0]["amount_due"], "100.00");
}

#[test]
fn invoice_add_validates_and_defaults_the_due_date() {
    let env = Env::new();
    let add = |extra: &[&str]| {
        let mut args = vec![
            "invoice",
            "add",
            "--number",
            "A-1",
            "--issue-date",
            "2026-02-01",
        ];
        args.extend_from_slice(extra);
        args.into_iter().map(String::from).collect::<Vec<_>>()
    };
    let bad = add(&[
        "--client-email",
        "nope",
        "--amount",
        "abc",
        "--currency",
        "EURO",
    ]);
    let bad: Vec<&str> = bad.iter().map(String::as_str).collect();
    let err = env.fails(NOW, &bad, 1);
    for part in [
        "'nope' is not an email address",
        "'abc' is not an amount",
        "--currency",
    ] {
        assert!(err.contains(part), "{part}\n{err}");
    }
    let good = add(&[
        "--client-email",
        "New@Client.fr",
        "--client-name",
        "New Client",
        "--amount",
        "1 250,00",
        "--currency",
        "eur",
    ]);
    let good: Vec<&str> = good.iter().map(String::as_str).collect();
    let out = env.ok(NOW, &good);
    assert!(
        out.contains("added invoice A-1 for New Client <new@client.fr>"),
        "{out}"
    );
    let a1 = env.invoice(NOW, "A-1");
    assert_eq!(a1["due_date"], "2026-03-03");
    assert_eq!(a1["amount_due"], "1250.00");
    assert_eq!(a1["client_email"], "new@client.fr");
    assert!(env.ok(NOW, &good).contains("already recorded"));
    let other: Vec<&str> = good
        .iter()
        .map(|a| if *a == "1 250,00" { "99" } else { a })
        .collect();
    let err = env.fails(NOW, &other, 1);
    assert!(
        err.contains("already recorded with 1\u{202f}250,00\u{a0}€"),
        "{err}"
    );
    assert_eq!(env.status(NOW).len(), 1);
}

#[test]
fn paid_in_part_then_in_full_closes_the_invoice() {
    let env = Env::new();
    env.import(NOW, TWO_CLIENTS);
    let out = env.ok(NOW, &["paid", "F-1", "--amount", "250,00"]);
    assert!(
        out.contains("partial payment of 250,00\u{a0}€ on invoice F-1"),
        "{out}"
    );
    let f1 = env.invoice(NOW, "F-1");
    assert_eq!(
        (f1["amount_due"].as_str(), f1["paid"].as_str()),
        (Some("1000.00"), Some("250.00"))
    );
    assert_eq!(
        (f1["status"].as_str(), f1["state"].as_str()),
        (Some("open"), Some("scheduled"))
    );
    let err = env.fails(NOW, &["paid", "F-1", "--amount", "2000"], 1);
    assert!(
        err.contains("more than the 1\u{202f}000,00\u{a0}€ still due"),
        "{err}"
    );

    env.ok(NOW, &["paid", "F-1"]);
    let f1 = env.invoice(NOW, "F-1");
    assert_eq!(f1["status"], "paid");
    assert_eq!(f1["state"], "closed");
    assert_eq!(f1["amount_due"], "0.00");
    assert_eq!(f1["next_action"], Value::Null);
    assert!(env.ok(NOW, &["paid", "F-1"]).contains("already paid"));

    let shown: Value = serde_json::from_str(&env.ok(NOW, &["show", "F-1", "--json"])).unwrap();
    let decisions: Vec<&str> = shown["audit"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["decision"].as_str().unwrap())
        .collect();
    assert!(
        decisions
            .iter()
            .any(|d| d.contains("partial payment of 250,00")),
        "{decisions:?}"
    );
    assert!(
        decisions.iter().any(|d| d.contains("paid in full")),
        "{decisions:?}"
    );
    assert!(
        shown["audit"]
            .as_array()
            .unwrap()
            .iter()
            .all(|a| a["actor"] == "user")
    );
}

#[test]
fn a_promise_holds_the_invoice_until_the_date_plus_grace() {
    let env = Env::new();
    env.import(
        NOW,
        "F-1,compta@client-a.fr,Client A,1250.00,EUR,2026-01-31,2026-03-02\n",
    );
    let out = env.ok(NOW, &["promise", "F-1", "2026-03-20"]);
    // Friday 20 March + 2 business days = Tuesday 24 March.
    assert!(out.contains("reminders wait until 2026-03-24"), "{out}");
    assert!(out.contains("scheduled -> promised"), "{out}");
    assert_eq!(env.invoice(NOW, "F-1")["state"], "promised");
    assert_eq!(
        env.invoice("2026-03-23T10:00:00+01:00", "F-1")["state"],
        "promised"
    );
    let after = env.invoice("2026-03-24T10:00:00+01:00", "F-1");
    assert_eq!(after["state"], "scheduled");
    assert_eq!(after["next_action"], "email");
}

#[test]
fn pause_and_resume_by_domain_name_address_and_invoice() {
    let env = Env::new();
    env.import(NOW, TWO_CLIENTS);
    let all = |s: &str| pairs(&[("F-1", s), ("F-2", s), ("F-9", "scheduled")]);
    let out = env.ok(NOW, &["pause", "client-a.fr"]);
    assert!(
        out.contains("reminders paused for client Client A"),
        "{out}"
    );
    assert_eq!(states(&env, NOW), all("paused"));
    env.ok(NOW, &["resume", "client a"]);
    assert_eq!(states(&env, NOW), all("scheduled"));
    env.ok(NOW, &["pause", "compta@client-a.fr"]);
    assert_eq!(states(&env, NOW), all("paused"));
    env.ok(NOW, &["resume", "@client-a.fr"]);
    env.ok(NOW, &["pause", "F-1"]);
    assert_eq!(
        states(&env, NOW),
        pairs(&[
            ("F-1", "paused"),
            ("F-2", "scheduled"),
            ("F-9", "scheduled")
        ])
    );
    env.ok(NOW, &["resume", "F-1"]);
    assert_eq!(states(&env, NOW), all("scheduled"));
    let err = env.fails(NOW, &["pause", "nobody"], 1);
    assert!(
        err.contains("'nobody' names no invoice number, client email, domain or client name"),
        "{err}"
    );
}

#[test]
fn the_first_write_records_the_first_run_date() {
    let env = Env::new();
    let db = env.dir.path().join("state/relance.db");
    let first_run = || {
        relance::store::Store::open(&db)
            .unwrap()
            .first_run_date()
            .unwrap()
    };
    env.ok(NOW, &["status", "--json"]);
    assert_eq!(first_run(), None);
    // 23:30 UTC is already the next day in Paris.
    env.import("2026-03-04T23:30:00Z", TWO_CLIENTS);
    assert_eq!(first_run(), "2026-03-05".parse().ok());
    env.ok("2026-04-01T10:00:00+02:00", &["pause", "F-1"]);
    assert_eq!(first_run(), "2026-03-05".parse().ok());
}
