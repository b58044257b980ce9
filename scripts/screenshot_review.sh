#!/usr/bin/env bash
# Render the review page of one corpus report and screenshot it in headless Chromium.
#
#   scripts/screenshot_review.sh [REPORT.txt] [OUT.png]
#
# Defaults: the first corpus report, docs/review-screenshot.png. Needs Debian's
# chromium (apt-get install -y chromium). The page is self-contained, and Chromium
# runs with networking features off and a throwaway profile.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
REPORT="${1:-$(ls "$ROOT"/corpus/*.txt | head -n 1)}"
OUT="${2:-$ROOT/docs/review-screenshot.png}"
PYTHON="${PYTHON:-$ROOT/.venv/bin/python}"
CHROMIUM="${CHROMIUM:-/usr/bin/chromium}"
SIZE="${WINDOW_SIZE:-1400,2000}"

WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

"$PYTHON" -m extractor review "$REPORT" --html "$WORK/review.html"
mkdir -p "$(dirname "$OUT")"
OUT_ABS="$(cd "$(dirname "$OUT")" && pwd)/$(basename "$OUT")"

"$CHROMIUM" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
  --disable-background-networking --disable-component-update --disable-sync \
  --hide-scrollbars --user-data-dir="$WORK/profile" \
  --screenshot="$OUT_ABS" --window-size="$SIZE" \
  "file://$WORK/review.html" >"$WORK/chromium.log" 2>&1 || {
    cat "$WORK/chromium.log" >&2
    exit 1
  }
test -s "$OUT_ABS"
echo "$REPORT -> $OUT_ABS" >&2
