#!/usr/bin/env python3
"""Issue 6, part 2: reaction latency of the daemon in IDLE.

Starts Dovecot over a bench mailbox (--size, 10,000 messages by default),
warms it, starts `relance run` (not --once; dry-run) against it from an
empty database, waits until the daemon has indexed the mailbox and finished
its first cycle (its resident memory at rest is read then), then --replies
times delivers a client reply to a known invoice over Dovecot's LMTP and polls the
daemon's SQLite database (read-only) until an event for that message exists.

In the same run, a plain imaplib client IDLEs on INBOX too and notes when
Dovecot announces the message (`* n EXISTS`): the floor no IMAP client can
beat, measured rather than assumed. Before relance starts, the same client
also reads --floor-replies replies (EXISTS, then FETCH of the new body), the
least any client must do to read one: on a large Maildir, Dovecot's first
FETCH of a just-delivered message costs a fifth of a second of its own.
relance's figures are given above both. Its memory (VmRSS, VmHWM, RssAnon, RssFile) is read from /proc
again after the replies.

    sudo bench/latency.py --relance target/release/relance --size 100000 --replies 60
"""

import argparse
import json
import random
import smtplib
import sqlite3
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import dovecot  # noqa: E402
import gen_mailbox  # noqa: E402
import mailgen  # noqa: E402
import reference  # noqa: E402
import run  # noqa: E402

POLL = 0.005
SYNC_TIMEOUT = 1200
REPLY_TIMEOUT = 15
STABLE = 10


class Idler:
    """An imaplib connection in IDLE on INBOX that timestamps each EXISTS."""

    def __init__(self, server):
        self.conn = reference.imaplib.IMAP4_SSL(
            "127.0.0.1", server.ports["imap_tls"],
            ssl_context=reference.ssl.create_default_context(cafile=str(server.ca)))
        self.conn.login(dovecot.OWNER, dovecot.PASSWORD)
        self.conn.select("INBOX", readonly=True)
        self.seen = threading.Event()
        self.at = None
        self.thread = None

    def arm(self):
        """Enters IDLE and listens in a thread until the next EXISTS."""
        # The previous IDLE's tagged OK must be read before a new one starts.
        if self.thread is not None:
            self.thread.join(timeout=5)
        self.seen.clear()
        self.tag = self.conn._new_tag()
        self.conn.send(self.tag + b" IDLE\r\n")
        if not self.conn.readline().startswith(b"+"):
            raise RuntimeError("IDLE refused")
        self.thread = threading.Thread(target=self.listen, daemon=True)
        self.thread.start()

    def listen(self):
        while True:
            line = self.conn.readline()
            if not line:
                return
            if line.rstrip().endswith(b"EXISTS"):
                self.at = time.perf_counter()
                self.exists = int(line.split()[1])
                self.seen.set()
                self.conn.send(b"DONE\r\n")
            elif line.startswith(self.tag):
                return

    def read_newest(self):
        """After an EXISTS: fetches the newest message's body, as any client
        must to read a reply. Returns when it has arrived."""
        self.thread.join(timeout=5)
        typ, _ = self.conn.fetch(str(self.exists), "(BODY.PEEK[])")
        if typ != "OK":
            raise RuntimeError("FETCH of the new message refused")
        return time.perf_counter()

    def disarm(self):
        """Leaves IDLE if no EXISTS came, so the next arm() starts clean."""
        if not self.seen.is_set():
            self.conn.send(b"DONE\r\n")
            self.thread.join(timeout=5)

    def close(self):
        try:
            self.conn.logout()
        except (OSError, reference.imaplib.IMAP4.error):
            pass


def wait_for_rest(db_path, proc, log):
    """Until the daemon has indexed the mailbox and carried out its first
    cycle: the invoice, message, outbox and dry-run counts all unchanged
    for STABLE seconds. Replies delivered before that would queue behind the
    first cycle (which, over a large backlog, renders thousands of dry-run
    messages) and measure it rather than the reaction. Returns the counts."""
    deadline = time.monotonic() + SYNC_TIMEOUT
    last, since = None, time.monotonic()
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise run.RelanceUnavailable(Path(log).read_text(errors="replace")[-2000:])
        try:
            with sqlite3.connect(f"file:{db_path}?mode=ro", uri=True) as db:
                counts = {table: db.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
                          for table in ("invoices", "messages", "outbox", "dry_run_renders")}
        except sqlite3.Error:
            counts = None
        if counts != last:
            last, since = counts, time.monotonic()
        elif counts and counts["invoices"] > 0 and time.monotonic() - since > STABLE:
            return counts
        time.sleep(0.5)
    raise run.RelanceUnavailable(f"the daemon did not come to rest in time (last counts {last})")


def event_recorded(db, message_id):
    row = db.execute("SELECT 1 FROM events e JOIN messages m ON m.id = e.message_row "
                     "WHERE m.message_id = ?", (message_id.strip("<>"),)).fetchone()
    return row is not None


