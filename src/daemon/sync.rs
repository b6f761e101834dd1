//! Folder synchronisation by UID: headers only for every new message, full
//! bodies only for the ones the pipeline wants, then ingest. The folder's
//! UIDVALIDITY is stored with the last UID seen; when the server changes it,
//! the folder is synced again from the start (ingest is idempotent by
//! Message-ID, so no reply is classified twice). Also sets the `relance-*`
//! keywords on understood replies and honours `relance-stop`.

use std::collections::BTreeMap;
use std::sync::Arc;

use chrono::{DateTime, Utc};
use tokio::sync::Mutex;

use super::db::Db;
use super::parser::Parser;
use crate::clock::Clock;
use crate::detect::MailView;
use crate::mailbox::imap::{HeaderSummary as RawHeaders, RawMessage};
use crate::mailbox::{ImapSession, Uid};
use crate::pipeline::{FolderKind, HeaderSummary, Ingested, Parsed};
use crate::store::{FolderState, Location};

/// New messages handled per round trip (headers triaged, bodies fetched,
/// ingested, progress saved). The three stages of a chunk's bodies drain
/// at its end; 200 left about one batch of wanted INBOX bodies per chunk,
/// so the stages ran one after the other. About a megabyte of headers.
const CHUNK: usize = 1000;

/// Bodies per fetch during a sync: fewer round trips, at a few megabytes
/// in flight; 50 made a first sync of 100,000 messages about a tenth faster
/// than 25.
const BODY_BATCH: usize = 50;

/// Batches fetched (and parsing) ahead of the store.
const BATCHES_AHEAD: usize = 2;

/// The keyword a user sets on any message of a thread to stop its sequence.
pub const STOP_KEYWORD: &str = "relance-stop";

/// What the daemon needs to sync a folder; shared by the watcher and the
/// scheduler, which both sync INBOX (the scheduler just before a send).
#[derive(Clone)]
pub struct Syncer {
    pub db: Db,
    pub clock: Clock,
    parser: Parser,
    /// Two syncs of one folder at once would save their progress out of
    /// order; syncs are serialised.
    lock: Arc<Mutex<()>>,
}

/// What one sync did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Synced {
    /// New messages seen (headers fetched).
    pub seen: usize,
    /// Messages that meant something (an invoice, a reply, manual contact…).
    pub meaningful: usize,
    /// Clients stopped by a `relance-stop` keyword.
    pub stopped: usize,
}

impl Synced {
    /// Whether the plan may have changed.
    pub fn changed(&self) -> bool {
        self.meaningful > 0 || self.stopped > 0
    }
}

impl Syncer {
    /// A syncer over `db`, reading "now" from `clock`, with a thread to
    /// parse what it fetches.
    pub fn new(db: Db, clock: Clock) -> anyhow::Result<Syncer> {
        Ok(Syncer {
            db,
            clock,
            parser: Parser::spawn()?,
            lock: Arc::new(Mutex::new(())),
        })
    }

    /// Brings `folder` up to date. Selecting it again each time is also what
    /// keeps a long-lived session healthy (Dovecot 2.3 drops sessions that
    /// keep a large folder selected while another session appends to it).
    pub async fn sync(
        &self,
        session: &mut ImapSession,
        folder: &str,
        kind: FolderKind,
    ) -> anyhow::Result<Synced> {
        let _one_at_a_time = self.lock.lock().await;
        let state = session.select(folder).await?;
        let top = state.uid_next.map_or(u32::MAX, |n| n.0.saturating_sub(1));
        let mut synced = self
            .new_messages(session, folder, state.uid_validity, top, kind)
            .await?;
        synced.stopped = self
            .honour_stops(session, folder, state.uid_validity)
            .await?;
        log_synced(folder, &synced);
        Ok(synced)
    }

    /// Ingests the new messages of `folder` on the selection the session
    /// already holds, without selecting it again: just out of IDLE on
    /// INBOX, a new SELECT would make Dovecot resynchronise the whole
    /// folder (a quarter of a second at 67,000 messages, right after a
    /// delivery) before relance could read the reply that woke it.
    /// `relance-stop` keywords wait for the next [`Syncer::sync`]. When
    /// another folder is selected, this is [`Syncer::sync`].
    pub async fn sync_selected(
        &self,
        session: &mut ImapSession,
        folder: &str,
        kind: FolderKind,
    ) -> anyhow::Result<Synced> {
        let uidvalidity = match session.selected() {
            Some((selected, uidvalidity)) if selected == folder => uidvalidity,
            _ => return self.sync(session, folder, kind).await,
        };
        let _one_at_a_time = self.lock.lock().await;
        let synced = self
            .new_messages(session, folder, uidvalidity, u32::MAX, kind)
            .await?;
        log_synced(folder, &synced);
        Ok(synced)
    }

