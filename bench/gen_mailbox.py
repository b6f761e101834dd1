#!/usr/bin/env python3
"""Writes a reproducible bench mailbox as a Dovecot Maildir (the test
harness's layout: INBOX in Maildir/cur, Sent in Maildir/.Sent/cur).

Per invoice the user sent: the invoice in Sent, 0-2 client replies threaded
to it in INBOX, and about two unrelated messages (mostly INBOX, some Sent),
until the mailbox holds exactly --messages messages. index.json beside the
Maildir lists the invoices, so later steps can reply to them.

    bench/gen_mailbox.py --messages 10000 --seed 6 --out bench/data/mbox-10000
"""

import argparse
import json
import os
import random
import sys
from datetime import datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import mailgen  # noqa: E402

# Messages per invoice: 1 invoice + 0.7 replies on average + 2 unrelated.
PER_INVOICE = 3.7
SENT_SHARE_OF_UNRELATED = 0.1


class Maildir:
    """Writes messages into one Maildir folder with Dovecot-style names
    (S= and W= sizes, so Dovecot need not stat or read to know them)."""

    def __init__(self, path, tag):
        self.path = Path(path)
        # Distinguishes the files of each delivery batch written in the same second.
        self.tag = tag
        for sub in ("cur", "new", "tmp"):
            (self.path / sub).mkdir(parents=True, exist_ok=True)
        self.count = 0

    def put(self, raw, stamp, seen=True):
        self.count += 1
        vsize = len(raw) + raw.count(b"\n")
        base = f"{int(stamp)}.M{self.tag}x{self.count}P{os.getpid()}.bench,S={len(raw)},W={vsize}"
        target = self.path / ("cur" if seen else "new") / (base + (":2,S" if seen else ""))
        tmp = self.path / "tmp" / base
        tmp.write_bytes(raw)
        tmp.rename(target)


def folders(root, tag="g"):
    """INBOX and Sent of the Maildir under the user's home `root`."""
    maildir = Path(root) / "Maildir"
    return Maildir(maildir, tag), Maildir(maildir / ".Sent", tag)


def clients_for(n_invoices, rng):
    out = []
    for i in range(max(50, n_invoices // 5)):
        first, last = rng.choice(mailgen.FIRST_NAMES), rng.choice(mailgen.LAST_NAMES)
        box = rng.choice(["compta", "factures", "accounts", mailgen.local_part(first)])
        out.append((f"{first} {last}", f"{box}@client-{i:05d}.test"))
    return out


def generate(total, seed, out):
    """Writes `total` messages under `out`; returns the summary written to index.json."""
    rng = random.Random(seed)
    n_invoices = max(1, round(total / PER_INVOICE))
    clients = clients_for(n_invoices, rng)
    inbox, sent = folders(out)
    pdf = mailgen.b64_lines(mailgen.make_pdf())
    index, written, unrelated = [], 0, 0
    counts = {"invoices": 0, "replies": 0, "unrelated_inbox": 0, "unrelated_sent": 0}
    for n in range(n_invoices):
        if written >= total:
            break
        inv = mailgen.Invoice(n, rng, clients)
        sent.put(mailgen.invoice_message(inv, pdf), inv.date.timestamp())
        index.append({"n": n, "message_id": inv.message_id, "subject": inv.subject,
                      "client": inv.client, "lang": inv.lang, "number": inv.number,
                      "cents": inv.cents, "date": inv.date.isoformat()})
        written += 1
        counts["invoices"] += 1
        for k in range(rng.choices([0, 1, 2], weights=[45, 40, 15])[0]):
            if written < total:
                inbox.put(mailgen.reply_message(inv, k, rng), mailgen.NOW.timestamp() - 3600)
                written += 1
                counts["replies"] += 1
    while written < total:
        unrelated += 1
        if rng.random() < SENT_SHARE_OF_UNRELATED:
            sent.put(mailgen.unrelated_sent(unrelated, rng), mailgen.NOW.timestamp() - 7200)
            counts["unrelated_sent"] += 1
        else:
            inbox.put(mailgen.unrelated_inbox(unrelated, rng), mailgen.NOW.timestamp() - 7200)
            counts["unrelated_inbox"] += 1
        written += 1
    summary = {"messages": written, "seed": seed, "counts": counts, "invoices": index}
    (Path(out) / "index.json").write_text(json.dumps(summary))
    return summary


def add_new(root, count, seed, invoices):
    """Delivers `count` new messages into new/ as an MDA would: a third are
    client replies to existing invoices, a tenth new invoices, the rest
    unrelated. Returns the Message-IDs of the replies."""
    rng = random.Random(seed)
    inbox, sent = folders(root, f"n{seed}")
    replies = []
    clients = [tuple(i["client"]) for i in invoices] or clients_for(50, rng)
    for j in range(count):
        roll = rng.random()
        if roll < 0.33 and invoices:
            inv = invoice_from_index(rng.choice(invoices), rng)
            raw = mailgen.reply_message(inv, 100 + seed * count + j, rng)
            inbox.put(raw, mailgen.NOW.timestamp(), seen=False)
            replies.append(raw)
        elif roll < 0.43:
            inv = mailgen.Invoice(10_000_000 + seed * count + j, rng, clients)
            sent.put(mailgen.invoice_message(inv, mailgen.b64_lines(mailgen.make_pdf())),
                     mailgen.NOW.timestamp(), seen=False)
        else:
            inbox.put(mailgen.unrelated_inbox(10_000_000 + seed * count + j, rng),
                      mailgen.NOW.timestamp(), seen=False)
    return replies


def invoice_from_index(entry, rng):
    """Rebuilds an Invoice object (for a threaded reply) from index.json."""
    inv = mailgen.Invoice(entry["n"], rng, [tuple(entry["client"])])
    inv.lang, inv.message_id, inv.subject = entry["lang"], entry["message_id"], entry["subject"]
    inv.number, inv.cents = entry["number"], entry["cents"]
    inv.date = datetime.fromisoformat(entry["date"])
    inv.due = (inv.date + timedelta(days=30)).date()
    return inv


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, required=True)
    parser.add_argument("--seed", type=int, default=6)
    parser.add_argument("--out", required=True)
    args = parser.parse_args()
    if Path(args.out, "index.json").exists():
        sys.exit(f"{args.out} already holds a mailbox; remove it first")
    summary = generate(args.messages, args.seed, args.out)
    print(json.dumps({"messages": summary["messages"], **summary["counts"]}))


if __name__ == "__main__":
    main()
