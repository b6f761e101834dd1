//! Raw file -> typed configuration, first half: the checking context and
//! the company, state and server tables. Every error names the place of
//! the offending value; defaults come from `defaults`.

use std::ops::Range;
use std::path::{Path, PathBuf};

use chrono_tz::Tz;

use super::defaults;
use super::error::{Error, Source};
use super::model::{Auth, Company, Folders, Imap, PostalAddress, SaveToSent, Server, Smtp, State};
use super::raw::{OneOrMany, RawAddress, RawAuth, RawCompany, RawImap, RawSmtp, RawState, S};
use super::secrets::{Secret, SecretSource};
use super::values;

/// What validation carries along: the text for places, the directory that
/// relative paths start from, and warnings for the user.
pub(crate) struct Check<'a> {
    pub src: Source<'a>,
    base: PathBuf,
    pub warnings: Vec<String>,
}

impl<'a> Check<'a> {
    pub fn new(src: Source<'a>) -> Check<'a> {
        // Absolute now, so a later change of working directory cannot move
        // the database or a secret file.
        let absolute = std::path::absolute(src.path).unwrap_or_else(|_| src.path.to_path_buf());
        let base = absolute.parent().map(Path::to_path_buf).unwrap_or_default();
        Check {
            src,
            base,
            warnings: Vec::new(),
        }
    }

    /// Parses a spanned value, placing any error at it.
    pub fn at<T, U>(
        &self,
        v: &S<U>,
        parse: impl FnOnce(&U) -> Result<T, String>,
    ) -> Result<T, Error> {
        parse(v.get_ref()).map_err(|m| self.src.error(&v.span(), m))
    }

    /// [`Check::at`] for an optional key, `default` when absent.
    pub fn opt<T, U>(
        &self,
        v: &Option<S<U>>,
        default: T,
        parse: impl FnOnce(&U) -> Result<T, String>,
    ) -> Result<T, Error> {
        match v {
            Some(v) => self.at(v, parse),
            None => Ok(default),
        }
    }

    /// [`Check::at`] for an optional key that stays optional.
    pub fn maybe<T, U>(
        &self,
        v: &Option<S<U>>,
        parse: impl FnOnce(&U) -> Result<T, String>,
    ) -> Result<Option<T>, Error> {
        v.as_ref().map(|v| self.at(v, parse)).transpose()
    }

    pub fn error(&self, span: &Range<usize>, message: impl Into<String>) -> Error {
        self.src.error(span, message)
    }

    /// Relative paths are relative to the configuration file's directory,
    /// so the daemon does not depend on its working directory.
    pub fn path(&self, p: &Path) -> PathBuf {
        if p.is_relative() {
            self.base.join(p)
        } else {
            p.to_path_buf()
        }
    }
}

pub(crate) fn company(ck: &Check<'_>, raw: &RawCompany) -> Result<Company, Error> {
    let email = ck.at(&raw.email, |s| values::email(s))?;
    let domain = match &raw.domain {
        Some(d) => ck.at(d, |s| values::domain(s))?,
        None => email.domain().to_string(),
    };
    let address = raw.address.as_ref().map(address);
    let place = raw
        .place
        .clone()
        .or_else(|| address.as_ref().map(|a| a.city.clone()));
    Ok(Company {
        name: raw.name.clone(),
        sender_name: raw.sender_name.clone().unwrap_or_else(|| raw.name.clone()),
        language: ck.opt(&raw.language, defaults::LANGUAGE, |s| {
            values::spelled("language", s)
        })?,
        time_zone: ck.opt(&raw.time_zone, defaults::TIME_ZONE, |s| time_zone(s))?,
        legal_name: raw.legal_name.clone(),
        siren: ck.maybe(&raw.siren, |s| values::digits("SIREN", s, 9))?,
        siret: ck.maybe(&raw.siret, |s| values::digits("SIRET", s, 14))?,
        vat_number: raw.vat_number.clone(),
        phone: raw.phone.clone(),
        signature: raw.signature.clone(),
        place,
        domain,
        address,
        email,
    })
}

fn time_zone(text: &str) -> Result<Tz, String> {
    text.parse::<Tz>().map_err(|_| {
        format!("invalid time zone '{text}', expected an IANA name such as Europe/Paris")
    })
}

pub(crate) fn address(raw: &RawAddress) -> PostalAddress {
    let street = match &raw.street {
        OneOrMany::One(line) => vec![line.clone()],
        OneOrMany::Many(lines) => lines.clone(),
    };
    PostalAddress {
        street,
        postcode: raw.postcode.clone(),
        city: raw.city.clone(),
        country: raw.country.clone(),
    }
}

pub(crate) fn state(ck: &Check<'_>, raw: &RawState) -> Result<State, Error> {
    Ok(State {
        database: raw
            .database
            .as_deref()
            .map_or_else(|| PathBuf::from(defaults::DATABASE), |p| ck.path(p)),
        since: ck.maybe(&raw.since, values::date)?,
    })
}

/// The pieces of `[imap]` and `[smtp]` that are checked alike.
struct ServerFields<'r> {
    table: &'static str,
    span: Range<usize>,
    host: &'r str,
    port: Option<u16>,
    tls: &'r Option<S<String>>,
    username: &'r Option<String>,
    ca_file: &'r Option<PathBuf>,
    auth: RawAuth<'r>,
    /// Ports for implicit TLS, STARTTLS and plain text.
    ports: [u16; 3],
}

