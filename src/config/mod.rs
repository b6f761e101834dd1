//! Configuration: one TOML file -> raw serde structs (`raw`) -> validated,
//! typed [`Config`] (`validate`). Errors point at `file:line:column`.
//!
//! Secrets are named, not read: [`Secret::resolve`] fetches them when a
//! connection needs them. Defaults live in one place (`defaults`) and are
//! shared with [`Config::default_for_tools`] for commands without a file.

mod clients;
mod defaults;
mod error;
mod model;
mod raw;
mod raw_sequence;
mod secrets;
mod summary;
mod validate;
mod validate_sequence;
mod values;

use std::path::{Path, PathBuf};

pub use error::Error;
pub use model::{
    Auth, ClientConfig, Company, DatedRate, Detect, DetectRules, Digest, Folders, Imap, Indemnity,
    LogFormat, Logging, Penalties, PenaltyRegime, PostalAddress, SaveToSent, Sequence, Server,
    Smtp, State, Tls,
};
pub use secrets::{Secret, SecretSource};

use crate::domain::{EmailAddress, Language, Mode};
use crate::engine::Policy;
use error::Source;
use raw::RawConfig;
use validate::Check;

/// The whole validated configuration.
#[derive(Debug, Clone)]
pub struct Config {
    /// The file it was read from (`<built-in defaults>` without a file).
    pub path: PathBuf,
    pub company: Company,
    pub state: State,
    /// Always `Some` for a configuration read from a file.
    pub imap: Option<Imap>,
    /// `Some` whenever `sequence.mode` is `send`.
    pub smtp: Option<Smtp>,
    pub detect: Detect,
    pub sequence: Sequence,
    pub penalties: Penalties,
    /// The user's template directory, searched before the built-in templates.
    pub templates_dir: Option<PathBuf>,
    pub clients: Vec<ClientConfig>,
    pub logging: Logging,
    /// Accepted but doubtful settings; the caller logs them at startup.
    pub warnings: Vec<String>,
}

impl Config {
    /// Reads and validates the file at `path`.
    pub fn load(path: &Path) -> Result<Config, Error> {
        let text = std::fs::read_to_string(path).map_err(|source| Error::Read {
            path: path.to_path_buf(),
            source,
        })?;
        Config::parse(&text, path)
    }

    /// Validates `text`; `path` names it in messages and anchors relative
    /// paths.
    pub fn parse(text: &str, path: &Path) -> Result<Config, Error> {
        let src = Source { text, path };
        let raw: RawConfig = toml::from_str(text).map_err(|e| src.toml_error(&e))?;
        let mut ck = Check::new(src);
        let Some(company) = &raw.company else {
            return Err(src.file_error("missing table [company], expected at least name and email"));
        };
        let company = validate::company(&ck, company.get_ref())?;
        let Some(imap) = &raw.imap else {
            return Err(src.file_error("missing table [imap], expected host and a password source"));
        };
        let imap = validate::imap(&mut ck, imap, &company)?;
        let smtp = raw
            .smtp
            .as_ref()
            .map(|s| validate::smtp(&mut ck, s, &company))
            .transpose()?;
        let detect = validate_sequence::detect(&ck, &raw.detect)?;
        let currency = detect.default_currency;
        let sequence =
            validate_sequence::sequence(&ck, &raw.sequence, company.time_zone, currency)?;
        if sequence.mode == Mode::Send && smtp.is_none() {
            let message = "missing table [smtp], needed by sequence.mode = 'send' (the default), \
                           expected [smtp] or mode = 'draft' / 'dry-run'";
            return Err(match &raw.sequence.mode {
                Some(m) => src.error(&m.span(), message),
                None => src.file_error(message),
            });
        }
        Ok(Config {
            path: path.to_path_buf(),
            state: validate::state(&ck, &raw.state)?,
            penalties: validate_sequence::penalties(&mut ck, &raw.penalties, currency)?,
            templates_dir: raw.templates.dir.as_deref().map(|p| ck.path(p)),
            clients: clients::clients(&ck, &raw.client, currency)?,
            logging: validate_sequence::logging(&ck, &raw.logging)?,
            imap: Some(imap),
            warnings: ck.warnings,
            company,
            smtp,
            detect,
            sequence,
        })
    }

    /// The defaults, for commands that work without a file (`detect`,
    /// `classify`): French, Europe/Paris, the default ladder and rules; no
    /// mailbox, and a `.invalid` company address that cannot be mailed.
    pub fn default_for_tools() -> Config {
        let company = defaults::company();
        Config {
            path: PathBuf::from("<built-in defaults>"),
            state: defaults::state(),
            imap: None,
            smtp: None,
            detect: defaults::detect(),
            sequence: defaults::sequence(company.time_zone),
            penalties: defaults::penalties(),
            templates_dir: None,
            clients: Vec::new(),
            logging: defaults::logging(),
            warnings: Vec::new(),
            company,
        }
    }

    /// The `[[client]]` whose overrides apply to `addr`: an exact address
    /// first, else the longest matching domain (subdomains included).
    pub fn client_override(&self, addr: &EmailAddress) -> Option<&ClientConfig> {
        clients::find(&self.clients, addr)
    }

    /// The engine's policy for the client reached at `addr`.
    pub fn policy_for(&self, addr: &EmailAddress) -> Policy {
        self.policy_for_client(self.client_override(addr))
    }

    /// The engine's policy with `client`'s overrides applied (`None`: the
    /// global one). For callers that resolved the client once.
    pub fn policy_for_client(&self, client: Option<&ClientConfig>) -> Policy {
        clients::policy(&self.sequence, client)
    }

    /// The language of messages to the client reached at `addr`.
    pub fn language_for(&self, addr: &EmailAddress) -> Language {
        self.client_override(addr)
            .and_then(|c| c.language)
            .unwrap_or(self.company.language)
    }
}

mod bridge;

#[cfg(test)]
mod tests;
