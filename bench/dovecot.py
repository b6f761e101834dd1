"""A dedicated Dovecot for the benches, configured as the integration tests'
harness configures its own (tests/support/configs.rs, ported here so the
benches need no Rust test binary): IMAP with STARTTLS and implicit TLS, LMTP
on loopback, a CA and server certificate made for the run, one passwd-file
user whose Maildir is the generated mailbox (hard-linked, so runs never touch
the cached copy). Postfix is left out: replies are delivered over LMTP.
"""

import os
import pwd
import shutil
import socket
import subprocess
import time
from pathlib import Path

OWNER = "claire@atelier-dupont.test"
PASSWORD = "claire-secret-1"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def openssl(*args):
    subprocess.run(["openssl", *args], check=True, capture_output=True)


def write_certificates(d):
    """A CA and a server certificate for localhost/127.0.0.1 signed by it:
    rustls refuses a self-signed certificate used as the server's own."""
    (d / "server.ext").write_text(
        "subjectAltName=DNS:localhost,IP:127.0.0.1\n"
        "basicConstraints=critical,CA:FALSE\n"
        "keyUsage=critical,digitalSignature,keyEncipherment\n"
        "extendedKeyUsage=serverAuth\n")
    p = lambda name: str(d / name)  # noqa: E731
    ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes"]
    openssl("req", "-x509", *ec, "-keyout", p("ca.key"), "-out", p("ca.pem"), "-days", "2",
            "-subj", "/CN=relance bench CA")
    openssl("req", *ec, "-keyout", p("server.key"), "-out", p("server.csr"), "-subj", "/CN=localhost")
    openssl("x509", "-req", "-in", p("server.csr"), "-CA", p("ca.pem"), "-CAkey", p("ca.key"),
            "-set_serial", str(os.getpid() * 7919 + 1), "-days", "2",
            "-extfile", p("server.ext"), "-out", p("server.pem"))


def dovecot_conf(d, ports, mail_uid, mail_gid):
    return f"""# Dovecot for relance's benches (same settings as tests/support/configs.rs).
instance_name = relance-bench-{d.name}
base_dir = {d}/dovecot/run
state_dir = {d}/dovecot/state
log_path = {d}/dovecot/dovecot.log
protocols = imap lmtp
listen = 127.0.0.1
ssl = yes
ssl_cert = <{d}/server.pem
ssl_key = <{d}/server.key
disable_plaintext_auth = no
auth_mechanisms = plain login xoauth2
default_internal_user = dovecot
default_internal_group = dovecot
default_login_user = dovenull
mail_uid = {mail_uid}
mail_gid = {mail_gid}
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
    special_use = \\Sent
    auto = subscribe
  }}
  mailbox Drafts {{
    special_use = \\Drafts
    auto = subscribe
  }}
  mailbox Trash {{
    special_use = \\Trash
    auto = subscribe
  }}
}}
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {ports['imap_starttls']}
  }}
  inet_listener imaps {{
    address = 127.0.0.1
    port = {ports['imap_tls']}
    ssl = yes
  }}
}}
service lmtp {{
  inet_listener lmtp {{
    address = 127.0.0.1
    port = {ports['lmtp']}
  }}
}}
protocol lmtp {{
  postmaster_address = postmaster@atelier-dupont.test
}}
"""


def version():
    out = subprocess.run(["dovecot", "--version"], capture_output=True, text=True)
    return out.stdout.strip() or "unknown"


class Dovecot:
    """A running instance over a copy of `maildir`; `stop()` ends it."""

    def __init__(self, workdir, maildir):
        self.dir = Path(workdir)
        self.dir.mkdir(parents=True, exist_ok=True)
        os.chmod(self.dir, 0o755)
        self.ports = {"imap_tls": free_port(), "imap_starttls": free_port(), "lmtp": free_port()}
        self.ca = self.dir / "ca.pem"
        self.home = self.dir / "mail" / OWNER
        self.maildir = self.home / "Maildir"
        nobody = pwd.getpwnam("nobody")
        write_certificates(self.dir)
        (self.dir / "dovecot").mkdir(exist_ok=True)
        self.home.mkdir(parents=True, exist_ok=True)
        # Hard links: Dovecot renames and adds files but never rewrites a
        # message, so the cached mailbox stays pristine.
        subprocess.run(["cp", "-al", str(Path(maildir)), str(self.maildir)], check=True)
        self.own_mail()
        (self.dir / "dovecot" / "passwd").write_text(
            f"{OWNER}:{{PLAIN}}{PASSWORD}::::{self.home}::\n")
        os.chmod(self.dir / "dovecot" / "passwd", 0o644)
        conf = self.dir / "dovecot" / "dovecot.conf"
        conf.write_text(dovecot_conf(self.dir, self.ports, nobody.pw_uid, nobody.pw_gid))
        log = open(self.dir / "dovecot" / "stderr.log", "wb")
        self.proc = subprocess.Popen(["dovecot", "-F", "-c", str(conf)], stdin=subprocess.DEVNULL,
                                     stdout=log, stderr=log)
        self.wait_ready()

    def own_mail(self):
        """Mail files belong to the unprivileged mail user: Dovecot refuses root."""
        nobody = pwd.getpwnam("nobody")
        subprocess.run(["chown", "-R", f"{nobody.pw_uid}:{nobody.pw_gid}",
                        str(self.dir / "mail")], check=True)

    def wait_ready(self, timeout=30):
        deadline = time.monotonic() + timeout
        for port in self.ports.values():
            while True:
                try:
                    socket.create_connection(("127.0.0.1", port), timeout=1).close()
                    break
                except OSError:
                    if self.proc.poll() is not None or time.monotonic() > deadline:
                        raise RuntimeError(f"dovecot did not start; see {self.dir}/dovecot")
                    time.sleep(0.05)

    def stop(self):
        """SIGTERM to the master, SIGKILL if it lingers (as the harness does)."""
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()

    def remove(self):
        self.stop()
        shutil.rmtree(self.dir, ignore_errors=True)
