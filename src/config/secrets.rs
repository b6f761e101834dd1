//! Passwords and tokens: where they come from, fetched only when a
//! connection needs them (a token command may print a fresh token each
//! time) and never printed: `Debug` and `Display` name the source only.

use std::ffi::OsString;
use std::fmt;
use std::path::PathBuf;
use std::process::{Command, Stdio};

use super::Error;

/// Where a secret is read from.
#[derive(Clone, PartialEq, Eq)]
pub enum SecretSource {
    /// A file; one trailing line ending is dropped.
    File(PathBuf),
    /// A shell command (`sh -c`) printing the secret on stdout.
    Command(String),
    /// An environment variable.
    Env(String),
    /// A systemd credential: `$CREDENTIALS_DIRECTORY/<name>`.
    Credential(String),
    /// Written in the configuration file (explicit, insecure opt-in).
    Inline(String),
}

impl fmt::Display for SecretSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SecretSource::File(p) => write!(f, "file {}", p.display()),
            SecretSource::Command(c) => write!(f, "command `{c}`"),
            SecretSource::Env(v) => write!(f, "environment variable {v}"),
            SecretSource::Credential(n) => write!(f, "systemd credential '{n}'"),
            SecretSource::Inline(_) => f.write_str("inline in the configuration (insecure)"),
        }
    }
}

impl fmt::Debug for SecretSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

/// A secret named by the configuration, resolved on demand.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret {
    source: SecretSource,
    /// `file:line:column` of the key that names it, for error messages.
    origin: String,
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Secret")
            .field("source", &self.source)
            .field("origin", &self.origin)
            .finish()
    }
}

impl Secret {
    pub(crate) fn new(source: SecretSource, origin: String) -> Secret {
        Secret { source, origin }
    }

    /// Where the value comes from (safe to show).
    pub fn source(&self) -> &SecretSource {
        &self.source
    }

    /// Reads the secret now: the file, the variable, the credential, or the
    /// command's output, without its trailing line ending.
    pub fn resolve(&self) -> Result<String, Error> {
        self.resolve_with(&|name| std::env::var_os(name))
    }

    /// [`Secret::resolve`] with the environment given, so tests need not
    /// change the process's own.
    pub(crate) fn resolve_with(
        &self,
        env: &dyn Fn(&str) -> Option<OsString>,
    ) -> Result<String, Error> {
        let value = match &self.source {
            SecretSource::File(path) => std::fs::read_to_string(path)
                .map_err(|e| self.fail(format!("cannot read {}: {e}", path.display())))?,
            SecretSource::Command(cmd) => self.run(cmd)?,
            SecretSource::Env(name) => env(name)
                .ok_or_else(|| self.fail(format!("environment variable {name} is not set")))?
                .into_string()
                .map_err(|_| self.fail(format!("environment variable {name} is not UTF-8")))?,
            SecretSource::Credential(name) => {
                let dir = env("CREDENTIALS_DIRECTORY").ok_or_else(|| {
                    self.fail(format!(
                        "systemd credential '{name}' needs $CREDENTIALS_DIRECTORY \
                         (LoadCredential= or SetCredentialEncrypted= in the unit)"
                    ))
                })?;
                let path = PathBuf::from(dir).join(name);
                std::fs::read_to_string(&path)
                    .map_err(|e| self.fail(format!("cannot read {}: {e}", path.display())))?
            }
            SecretSource::Inline(value) => value.clone(),
        };
        let value = value.trim_end_matches(['\n', '\r']).to_string();
        if value.is_empty() {
            return Err(self.fail(format!("the {} gave an empty secret", self.source)));
        }
        Ok(value)
    }

    fn run(&self, cmd: &str) -> Result<String, Error> {
        let out = Command::new("sh")
            .arg("-c")
            .arg(cmd)
            .stdin(Stdio::null())
            .output()
            .map_err(|e| self.fail(format!("cannot run `{cmd}`: {e}")))?;
        if !out.status.success() {
            let stderr = String::from_utf8_lossy(&out.stderr);
            let first = stderr.lines().next().unwrap_or("").trim();
            return Err(self.fail(format!("`{cmd}` failed ({}): {first}", out.status)));
        }
        String::from_utf8(out.stdout).map_err(|_| self.fail(format!("`{cmd}` printed non-UTF-8")))
    }

    fn fail(&self, message: String) -> Error {
        Error::Secret {
            origin: self.origin.clone(),
            message,
        }
    }
}
