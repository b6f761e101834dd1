//! Throwaway mail servers for the integration tests: a real Dovecot and a
//! real Postfix, started per test from configs in a temporary directory, on
//! free 127.0.0.1 ports, stopped and removed on drop.
//!
//! - Dovecot serves IMAP with STARTTLS on one port and implicit TLS on
//!   another (a CA and a server certificate are generated for the run), LMTP
//!   on a loopback port, and SASL for Postfix on a unix socket. Users come
//!   from a passwd-file ([`USERS`]); LOGIN, PLAIN and XOAUTH2 (with the
//!   password as bearer token) are accepted; mail is Maildir under the temp dir,
//!   owned by `nobody`; Sent, Drafts and Trash are auto-created with their
//!   special-use attributes; IDLE is on.
//! - Postfix runs as its own instance: the harness lays out its queue under
//!   the temp dir (as `postfix check` would, only faster), then Postfix's
//!   `master -c DIR` runs as a child process of the test. It accepts mail for the test domains and hands it
//!   to Dovecot over LMTP (`virtual_transport = lmtp:inet:...`); unknown
//!   recipients get a 550 at RCPT time. SMTP AUTH is checked by Dovecot
//!   SASL: `smtps_port` (implicit TLS) requires AUTH like a submission port;
//!   `smtp_port` offers STARTTLS and AUTH but, like an MX, also takes mail
//!   for the test domains without AUTH (the harness's `deliver` uses that).
//!   [`TEMPFAIL_RECIPIENT`] always gets a 451 at RCPT time.
//!
//! Postfix's master must start as root (it drops to the `postfix` user), so
//! these tests run as root, as in CI. Missing binaries fail the test with a
//! message naming `scripts/install-test-deps.sh`; nothing is skipped.

#![allow(dead_code)]

mod configs;
mod system;
mod wire;

use std::net::TcpStream;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command};
use std::time::{Duration, Instant};

use tempfile::TempDir;

use system::{
    free_ports, group_id, mkdir, passwd_ids, postconf, read_log, set_mode, spawn, stop_child, write,
};

/// A mailbox of the test world.
#[derive(Debug, Clone, Copy)]
pub struct User {
    pub address: &'static str,
    pub password: &'static str,
}

/// The business owner whose mailbox relance watches.
pub const OWNER: User = User {
    address: "claire@atelier-dupont.test",
    password: "claire-secret-1",
};
/// A client with a billing address.
pub const CLIENT_A: User = User {
    address: "compta@client-a.test",
    password: "compta-secret-2",
};
/// Another client, a person.
pub const CLIENT_B: User = User {
    address: "jean@client-b.test",
    password: "jean-secret-3",
};
pub const USERS: [User; 3] = [OWNER, CLIENT_A, CLIENT_B];
/// Postfix answers RCPT TO this address with `451 4.3.0`, to test 4xx handling.
pub const TEMPFAIL_RECIPIENT: &str = "later@client-b.test";

/// Readiness waits: generous, since two cores are shared; never an assertion
/// on timing.
const READY_TIMEOUT: Duration = Duration::from_secs(30);
const DELIVERY_TIMEOUT: Duration = Duration::from_secs(30);

const INSTALL_HINT: &str = "run `sudo scripts/install-test-deps.sh` (Debian 12) to install \
                            dovecot-imapd, dovecot-lmtpd, postfix and openssl";

#[derive(Debug, Clone, Copy)]
pub struct Ports {
    pub imap_tls: u16,
    pub imap_starttls: u16,
    pub lmtp: u16,
    pub smtp: u16,
    pub smtps: u16,
}

/// A running Dovecot + Postfix pair; dropped = stopped and deleted.
pub struct MailServer {
    /// Always `127.0.0.1`; the certificate also names `localhost`.
    pub host: &'static str,
    pub imap_port_tls: u16,
    pub imap_port_starttls: u16,
    /// SMTP with STARTTLS offered; AUTH optional for the test domains.
    pub smtp_port: u16,
    /// SMTP with implicit TLS; AUTH required.
    pub smtps_port: u16,
    pub lmtp_port: u16,
    /// PEM of the CA that signed the servers' certificate.
    pub ca_cert_pem: PathBuf,
    ports: Ports,
    dir: TempDir,
    dovecot: Option<Child>,
    postfix: Option<Child>,
}

