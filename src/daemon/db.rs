//! The daemon's way to the blocking store and the synchronous pipeline: each
//! call runs on tokio's blocking pool with the store locked for that call
//! only, so no lock is ever held across an `.await`. Long reads (planning
//! every case) go through a second, read-only connection, so that a reply
//! arriving meanwhile is ingested without waiting for them. SIGHUP swaps the
//! pipeline (configuration and templates) between two calls.

use std::sync::{Arc, Mutex, PoisonError, RwLock};

use anyhow::Context as _;

use crate::pipeline::Pipeline;
use crate::store::Store;

/// Shared handle on the store and the current pipeline.
#[derive(Clone)]
pub struct Db {
    store: Arc<Mutex<Store>>,
    /// The read-only connection; the store itself when there is none.
    reader: Arc<Mutex<Store>>,
    pipeline: Arc<RwLock<Arc<Pipeline>>>,
}

impl Db {
    /// Wraps an open store and a compiled pipeline.
    pub fn new(store: Store, pipeline: Pipeline) -> Db {
        let store = Arc::new(Mutex::new(store));
        Db {
            reader: store.clone(),
            store,
            pipeline: Arc::new(RwLock::new(Arc::new(pipeline))),
        }
    }

    /// Reads of [`Db::read`] go to `reader`, a read-only connection to the
    /// same database ([`Store::open_reader`]).
    pub fn with_reader(self, reader: Store) -> Db {
        Db {
            reader: Arc::new(Mutex::new(reader)),
            ..self
        }
    }

    /// The pipeline in force now (its configuration is the one to obey).
    pub fn pipeline(&self) -> Arc<Pipeline> {
        self.pipeline
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// Puts a reloaded pipeline in force for the next calls.
    pub fn replace_pipeline(&self, pipeline: Pipeline) {
        *self
            .pipeline
            .write()
            .unwrap_or_else(PoisonError::into_inner) = Arc::new(pipeline);
    }

    /// Runs `f` with the pipeline and the store on the blocking pool.
    pub async fn call<T, E>(
        &self,
        f: impl FnOnce(&Pipeline, &Store) -> Result<T, E> + Send + 'static,
    ) -> anyhow::Result<T>
    where
        T: Send + 'static,
        E: Into<anyhow::Error> + Send + 'static,
    {
        Db::run(self.store.clone(), self.pipeline(), f).await
    }

    /// [`Db::call`] for work that only reads, on the read-only connection:
    /// it sees what was committed when it started and holds up no writer.
    pub async fn read<T, E>(
        &self,
        f: impl FnOnce(&Pipeline, &Store) -> Result<T, E> + Send + 'static,
    ) -> anyhow::Result<T>
    where
        T: Send + 'static,
        E: Into<anyhow::Error> + Send + 'static,
    {
        Db::run(self.reader.clone(), self.pipeline(), f).await
    }

    async fn run<T, E>(
        store: Arc<Mutex<Store>>,
        pipeline: Arc<Pipeline>,
        f: impl FnOnce(&Pipeline, &Store) -> Result<T, E> + Send + 'static,
    ) -> anyhow::Result<T>
    where
        T: Send + 'static,
        E: Into<anyhow::Error> + Send + 'static,
    {
        tokio::task::spawn_blocking(move || {
            let store = store.lock().unwrap_or_else(PoisonError::into_inner);
            f(&pipeline, &store).map_err(Into::into)
        })
        .await
        .context("a store task panicked")?
    }

    /// [`Db::call`] for store-only work.
    pub async fn store<T, E>(
        &self,
        f: impl FnOnce(&Store) -> Result<T, E> + Send + 'static,
    ) -> anyhow::Result<T>
    where
        T: Send + 'static,
        E: Into<anyhow::Error> + Send + 'static,
    {
        self.call(move |_, store| f(store)).await
    }
}
