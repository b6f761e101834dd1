//! IMAP adapter over async-imap, tokio and rustls: connect and log in,
//! find the special-use folders, select, fetch headers and bodies in
//! batches, search, append, store keywords and IDLE.
//!
//! It moves bytes only: headers and bodies are returned raw for the pure
//! modules to parse. Nothing here panics on a server's answer; every failure
//! is a [`mailbox::Error`](super::Error) naming the server and the command.

use std::future::Future;
use std::io;
use std::path::Path;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use async_imap::extensions::idle::IdleResponse;
use async_imap::imap_proto::{Response, Status};
use async_imap::types::{Fetch, Flag as ImapFlag, NameAttribute, UnsolicitedResponse};
use async_imap::{Authenticator, Client, Session};
use chrono::{DateTime, FixedOffset};
use futures::TryStreamExt;
use rustls::RootCertStore;
use rustls_pki_types::pem::PemObject;
use rustls_pki_types::{CertificateDer, ServerName};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::TcpStream;
use tokio_rustls::TlsConnector;
use tokio_rustls::client::TlsStream;

use super::{
    Auth, Error, ImapSettings, TlsMode, Uid, check_plain_allowed, is_rustls_error, read_ca_file,
};

/// Header fields fetched for every message during a sync: enough to thread,
/// to spot invoices and auto-replies, without downloading bodies.
pub const HEADER_FIELDS: &str = "MESSAGE-ID IN-REPLY-TO REFERENCES FROM TO CC SUBJECT DATE \
     AUTO-SUBMITTED CONTENT-TYPE X-AUTOREPLY X-AUTORESPOND PRECEDENCE RETURN-PATH";

/// Messages per `UID FETCH` of headers; small enough for any server's limits.
const HEADER_BATCH: usize = 200;
/// Messages per `UID FETCH` of full bodies: the daemon's sync asks for 50
/// at a time, in one round trip rather than two (a first sync of 100,000
/// messages 3 % faster than with 25, for a megabyte more at its peak).
const BODY_BATCH: usize = 50;

/// Names tried, in order, when the server marks no folder `\Sent` or `\Drafts`
/// (wire names: non-ASCII ones are in IMAP's modified UTF-7).
const SENT_NAMES: &[&str] = &[
    "Sent",
    "Sent Items",
    "Sent Messages",
    "Sent Mail",
    "INBOX.Sent",
    "INBOX/Sent",
    "Envoy&AOk-s",
    "&AMk-l&AOk-ments envoy&AOk-s",
    "[Gmail]/Sent Mail",
];
const DRAFTS_NAMES: &[&str] = &[
    "Drafts",
    "Draft",
    "INBOX.Drafts",
    "INBOX/Drafts",
    "Brouillons",
    "[Gmail]/Drafts",
];

/// A message flag, system or keyword, as stored on the server.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Flag {
    Seen,
    Answered,
    Flagged,
    Deleted,
    Draft,
    Recent,
    /// A keyword such as `relance-paid` or `$Forwarded`.
    Keyword(String),
}

impl Flag {
    fn wire(&self) -> &str {
        match self {
            Flag::Seen => "\\Seen",
            Flag::Answered => "\\Answered",
            Flag::Flagged => "\\Flagged",
            Flag::Deleted => "\\Deleted",
            Flag::Draft => "\\Draft",
            Flag::Recent => "\\Recent",
            Flag::Keyword(k) => k,
        }
    }

    fn from_imap(flag: ImapFlag<'_>) -> Option<Flag> {
        Some(match flag {
            ImapFlag::Seen => Flag::Seen,
            ImapFlag::Answered => Flag::Answered,
            ImapFlag::Flagged => Flag::Flagged,
            ImapFlag::Deleted => Flag::Deleted,
            ImapFlag::Draft => Flag::Draft,
            ImapFlag::Recent => Flag::Recent,
            ImapFlag::Custom(k) => Flag::Keyword(k.into_owned()),
            ImapFlag::MayCreate => return None,
        })
    }
}

/// The folders that a mail client files sent messages and drafts into.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SpecialFolders {
    pub sent: Option<String>,
    pub drafts: Option<String>,
}

/// What `SELECT`/`EXAMINE` says about a folder.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FolderState {
    /// When this changes, every UID known for the folder is void.
    pub uid_validity: u32,
    /// The UID the next message will get, if the server says.
    pub uid_next: Option<Uid>,
    /// Number of messages.
    pub exists: u32,
}

