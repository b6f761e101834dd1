//! A throw-away installation for one test: its own directory, configuration
//! (mailbox on 127.0.0.1 without TLS, password from an environment variable,
//! dry-run: nothing here may touch the network) and database, and helpers
//! that run the real `relance` binary with a fixed `--now`.

use std::path::PathBuf;
use std::process::{Command, Output};

use serde_json::Value;
use tempfile::TempDir;

pub const CONFIG: &str = r#"
[company]
name = "Atelier Dupont"
email = "claire@atelier-dupont.example.fr"
language = "fr"
time-zone = "Europe/Paris"

[state]
database = "state/relance.db"
since = "2026-01-01"

[imap]
host = "127.0.0.1"
port = 1143
tls = "none"
password-env = "RELANCE_TEST_PASSWORD"

[smtp]
host = "127.0.0.1"
port = 1025
tls = "none"
password-env = "RELANCE_TEST_PASSWORD"

[detect]
payment-terms-days = 30

[sequence]
mode = "dry-run"
calendar = "fr"
window = { days = "mon-fri", from = "09:00", to = "17:30" }

[penalties]
contractual-rate = "12"
"#;

pub const HEADER: &str = "number,client_email,client_name,amount,currency,issue_date,due_date\n";

/// One test's installation.
pub struct Env {
    pub dir: TempDir,
    pub config: PathBuf,
}

impl Env {
    pub fn new() -> Env {
        Env::with_config(CONFIG)
    }

    pub fn with_config(text: &str) -> Env {
        let dir = tempfile::tempdir().unwrap();
        let config = dir.path().join("relance.toml");
        std::fs::write(&config, text).unwrap();
        Env { dir, config }
    }

    /// Writes a file in the test directory and returns its path.
    pub fn file(&self, name: &str, text: &str) -> PathBuf {
        let path = self.dir.path().join(name);
        std::fs::write(&path, text).unwrap();
        path
    }

    /// Runs `relance --config <ours> --now <now> ARGS...`.
    pub fn run(&self, now: &str, args: &[&str]) -> Output {
        Command::new(env!("CARGO_BIN_EXE_relance"))
            .current_dir(self.dir.path())
            .env_remove("RELANCE_CONFIG")
            .env("RELANCE_TEST_PASSWORD", "not-used")
            .arg("--config")
            .arg(&self.config)
            .args(["--now", now])
            .args(args)
            .output()
            .unwrap()
    }

    /// Runs and expects success; returns stdout.
    pub fn ok(&self, now: &str, args: &[&str]) -> String {
        let out = self.run(now, args);
        assert!(
            out.status.success(),
            "relance {args:?} failed ({:?}):\n{}",
            out.status.code(),
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    }

    /// Runs and expects exit status `code`; returns stderr.
    pub fn fails(&self, now: &str, args: &[&str], code: i32) -> String {
        let out = self.run(now, args);
        let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
        assert_eq!(out.status.code(), Some(code), "relance {args:?}:\n{stderr}");
        stderr
    }

    /// `status --json`, keyed by invoice number.
    pub fn status(&self, now: &str) -> Vec<Value> {
        let text = self.ok(now, &["status", "--json"]);
        let value: Value = serde_json::from_str(&text).unwrap();
        value.as_array().unwrap().clone()
    }

    /// The status object of invoice `number` (the only one with it).
    pub fn invoice(&self, now: &str, number: &str) -> Value {
        let all = self.status(now);
        let mut found = all.iter().filter(|v| v["number"] == number);
        let one = found
            .next()
            .unwrap_or_else(|| panic!("no {number} in {all:#?}"));
        assert!(found.next().is_none(), "several {number}");
        one.clone()
    }

    /// Imports `rows` (lines after the header) and expects success.
    pub fn import(&self, now: &str, rows: &str) -> String {
        let csv = self.file("invoices.csv", &format!("{HEADER}{rows}"));
        self.ok(now, &["import", csv.to_str().unwrap()])
    }
}

/// Wednesday 4 March 2026, 10:00 in Paris: inside the sending window.
pub const NOW: &str = "2026-03-04T10:00:00+01:00";

pub const TWO_CLIENTS: &str = "F-1,compta@client-a.fr,Client A,1250.00,EUR,2026-01-31,2026-03-02\n\
                           F-2,compta@client-a.fr,Client A,\"1 250,00\",EUR,2026-01-21,2026-02-20\n\
                           F-9,b@client-b.fr,Client B,80,eur,2026-03-01,\n";

/// Every invoice's (number, state), sorted.
pub fn states(env: &Env, now: &str) -> Vec<(String, String)> {
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

/// Owned pairs, to compare with [`states`].
pub fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect()
}
