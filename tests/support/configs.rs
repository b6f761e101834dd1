//! Configuration files and the test certificate for the throwaway servers.

use std::path::Path;
use std::process::Command;

use super::{Ports, USERS, fail};

/// Writes a CA and a server certificate for `localhost` and `127.0.0.1`
/// signed by it: rustls refuses a self-signed CA certificate used as the
/// server's own.
pub fn write_certificates(dir: &Path) {
    let ext = dir.join("server.ext");
    std::fs::write(
        &ext,
        "subjectAltName=DNS:localhost,IP:127.0.0.1\n\
         basicConstraints=critical,CA:FALSE\n\
         keyUsage=critical,digitalSignature,keyEncipherment\n\
         extendedKeyUsage=serverAuth\n",
    )
    .unwrap_or_else(|e| fail(&format!("cannot write {}: {e}", ext.display())));
    let p = |name: &str| dir.join(name).to_string_lossy().into_owned();
    let serial = format!("0x{:016x}", std::process::id() as u64 * 7919 + 1);
    openssl(&[
        "req",
        "-x509",
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:P-256",
        "-nodes",
        "-keyout",
        &p("ca.key"),
        "-out",
        &p("ca.pem"),
        "-days",
        "2",
        "-subj",
        "/CN=relance test CA",
    ]);
    openssl(&[
        "req",
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:P-256",
        "-nodes",
        "-keyout",
        &p("server.key"),
        "-out",
        &p("server.csr"),
        "-subj",
        "/CN=localhost",
    ]);
    openssl(&[
        "x509",
        "-req",
        "-in",
        &p("server.csr"),
        "-CA",
        &p("ca.pem"),
        "-CAkey",
        &p("ca.key"),
        "-set_serial",
        &serial,
        "-days",
        "2",
        "-extfile",
        &p("server.ext"),
        "-out",
        &p("server.pem"),
    ]);
}

fn openssl(args: &[&str]) {
    let out = Command::new("openssl")
        .args(args)
        .output()
        .unwrap_or_else(|e| fail(&format!("cannot run openssl: {e}")));
    if !out.status.success() {
        fail(&format!(
            "openssl {} failed: {}",
            args.join(" "),
            String::from_utf8_lossy(&out.stderr)
        ));
    }
}

/// `passwd-file` lines: `user:{PLAIN}password::::home::`; uid and gid come
/// from `mail_uid`/`mail_gid`.
pub fn dovecot_passwd(mail_root: &Path) -> String {
    USERS
        .iter()
        .map(|u| {
            format!(
                "{}:{{PLAIN}}{}::::{}::\n",
                u.address,
                u.password,
                mail_root.join(u.address).display()
            )
        })
        .collect()
}

pub struct DovecotUsers<'a> {
    /// Runs auth and other internal processes.
    pub internal: &'a str,
    /// Runs the login processes.
    pub login: &'a str,
    /// Owner of the mail files.
    pub mail_uid: u32,
    pub mail_gid: u32,
}

pub fn dovecot_conf(dir: &Path, ports: &Ports, users: &DovecotUsers<'_>, instance: &str) -> String {
    let d = dir.display();
    format!(
        r#"# Throwaway Dovecot for relance's integration tests.
instance_name = {instance}
base_dir = {d}/dovecot/run
state_dir = {d}/dovecot/state
log_path = {d}/dovecot/dovecot.log
protocols = imap lmtp
listen = 127.0.0.1
ssl = yes
ssl_cert = <{d}/server.pem
ssl_key = <{d}/server.key
# The STARTTLS port also serves the harness's own plain connections.
disable_plaintext_auth = no
# Dovecot checks an XOAUTH2 bearer token against the passdb, so the
# user's password doubles as a valid token.
auth_mechanisms = plain login xoauth2
default_internal_user = {internal}
default_internal_group = {internal}
default_login_user = {login}
mail_uid = {uid}
mail_gid = {gid}
first_valid_uid = 1
first_valid_gid = 1
mail_location = maildir:~/Maildir
imap_idle_notify_interval = 2 mins
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {d}/dovecot/passwd
}}
userdb {{
  driver = passwd-file
  args = username_format=%u {d}/dovecot/passwd
}}
namespace inbox {{
  inbox = yes
  separator = /
  mailbox Sent {{
    special_use = \Sent
    auto = subscribe
  }}
  mailbox Drafts {{
    special_use = \Drafts
    auto = subscribe
  }}
  mailbox Trash {{
    special_use = \Trash
    auto = subscribe
  }}
}}
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {imap}
  }}
  inet_listener imaps {{
    address = 127.0.0.1
    port = {imaps}
    ssl = yes
  }}
}}
service lmtp {{
  inet_listener lmtp {{
    address = 127.0.0.1
    port = {lmtp}
  }}
}}
service auth {{
  # Postfix's smtpd (user postfix) asks Dovecot to check SMTP AUTH.
  unix_listener auth-postfix {{
    mode = 0666
  }}
}}
protocol lmtp {{
  postmaster_address = postmaster@atelier-dupont.test
}}
"#,
        internal = users.internal,
        login = users.login,
        uid = users.mail_uid,
        gid = users.mail_gid,
        imap = ports.imap_starttls,
        imaps = ports.imap_tls,
        lmtp = ports.lmtp,
    )
}

