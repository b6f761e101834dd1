//! Reports: the `status --json` contract and the readable table, `show`
//! (and naming an invoice whose number two clients share), `simulate
//! --json` around French holidays, and `confirm-notice` seen in the plan.

use serde_json::Value;

use crate::support::{Env, NOW, TWO_CLIENTS, pairs, states};

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
