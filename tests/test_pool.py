"""The deadline pool: hard limits that C-level work cannot defeat, from any thread."""

from __future__ import annotations

import threading
import time

from stepforge._pool import DeadlinePool


def _spin_bigint() -> int:
    # C-level big-integer work: a signal alarm would not interrupt this.
    return len(str(7 ** (10**9)))


def _add(a: int, b: int) -> int:
    return a + b


def _boom() -> None:
    raise ValueError("nope")


def test_kills_c_level_work_past_deadline_and_recovers():
    with DeadlinePool(1) as pool:
        t0 = time.monotonic()
        res = pool.call(_spin_bigint, (), timeout=0.5)
        assert res.status == "timeout"
        assert time.monotonic() - t0 < 1.5
        assert pool.call(_add, (2, 3), timeout=5).value == 5


def test_errors_come_back_as_data():
    with DeadlinePool(1) as pool:
        res = pool.call(_boom, (), timeout=5)
        assert res.status == "error" and "ValueError: nope" in res.error


def test_deadline_holds_from_worker_threads_and_map_keeps_order():
    with DeadlinePool(2) as pool:
        out: list = []

        def run():
            out.append(pool.call(_spin_bigint, (), timeout=0.3).status)

        threads = [threading.Thread(target=run) for _ in range(3)]
        t0 = time.monotonic()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert out == ["timeout"] * 3
        assert time.monotonic() - t0 < 4
        res = pool.map(_add, [(i, i) for i in range(20)], timeout=5)
        assert [r.value for r in res] == [2 * i for i in range(20)]
