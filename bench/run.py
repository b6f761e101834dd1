#!/usr/bin/env python3
"""Issue 6, parts 1 and 4: relance's initial and incremental sync against the
reference indexer, on the same dedicated Dovecot, in the same run.

For each size: generate (or reuse) bench/data/mbox-N, start Dovecot over a
hard-linked copy, warm its index with one untimed reference pass, then
alternate reference and `relance run --once` (dry-run, empty database) --runs
times. On the largest size, the incremental cycle: deliver 100 new messages,
time a reference cycle and a relance cycle, --runs times. Peak RSS of
relance comes from /usr/bin/time -v. Results: bench/data/results-*.json and a
Markdown summary on stdout.

    sudo bench/run.py --sizes 10000 100000 --runs 5 --relance target/release/relance
"""

import argparse
import json
import os
import platform
import re
import statistics
import subprocess
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import dovecot  # noqa: E402
import gen_mailbox  # noqa: E402
import reference  # noqa: E402

DATA = Path(__file__).resolve().parent / "data"
# Decisions are taken as of the generated mailbox's "now", plus a day.
RELANCE_NOW = "2026-06-16T08:00:00Z"


def mailbox(size, seed):
    path = DATA / f"mbox-{size}-seed{seed}"
    if not (path / "index.json").exists():
        print(f"generating {size} messages into {path} ...", file=sys.stderr)
        gen_mailbox.generate(size, seed, path)
    return path


def bench_toml(workdir, server):
    """A dry-run configuration that watches the bench account."""
    (workdir / "imap.secret").write_text(dovecot.PASSWORD + "\n")
    os.chmod(workdir / "imap.secret", 0o600)
    path = workdir / "bench.toml"
    path.write_text(f"""[company]
name = "Atelier Dupont"
email = "{dovecot.OWNER}"
sender-name = "Claire Dupont"
language = "fr"
time-zone = "Europe/Paris"

[state]
database = "{workdir}/relance.db"
since = "2000-01-01"

[imap]
host = "127.0.0.1"
port = {server.ports['imap_tls']}
tls = "implicit"
username = "{dovecot.OWNER}"
password-file = "{workdir}/imap.secret"
ca-file = "{server.ca}"

[smtp]
host = "127.0.0.1"
port = 25
tls = "none"
username = "{dovecot.OWNER}"
password-file = "{workdir}/imap.secret"

[sequence]
mode = "dry-run"
""")
    return path


def run_relance(binary, config, extra=()):
    """One `relance run --once` under /usr/bin/time -v: seconds, peak KiB."""
    cmd = ["/usr/bin/time", "-v", str(binary), "--config", str(config), "--now", RELANCE_NOW,
           "run", "--once", *extra]
    started = time.perf_counter()
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
    seconds = time.perf_counter() - started
    peak = re.search(r"Maximum resident set size \(kbytes\): (\d+)", out.stderr)
    if out.returncode != 0:
        raise RelanceUnavailable(out.stderr.strip()[-2000:])
    return {"seconds": seconds, "peak_kib": int(peak.group(1)) if peak else None}


class RelanceUnavailable(Exception):
    """`run --once` failed: not built yet, or broken; the reason is kept."""


def summary(values):
    values = [v for v in values if v is not None]
    if not values:
        return None
    return {"median": statistics.median(values), "min": min(values), "max": max(values),
            "n": len(values)}


def initial(size, args):
    box = mailbox(size, args.seed)
    work = DATA / f"run-{size}-{os.getpid()}"
    server = dovecot.Dovecot(work, box / "Maildir")
    result = {"size": size, "reference": [], "relance": [], "relance_error": None}
    try:
        config = bench_toml(work, server)
        warm = reference.Reference(server.ports["imap_tls"], server.ca, dovecot.OWNER,
                                   dovecot.PASSWORD).cycle()
        result["warmup_reference"] = warm
        for i in range(args.runs):
            ref = reference.Reference(server.ports["imap_tls"], server.ca, dovecot.OWNER,
                                      dovecot.PASSWORD)
            result["reference"].append(ref.cycle())
            if args.relance and result["relance_error"] is None:
                (work / "relance.db").unlink(missing_ok=True)
                try:
                    result["relance"].append(run_relance(args.relance, config))
                except RelanceUnavailable as e:
                    result["relance_error"] = str(e)
        if size == max(args.sizes) and args.incremental:
            result["incremental"] = incremental(server, box, config, args)
    finally:
        if not args.keep:
            server.remove()
    return result


