"""A watchdog for the whole suite: a test still running after WATCHDOG_S has every thread's stack written to the
watchdog file and the process ended (faulthandler's C thread needs no GIL, so it fires even while a pattern or a C
call holds it, where a thread's join deadline cannot). A hang then fails the run at once, naming the test, instead
of using up CI's time; scripts/test.sh prints the file. (The file, not stderr: pytest captures stderr, and what it
captured is lost when the process ends.)"""

from __future__ import annotations

import faulthandler
import os
import tempfile

import pytest

WATCHDOG_S = float(os.environ.get("STEPFORGE_WATCHDOG_S", "900"))
_FILE = os.environ.get("STEPFORGE_WATCHDOG_FILE") or os.path.join(tempfile.gettempdir(),
                                                                  f"stepforge-watchdog-{os.getpid()}.txt")


@pytest.fixture(autouse=True)
def _watchdog(request):
    log = open(_FILE, "w")
    log.write(f"watchdog: {request.node.nodeid} still running after {WATCHDOG_S:.0f} s; its threads:\n")
    log.flush()  # faulthandler writes to the descriptor, after this line
    faulthandler.dump_traceback_later(WATCHDOG_S, exit=True, file=log)
    try:
        yield
    finally:
        faulthandler.cancel_dump_traceback_later()
        log.close()
        os.remove(_FILE)