/// The header fields of [`HEADER_FIELDS`] of one message, with its metadata.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HeaderSummary {
    pub uid: Uid,
    pub flags: Vec<Flag>,
    pub internal_date: Option<DateTime<FixedOffset>>,
    pub size: Option<u32>,
    /// Raw header lines, CRLF-terminated, ending with the empty line.
    pub header: Vec<u8>,
}

/// One whole message as stored on the server.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawMessage {
    pub uid: Uid,
    pub flags: Vec<Flag>,
    pub raw: Vec<u8>,
}

/// How an IDLE wait ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IdleEvent {
    /// The selected folder changed (new, expunged or re-flagged messages);
    /// may be spurious, so the caller resyncs by UID rather than trusting it.
    Changed,
    /// Nothing happened within the limit; re-issue IDLE (before 29 minutes).
    TimedOut,
}

/// A logged-in IMAP connection.
#[derive(Debug)]
pub struct ImapSession {
    /// `None` once a timeout or a failed IDLE left the connection unusable.
    session: Option<Session<Stream>>,
    peer: Peer,
    idle: bool,
    /// The folder selected, with the UIDVALIDITY its SELECT or EXAMINE
    /// reported, and whether it was EXAMINE (read-only).
    selected: Option<(String, u32, bool)>,
}

impl ImapSession {
    /// Connects, secures the connection as asked, logs in and reads the
    /// capabilities.
    pub async fn connect(settings: &ImapSettings) -> Result<ImapSession, Error> {
        check_plain_allowed(&settings.host, settings.tls)?;
        let peer = Peer {
            server: format!("{}:{}", settings.host, settings.port),
            limit: settings.timeout,
        };
        let stream = open_stream(settings, &peer).await?;
        let mut client = Client::new(stream);
        if settings.tls != TlsMode::StartTls {
            read_greeting(&mut client, &peer).await?;
        }
        let mut session = login(client, settings, &peer).await?;
        let caps = peer
            .run("CAPABILITY", async { session.capabilities().await })
            .await?;
        let idle = caps.has_str("IDLE");
        Ok(ImapSession {
            session: Some(session),
            peer,
            idle,
            selected: None,
        })
    }

    /// The folder selected read-write now, and its UIDVALIDITY.
    pub fn selected(&self) -> Option<(&str, u32)> {
        match &self.selected {
            Some((folder, validity, false)) => Some((folder.as_str(), *validity)),
            _ => None,
        }
    }

    /// `folder` open for reading, and its UIDVALIDITY: the selection the
    /// session holds if it is that folder (read-only or not), else an
    /// EXAMINE. A SELECT or EXAMINE of a large folder costs the server
    /// tens of milliseconds; fetching originals batch after batch from the
    /// same folder needs only one.
    pub async fn open_for_reading(&mut self, folder: &str) -> Result<u32, Error> {
        match &self.selected {
            Some((open, validity, _)) if open == folder => Ok(*validity),
            _ => Ok(self.examine(folder).await?.uid_validity),
        }
    }

    /// Whether the server offers IDLE; without it the caller polls.
    pub fn has_idle(&self) -> bool {
        self.idle
    }

    /// Finds Sent and Drafts by their RFC 6154 attributes, else by common names.
    pub async fn special_folders(&mut self) -> Result<SpecialFolders, Error> {
        let (session, peer) = self.parts("LIST")?;
        let names = peer
            .run("LIST", async {
                session
                    .list(Some(""), Some("*"))
                    .await?
                    .try_collect::<Vec<_>>()
                    .await
            })
            .await;
        let names = self.check(names)?;
        let mut found = SpecialFolders::default();
        let mut all = Vec::new();
        for name in &names {
            let attrs = name.attributes();
            if attrs.contains(&NameAttribute::NoSelect) {
                continue;
            }
            if attrs.contains(&NameAttribute::Sent) && found.sent.is_none() {
                found.sent = Some(name.name().to_owned());
            }
            if attrs.contains(&NameAttribute::Drafts) && found.drafts.is_none() {
                found.drafts = Some(name.name().to_owned());
            }
            all.push(name.name());
        }
        let by_name = |candidates: &[&str]| {
            candidates.iter().find_map(|c| {
                all.iter()
                    .find(|n| n.eq_ignore_ascii_case(c))
                    .map(|n| (*n).to_owned())
            })
        };
        if found.sent.is_none() {
            found.sent = by_name(SENT_NAMES);
        }
        if found.drafts.is_none() {
            found.drafts = by_name(DRAFTS_NAMES);
        }
        Ok(found)
    }

