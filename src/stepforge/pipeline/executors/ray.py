"""``ray``: the same run on a Ray cluster. One stateful actor per node holds the run's parts and a local executor
(its warm worker pool, sandbox backend or model client, made once); the driver streams batches of units to the
actors and yields their results in index order, exactly as ``local`` does, so the engine, the quotas and the run
folder are the same and so is the data.

- Dispatch stays in the driver: ``plan.wanted`` skips units whose polarity quota is full at the moment they are
  sent, and a sampling source keeps few units in flight beyond what the run still needs (as ``local``).
- A lost node (or actor, or result) loses no batch: the batch goes to another actor; a node that joins gets an
  actor. An exception raised by the work itself is the run's error, never retried as if a node had died.
- Resume is the run folder's: the driver writes each unit's records in index order and checkpoints, so a driver
  killed mid-run is resumed with ``--resume`` on any executor.

Ray is an optional extra (``pip install 'stepforge[ray]'``); this module imports it only when a run asks for it.
"""

from __future__ import annotations

import collections
import os
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from stepforge._ray import cause, connect, cpu_nodes, drain, import_ray
from stepforge.errors import UserError
from stepforge.generators.sources import Unit, UnitResult
from stepforge.pipeline.config import RunConfig
from stepforge.pipeline.executors import EXECUTORS, Plan
from stepforge.pipeline.folder import RUN

_ATTEMPTS = 3  # a batch whose actor is lost this many times ends the run (it may be what kills them)
_CLIENT_LIMITS = ("concurrency", "requests_per_minute", "tokens_per_minute")


class UnitWorker:
    """Inside a Ray actor: the run's parts and a local executor made once; ``run`` works one batch of units the
    local way (killable worker processes, the sandbox, or the event loop) and returns plain data."""

    def __init__(self, config_json: str, workers: int, client: dict[str, Any], cwd: str) -> None:
        from stepforge.pipeline.executors.local import LocalExecutor
        from stepforge.pipeline.parts import make_parts

        if os.path.isdir(cwd):  # relative paths of the run mean what they mean to the driver (same machine, shared FS)
            os.chdir(cwd)
        config = RunConfig.model_validate_json(config_json).model_copy(
            update={"workers": workers, "executor": "local", "progress": False, "client": client})
        self.local = LocalExecutor(config)
        source, domain, ctx = make_parts(config)
        self._needed = 0
        self._closing = False
        self.plan = Plan(config=config, source=source, domain=domain, ctx=ctx, wanted=lambda unit: True,
                         needed=lambda: self._needed)

    def ready(self) -> dict[str, Any]:
        """Warm everything before the first batch (start-up is then apart from the run's work)."""
        import ray

        plan = self.plan
        if plan.domain.placement == "process":
            pool = self.local.pool()
            pool.map(os.getpid, [()] * pool.size, timeout=300)
        else:
            plan.domain.open()
        return {"node": ray.get_runtime_context().get_node_id(), "pid": os.getpid(), "workers": self.local.workers,
                "sees_folder": (plan.config.out / RUN).exists()}

    def run(self, units: list[tuple[int, bool | None, dict[str, Any]]], needed: int) -> list[tuple[Any, ...]]:
        from stepforge.pipeline.executors.local import _dump

        self._needed = needed
        batch = [Unit(index, want_error, payload) for index, want_error, payload in units]
        try:
            return [(res.unit.index, [_dump(r) for r in res.records], res.spent, res.pending, res.potential)
                    for res in self.local.results(self.plan, iter(batch))]
        except Exception:
            if self._closing:  # the run ended (COUNT kept) while this batch ran: nobody waits for it
                return []
            raise

    def shutdown(self) -> None:
        self._closing = True
        try:
            self.local.close()
        finally:
            self.plan.domain.close()
            self.plan.source.close()


@dataclass
class _Actor:
    handle: Any
    node: str
    workers: int
    busy: int = 0
    alive: bool = True


@dataclass
class _Batch:
    units: list[Unit]
    ref: Any = None
    actor: _Actor | None = None
    attempts: int = 0


