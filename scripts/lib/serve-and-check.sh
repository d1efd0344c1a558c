#!/usr/bin/env bash
# Start the release binary against a fresh database, run the browser end-to-end checks (e2e/run.mjs) and
# the schemathesis API run (api-tests/run.sh) against it, then stop it with SIGTERM and require a clean
# exit (status 0 within 10 s).
#   usage: scripts/lib/serve-and-check.sh sqlite|postgres
# sqlite:   a new database file in a temporary folder.
# postgres: a new database created on $SAFEGUARD_TEST_POSTGRES_URL's server (from scripts/pg-test-env.sh
#           when unset), dropped afterwards.
# The server's log (stderr) is kept in target/e2e-logs/<backend>/server.log and its stdout (the demo
# sign-ins) in server.stdout beside it; schemathesis' JUnit report in
# target/api-tests/<backend>/; e2e artifacts (if e2e/run.mjs writes any) in e2e/artifacts/<backend>/.
set -euo pipefail
SG_PROG=serve-and-check
# shellcheck source=scripts/lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
cd "$REPO"

backend=${1:-}
case $backend in
  sqlite | postgres) ;;
  *) die "usage: $0 sqlite|postgres" ;;
esac
SG_PROG="serve-and-check[$backend]"

bin=${SAFEGUARD_BIN:-$REPO/target/release/safeguard}
[ -x "$bin" ] || die "no binary at $bin: run cargo build --release --locked first"

# A fixed, long, test-only password for the demo accounts (not a real secret; never used outside tests).
DEMO_PASSWORD='e2e-demo-passphrase-7f3c91e2-orchard-lantern'
DEMO_ADMIN_EMAIL='admin@safeguard.example'

logdir="$REPO/target/e2e-logs/$backend"
rm -rf "$logdir" "$REPO/target/api-tests/$backend" "$REPO/e2e/artifacts/$backend"
mkdir -p "$logdir"
server_log="$logdir/server.log"
server_out="$logdir/server.stdout"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/safeguard-e2e.XXXXXX")
server_pid=""
pg_admin_url=""
pg_db=""

cleanup() {
  trap '' INT TERM # finish cleaning up even if signalled again
  if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
    stop_pid "$server_pid" 10
  fi
  if [ -n "$pg_db" ]; then
    psql "$pg_admin_url" -X -q -c "drop database if exists $pg_db with (force)" >/dev/null 2>&1 ||
      warn "could not drop database $pg_db"
  fi
  rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

case $backend in
  sqlite)
    db_url="sqlite://$tmp/e2e.db"
    ;;
  postgres)
    if [ -z "${SAFEGUARD_TEST_POSTGRES_URL:-}" ]; then
      SAFEGUARD_TEST_POSTGRES_URL=$("$REPO/scripts/pg-test-env.sh" | tail -n 1) || die "no PostgreSQL for the test"
    fi
    pg_admin_url=$SAFEGUARD_TEST_POSTGRES_URL
    pg_db="sg_e2e_$(date +%Y%m%d%H%M%S)_$$"
    psql "$pg_admin_url" -X -q -v ON_ERROR_STOP=1 -c "create database $pg_db" >/dev/null ||
      die "could not create database $pg_db via $pg_admin_url"
    db_url=$(pg_url_with_db "$pg_admin_url" "$pg_db")
    ;;
esac

port=$(free_port)
base="http://127.0.0.1:$port"
export SAFEGUARD_DATABASE_URL="$db_url"
# Uploaded documents go to the run's temporary folder (the default for PostgreSQL is ./safeguard-files).
export SAFEGUARD_FILES_DIR="$tmp/files"
export SAFEGUARD_BIND="127.0.0.1:$port"
export SAFEGUARD_DEMO_PASSWORD="$DEMO_PASSWORD"
export SAFEGUARD_LOG_FORMAT=json

say "starting $bin serve --demo on $base, database $db_url"
# A plain `cmd &` so that $! is the server itself (not a subshell).
"$bin" serve --demo </dev/null >"$server_out" 2>"$server_log" &
server_pid=$!

show_log() {
  say "server stdout ($server_out), last 20 lines:"
  tail -n 20 "$server_out" | sed 's/^/    /' >&2
  say "server log ($server_log), last 60 lines:"
  tail -n 60 "$server_log" | sed 's/^/    /' >&2
}

started=$EPOCHREALTIME
if ! wait_http_200 "$base/readyz" 60 "$server_pid"; then
  show_log
  die "the server did not become ready (GET /readyz = 200) within 60 s"
