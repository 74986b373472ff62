#!/usr/bin/env bash
# Set up everything the tests need on a fresh machine, then run the whole test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh test
for hook in scripts/test.d/*.sh; do
    [ -e "$hook" ] && bash "$hook"
done
# a test that hangs ends the run (tests/conftest.py), its threads' stacks in this file
export STEPFORGE_WATCHDOG_FILE="${STEPFORGE_WATCHDOG_FILE:-$(mktemp -u /tmp/stepforge-watchdog-XXXXXX.txt)}"
rc=0
.venv/bin/python -m pytest "$@" || rc=$?
if [ -s "$STEPFORGE_WATCHDOG_FILE" ]; then
    cat "$STEPFORGE_WATCHDOG_FILE" >&2
    rm -f "$STEPFORGE_WATCHDOG_FILE"
fi
exit "$rc"