    /// Ingests the messages of the selected `folder` after the last UID
    /// synced, up to `top`.
    async fn new_messages(
        &self,
        session: &mut ImapSession,
        folder: &str,
        uidvalidity: u32,
        top: u32,
        kind: FolderKind,
    ) -> anyhow::Result<Synced> {
        let (mut last, fresh) = self.last_uid(folder, uidvalidity).await?;
        if fresh {
            // Stored even for an empty folder, so a later UIDVALIDITY
            // change is noticed.
            self.save(folder, uidvalidity, last).await?;
        }
        let mut synced = Synced::default();
        if top > last {
            // Only the UIDs are listed up front; headers are fetched chunk by
            // chunk, so a first sync of a large folder holds two chunks of
            // headers in memory, never the whole folder's. The next chunk's
            // come while the store still records this one's bodies.
            let uids = session.uids_in(Uid(last + 1), Uid(top)).await?;
            let at = Place {
                folder,
                uidvalidity,
                kind,
            };
            let mut chunks = uids.chunks(CHUNK).peekable();
            let mut headers = match chunks.peek() {
                Some(first) => session.fetch_headers_of(first).await?,
                None => Vec::new(),
            };
            while let Some(chunk) = chunks.next() {
                let (meaningful, next) = self
                    .ingest_chunk(session, &at, &headers, chunks.peek().copied())
                    .await?;
                synced.meaningful += meaningful;
                synced.seen += headers.len();
                last = chunk.last().map_or(last, |u| u.0);
                self.save(folder, uidvalidity, last).await?;
                headers = next;
            }
        }
        Ok(synced)
    }

    /// The last UID synced under `uidvalidity`, and whether the folder is
    /// new or starts over: 0 (sync everything) when the folder was never
    /// synced or its UIDVALIDITY changed, which is recorded.
    async fn last_uid(&self, folder: &str, uidvalidity: u32) -> anyhow::Result<(u32, bool)> {
        let name = folder.to_owned();
        let stored = self.db.store(move |s| s.folder_state(&name)).await?;
        match stored {
            Some(s) if s.uidvalidity == uidvalidity => Ok((s.last_uid, false)),
            Some(s) => {
                tracing::warn!(
                    folder,
                    old = s.uidvalidity,
                    new = uidvalidity,
                    "UIDVALIDITY changed: syncing the folder again"
                );
                let name = folder.to_owned();
                self.db
                    .store(move |s| s.reset_folder(&name, uidvalidity))
                    .await?;
                Ok((0, true))
            }
            None => Ok((0, true)),
        }
    }

    async fn save(&self, folder: &str, uidvalidity: u32, last_uid: u32) -> anyhow::Result<()> {
        let state = FolderState {
            folder: folder.to_owned(),
            uidvalidity,
            last_uid,
            highest_modseq: None,
        };
        self.db.store(move |s| s.set_folder_state(&state)).await
    }

