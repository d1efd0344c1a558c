#!/usr/bin/env bash
# Throughput and latency benchmark of the release binary on generated data (a measurement, not a test).
#   usage: bench/run.sh [sqlite] [postgres]          (default: both, SQLite first)
#   DURATION=30s bench/run.sh sqlite                 (wrk duration per route; default 15s)
# See bench/README.md for what it does and how to read the table.
# Exit status: 0 all targets met; 1 the benchmark could not run; 2 it ran but a target was missed or a
# route answered with errors.
set -euo pipefail
SG_PROG=bench
# shellcheck source=scripts/lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/../scripts/lib/common.sh"
cd "$REPO"

DURATION=${DURATION:-15s}
GENERATE_TIMEOUT=${BENCH_GENERATE_TIMEOUT:-3600}
BIN=${SAFEGUARD_BIN:-$REPO/target/release/safeguard}
ADMIN_EMAIL='admin@safeguard.example'
# A fixed, long, test-only password for the demo accounts (not a secret).
DEMO_PASSWORD='bench-demo-passphrase-41c7d09a-harbour-meadow'
# A generated person who owns actions and reads the activity log: the administrator of the first
# generated partnership (generate gives them every eighth action), with the generated people's
# test-only password.
GEN_EMAIL='person000@gen-001.example'
GEN_PASSWORD='bench-generated-passphrase-7f3e21b8-copper-lantern'
# A financial year inside the generated history (generate writes April 2021 to March 2026).
GEN_YEAR=2023
RESULTS="$REPO/bench/results"

backends=("$@")
[ ${#backends[@]} -gt 0 ] || backends=(sqlite postgres)
for b in "${backends[@]}"; do
  case $b in sqlite | postgres) ;; *) die "unknown backend '$b' (usage: bench/run.sh [sqlite] [postgres])" ;; esac
done
case $DURATION in
  *s) dur_secs=${DURATION%s} ;;
  *m) dur_secs=$((${DURATION%m} * 60)) ;;
  *) dur_secs=$DURATION ;;
esac
if ! [[ $dur_secs =~ ^[0-9]+$ ]] || [ "$dur_secs" -lt 1 ]; then
  die "DURATION must look like 15s, 2m or 30 (got '$DURATION')"
fi

need_cmd wrk wrk
need_cmd curl curl
need_cmd python3