pub fn postfix_main_cf(dir: &Path, ports: &Ports) -> String {
    let d = dir.display();
    let domains: Vec<&str> = {
        let mut v: Vec<&str> = USERS
            .iter()
            .filter_map(|u| u.address.split_once('@').map(|(_, d)| d))
            .collect();
        v.dedup();
        v
    };
    format!(
        r#"# Throwaway Postfix for relance's integration tests.
compatibility_level = 3.6
queue_directory = {d}/postfix/spool
data_directory = {d}/postfix/data
mail_owner = postfix
setgid_group = postdrop
myhostname = mail.relance.test
mydomain = relance.test
myorigin = $myhostname
mydestination =
inet_interfaces = 127.0.0.1
inet_protocols = ipv4
mynetworks = 127.0.0.0/8
maillog_file = {d}/postfix/maillog
maillog_file_prefixes = {d}
alias_maps =
alias_database =
local_recipient_maps =
smtp_dns_support_level = disabled
lmtp_host_lookup = native
biff = no
virtual_mailbox_domains = {domains}
virtual_mailbox_maps = texthash:{d}/postfix/etc/vmailbox
virtual_transport = lmtp:inet:127.0.0.1:{lmtp}
smtpd_banner = $myhostname ESMTP relance-test
smtpd_tls_cert_file = {d}/server.pem
smtpd_tls_key_file = {d}/server.key
smtpd_tls_security_level = may
smtpd_tls_auth_only = yes
smtpd_sasl_auth_enable = yes
smtpd_sasl_type = dovecot
smtpd_sasl_path = {d}/dovecot/run/auth-postfix
smtpd_relay_restrictions = permit_sasl_authenticated reject_unauth_destination
smtpd_recipient_restrictions = check_recipient_access texthash:{d}/postfix/etc/recipient_access
delay_warning_time = 0
queue_run_delay = 2s
minimal_backoff_time = 2s
maximal_backoff_time = 4s
maximal_queue_lifetime = 1h
bounce_queue_lifetime = 1h
"#,
        domains = domains.join(" "),
        lmtp = ports.lmtp,
    )
}

pub fn postfix_vmailbox() -> String {
    USERS
        .iter()
        .map(|u| format!("{} ok\n", u.address))
        .collect()
}

/// The smtp port is MX-like (STARTTLS offered, mail for the test domains
/// accepted without AUTH); the smtps port is submission-like (implicit TLS,
/// AUTH required). Nothing is chrooted.
pub fn postfix_master_cf(ports: &Ports) -> String {
    format!(
        "127.0.0.1:{smtp} inet n - n - - smtpd\n\
         127.0.0.1:{smtps} inet n - n - - smtpd\n  \
           -o smtpd_tls_wrappermode=yes\n  \
           -o smtpd_tls_security_level=encrypt\n  \
           -o smtpd_client_restrictions=permit_sasl_authenticated,reject\n\
         pickup unix n - n 60 1 pickup\n\
         cleanup unix n - n - 0 cleanup\n\
         qmgr unix n - n 300 1 qmgr\n\
         tlsmgr unix - - n 1000? 1 tlsmgr\n\
         rewrite unix - - n - - trivial-rewrite\n\
         bounce unix - - n - 0 bounce\n\
         defer unix - - n - 0 bounce\n\
         trace unix - - n - 0 bounce\n\
         verify unix - - n - 1 verify\n\
         flush unix n - n 1000? 0 flush\n\
         proxymap unix - - n - - proxymap\n\
         proxywrite unix - - n - 1 proxymap\n\
         smtp unix - - n - - smtp\n\
         relay unix - - n - - smtp\n\
         showq unix n - n - - showq\n\
         error unix - - n - - error\n\
         retry unix - - n - - error\n\
         discard unix - - n - - discard\n\
         lmtp unix - - n - - lmtp\n\
         anvil unix - - n - 1 anvil\n\
         scache unix - - n - 1 scache\n\
         postlog unix-dgram n - n - 1 postlogd\n",
        smtp = ports.smtp,
        smtps = ports.smtps,
    )
}
