//! The control CLI through the real binary: each test has its own directory,
//! configuration and database, and a fixed `--now`. Covers import (good and
//! bad files), `invoice add`, the `status --json` contract, the commands that
//! change a case, `show`, `simulate --json` around French holidays and the
//! exit codes for a bad configuration (78) and bad usage (2).

#[path = "cli/support.rs"]
mod support;

use serde_json::Value;
use support::{CONFIG, Env};

/// Wednesday 4 March 2026, 10:00 in Paris: inside the sending window.
const NOW: &str = "2026-03-04T10:00:00+01:00";

const TWO_CLIENTS: &str = "F-1,compta@client-a.fr,Client A,1250.00,EUR,2026-01-31,2026-03-02\n\
                           F-2,compta@client-a.fr,Client A,\"1 250,00\",EUR,2026-01-21,2026-02-20\n\
                           F-9,b@client-b.fr,Client B,80,eur,2026-03-01,\n";

fn states(env: &Env, now: &str) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = env
        .status(now)
        .iter()
        .map(|v| {
            (
                v["number"].as_str().unwrap().to_string(),
                v["state"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    out.sort();
    out
}

fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect()
}

#[test]
fn import_then_status_json_keeps_the_contract() {
    let env = Env::new();
    let out = env.import(NOW, TWO_CLIENTS);
    assert!(
        out.contains("3 invoices created, 0 already present, 2 new clients"),
        "{out}"
    );
    let again = env.import(NOW, TWO_CLIENTS);
    assert!(
        again.contains("0 invoices created, 3 already present, 0 new clients"),
        "{again}"
    );

    let all = env.status(NOW);
    assert_eq!(all.len(), 3);
    for v in &all {
        for key in [
            "number",
            "client",
            "amount_due",
            "currency",
            "due_date",
            "state",
            "step",
            "next_action",
            "next_action_at",
        ] {
            assert!(v.get(key).is_some(), "{key} missing in {v}");
        }
    }
    let f1 = env.invoice(NOW, "F-1");
    assert_eq!(f1["client"], "Client A");
    assert_eq!(f1["client_email"], "compta@client-a.fr");
    assert_eq!(f1["amount_due"], "1250.00");
    assert_eq!(f1["currency"], "EUR");
    assert_eq!(f1["due_date"], "2026-03-02");
    assert_eq!(f1["state"], "scheduled");
    assert_eq!(f1["step"], 0);
    assert_eq!(f1["days_late"], 2);
    // Grouped per client: the oldest overdue invoice (F-2) drives one email
    // that covers both, due now.
    assert_eq!(f1["next_action"], "email");
    assert_eq!(f1["next_action_at"], "2026-03-04T10:00:00+01:00");
    assert_eq!(env.invoice(NOW, "F-2")["next_action"], "email");
    // Not due yet: due date from the payment terms, step 1 two business days after.
    let f9 = env.invoice(NOW, "F-9");
    assert_eq!(f9["due_date"], "2026-03-31");
    assert_eq!(f9["amount_due"], "80.00");
    assert_eq!(f9["next_action"], "email");
    assert_eq!(f9["next_action_at"], "2026-04-02T09:00:00+02:00");

    let table = env.ok(NOW, &["status"]);
    assert!(table.contains("1\u{202f}250,00\u{a0}€"), "{table}");
    assert!(
        table.contains("Total due in EUR: 2\u{202f}580,00\u{a0}€ on 3 invoices"),
        "{table}"
    );
}

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
fn a_number_shared_by_two_clients_needs_the_client_email() {
    let env = Env::new();
    env.import(
        NOW,
        "F-1,a@a.fr,A,100,EUR,2026-01-10,\nF-1,b@b.fr,B,200,EUR,2026-01-10,\n",
    );
    let err = env.fails(NOW, &["show", "F-1"], 1);
    assert!(err.contains("exists for 2 clients"), "{err}");
    assert!(
        err.contains("a@a.fr:F-1 (A)") && err.contains("b@b.fr:F-1 (B)"),
        "{err}"
    );
    let shown: Value =
        serde_json::from_str(&env.ok(NOW, &["show", "b@b.fr:F-1", "--json"])).unwrap();
    assert_eq!(shown["invoice"]["client"], "B");
    assert_eq!(shown["invoice"]["amount"], "200.00");
    assert_eq!(shown["invoice"]["source"], "csv");
    assert_eq!(shown["invoice"]["contacts"][0]["address"], "b@b.fr");
    assert_eq!(shown["thread"], Value::Array(vec![]));
    assert_eq!(shown["outbox"], Value::Array(vec![]));
    let text = env.ok(NOW, &["show", "a@a.fr:F-1"]);
    assert!(
        text.contains("Invoice F-1 of A") && text.contains("Audit log (1)"),
        "{text}"
    );
    env.ok(NOW, &["paid", "a@a.fr:F-1"]);
    assert_eq!(
        states(&env, NOW),
        pairs(&[("F-1", "closed"), ("F-1", "scheduled")])
    );
}

/// The simulated plan of one client as (date, step, action).
fn plan(env: &Env, now: &str, until: &str) -> Vec<(String, u64, String)> {
    let text = env.ok(now, &["simulate", "--until", until, "--json"]);
    text.lines()
        .map(|line| {
            let v: Value = serde_json::from_str(line).unwrap();
            let keys: Vec<&String> = v.as_object().unwrap().keys().collect();
            assert_eq!(
                keys,
                ["action", "client", "date", "invoices", "step"],
                "{line}"
            );
            (
                v["date"].as_str().unwrap().to_string(),
                v["step"].as_u64().unwrap(),
                v["action"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

#[test]
fn simulate_skips_french_holidays_and_sorts_by_date_then_client() {
    let env = Env::new();
    // Due Thursday 2 April 2026: Easter Monday (6 April) is not a business day.
    // Due Thursday 30 April: 1 May is a holiday and falls on a Friday.
    env.import(
        "2026-04-01T10:00:00+02:00",
        "E-1,e@easter.fr,Easter,100,EUR,2026-03-03,2026-04-02\n\
                                              M-1,m@may.fr,May,100,EUR,2026-03-31,2026-04-30\n",
    );
    let text = env.ok(
        "2026-04-01T10:00:00+02:00",
        &["simulate", "--until", "2026-05-06", "--json"],
    );
    let lines: Vec<Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let keys: Vec<(String, String)> = lines
        .iter()
        .map(|v| {
            (
                v["date"].as_str().unwrap().to_string(),
                v["client"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let mut sorted = keys.clone();
    sorted.sort();
    assert_eq!(keys, sorted);
    let first = |client: &str| {
        lines
            .iter()
            .find(|v| v["client"] == client)
            .unwrap()
            .clone()
    };
    assert_eq!(first("Easter")["date"], "2026-04-07");
    assert_eq!(first("Easter")["invoices"], serde_json::json!(["E-1"]));
    assert_eq!(first("May")["date"], "2026-05-05");
    assert_eq!(
        (
            first("May")["step"].as_u64(),
            first("May")["action"].as_str()
        ),
        (Some(1), Some("email"))
    );
    // Step 2 is due + 8 business days: 3, 7, 8, 9, 10, 13, 14 and 15 April.
    let easter: Vec<(&str, u64)> = lines
        .iter()
        .filter(|v| v["client"] == "Easter")
        .map(|v| (v["date"].as_str().unwrap(), v["step"].as_u64().unwrap()))
        .collect();
    assert_eq!(easter[1], ("2026-04-15", 2));
    assert!(easter.iter().all(|(d, _)| *d <= "2026-05-06"));
}

#[test]
fn confirm_notice_lets_the_plan_reach_the_formal_notice() {
    let env = Env::new();
    env.import(
        NOW,
        "F-1,compta@client-a.fr,Client A,1250.00,EUR,2026-01-31,2026-03-02\n",
    );
    let before = plan(&env, NOW, "2026-06-30");
    assert!(before.iter().all(|(_, _, a)| a != "notice"), "{before:?}");
    assert!(
        before.iter().any(|(_, step, a)| *step == 4 && a == "alert"),
        "{before:?}"
    );
    let out = env.ok(NOW, &["confirm-notice", "F-1"]);
    assert!(
        out.contains("formal notice (step 5) allowed for client Client A"),
        "{out}"
    );
    let after = plan(&env, NOW, "2026-06-30");
    assert!(
        after.iter().any(|(_, step, a)| *step == 5 && a == "notice"),
        "{after:?}"
    );
    let shown: Value = serde_json::from_str(&env.ok(NOW, &["show", "F-1", "--json"])).unwrap();
    let last = shown["audit"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(last["scope"], "client");
    assert_eq!(last["reason"], "relance confirm-notice F-1");
}

#[test]
fn a_broken_configuration_exits_78_with_its_place() {
    let env = Env::with_config(&CONFIG.replace("mode = \"dry-run\"", "mode = \"sned\""));
    let line = CONFIG
        .lines()
        .position(|l| l.starts_with("mode ="))
        .unwrap()
        + 1;
    let err = env.fails(NOW, &["status", "--json"], 78);
    assert!(
        err.contains(&format!("relance.toml:{line}:8: unknown mode 'sned'")),
        "{err}"
    );
    let env = Env::with_config("[company\nname = 1\n");
    let err = env.fails(NOW, &["import", "x.csv"], 78);
    assert!(err.contains("relance.toml:1:"), "{err}");
}

#[test]
fn bad_usage_exits_2() {
    let env = Env::new();
    env.fails(NOW, &["status", "--bogus"], 2);
    env.fails(NOW, &["promise", "F-1", "31/02/2026"], 2);
    env.fails(NOW, &["invoice", "add", "--amount", "10"], 2);
    env.fails("yesterday", &["status"], 2);
}
