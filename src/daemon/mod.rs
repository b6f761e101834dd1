//! The daemon: the tokio tasks that tie the mailbox to the pipeline. Start
//! (store, pipeline, secrets, first login, READY=1), reconcile the outbox,
//! then the watcher (IMAP sync and IDLE), the scheduler (plan and send),
//! signals and the systemd watchdog, all on one `TaskTracker` under a root
//! `CancellationToken` that the caller owns. Every "now" comes from the
//! injected [`Clock`]; tokio time is only used to wait.

pub mod db;
mod memory;
pub mod notify;
pub mod outbox;
mod parser;
pub mod scheduler;
pub mod session;
pub mod settings;
pub mod signals;
pub mod supervisor;
pub mod sync;
pub mod transport;
pub mod watcher;
mod worker;

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context as _;
use tokio::sync::Notify;
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;

use crate::clock::Clock;
use crate::config::Config;
use crate::mailbox::ImapSession;
use crate::pipeline::{FolderKind, Pipeline};
use crate::store::Store;
use db::Db;
use outbox::Executor;
use scheduler::Scheduler;
use session::{Folders, LazySession};
use supervisor::{Backoff, RECONNECT_BASE};
use sync::Syncer;
use watcher::Watcher;

/// How long the tasks get to finish (an SMTP send in progress, a store
/// write) once a stop is asked for.
pub const STOP_GRACE: Duration = Duration::from_secs(10);
/// The first login is retried this many times on network errors before
/// start-up gives up (systemd restarts the service later).
const FIRST_LOGIN_ATTEMPTS: u32 = 5;

/// How `relance run` was asked to run.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RunOptions {
    /// One full cycle (sync, plan, send what is due), then exit.
    pub once: bool,
}

/// Runs the daemon until `shutdown` is cancelled (by SIGTERM, SIGINT or the
/// caller), or for one cycle with `opts.once`.
pub async fn run(
    config: Config,
    clock: Clock,
    shutdown: CancellationToken,
    opts: RunOptions,
) -> anyhow::Result<()> {
    let config_path = config.path.clone();
    let state_dir = state_dir(&config.state.database);
    let db = open(config, &clock).await?;
    // Cancelled with the root token, and when `run` ends on its own.
    let stop = shutdown.child_token();
    // Signals first: a SIGTERM during start-up (a slow login) stops it too.
    let tracker = TaskTracker::new();
    tracker.spawn(watch_signals(
        db.clone(),
        config_path,
        shutdown,
        stop.clone(),
    ));
    let result = serve(db, clock, state_dir, &tracker, &stop, opts).await;
    notify::stopping();
    stop.cancel();
    tracker.close();
    if tokio::time::timeout(STOP_GRACE, tracker.wait())
        .await
        .is_err()
    {
        tracing::warn!(
            grace_s = STOP_GRACE.as_secs(),
            "tasks did not finish in time; leaving anyway"
        );
    }
    result
}

/// Logs in, reconciles, then runs one cycle (`--once`) or the watcher and
/// the scheduler until `shutdown`.
async fn serve(
    db: Db,
    clock: Clock,
    state_dir: PathBuf,
    tracker: &TaskTracker,
    shutdown: &CancellationToken,
    opts: RunOptions,
) -> anyhow::Result<()> {
    let mut first = first_login(&db, shutdown).await?;
    let folders = Folders::resolve(&db, &mut first).await?;
    tracing::info!(inbox = folders.inbox, sent = ?folders.sent, drafts = ?folders.drafts, "logged in");
    notify::ready();

    let syncer = Syncer::new(db.clone(), clock)?;
    let worker = LazySession::new(db.clone());
    let mut executor = Executor::new(syncer.clone(), folders.clone(), worker, state_dir);
    executor
        .reconcile()
        .await
        .context("reconciling the outbox")?;
    let mut scheduler = Scheduler::new(executor);
    if opts.once {
        let result = once(&mut scheduler, &mut first, &folders, shutdown).await;
        first.logout().await;
        scheduler.executor.imap.close().await;
        return result;
    }
    if let Some(interval) = notify::watchdog_interval() {
        tracker.spawn(notify::watchdog(interval, shutdown.clone()));
    }
    let new_mail = Arc::new(Notify::new());
    let watcher = Watcher {
        syncer,
        folders,
        new_mail: new_mail.clone(),
    };
    tracker.spawn(watcher.run(first, shutdown.clone()));
    tracker.spawn(scheduler.run(new_mail, shutdown.clone()));
    shutdown.cancelled().await;
    tracing::info!("stopping");
    Ok(())
}

/// The signal handler; without it the daemon could not be stopped cleanly,
/// so failing to install it stops everything.
async fn watch_signals(
    db: Db,
    config_path: PathBuf,
    shutdown: CancellationToken,
    stop: CancellationToken,
) {
    if let Err(err) = signals::run(db, config_path, shutdown.clone(), stop).await {
        tracing::error!(
            error = format!("{err:#}"),
            "cannot handle signals; stopping"
        );
        shutdown.cancel();
    }
}

/// `--once`: sync Sent and INBOX, one cycle, done.
async fn once(
    scheduler: &mut Scheduler,
    session: &mut ImapSession,
    folders: &Folders,
    shutdown: &CancellationToken,
) -> anyhow::Result<()> {
    let syncer = scheduler.executor.syncer.clone();
    if let Some(sent) = &folders.sent {
        syncer.sync(session, sent, FolderKind::Sent).await?;
    }
    syncer
        .sync(session, &folders.inbox, FolderKind::Inbox)
        .await?;
    scheduler.cycle(shutdown).await?;
    Ok(())
}

/// Opens the store and compiles the pipeline (both blocking).
async fn open(config: Config, clock: &Clock) -> anyhow::Result<Db> {
    let today = clock.now().date_naive();
    let (store, reader, pipeline) =
        tokio::task::spawn_blocking(move || -> anyhow::Result<(Store, Store, Pipeline)> {
            let store = Store::open(&config.state.database)?;
            store.ensure_first_run_date(today)?;
            let reader = Store::open_reader(&config.state.database)?;
            Ok((store, reader, Pipeline::new(config)?))
        })
        .await
        .context("opening the store panicked")??;
    Db::new(store, pipeline)?.with_reader(reader)
}

/// The first login: a refused login or a bad secret ends start-up at once;
/// network errors are retried a few times.
async fn first_login(db: &Db, shutdown: &CancellationToken) -> anyhow::Result<ImapSession> {
    let mut backoff = Backoff::new(RECONNECT_BASE, Duration::from_secs(10));
    loop {
        let attempt = tokio::select! {
            () = shutdown.cancelled() => anyhow::bail!("stopped before the first login"),
            r = session::connect(db) => r,
        };
        match attempt {
            Ok(s) => return Ok(s),
            Err(err)
                if session::is_transient(&err) && backoff.attempts() < FIRST_LOGIN_ATTEMPTS =>
            {
                let delay = backoff.next_delay();
                tracing::warn!(
                    error = format!("{err:#}"),
                    retry_in_ms = delay.as_millis() as u64,
                    "first login failed"
                );
                if !supervisor::sleep_or_cancel(shutdown, delay).await {
                    anyhow::bail!("stopped before the first login");
                }
            }
            Err(err) => return Err(err.context("first login to the IMAP server")),
        }
    }
}

/// Where the database lives: notices are written next to it.
fn state_dir(database: &Path) -> PathBuf {
    database
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .map_or_else(|| PathBuf::from("."), Path::to_path_buf)
}