class RayExecutor:
    name = "ray"

    def __init__(self, config: RunConfig) -> None:
        self.ray = import_ray()
        self.config = config
        opts = config.executor_options
        self.address: str | None = opts.get("address")
        self.batch_size: int | None = opts.get("batch_size")
        self.start_timeout = float(opts.get("start_timeout", 600))
        self.node_wait = float(opts.get("node_wait", 120))
        self._actors: dict[str, _Actor] = {}
        self._remote: Any = None
        self._started_ray = False
        self._last_scan = 0.0
        self._samples = False
        self.startup_seconds: float | None = None

    # -- the cluster ---------------------------------------------------------------------------------------------

    def _connect(self) -> None:
        self._started_ray = connect(self.ray, self.address) or self._started_ray

    def _nodes(self) -> list[dict[str, Any]]:
        return cpu_nodes(self.ray)

    def _client(self, actors: int) -> dict[str, Any]:
        """Each actor's share of the endpoint's limits (requests in flight, per minute), so that the cluster as a
        whole honours what the run was given."""
        client = dict(self.config.client)
        for key in _CLIENT_LIMITS:
            if client.get(key):
                client[key] = max(1, int(client[key]) // actors) if key == "concurrency" else client[key] / actors
        return client

    def _start(self, nodes: list[dict[str, Any]], timeout: float) -> list[_Actor]:
        """An actor on each node, warm; nodes whose actor does not come up in ``timeout`` seconds are left out."""
        ray = self.ray
        from ray.util.scheduling_strategies import NodeAffinitySchedulingStrategy

        if self._remote is None:
            self._remote = ray.remote(UnitWorker)
        config_json = self.config.model_dump_json()
        client = self._client(max(1, len(nodes) + len(self._actors)))
        pending = {}
        for node in nodes:
            cpus = float(node["Resources"]["CPU"])
            workers = max(1, int(cpus))
            if self.config.workers:
                workers = min(workers, self.config.workers)
            handle = self._remote.options(
                num_cpus=min(cpus, workers), max_concurrency=2, max_restarts=0,
                scheduling_strategy=NodeAffinitySchedulingStrategy(node["NodeID"], soft=False),
            ).remote(config_json, workers, client, os.getcwd())
            pending[handle.ready.remote()] = (handle, node["NodeID"], workers)
        started = []
        deadline = time.monotonic() + timeout
        while pending:
            done, _ = ray.wait(list(pending), num_returns=1, timeout=max(0.0, deadline - time.monotonic()))
            if not done:
                break
            handle, node, workers = pending.pop(done[0])
            try:
                info = ray.get(done[0])
            except ray.exceptions.RayTaskError as exc:
                self._kill(handle)
                for h, _, _ in pending.values():
                    self._kill(h)
                raise cause(exc) from None
            except ray.exceptions.RayError:
                self._kill(handle)  # the node went away while the actor started
                continue
            if self._samples and not info["sees_folder"]:
                self._kill(handle)
                for h, _, _ in pending.values():
                    self._kill(h)
                raise UserError(f"the Ray node {node[:12]} does not see the run folder {self.config.out}: a sampling "
                                "source journals its requests there, so --out must be on storage every node sees")
            actor = self._actors[node] = _Actor(handle, node, workers)
            started.append(actor)
        for handle, _, _ in pending.values():
            self._kill(handle)
        return started

    def _scan(self, force: bool = False) -> None:
        """Start actors on nodes that joined, or whose actor was lost (every few seconds, or now)."""
        now = time.monotonic()
        if not force and now - self._last_scan < 10:
            return
        self._last_scan = now
        new = [n for n in self._nodes() if n["NodeID"] not in self._actors or not self._actors[n["NodeID"]].alive]
        if new:
            self._start(new, timeout=60)

    def _live(self) -> list[_Actor]:
        live = [a for a in self._actors.values() if a.alive]
        deadline = time.monotonic() + self.node_wait
        while not live:  # every node was lost: wait a while for one to join
            if time.monotonic() > deadline:
                raise UserError(f"every Ray node running this run was lost and none joined in {self.node_wait:g}s; "
                                "the run folder holds everything done so far: run again with --resume")
            time.sleep(1)
            self._scan(force=True)
            live = [a for a in self._actors.values() if a.alive]
        return live

    def _kill(self, handle: Any) -> None:
        try:
            self.ray.kill(handle, no_restart=True)
        except Exception:  # noqa: BLE001 - already gone
            pass

    def _lost(self, actor: _Actor) -> None:
        actor.alive = False
        self._kill(actor.handle)

    # -- the run -------------------------------------------------------------------------------------------------

    def results(self, plan: Plan, units: Iterator[Unit]) -> Iterator[UnitResult]:
        t0 = time.perf_counter()
        self._connect()
        nodes = self._nodes()
        if not nodes:
            raise UserError("the Ray cluster has no node with a CPU to run on")
        self._samples = bool(plan.source.samples)
        if not self._start(nodes, timeout=self.start_timeout):
            raise UserError(f"no Ray actor could start in {self.start_timeout:g}s (are the nodes' CPUs taken?)")
        self._last_scan = time.monotonic()
        self.startup_seconds = time.perf_counter() - t0
        workers = sum(a.workers for a in self._actors.values())
        print(f"stepforge: ray: {len(self._actors)} actors, {workers} worker processes on {len(nodes)} nodes, "
              f"ready in {self.startup_seconds:.1f}s", file=sys.stderr)
        return self._stream(plan, units)

    def _batch_size(self, actor: _Actor) -> int:
        if self.batch_size:
            return int(self.batch_size)
        return 4 if self._samples else 16 * actor.workers

    def _stream(self, plan: Plan, units: Iterator[Unit]) -> Iterator[UnitResult]:
        ray = self.ray
        window: collections.deque[_Batch] = collections.deque()
        it = iter(units)
        exhausted = False
        concurrency = int(self.config.client.get("concurrency") or 32)

        def in_flight_units() -> int:
            return sum(len(b.units) for b in window)

        def room(actor: _Actor) -> bool:
            if self._samples:  # a model's samples cost: few units beyond what the run still needs
                return in_flight_units() < min(2 * concurrency, max(4, 2 * plan.needed()))
            return actor.busy < 3  # two running (the actor's two threads share its pool) and one queued

        def submit(batch: _Batch) -> None:
            actor = min(self._live(), key=lambda a: a.busy)
            batch.actor, batch.attempts = actor, batch.attempts + 1
            actor.busy += 1
            payload = [(u.index, u.want_error, u.payload) for u in batch.units]
            batch.ref = actor.handle.run.remote(payload, plan.needed())

        def fill() -> None:
            nonlocal exhausted
            while not exhausted:
                self._scan()
                actor = min(self._live(), key=lambda a: a.busy)
                if not room(actor):
                    return
                size = self._batch_size(actor)
                if self._samples:
                    size = max(1, min(size, max(4, 2 * plan.needed()) - in_flight_units()))
                batch = _Batch([])
                for unit in it:
                    if plan.wanted(unit):
                        batch.units.append(unit)
                        if len(batch.units) >= size:
                            break
                else:
                    exhausted = True
                if not batch.units:
                    return
                submit(batch)
                window.append(batch)

        for batch, out in drain(ray, window, fill, lambda b, exc: self._recover(b, window, exc, submit)):
            yield from _unit_results(batch.units, out)

    def _recover(self, batch: _Batch, window: collections.deque[_Batch], exc: Exception, submit: Any) -> None:
        lost = batch.actor
        assert lost is not None
        if lost.alive:
            self._lost(lost)
            print(f"stepforge: ray: lost the actor on node {lost.node[:12]} ({type(exc).__name__}); its batches go "
                  "to the others", file=sys.stderr)
        for b in window:
            if b.actor is lost or b is batch:
                if b.attempts >= _ATTEMPTS:
                    raise UserError(f"items {b.units[0].index}-{b.units[-1].index} lost their Ray actor "
                                    f"{b.attempts} times ({type(exc).__name__}); the run folder holds everything "
                                    "done so far: run again with --resume") from None
                if b.actor is not None:
                    b.actor.busy = max(0, b.actor.busy - 1)
                submit(b)

    def close(self) -> None:
        ray = self.ray
        actors, self._actors = [a for a in self._actors.values() if a.alive], {}
        try:
            if actors:
                refs = [a.handle.shutdown.remote() for a in actors]
                try:
                    ray.wait(refs, num_returns=len(refs), timeout=30)
                except Exception:  # noqa: BLE001 - a lost actor has nothing to close
                    pass
            for a in actors:
                self._kill(a.handle)
        finally:
            if self._started_ray:
                self._started_ray = False
                ray.shutdown()


def _unit_results(units: list[Unit], out: list[tuple[Any, ...]]) -> Iterator[UnitResult]:
    from stepforge.pipeline.executors.local import _as_records

    by_index = {u.index: u for u in units}
    for index, records, spent, pending, potential in out:
        yield UnitResult(by_index[index], _as_records(records), spent=spent, pending=pending, potential=potential)


EXECUTORS.register(RayExecutor.name, RayExecutor)
