#!/usr/bin/env bash
# Vendors govuk-frontend into crates/ui so that `cargo build` never needs node.
#
#   bash scripts/vendor-govuk.sh
#
# - installs tools/frontend's locked npm packages (govuk-frontend 6.6.x, sass)
#   with `npm ci` unless node_modules is already there;
# - recompiles govuk-frontend's Sass (tools/frontend/govuk-frontend.scss) with a
#   system font stack instead of GDS Transport, no @font-face rules and no crest
#   image, minified, into crates/ui/assets/govuk-frontend.min.css;
# - copies govuk-frontend.min.js (without its source-map comment);
# - copies each component's fixtures.json that crates/ui/tests/fixtures_match.rs
#   checks into crates/ui/tests/fixtures/<name>.json;
# - creates crates/ui/assets/safeguard.css if it is missing (it is hand-written);
# - fails if the compiled CSS refers to a file that crates/ui/assets lacks.
#
# Deliberately NOT copied: the GDS Transport fonts, the crown, the Royal Arms
# crest, the GOV.UK logotype and GOV.UK's favicons and app icons — Safeguard is
# not a GOV.UK service. Our favicon is crates/ui/assets/images/favicon.svg.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
tools="$root/tools/frontend"
assets="$root/crates/ui/assets"
fixtures="$root/crates/ui/tests/fixtures"

# Components whose govuk-frontend fixtures the UI crate's tests use.
components=(
  back-link button checkboxes details error-message error-summary fieldset
  footer generic-header hint input inset-text label notification-banner
  pagination panel phase-banner radios select service-navigation skip-link
  summary-list table tag textarea warning-text
)

cd "$tools"
if [[ ! -d node_modules/govuk-frontend || ! -d node_modules/sass ]]; then
  npm ci --no-audit --no-fund
fi
govuk="$tools/node_modules/govuk-frontend/dist/govuk"
version="$(node -p 'require("govuk-frontend/package.json").version')"
case "$version" in
  6.6.*) ;;
  *) echo "vendor-govuk: expected govuk-frontend 6.6.x, found $version" >&2; exit 1 ;;
esac

mkdir -p "$assets/images" "$assets/js" "$fixtures"

# 1. CSS, recompiled without GDS Transport. Sass emits a BOM for non-ASCII
#    output; swap it for @charset as govuk-frontend's own build does.
tmp="$(mktemp)"
trap 'rm -f "$tmp"' EXIT
npx --no-install sass --load-path=node_modules --style=compressed --no-source-map \
  --quiet-deps govuk-frontend.scss "$tmp"
{
  printf '@charset "UTF-8";/*! govuk-frontend v%s (MIT, Crown copyright) recompiled for Safeguard by scripts/vendor-govuk.sh: system font stack, no web fonts, no crest */' "$version"
  sed '1s/^\xEF\xBB\xBF//' "$tmp"
} > "$assets/govuk-frontend.min.css"

if grep -qi 'GDS Transport\|@font-face\|/fonts/' "$assets/govuk-frontend.min.css"; then
  echo "vendor-govuk: the compiled CSS still refers to GDS Transport or font files: check tools/frontend/govuk-frontend.scss" >&2
  exit 1
fi
missing=0
while IFS= read -r url; do
  case "$url" in
    /assets/*)
      if [[ ! -f "$assets/${url#/assets/}" ]]; then
        echo "vendor-govuk: the CSS refers to $url, which crates/ui/assets does not have" >&2
        missing=1
      fi
      ;;
    *) echo "vendor-govuk: unexpected url($url) in the CSS" >&2; missing=1 ;;
  esac
done < <(grep -o 'url([^)]*)' "$assets/govuk-frontend.min.css" | sed -e 's/^url(//' -e 's/)$//' -e 's/^["'\'']//' -e 's/["'\'']$//' | sort -u)
[[ $missing == 0 ]] || exit 1

# 2. JavaScript (an ES module exporting initAll; loaded by assets/js/app.mjs).
sed -e 's|//# sourceMappingURL=[^ ]*$||' "$govuk/govuk-frontend.min.js" > "$assets/govuk-frontend.min.js"

# 3. Our own stylesheet: hand-written, created only when missing.
if [[ ! -f "$assets/safeguard.css" ]]; then
  cat > "$assets/safeguard.css" <<'CSS'
/* Safeguard's own additions to govuk-frontend. Keep this small. */
CSS
fi

# 4. Component fixtures, for crates/ui/tests/fixtures_match.rs.
for name in "${components[@]}"; do
  cp "$govuk/components/$name/fixtures.json" "$fixtures/$name.json"
done

echo "vendor-govuk: govuk-frontend $version -> crates/ui/assets ($(wc -c < "$assets/govuk-frontend.min.css") bytes of CSS), ${#components[@]} fixture files"