impl MailServer {
    /// Starts both servers and waits until their ports accept connections.
    pub fn start() -> MailServer {
        check_prerequisites();
        let dir = tempfile::Builder::new()
            .prefix("relance-mail-")
            .tempdir()
            .unwrap_or_else(|e| fail(&format!("cannot create a temp dir: {e}")));
        // Dovecot's and Postfix's unprivileged processes must traverse it.
        set_mode(dir.path(), 0o755);
        configs::write_certificates(dir.path());
        let ports = free_ports();
        let mut server = MailServer {
            host: "127.0.0.1",
            imap_port_tls: ports.imap_tls,
            imap_port_starttls: ports.imap_starttls,
            smtp_port: ports.smtp,
            smtps_port: ports.smtps,
            lmtp_port: ports.lmtp,
            ca_cert_pem: dir.path().join("ca.pem"),
            ports,
            dir,
            dovecot: None,
            postfix: None,
        };
        server.write_dovecot_config();
        server.start_dovecot();
        server.write_postfix_config();
        server.start_postfix();
        server
    }

    /// The temp dir holding configs, logs and mail.
    pub fn dir(&self) -> &Path {
        self.dir.path()
    }

    pub fn password(&self, address: &str) -> &'static str {
        user(address).password
    }

    /// Sends `raw` to `to` through Postfix (plain SMTP, no AUTH) and returns
    /// once Postfix has queued it; delivery to Dovecot follows shortly.
    pub fn deliver(&self, raw: &[u8], to: &str) {
        deliver_on(self.smtp_port, raw, to);
    }

    /// Like [`MailServer::deliver`], then waits for the message (found by its
    /// Message-ID) to land in `to`'s INBOX; returns its UID.
    pub fn deliver_and_wait(&self, raw: &[u8], to: &str) -> u32 {
        let id = message_id(raw).unwrap_or_else(|| fail("deliver_and_wait needs a Message-ID"));
        self.deliver(raw, to);
        self.wait_for_message(to, "INBOX", &id)
    }

    /// Polls until a message with this Message-ID is in the folder.
    pub fn wait_for_message(&self, address: &str, folder: &str, message_id: &str) -> u32 {
        let deadline = Instant::now() + DELIVERY_TIMEOUT;
        loop {
            let mut imap = self.imap(address);
            imap.examine(folder);
            let found = imap.uid_search(&format!("HEADER Message-ID \"{message_id}\""));
            imap.logout();
            if let Some(uid) = found.last() {
                return *uid;
            }
            if Instant::now() > deadline {
                fail(&format!(
                    "{message_id} did not reach {address}/{folder}; postfix log:\n{}\ndovecot log:\n{}",
                    self.postfix_log(),
                    self.dovecot_log()
                ));
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// Stores a message directly (IMAP APPEND); returns its UID.
    pub fn append(&self, address: &str, folder: &str, raw: &[u8], flags: &[&str]) -> u32 {
        let mut imap = self.imap(address);
        let uid = imap.append(folder, flags, raw);
        imap.logout();
        uid
    }

    /// Stores several messages over one connection; returns their UIDs.
    pub fn append_many(
        &self,
        address: &str,
        folder: &str,
        raws: &[Vec<u8>],
        flags: &[&str],
    ) -> Vec<u32> {
        let mut imap = self.imap(address);
        let uids = raws
            .iter()
            .map(|raw| imap.append(folder, flags, raw))
            .collect();
        imap.logout();
        uids
    }

    /// All UIDs in the folder, ascending.
    pub fn list_uids(&self, address: &str, folder: &str) -> Vec<u32> {
        let mut imap = self.imap(address);
        imap.examine(folder);
        let uids = imap.uid_search("ALL");
        imap.logout();
        uids
    }

    /// The raw message with this UID, if it exists.
    pub fn fetch(&self, address: &str, folder: &str, uid: u32) -> Option<Vec<u8>> {
        let mut imap = self.imap(address);
        imap.examine(folder);
        let body = imap.fetch_body(uid);
        imap.logout();
        body
    }

    /// Flags and keywords of the message with this UID (`\Seen`, `relance-paid`).
    pub fn flags(&self, address: &str, folder: &str, uid: u32) -> Vec<String> {
        let mut imap = self.imap(address);
        imap.examine(folder);
        let flags = imap.fetch_flags(uid);
        imap.logout();
        flags
    }

    /// `UID THREAD REFERENCES UTF-8 ALL` in the folder: the `* THREAD` line,
    /// e.g. `* THREAD (1 2)` when both messages are one conversation.
    pub fn thread(&self, address: &str, folder: &str) -> String {
        let mut imap = self.imap(address);
        imap.examine(folder);
        let (untagged, _) = imap.command("UID THREAD REFERENCES UTF-8 ALL");
        imap.logout();
        untagged
            .iter()
            .map(|l| wire::lossy(l))
            .find(|l| l.starts_with("* THREAD"))
            .unwrap_or_default()
    }

    pub fn uid_validity(&self, address: &str, folder: &str) -> u32 {
        let mut imap = self.imap(address);
        let validity = imap.examine(folder);
        imap.logout();
        validity
    }

    /// Gives the folder a new UIDVALIDITY, as a server does after restoring
    /// a backup: the Maildir's `dovecot-uidlist` gets a new `V` value and
    /// Dovecot resets its index when it notices. Returns the new value.
    pub fn bump_uidvalidity(&self, address: &str, folder: &str) -> u32 {
        let old = self.uid_validity(address, folder);
        let maildir = self.dir().join("mail").join(address).join("Maildir");
        let folder_dir = if folder.eq_ignore_ascii_case("INBOX") {
            maildir
        } else {
            maildir.join(format!(".{}", folder.replace('/', ".")))
        };
        let uidlist = folder_dir.join("dovecot-uidlist");
        let text = std::fs::read_to_string(&uidlist)
            .unwrap_or_else(|e| fail(&format!("cannot read {}: {e}", uidlist.display())));
        let (header, rest) = text.split_once('\n').unwrap_or((&text, ""));
        let new = old + 1;
        let header: Vec<String> = header
            .split(' ')
            .map(|field| {
                if field.starts_with('V') {
                    format!("V{new}")
                } else {
                    field.to_owned()
                }
            })
            .collect();
        let replacement = folder_dir.join("dovecot-uidlist.harness");
        std::fs::write(&replacement, format!("{}\n{rest}", header.join(" ")))
            .unwrap_or_else(|e| fail(&format!("cannot write {}: {e}", replacement.display())));
        let meta = std::fs::metadata(&uidlist).unwrap_or_else(|e| fail(&e.to_string()));
        std::os::unix::fs::chown(&replacement, Some(meta.uid()), Some(meta.gid()))
            .unwrap_or_else(|e| fail(&format!("cannot chown the new uidlist: {e}")));
        std::fs::rename(&replacement, &uidlist)
            .unwrap_or_else(|e| fail(&format!("cannot replace {}: {e}", uidlist.display())));
        // Dovecot reads the uidlist again only when the Maildir looks
        // changed; a folder untouched for a few seconds is "quick-synced"
        // from its index, which still holds the old UIDVALIDITY. Without the
        // index it rebuilds from the uidlist, as after a restore.
        for index in ["dovecot.index", "dovecot.index.log", "dovecot.index.cache"] {
            let path = folder_dir.join(index);
            if let Err(e) = std::fs::remove_file(&path)
                && e.kind() != std::io::ErrorKind::NotFound
            {
                fail(&format!("cannot remove {}: {e}", path.display()));
            }
        }
        let seen = self.uid_validity(address, folder);
        if seen == old {
            fail(&format!(
                "UIDVALIDITY of {address}/{folder} did not change from {old}"
            ));
        }
        seen
    }

    /// Stops Dovecot (dropping every IMAP connection) and starts it again on
    /// the same ports with the same mail.
    pub fn restart_dovecot(&mut self) {
        self.stop_dovecot();
        self.start_dovecot();
    }

    /// Stops Dovecot only: IMAP connections fail until [`MailServer::start_dovecot`].
    pub fn stop_dovecot(&mut self) {
        if let Some(child) = self.dovecot.take() {
            stop_child(child, "dovecot");
        }
    }

    pub fn start_dovecot(&mut self) {
        assert!(
            self.dovecot.is_none(),
            "harness: dovecot is already running"
        );
        let conf = self.dir().join("dovecot/dovecot.conf");
        let child = spawn(
            Command::new("dovecot").arg("-F").arg("-c").arg(&conf),
            &self.dir().join("dovecot/stderr.log"),
            "dovecot",
        );
        self.dovecot = Some(child);
        for port in [
            self.ports.imap_starttls,
            self.ports.imap_tls,
            self.ports.lmtp,
        ] {
            self.wait_ready(port, "dovecot");
        }
    }

    pub fn dovecot_log(&self) -> String {
        read_log(&self.dir().join("dovecot/dovecot.log"))
            + &read_log(&self.dir().join("dovecot/stderr.log"))
    }

    pub fn postfix_log(&self) -> String {
        read_log(&self.dir().join("postfix/maillog"))
    }

    fn imap(&self, address: &str) -> wire::Imap {
        wire::Imap::login(self.imap_port_starttls, address, self.password(address))
    }

    fn write_dovecot_config(&self) {
        let d = self.dir();
        let mail = d.join("mail");
        mkdir(&d.join("dovecot"));
        mkdir(&mail);
        // Mail files belong to an unprivileged user: Dovecot refuses root.
        let (uid, gid) = passwd_ids("nobody");
        std::os::unix::fs::chown(&mail, Some(uid), Some(gid))
            .unwrap_or_else(|e| fail(&format!("cannot chown {}: {e}", mail.display())));
        let users = configs::DovecotUsers {
            internal: "dovecot",
            login: "dovenull",
            mail_uid: uid,
            mail_gid: gid,
        };
        let instance = format!(
            "relance-test-{}",
            d.file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default()
        );
        write(
            &d.join("dovecot/dovecot.conf"),
            &configs::dovecot_conf(d, &self.ports, &users, &instance),
        );
        write(&d.join("dovecot/passwd"), &configs::dovecot_passwd(&mail));
        set_mode(&d.join("dovecot/passwd"), 0o644);
    }

    fn write_postfix_config(&self) {
        let d = self.dir();
        for sub in ["postfix", "postfix/etc", "postfix/spool", "postfix/data"] {
            mkdir(&d.join(sub));
        }
        set_mode(&d.join("postfix"), 0o755);
        let (uid, gid) = passwd_ids("postfix");
        std::os::unix::fs::chown(d.join("postfix/data"), Some(uid), Some(gid))
            .unwrap_or_else(|e| fail(&format!("cannot chown postfix/data: {e}")));
        write(
            &d.join("postfix/etc/main.cf"),
            &configs::postfix_main_cf(d, &self.ports),
        );
        write(
            &d.join("postfix/etc/master.cf"),
            &configs::postfix_master_cf(&self.ports),
        );
        write(
            &d.join("postfix/etc/vmailbox"),
            &configs::postfix_vmailbox(),
        );
        write(
            &d.join("postfix/etc/recipient_access"),
            &format!("{TEMPFAIL_RECIPIENT} 451 4.3.0 try again later\n"),
        );
        self.make_postfix_queue();
    }

    fn start_postfix(&mut self) {
        let etc = self.dir().join("postfix/etc");
        let daemon_dir = postconf(&etc, "daemon_directory");
        let child = spawn(
            Command::new(Path::new(&daemon_dir).join("master"))
                .arg("-c")
                .arg(&etc),
            &self.dir().join("postfix/master.log"),
            "postfix master",
        );
        self.postfix = Some(child);
        for port in [self.ports.smtp, self.ports.smtps] {
            self.wait_ready(port, "postfix");
        }
    }

    /// The queue directories with the ownerships that `postfix check` would
    /// give them; made here because `postfix check` takes seconds.
    fn make_postfix_queue(&self) {
        let spool = self.dir().join("postfix/spool");
        let (postfix, _) = passwd_ids("postfix");
        let postdrop = group_id("postdrop");
        let dirs: [(&str, u32, u32, u32); 13] = [
            ("active", postfix, 0, 0o700),
            ("bounce", postfix, 0, 0o700),
            ("corrupt", postfix, 0, 0o700),
            ("defer", postfix, 0, 0o700),
            ("deferred", postfix, 0, 0o700),
            ("flush", postfix, 0, 0o700),
            ("hold", postfix, 0, 0o700),
            ("incoming", postfix, 0, 0o700),
            ("private", postfix, 0, 0o700),
            ("saved", postfix, 0, 0o700),
            ("trace", postfix, 0, 0o700),
            ("maildrop", postfix, postdrop, 0o730),
            ("public", postfix, postdrop, 0o710),
        ];
        set_mode(&spool, 0o755);
        mkdir(&spool.join("pid"));
        for (name, uid, gid, mode) in dirs {
            let path = spool.join(name);
            mkdir(&path);
            std::os::unix::fs::chown(&path, Some(uid), Some(gid))
                .unwrap_or_else(|e| fail(&format!("cannot chown {}: {e}", path.display())));
            set_mode(&path, mode);
        }
    }

    /// What `postfix check` says about the config, for a failure message.
    fn postfix_check(&self) -> String {
        let etc = self.dir().join("postfix/etc");
        match Command::new("postfix")
            .arg("-c")
            .arg(&etc)
            .arg("check")
            .output()
        {
            Ok(out) => format!(
                "`postfix -c {} check`: {}{}{}",
                etc.display(),
                out.status,
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            ),
            Err(e) => format!("cannot run postfix check: {e}"),
        }
    }

    /// Polls a port until it accepts a connection; fails with the logs if the
    /// server died or the bounded wait ran out.
    fn wait_ready(&mut self, port: u16, what: &str) {
        let deadline = Instant::now() + READY_TIMEOUT;
        loop {
            if TcpStream::connect(("127.0.0.1", port)).is_ok() {
                return;
            }
            let child = if what == "dovecot" {
                &mut self.dovecot
            } else {
                &mut self.postfix
            };
            let exited = child.as_mut().and_then(|c| c.try_wait().ok().flatten());
            if exited.is_some() || Instant::now() > deadline {
                let why = match exited {
                    Some(status) => format!("exited with {status}"),
                    None => format!("did not listen within {}s", READY_TIMEOUT.as_secs()),
                };
                let check = if what == "postfix" {
                    self.postfix_check()
                } else {
                    String::new()
                };
                fail(&format!(
                    "{what} on 127.0.0.1:{port} {why}\ndovecot log:\n{}\npostfix log:\n{}{}{check}",
                    self.dovecot_log(),
                    self.postfix_log(),
                    read_log(&self.dir().join("postfix/master.log"))
                ));
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for MailServer {
    fn drop(&mut self) {
        if let Some(child) = self.postfix.take() {
            stop_child(child, "postfix master");
        }
        self.stop_dovecot();
    }
}

/// [`MailServer::deliver`] for threads that do not hold the server.
pub fn deliver_on(smtp_port: u16, raw: &[u8], to: &str) {
    wire::smtp_send(smtp_port, "mailer@relance.test", to, raw);
}

/// Panics with a message that says it comes from the harness.
pub fn fail(message: &str) -> ! {
    panic!("mail test harness: {message}")
}

fn user(address: &str) -> User {
    USERS
        .iter()
        .copied()
        .find(|u| u.address == address)
        .unwrap_or_else(|| fail(&format!("unknown test user {address:?}")))
}

fn check_prerequisites() {
    for bin in ["dovecot", "postfix", "postconf", "openssl"] {
        let found = ["/usr/sbin", "/usr/bin", "/sbin", "/bin"]
            .iter()
            .map(|d| Path::new(d).join(bin))
            .chain(std::env::var_os("PATH").into_iter().flat_map(|p| {
                std::env::split_paths(&p)
                    .map(|d| d.join(bin))
                    .collect::<Vec<_>>()
            }))
            .any(|p| p.is_file());
        if !found {
            fail(&format!("`{bin}` not found; {INSTALL_HINT}"));
        }
    }
    for needed in ["/usr/lib/dovecot/imap", "/usr/lib/dovecot/lmtp"] {
        if !Path::new(needed).exists() {
            fail(&format!("{needed} not found; {INSTALL_HINT}"));
        }
    }
    if !is_root() {
        fail(
            "these tests start Postfix, whose master must run as root; run them as root (CI does)",
        );
    }
}

fn is_root() -> bool {
    std::fs::metadata("/proc/self")
        .map(|m| m.uid() == 0)
        .unwrap_or(false)
}

fn message_id(raw: &[u8]) -> Option<String> {
    let text = String::from_utf8_lossy(raw);
    text.lines().take_while(|l| !l.is_empty()).find_map(|l| {
        let (name, value) = l.split_once(':')?;
        name.eq_ignore_ascii_case("message-id")
            .then(|| value.trim().to_owned())
    })
}
