//! The control CLI through the real binary: each test has its own directory,
//! configuration and database, and a fixed `--now`. `ledger` covers import
//! (good and bad files), `invoice add` and the commands that change a case;
//! `report` the `status --json` contract, `show` and `simulate --json`
//! around French holidays; `show` an invoice with a thread and an outbox;
//! here, the exit codes for a bad configuration (78) and bad usage (2).

#[path = "cli/ledger.rs"]
mod ledger;
#[path = "cli/preview.rs"]
mod preview;
#[path = "cli/report.rs"]
mod report;
#[path = "cli/show.rs"]
mod show;
#[path = "cli/support.rs"]
mod support;

use support::{CONFIG, Env, NOW};

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