    /// Selects a folder read-write.
    pub async fn select(&mut self, folder: &str) -> Result<FolderState, Error> {
        self.open_folder(folder, false).await
    }

    /// Selects a folder read-only (flags are not touched by fetches).
    pub async fn examine(&mut self, folder: &str) -> Result<FolderState, Error> {
        self.open_folder(folder, true).await
    }

    async fn open_folder(&mut self, folder: &str, read_only: bool) -> Result<FolderState, Error> {
        let during = format!(
            "{} '{folder}'",
            if read_only { "EXAMINE" } else { "SELECT" }
        );
        self.selected = None;
        let (session, peer) = self.parts(&during)?;
        let mailbox = peer
            .run(&during, async {
                if read_only {
                    session.examine(folder).await
                } else {
                    session.select(folder).await
                }
            })
            .await;
        let mailbox = self.check(mailbox)?;
        let (session, peer) = self.parts(&during)?;
        // What happened before this SELECT is about another state.
        while session.unsolicited_responses.try_recv().is_ok() {}
        let uid_validity = mailbox.uid_validity.ok_or_else(|| Error::Protocol {
            server: peer.server.clone(),
            during,
            detail: "no UIDVALIDITY in the answer".to_owned(),
        })?;
        self.selected = Some((folder.to_owned(), uid_validity, read_only));
        Ok(FolderState {
            uid_validity,
            uid_next: mailbox.uid_next.map(Uid),
            exists: mailbox.exists,
        })
    }

    /// UIDs of the selected folder matching an IMAP search, ascending.
    /// `criteria` is trusted IMAP syntax built by this module.
    async fn uid_search(&mut self, criteria: &str) -> Result<Vec<Uid>, Error> {
        let during = format!("UID SEARCH {criteria}");
        let (session, peer) = self.parts(&during)?;
        let found = peer
            .run(&during, async { session.uid_search(criteria).await })
            .await;
        let mut uids: Vec<Uid> = self.check(found)?.into_iter().map(Uid).collect();
        uids.sort_unstable();
        Ok(uids)
    }

    /// UIDs present in the selected folder between `first` and `last`.
    pub async fn uids_in(&mut self, first: Uid, last: Uid) -> Result<Vec<Uid>, Error> {
        if first > last {
            return Ok(Vec::new());
        }
        // `a:b` matches the last message even when its UID is below `a`.
        let uids = self.uid_search(&format!("UID {first}:{last}")).await?;
        Ok(uids
            .into_iter()
            .filter(|u| *u >= first && *u <= last)
            .collect())
    }

    /// Header fields, flags, date and size of the messages with UIDs in
    /// `first..=last`, ascending by UID. The UIDs present are searched first,
    /// so sparse ranges cost nothing; see [`ImapSession::fetch_headers_of`].
    pub async fn fetch_headers(
        &mut self,
        first: Uid,
        last: Uid,
    ) -> Result<Vec<HeaderSummary>, Error> {
        let uids = self.uids_in(first, last).await?;
        self.fetch_headers_of(&uids).await
    }

    /// Header fields, flags, date and size of the given messages, ascending
    /// by UID, fetched in batches (`UID FETCH <set> (UID FLAGS INTERNALDATE
    /// RFC822.SIZE BODY.PEEK[HEADER.FIELDS (...)])`) so no command grows
    /// unbounded. UIDs that no longer exist are skipped.
    pub async fn fetch_headers_of(&mut self, uids: &[Uid]) -> Result<Vec<HeaderSummary>, Error> {
        let query = format!(
            "(UID FLAGS INTERNALDATE RFC822.SIZE BODY.PEEK[HEADER.FIELDS ({HEADER_FIELDS})])"
        );
        let mut out = Vec::with_capacity(uids.len());
        for batch in uids.chunks(HEADER_BATCH) {
            for fetch in self.uid_fetch(batch, &query).await? {
                let Some(uid) = fetch.uid.map(Uid) else {
                    continue;
                };
                if !batch.contains(&uid) {
                    continue;
                }
                out.push(HeaderSummary {
                    uid,
                    flags: flags_of(&fetch),
                    internal_date: fetch.internal_date(),
                    size: fetch.size,
                    header: fetch.header().unwrap_or_default().to_vec(),
                });
            }
        }
        out.sort_by_key(|h| h.uid);
        Ok(out)
    }