pub(crate) fn imap(ck: &mut Check<'_>, raw: &S<RawImap>, company: &Company) -> Result<Imap, Error> {
    let r = raw.get_ref();
    let fields = ServerFields {
        table: "imap",
        span: raw.span(),
        host: &r.host,
        port: r.port,
        tls: &r.tls,
        username: &r.username,
        ca_file: &r.ca_file,
        auth: r.auth(),
        ports: [993, 143, 143],
    };
    let folders = r.folders.as_ref();
    Ok(Imap {
        server: server(ck, fields, company)?,
        folders: Folders {
            inbox: folders
                .and_then(|f| f.inbox.clone())
                .unwrap_or_else(|| "INBOX".into()),
            sent: folders.and_then(|f| f.sent.clone()),
            drafts: folders.and_then(|f| f.drafts.clone()),
        },
        idle: r.idle.unwrap_or(true),
        poll_interval: ck.opt(&r.poll_interval, defaults::POLL_INTERVAL, |s| {
            values::interval(s)
        })?,
    })
}

pub(crate) fn smtp(ck: &mut Check<'_>, raw: &S<RawSmtp>, company: &Company) -> Result<Smtp, Error> {
    let r = raw.get_ref();
    let fields = ServerFields {
        table: "smtp",
        span: raw.span(),
        host: &r.host,
        port: r.port,
        tls: &r.tls,
        username: &r.username,
        ca_file: &r.ca_file,
        auth: r.auth(),
        ports: [465, 587, 25],
    };
    let save = [
        ("auto", SaveToSent::Auto),
        ("always", SaveToSent::Always),
        ("never", SaveToSent::Never),
    ];
    Ok(Smtp {
        server: server(ck, fields, company)?,
        save_to_sent: ck.opt(&r.save_to_sent, SaveToSent::Auto, |s| {
            values::choice("save-to-sent value", s, &save)
        })?,
    })
}

