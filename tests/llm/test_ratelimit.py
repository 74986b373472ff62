"""The token buckets on a fake clock: requests and tokens per minute, reconciliation and pauses."""

from __future__ import annotations

import asyncio

from stepforge.generators.llm.ratelimit import RateLimiter


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now

    async def sleep(self, s: float) -> None:
        self.now += s


def _times(limiter: RateLimiter, clock: FakeClock, n: int, tokens: float = 0.0) -> list[float]:
    async def go() -> list[float]:
        out = []
        for _ in range(n):
            await limiter.acquire(tokens)
            out.append(clock.now)
        return out

    return asyncio.run(go())


def test_requests_per_minute() -> None:
    clock = FakeClock()
    lim = RateLimiter(requests_per_minute=120, clock=clock, sleep=clock.sleep, burst_seconds=1.0)
    t = _times(lim, clock, 10)
    assert t[:2] == [0.0, 0.0]  # a burst of one second's worth
    assert abs(t[-1] - 4.0) < 1e-9  # then 2 per second


def test_tokens_per_minute_and_settle() -> None:
    clock = FakeClock()
    lim = RateLimiter(tokens_per_minute=6000, clock=clock, sleep=clock.sleep)  # 100 tokens/s
    t = _times(lim, clock, 3, tokens=100)
    assert [round(x, 6) for x in t] == [0.0, 1.0, 2.0]
    lim.settle(100, 0)  # the last request used nothing: its reservation comes back
    assert _times(lim, clock, 1, tokens=100) == [2.0]


def test_oversized_request_waits_for_a_full_bucket_only() -> None:
    clock = FakeClock()
    lim = RateLimiter(tokens_per_minute=600, clock=clock, sleep=clock.sleep)  # capacity 10
    t = _times(lim, clock, 2, tokens=50)
    assert t[0] == 0.0 and abs(t[1] - 5.0) < 1e-9  # refilled from -40 to +10 at 10/s


def test_pause_holds_everyone() -> None:
    clock = FakeClock()
    lim = RateLimiter(requests_per_minute=6000, clock=clock, sleep=clock.sleep)
    lim.pause(3.0)
    assert _times(lim, clock, 1) == [3.0]


def test_no_limits_never_waits() -> None:
    clock = FakeClock()
    lim = RateLimiter(clock=clock, sleep=clock.sleep)
    assert _times(lim, clock, 100, tokens=1e9)[-1] == 0.0