    /// Whole messages (`BODY.PEEK[]`, the \Seen flag is left alone) for the
    /// given UIDs of the selected folder; UIDs that no longer exist are skipped.
    pub async fn fetch_bodies(&mut self, uids: &[Uid]) -> Result<Vec<RawMessage>, Error> {
        let mut uids = uids.to_vec();
        uids.sort_unstable();
        uids.dedup();
        let mut out = Vec::with_capacity(uids.len());
        for batch in uids.chunks(BODY_BATCH) {
            for fetch in self.uid_fetch(batch, "(UID FLAGS BODY.PEEK[])").await? {
                let (Some(uid), Some(raw)) = (fetch.uid.map(Uid), fetch.body()) else {
                    continue;
                };
                if batch.contains(&uid) {
                    out.push(RawMessage {
                        uid,
                        flags: flags_of(&fetch),
                        raw: raw.to_vec(),
                    });
                }
            }
        }
        out.sort_by_key(|m| m.uid);
        Ok(out)
    }

    /// Flags of the given UIDs of the selected folder.
    pub async fn fetch_flags(&mut self, uids: &[Uid]) -> Result<Vec<(Uid, Vec<Flag>)>, Error> {
        let mut out = Vec::new();
        for batch in uids.chunks(HEADER_BATCH) {
            for fetch in self.uid_fetch(batch, "(UID FLAGS)").await? {
                if let Some(uid) = fetch.uid.map(Uid) {
                    out.push((uid, flags_of(&fetch)));
                }
            }
        }
        out.sort_by_key(|(uid, _)| *uid);
        Ok(out)
    }

    /// Whether the message carries `keyword` (for example `relance-stop`).
    pub async fn has_keyword(&mut self, uid: Uid, keyword: &str) -> Result<bool, Error> {
        let wanted = Flag::Keyword(keyword.to_owned());
        let flags = self.fetch_flags(&[uid]).await?;
        Ok(flags.iter().any(|(u, f)| *u == uid && f.contains(&wanted)))
    }

    /// UIDs of the selected folder that carry `keyword`.
    pub async fn search_keyword(&mut self, keyword: &str) -> Result<Vec<Uid>, Error> {
        check_keyword(keyword)?;
        self.uid_search(&format!("KEYWORD {keyword}")).await
    }

    /// UIDs of the selected folder whose Message-ID header contains
    /// `message_id` (angle brackets added when missing).
    pub async fn search_message_id(&mut self, message_id: &str) -> Result<Vec<Uid>, Error> {
        let id = message_id.trim();
        let id = if id.starts_with('<') {
            id.to_owned()
        } else {
            format!("<{id}>")
        };
        if id.len() < 3 || !id.bytes().all(|b| b.is_ascii_graphic()) {
            return Err(Error::InvalidInput {
                what: "Message-ID",
                value: message_id.to_owned(),
            });
        }
        self.uid_search(&format!("HEADER Message-ID {}", quote(&id)))
            .await
    }

    /// Adds keywords to messages of the selected folder.
    pub async fn add_keywords(&mut self, uids: &[Uid], keywords: &[&str]) -> Result<(), Error> {
        self.store_keywords(uids, keywords, '+').await
    }

    /// Removes keywords from messages of the selected folder.
    pub async fn remove_keywords(&mut self, uids: &[Uid], keywords: &[&str]) -> Result<(), Error> {
        self.store_keywords(uids, keywords, '-').await
    }

    async fn store_keywords(
        &mut self,
        uids: &[Uid],
        keywords: &[&str],
        sign: char,
    ) -> Result<(), Error> {
        for k in keywords {
            check_keyword(k)?;
        }
        if uids.is_empty() || keywords.is_empty() {
            return Ok(());
        }
        let set = uid_set(uids);
        let query = format!("{sign}FLAGS.SILENT ({})", keywords.join(" "));
        let during = format!("UID STORE {set} {query}");
        let (session, peer) = self.parts(&during)?;
        let stored = peer
            .run(&during, async {
                session
                    .uid_store(&set, &query)
                    .await?
                    .try_collect::<Vec<_>>()
                    .await
            })
            .await;
        self.check(stored).map(drop)
    }

