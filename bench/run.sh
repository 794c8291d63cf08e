#!/usr/bin/env bash
# bench/run.sh: build the program and the indicatif anchor, measure them side by side in a terminal,
# print a Markdown table; then run 10 000 jobs in task mode and print the end of the report.
#
# Needs: Linux (/proc), python3 (standard library only), cargo (it builds this repository and
# bench/anchors/indicatif, whose crates come from crates.io). strace is needed only for
# `measure.py --strace`, which this script does not use. It installs nothing.
#
#   bash bench/run.sh              # 5 rounds: about 65 s once built (a first build adds ~1 min)
#   ROUNDS=10 bash bench/run.sh    # more rounds, steadier medians
#   BEFORE=/path/to/spinner bash bench/run.sh   # and another build of the program, in the same rounds
#
# BEFORE adds a fifth program, `BEFORE --mode task --delay 3s`, so that two builds (an earlier
# commit's, say: `git worktree add /tmp/before COMMIT && cargo build --release --manifest-path
# /tmp/before/Cargo.toml --target-dir /tmp/before/target`) are compared in the same rounds.
#
# Each round runs every program once, in an order that turns by one each round, so that a burst of
# load on the machine falls on all of them alike. Every run: an 80x24 pseudo-terminal, a 3 s run at
# 100 ms frames, measured from 0.5 s to 2.5 s (bench/measure.py). The table gives the medians over
# the rounds; each run's JSON line goes to stderr as it comes.
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS=${ROUNDS:-5}

for tool in python3 cargo; do
  command -v "$tool" >/dev/null || { echo "bench/run.sh needs $tool" >&2; exit 1; }
done
PY=$(python3 -c 'import sys; print(sys.executable)') # the interpreter itself, not a shim around it

echo "== building (cargo build --release, and the anchor)" >&2
cargo build --release --quiet
ANCHOR_DIR=bench/anchors/indicatif
cargo build --release --quiet --manifest-path "$ANCHOR_DIR/Cargo.toml" --target-dir "$ANCHOR_DIR/target"
TARGET_DIR=$(cargo metadata --format-version 1 --no-deps |
  "$PY" -c 'import json, sys; print(json.load(sys.stdin)["target_directory"])')
SPINNER=$TARGET_DIR/release/spinner
ANCHOR=$ANCHOR_DIR/target/release/indicatif-anchor

# label | command (each runs 3 s, 100 ms a frame, by default)
programs=(
  "spinner --mode thread|$SPINNER --mode thread --delay 3s"
  "spinner --mode thread --wait event|$SPINNER --mode thread --wait event --delay 3s"
  "spinner --mode task|$SPINNER --mode task --delay 3s"
  "indicatif 0.18 (anchor)|$ANCHOR --delay 3"
)
if [[ -n ${BEFORE:-} ]]; then
  [[ -x $BEFORE ]] || { echo "BEFORE=$BEFORE is not a program" >&2; exit 1; }
  programs+=("BEFORE --mode task|$BEFORE --mode task --delay 3s")
fi

runs=$(mktemp)
trap 'rm -f "$runs"' EXIT
count=${#programs[@]}
echo "== $ROUNDS rounds of $count programs, 3 s each" >&2
for ((round = 0; round < ROUNDS; round++)); do
  for ((i = 0; i < count; i++)); do
    entry=${programs[$(((round + i) % count))]}
    label=${entry%%|*}
    read -r -a command <<<"${entry#*|}"
    line=$("$PY" bench/measure.py --runs 1 -- "${command[@]}")
    echo "$line" >&2
    printf '%s\t%s\n' "$label" "$line" >>"$runs"
  done
done

commit=$(git rev-parse --short HEAD 2>/dev/null || echo "?")
if [[ -n $(git status --porcelain -- src cli Cargo.toml Cargo.lock 2>/dev/null) ]]; then
  commit="$commit + uncommitted changes in src/, cli/ or Cargo.*"
fi
echo
echo "Measured $(date -u '+%Y-%m-%d %H:%M UTC'), commit $commit, $(nproc) cores," \
  "load average $(cut -d' ' -f1-3 /proc/loadavg), $(rustc --version 2>/dev/null | cut -d' ' -f1-2)."
echo "Medians of $ROUNDS rounds; 80x24 pseudo-terminal; 3 s runs at 100 ms frames, measured from 0.5 s to 2.5 s."
echo
"$PY" - "$runs" <<'EOF'
import json, statistics, sys

rows = {}
for text in open(sys.argv[1]):
    label, line = text.rstrip("\n").split("\t", 1)
    rows.setdefault(label, []).append(json.loads(line))

def median(runs, key):
    values = [r[key] for r in runs if r.get(key) is not None]
    return statistics.median(values) if values else None

def cell(value, form):
    return "n/a" if value is None else format(value, form)

print("| program | wake-ups/s | wake-ups/frame | CPU ms/s | peak RSS | frames/s |")
print("|---|---:|---:|---:|---:|---:|")
for label, runs in rows.items():
    rss = median(runs, "peak_rss_kb")
    print(f"| {label} | {cell(median(runs, 'wakeups_per_s'), '.1f')} "
          f"| {cell(median(runs, 'wakeups_per_frame'), '.2f')} "
          f"| {cell(median(runs, 'cpu_ms_per_s'), '.2f')} "
          f"| {cell(rss / 1024 if rss else None, '.1f')}"
          f"{f' MB ({rss:,.0f} KB)'.replace(',', ' ') if rss else ''} "
          f"| {cell(median(runs, 'frames_per_s'), '.1f')} |")
for label, runs in rows.items():
    failed = [r["exit_code"] for r in runs if r["exit_code"] != 0]
    if failed:
        print(f"\n{label}: {len(failed)} of {len(runs)} runs did not exit 0 (exit codes {failed})")
EOF

echo
echo "== spinner --mode task --jobs 10000 --limit 10000 --delay 2s --seed 1 (its report's last lines)"
echo
echo '```text'
"$SPINNER" --mode task --jobs 10000 --limit 10000 --delay 2s --seed 1 2>/dev/null | tail -4
echo '```'
