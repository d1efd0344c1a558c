#!/usr/bin/env bash
# Import benchmark (issue 6): a 100,000-row return imported through the real import path, against a raw
# SQLite bulk insert of the same rows into the same table, in the same run (a measurement, not a test).
#   usage: bench/import.sh                      ROWS=100000 RUNS=5 by default
# Uses SAFEGUARD_BIN, else target/release/safeguard (build it first: cargo build --release --locked).
# Exit status: 0 the median ratio is at least 0.50; 2 it ran but the ratio is lower; 1 it could not run.
set -euo pipefail
SG_PROG=bench-import
# shellcheck source=scripts/lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/../scripts/lib/common.sh"
cd "$REPO"

ROWS=${ROWS:-100000}
RUNS=${RUNS:-5}
BIN=${SAFEGUARD_BIN:-${CARGO_TARGET_DIR:-$REPO/target}/release/safeguard}
[ -x "$BIN" ] || die "no release binary at $BIN: run cargo build --release --locked, or set SAFEGUARD_BIN"
RESULTS="$REPO/bench/results"
mkdir -p "$RESULTS"
[ -f "$RESULTS/.gitignore" ] || printf '# benchmark output, not versioned\n*\n' >"$RESULTS/.gitignore"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/safeguard-bench-import.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

out="$RESULTS/$(date +%Y-%m-%dT%H%M%S)-import.txt"
export SAFEGUARD_DATABASE_URL="sqlite://$tmp/unused.db"
export SAFEGUARD_LOG=warn
"$BIN" bench-import --rows "$ROWS" --runs "$RUNS" --dir "$tmp" | tee "$out"

# The command line itself on the last run's database (its catalogue has the ROWS indicators): a second
# revision of the same return, timed from process start to exit, progress lines on stderr.
export SAFEGUARD_DATABASE_URL="sqlite://$tmp/import.db"
t=$EPOCHREALTIME
"$BIN" import indicators "$tmp/return.csv" --partnership bench --agency "Bench Council" \
  --frequency year --period 2024-04-01 --as bench.admin@bench.example >>"$out" 2>"$tmp/cli.err" ||
  { cat "$tmp/cli.err" >&2; die "safeguard import indicators failed"; }
printf 'safeguard import indicators (whole process, %s rows, revision 2): %s s\n' "$ROWS" "$(fmt_secs "$t")" | tee -a "$out"
say "written to ${out#"$REPO"/}"
ratio=$(sed -n 's/^median: .* ratio \([0-9.]*\) .*/\1/p' "$out")
awk -v r="$ratio" 'BEGIN { exit !(r >= 0.50) }' || exit 2
