"""The REFERENCE indexer: the least work any correct indexer of the mailbox
must do, in plain Python imaplib over the same TLS connection relance uses.

1. `UID FETCH <first>:*` of the header fields relance fetches (read from
   src/mailbox/imap.rs, so the two never drift) with UID FLAGS INTERNALDATE
   RFC822.SIZE, for every message of INBOX and Sent;
2. candidates: Sent mail whose subject names an invoice, INBOX mail whose
   In-Reply-To/References name one of those;
3. `UID FETCH <set> BODY.PEEK[]` of the candidates, 200 per command.

It parses nothing it does not need and keeps its state (last UID per
folder, invoice Message-IDs) in memory for the incremental cycle.
"""

import imaplib
import re
import ssl
import time
from email.header import decode_header, make_header
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BODY_BATCH = 200
INVOICE_SUBJECT = re.compile(r"\b(factures?|invoices?)\b", re.IGNORECASE)
MESSAGE_ID = re.compile(rb"<[^<>\s]+>")
UID = re.compile(rb"UID (\d+)")


def header_fields():
    """HEADER_FIELDS of src/mailbox/imap.rs: the list relance fetches."""
    source = (ROOT / "src" / "mailbox" / "imap.rs").read_text()
    match = re.search(r'pub const HEADER_FIELDS: &str = "([^"]*)"', source, re.S)
    if not match:
        raise RuntimeError("HEADER_FIELDS not found in src/mailbox/imap.rs")
    return " ".join(match.group(1).replace("\\", " ").split())


def unfolded(header):
    """{lowercase name: raw value} of a header block."""
    out = {}
    for line in re.sub(rb"\r?\n[ \t]+", b" ", header).splitlines():
        name, sep, value = line.partition(b":")
        if sep:
            out[name.strip().lower()] = value.strip()
    return out


def subject_text(raw):
    text = raw.decode("utf-8", "replace")
    if "=?" in text:
        try:
            return str(make_header(decode_header(text)))
        except (ValueError, LookupError):
            return text
    return text


class Reference:
    """One IMAP account indexed the minimal way; call `cycle()` repeatedly."""

    def __init__(self, port, ca_file, user, password, sent="Sent"):
        self.port, self.user, self.password, self.sent = port, user, password, sent
        self.context = ssl.create_default_context(cafile=str(ca_file))
        self.items = f"(UID FLAGS INTERNALDATE RFC822.SIZE BODY.PEEK[HEADER.FIELDS ({header_fields()})])"
        self.last = {"INBOX": 0, sent: 0}
        self.invoices = set()

    def cycle(self):
        """Connects, indexes what is new since the last cycle, logs out;
        returns counts and the seconds spent per phase."""
        stats = {"headers": 0, "candidates": 0, "body_bytes": 0}
        started = time.perf_counter()
        conn = imaplib.IMAP4_SSL("127.0.0.1", self.port, ssl_context=self.context)
        conn.login(self.user, self.password)
        # Sent first: replies are matched against the invoices found there.
        for folder in (self.sent, "INBOX"):
            conn.select(folder, readonly=True)
            fetched = self.fetch_headers(conn, folder)
            stats["headers"] += len(fetched)
            wanted = self.candidates(folder, fetched)
            stats["candidates"] += len(wanted)
            stats["body_bytes"] += self.fetch_bodies(conn, wanted)
        conn.logout()
        stats["seconds"] = time.perf_counter() - started
        return stats

    def fetch_headers(self, conn, folder):
        first = self.last[folder] + 1
        typ, data = conn.uid("FETCH", f"{first}:*", self.items)
        if typ != "OK":
            raise RuntimeError(f"UID FETCH headers in {folder}: {typ} {data}")
        out = []
        for part in data:
            if not isinstance(part, tuple):
                continue
            match = UID.search(part[0])
            # `n:*` also returns the last message when n is past it.
            if match and int(match.group(1)) >= first:
                out.append((int(match.group(1)), unfolded(part[1])))
        if out:
            self.last[folder] = max(uid for uid, _ in out)
        return out

    def candidates(self, folder, fetched):
        wanted = []
        for uid, fields in fetched:
            if folder == self.sent:
                if INVOICE_SUBJECT.search(subject_text(fields.get(b"subject", b""))):
                    self.invoices.update(MESSAGE_ID.findall(fields.get(b"message-id", b"")))
                    wanted.append(uid)
            else:
                refs = fields.get(b"in-reply-to", b"") + b" " + fields.get(b"references", b"")
                if any(m in self.invoices for m in MESSAGE_ID.findall(refs)):
                    wanted.append(uid)
        return wanted

    def fetch_bodies(self, conn, uids):
        size = 0
        for i in range(0, len(uids), BODY_BATCH):
            batch = ",".join(str(u) for u in uids[i:i + BODY_BATCH])
            typ, data = conn.uid("FETCH", batch, "(UID BODY.PEEK[])")
            if typ != "OK":
                raise RuntimeError(f"UID FETCH bodies: {typ} {data}")
            size += sum(len(p[1]) for p in data if isinstance(p, tuple))
        return size
