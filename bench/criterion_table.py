#!/usr/bin/env python3
"""Median, min and max per iteration of each criterion benchmark of a group,
from criterion's raw samples, with the ratio of each median to a reference
benchmark of the same group (same run), as a Markdown table.

    bench/criterion_table.py planning_100k --reference reference_read_rows
    bench/criterion_table.py classify

Reads $CARGO_TARGET_DIR/criterion (default target/criterion).
"""

import argparse
import json
import os
import statistics
from pathlib import Path


def per_iteration(sample_json):
    data = json.loads(sample_json.read_text())
    return [t / n for t, n in zip(data["times"], data["iters"]) if n]


def human(ns):
    for unit, scale in (("s", 1e9), ("ms", 1e6), ("µs", 1e3)):
        if ns >= scale:
            return f"{ns / scale:.3g} {unit}"
    return f"{ns:.3g} ns"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("group")
    parser.add_argument("--reference", help="benchmark of the group the ratios are to")
    args = parser.parse_args()
    root = Path(os.environ.get("CARGO_TARGET_DIR", "target")) / "criterion" / args.group
    rows = {}
    for sample in sorted(root.glob("*/new/sample.json")):
        values = per_iteration(sample)
        rows[sample.parent.parent.name] = (statistics.median(values), min(values), max(values),
                                           len(values))
    if not rows:
        raise SystemExit(f"no criterion samples under {root}")
    ref = rows.get(args.reference, (None,))[0]
    print("| benchmark | median | min | max | samples | ratio to reference |")
    print("|---|---|---|---|---|---|")
    for name, (median, low, high, n) in rows.items():
        ratio = f"{median / ref:.2f}×" if ref else "—"
        print(f"| {name} | {human(median)} | {human(low)} | {human(high)} | {n} | {ratio} |")


if __name__ == "__main__":
    main()
