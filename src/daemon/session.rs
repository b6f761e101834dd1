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
    let mut out = Vec::new();
    for fetch in fetches {
        let state = session.examine(&fetch.location.folder).await?;
        if state.uid_validity != fetch.location.uidvalidity {
            tracing::warn!(
                invoice = fetch.invoice.0,
                folder = fetch.location.folder,
                "the original moved (UIDVALIDITY changed): attachment left out"
            );
            continue;
        }
        let bodies = session.fetch_bodies(&[Uid(fetch.location.uid)]).await?;
        match bodies
            .first()
            .and_then(|m| pipeline::extract_attachment(&m.raw, &fetch.part))
        {
            Some(attachment) => out.push((fetch.invoice, attachment)),
            None => tracing::warn!(
                invoice = fetch.invoice.0,
                uid = fetch.location.uid,
                part = fetch.part,
                "attachment not found in the original"
            ),
        }
    }
    Ok(out)
}
