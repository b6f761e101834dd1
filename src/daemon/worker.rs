//! A thread that owns one value and runs the calls made on it one after
//! the other, answering each through a channel: the store's connections
//! and the parser each have one. A panic ends the call that raised it, not
//! the thread.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::mpsc;

use anyhow::{Context as _, anyhow};
use tokio::sync::oneshot;

type Job<S> = Box<dyn FnOnce(&S) + Send>;

/// The way to the thread. It ends when the last handle is dropped, after
/// the calls already queued.
pub struct Worker<S> {
    jobs: mpsc::Sender<Job<S>>,
    name: &'static str,
}

impl<S> Clone for Worker<S> {
    fn clone(&self) -> Self {
        Worker {
            jobs: self.jobs.clone(),
            name: self.name,
        }
    }
}

impl<S: Send + 'static> Worker<S> {
    /// Starts the thread `name`, owning `state`.
    pub fn spawn(name: &'static str, state: S) -> anyhow::Result<Worker<S>> {
        let (jobs, queue) = mpsc::channel::<Job<S>>();
        std::thread::Builder::new()
            .name(name.to_owned())
            .spawn(move || {
                for job in queue {
                    job(&state);
                }
            })
            .with_context(|| format!("cannot start the {name} thread"))?;
        Ok(Worker { jobs, name })
    }

    /// Queues `f` at once (the work starts before the answer is awaited)
    /// and answers with what it returns.
    pub fn call<T: Send + 'static>(
        &self,
        f: impl FnOnce(&S) -> T + Send + 'static,
    ) -> impl Future<Output = anyhow::Result<T>> + Send + 'static {
        let (done, outcome) = oneshot::channel();
        let job: Job<S> = Box::new(move |state| {
            let result = catch_unwind(AssertUnwindSafe(|| f(state)));
            // The caller may have gone (its task was cancelled).
            let _ = done.send(result);
        });
        let sent = self.jobs.send(job);
        let name = self.name;
        async move {
            sent.map_err(|_| anyhow!("the {name} thread has stopped"))?;
            match outcome.await {
                Ok(Ok(value)) => Ok(value),
                Ok(Err(_)) => Err(anyhow!("a call on the {name} thread panicked")),
                Err(_) => Err(anyhow!("the {name} thread has stopped")),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn calls_run_in_order_and_a_panic_ends_only_its_own() {
        let worker = Worker::spawn("relance-test", std::cell::Cell::new(0))
            .expect("a thread can be started in tests");
        let first = worker.call(|n| {
            n.set(n.get() + 1);
            n.get()
        });
        let boom = worker.call(|_| -> u32 { panic!("boom") });
        let second = worker.call(|n| {
            n.set(n.get() + 1);
            n.get()
        });
        assert_eq!(first.await.unwrap(), 1);
        let err = boom.await.unwrap_err().to_string();
        assert!(err.contains("panicked"), "{err}");
        assert_eq!(second.await.unwrap(), 2);
    }
}
