//! Mailbox adapters: IMAP ([`imap`], async-imap) and SMTP ([`smtp`], lettre).
//!
//! This module moves bytes and reports typed errors; it decides nothing. Every
//! failure is a [`mailbox::Error`](Error) whose [`Error::is_transient`] tells the
//! daemon's supervisor whether retrying later can help. Unencrypted
//! connections are refused unless the host is loopback.

pub mod imap;
pub mod smtp;

use std::fmt;
use std::io;
use std::net::IpAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

pub use imap::ImapSession;
pub use smtp::SmtpClient;

/// How long a connect, a TLS handshake or one command may take before the
/// connection is reported as dead (a transient error).
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(60);

/// Transport security of a connection, as in the `tls` key of the config.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TlsMode {
    /// TLS from the first byte (IMAP 993, SMTP 465).
    Implicit,
    /// Plain connection upgraded with STARTTLS before authenticating.
    StartTls,
    /// No encryption at all: only accepted for a loopback host.
    None,
}

/// A secret (password or OAuth2 access token) that never shows in logs.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    /// Wraps a secret read from a file, an environment variable or a command.
    pub fn new(secret: impl Into<String>) -> Self {
        Secret(secret.into())
    }

    /// The secret itself, to hand to the server and nowhere else.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(***)")
    }
}

/// How to authenticate once the connection is secure.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Auth {
    /// IMAP LOGIN, SMTP AUTH PLAIN or LOGIN.
    Password(Secret),
    /// SASL XOAUTH2 with a bearer token obtained by the caller.
    XOAuth2(Secret),
}

/// Where and how to reach the IMAP server; built by the config module.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImapSettings {
    /// Host name (checked against the certificate) or IP address.
    pub host: String,
    /// TCP port, usually 993 (implicit TLS) or 143 (STARTTLS).
    pub port: u16,
    /// Transport security.
    pub tls: TlsMode,
    /// Login name.
    pub username: String,
    /// Password or token.
    pub auth: Auth,
    /// Extra PEM trust anchors, added to the system roots.
    pub ca_file: Option<PathBuf>,
    /// Limit for connecting and for each command.
    pub timeout: Duration,
}

/// Where and how to reach the SMTP submission server; built by the config module.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SmtpSettings {
    /// Host name (checked against the certificate) or IP address.
    pub host: String,
    /// TCP port, usually 465 (implicit TLS) or 587 (STARTTLS).
    pub port: u16,
    /// Transport security.
    pub tls: TlsMode,
    /// Login name and secret; `None` sends without SMTP AUTH.
    pub credentials: Option<(String, Auth)>,
    /// Extra PEM trust anchors, added to the system roots.
    pub ca_file: Option<PathBuf>,
    /// Limit for connecting and for each SMTP exchange.
    pub timeout: Duration,
}

/// An IMAP UID (unique within one folder for one UIDVALIDITY).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Uid(pub u32);

impl fmt::Display for Uid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// Everything that can go wrong while talking to the mail servers.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// `tls = "none"` was asked for a host that is not loopback.
    #[error(
        "refusing an unencrypted connection to '{host}': tls = \"none\" is only allowed for a loopback host"
    )]
    PlainToRemote { host: String },
    /// The extra CA file could not be read or holds no certificate.
    #[error("cannot use CA file '{}': {reason}", path.display())]
    CaFile { path: PathBuf, reason: String },
    /// A value cannot be sent as given (host name, folder, keyword, address).
    #[error("invalid {what} '{value}'")]
    InvalidInput { what: &'static str, value: String },
    /// TCP connection failed (refused, unreachable, DNS).
    #[error("cannot connect to {server}: {source}")]
    Connect { server: String, source: io::Error },
    /// TLS handshake failed; a certificate problem is permanent.
    #[error("TLS with {server} failed: {detail}")]
    Tls {
        server: String,
        detail: String,
        transient: bool,
    },
    /// The server did not answer in time.
    #[error("{server} did not answer {during} within {}s", limit.as_secs())]
    Timeout {
        server: String,
        during: String,
        limit: Duration,
    },
    /// Reading or writing the connection failed, or the server closed it.
    #[error("connection to {server} failed during {during}: {detail}")]
    Disconnected {
        server: String,
        during: String,
        detail: String,
    },
    /// The server rejected the credentials.
    #[error("{server} rejected the login of '{username}': {text}")]
    Auth {
        server: String,
        username: String,
        text: String,
        transient: bool,
    },
    /// An IMAP command answered NO.
    #[error("{server} refused {during}: {text}")]
    Refused {
        server: String,
        during: String,
        text: String,
        transient: bool,
    },
    /// The server's answer did not follow the protocol (BAD, unparsable data).
    #[error("unexpected answer from {server} during {during}: {detail}")]
    Protocol {
        server: String,
        during: String,
        detail: String,
    },
    /// The IMAP server has no IDLE capability: poll instead.
    #[error("{server} does not support IDLE")]
    IdleUnsupported { server: String },
    /// The SMTP server answered a negative reply code (to AUTH, MAIL, RCPT
    /// or DATA).
    #[error("{server} answered {code}: {text}")]
    SmtpRejected {
        server: String,
        code: u16,
        text: String,
    },
}

