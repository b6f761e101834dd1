#!/bin/sh
# Instruction counts of one planning pass over the 100,000-invoice world
# (benches/engine.rs, RELANCE_BENCH_ONESHOT=measure) under callgrind: exact
# and repeatable where wall time on a shared machine is not. Prints the
# inclusive count of each measured function: the reference row read, the
# store's load_all_cases, and engine::decide over every case.
#
#   bench/engine-callgrind.sh            (from the repository root)
set -eu
cd "$(dirname "$0")/.."
data=bench/data
mkdir -p "$data"
db="$PWD/$data/engine-100k.db"
out="$PWD/$data/engine.callgrind"

bin=$(cargo bench --bench engine --no-run --message-format=json 2>/dev/null |
    python3 -c 'import json, sys
for line in sys.stdin:
    m = json.loads(line)
    if m.get("reason") == "compiler-artifact" and m["target"]["name"] == "engine" and m.get("executable"):
        print(m["executable"])')
[ -n "$bin" ] || { echo "engine-callgrind.sh: cannot build the engine bench" >&2; exit 1; }

# Build the world natively once; callgrind then only pays for the passes.
RELANCE_BENCH_DB="$db" RELANCE_BENCH_ONESHOT=build "$bin"
RELANCE_BENCH_DB="$db" RELANCE_BENCH_ONESHOT=measure \
    valgrind --tool=callgrind --callgrind-out-file="$out" "$bin" 2>"$data/engine.callgrind.log"
callgrind_annotate --inclusive=yes --auto=no "$out" 2>/dev/null |
    grep -E 'engine::measured_(table_scan|reference|load|decide) |PROGRAM TOTALS' |
    sed 's/ \[.*//'
