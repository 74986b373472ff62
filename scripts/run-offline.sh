#!/usr/bin/env bash
# Set up stepforge in .venv (once) and run the offline default: 200 verified, step-labelled math
# traces, seed 7, written to runs/math-seed7 (traces.jsonl, rejected.jsonl, card.md).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
.venv/bin/stepforge generate --domain math --count 200 --seed 7 --out runs/math-seed7 --overwrite "$@"
echo "dataset card: runs/math-seed7/card.md"
