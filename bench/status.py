#!/usr/bin/env python3
"""Issue 6, part 3: `relance status --json` on the 100,000-invoice store.

Times --runs calls of the release binary, alternating with the reference
measured in the same run: one planning pass (load_all_cases + decide for
every case) by the engine bench binary in RELANCE_BENCH_ONESHOT=pass mode,
a process of its own as status is. The store is the engine bench's world
(bench/data/engine-100k.db, built on first use).

    bench/status.py --relance target/release/relance --runs 10
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import run  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
DB = run.DATA / "engine-100k.db"
# The engine bench decides at this instant (benches/engine/world.rs).
NOW = "2026-06-15T08:00:00Z"


def engine_bench_binary():
    out = subprocess.run(["cargo", "bench", "--bench", "engine", "--no-run",
                          "--message-format=json"], cwd=ROOT, capture_output=True, text=True,
                         check=True)
    for line in out.stdout.splitlines():
        msg = json.loads(line)
        if (msg.get("reason") == "compiler-artifact" and msg["target"]["name"] == "engine"
                and msg.get("executable")):
            return msg["executable"]
    raise SystemExit("cannot build the engine bench")


def config(workdir):
    path = workdir / "status.toml"
    path.write_text(f"""[company]
name = "Atelier Dupont"
email = "claire@atelier-dupont.example.fr"
language = "fr"
time-zone = "Europe/Paris"

[state]
database = "{DB}"
since = "2000-01-01"

[imap]
host = "127.0.0.1"
port = 993
tls = "implicit"
username = "claire@atelier-dupont.example.fr"
password-env = "RELANCE_BENCH_UNUSED"

[smtp]
host = "127.0.0.1"
port = 465
tls = "implicit"
username = "claire@atelier-dupont.example.fr"
password-env = "RELANCE_BENCH_UNUSED"

[sequence]
mode = "dry-run"
""")
    return path


def timed(cmd, env=None):
    started = time.perf_counter()
    out = subprocess.run(cmd, capture_output=True, env=env, timeout=300)
    return time.perf_counter() - started, out


def describe(values):
    return {"median": statistics.median(values), "min": min(values), "max": max(values),
            "n": len(values)} if values else None


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--relance", type=Path, required=True)
    parser.add_argument("--runs", type=int, default=10)
    args = parser.parse_args()
    bench = engine_bench_binary()
    env = dict(os.environ, RELANCE_BENCH_DB=str(DB), RELANCE_BENCH_UNUSED="x")
    subprocess.run([bench], env=dict(env, RELANCE_BENCH_ONESHOT="build"), check=True)
    conf = config(run.DATA)
    status_cmd = [str(args.relance), "--config", str(conf), "--now", NOW, "status", "--json"]
    result = {"machine": run.machine(), "reference": [], "status": [], "status_error": None}
    for _ in range(args.runs):
        seconds, _ = timed([bench], dict(env, RELANCE_BENCH_ONESHOT="pass"))
        result["reference"].append(seconds)
        if result["status_error"] is None:
            seconds, out = timed(status_cmd, env)
            if out.returncode != 0:
                result["status_error"] = out.stderr.decode(errors="replace").strip()[-500:]
            else:
                result["status"].append(seconds)
                result["invoices_listed"] = len(json.loads(out.stdout))
    result["reference_summary"] = describe(result["reference"])
    result["status_summary"] = describe(result["status"])
    if result["status"]:
        result["ratio"] = result["status_summary"]["median"] / result["reference_summary"]["median"]
    print(json.dumps({k: v for k, v in result.items() if k not in ("reference", "status")},
                     indent=1))


if __name__ == "__main__":
    main()
