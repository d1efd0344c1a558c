#!/usr/bin/env bash
# Check the two migration folders against each other.
#   usage: scripts/check-migrations.sh [MIGRATIONS_DIR]      (default: <repo>/migrations)
# Rules: MIGRATIONS_DIR/sqlite and MIGRATIONS_DIR/postgres hold the same file names; neither is empty;
# every entry is a non-empty regular file named NNNN_name.sql (four digits, then lower-case letters,
# digits and underscores); the numbers are unique, so in name order they strictly increase (the list
# is sorted by name, and the name starts with the number).
# Dotfiles (.gitkeep and the like) are ignored.
set -euo pipefail
SG_PROG=check-migrations
# shellcheck source=scripts/lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

root=${1:-$REPO/migrations}
errors=0
fail() {
  printf '%s: %s\n' "$SG_PROG" "$*" >&2
  errors=$((errors + 1))
}

# list DIR: the entries of DIR (no dotfiles), one a line, in C-locale order.
list() { (cd "$1" && find . -mindepth 1 -maxdepth 1 ! -name '.*' -printf '%f\n' | LC_ALL=C sort); }

check_dir() {
  local dir=$1 name num
  local -A seen=()
  while IFS= read -r name; do
    if [ ! -f "$dir/$name" ] || [ -L "$dir/$name" ]; then
      fail "$dir/$name: not a regular file"
      continue
    fi
    if ! [[ $name =~ ^([0-9]{4})_[a-z0-9][a-z0-9_]*\.sql$ ]]; then
      fail "$dir/$name: name must look like NNNN_name.sql (4 digits, underscore, [a-z0-9_], .sql)"
      continue
    fi
    num=${BASH_REMATCH[1]}
    if [ -n "${seen[$num]:-}" ]; then
      fail "$dir: number $num used twice (${seen[$num]} and $name)"
    fi
    seen[$num]=$name
    [ -s "$dir/$name" ] || fail "$dir/$name: empty file"
  done < <(list "$dir")
}

for backend in sqlite postgres; do
  [ -d "$root/$backend" ] || fail "$root/$backend: missing folder"
done
if [ "$errors" -eq 0 ]; then
  sqlite=$(list "$root/sqlite")
  postgres=$(list "$root/postgres")
  [ -n "$sqlite" ] || fail "$root/sqlite: no migrations"
  [ -n "$postgres" ] || fail "$root/postgres: no migrations"
  check_dir "$root/sqlite"
  check_dir "$root/postgres"
  if [ "$sqlite" != "$postgres" ]; then
    fail "the two folders differ (< only in sqlite/, > only in postgres/):"
    diff <(printf '%s\n' "$sqlite") <(printf '%s\n' "$postgres") | grep '^[<>]' | sed 's/^/    /' >&2 || true
  fi
fi

if [ "$errors" -gt 0 ]; then
  die "$errors problem(s) in $root"
fi
count=$(printf '%s\n' "$sqlite" | wc -l)
say "ok: $count migration(s) in each of $root/sqlite and $root/postgres, names match, numbers increase"
