//! SMTP submission adapter over lettre (tokio, rustls): sends a message that
//! is already composed, byte for byte, to the given envelope.
//!
//! A rejection keeps the server's reply code and text so that the daemon can
//! tell a 4xx (try later) from a 5xx (give up, tell the user).

use std::error::Error as _;

use lettre::address::{Address, Envelope};
use lettre::transport::smtp::authentication::{Credentials, Mechanism};
use lettre::transport::smtp::client::{Certificate, Tls, TlsParameters};
use lettre::{AsyncSmtpTransport, AsyncTransport, Tokio1Executor};

use super::{
    Auth, Error, SmtpSettings, TlsMode, check_plain_allowed, is_rustls_error, read_ca_file,
};

/// The server's positive answer to the end of DATA.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Accepted {
    /// Reply code, normally 250.
    pub code: u16,
    /// Reply text, often with the queue id.
    pub text: String,
}

/// A configured SMTP submission client; each send opens its own connection.
pub struct SmtpClient {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    server: String,
    timeout: std::time::Duration,
}

impl std::fmt::Debug for SmtpClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SmtpClient")
            .field("server", &self.server)
            .finish()
    }
}

impl SmtpClient {
    /// Builds the client; no connection is made until [`SmtpClient::send_raw`].
    pub fn new(settings: &SmtpSettings) -> Result<SmtpClient, Error> {
        check_plain_allowed(&settings.host, settings.tls)?;
        let server = format!("{}:{}", settings.host, settings.port);
        let tls = match settings.tls {
            TlsMode::None => Tls::None,
            TlsMode::Implicit => Tls::Wrapper(tls_parameters(settings, &server)?),
            TlsMode::StartTls => Tls::Required(tls_parameters(settings, &server)?),
        };
        let mut builder =
            AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(settings.host.as_str())
                .port(settings.port)
                .tls(tls)
                .timeout(Some(settings.timeout));
        if let Some((username, auth)) = &settings.credentials {
            let (secret, mechanisms) = match auth {
                Auth::Password(p) => (p, vec![Mechanism::Plain, Mechanism::Login]),
                Auth::XOAuth2(t) => (t, vec![Mechanism::Xoauth2]),
            };
            builder = builder
                .credentials(Credentials::new(
                    username.clone(),
                    secret.expose().to_owned(),
                ))
                .authentication(mechanisms);
        }
        Ok(SmtpClient {
            transport: builder.build(),
            server,
            timeout: settings.timeout,
        })
    }

    /// Sends `raw` (a complete RFC 5322 message, CRLF line ends) from
    /// `envelope_from` to `recipients`. All recipients must be accepted.
    pub async fn send_raw(
        &self,
        envelope_from: &str,
        recipients: &[&str],
        raw: &[u8],
    ) -> Result<Accepted, Error> {
        let from = parse_address(envelope_from)?;
        let to = recipients
            .iter()
            .map(|r| parse_address(r))
            .collect::<Result<Vec<_>, _>>()?;
        let envelope = Envelope::new(Some(from), to).map_err(|e| Error::InvalidInput {
            what: "envelope",
            value: e.to_string(),
        })?;
        match self.transport.send_raw(&envelope, raw).await {
            Ok(response) => Ok(Accepted {
                code: u16::from(response.code()),
                text: response.message().collect::<Vec<_>>().join(" "),
            }),
            Err(e) => Err(self.smtp_error(e)),
        }
    }

    /// Connects, greets and says goodbye: checks the settings at startup.
    pub async fn check(&self) -> Result<(), Error> {
        match self.transport.test_connection().await {
            Ok(true) => Ok(()),
            Ok(false) => Err(Error::Disconnected {
                server: self.server.clone(),
                during: "NOOP".to_owned(),
                detail: "server did not answer NOOP".to_owned(),
            }),
            Err(e) => Err(self.smtp_error(e)),
        }
    }

    fn smtp_error(&self, err: lettre::transport::smtp::Error) -> Error {
        let server = self.server.clone();
        let detail = err
            .source()
            .map(ToString::to_string)
            .unwrap_or_else(|| err.to_string());
        if let Some(code) = err.status() {
            return Error::SmtpRejected {
                server,
                code: u16::from(code),
                text: detail,
            };
        }
        let during = "SMTP".to_owned();
        if err.is_timeout() {
            Error::Timeout {
                server,
                during,
                limit: self.timeout,
            }
        } else if err.is_tls() {
            Error::Tls {
                server,
                detail: err.to_string(),
                transient: !is_rustls_error(&err),
            }
        } else if err.is_response() || err.is_client() {
            Error::Protocol {
                server,
                during,
                detail: err.to_string(),
            }
        } else {
            // Network and connection errors: refused, reset, closed.
            Error::Disconnected {
                server,
                during,
                detail: err.to_string(),
            }
        }
    }
}

fn tls_parameters(settings: &SmtpSettings, server: &str) -> Result<TlsParameters, Error> {
    let mut builder = TlsParameters::builder(settings.host.clone());
    if let Some(path) = &settings.ca_file {
        let pem = read_ca_file(path)?;
        let cert = Certificate::from_pem(&pem).map_err(|e| Error::CaFile {
            path: path.clone(),
            reason: e.to_string(),
        })?;
        builder = builder.add_root_certificate(cert);
    }
    builder.build_rustls().map_err(|e| Error::Tls {
        server: server.to_owned(),
        detail: e.to_string(),
        transient: false,
    })
}

fn parse_address(address: &str) -> Result<Address, Error> {
    address.parse().map_err(|_| Error::InvalidInput {
        what: "e-mail address",
        value: address.to_owned(),
    })
}