def incremental(server, box, config, args):
    """100 new messages, then one cycle of each; `--runs` times."""
    invoices = json.loads((box / "index.json").read_text())["invoices"]
    ref = reference.Reference(server.ports["imap_tls"], server.ca, dovecot.OWNER, dovecot.PASSWORD)
    ref.cycle()
    out = {"messages": args.incremental, "reference": [], "relance": [], "relance_error": None}
    db_ready = False
    if args.relance:
        try:
            run_relance(args.relance, config)
            db_ready = True
        except RelanceUnavailable as e:
            out["relance_error"] = str(e)
    for i in range(args.runs):
        gen_mailbox.add_new(server.home, args.incremental, 1000 + i, invoices)
        server.own_mail()
        out["reference"].append(ref.cycle())
        if db_ready:
            try:
                out["relance"].append(run_relance(args.relance, config))
            except RelanceUnavailable as e:
                out["relance_error"], db_ready = str(e), False
    return out


def cpu_model():
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return platform.machine()


def machine():
    mem = Path("/proc/meminfo").read_text().split("\n")[0].split()[1]
    load = Path("/proc/loadavg").read_text().split()[:3]
    return {"cores": os.cpu_count(), "mem_gib": round(int(mem) / 2**20, 1),
            "cpu": cpu_model(), "dovecot": dovecot.version(),
            "python": platform.python_version(), "loadavg_at_start": load,
            "date": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")}


def markdown(results):
    lines = ["| size | reference median (min–max) s | relance median (min–max) s | ratio | relance peak RSS MiB |",
             "|---|---|---|---|---|"]
    for r in results["runs"]:
        rows = [(f"{r['size']:,} initial", r["reference"], r["relance"], r["relance_error"])]
        if "incremental" in r:
            inc = r["incremental"]
            rows.append((f"+{inc['messages']} incremental", inc["reference"], inc["relance"],
                         inc["relance_error"]))
        for label, ref, rel, error in rows:
            a = summary([x["seconds"] for x in ref])
            b = summary([x["seconds"] for x in rel])
            rss = summary([x["peak_kib"] for x in rel])
            fmt = lambda s: f"{s['median']:.2f} ({s['min']:.2f}–{s['max']:.2f})" if s else "pending"  # noqa: E731
            ratio = f"{b['median'] / a['median']:.2f}×" if a and b else "pending"
            mib = f"{rss['max'] / 1024:.0f}" if rss else "pending"
            lines.append(f"| {label} | {fmt(a)} | {fmt(b)} | {ratio} | {mib} |")
            if error:
                said = [line for line in error.splitlines() if line.startswith("relance:")]
                lines.append(f"\nrelance unavailable: `{(said or error.splitlines())[-1]}`\n")
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--seed", type=int, default=6)
    parser.add_argument("--relance", type=Path, help="the relance binary (release build)")
    parser.add_argument("--incremental", type=int, default=100)
    parser.add_argument("--keep", action="store_true", help="keep the Dovecot run directory")
    args = parser.parse_args()
    if os.geteuid() != 0:
        sys.exit("run.py starts Dovecot, which needs root (as the test harness does)")
    if args.relance and not args.relance.exists():
        sys.exit(f"{args.relance}: no such binary; build it with cargo build --release")
    DATA.mkdir(exist_ok=True)
    results = {"machine": machine(), "args": " ".join(sys.argv[1:]), "runs": []}
    for size in args.sizes:
        results["runs"].append(initial(size, args))
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    (DATA / f"results-{stamp}.json").write_text(json.dumps(results, indent=1))
    print(json.dumps(results["machine"]))
    print(markdown(results))


if __name__ == "__main__":
    main()