    /// Triage, fetch and ingest one chunk, and fetch the headers of the
    /// `next` one; returns how many messages meant something, and those
    /// headers. One bad message is logged and skipped.
    async fn ingest_chunk(
        &self,
        session: &mut ImapSession,
        at: &Place<'_>,
        chunk: &[RawHeaders],
        next: Option<&[Uid]>,
    ) -> anyhow::Result<(usize, Vec<RawHeaders>)> {
        let kind = at.kind;
        let wanted = self.wanted(chunk, kind).await?;
        if wanted.is_empty() {
            let next = match next {
                Some(uids) => session.fetch_headers_of(uids).await?,
                None => Vec::new(),
            };
            return Ok((0, next));
        }
        // Three stages run at once: IMAP fetches batch after batch of
        // bodies (then the next chunk's headers), each batch is parsed
        // (sent mail detected, replies read) on the parse thread, and the
        // store records them in order. A fetch waits for no write: a sync
        // is bound by round trips more than by any one of the three. Triage
        // for the whole chunk happened before, so no batch depends on
        // another.
        let now = self.clock.now();
        let total = wanted.len();
        let (ready, mut parsed) = tokio::sync::mpsc::channel(BATCHES_AHEAD);
        let pipeline = self.db.pipeline();
        let imap = &mut *session;
        let fetch = async move {
            for batch in wanted.chunks(BODY_BATCH) {
                let bodies: Vec<RawMessage> = imap.fetch_bodies(batch).await?;
                let parsing = self.parser.parse(pipeline.clone(), kind, bodies, now);
                if ready.send(parsing).await.is_err() {
                    // The store's side failed; its error is the one to tell.
                    return Ok(Vec::new());
                }
            }
            drop(ready);
            match next {
                Some(uids) => imap.fetch_headers_of(uids).await,
                None => Ok(Vec::new()),
            }
        };
        let record = async {
            let mut results = Vec::with_capacity(total);
            while let Some(parsing) = parsed.recv().await {
                let bodies = parsing.await?;
                results.extend(self.ingest_bodies(at, bodies, now).await?);
            }
            Ok::<_, anyhow::Error>(results)
        };
        let (fetched, recorded) = tokio::join!(fetch, record);
        let results = recorded?;
        let next = fetched?;
        let mut meaningful = 0;
        // One STORE per keyword for the whole chunk, not one per reply.
        let mut keywords: BTreeMap<String, Vec<Uid>> = BTreeMap::new();
        for (uid, result) in results {
            match result {
                Ok(ingested) => {
                    meaningful += usize::from(log_ingested(at.folder, uid, &ingested));
                    if let Ingested::Reply { class, .. } = &ingested {
                        keywords
                            .entry(format!("relance-{}", class.as_str()))
                            .or_default()
                            .push(uid);
                    }
                }
                Err(err) => {
                    tracing::error!(folder = at.folder, uid = uid.0, error = %err, "cannot read this message; skipped");
                }
            }
        }
        for (keyword, uids) in &keywords {
            tag(session, uids, keyword).await?;
        }
        Ok((meaningful, next))
    }

    /// Ingests parsed bodies in one transaction: a commit per message
    /// would cost more than reading most of them. Each message's own
    /// transaction becomes a savepoint, so one that fails is rolled back
    /// alone.
    async fn ingest_bodies(
        &self,
        at: &Place<'_>,
        bodies: Vec<(Uid, Parsed)>,
        now: DateTime<Utc>,
    ) -> anyhow::Result<Vec<(Uid, crate::pipeline::Result<Ingested>)>> {
        if bodies.is_empty() {
            return Ok(Vec::new());
        }
        let (folder, uidvalidity, kind) = (at.folder.to_owned(), at.uidvalidity, at.kind);
        self.db
            .call(move |p, s| {
                s.transaction(|s| {
                    Ok(bodies
                        .into_iter()
                        .map(|(uid, parsed)| {
                            let location = Location {
                                folder: folder.clone(),
                                uidvalidity,
                                uid: uid.0,
                            };
                            (uid, p.ingest_parsed(s, kind, location, parsed, now))
                        })
                        .collect::<Vec<_>>())
                })
            })
            .await
    }

    /// The UIDs of the chunk whose bodies the pipeline wants.
    async fn wanted(&self, chunk: &[RawHeaders], kind: FolderKind) -> anyhow::Result<Vec<Uid>> {
        let summaries: Vec<(Uid, HeaderSummary)> = chunk
            .iter()
            .map(|h| (h.uid, summarise(&h.header)))
            .collect();
        self.db
            .call(move |p, s| {
                let wants = p.wants_bodies(s, kind, summaries.iter().map(|(_, h)| h))?;
                Ok::<_, crate::pipeline::Error>(
                    summaries
                        .iter()
                        .zip(wants)
                        .filter_map(|((uid, _), wanted)| wanted.then_some(*uid))
                        .collect::<Vec<_>>(),
                )
            })
            .await
    }

    /// Records a `UserStop` for every tracked thread holding a message that
    /// carries [`STOP_KEYWORD`] (once per message and client).
    async fn honour_stops(
        &self,
        session: &mut ImapSession,
        folder: &str,
        uidvalidity: u32,
    ) -> anyhow::Result<usize> {
        let uids = session.search_keyword(STOP_KEYWORD).await?;
        if uids.is_empty() {
            return Ok(0);
        }
        let folder = folder.to_owned();
        let now = self.clock.now();
        self.db
            .store(move |s| {
                let mut stopped = 0;
                for uid in uids {
                    let location = Location {
                        folder: folder.clone(),
                        uidvalidity,
                        uid: uid.0,
                    };
                    let Some(message) = s.message_at(&location)? else {
                        continue;
                    };
                    for client in s.record_keyword_stop(message, now)? {
                        tracing::info!(
                            folder,
                            uid = uid.0,
                            client = client.0,
                            "stopped by the relance-stop keyword"
                        );
                        stopped += 1;
                    }
                }
                Ok::<_, crate::store::Error>(stopped)
            })
            .await
    }
}

