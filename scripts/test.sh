#!/usr/bin/env bash
# Set up everything the tests need on a fresh machine, then run the whole test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh test
for hook in scripts/test.d/*.sh; do
    [ -e "$hook" ] && bash "$hook"
done
exec .venv/bin/python -m pytest "$@"
