#!/usr/bin/env bash
# Find or start a PostgreSQL server that tests may use, and print its URL as the last line on stdout.
# Everything else goes to stderr. Exits non-zero, loudly, if no usable server can be had.
#
# Order:
#   1. $SAFEGUARD_TEST_POSTGRES_URL, if set and it answers `select 1`;
#   2. the machine's server at 127.0.0.1:5432, database `test`, as role `postgres` or `root` (trust auth);
#   3. a throwaway cluster of Debian's postgresql under target/pg-test/ on 127.0.0.1:55432
#      (installs `postgresql` with apt-get if no initdb is found; as root, initdb and pg_ctl run as the
#      `postgres` user). It keeps running after this script; `scripts/pg-test-env.sh --stop` stops it.
# The role must be able to CREATE DATABASE (tests make their own throwaway databases); this is checked
# by creating and dropping one.
set -euo pipefail
SG_PROG=pg-test-env
# shellcheck source=scripts/lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

PORT=${SAFEGUARD_TEST_PG_PORT:-55432}
export PGCONNECT_TIMEOUT=5

# Where the throwaway cluster lives. As root, the `postgres` user must be able to reach it; a clone in
# a 0700 folder (mktemp -d) is not reachable, so fall back to a folder under /tmp named after the clone.
cluster_dir() {
  local dir="$REPO/target/pg-test"
  if is_root && ! su postgres -s /bin/sh -c "test -x '$REPO'" 2>/dev/null; then
    dir="/tmp/safeguard-pg-test-$(printf '%s' "$REPO" | cksum | cut -d' ' -f1)"
  fi
  printf '%s\n' "$dir"
}

# can_create_db URL: the role may create databases (really creates and drops one).
can_create_db() {
  local url=$1 probe="sg_pg_env_probe_$$"
  psql "$url" -X -q -v ON_ERROR_STOP=1 -c "create database $probe" >/dev/null 2>&1 || return 1
  psql "$url" -X -q -v ON_ERROR_STOP=1 -c "drop database $probe" >/dev/null 2>&1 ||
    warn "could not drop probe database $probe"
  return 0
}

answers() { psql "$1" -X -A -t -q -c 'select 1' 2>/dev/null | grep -qx 1; }

describe() {
  psql "$1" -X -A -t -q -c "select 'server ' || current_setting('server_version') || ', role ' || current_user
    || ' (superuser=' || rolsuper || ', createdb=' || rolcreatedb || ')' from pg_roles where rolname = current_user" 2>/dev/null |
    head -1
}

use() {
  local url=$1 how=$2
  can_create_db "$url" || die "$how: $url answers, but its role cannot CREATE DATABASE; tests need that"
  say "using $how: $url ($(describe "$url"))"
  printf '%s\n' "$url"
  exit 0
}

stop_cluster() {
  local dir bin
  dir=$(cluster_dir)
  [ -f "$dir/data/postmaster.pid" ] || {
    say "no throwaway cluster running in $dir"
    exit 0
  }
  bin=$(find_pg_bin) || die "no pg_ctl found"
  as_pg "$bin/pg_ctl -D '$dir/data' -m fast -w stop"
  exit 0
}