fn server(ck: &mut Check<'_>, f: ServerFields<'_>, company: &Company) -> Result<Server, Error> {
    use super::model::Tls;
    let choices = [
        ("implicit", Tls::Implicit),
        ("starttls", Tls::StartTls),
        ("none", Tls::None),
    ];
    let tls = ck.opt(f.tls, Tls::Implicit, |s| {
        values::choice("tls mode", s, &choices)
    })?;
    if let (Tls::None, Some(t)) = (tls, f.tls)
        && !is_loopback(f.host)
    {
        return Err(ck.error(
            &t.span(),
            format!(
                "tls = 'none' is only allowed for a loopback host, not '{}', expected implicit or starttls",
                f.host
            ),
        ));
    }
    let default_port = match tls {
        Tls::Implicit => f.ports[0],
        Tls::StartTls => f.ports[1],
        Tls::None => f.ports[2],
    };
    Ok(Server {
        host: f.host.to_string(),
        port: f.port.unwrap_or(default_port),
        tls,
        username: f
            .username
            .clone()
            .unwrap_or_else(|| company.email.to_string()),
        auth: auth(ck, f.table, &f.span, &f.auth)?,
        ca_file: f.ca_file.as_deref().map(|p| ck.path(p)),
    })
}

fn is_loopback(host: &str) -> bool {
    let host = host.trim_start_matches('[').trim_end_matches(']');
    host.eq_ignore_ascii_case("localhost")
        || host
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

/// A secret source named in the file: its key, where, and what it says.
type Found = (&'static str, Range<usize>, SecretSource);

/// Builds a source from the key's text.
type Maker = fn(String) -> SecretSource;

/// Exactly one source of secret, and an inline password only on request.
fn auth(
    ck: &mut Check<'_>,
    table: &str,
    span: &Range<usize>,
    a: &RawAuth<'_>,
) -> Result<Auth, Error> {
    let mut found = sources(ck, a)?;
    // The later key in the file is the one to point at.
    found.sort_by_key(|(_, s, _)| s.start);
    let mut found = found.into_iter();
    let Some((key, s, source)) = found.next() else {
        return Err(ck.error(
            span,
            format!(
                "missing password in [{table}], expected one of: password-file, \
                 password-command, password-env, password-credential, oauth2-token-command"
            ),
        ));
    };
    if let Some((other, s2, _)) = found.next() {
        return Err(ck.error(
            &s2,
            format!("[{table}] sets both {key} and {other}, expected only one"),
        ));
    }
    if key == "password" {
        if a.insecure_inline_password != Some(true) {
            return Err(ck.error(
                &s,
                format!(
                    "[{table}] password is written in the file, expected password-file, \
                     password-credential, password-env or password-command \
                     (or insecure-inline-password = true to accept it)"
                ),
            ));
        }
        ck.warnings.push(format!(
            "{}: the [{table}] password is written in the configuration file; \
             prefer password-file or a systemd credential",
            ck.src.origin(&s)
        ));
    }
    let secret = Secret::new(source, format!("{}: [{table}] {key}", ck.src.origin(&s)));
    Ok(if key == "oauth2-token-command" {
        Auth::XOAuth2(secret)
    } else {
        Auth::Password(secret)
    })
}

/// Every secret source set in the table, each checked on its own.
fn sources(ck: &Check<'_>, a: &RawAuth<'_>) -> Result<Vec<Found>, Error> {
    let mut found: Vec<Found> = Vec::new();
    if let Some(p) = a.password_file {
        let source = SecretSource::File(ck.path(p.get_ref()));
        found.push(("password-file", p.span(), source));
    }
    let named: [(&'static str, _, Maker); 5] = [
        (
            "password-command",
            a.password_command,
            SecretSource::Command,
        ),
        ("password-env", a.password_env, SecretSource::Env),
        (
            "password-credential",
            a.password_credential,
            SecretSource::Credential,
        ),
        (
            "oauth2-token-command",
            a.oauth2_token_command,
            SecretSource::Command,
        ),
        ("password", a.password, SecretSource::Inline),
    ];
    for (key, value, make) in named {
        let Some(v) = value else { continue };
        let text = v.get_ref();
        if text.trim().is_empty() || (key == "password-credential" && text.contains('/')) {
            return Err(ck.error(
                &v.span(),
                format!("invalid {key} '{text}', expected a non-empty name"),
            ));
        }
        found.push((key, v.span(), make(text.clone())));
    }
    Ok(found)
}
