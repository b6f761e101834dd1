//! The daemon's way to the blocking store and the synchronous pipeline: each
//! connection is owned by a thread of its own, which runs the calls made on
//! it one after the other, so no lock is ever held across an `.await`. Long
//! reads (planning every case) go through a second, read-only connection,
//! so that a reply arriving meanwhile is ingested without waiting for them.
//! SIGHUP swaps the pipeline (configuration and templates) between two
//! calls.
//!
//! A thread per connection rather than tokio's blocking pool: the regex
//! engine keeps a search cache per pattern for each thread that used it
//! (several MiB over the classifier's and detection's patterns), and
//! calls hopping between pool threads would each grow a set of their own.

use std::sync::{Arc, PoisonError, RwLock};

use super::worker::Worker;
use crate::pipeline::Pipeline;
use crate::store::Store;

/// Shared handle on the store and the current pipeline.
#[derive(Clone)]
pub struct Db {
    store: Worker<Store>,
    /// The read-only connection; the store itself when there is none.
    reader: Worker<Store>,
    pipeline: Arc<RwLock<Arc<Pipeline>>>,
}

impl Db {
    /// Wraps an open store and a compiled pipeline; the store gets a thread
    /// of its own.
    pub fn new(store: Store, pipeline: Pipeline) -> anyhow::Result<Db> {
        let store = Worker::spawn("relance-store", store)?;
        Ok(Db {
            reader: store.clone(),
            store,
            pipeline: Arc::new(RwLock::new(Arc::new(pipeline))),
        })
    }

    /// Reads of [`Db::read`] go to `reader`, a read-only connection to the
    /// same database ([`Store::open_reader`]), on a thread of its own.
    pub fn with_reader(self, reader: Store) -> anyhow::Result<Db> {
        Ok(Db {
            reader: Worker::spawn("relance-reader", reader)?,
            ..self
        })
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

    /// Runs `f` with the pipeline and the store on the store's thread.
    pub async fn call<T, E>(
        &self,
        f: impl FnOnce(&Pipeline, &Store) -> Result<T, E> + Send + 'static,
    ) -> anyhow::Result<T>
    where
        T: Send + 'static,
        E: Into<anyhow::Error> + Send + 'static,
    {
        run(&self.store, self.pipeline(), f).await
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
        run(&self.reader, self.pipeline(), f).await
    }

    /// Hands back the memory both connections cache, before a rest.
    pub async fn release_memory(&self) -> anyhow::Result<()> {
        self.store(|s| s.release_memory()).await?;
        self.read(|_, s| s.release_memory()).await
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

/// Runs `f` with `pipeline` on the thread of `worker`'s connection. A panic
/// ends this call only: the store's transactions roll back on unwind, so
/// the connection stays usable.
async fn run<T, E>(
    worker: &Worker<Store>,
    pipeline: Arc<Pipeline>,
    f: impl FnOnce(&Pipeline, &Store) -> Result<T, E> + Send + 'static,
) -> anyhow::Result<T>
where
    T: Send + 'static,
    E: Into<anyhow::Error> + Send + 'static,
{
    worker
        .call(move |store| f(&pipeline, store).map_err(Into::into))
        .await?
}