find_pg_bin() {
  local d
  # Highest installed major version first.
  while IFS= read -r d; do
    if [ -x "$d/initdb" ] && [ -x "$d/pg_ctl" ]; then
      printf '%s\n' "$d"
      return 0
    fi
  done < <(printf '%s\n' /usr/lib/postgresql/*/bin | sort -t/ -k4,4nr)
  return 1
}

# as_pg COMMAND: run a shell command as the `postgres` user when root, else as ourselves.
as_pg() {
  if is_root; then
    (cd / && su postgres -s /bin/sh -c "$1") # from /: the clone may be unreadable to postgres
  else
    sh -c "$1"
  fi
}

start_cluster() {
  local dir data log bin url
  dir=$(cluster_dir)
  data="$dir/data"
  log="$dir/server.log"
  url="postgres://postgres@127.0.0.1:$PORT/test"

  # Already running from an earlier run?
  if answers "$url"; then
    use "$url" "throwaway cluster (already running, $dir)"
  fi
  if pg_isready -q -h 127.0.0.1 -p "$PORT" -t 3 2>/dev/null; then
    die "something answers on 127.0.0.1:$PORT but not as postgres@.../test; set SAFEGUARD_TEST_PG_PORT to another port"
  fi

  if ! bin=$(find_pg_bin); then
    say "no /usr/lib/postgresql/*/bin/initdb found"
    apt_install postgresql
    bin=$(find_pg_bin) || die "postgresql installed but no initdb under /usr/lib/postgresql/*/bin"
  fi
  say "starting a throwaway PostgreSQL cluster ($bin) in $dir on 127.0.0.1:$PORT"
  mkdir -p "$dir"
  if is_root; then
    chown postgres:postgres "$dir"
    chmod 0700 "$dir"
  fi
  if [ ! -f "$data/PG_VERSION" ]; then
    rm -rf "$data"
    as_pg "'$bin/initdb' -D '$data' -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >'$dir/initdb.log' 2>&1" || {
      cat "$dir/initdb.log" >&2 || true
      die "initdb failed (log above)"
    }
  fi
  # A test cluster: durability is not wanted here, speed is.
  as_pg "'$bin/pg_ctl' -D '$data' -l '$log' -w -t 60 \
      -o \"-p $PORT -c listen_addresses=127.0.0.1 -c unix_socket_directories='' -c fsync=off \
      -c synchronous_commit=off -c full_page_writes=off -c max_connections=200\" start >/dev/null" || {
    tail -n 40 "$log" >&2 || true
    die "pg_ctl start failed (server log above: $log)"
  }
  local admin="postgres://postgres@127.0.0.1:$PORT/postgres"
  if ! psql "$admin" -X -A -t -q -c "select 1 from pg_database where datname = 'test'" | grep -qx 1; then
    psql "$admin" -X -q -v ON_ERROR_STOP=1 -c 'create database test' >/dev/null ||
      die "could not create database test in the throwaway cluster"
  fi
  answers "$url" || die "throwaway cluster started but $url does not answer"
  use "$url" "throwaway cluster (started now, $dir; stop it with scripts/pg-test-env.sh --stop)"
}

main() {
  if [ "${1:-}" = --stop ]; then
    stop_cluster
  fi
  [ $# -eq 0 ] || die "usage: $0 [--stop]"

  need_cmd psql postgresql-client
  need_cmd pg_isready postgresql-client

  # 1. An explicitly given server.
  if [ -n "${SAFEGUARD_TEST_POSTGRES_URL:-}" ]; then
    if answers "$SAFEGUARD_TEST_POSTGRES_URL"; then
      use "$SAFEGUARD_TEST_POSTGRES_URL" "SAFEGUARD_TEST_POSTGRES_URL"
    fi
    warn "SAFEGUARD_TEST_POSTGRES_URL is set ($SAFEGUARD_TEST_POSTGRES_URL) but does not answer 'select 1'; looking elsewhere"
  fi

  # 2. The machine's own server.
  if pg_isready -q -h 127.0.0.1 -p 5432 -t 3 2>/dev/null; then
    local role url
    for role in postgres root; do
      url="postgres://$role@127.0.0.1:5432/test"
      if answers "$url"; then
        if can_create_db "$url"; then
          use "$url" "the machine's PostgreSQL"
        fi
        warn "$url answers but cannot CREATE DATABASE; trying the next role"
      fi
    done
    warn "127.0.0.1:5432 is up but neither role postgres nor root reaches database test with CREATE DATABASE"
  else
    say "nothing answers on 127.0.0.1:5432"
  fi

  # 3. Our own throwaway cluster.
  start_cluster
}

main "$@"
