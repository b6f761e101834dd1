//! The long-running daemon: in-process with a manual clock (the scheduler
//! follows the clock, IDLE survives a Dovecot restart), and the real binary
//! under signals with a NOTIFY_SOCKET standing in for systemd.

use std::os::unix::net::UnixDatagram;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use chrono::DateTime;
use relance::clock::Clock;
use relance::config::Config;
use relance::daemon::{self, RunOptions};
use relance::domain::MessageId;
use tokio_util::sync::CancellationToken;

use super::support::CLIENT_A;
use super::world::{LIMIT, World, header};
use super::{BEFORE_STEP1, DUE, STEP1};

/// Polls `check` (blocking) until it holds, within [`LIMIT`]; fails early
/// with the daemon's outcome if it ended.
async fn eventually<T: std::fmt::Debug>(
    what: &str,
    daemon: &mut tokio::task::JoinHandle<T>,
    mut check: impl FnMut() -> bool,
) {
    let deadline = Instant::now() + LIMIT;
    while !tokio::task::block_in_place(&mut check) {
        if daemon.is_finished() {
            panic!(
                "the daemon ended while waiting for {what}: {:?}",
                daemon.await
            );
        }
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_running_daemon_follows_the_clock_and_survives_a_dovecot_restart() {
    let mut w = tokio::task::block_in_place(|| World::new("send", ""));
    tokio::task::block_in_place(|| w.send_invoice("F-2026-0201", CLIENT_A.address, DUE));
    let config = Config::load(&w.config).unwrap();
    let start = DateTime::parse_from_rfc3339(BEFORE_STEP1).unwrap().to_utc();
    let clock = Clock::manual(start);
    let shutdown = CancellationToken::new();
    let mut daemon = tokio::spawn(daemon::run(
        config,
        clock.clone(),
        shutdown.clone(),
        RunOptions::default(),
    ));

    let db = w.db.clone();
    eventually("the first sync", &mut daemon, || {
        db.exists()
            && relance::store::Store::open(&db)
                .and_then(|s| s.folder_state("INBOX"))
                .is_ok_and(|f| f.is_some())
    })
    .await;
    assert!(w.reminders(CLIENT_A.address, "INBOX").is_empty());

    clock.set(DateTime::parse_from_rfc3339(STEP1).unwrap().to_utc());
    eventually("the reminder", &mut daemon, || {
        !w.reminders(CLIENT_A.address, "INBOX").is_empty()
    })
    .await;
    let reminder = w.reminders(CLIENT_A.address, "INBOX").remove(0);
    let parent = header(&reminder, "Message-ID").unwrap();

    tokio::task::block_in_place(|| w.server.restart_dovecot());
    let reply = |local: &str, date: &str, body: &str| {
        tokio::task::block_in_place(|| {
            w.client_reply(&format!("{local}@client-a.test"), &parent, date, "", body)
        });
        let id = MessageId::new(&format!("<{local}@client-a.test>")).unwrap();
        let db = w.db.clone();
        move || {
            relance::store::Store::open(&db)
                .and_then(|s| s.find_message(&id))
                .is_ok_and(|m| m.is_some())
        }
    };
    let read = reply(
        "after-restart",
        "Tue, 17 Mar 2026 10:30:00 +0100",
        "Bonjour, nous réglerons le 31 mars.",
    );
    eventually("the reply read after the restart", &mut daemon, read).await;
    // The next reply reaches a daemon waiting in IDLE on INBOX: read on the
    // selection IDLE left, before anything else is selected.
    let read = reply(
        "while-idle",
        "Tue, 17 Mar 2026 11:00:00 +0100",
        "Le virement est parti ce matin.",
    );
    eventually("the reply read from IDLE", &mut daemon, read).await;
    assert!(!daemon.is_finished(), "the daemon keeps running");

    shutdown.cancel();
    let stopped = tokio::time::timeout(daemon::STOP_GRACE * 2, daemon).await;
    stopped.expect("stops in time").unwrap().unwrap();
}

/// The binary in the background, with a socket standing in for systemd.
struct Service {
    child: Child,
    socket: UnixDatagram,
}

impl Service {
    fn start(w: &World, now: &str) -> Service {
        let path = w.dir.path().join("notify.sock");
        let socket = UnixDatagram::bind(&path).unwrap();
        socket.set_read_timeout(Some(LIMIT)).unwrap();
        let child = Command::new(env!("CARGO_BIN_EXE_relance"))
            .arg("--config")
            .arg(&w.config)
            .args(["--now", now, "run"])
            .env("NOTIFY_SOCKET", &path)
            .env_remove("RELANCE_TEST_CRASH_AT")
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        Service { child, socket }
    }

    /// Waits for a notification carrying `state` (e.g. `READY=1`).
    fn expect(&self, state: &str) {
        let mut buf = [0u8; 4096];
        loop {
            let n = self
                .socket
                .recv(&mut buf)
                .unwrap_or_else(|e| panic!("no {state} from the daemon: {e}"));
            let text = String::from_utf8_lossy(&buf[..n]);
            if text.lines().any(|l| l == state) {
                return;
            }
        }
    }

    fn signal(&self, name: &str) {
        let status = Command::new("kill")
            .arg(format!("-{name}"))
            .arg(self.child.id().to_string())
            .status()
            .unwrap();
        assert!(status.success());
    }

    /// Waits for the process to end, within [`LIMIT`].
    fn wait(&mut self) -> std::process::ExitStatus {
        let deadline = Instant::now() + LIMIT;
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status;
            }
            assert!(Instant::now() < deadline, "the daemon did not stop");
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Service {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[test]
fn signals_reload_keep_a_good_config_and_stop_gracefully() {
    let w = World::new("send", "");
    let mut service = Service::start(&w, BEFORE_STEP1);
    service.expect("READY=1");

    let good = std::fs::read_to_string(&w.config).unwrap();
    std::fs::write(&w.config, "[company\nthis is not TOML").unwrap();
    service.signal("HUP");
    service.expect("RELOADING=1");
    service.expect("READY=1");
    assert!(
        service.child.try_wait().unwrap().is_none(),
        "a bad reload keeps the daemon up"
    );
    std::fs::write(&w.config, good).unwrap();

    service.signal("TERM");
    service.expect("STOPPING=1");
    let status = service.wait();
    assert!(status.success(), "{status}");
}

#[test]
fn a_bad_configuration_exits_with_ex_config() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("relance.toml");
    std::fs::write(&config, "[company]\nname = \"x\"\n").unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_relance"))
        .arg("--config")
        .arg(&config)
        .args(["run", "--once"])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(78),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}