impl Error {
    /// Whether retrying later may succeed without anyone changing anything:
    /// network drops, timeouts, 4xx replies and servers saying "unavailable".
    /// Bad credentials, 5xx replies, certificate and protocol errors are not.
    pub fn is_transient(&self) -> bool {
        match self {
            Error::Connect { .. } | Error::Timeout { .. } | Error::Disconnected { .. } => true,
            Error::Tls { transient, .. }
            | Error::Auth { transient, .. }
            | Error::Refused { transient, .. } => *transient,
            Error::SmtpRejected { code, .. } => (400..500).contains(code),
            Error::PlainToRemote { .. }
            | Error::CaFile { .. }
            | Error::InvalidInput { .. }
            | Error::Protocol { .. }
            | Error::IdleUnsupported { .. } => false,
        }
    }
}

/// Whether an error chain holds a `rustls::Error` (a certificate or TLS
/// protocol failure, permanent) rather than a network failure (transient).
fn is_rustls_error(err: &(dyn std::error::Error + 'static)) -> bool {
    // `io::Error::source` skips the error it wraps, so look inside it too.
    std::iter::successors(Some(err), |e| e.source()).any(|e| {
        let wrapped = e
            .downcast_ref::<io::Error>()
            .and_then(|io| io.get_ref())
            .is_some_and(|inner| inner.is::<rustls::Error>());
        wrapped || e.is::<rustls::Error>()
    })
}

/// Refuses `TlsMode::None` unless the host is loopback (`localhost`,
/// `127.0.0.0/8`, `::1`). Names other than `localhost` are not resolved:
/// what they point to can change.
pub fn check_plain_allowed(host: &str, tls: TlsMode) -> Result<(), Error> {
    if tls != TlsMode::None || is_loopback(host) {
        return Ok(());
    }
    Err(Error::PlainToRemote {
        host: host.to_owned(),
    })
}

fn is_loopback(host: &str) -> bool {
    let host = host.trim_end_matches('.');
    if host.eq_ignore_ascii_case("localhost") {
        return true;
    }
    let bare = host
        .strip_prefix('[')
        .and_then(|h| h.strip_suffix(']'))
        .unwrap_or(host);
    bare.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

/// Reads the PEM certificates of an extra trust anchor file.
fn read_ca_file(path: &Path) -> Result<Vec<u8>, Error> {
    let pem = std::fs::read(path).map_err(|e| Error::CaFile {
        path: path.to_owned(),
        reason: e.to_string(),
    })?;
    if !pem
        .windows(b"-----BEGIN CERTIFICATE-----".len())
        .any(|w| w == b"-----BEGIN CERTIFICATE-----")
    {
        return Err(Error::CaFile {
            path: path.to_owned(),
            reason: "no PEM certificate in it".to_owned(),
        });
    }
    Ok(pem)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_is_only_allowed_to_loopback() {
        let cases = [
            ("localhost", true),
            ("LOCALHOST.", true),
            ("127.0.0.1", true),
            ("127.8.9.10", true),
            ("::1", true),
            ("[::1]", true),
            ("imap.example.fr", false),
            ("192.168.1.10", false),
            ("localhost.example.fr", false),
            ("", false),
        ];
        for (host, allowed) in cases {
            let result = check_plain_allowed(host, TlsMode::None);
            assert_eq!(result.is_ok(), allowed, "host {host:?}");
            if let Err(err) = result {
                assert!(!err.is_transient());
                assert!(err.to_string().contains(&format!("'{host}'")));
            }
        }
    }

    #[test]
    fn tls_modes_are_allowed_anywhere() {
        for tls in [TlsMode::Implicit, TlsMode::StartTls] {
            assert!(check_plain_allowed("imap.example.fr", tls).is_ok());
        }
    }

    #[test]
    fn secrets_are_not_printed() {
        let auth = Auth::Password(Secret::new("hunter2"));
        assert!(!format!("{auth:?}").contains("hunter2"));
    }

    #[test]
    fn smtp_reply_codes_decide_transience() {
        let rejected = |code| Error::SmtpRejected {
            server: "smtp.example.fr:465".into(),
            code,
            text: "x".into(),
        };
        assert!(rejected(421).is_transient());
        assert!(rejected(452).is_transient());
        assert!(!rejected(550).is_transient());
        assert!(!rejected(535).is_transient());
    }

    #[test]
    fn missing_ca_file_is_a_permanent_error() {
        let err = read_ca_file(Path::new("/nonexistent/relance-ca.pem")).unwrap_err();
        assert!(!err.is_transient());
        assert!(err.to_string().contains("relance-ca.pem"));
    }
}
