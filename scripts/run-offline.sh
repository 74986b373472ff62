#!/usr/bin/env bash
# Set up stepforge in .venv (once, with the data extra: the card's plots) and run the offline default: 200
# verified, step-labelled math traces, seed 7, exact duplicates dropped as they are written, into runs/math-seed7
# (traces.jsonl, rejected.jsonl, card.md with plots/).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh data
.venv/bin/stepforge generate --domain math --count 200 --seed 7 --out runs/math-seed7 --dedup --overwrite "$@"
echo "dataset card: runs/math-seed7/card.md"