    /// Appends a message to `folder` with the given flags (for example
    /// \Seen for a copy in Sent, \Draft for a draft).
    pub async fn append(&mut self, folder: &str, raw: &[u8], flags: &[Flag]) -> Result<(), Error> {
        if folder.is_empty()
            || folder
                .bytes()
                .any(|b| matches!(b, b'"' | b'\\' | b'\r' | b'\n'))
        {
            return Err(Error::InvalidInput {
                what: "folder name",
                value: folder.to_owned(),
            });
        }
        for flag in flags {
            match flag {
                Flag::Recent => {
                    return Err(Error::InvalidInput {
                        what: "APPEND flag",
                        value: "\\Recent".to_owned(),
                    });
                }
                Flag::Keyword(k) => check_keyword(k)?,
                _ => {}
            }
        }
        let flag_list = format!(
            "({})",
            flags.iter().map(Flag::wire).collect::<Vec<_>>().join(" ")
        );
        let during = format!("APPEND to '{folder}'");
        let (session, peer) = self.parts(&during)?;
        let appended = peer
            .run(&during, async {
                session.append(folder, Some(&flag_list), None, raw).await
            })
            .await;
        self.check(appended)
    }

    /// Asks the server for news on the selected folder (the polling fallback,
    /// and a liveness check).
    pub async fn noop(&mut self) -> Result<(), Error> {
        let (session, peer) = self.parts("NOOP")?;
        let done = peer.run("NOOP", async { session.noop().await }).await;
        self.check(done)
    }

    /// Waits on the selected folder with IDLE until it changes or `limit`
    /// passes. The caller re-issues it, with a `limit` under 29 minutes.
    pub async fn idle_wait(&mut self, limit: Duration) -> Result<IdleEvent, Error> {
        if !self.idle {
            return Err(Error::IdleUnsupported {
                server: self.peer.server.clone(),
            });
        }
        let (session, _) = self.parts("IDLE")?;
        if pending_changes(session) {
            return Ok(IdleEvent::Changed);
        }
        let Some(session) = self.session.take() else {
            return Ok(IdleEvent::Changed);
        };
        // From here on, any failure leaves `self.session` empty: the
        // connection is in an unknown state and must be replaced.
        let peer = &self.peer;
        let mut handle = session.idle();
        peer.run("IDLE", handle.init()).await?;
        let event = {
            let (wait, _interrupt) = handle.wait_with_timeout(limit);
            match tokio::time::timeout(limit, wait).await {
                Err(_) | Ok(Ok(IdleResponse::Timeout)) => IdleEvent::TimedOut,
                Ok(Ok(IdleResponse::NewData(_))) => IdleEvent::Changed,
                Ok(Ok(IdleResponse::ManualInterrupt)) => {
                    return Err(peer.disconnected("IDLE", "server closed the connection"));
                }
                Ok(Err(e)) => return Err(peer.imap_error("IDLE", e)),
            }
        };
        let mut session = peer.run("IDLE DONE", handle.done()).await?;
        // Changes announced while IDLE was being set up or torn down.
        let event = if pending_changes(&mut session) {
            IdleEvent::Changed
        } else {
            event
        };
        self.session = Some(session);
        Ok(event)
    }

    /// Says goodbye; errors are ignored since the connection ends anyway.
    pub async fn logout(mut self) {
        if let Some(mut session) = self.session.take() {
            let _ = tokio::time::timeout(self.peer.limit, session.logout()).await;
        }
    }

    async fn uid_fetch(&mut self, uids: &[Uid], query: &str) -> Result<Vec<Fetch>, Error> {
        if uids.is_empty() {
            return Ok(Vec::new());
        }
        let set = uid_set(uids);
        let during = format!("UID FETCH {set}");
        let (session, peer) = self.parts(&during)?;
        let fetched = peer
            .run(&during, async {
                session
                    .uid_fetch(&set, query)
                    .await?
                    .try_collect::<Vec<_>>()
                    .await
            })
            .await;
        self.check(fetched)
    }

    fn parts(&mut self, during: &str) -> Result<(&mut Session<Stream>, &Peer), Error> {
        match self.session.as_mut() {
            Some(session) => Ok((session, &self.peer)),
            None => Err(self.peer.disconnected(
                during,
                "the connection was abandoned after an earlier failure",
            )),
        }
    }

    /// Drops the connection after errors that leave it in an unknown state.
    fn check<T>(&mut self, result: Result<T, Error>) -> Result<T, Error> {
        if let Err(Error::Timeout { .. } | Error::Disconnected { .. }) = &result {
            self.session = None;
        }
        result
    }
}

/// Server identity and time limit, for error messages and timeouts.
#[derive(Debug)]
struct Peer {
    server: String,
    limit: Duration,
}

impl Peer {
    async fn run<T>(
        &self,
        during: &str,
        fut: impl Future<Output = async_imap::error::Result<T>>,
    ) -> Result<T, Error> {
        match tokio::time::timeout(self.limit, fut).await {
            Ok(result) => result.map_err(|e| self.imap_error(during, e)),
            Err(_) => Err(Error::Timeout {
                server: self.server.clone(),
                during: during.to_owned(),
                limit: self.limit,
            }),
        }
    }

