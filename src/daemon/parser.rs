//! The thread that parses fetched mail ahead of the store: MIME, base64,
//! detection of sent invoices and a first reading of replies, so the
//! store's thread only records. One thread rather than tokio's blocking
//! pool, for the reason each connection has its own (`db.rs`): the regex
//! engine keeps a search cache per pattern for each thread that used it,
//! and one thread keeps one set, warm, where the pool's threads each grew
//! theirs (4–8 MiB more at a first sync's peak, and no faster).

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::{Arc, mpsc};

use anyhow::Context as _;
use chrono::{DateTime, Utc};
use tokio::sync::oneshot;

use crate::mailbox::Uid;
use crate::mailbox::imap::RawMessage;
use crate::pipeline::{FolderKind, Parsed, Pipeline};

type Job = Box<dyn FnOnce() + Send>;

/// The way to the parse thread; it ends when the last handle is dropped.
#[derive(Clone)]
pub struct Parser {
    jobs: mpsc::Sender<Job>,
}

impl Parser {
    pub fn spawn() -> anyhow::Result<Parser> {
        let (jobs, queue) = mpsc::channel::<Job>();
        std::thread::Builder::new()
            .name("relance-parse".to_owned())
            .spawn(move || {
                for job in queue {
                    // A panic loses that batch (its caller hears of it when
                    // the answer never comes), not the thread.
                    let _ = catch_unwind(AssertUnwindSafe(job));
                }
            })
            .context("cannot start the parse thread")?;
        Ok(Parser { jobs })
    }

    /// Parses `bodies`, found in a folder of `kind`, as `pipeline` does at
    /// `now`; the work starts at once, the answer comes in the order given.
    pub fn parse(
        &self,
        pipeline: Arc<Pipeline>,
        kind: FolderKind,
        bodies: Vec<RawMessage>,
        now: DateTime<Utc>,
    ) -> impl Future<Output = anyhow::Result<Vec<(Uid, Parsed)>>> + Send + 'static {
        let (done, answer) = oneshot::channel();
        let job: Job = Box::new(move || {
            let parsed = bodies
                .into_iter()
                .map(|m| (m.uid, pipeline.parse(kind, &m.raw, now)))
                .collect::<Vec<_>>();
            let _ = done.send(parsed);
        });
        let sent = self.jobs.send(job);
        async move {
            sent.map_err(|_| anyhow::anyhow!("the parse thread has stopped"))?;
            answer.await.context("parsing fetched messages panicked")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;

    fn body(uid: u32, raw: &[u8]) -> RawMessage {
        RawMessage {
            uid: Uid(uid),
            flags: Vec::new(),
            raw: raw.to_vec(),
        }
    }

    #[tokio::test]
    async fn batches_come_back_whole_and_in_order_even_unreadable_ones() {
        let parser = Parser::spawn().unwrap();
        let pipeline = Arc::new(Pipeline::new(Config::default_for_tools()).unwrap());
        let now = DateTime::parse_from_rfc3339("2026-06-16T08:00:00Z")
            .unwrap()
            .with_timezone(&Utc);
        let mail = b"From: a@b.example\r\nSubject: hi\r\n\r\nhello\r\n";
        // Sent off before either is awaited: both are parsed meanwhile.
        let first = parser.parse(
            pipeline.clone(),
            FolderKind::Inbox,
            vec![body(7, mail), body(3, b""), body(9, mail)],
            now,
        );
        let second = parser.parse(pipeline, FolderKind::Sent, vec![body(1, mail)], now);
        let uids =
            |parsed: Vec<(Uid, Parsed)>| parsed.into_iter().map(|(u, _)| u.0).collect::<Vec<_>>();
        assert_eq!(uids(second.await.unwrap()), vec![1]);
        assert_eq!(uids(first.await.unwrap()), vec![7, 3, 9]);
    }
}
