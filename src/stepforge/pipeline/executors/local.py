"""``local``: this machine's cores. Three ways, chosen by the source and the domain, never by their names:

- a producing source with a ``process`` domain (procedural math): each unit is made *and* recorded in a killable
  worker process with the item deadline (``DeadlinePool``), a sliding window of units in flight;
- a producing source with a ``parent`` domain (code): candidates are made here and recorded in batches (the domain
  runs them in the sandbox, every slot busy);
- a sampling source (a model endpoint): units are coroutines on an event loop in a thread of their own (so the API
  works in a notebook, whose main thread already runs a loop); each candidate is recorded where the domain says.
"""

from __future__ import annotations

import asyncio
import collections
import threading
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

from stepforge._pool import CallResult, DeadlinePool
from stepforge.candidate import Candidate
from stepforge.generators.sources import Unit, UnitResult
from stepforge.pipeline.config import RunConfig
from stepforge.pipeline.domains import Unanswered
from stepforge.pipeline.executors import EXECUTORS, Plan
from stepforge.pipeline.keep import reject
from stepforge.pipeline.parts import capped_workers, parts_in_worker
from stepforge.schema import Rejection, Trace


def _as_records(data: list[tuple[str, dict[str, Any]]]) -> list[Trace | Rejection]:
    return [Trace.model_validate(d) if kind == "trace" else Rejection.model_validate(d) for kind, d in data]


def _dump(rec: Trace | Rejection) -> tuple[str, dict[str, Any]]:
    return ("trace" if isinstance(rec, Trace) else "rejection", rec.model_dump(mode="json"))


def unit_in_worker(config_json: str, index: int, want_error: bool | None, payload: dict[str, Any]) -> list[Any]:
    """Make and record one unit's candidates (runs inside a worker process)."""
    source, domain, ctx = parts_in_worker(config_json)
    made = source.candidates(Unit(index, want_error, payload))
    cands = [c for c in made if isinstance(c, Candidate)]
    recorded = iter(domain.record_many(cands, ctx) if cands else [])
    return [_dump(c if isinstance(c, Rejection) else next(recorded)) for c in made]


def record_in_worker(config_json: str, cand_json: str) -> tuple[str, dict[str, Any]]:
    """Record one candidate (runs inside a worker process)."""
    _, domain, ctx = parts_in_worker(config_json)
    return _dump(domain.record(Candidate.model_validate_json(cand_json), ctx))


def _settled(res: UnitResult) -> UnitResult:
    """A unit whose labelling waits for model answers that did not come is pending on those requests."""
    waiting = [r for r in res.records if isinstance(r, Unanswered)]
    if waiting:
        res.records = [r for r in res.records if not isinstance(r, Unanswered)]
        for w in waiting:
            res.pending.update(w.requests)
    return res


def _failed(res: CallResult, *, id: str, index: int, domain: str, candidate: dict[str, Any]) -> Rejection:
    """A unit or candidate whose worker timed out or died: recorded as such, never as a verdict."""
    return reject(id=id, index=index, domain=domain, reason="timeout" if res.status == "timeout" else "internal_error",
                  detail=res.error, candidate=candidate)


