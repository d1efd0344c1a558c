# shellcheck shell=bash
# Helpers shared by scripts/test, scripts/*.sh, scripts/lib/*.sh, api-tests/run.sh and bench/run.sh.
# Source it; it sets REPO (the repository root) and never changes the caller's shell options.

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
SG_PROG=${SG_PROG:-$(basename "${BASH_SOURCE[-1]:-$0}")}

say() { printf '%s: %s\n' "$SG_PROG" "$*" >&2; }
warn() { printf '%s: WARNING: %s\n' "$SG_PROG" "$*" >&2; }
die() {
  printf '%s: ERROR: %s\n' "$SG_PROG" "$*" >&2
  exit 1
}

# The read-only folder of shared docs and the supply-chain snapshot, beside the repository.
shared_dir() { printf '%s/shared\n' "$(cd "$REPO/.." && pwd)"; }

is_root() { [ "$(id -u)" = 0 ]; }

# apt_install PACKAGE...: install Debian packages (root only), refreshing the index once if needed.
apt_install() {
  is_root || die "need Debian package(s) $*, but not running as root: install them with: sudo apt-get install -y $*"
  say "installing Debian package(s): $*"
  local apt=(env DEBIAN_FRONTEND=noninteractive timeout --foreground 1200 apt-get -y -q -o Dpkg::Use-Pty=0)
  if ! "${apt[@]}" install "$@" >/dev/null 2>&1; then
    say "apt-get install failed; running apt-get update and retrying"
    "${apt[@]}" update >/dev/null || die "apt-get update failed"
    "${apt[@]}" install "$@" || die "apt-get install $* failed"
  fi
}

# need_cmd COMMAND [DEBIAN_PACKAGE]: make sure COMMAND exists, installing the package if one is named.
need_cmd() {
  command -v "$1" >/dev/null 2>&1 && return 0
  [ $# -ge 2 ] || die "'$1' is required but not installed"
  apt_install "$2"
  command -v "$1" >/dev/null 2>&1 || die "'$1' still missing after installing $2"
}

# free_port: print a TCP port on 127.0.0.1 that nothing listens on right now.
free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

# wait_http_200 URL SECONDS [PID]: poll URL until it answers 200. Gives up early if PID dies.
wait_http_200() {
  local url=$1 secs=$2 pid=${3:-} deadline code
  deadline=$((SECONDS + secs))
  while [ "$SECONDS" -lt "$deadline" ]; do
    if [ -n "$pid" ] && ! kill -0 "$pid" 2>/dev/null; then
      say "process $pid exited while waiting for $url"
      return 1
    fi
    code=$(curl -s -o /dev/null -m 2 -w '%{http_code}' "$url" 2>/dev/null) || code=000
    [ "$code" = 200 ] && return 0
    sleep 0.2
  done
  say "no 200 from $url within ${secs}s (last status: ${code:-none})"
  return 1
}

# stop_pid PID SECONDS: SIGTERM, wait up to SECONDS, then SIGKILL. Sets STOP_RC to the exit status
# (only meaningful for a child of this shell) and STOP_KILLED=1 if SIGKILL was needed.
# shellcheck disable=SC2034 # STOP_RC and STOP_KILLED are read by the callers.
stop_pid() {
  local pid=$1 secs=$2 deadline
  STOP_RC=0
  STOP_KILLED=0
  kill -0 "$pid" 2>/dev/null || {
    wait "$pid" 2>/dev/null && STOP_RC=0 || STOP_RC=$?
    return 0
  }
  kill -TERM "$pid" 2>/dev/null || true
  deadline=$((SECONDS + secs))
  while kill -0 "$pid" 2>/dev/null && [ "$(ps -o stat= -p "$pid" 2>/dev/null | cut -c1)" != Z ] &&
    [ "$SECONDS" -lt "$deadline" ]; do
    sleep 0.1
  done
  if kill -0 "$pid" 2>/dev/null && [ "$(ps -o stat= -p "$pid" 2>/dev/null | cut -c1)" != Z ]; then
    STOP_KILLED=1
    kill -KILL "$pid" 2>/dev/null || true
  fi
  wait "$pid" 2>/dev/null && STOP_RC=0 || STOP_RC=$?
}

# pg_url_with_db URL DBNAME: the same server URL pointing at another database (query string kept).
pg_url_with_db() {
  local url=$1 db=$2 base query
  base=${url%%\?*}
  query=${url#"$base"}
  case $base in
    *://*/*) base=${base%/*} ;;
  esac
  printf '%s/%s%s\n' "$base" "$db" "$query"
}

# fmt_secs START_EPOCHREALTIME: elapsed seconds with one decimal.
fmt_secs() {
  local start=$1 now=${EPOCHREALTIME}
  awk -v a="$start" -v b="$now" 'BEGIN { printf "%.1f", b - a }'
}
