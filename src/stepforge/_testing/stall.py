"""A function that never returns, run in a pool worker by tests of deadlines: the worker can only be killed."""

from __future__ import annotations

import time
from typing import Any


def stall(*_args: Any) -> None:
    """Sleep until killed (an hour is far past any deadline a test sets)."""
    time.sleep(3600)
