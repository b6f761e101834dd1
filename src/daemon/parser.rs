//! The thread that parses fetched mail ahead of the store: MIME, base64,
//! detection of sent invoices and a first reading of replies, so the
//! store's thread only records. One thread rather than tokio's blocking
//! pool, for the reason each connection has its own (`db.rs`): the regex
//! engine keeps a search cache per pattern for each thread that used it,
//! and one thread keeps one set, warm, where the pool's threads each grew
//! theirs (4–8 MiB more at a first sync's peak, and no faster).

use std::sync::Arc;

use chrono::{DateTime, Utc};

use super::worker::Worker;
use crate::mailbox::Uid;
use crate::mailbox::imap::RawMessage;
use crate::pipeline::{FolderKind, Parsed, Pipeline};

/// The way to the parse thread; it ends when the last handle is dropped.
#[derive(Clone)]
pub struct Parser(Worker<()>);

impl Parser {
    pub fn spawn() -> anyhow::Result<Parser> {
        Ok(Parser(Worker::spawn("relance-parse", ())?))
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
        self.0.call(move |()| {
            bodies
                .into_iter()
                .map(|m| (m.uid, pipeline.parse(kind, &m.raw, now)))
                .collect()
        })
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
