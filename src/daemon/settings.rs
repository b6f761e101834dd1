//! From the validated configuration to the mailbox adapters' settings,
//! resolving the secrets on the blocking pool each time a connection is
//! made (an OAuth2 token command may print a fresh token every time).

use std::time::Duration;

use anyhow::Context as _;

use crate::config::{self, Config, Server};
use crate::mailbox::{self, ImapSettings, Secret, SmtpSettings, TlsMode};

/// Time limit for connecting and for each IMAP command or SMTP exchange.
const TIMEOUT: Duration = mailbox::DEFAULT_TIMEOUT;

/// The IMAP settings with the password or token read now.
pub async fn imap(config: &Config) -> anyhow::Result<ImapSettings> {
    let imap = config
        .imap
        .as_ref()
        .context("the configuration has no [imap] table")?;
    let server = imap.server.clone();
    let auth = resolve(&server).await?;
    Ok(ImapSettings {
        host: server.host,
        port: server.port,
        tls: tls(server.tls),
        username: server.username,
        auth,
        ca_file: server.ca_file,
        timeout: TIMEOUT,
    })
}

/// The SMTP settings with the password or token read now; `None` when the
/// configuration has no `[smtp]` (draft and dry-run modes).
pub async fn smtp(config: &Config) -> anyhow::Result<Option<SmtpSettings>> {
    let Some(smtp) = &config.smtp else {
        return Ok(None);
    };
    let server = smtp.server.clone();
    let auth = resolve(&server).await?;
    Ok(Some(SmtpSettings {
        host: server.host,
        port: server.port,
        tls: tls(server.tls),
        credentials: Some((server.username, auth)),
        ca_file: server.ca_file,
        timeout: TIMEOUT,
    }))
}

async fn resolve(server: &Server) -> anyhow::Result<mailbox::Auth> {
    let auth = server.auth.clone();
    let value = tokio::task::spawn_blocking(move || auth.secret().resolve().map(|v| (auth, v)))
        .await
        .context("reading a secret panicked")?;
    let (auth, value) = value?;
    Ok(match auth {
        config::Auth::Password(_) => mailbox::Auth::Password(Secret::new(value)),
        config::Auth::XOAuth2(_) => mailbox::Auth::XOAuth2(Secret::new(value)),
    })
}

fn tls(tls: config::Tls) -> TlsMode {
    match tls {
        config::Tls::Implicit => TlsMode::Implicit,
        config::Tls::StartTls => TlsMode::StartTls,
        config::Tls::None => TlsMode::None,
    }
}
