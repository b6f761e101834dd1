//! The configuration file as written: serde structs that mirror the TOML
//! one to one (kebab-case keys, unknown keys refused). Values that need
//! checking keep their span so validation can point at them.
//!
//! The `///` on each field is the user-facing meaning; docs/configuration.md
//! says the same with defaults and examples.

use std::path::PathBuf;

use serde::Deserialize;
use serde_spanned::Spanned;

pub(crate) use super::raw_sequence::{
    RawClient, RawDate, RawDetect, RawLogging, RawPenalties, RawSequence, RawTemplates,
};

/// A value with its byte span in the file.
pub(crate) type S<T> = Spanned<T>;

/// The whole file.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub(crate) struct RawConfig {
    /// Who the reminders come from. Required.
    pub company: Option<S<RawCompany>>,
    /// Where the daemon keeps its state.
    #[serde(default)]
    pub state: RawState,
    /// The mailbox that is watched. Required.
    pub imap: Option<S<RawImap>>,
    /// How reminders leave. Required when `sequence.mode = "send"`.
    pub smtp: Option<S<RawSmtp>>,
    /// How sent mail is recognised as an invoice.
    #[serde(default)]
    pub detect: RawDetect,
    /// The reminder ladder and when messages may leave.
    #[serde(default)]
    pub sequence: RawSequence,
    /// Late-payment penalties stated in reminders and notices.
    #[serde(default)]
    pub penalties: RawPenalties,
    /// Where the user's own message templates live.
    #[serde(default)]
    pub templates: RawTemplates,
    /// Per-client overrides, one `[[client]]` table each.
    #[serde(default)]
    pub client: Vec<S<RawClient>>,
    /// What the daemon logs and how.
    #[serde(default)]
    pub logging: RawLogging,
}

/// `[company]`: the sender's identity.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub(crate) struct RawCompany {
    /// Trading name shown in messages ("Atelier Dupont").
    pub name: String,
    /// The user's address: From of reminders, To of tasks and alerts.
    pub email: S<String>,
    /// Display name on reminders; defaults to `name`.
    pub sender_name: Option<String>,
    /// `fr` or `en`: language of templates and formatting. Default `fr`.
    pub language: Option<S<String>>,
    /// IANA time zone of the sending window and dates. Default `Europe/Paris`.
    pub time_zone: Option<S<String>>,
    /// Registered name when it differs from `name` ("SARL Atelier Dupont").
    pub legal_name: Option<String>,
    /// Postal address, printed on the formal notice.
    pub address: Option<RawAddress>,
    /// SIREN (9 digits), printed on the formal notice.
    pub siren: Option<S<String>>,
    /// SIRET (14 digits), printed on the formal notice.
    pub siret: Option<S<String>>,
    /// Intra-community VAT number ("FR32123456789").
    pub vat_number: Option<String>,
    /// Phone number given to clients in messages.
    pub phone: Option<String>,
    /// Signature block appended to messages (several lines allowed).
    pub signature: Option<String>,
    /// Town written before the date on letters ("Fait à Lyon"); defaults to
    /// the address's city.
    pub place: Option<String>,
    /// Domain of the Message-IDs the daemon generates; defaults to the
    /// domain of `email`.
    pub domain: Option<S<String>>,
}

/// A postal address (company or client).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub(crate) struct RawAddress {
    /// Street lines: one string or a list of lines.
    pub street: OneOrMany,
    /// Postcode ("69002").
    pub postcode: String,
    /// Town ("Lyon").
    pub city: String,
    /// Country, printed when set ("France").
    pub country: Option<String>,
}

/// One string or a list of strings.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub(crate) enum OneOrMany {
    One(String),
    Many(Vec<String>),
}

/// `[state]`: the SQLite database and the safe-start date.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub(crate) struct RawState {
    /// Path of the SQLite database. Default `/var/lib/relance/relance.db`.
    pub database: Option<PathBuf>,
    /// `YYYY-MM-DD`: invoices sent before this day are not tracked. Default:
    /// the day of the first run (the database records it).
    pub since: Option<S<RawDate>>,
}

