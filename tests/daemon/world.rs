//! The world of the daemon's end-to-end tests: a mail server of its own, a
//! configuration and a database in a temp dir, the real binary run with a
//! test clock (`--now ... run --once`), and the messages the test plays
//! (the invoice in Sent, the client's replies).

use std::path::PathBuf;
use std::process::{Command, Output};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use relance::store::{OutboxRow, OutboxState, Store};
use tempfile::TempDir;

use crate::support::{CLIENT_A, MailServer, OWNER};

/// Bound for anything that waits on the servers.
pub const LIMIT: Duration = Duration::from_secs(60);

/// The invoice fixture's PDF part, reused so attachments are real.
const FIXTURE: &str = include_str!("../fixtures/invoices/invoice-fr-regex.eml");

pub struct World {
    pub server: MailServer,
    pub dir: TempDir,
    pub config: PathBuf,
    pub db: PathBuf,
}

impl World {
    /// A fresh server and a configuration in `mode` (`send`, `draft`,
    /// `dry-run`); `sequence` is appended to `[sequence]`.
    pub fn new(mode: &str, sequence: &str) -> World {
        let server = MailServer::start();
        let dir = tempfile::tempdir().unwrap();
        let password = dir.path().join("password");
        std::fs::write(&password, format!("{}\n", OWNER.password)).unwrap();
        let db = dir.path().join("state/relance.db");
        let ca = server.ca_cert_pem.display().to_string();
        let text = format!(
            r#"[company]
name = "Atelier Dupont"
email = "{owner}"
sender-name = "Claire Dupont"
language = "fr"
time-zone = "Europe/Paris"

[state]
database = "{db}"
since = "2026-01-01"

[imap]
host = "127.0.0.1"
port = {imaps}
tls = "implicit"
username = "{owner}"
password-file = "{password}"
ca-file = "{ca}"
idle = true
poll-interval = "1 minute"

[smtp]
host = "127.0.0.1"
port = {smtps}
tls = "implicit"
username = "{owner}"
password-file = "{password}"
ca-file = "{ca}"

[sequence]
mode = "{mode}"
{quiet}digest = false
{sequence}

[logging]
level = "relance=debug,info"
"#,
            owner = OWNER.address,
            // Off unless the test sets it.
            quiet = if sequence.contains("forewarning") {
                ""
            } else {
                "forewarning = false\n"
            },
            db = db.display(),
            imaps = server.imap_port_tls,
            smtps = server.smtps_port,
            password = password.display(),
        );
        let config = dir.path().join("relance.toml");
        std::fs::write(&config, text).unwrap();
        World {
            server,
            dir,
            config,
            db,
        }
    }

    /// `relance --config ... --now NOW run --once`, with extra environment.
    pub fn run_once_with(&self, now: &str, env: &[(&str, &str)]) -> Output {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_relance"));
        cmd.arg("--config")
            .arg(&self.config)
            .arg("--now")
            .arg(now)
            .args(["run", "--once"])
            .env_remove("RELANCE_TEST_CRASH_AT")
            .env_remove("NOTIFY_SOCKET");
        for (k, v) in env {
            cmd.env(k, v);
        }
        cmd.output().unwrap()
    }

    /// One cycle at `now`; panics with the logs unless it succeeded.
    pub fn run_once(&self, now: &str) -> String {
        let out = self.run_once_with(now, &[]);
        let log = String::from_utf8_lossy(&out.stderr).into_owned();
        assert!(
            out.status.success(),
            "relance run --once at {now} failed:\n{log}"
        );
        log
    }

    /// The invoice `number` as the user sent it to client A on `date`:
    /// filed in the owner's Sent and delivered to the client. Returns its
    /// Message-ID (with brackets).
    pub fn send_invoice(&self, number: &str, to: &str, due: &str) -> String {
        let (id, raw) = invoice(number, to, due);
        self.server
            .append(OWNER.address, "Sent", raw.as_bytes(), &["\\Seen"]);
        if to == CLIENT_A.address {
            self.server.deliver_and_wait(raw.as_bytes(), to);
        }
        id
    }