    fn disconnected(&self, during: &str, detail: &str) -> Error {
        Error::Disconnected {
            server: self.server.clone(),
            during: during.to_owned(),
            detail: detail.to_owned(),
        }
    }

    fn imap_error(&self, during: &str, err: async_imap::error::Error) -> Error {
        use async_imap::error::Error as E;
        let server = self.server.clone();
        let during = during.to_owned();
        match err {
            E::Io(e) => Error::Disconnected {
                server,
                during,
                detail: e.to_string(),
            },
            E::ConnectionLost => self.disconnected(&during, "server closed the connection"),
            E::No(text) => Error::Refused {
                server,
                during,
                transient: says_unavailable(&text),
                text: tidy(&text),
            },
            E::Bad(text) => Error::Protocol {
                server,
                during,
                detail: format!("BAD {}", tidy(&text)),
            },
            E::Validate(e) => Error::InvalidInput {
                what: "IMAP argument",
                value: e.to_string(),
            },
            E::Append => Error::Protocol {
                server,
                during,
                detail: "no continuation for the message".to_owned(),
            },
            other => Error::Protocol {
                server,
                during,
                detail: other.to_string(),
            },
        }
    }
}

async fn open_stream(settings: &ImapSettings, peer: &Peer) -> Result<Stream, Error> {
    let tcp = connect_tcp(&settings.host, settings.port, peer).await?;
    match settings.tls {
        TlsMode::None => Ok(Stream::Plain(tcp)),
        TlsMode::Implicit => tls_handshake(tcp, settings, peer).await,
        TlsMode::StartTls => {
            let mut client = Client::new(tcp);
            read_greeting(&mut client, peer).await?;
            let upgrade = peer
                .run("STARTTLS", async {
                    client.run_command_and_check_ok("STARTTLS", None).await
                })
                .await;
            if let Err(Error::Refused { text, .. } | Error::Protocol { detail: text, .. }) = upgrade
            {
                return Err(Error::Protocol {
                    server: peer.server.clone(),
                    during: "STARTTLS".to_owned(),
                    detail: format!(
                        "STARTTLS refused ({text}); use tls = \"implicit\" or another port"
                    ),
                });
            }
            upgrade?;
            // Bytes buffered past the OK are dropped here on purpose: nothing
            // sent before the handshake may be trusted (STARTTLS injection).
            tls_handshake(client.into_inner(), settings, peer).await
        }
    }
}

async fn connect_tcp(host: &str, port: u16, peer: &Peer) -> Result<TcpStream, Error> {
    match tokio::time::timeout(peer.limit, TcpStream::connect((host, port))).await {
        Ok(Ok(tcp)) => Ok(tcp),
        Ok(Err(source)) => Err(Error::Connect {
            server: peer.server.clone(),
            source,
        }),
        Err(_) => Err(Error::Timeout {
            server: peer.server.clone(),
            during: "connect".to_owned(),
            limit: peer.limit,
        }),
    }
}

async fn tls_handshake(
    tcp: TcpStream,
    settings: &ImapSettings,
    peer: &Peer,
) -> Result<Stream, Error> {
    let name = ServerName::try_from(settings.host.clone()).map_err(|_| Error::InvalidInput {
        what: "server name",
        value: settings.host.clone(),
    })?;
    let connector = tls_connector(settings.ca_file.as_deref())?;
    match tokio::time::timeout(peer.limit, connector.connect(name, tcp)).await {
        Ok(Ok(tls)) => Ok(Stream::Tls(Box::new(tls))),
        Ok(Err(e)) => Err(Error::Tls {
            server: peer.server.clone(),
            detail: e.to_string(),
            transient: !is_rustls_error(&e),
        }),
        Err(_) => Err(Error::Timeout {
            server: peer.server.clone(),
            during: "TLS handshake".to_owned(),
            limit: peer.limit,
        }),
    }
}