class LocalExecutor:
    name = "local"

    def __init__(self, config: RunConfig) -> None:
        self.config = config
        self.workers = capped_workers(config.workers)
        self._pool: DeadlinePool | None = None
        self._config_json = config.model_dump_json()
        self._sampling: tuple[asyncio.AbstractEventLoop, threading.Thread, Any, ThreadPoolExecutor] | None = None
        self._lock = threading.Lock()  # results() may run in several threads at once (a Ray actor's batches)

    def pool(self) -> DeadlinePool:
        with self._lock:
            if self._pool is None:
                self._pool = DeadlinePool(self.workers, preload=["stepforge.pipeline.executors.local",
                                                                 f"stepforge.pipeline.domains.{self.config.domain}"])
        return self._pool

    def results(self, plan: Plan, units: Iterator[Unit]) -> Iterator[UnitResult]:
        if plan.source.samples:
            return self._sampled(plan, units)
        if plan.domain.placement == "process":
            return self._in_workers(plan, units)
        return self._in_parent(plan, units)

    # -- producing source, work in killable worker processes ---------------------------------------------------

    def _in_workers(self, plan: Plan, units: Iterator[Unit]) -> Iterator[UnitResult]:
        pool, timeout, domain = self.pool(), self.config.item_timeout, self.config.domain
        window: collections.deque[tuple[Unit, Future[CallResult]]] = collections.deque()
        ahead = 8 * self.workers
        threads = ThreadPoolExecutor(max_workers=self.workers, thread_name_prefix="stepforge-unit")
        try:
            for unit in units:
                if not plan.wanted(unit):
                    continue
                window.append((unit, threads.submit(pool.call, unit_in_worker,
                                                    (self._config_json, unit.index, unit.want_error, unit.payload),
                                                    timeout)))
                while len(window) >= ahead:
                    yield self._collect(*window.popleft(), domain)
            while window:
                yield self._collect(*window.popleft(), domain)
        finally:  # stopped early (COUNT kept): units still queued are dropped, running ones end with the pool
            threads.shutdown(wait=False, cancel_futures=True)

    @staticmethod
    def _collect(unit: Unit, fut: Future[CallResult], domain: str) -> UnitResult:
        res = fut.result()
        if res.status == "ok":
            return UnitResult(unit, _as_records(res.value))
        return UnitResult(unit, [_failed(res, id=f"sf-{domain}-{res.status}-{unit.index}", index=unit.index,
                                         domain=domain, candidate={**unit.payload, "index": unit.index,
                                                                   "want_error": unit.want_error})])

    # -- producing source, records made here (the domain isolates the work itself) -------------------------------

    def _in_parent(self, plan: Plan, units: Iterator[Unit]) -> Iterator[UnitResult]:
        plan.domain.open()
        # a domain that labels many candidates at once (waiting on models) says how many it takes per call
        # (``batch``) and how many calls may run at once (``ahead``: a slow candidate holds up its own batch only)
        batch_size = max(8, 8 * self.workers, int(getattr(plan.domain, "batch", 0) or 0))
        ahead = max(1, int(getattr(plan.domain, "ahead", 1) or 1))
        threads = ThreadPoolExecutor(max_workers=ahead, thread_name_prefix="stepforge-batch") if ahead > 1 else None
        window: collections.deque[tuple[list[Unit], list[list[Any]], Any]] = collections.deque()

        def results(batch: list[Unit], made: list[list[Any]], recorded: Any) -> Iterator[UnitResult]:
            done = iter(recorded.result() if isinstance(recorded, Future) else recorded)
            for unit, m in zip(batch, made):
                yield _settled(UnitResult(unit, [c if isinstance(c, Rejection) else next(done) for c in m]))

        it = iter(units)
        try:
            while True:
                batch: list[Unit] = []
                for unit in it:
                    if plan.wanted(unit):
                        batch.append(unit)
                        if len(batch) >= batch_size:
                            break
                if not batch:
                    break
                made = [plan.source.candidates(u) for u in batch]
                cands = [c for m in made for c in m if isinstance(c, Candidate)]
                if threads is None:
                    yield from results(batch, made, plan.domain.record_many(cands, plan.ctx) if cands else [])
                    continue
                window.append((batch, made, threads.submit(plan.domain.record_many, cands, plan.ctx) if cands else []))
                while len(window) >= ahead:
                    yield from results(*window.popleft())
            while window:
                yield from results(*window.popleft())
        finally:
            if threads is not None:
                threads.shutdown(wait=True, cancel_futures=True)

    # -- sampling source: coroutines on a loop of their own -----------------------------------------------------

    def _loop(self, plan: Plan) -> asyncio.AbstractEventLoop:
        """The sampling loop, started (with the source's ``astart``) on first use and kept until ``close``: an
        executor whose ``results`` is called once per batch (a Ray actor) opens the model client once."""
        with self._lock:
            if self._sampling is None:
                concurrency = int(self.config.client.get("concurrency") or 32)
                loop = asyncio.new_event_loop()
                # records made in this process wait in threads (labelling models, the sandbox): one per unit in flight
                threads = ThreadPoolExecutor(max_workers=2 * concurrency + 4, thread_name_prefix="stepforge-record")
                loop.set_default_executor(threads)
                thread = threading.Thread(target=loop.run_forever, name="stepforge-sampling", daemon=True)
                thread.start()
                self._sampling = (loop, thread, plan.source, threads)
                asyncio.run_coroutine_threadsafe(plan.source.astart(), loop).result()
            return self._sampling[0]

    def _sampled(self, plan: Plan, units: Iterator[Unit]) -> Iterator[UnitResult]:
        concurrency = int(self.config.client.get("concurrency") or 32)
        loop = self._loop(plan)
        in_process = plan.domain.placement == "process"
        pool = self.pool() if in_process else None
        if not in_process:
            plan.domain.open()
        timeout = self.config.item_timeout

        async def record(cand: Candidate) -> Trace | Rejection:
            if pool is not None:
                res = await asyncio.to_thread(pool.call, record_in_worker, (self._config_json, cand.model_dump_json()),
                                              timeout)
                if res.status == "ok":
                    return _as_records([res.value])[0]
                return _failed(res, id=cand.id, index=cand.index, domain=cand.domain,
                               candidate=cand.model_dump(mode="json"))
            return (await asyncio.to_thread(plan.domain.record_many, [cand], plan.ctx))[0]

        def run(coro: Any) -> Future[Any]:
            return asyncio.run_coroutine_threadsafe(coro, loop)

        window: collections.deque[tuple[Unit, Future[UnitResult]]] = collections.deque()

        def room() -> bool:  # units in flight: enough to fill the endpoint, few beyond what the run still needs
            return len(window) < min(2 * concurrency, max(4, 2 * plan.needed()))

        try:
            for unit in units:
                if not plan.wanted(unit):
                    continue
                window.append((unit, run(plan.source.sample(unit, record))))
                while window and (not room() or window[0][1].done()):
                    yield _settled(window.popleft()[1].result())
            while window:
                yield _settled(window.popleft()[1].result())
        finally:
            for _, fut in window:
                fut.cancel()

    def close(self) -> None:
        try:
            if self._sampling is not None:
                loop, thread, source, threads = self._sampling
                self._sampling = None
                try:
                    asyncio.run_coroutine_threadsafe(source.aclose(), loop).result(timeout=30)
                finally:
                    loop.call_soon_threadsafe(loop.stop)
                    thread.join(timeout=30)
                    loop.close()
                    threads.shutdown(wait=False, cancel_futures=True)
        finally:
            if self._pool is not None:
                self._pool.close()
                self._pool = None


EXECUTORS.register(LocalExecutor.name, LocalExecutor)
