//! Secrets resolve from each source, lazily, and never show their value.

use std::ffi::OsString;
use std::io::Write;

use super::super::secrets::{Secret, SecretSource};

fn secret(source: SecretSource) -> Secret {
    Secret::new(source, "relance.toml:7:1: [imap] test".into())
}

fn no_env(_: &str) -> Option<OsString> {
    None
}

#[test]
fn a_file_gives_its_content_without_the_newline() {
    let mut f = tempfile::NamedTempFile::new().unwrap();
    writeln!(f, "correct horse").unwrap();
    let s = secret(SecretSource::File(f.path().to_path_buf()));
    assert_eq!(s.resolve().unwrap(), "correct horse");
    let missing = secret(SecretSource::File("no/such/file".into()));
    let e = missing.resolve().unwrap_err().to_string();
    assert!(
        e.starts_with("relance.toml:7:1: [imap] test: cannot read no/such/file"),
        "{e}"
    );
}

#[test]
fn an_environment_variable_is_read_when_asked() {
    let s = secret(SecretSource::Env("RELANCE_TEST_PW".into()));
    let env = |name: &str| (name == "RELANCE_TEST_PW").then(|| OsString::from("pw\n"));
    assert_eq!(s.resolve_with(&env).unwrap(), "pw");
    let e = s.resolve_with(&no_env).unwrap_err().to_string();
    assert!(
        e.ends_with("environment variable RELANCE_TEST_PW is not set"),
        "{e}"
    );
    // The real process environment: PATH is always set.
    assert!(
        !secret(SecretSource::Env("PATH".into()))
            .resolve()
            .unwrap()
            .is_empty()
    );
}

#[test]
fn a_command_gives_its_trimmed_stdout() {
    let s = secret(SecretSource::Command("printf 'tok3n\\n'".into()));
    assert_eq!(s.resolve().unwrap(), "tok3n");
    let failing = secret(SecretSource::Command("echo nope >&2; exit 3".into()));
    let e = failing.resolve().unwrap_err().to_string();
    assert!(e.contains("failed") && e.ends_with(": nope"), "{e}");
    let empty = secret(SecretSource::Command("true".into()));
    assert!(
        empty
            .resolve()
            .unwrap_err()
            .to_string()
            .contains("empty secret")
    );
}

#[test]
fn a_systemd_credential_is_read_from_the_credentials_directory() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("imap"), "from-systemd").unwrap();
    let path = dir.path().as_os_str().to_os_string();
    let env = move |name: &str| (name == "CREDENTIALS_DIRECTORY").then(|| path.clone());
    let s = secret(SecretSource::Credential("imap".into()));
    assert_eq!(s.resolve_with(&env).unwrap(), "from-systemd");
    let e = s.resolve_with(&no_env).unwrap_err().to_string();
    assert!(e.contains("needs $CREDENTIALS_DIRECTORY"), "{e}");
}

#[test]
fn debug_and_display_never_show_an_inline_value() {
    let s = secret(SecretSource::Inline("hunter2".into()));
    assert_eq!(s.resolve().unwrap(), "hunter2");
    assert!(!format!("{s:?}").contains("hunter2"));
    assert!(!s.source().to_string().contains("hunter2"));
}

#[test]
fn secrets_are_not_read_at_parse_time() {
    // The variable is not set: parsing succeeds, resolving fails.
    let c = super::with("").unwrap();
    let imap = c.imap.unwrap();
    assert_eq!(
        imap.server.auth.secret().source(),
        &SecretSource::Env("RELANCE_IMAP".into())
    );
    assert!(matches!(imap.server.auth, super::Auth::Password(_)));
    let oauth = super::MINIMAL.replacen(
        "password-env = \"RELANCE_IMAP\"",
        "oauth2-token-command = \"printf token\"",
        1,
    );
    let c = super::parse(&oauth).unwrap();
    let auth = c.imap.unwrap().server.auth;
    assert!(matches!(auth, super::Auth::XOAuth2(_)));
    assert_eq!(auth.secret().resolve().unwrap(), "token");
}