/// Trust anchors: the system's roots plus the optional extra CA file.
fn tls_connector(ca_file: Option<&Path>) -> Result<TlsConnector, Error> {
    let mut roots = RootCertStore::empty();
    roots.add_parsable_certificates(rustls_native_certs::load_native_certs().certs);
    if let Some(path) = ca_file {
        let pem = read_ca_file(path)?;
        for cert in CertificateDer::pem_slice_iter(&pem) {
            let added = cert
                .map_err(|e| e.to_string())
                .and_then(|c| roots.add(c).map_err(|e| e.to_string()));
            if let Err(reason) = added {
                return Err(Error::CaFile {
                    path: path.to_owned(),
                    reason,
                });
            }
        }
    }
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| Error::Tls {
            server: String::new(),
            detail: e.to_string(),
            transient: false,
        })?
        .with_root_certificates(roots)
        .with_no_client_auth();
    Ok(TlsConnector::from(Arc::new(config)))
}

async fn read_greeting<T>(client: &mut Client<T>, peer: &Peer) -> Result<(), Error>
where
    T: AsyncRead + AsyncWrite + Unpin + std::fmt::Debug + Send,
{
    let greeting = match tokio::time::timeout(peer.limit, client.read_response()).await {
        Err(_) => {
            return Err(Error::Timeout {
                server: peer.server.clone(),
                during: "greeting".to_owned(),
                limit: peer.limit,
            });
        }
        Ok(None) => return Err(peer.disconnected("greeting", "server closed the connection")),
        Ok(Some(Err(e))) => return Err(peer.disconnected("greeting", &e.to_string())),
        Ok(Some(Ok(greeting))) => greeting,
    };
    match greeting.parsed() {
        Response::Data {
            status: Status::Ok | Status::PreAuth,
            ..
        } => Ok(()),
        Response::Data {
            status: Status::Bye,
            information,
            ..
        } => Err(Error::Refused {
            server: peer.server.clone(),
            during: "greeting".to_owned(),
            text: information.as_deref().unwrap_or("BYE").to_owned(),
            transient: true,
        }),
        other => Err(Error::Protocol {
            server: peer.server.clone(),
            during: "greeting".to_owned(),
            detail: format!("{other:?}"),
        }),
    }
}

async fn login(
    client: Client<Stream>,
    settings: &ImapSettings,
    peer: &Peer,
) -> Result<Session<Stream>, Error> {
    let attempt = async {
        match &settings.auth {
            Auth::Password(secret) => client.login(&settings.username, secret.expose()).await,
            Auth::XOAuth2(token) => {
                let auth = XOAuth2::new(&settings.username, token.expose());
                client.authenticate("XOAUTH2", auth).await
            }
        }
    };
    let result = match tokio::time::timeout(peer.limit, attempt).await {
        Ok(result) => result.map_err(|(e, _client)| e),
        Err(_) => {
            return Err(Error::Timeout {
                server: peer.server.clone(),
                during: "login".to_owned(),
                limit: peer.limit,
            });
        }
    };
    result.map_err(|e| match e {
        async_imap::error::Error::No(text) | async_imap::error::Error::Bad(text) => Error::Auth {
            server: peer.server.clone(),
            username: settings.username.clone(),
            transient: says_unavailable(&text),
            text: tidy(&text),
        },
        other => peer.imap_error("login", other),
    })
}

/// SASL XOAUTH2 initial response; a second challenge carries the server's
/// JSON error, answered with an empty line so that the server sends its NO.
struct XOAuth2 {
    response: Option<String>,
}

impl XOAuth2 {
    fn new(user: &str, token: &str) -> Self {
        XOAuth2 {
            response: Some(format!("user={user}\x01auth=Bearer {token}\x01\x01")),
        }
    }
}

impl Authenticator for XOAuth2 {
    type Response = String;

    fn process(&mut self, _challenge: &[u8]) -> String {
        self.response.take().unwrap_or_default()
    }
}

/// Whether unsolicited responses arrived; drains them either way.
fn pending_changes(session: &mut Session<Stream>) -> bool {
    let mut changed = false;
    while let Ok(response) = session.unsolicited_responses.try_recv() {
        changed |= !matches!(response, UnsolicitedResponse::Status { .. });
    }
    changed
}

fn flags_of(fetch: &Fetch) -> Vec<Flag> {
    fetch.flags().filter_map(Flag::from_imap).collect()
}

/// RFC 5530 response codes that say "try again later".
fn says_unavailable(text: &str) -> bool {
    let upper = text.to_ascii_uppercase();
    ["UNAVAILABLE", "INUSE", "SERVERBUG"]
        .iter()
        .any(|code| upper.contains(code))
}

/// async-imap formats NO/BAD as `code: .., info: Some("text")`; keeps the text.
fn tidy(text: &str) -> String {
    text.split_once("info: Some(\"")
        .and_then(|(_, rest)| rest.rsplit_once("\")"))
        .map(|(info, _)| info.to_owned())
        .unwrap_or_else(|| text.to_owned())
}