def deliver(server, raw):
    with smtplib.LMTP("127.0.0.1", server.ports["lmtp"]) as lmtp:
        lmtp.sendmail("client@bench.test", [dovecot.OWNER], raw)


def measure(server, invoices, args, db_path, replies, first=500, read=False):
    """Delivers `replies` replies one by one; seconds to EXISTS and to the
    event (with `db_path`), or to the body fetched by the idler (`read`)."""
    rng = random.Random(args.seed + first)
    idler = Idler(server)
    db = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True) if db_path else None
    out = []
    try:
        for k, entry in enumerate(rng.sample(invoices, replies)):
            inv = gen_mailbox.invoice_from_index(entry, rng)
            raw = mailgen.reply_message(inv, first + k, rng, cls="promise")
            message_id = next(line.split(":", 1)[1].strip() for line in raw.decode().splitlines()
                              if line.startswith("Message-ID:"))
            idler.arm()
            started = time.perf_counter()
            deliver(server, raw)
            sample = {"exists": None, "event": None}
            deadline = started + REPLY_TIMEOUT
            while time.perf_counter() < deadline:
                if sample["exists"] is None and idler.seen.is_set():
                    sample["exists"] = idler.at - started
                    if read:
                        sample["read"] = idler.read_newest() - started
                if db is not None and sample["event"] is None and event_recorded(db, message_id):
                    sample["event"] = time.perf_counter() - started
                if sample["exists"] is not None and (db is None or sample["event"] is not None):
                    break
                time.sleep(POLL)
            idler.disarm()
            out.append(sample)
            time.sleep(args.gap)
    finally:
        idler.close()
    return out


def percentile(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def describe(values):
    values = [v for v in values if v is not None]
    if not values:
        return None
    return {"n": len(values), "median": statistics.median(values),
            "p95": percentile(values, 95), "min": min(values), "max": max(values)}


def memory(pid):
    """VmRSS and VmHWM, and the resident set split into heap and other
    anonymous memory (RssAnon) and pages of the binary and libraries
    (RssFile)."""
    out = {}
    for name in ("status", "smaps_rollup"):
        text = Path(f"/proc/{pid}/{name}").read_text()
        fields = dict(line.split(":", 1) for line in text.splitlines() if ":" in line)
        out.update({k: fields[k].strip() for k in ("VmRSS", "VmHWM", "RssAnon", "RssFile")
                    if k in fields})
    return out


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--relance", type=Path)
    parser.add_argument("--size", type=int, default=10_000)
    parser.add_argument("--replies", type=int, default=60)
    parser.add_argument("--floor-replies", type=int, default=30,
                        help="replies read by a bare client before relance starts")
    parser.add_argument("--gap", type=float, default=1.0, help="seconds between replies")
    parser.add_argument("--seed", type=int, default=6)
    args = parser.parse_args()
    box = run.mailbox(args.size, args.seed)
    invoices = json.loads((box / "index.json").read_text())["invoices"]
    server = dovecot.Dovecot(run.DATA / f"latency-{args.size}", box / "Maildir")
    result = {"machine": run.machine(), "size": args.size, "relance_error": None, "memory": None}
    proc = None
    try:
        db_path = None
        # Dovecot builds its index and header cache on first access (about
        # 100 s at 100,000 messages); run.py warms it the same way.
        reference.Reference(server.ports["imap_tls"], server.ca, dovecot.OWNER,
                            dovecot.PASSWORD).cycle()
        # Before relance starts: what a bare client needs to read a reply,
        # EXISTS then the new message's body. On a large Maildir Dovecot's
        # first FETCH of a just-delivered message is slow (it looks the file
        # up again), so this, not EXISTS alone, is the floor for reading.
        floor = measure(server, invoices, args, None, args.floor_replies, first=900, read=True)
        result["floor_exists"] = describe([s["exists"] for s in floor])
        result["floor_read"] = describe([s.get("read") for s in floor])
        if args.relance:
            config = run.bench_toml(server.dir, server)
            # A file, not a pipe: a daemon that logs must never block on it.
            log = server.dir / "relance.log"
            with open(log, "wb") as sink:
                proc = subprocess.Popen([str(args.relance), "--config", str(config), "run"],
                                        stdout=sink, stderr=sink)
            try:
                result["at_rest"] = wait_for_rest(server.dir / "relance.db", proc, log)
                result["memory_at_rest"] = memory(proc.pid)
                db_path = server.dir / "relance.db"
            except run.RelanceUnavailable as e:
                result["relance_error"] = str(e)
        samples = measure(server, invoices, args, db_path, args.replies)
        if db_path and proc.poll() is None:
            result["memory"] = memory(proc.pid)
        result["exists"] = describe([s["exists"] for s in samples])
        result["event"] = describe([s["event"] for s in samples])
        result["missed"] = sum(1 for s in samples if db_path and s["event"] is None)
    finally:
        if proc is not None and proc.poll() is None:
            proc.terminate()
            proc.wait(timeout=30)
        server.remove()
    stamp = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())
    (run.DATA / f"latency-{stamp}.json").write_text(json.dumps(result, indent=1))
    print(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