/// `[imap]`: the mailbox that is watched.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub(crate) struct RawImap {
    /// Server name.
    pub host: String,
    /// Default 993 with implicit TLS, 143 otherwise.
    pub port: Option<u16>,
    /// `implicit`, `starttls`, or `none` (loopback hosts only). Default `implicit`.
    pub tls: Option<S<String>>,
    /// Login name; defaults to `company.email`.
    pub username: Option<String>,
    /// File holding the password (a trailing newline is ignored).
    pub password_file: Option<S<PathBuf>>,
    /// Shell command printing the password (run with `sh -c`).
    pub password_command: Option<S<String>>,
    /// Environment variable holding the password.
    pub password_env: Option<S<String>>,
    /// systemd credential name, read from `$CREDENTIALS_DIRECTORY/<name>`.
    pub password_credential: Option<S<String>>,
    /// Inline password; refused unless `insecure-inline-password = true`.
    pub password: Option<S<String>>,
    /// Accepts the inline `password` above, with a warning.
    pub insecure_inline_password: Option<bool>,
    /// Command printing an OAuth2 access token; selects XOAUTH2.
    pub oauth2_token_command: Option<S<String>>,
    /// Extra PEM trust anchor for a self-signed server.
    pub ca_file: Option<PathBuf>,
    /// Folder names when SPECIAL-USE discovery is not wanted.
    pub folders: Option<RawFolders>,
    /// Use IMAP IDLE for push. Default `true`.
    pub idle: Option<bool>,
    /// How often to poll when IDLE is off or unsupported ("5 minutes").
    pub poll_interval: Option<S<String>>,
}

/// `[imap.folders]`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub(crate) struct RawFolders {
    /// Default `INBOX`.
    pub inbox: Option<String>,
    /// Default: the folder with the `\Sent` attribute.
    pub sent: Option<String>,
    /// Default: the folder with the `\Drafts` attribute.
    pub drafts: Option<String>,
}

/// `[smtp]`: how reminders leave.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub(crate) struct RawSmtp {
    /// Server name.
    pub host: String,
    /// Default 465 with implicit TLS, 587 with STARTTLS, 25 without TLS.
    pub port: Option<u16>,
    /// `implicit`, `starttls`, or `none` (loopback hosts only). Default `implicit`.
    pub tls: Option<S<String>>,
    /// Login name; defaults to `company.email`.
    pub username: Option<String>,
    /// File holding the password (a trailing newline is ignored).
    pub password_file: Option<S<PathBuf>>,
    /// Shell command printing the password (run with `sh -c`).
    pub password_command: Option<S<String>>,
    /// Environment variable holding the password.
    pub password_env: Option<S<String>>,
    /// systemd credential name, read from `$CREDENTIALS_DIRECTORY/<name>`.
    pub password_credential: Option<S<String>>,
    /// Inline password; refused unless `insecure-inline-password = true`.
    pub password: Option<S<String>>,
    /// Accepts the inline `password` above, with a warning.
    pub insecure_inline_password: Option<bool>,
    /// Command printing an OAuth2 access token; selects XOAUTH2.
    pub oauth2_token_command: Option<S<String>>,
    /// Extra PEM trust anchor for a self-signed server.
    pub ca_file: Option<PathBuf>,
    /// Copy sent reminders to the Sent folder: `auto` (only when the
    /// provider has not filed one already), `always` or `never`. Default `auto`.
    pub save_to_sent: Option<S<String>>,
}

/// The authentication keys shared by `[imap]` and `[smtp]`.
pub(crate) struct RawAuth<'a> {
    pub password_file: &'a Option<S<PathBuf>>,
    pub password_command: &'a Option<S<String>>,
    pub password_env: &'a Option<S<String>>,
    pub password_credential: &'a Option<S<String>>,
    pub password: &'a Option<S<String>>,
    pub insecure_inline_password: Option<bool>,
    pub oauth2_token_command: &'a Option<S<String>>,
}

macro_rules! auth_view {
    ($t:ty) => {
        impl $t {
            pub(crate) fn auth(&self) -> RawAuth<'_> {
                RawAuth {
                    password_file: &self.password_file,
                    password_command: &self.password_command,
                    password_env: &self.password_env,
                    password_credential: &self.password_credential,
                    password: &self.password,
                    insecure_inline_password: self.insecure_inline_password,
                    oauth2_token_command: &self.oauth2_token_command,
                }
            }
        }
    };
}
auth_view!(RawImap);
auth_view!(RawSmtp);
