#!/usr/bin/env bash
# Check the crate layering: the inner crates must not depend, directly or through anything, on the
# outer layers' libraries.
#   safeguard-domain   must not pull in sqlx or axum
#   safeguard-service  must not pull in axum
#   safeguard-store    must not pull in axum
# Uses `cargo tree -p CRATE -i FORBIDDEN -e normal` (normal dependencies only: dev- and build-
# dependencies don't ship), with every feature of CRATE on and every target platform. cargo tree exits
# with "package ID specification `X` did not match any packages" when X is not in CRATE's graph:
# that is the pass. A printed tree is a failure, and so is any other error.
set -euo pipefail
SG_PROG=check-layering
# shellcheck source=scripts/lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"
cd "$REPO"

rules=(
  safeguard-domain:sqlx
  safeguard-domain:axum
  safeguard-service:axum
  safeguard-store:axum
)
tree_args=(-e normal --locked --all-features --target all)
failures=0

declare -A checked=()
for rule in "${rules[@]}"; do
  crate=${rule%%:*}
  forbidden=${rule#*:}

  # `cargo tree -p NAME -i X` silently ignores a -p that matches nothing, so make sure the crate exists.
  if [ -z "${checked[$crate]:-}" ]; then
    if ! out=$(cargo tree -p "$crate" --depth 0 "${tree_args[@]}" 2>&1); then
      printf '%s\n' "$out" >&2
      die "cannot read the dependency graph of $crate (output above)"
    fi
    checked[$crate]=1
  fi

  if out=$(cargo tree -p "$crate" -i "$forbidden" "${tree_args[@]}" 2>&1); then
    printf '%s: FAIL: %s depends on %s:\n' "$SG_PROG" "$crate" "$forbidden" >&2
    printf '%s\n' "$out" | sed 's/^/    /' >&2
    failures=$((failures + 1))
  elif printf '%s\n' "$out" | grep -q "package ID specification \`$forbidden\` did not match any packages"; then
    say "ok: $crate does not depend on $forbidden"
  else
    printf '%s\n' "$out" >&2
    die "cargo tree -p $crate -i $forbidden failed for another reason (output above)"
  fi
done

[ "$failures" -eq 0 ] || die "$failures layering rule(s) broken (see the dependency paths above)"
say "ok: all ${#rules[@]} layering rules hold"