/// A keyword must be an IMAP atom and not a system flag.
fn check_keyword(keyword: &str) -> Result<(), Error> {
    let valid = !keyword.is_empty()
        && !keyword.starts_with('\\')
        && keyword
            .bytes()
            .all(|b| b.is_ascii_graphic() && !b"(){%*\"\\]".contains(&b));
    if valid {
        Ok(())
    } else {
        Err(Error::InvalidInput {
            what: "IMAP keyword",
            value: keyword.to_owned(),
        })
    }
}

/// An IMAP quoted string (the caller has excluded CR, LF and non-ASCII).
fn quote(s: &str) -> String {
    format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
}

/// A compact UID set: `1:3,7,9:10`.
fn uid_set(uids: &[Uid]) -> String {
    let mut sorted: Vec<u32> = uids.iter().map(|u| u.0).collect();
    sorted.sort_unstable();
    sorted.dedup();
    let mut parts: Vec<String> = Vec::new();
    let mut iter = sorted.into_iter().peekable();
    while let Some(start) = iter.next() {
        let mut end = start;
        while iter.peek() == Some(&(end.wrapping_add(1))) && end != u32::MAX {
            end += 1;
            iter.next();
        }
        parts.push(if start == end {
            start.to_string()
        } else {
            format!("{start}:{end}")
        });
    }
    parts.join(",")
}

/// The connection under a session: TLS, or plain TCP to loopback.
#[derive(Debug)]
enum Stream {
    Tls(Box<TlsStream<TcpStream>>),
    Plain(TcpStream),
}

impl AsyncRead for Stream {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        match self.get_mut() {
            Stream::Tls(s) => Pin::new(s.as_mut()).poll_read(cx, buf),
            Stream::Plain(s) => Pin::new(s).poll_read(cx, buf),
        }
    }
}

impl AsyncWrite for Stream {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        match self.get_mut() {
            Stream::Tls(s) => Pin::new(s.as_mut()).poll_write(cx, buf),
            Stream::Plain(s) => Pin::new(s).poll_write(cx, buf),
        }
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        match self.get_mut() {
            Stream::Tls(s) => Pin::new(s.as_mut()).poll_flush(cx),
            Stream::Plain(s) => Pin::new(s).poll_flush(cx),
        }
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        match self.get_mut() {
            Stream::Tls(s) => Pin::new(s.as_mut()).poll_shutdown(cx),
            Stream::Plain(s) => Pin::new(s).poll_shutdown(cx),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uid_sets_are_compact() {
        let set = |v: &[u32]| uid_set(&v.iter().copied().map(Uid).collect::<Vec<_>>());
        assert_eq!(set(&[]), "");
        assert_eq!(set(&[5]), "5");
        assert_eq!(set(&[3, 1, 2, 2, 7, 9, 10]), "1:3,7,9:10");
        assert_eq!(
            set(&[u32::MAX - 1, u32::MAX]),
            format!("{}:{}", u32::MAX - 1, u32::MAX)
        );
    }

    #[test]
    fn keywords_must_be_atoms() {
        for good in ["relance-stop", "relance-paid", "$Forwarded"] {
            assert!(check_keyword(good).is_ok(), "{good}");
        }
        for bad in ["", "\\Seen", "two words", "a(b", "quote\"d", "é", "x]"] {
            assert!(check_keyword(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn no_texts_are_tidied_and_classified() {
        let raw = r#"code: None, info: Some("[UNAVAILABLE] Temporary authentication failure.")"#;
        assert_eq!(tidy(raw), "[UNAVAILABLE] Temporary authentication failure.");
        assert!(says_unavailable(raw));
        let raw = r#"code: None, info: Some("[AUTHENTICATIONFAILED] Authentication failed.")"#;
        assert!(!says_unavailable(raw));
        assert_eq!(tidy("plain text"), "plain text");
    }

    #[test]
    fn xoauth2_answers_once_then_empty() {
        let mut auth = XOAuth2::new("claire@example.fr", "tok");
        assert_eq!(
            auth.process(b""),
            "user=claire@example.fr\x01auth=Bearer tok\x01\x01"
        );
        assert_eq!(auth.process(b"{\"status\":\"401\"}"), "");
    }

    #[test]
    fn quoting_escapes_specials() {
        assert_eq!(quote(r#"<a"b\c@x>"#), r#""<a\"b\\c@x>""#);
    }
}
