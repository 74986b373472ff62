"""Client-side rate limiting: token buckets for requests and tokens per minute, shared by all workers.

Tokens are reserved from an estimate before a request and reconciled with the reported usage after it,
so a burst of long answers slows the next requests instead of drawing 429s. A 429 pauses everyone.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable


class _Bucket:
    def __init__(self, per_minute: float, burst_seconds: float, now: float) -> None:
        self.rate = per_minute / 60.0
        self.capacity = max(1.0, self.rate * burst_seconds)
        self.level = self.capacity
        self.stamp = now

    def refill(self, now: float) -> None:
        self.level = min(self.capacity, self.level + (now - self.stamp) * self.rate)
        self.stamp = now

    def wait_for(self, amount: float) -> float:
        """Seconds until ``amount`` can be taken; more than the capacity waits for a full bucket."""
        need = min(amount, self.capacity)
        return 0.0 if self.level >= need else (need - self.level) / self.rate


class RateLimiter:
    """``await acquire(tokens)`` before a request, ``settle(reserved, used)`` after; ``pause(s)`` on a 429."""

    def __init__(
        self,
        requests_per_minute: float | None = None,
        tokens_per_minute: float | None = None,
        *,
        burst_seconds: float = 1.0,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        now = clock()
        self._req = _Bucket(requests_per_minute, burst_seconds, now) if requests_per_minute else None
        self._tok = _Bucket(tokens_per_minute, burst_seconds, now) if tokens_per_minute else None
        self._clock, self._sleep = clock, sleep
        self._lock: asyncio.Lock | None = None
        self._paused_until = 0.0

    def pause(self, seconds: float) -> None:
        """Hold every request for ``seconds`` (a 429 means the server's budget is spent for everyone)."""
        self._paused_until = max(self._paused_until, self._clock() + seconds)

    async def acquire(self, tokens: float = 0.0) -> None:
        if self._lock is None:
            self._lock = asyncio.Lock()
        async with self._lock:  # FIFO: the first waiter is served first
            while True:
                now = self._clock()
                wait = self._paused_until - now
                for bucket, amount in ((self._req, 1.0), (self._tok, tokens)):
                    if bucket is not None:
                        bucket.refill(now)
                        wait = max(wait, bucket.wait_for(amount))
                if wait <= 0:
                    if self._req is not None:
                        self._req.level -= 1.0
                    if self._tok is not None:
                        self._tok.level -= tokens
                    return
                await self._sleep(wait)

    def settle(self, reserved: float, used: float) -> None:
        """Give back (or charge) the difference between the reserved estimate and the reported usage."""
        if self._tok is not None:
            self._tok.refill(self._clock())
            self._tok.level = min(self._tok.capacity, self._tok.level + reserved - used)