fi
say "ready after $(fmt_secs "$started") s"

results=()
failed=0
record() { # record NAME STATUS
  if [ "$2" -eq 0 ]; then
    results+=("ok      $1")
  else
    results+=("FAILED  $1 (exit $2)")
    failed=$((failed + 1))
  fi
}

# 1. Browser end-to-end run, including the axe accessibility checks.
t=$EPOCHREALTIME
if [ ! -f "$REPO/e2e/run.mjs" ]; then
  say "ERROR: e2e/run.mjs does not exist yet: the browser end-to-end run has not been written"
  record "e2e/run.mjs (missing)" 1
elif [ ! -d "$REPO/e2e/node_modules" ]; then
  say "ERROR: e2e/node_modules is missing: run (cd e2e && npm ci)"
  record "e2e/run.mjs (no node_modules)" 1
else
  say "node e2e/run.mjs"
  set +e
  BASE_URL="$base" DEMO_PASSWORD="$DEMO_PASSWORD" DEMO_ADMIN_EMAIL="$DEMO_ADMIN_EMAIL" \
    SAFEGUARD_BIN="$bin" E2E_ARTIFACTS="$REPO/e2e/artifacts/$backend" \
    timeout --foreground -k 10 900 node "$REPO/e2e/run.mjs" </dev/null
  rc=$?
  set -e
  record "e2e/run.mjs ($(fmt_secs "$t") s)" "$rc"
fi

# 2. schemathesis against /api/openapi.json with an API token.
say "api-tests/run.sh"
t=$EPOCHREALTIME
set +e
BASE_URL="$base" SAFEGUARD_BIN="$bin" API_TOKEN_EMAIL="$DEMO_ADMIN_EMAIL" \
  API_TESTS_REPORT_DIR="$REPO/target/api-tests/$backend" \
  "$REPO/api-tests/run.sh" </dev/null
rc=$?
set -e
record "api-tests/run.sh, schemathesis ($(fmt_secs "$t") s)" "$rc"

# 3. Graceful shutdown: SIGTERM, exit status 0 within 10 s.
if ! kill -0 "$server_pid" 2>/dev/null || [ "$(ps -o stat= -p "$server_pid" | cut -c1)" = Z ]; then
  wait "$server_pid" && rc=$? || rc=$?
  server_pid=""
  show_log
  record "server stayed up during the checks (it exited early with status $rc)" 1
else
  t=$EPOCHREALTIME
  stop_pid "$server_pid" 10
  server_pid=""
  if [ "$STOP_KILLED" = 1 ]; then
    show_log
    record "graceful shutdown: still running 10 s after SIGTERM, killed" 1
  elif [ "$STOP_RC" -ne 0 ]; then
    show_log
    record "graceful shutdown: exit status $STOP_RC after SIGTERM (want 0)" 1
  else
    record "graceful shutdown: exit 0 $(fmt_secs "$t") s after SIGTERM" 0
  fi
fi

# Not a failure, but worth seeing: with SAFEGUARD_LOG_FORMAT=json every log line should be JSON.
nonjson=$(python3 - "$server_log" <<'EOF'
import json, sys
bad = 0
with open(sys.argv[1], errors="replace") as f:
    for line in f:
        if not line.strip():
            continue
        try:
            if not isinstance(json.loads(line), dict):
                bad += 1
        except ValueError:
            bad += 1
print(bad)
EOF
)
if [ "$nonjson" != 0 ]; then
  warn "$nonjson line(s) of the server log are not JSON objects although SAFEGUARD_LOG_FORMAT=json ($server_log)"
fi

# The log must never hold secrets: the demo password the browser typed, session or CSRF tokens (64 hex
# characters), or API tokens (sgt_...). The journeys above used all of them.
secrets=$(grep -cE "${DEMO_PASSWORD}|sgt_[0-9a-f]{8}|[0-9a-f]{64}" "$server_log" || true)
if [ "${secrets:-0}" != 0 ]; then
  grep -nE "${DEMO_PASSWORD}|sgt_[0-9a-f]{8}|[0-9a-f]{64}" "$server_log" | head -n 5 | sed 's/^/    /' >&2
  record "server log: $secrets line(s) hold a password or token" 1
else
  record "server log: no passwords or tokens ($(wc -l <"$server_log") lines)" 0
fi

say "results on $backend:"
for r in "${results[@]}"; do
  printf '    %s\n' "$r" >&2
done
[ "$failed" -eq 0 ] || die "$failed check(s) failed on $backend (server log: $server_log)"
say "ok: all ${#results[@]} checks passed on $backend"