fn log_synced(folder: &str, synced: &Synced) {
    if synced.seen > 0 || synced.stopped > 0 {
        tracing::info!(
            folder,
            seen = synced.seen,
            meaningful = synced.meaningful,
            stopped = synced.stopped,
            "synced"
        );
    }
}

/// Where the messages of a chunk sit.
struct Place<'a> {
    folder: &'a str,
    uidvalidity: u32,
    kind: FolderKind,
}

/// Sets a keyword on understood messages; a refusal is logged, a dead
/// connection is the caller's to handle.
async fn tag(session: &mut ImapSession, uids: &[Uid], keyword: &str) -> anyhow::Result<()> {
    match session.add_keywords(uids, &[keyword]).await {
        Ok(()) => Ok(()),
        Err(err) if err.is_transient() => Err(err.into()),
        Err(err) => {
            tracing::warn!(messages = uids.len(), keyword, error = %err, "cannot set the keyword");
            Ok(())
        }
    }
}

/// Logs what a message meant; true when it changes something.
fn log_ingested(folder: &str, uid: Uid, ingested: &Ingested) -> bool {
    let uid = uid.0;
    match ingested {
        Ingested::Duplicate | Ingested::Ignored { .. } | Ingested::OwnMessage { .. } => {
            tracing::debug!(folder, uid, ?ingested, "ingested");
            false
        }
        Ingested::Invoice {
            invoice,
            client,
            number,
        } => {
            tracing::info!(
                folder,
                uid,
                invoice = invoice.0,
                client = client.0,
                number,
                "invoice found"
            );
            true
        }
        Ingested::Reply {
            client,
            class,
            date,
            unknown_sender,
            ..
        } => {
            tracing::info!(
                folder,
                uid,
                client = client.0,
                class = class.as_str(),
                ?date,
                unknown_sender,
                "reply read"
            );
            true
        }
        other => {
            tracing::info!(folder, uid, ingested = ?other, "ingested");
            true
        }
    }
}

/// The pipeline's view of a headers-only fetch.
pub fn summarise(header: &[u8]) -> HeaderSummary {
    let Some(view) = MailView::parse(header) else {
        return HeaderSummary::default();
    };
    let date = view
        .message
        .date()
        .and_then(|d| DateTime::<Utc>::from_timestamp(d.to_timestamp(), 0));
    HeaderSummary {
        message_id: view.message_id.clone(),
        in_reply_to: view.in_reply_to.clone(),
        references: view.references.clone(),
        from: view.from.clone(),
        to: view.recipients.iter().map(|(a, _)| a.clone()).collect(),
        subject: view.subject.clone(),
        date,
        automated: view.automated,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_fields_are_summarised() {
        let header = b"Message-ID: <r1@client-a.test>\r\nIn-Reply-To: <inv1@atelier.test>\r\n\
            References: <a@x.test> <inv1@atelier.test>\r\nFrom: Compta <compta@client-a.test>\r\n\
            To: claire@atelier.test\r\nCc: boss@client-a.test\r\nSubject: Re: Facture F-1\r\n\
            Date: Mon, 2 Mar 2026 09:30:00 +0100\r\nAuto-Submitted: auto-replied\r\n\r\n";
        let h = summarise(header);
        assert_eq!(h.message_id.unwrap().as_str(), "r1@client-a.test");
        assert_eq!(h.in_reply_to.len(), 1);
        assert_eq!(h.references.len(), 2);
        assert_eq!(h.from.unwrap().as_str(), "compta@client-a.test");
        assert_eq!(h.to.len(), 2);
        assert_eq!(h.subject, "Re: Facture F-1");
        assert_eq!(h.date.unwrap().to_rfc3339(), "2026-03-02T08:30:00+00:00");
        assert!(h.automated);
    }

    #[test]
    fn unreadable_headers_give_an_empty_summary() {
        let h = summarise(b"");
        assert_eq!(h, HeaderSummary::default());
    }
}
