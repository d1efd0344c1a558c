#!/usr/bin/env bash
# Offline supply-chain check with cargo-deny 0.20 (advisories, licences, bans, sources), following the
# recipe in ../shared/supply-chain/README.md: the RustSec advisory database comes from the dated
# snapshot in ../shared/supply-chain (read-only), seeded into target/cargo-deny-dbs/. No network access
# to the advisory database's host is needed or attempted.
set -euo pipefail
SG_PROG="supply-chain"
# shellcheck source=scripts/lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"
cd "$REPO"

supply="$(shared_dir)/supply-chain"
for f in seed-advisory-db.sh advisory-db.SNAPSHOT advisory-db.tar.xz; do
  [ -f "$supply/$f" ] || die "missing $supply/$f: the shared supply-chain snapshot must sit in ../shared beside the repository; refusing to skip the advisory check"
done
[ -f deny.toml ] || die "missing deny.toml in $REPO"
version=$(cargo deny --version 2>/dev/null) || die "cargo-deny is not installed (scripts/test installs it: cargo install cargo-deny --version '~0.20' --locked)"
case $version in
  "cargo-deny 0.20."*) ;;
  *) die "need cargo-deny 0.20.x (its offline flags differ between versions), found: $version" ;;
esac

# Fill cargo's local index cache and sources: offline checks of yanked crates and licences read them.
cargo fetch --locked --quiet || die "cargo fetch --locked failed (is Cargo.lock up to date with Cargo.toml?)"

export CARGO_DENY_DB_ROOT="$REPO/target/cargo-deny-dbs"
mkdir -p "$CARGO_DENY_DB_ROOT"
bash "$supply/seed-advisory-db.sh" >&2

read -r snap_commit snap_date <"$supply/advisory-db.SNAPSHOT"
snap_epoch=$(date -d "$snap_date" +%s) || die "cannot parse the snapshot date '$snap_date'"
age_days=$((($(date +%s) - snap_epoch) / 86400))
say "advisory snapshot: commit ${snap_commit:0:12}, dated $snap_date, $age_days days old (this is a frozen copy, not a live feed; deny.toml allows up to 365 days)"
say "$version"

deny=(cargo deny --offline --locked --config deny.toml)
# Compact first: warnings (e.g. duplicate versions) without their long inclusion graphs, plus stats.
set +e
"${deny[@]}" check --hide-inclusion-graph --show-stats advisories licenses bans sources
rc=$?
set -e
if [ "$rc" -ne 0 ]; then
  what=()
  [ $((rc & 1)) -ne 0 ] && what+=(advisories)
  [ $((rc & 2)) -ne 0 ] && what+=(bans)
  [ $((rc & 4)) -ne 0 ] && what+=(licenses)
  [ $((rc & 8)) -ne 0 ] && what+=(sources)
  if [ ${#what[@]} -gt 0 ]; then
    say "the errors again, with the dependency paths that pull the crates in:"
    "${deny[@]}" --log-level error check "${what[@]}" || true
  else
    what=("cargo-deny itself (exit $rc)")
  fi
  die "cargo deny failed (exit $rc): ${what[*]}"
fi
say "ok: advisories, licenses, bans and sources pass (advisory snapshot $age_days days old)"
