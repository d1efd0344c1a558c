#!/usr/bin/env bash
# Install what the test run needs, if it is missing; quiet (one summary line) when everything is there.
#   cargo-nextest      cargo install cargo-nextest --locked
#   cargo-deny 0.20.x  cargo install cargo-deny --version ~0.20 --locked
#   chromium           Debian package (/usr/bin/chromium), for the browser e2e run
#   curl               Debian package
#   e2e/node_modules   npm ci, when missing or older than e2e/package.json / package-lock.json
#   .venv/             python3 venv with api-tests/requirements.txt (schemathesis), when missing or stale
# Then a self-test of e2e/lib/browser.mjs (Chromium + axe-core on two local pages, no server needed).
set -euo pipefail
SG_PROG=bootstrap
# shellcheck source=scripts/lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
cd "$REPO"

# stamp FILE...: a checksum of the given files, to tell when an install is stale.
stamp() { cat "$@" | sha256sum | cut -d' ' -f1; }

# Rust tools.
if ! cargo nextest --version >/dev/null 2>&1; then
  say "installing cargo-nextest (cargo install cargo-nextest --locked)"
  cargo install cargo-nextest --locked --quiet || die "cargo install cargo-nextest failed"
fi
deny_version=$(cargo deny --version 2>/dev/null || true)
case $deny_version in
  "cargo-deny 0.20."*) ;;
  *)
    say "installing cargo-deny 0.20.x (found: ${deny_version:-none}; takes about 3 minutes on 2 cores)"
    cargo install cargo-deny --version '~0.20' --locked --quiet || die "cargo install cargo-deny failed"
    ;;
esac

# System tools.
[ -x /usr/bin/chromium ] || apt_install chromium
need_cmd curl curl
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  die "node and npm are required (Node.js 20 or newer; Debian's nodejs is too old for playwright-core)"
fi
node_major=$(node -p 'process.versions.node.split(".")[0]')
[ "$node_major" -ge 20 ] || die "Node.js 20 or newer is required, found $(node --version)"

# e2e node modules.
e2e_stamp=$(stamp e2e/package.json e2e/package-lock.json)
if [ "$(cat e2e/node_modules/.safeguard-stamp 2>/dev/null || true)" != "$e2e_stamp" ]; then
  say "npm ci in e2e/"
  (cd e2e && timeout --foreground 600 npm ci --no-audit --no-fund --loglevel=error) || die "npm ci in e2e/ failed"
  printf '%s\n' "$e2e_stamp" >e2e/node_modules/.safeguard-stamp
fi

# schemathesis in .venv.
venv_stamp=$(stamp api-tests/requirements.txt)
if [ "$(cat .venv/.safeguard-stamp 2>/dev/null || true)" != "$venv_stamp" ] || [ ! -x .venv/bin/st ]; then
  if [ ! -x .venv/bin/python ]; then
    say "creating the Python venv .venv/"
    if ! python3 -m venv .venv >/dev/null 2>&1; then
      rm -rf .venv
      apt_install python3-venv
      python3 -m venv .venv || die "python3 -m venv .venv failed"
    fi
  fi
  say "pip install -r api-tests/requirements.txt into .venv/"
  timeout --foreground 900 .venv/bin/pip install --quiet --disable-pip-version-check -r api-tests/requirements.txt ||
    die "pip install of api-tests/requirements.txt failed"
  printf '%s\n' "$venv_stamp" >.venv/.safeguard-stamp
fi

# The browser helpers work (Chromium starts, axe-core finds what it should).
selftest_log="$REPO/target/e2e-selftest.log"
mkdir -p "$REPO/target"
if ! timeout --foreground 180 node e2e/lib/selftest.mjs >"$selftest_log" 2>&1; then
  cat "$selftest_log" >&2
  die "the e2e library self-test failed (output above): Chromium or axe-core does not work here"
fi

tools="$(cargo nextest --version 2>/dev/null | head -n 1), $(cargo deny --version), $(/usr/bin/chromium --version 2>/dev/null)"
tools+=", node $(node --version), schemathesis $(.venv/bin/st --version | awk '{print $NF}')"
say "tools present: $tools; browser self-test ok"
