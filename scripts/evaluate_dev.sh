#!/usr/bin/env bash
# Run the extractor on every development set and print the evaluate tables.
#   scripts/evaluate_dev.sh [OUT_DIR]   (default: out/dev-eval)
# Development sets are read in place from ../shared (never copied into the repo).
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-.venv/bin/python}
SHARED=${SHARED:-../shared}
OUT=${1:-out/dev-eval}
mkdir -p "$OUT"
"$PY" -m extractor run corpus --out "$OUT/corpus.jsonl" --no-progress || echo "corpus: some inputs failed" >&2
"$PY" -m extractor run "$SHARED/pages-dev" --out "$OUT/pages.jsonl" --no-progress || echo "pages-dev: some inputs failed" >&2
"$PY" -m extractor evaluate --gold annotations --pred "$OUT/corpus.jsonl" > "$OUT/corpus.txt"
"$PY" -m extractor evaluate --records-gold "$SHARED/pages-dev" --pred "$OUT/pages.jsonl" \
    --out "$OUT/pages" > "$OUT/pages.txt"
"$PY" -m extractor evaluate --brat "$SHARED/maccrobat-dev" --out "$OUT/brat" > "$OUT/brat.txt"
cat "$OUT/pages.txt" "$OUT/brat.txt" "$OUT/corpus.txt"
