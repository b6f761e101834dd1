//! Unix signals: SIGTERM and SIGINT cancel the root token (a graceful stop);
//! SIGHUP reloads the configuration file and the templates, keeping the ones
//! in force when the new ones are invalid. Connection settings (hosts,
//! credentials, folders) are read at start-up only: changing them needs a
//! restart.

use std::path::PathBuf;

use anyhow::Context as _;
use tokio::signal::unix::{SignalKind, signal};
use tokio_util::sync::CancellationToken;

use super::db::Db;
use super::notify;
use crate::config::Config;
use crate::pipeline::Pipeline;

/// Waits for signals until `stop`; SIGTERM and SIGINT cancel `shutdown`,
/// the root token.
pub async fn run(
    db: Db,
    config_path: PathBuf,
    shutdown: CancellationToken,
    stop: CancellationToken,
) -> anyhow::Result<()> {
    let mut term = signal(SignalKind::terminate()).context("cannot watch SIGTERM")?;
    let mut int = signal(SignalKind::interrupt()).context("cannot watch SIGINT")?;
    let mut hup = signal(SignalKind::hangup()).context("cannot watch SIGHUP")?;
    loop {
        tokio::select! {
            () = stop.cancelled() => return Ok(()),
            _ = term.recv() => {
                tracing::info!("SIGTERM: stopping");
                shutdown.cancel();
            }
            _ = int.recv() => {
                tracing::info!("SIGINT: stopping");
                shutdown.cancel();
            }
            _ = hup.recv() => reload(&db, config_path.clone()).await,
        }
    }
}

/// Reads the configuration and the templates again; on any error the ones
/// in force stay.
pub async fn reload(db: &Db, path: PathBuf) {
    notify::reloading();
    let loaded = tokio::task::spawn_blocking(move || -> anyhow::Result<Pipeline> {
        let config = Config::load(&path)?;
        for warning in &config.warnings {
            tracing::warn!(%warning, "configuration");
        }
        Pipeline::new(config)
    })
    .await;
    match loaded {
        Ok(Ok(pipeline)) => {
            db.replace_pipeline(pipeline);
            tracing::info!("configuration and templates reloaded");
        }
        Ok(Err(err)) => {
            tracing::error!(
                error = format!("{err:#}"),
                "reload refused, keeping the configuration in force"
            );
        }
        Err(err) => {
            tracing::error!(error = %err, "reload panicked, keeping the configuration in force")
        }
    }
    notify::reloaded();
}
