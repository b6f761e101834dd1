//! IMAP connections as the daemon holds them: the folders it works with
//! (configured names, else SPECIAL-USE discovery), and a connection made on
//! first use and dropped after a network failure so that the next use
//! reconnects.

use anyhow::Context as _;

use super::db::Db;
use super::settings;
use crate::compose;
use crate::domain::InvoiceId;
use crate::mailbox::{self, ImapSession, Uid};
use crate::pipeline::{self, AttachmentFetch};

/// The folders the daemon reads and writes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Folders {
    pub inbox: String,
    /// Where sent mail is filed; `None` when the server has none.
    pub sent: Option<String>,
    /// Where draft mode puts reminders.
    pub drafts: Option<String>,
}

impl Folders {
    /// The configured names, completed by the server's SPECIAL-USE
    /// attributes (or common names) for those left out.
    pub async fn resolve(db: &Db, session: &mut ImapSession) -> anyhow::Result<Folders> {
        let pipeline = db.pipeline();
        let configured = pipeline
            .config()
            .imap
            .as_ref()
            .map(|i| i.folders.clone())
            .context("the configuration has no [imap] table")?;
        let special = if configured.sent.is_none() || configured.drafts.is_none() {
            session.special_folders().await?
        } else {
            mailbox::imap::SpecialFolders::default()
        };
        Ok(Folders {
            inbox: configured.inbox,
            sent: configured.sent.or(special.sent),
            drafts: configured.drafts.or(special.drafts),
        })
    }
}

/// Connects and logs in with the secrets read now.
pub async fn connect(db: &Db) -> anyhow::Result<ImapSession> {
    let settings = settings::imap(db.pipeline().config()).await?;
    Ok(ImapSession::connect(&settings).await?)
}

/// Whether an error is worth retrying: a network-level mailbox error, or a
/// store error (the database may be busy); a refused login, a bad
/// certificate or a bad configuration are not.
pub fn is_transient(err: &anyhow::Error) -> bool {
    match err.downcast_ref::<mailbox::Error>() {
        Some(e) => e.is_transient(),
        None => err.downcast_ref::<crate::config::Error>().is_none(),
    }
}

/// A connection made on first use, replaced after a failure.
pub struct LazySession {
    db: Db,
    session: Option<ImapSession>,
}

impl LazySession {
    /// Nothing is connected until [`LazySession::get`].
    pub fn new(db: Db) -> LazySession {
        LazySession { db, session: None }
    }

    /// Starts with an already logged-in session.
    pub fn with(db: Db, session: ImapSession) -> LazySession {
        LazySession {
            db,
            session: Some(session),
        }
    }

    /// The connection, made now if there is none.
    pub async fn get(&mut self) -> anyhow::Result<&mut ImapSession> {
        if self.session.is_none() {
            self.session = Some(connect(&self.db).await?);
        }
        self.session
            .as_mut()
            .context("the IMAP connection vanished")
    }

    /// After an error: a connection that failed at the network level is
    /// dropped, to be made again on next use.
    pub fn after_error(&mut self, err: &anyhow::Error) {
        if err
            .downcast_ref::<mailbox::Error>()
            .is_some_and(|e| e.is_transient())
        {
            self.session = None;
        }
    }

    /// Logs out, if connected.
    pub async fn close(&mut self) {
        if let Some(session) = self.session.take() {
            session.logout().await;
        }
    }
}

/// The invoices' original attachments, fetched again by location (the whole
/// original once, then the part decoded locally); one that cannot be found
/// is left out with a warning, so the reminder still goes.
pub async fn fetch_attachments(
    session: &mut ImapSession,
    fetches: Vec<AttachmentFetch>,
) -> anyhow::Result<Vec<(InvoiceId, compose::Attachment)>> {
    let found = fetch_parts(session, &fetches).await?;
    Ok(fetches
        .into_iter()
        .zip(found)
        .filter_map(|(fetch, attachment)| Some((fetch.invoice, attachment?)))
        .collect())
}

/// How many originals one FETCH brings back: about 40 KB each, so that a
/// large batch of reminders never holds hundreds of them at once.
const ORIGINALS_BATCH: usize = 50;

/// Each fetch's attachment, in the order asked (`None`, with a warning, when
/// it cannot be found): at most one EXAMINE per folder (none when it is
/// already open) and one FETCH per batch of originals, however many
/// reminders they are for.
pub async fn fetch_parts(
    session: &mut ImapSession,
    fetches: &[AttachmentFetch],
) -> anyhow::Result<Vec<Option<compose::Attachment>>> {
    let mut out = vec![None; fetches.len()];
    let place = |i: usize| {
        let at = &fetches[i].location;
        (at.folder.as_str(), at.uidvalidity)
    };
    let mut order: Vec<usize> = (0..fetches.len()).collect();
    order.sort_by_key(|&i| place(i));
    for wanted in order.chunk_by(|&a, &b| place(a) == place(b)) {
        // chunk_by never yields an empty group.
        let (folder, uidvalidity) = place(wanted[0]);
        if session.open_for_reading(folder).await? != uidvalidity {
            for &i in wanted {
                tracing::warn!(
                    invoice = fetches[i].invoice.0,
                    folder,
                    "the original moved (UIDVALIDITY changed): attachment left out"
                );
            }
            continue;
        }
        for batch in wanted.chunks(ORIGINALS_BATCH) {
            let uids: Vec<Uid> = batch
                .iter()
                .map(|&i| Uid(fetches[i].location.uid))
                .collect();
            let bodies = session.fetch_bodies(&uids).await?;
            for &i in batch {
                let fetch = &fetches[i];
                let attachment = bodies
                    .binary_search_by_key(&Uid(fetch.location.uid), |m| m.uid)
                    .ok()
                    .and_then(|at| pipeline::extract_attachment(&bodies[at].raw, &fetch.part));
                if attachment.is_none() {
                    tracing::warn!(
                        invoice = fetch.invoice.0,
                        uid = fetch.location.uid,
                        part = fetch.part,
                        "attachment not found in the original"
                    );
                }
                out[i] = attachment;
            }
        }
    }
    Ok(out)
}