tmp=$(mktemp -d "${TMPDIR:-/tmp}/safeguard-bench.XXXXXX")
server_pid=""
pg_admin_url=""
pg_db=""
# shellcheck disable=SC2317 # called by the EXIT trap
cleanup() {
  trap '' INT TERM # finish cleaning up even if signalled again
  if [ -n "$server_pid" ]; then
    stop_pid "$server_pid" 10
    server_pid=""
  fi
  if [ -n "$pg_db" ]; then
    psql "$pg_admin_url" -X -q -c "drop database if exists $pg_db with (force)" >/dev/null 2>&1 ||
      warn "could not drop database $pg_db"
    pg_db=""
  fi
  rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# --- the binary: build only if missing or older than the sources ---------------------------------------
if [ -n "${SAFEGUARD_BIN:-}" ]; then
  [ -x "$BIN" ] || die "SAFEGUARD_BIN=$BIN is not an executable"
  say "using SAFEGUARD_BIN=$BIN as it is (no build)"
else
  newer=""
  if [ -x "$BIN" ]; then
    newer=$(find crates migrations Cargo.toml Cargo.lock -type f -newer "$BIN" -print -quit 2>/dev/null || true)
  fi
  if [ ! -x "$BIN" ]; then
    say "building the release binary (there is none yet)"
    cargo build --release --locked || die "cargo build --release --locked failed"
  elif [ -n "$newer" ]; then
    say "building the release binary ($newer is newer than it)"
    cargo build --release --locked || die "cargo build --release --locked failed"
  else
    say "using $BIN (newer than the sources)"
  fi
fi

mkdir -p "$RESULTS"
[ -f "$RESULTS/.gitignore" ] || printf '# benchmark output, not versioned\n*\n' >"$RESULTS/.gitignore"
stamp=$(date +%Y-%m-%dT%H%M%S)
commit=$(git rev-parse --short HEAD 2>/dev/null || echo "no commit")
if [ -n "$(git status --porcelain 2>/dev/null | head -n 1)" ]; then
  commit+=" (with uncommitted changes)"
fi

# --- helpers -------------------------------------------------------------------------------------------
# cli LABEL TIMEOUT ARGS...: run a safeguard subcommand, log its output, print its duration.
cli() {
  local label=$1 secs=$2 t
  shift 2
  t=$EPOCHREALTIME
  if ! timeout --foreground "$secs" "$BIN" "$@" </dev/null >>"$tmp/cli.log" 2>&1; then
    tail -n 40 "$tmp/cli.log" >&2
    die "safeguard $* failed or timed out after ${secs}s (output above)"
  fi
  local took
  took=$(fmt_secs "$t")
  say "$label: safeguard $* ($took s)"
  setup_notes+=("safeguard $*: $took s")
}

# csrf_from FILE: the value of the hidden input named csrf_token.
csrf_from() {
  python3 - "$1" <<'EOF'
import sys
from html.parser import HTMLParser
class P(HTMLParser):
    token = None
    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "input" and a.get("name") == "csrf_token" and self.token is None:
            self.token = a.get("value") or ""
p = P()
p.feed(open(sys.argv[1], encoding="utf-8", errors="replace").read())
if not p.token:
    sys.exit("no <input name=csrf_token> with a value on the page")
print(p.token)
EOF
}

# cookie_header JAR: "name=value; name2=value2" from a curl cookie jar.
cookie_header() {
  awk -F '\t' '{ sub(/^#HttpOnly_/, "", $1) } /^#/ || NF < 7 { next } { printf "%s%s=%s", (n++ ? "; " : ""), $6, $7 }' "$1"
}

# status URL [CURL ARGS...]: HTTP status of a GET, no redirects followed.
status() {
  local url=$1
  shift
  curl -s -o /dev/null -m 10 -w '%{http_code}' "$@" "$url" || true
}

# sign_in BASE [EMAIL PASSWORD]: sign in (as the demo administrator by default); sets COOKIE.
sign_in() {
  local base=$1 email=${2:-$ADMIN_EMAIL} password=${3:-$DEMO_PASSWORD} jar="$tmp/jar" code csrf out final
  rm -f "$jar"
  code=$(curl -sS -m 10 -c "$jar" -b "$jar" -o "$tmp/sign-in.html" -w '%{http_code}' "$base/sign-in") ||
    die "GET /sign-in failed"
  [ "$code" = 200 ] || die "GET /sign-in answered $code"
  csrf=$(csrf_from "$tmp/sign-in.html") || die "no csrf_token on GET /sign-in"
  out=$(curl -sS -m 30 -c "$jar" -b "$jar" -L --max-redirs 5 -o "$tmp/after-sign-in.html" \
    -w '%{http_code} %{url_effective}' -H "Origin: $base" \
    --data-urlencode "email=$email" --data-urlencode "password=$password" \
    --data-urlencode "csrf_token=$csrf" "$base/sign-in") || die "POST /sign-in failed"
  code=${out%% *}
  final=${out#* }
  case $final in
    *totp* | *two-factor* | *mfa* | *2fa*)
      die "signing in as $email asks for a second factor ($final): the account should have no TOTP"
      ;;
  esac
  COOKIE=$(cookie_header "$jar")
  [ -n "$COOKIE" ] || die "no cookies after signing in (final page $final, status $code)"
  local home
  home=$(status "$base/" -H "Cookie: $COOKIE")
  if [ "$home" != 200 ]; then
    grep -o '<title>[^<]*</title>' "$tmp/after-sign-in.html" >&2 || true
    die "sign-in as $email did not work: after POST /sign-in (ended at $final, $code) GET / answers $home, not 200"
  fi
  say "signed in as $email (ended at $final)"
}

# parse_wrk FILE: "rps p50_ms p99_ms non2xx3xx socket_errors requests"
parse_wrk() {
  python3 - "$1" <<'EOF'
import re, sys
text = open(sys.argv[1]).read()
def ms(v):
    m = re.fullmatch(r"([\d.]+)(us|ms|s|m)", v)
    if not m:
        return float("nan")
    n, u = float(m.group(1)), m.group(2)
    return n / 1000 if u == "us" else n if u == "ms" else n * 1000 if u == "s" else n * 60000
rps = re.search(r"Requests/sec:\s*([\d.]+)", text)
p50 = re.search(r"^\s*50%\s+(\S+)", text, re.M)
p99 = re.search(r"^\s*99%\s+(\S+)", text, re.M)
req = re.search(r"(\d+) requests in", text)
bad = re.search(r"Non-2xx or 3xx responses:\s*(\d+)", text)
sock = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", text)
if not (rps and p50 and p99 and req):
    sys.exit("cannot parse wrk output")
print(rps.group(1), "%.2f" % ms(p50.group(1)), "%.2f" % ms(p99.group(1)),
      bad.group(1) if bad else 0, sum(int(x) for x in sock.groups()) if sock else 0, req.group(1))
EOF
}

vm() { awk -v k="$2:" '$1 == k { printf "%.1f", $2 / 1024 }' "/proc/$1/status"; } # vm PID VmRSS|VmHWM -> MB

# --- one backend -------------------------------------------------------------------------------------------
overall=0
bench_backend() {
  local backend=$1 db_url port base log
  setup_notes=()
  : >"$tmp/cli.log"
  case $backend in
    sqlite)
      db_url="sqlite://$tmp/bench.db"
      ;;
    postgres)
      pg_admin_url=$("$REPO/scripts/pg-test-env.sh" | tail -n 1) || die "no PostgreSQL available"
      pg_db="sg_bench_$(date +%Y%m%d%H%M%S)_$$"
      psql "$pg_admin_url" -X -q -v ON_ERROR_STOP=1 -c "create database $pg_db" >/dev/null ||
        die "could not create database $pg_db"
      db_url=$(pg_url_with_db "$pg_admin_url" "$pg_db")
      ;;
  esac
  say "=== $backend: $db_url"
  export SAFEGUARD_DATABASE_URL="$db_url"
  export SAFEGUARD_FILES_DIR="$tmp/files-$backend"
  export SAFEGUARD_DEMO_PASSWORD="$DEMO_PASSWORD"
  export SAFEGUARD_GENERATED_PASSWORD="$GEN_PASSWORD"
  export SAFEGUARD_LOG_FORMAT=json

  cli "$backend" 300 migrate
  cli "$backend" "$GENERATE_TIMEOUT" generate --partnerships 150 --years 5 --seed 42
  # what the performance framework adds to generating (its own line of generate's output)
  setup_notes+=("$(grep -o 'generated [0-9]* performance indicators.*' "$tmp/cli.log" | tail -n 1)")
  # The generated member of the first partnership's case review panel who is not an administrator
  # (generate names them), so the panel dashboard is measured through the panel-membership rule.
  local panel_email
  panel_email=$(sed -n 's/.*case review panel member for benchmarks: \([^ ]*\)$/\1/p' "$tmp/cli.log" | tail -n 1)
  case $panel_email in
    "" | none) die "generate named no case review panel member (see $tmp/cli.log)" ;;
  esac
  # The first generated partnership's tracker source with the most recommendations (generate names it).
  local tracker_source
  tracker_source=$(sed -n 's/.*largest tracker source for benchmarks: \([^ ]*\)$/\1/p' "$tmp/cli.log" | tail -n 1)
  case $tracker_source in
    "" | none) die "generate named no tracker source (see $tmp/cli.log)" ;;
  esac
  cli "$backend" 300 demo
  local size=""
  case $backend in
    sqlite) size="$(du -cm "$tmp"/bench.db* 2>/dev/null | tail -n 1 | cut -f1 || true) MB on disk" ;;
    postgres) size=$(psql "$db_url" -X -A -t -q -c "select pg_size_pretty(pg_database_size(current_database()))" 2>/dev/null || true) ;;
  esac

  port=$(free_port)
  base="http://127.0.0.1:$port"
  log="$tmp/server-$backend.log"
  export SAFEGUARD_BIND="127.0.0.1:$port"
  # A plain `cmd &`, so that $! is the server and not a subshell (STACK.md pitfall 17).
  "$BIN" serve </dev/null >"$log" 2>&1 &
  server_pid=$!
  if ! wait_http_200 "$base/readyz" 60 "$server_pid"; then
    tail -n 40 "$log" >&2
    die "server not ready within 60 s (log above)"
  fi
  [ "$(readlink "/proc/$server_pid/exe" 2>/dev/null || true)" = "$(readlink -f "$BIN")" ] ||
    warn "process $server_pid is $(readlink "/proc/$server_pid/exe"), not $BIN: the RSS figures are not the server's"
  local idle_rss
  idle_rss=$(vm "$server_pid" VmRSS)

  sign_in "$base" "$GEN_EMAIL" "$GEN_PASSWORD"
  local gen_cookie=$COOKIE
  sign_in "$base" "$panel_email" "$GEN_PASSWORD"
  local panel_cookie=$COOKIE
  sign_in "$base"
  local token
  token=$(timeout --foreground 60 "$BIN" token issue --email "$ADMIN_EMAIL" 2>>"$tmp/cli.log" | sed '/^[[:space:]]*$/d' | tail -n 1 | tr -d '[:space:]') ||
    die "safeguard token issue failed"
  [ -n "$token" ] || die "safeguard token issue printed no token"

  local names=("/healthz" "GET /sign-in" "GET / (signed in)" "GET /api/v1/people" "GET /actions/mine" "GET /activity (a year)" "GET /case-reviews")
  local paths=("/healthz" "/sign-in" "/" "/api/v1/people" "/actions/mine" "/activity?year=$GEN_YEAR" "/case-reviews")
  local headers=("" "" "Cookie: $COOKIE" "Authorization: Bearer $token" "Cookie: $gen_cookie" "Cookie: $gen_cookie" "Cookie: $panel_cookie")
  # The recommendations tracker's progress views (issue 5) for that source, as the generated administrator:
  # the source page, its progress (by position, by addressee, RAG) and the CSV export (audit-logged).
  names+=("GET tracker source" "GET tracker progress" "GET tracker CSV")
  paths+=("/recommendation-sources/$tracker_source" "/recommendation-sources/$tracker_source/progress"
    "/recommendation-sources/$tracker_source/progress.csv")
  headers+=("Cookie: $gen_cookie" "Cookie: $gen_cookie" "Cookie: $gen_cookie")
  # The performance framework (issue 6) at national scale: the generated person's partnership's
  # dashboard (12 indicators, 5 years of returns) and the page of the first indicator it links to.
  local perf_indicator
  perf_indicator=$(curl -s -m 30 -H "Cookie: $gen_cookie" "$base/performance" |
    grep -o '/performance/indicators/[0-9a-f-]\{36\}' | head -n 1 || true)
  [ -n "$perf_indicator" ] || die "GET /performance as $GEN_EMAIL links to no indicator page"
  names+=("GET /performance" "GET /perf. indicator")
  paths+=("/performance" "$perf_indicator")
  headers+=("Cookie: $gen_cookie" "Cookie: $gen_cookie")
  local i rows=() raw="" trivial_rps="" home_rps="" home_p99="" errors=0
  for i in "${!paths[@]}"; do
    local hdr=() code rps p50 p99 bad sock
    [ -z "${headers[$i]}" ] || hdr=(-H "${headers[$i]}")
    code=$(status "$base${paths[$i]}" "${hdr[@]}")
    [ "$code" = 200 ] || die "${names[$i]} answers $code before the run, not 200"
    say "wrk ${names[$i]} for $DURATION"
    timeout --foreground $((dur_secs + 60)) wrk -t2 -c64 -d"$DURATION" --timeout 5s --latency "${hdr[@]}" "$base${paths[$i]}" \
      >"$tmp/wrk-$i.txt" 2>&1 || {
      cat "$tmp/wrk-$i.txt" >&2
      die "wrk failed on ${names[$i]}"
    }
    read -r rps p50 p99 bad sock _ < <(parse_wrk "$tmp/wrk-$i.txt") || die "cannot parse wrk output for ${names[$i]}"
    say "${names[$i]}: server peak RSS so far $(vm "$server_pid" VmHWM) MB, now $(vm "$server_pid" VmRSS) MB"
    code=$(status "$base${paths[$i]}" "${hdr[@]}")
    local note=""
    if [ "$code" != 200 ]; then
      note="  ! answers $code after the run"
      errors=$((errors + 1))
    fi
    if [ "$bad" != 0 ] || [ "$sock" != 0 ]; then
      note+="  ! errors during the run"
      errors=$((errors + 1))
    fi
    [ -n "$trivial_rps" ] || trivial_rps=$rps
    if [ "${paths[$i]}" = / ]; then
      home_rps=$rps
      home_p99=$p99
    fi
    rows+=("$(awk -v n="${names[$i]}" -v r="$rps" -v a="$p50" -v b="$p99" -v x="$bad" -v s="$sock" -v t="$trivial_rps" -v note="$note" \
      'BEGIN { printf "%-22s %10.0f %9.2f %9.2f %9d %9d %12.2f%s", n, r, a, b, x, s, r / t, note }')")
    raw+=$'\n'"--- wrk ${names[$i]} ($base${paths[$i]}) ---"$'\n'"$(cat "$tmp/wrk-$i.txt")"$'\n'
  done

  local peak_rss
  peak_rss=$(vm "$server_pid" VmHWM)
  local log_size
  log_size=$(du -k "$log" | cut -f1)
  stop_pid "$server_pid" 10
  server_pid=""
  local shutdown="exit $STOP_RC after SIGTERM"
  [ "$STOP_KILLED" = 0 ] || shutdown="did not stop within 10 s of SIGTERM; killed"

  # Targets.
  local ratio t_ratio t_p99 t_rss met=1
  ratio=$(awk -v h="$home_rps" -v t="$trivial_rps" 'BEGIN { printf "%.2f", h / t }')
  if [ "$backend" = sqlite ]; then
    if awk -v r="$ratio" 'BEGIN { exit !(r >= 0.20) }'; then t_ratio="met"; else t_ratio="NOT MET"; met=0; fi
    if awk -v p="$home_p99" 'BEGIN { exit !(p <= 50) }'; then t_p99="met"; else t_p99="NOT MET"; met=0; fi
  else
    t_ratio="(target set for SQLite only)"
    t_p99="(target set for SQLite only)"
  fi
  if awk -v m="$peak_rss" 'BEGIN { exit !(m <= 100) }'; then t_rss="met"; else t_rss="NOT MET"; met=0; fi
  [ "$errors" -eq 0 ] || met=0
  [ "$met" = 1 ] || overall=2

  local file="$RESULTS/$stamp-$backend.txt" table
  table=$(
    printf 'Safeguard benchmark, %s, %s (commit %s)\n' "$backend" "$(date -u '+%Y-%m-%d %H:%M UTC')" "$commit"
    printf 'wrk -t2 -c64 -d%s --latency on loopback; wrk and the server share %s cores (%s)\n' "$DURATION" "$(nproc)" \
      "$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)"
    printf 'data: generate --partnerships 150 --years 5 --seed 42; %s\n' "${size:-size unknown}"
    printf 'GET /actions/mine and GET /activity?year=%s are signed in as %s (generated; owns actions)\n' "$GEN_YEAR" "$GEN_EMAIL"
    printf 'GET /case-reviews (the panel dashboard; each view audit-logged) is signed in as %s (generated; a panel member, not an administrator)\n' "$panel_email"
    printf 'GET tracker source/progress/CSV: /recommendation-sources/%s (the largest source of gen-001), signed in as %s\n' "$tracker_source" "$GEN_EMAIL"
    printf 'GET /performance and GET %s (a performance indicator page) are signed in as %s\n' "$perf_indicator" "$GEN_EMAIL"
    printf '\n%-22s %10s %9s %9s %9s %9s %12s\n' route 'req/s' 'p50 ms' 'p99 ms' 'non-2xx' 'sock err' 'vs /healthz'
    printf '%s\n' "${rows[@]}"
    printf '\nserver RSS: idle %s MB, peak (VmHWM) %s MB; log %s KB; shutdown: %s\n' "$idle_rss" "$peak_rss" "$log_size" "$shutdown"
    printf 'targets:\n'
    printf '  signed-in home page >= 0.20 x /healthz throughput: %s -> %s\n' "$ratio" "$t_ratio"
    printf '  signed-in home page p99 <= 50 ms:                   %s ms -> %s\n' "$home_p99" "$t_p99"
    printf '  peak RSS <= 100 MB:                                 %s MB -> %s\n' "$peak_rss" "$t_rss"
    [ "$errors" -eq 0 ] || printf '  ! %d route(s) had errors (non-2xx/3xx answers, socket errors, or a status change): see the notes\n' "$errors"
    printf 'setup:\n'
    printf '  %s\n' "${setup_notes[@]}"
    printf '("non-2xx" is wrk'"'"'s count of answers that are neither 2xx nor 3xx.)\n'
  )
  printf '\n%s\n\n' "$table"
  { printf '%s\n\nRaw wrk output:\n%s' "$table" "$raw"; } >"$file"
  say "written to ${file#"$REPO"/}"

  if [ -n "$pg_db" ]; then
    psql "$pg_admin_url" -X -q -c "drop database if exists $pg_db with (force)" >/dev/null 2>&1 || warn "could not drop $pg_db"
    pg_db=""
  fi
  rm -rf "${tmp:?}"/bench.db*
}

for b in "${backends[@]}"; do
  bench_backend "$b"
done
if [ "$overall" = 0 ]; then
  say "all targets met"
else
  say "some target was missed or a route had errors (exit 2)"
fi
exit "$overall"