    /// A message from client A to the owner, in reply to `parent` (whose
    /// References it carries), delivered to the owner's INBOX.
    pub fn client_reply(&self, id: &str, parent: &str, date: &str, headers: &str, body: &str) {
        let raw = format!(
            "From: Compta Client A <{from}>\r\nTo: {owner}\r\nSubject: Re: Facture\r\n\
             Date: {date}\r\nMessage-ID: <{id}>\r\nIn-Reply-To: {parent}\r\n\
             References: {parent}\r\n{headers}MIME-Version: 1.0\r\n\
             Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n{body}\r\n",
            from = CLIENT_A.address,
            owner = OWNER.address,
        );
        self.server.deliver_and_wait(raw.as_bytes(), OWNER.address);
    }

    /// The raw messages of a folder, oldest first.
    pub fn messages(&self, address: &str, folder: &str) -> Vec<String> {
        self.server
            .list_uids(address, folder)
            .into_iter()
            .filter_map(|uid| self.server.fetch(address, folder, uid))
            .map(|raw| String::from_utf8_lossy(&raw).into_owned())
            .collect()
    }

    /// Waits until the folder holds at least `n` messages; returns them.
    pub fn wait_for(&self, address: &str, folder: &str, n: usize) -> Vec<String> {
        let deadline = Instant::now() + LIMIT;
        loop {
            let found = self.messages(address, folder);
            if found.len() >= n {
                return found;
            }
            assert!(
                Instant::now() < deadline,
                "{address}/{folder} has {} messages, expected {n}; postfix log:\n{}",
                found.len(),
                self.server.postfix_log()
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// Hands a marker message to Postfix for `address` and waits for it:
    /// whatever was queued before it has been delivered too, so counting the
    /// folder afterwards is safe.
    pub fn settle(&self, address: &str) {
        let id = format!("marker-{}@relance.test", rand_id());
        let raw = format!(
            "From: marker@relance.test\r\nTo: {address}\r\nSubject: marker\r\n\
             Message-ID: <{id}>\r\n\r\nmarker\r\n"
        );
        self.server.deliver_and_wait(raw.as_bytes(), address);
    }

    /// The reminders (relance's messages) among a folder's messages.
    pub fn reminders(&self, address: &str, folder: &str) -> Vec<String> {
        self.messages(address, folder)
            .into_iter()
            .filter(|m| {
                header(m, "In-Reply-To").is_some()
                    && header(m, "From").is_some_and(|f| f.contains(OWNER.address))
            })
            .collect()
    }

    pub fn store(&self) -> Store {
        Store::open(&self.db).unwrap()
    }

    /// Every outbox entry, whatever its state.
    pub fn outbox(&self) -> Vec<OutboxRow> {
        let store = self.store();
        let mut rows = Vec::new();
        for state in [
            OutboxState::Planned,
            OutboxState::Sending,
            OutboxState::Sent,
            OutboxState::Appended,
            OutboxState::Failed,
            OutboxState::Cancelled,
        ] {
            rows.extend(store.outbox_in_state(state).unwrap());
        }
        rows.sort_by_key(|r| r.id);
        rows
    }
}

/// The value of a header field (first occurrence, unfolded).
/// The invoice `number` to `to`, due on `due`, as the user sent it: its
/// Message-ID (with brackets) and its bytes.
pub fn invoice(number: &str, to: &str, due: &str) -> (String, String) {
    let id = format!("<{number}.1@atelier-dupont.test>");
    let raw = FIXTURE
        .replace("Marc Leroy <marc.leroy@client-a.example.fr>", to)
        .replace("compta@client-a.example.fr", to)
        .replace("claire@atelier-dupont.example.fr", OWNER.address)
        .replace("<f42.1@atelier-dupont.example.fr>", &id)
        .replace("F-2026-0042", number)
        .replace("15/03/2026", due)
        .replace('\n', "\r\n");
    (id, raw)
}

pub fn header(raw: &str, name: &str) -> Option<String> {
    let head = raw.split("\r\n\r\n").next().unwrap_or(raw);
    let mut value: Option<String> = None;
    for line in head.split("\r\n") {
        if let Some(v) = value.as_mut() {
            if line.starts_with([' ', '\t']) {
                v.push(' ');
                v.push_str(line.trim());
                continue;
            }
            break;
        }
        if let Some((n, v)) = line.split_once(':')
            && n.eq_ignore_ascii_case(name)
        {
            value = Some(v.trim().to_owned());
        }
    }
    value
}

/// Unique within the test process.
fn rand_id() -> u64 {
    static NEXT: AtomicU64 = AtomicU64::new(1);
    NEXT.fetch_add(1, Ordering::Relaxed)
}
