"""Ray, an optional extra, for the commands that scale out with ``--executor ray``: the one-line error without it,
joining (or starting) a cluster, and ``RayMap``, an ordered map of batches over warm actors that survives lost nodes.

``RayMap`` is for work whose batches are all known to be wanted (``regress`` cases, ``curate`` chunks): one actor per
CPU of every node, each made once from a picklable factory (its warm state: a verifier spec, a benchmark index), at
most two batches in flight per actor, results yielded in input order. A batch whose actor, node or result is lost
goes to another actor (three losses end the run: the batch may be what kills them); a node that joins gets actors.
An exception raised by the work itself is the caller's error, never retried. ``generate`` has its own executor
(``pipeline.executors.ray``): its dispatch depends on what the run has kept so far.
"""

from __future__ import annotations

import collections
import os
import socket
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from stepforge.errors import UserError

INSTALL = "pip install 'stepforge[ray]'"
ATTEMPTS = 3


def import_ray() -> Any:
    """The ``ray`` module, or the one-line error naming the extra."""
    try:
        import ray
    except ImportError:
        raise UserError(f"--executor ray needs Ray, an optional extra: {INSTALL}") from None
    return ray


def connect(ray: Any, address: str | None) -> bool:
    """Join the cluster at ``address`` (None: ``RAY_ADDRESS``, else a Ray started here); True when this call
    started or joined it (the caller shuts it down), False when this process was already connected."""
    if ray.is_initialized():
        return False
    probe(address)
    try:
        ray.init(address=address, include_dashboard=False, log_to_driver=False, logging_level="ERROR",
                 configure_logging=False)
    except (ConnectionError, RuntimeError, ValueError, OSError) as exc:
        where = address or "this machine"
        raise UserError(f"cannot start or reach Ray at {where}: {str(exc).splitlines()[0][:300]}") from None
    return True


def probe(address: str | None) -> None:
    """A host:port that nothing listens on is a one-line error at once (Ray itself retries for minutes)."""
    if not address or "://" in address or ":" not in address:
        return  # auto, local, ray://...: Ray's own lookup
    host, _, port = address.rpartition(":")
    try:
        socket.create_connection((host, int(port)), timeout=5).close()
    except (OSError, ValueError) as exc:
        raise UserError(f"cannot reach the Ray cluster at {address}: {getattr(exc, 'strerror', None) or exc}") from None


def cause(exc: Any) -> BaseException:
    """The work's own exception (a UserError stays one line); anything else says where it came from."""
    err = getattr(exc, "cause", None)
    if isinstance(err, UserError):
        return err
    if isinstance(err, BaseException):
        return RuntimeError(f"a Ray actor failed: {type(err).__name__}: {err}")
    return RuntimeError(f"a Ray actor failed: {exc}")


def drain(ray: Any, window: collections.deque[Any], fill: Callable[[], None],
          recover: Callable[[Any, Exception], None]) -> Iterator[tuple[Any, Any]]:
    """``(batch, result)`` in submission order from ``window`` (batches with ``ref`` and ``actor``), topped up by
    ``fill`` before each wait. An error the work raised is the caller's; a lost node, actor or result goes to
    ``recover(batch, exc)``, which resubmits. What is still in flight when the consumer stops is cancelled."""
    try:
        while True:
            fill()
            if not window:
                return
            batch = window[0]
            try:
                out = ray.get(batch.ref)
            except ray.exceptions.RayTaskError as exc:
                raise cause(exc) from None
            except ray.exceptions.RayError as exc:  # the node, actor or result was lost: work it elsewhere
                recover(batch, exc)
                continue
            window.popleft()
            batch.actor.busy -= 1
            yield batch, out
    finally:
        for b in window:
            try:
                ray.cancel(b.ref)
            except Exception:  # noqa: BLE001 - already done or gone
                pass


def cpu_nodes(ray: Any) -> list[dict[str, Any]]:
    return [n for n in ray.nodes() if n.get("Alive") and n.get("Resources", {}).get("CPU", 0) > 0]


class _Host:
    """Inside a Ray actor: the work function made once by the factory (in ``ready``, so that a factory that fails
    is the caller's error, not a lost actor), applied to one batch per call."""

    def __init__(self, factory: Callable[[], Callable[[Any], Any]], cwd: str) -> None:
        if os.path.isdir(cwd):  # relative paths mean what they mean to the driver (same machine, shared FS)
            os.chdir(cwd)
        self.factory = factory
        self.fn: Callable[[Any], Any] | None = None

    def ready(self) -> str:
        import ray

        self.fn = self.factory()
        return str(ray.get_runtime_context().get_node_id())

    def run(self, batch: Any) -> Any:
        assert self.fn is not None
        return self.fn(batch)

    def close(self) -> None:
        close = getattr(self.fn, "close", None)
        if close is not None:
            close()


@dataclass
class _Actor:
    handle: Any
    node: str
    busy: int = 0
    alive: bool = True


@dataclass
class _Batch:
    data: Any
    ref: Any = None
    actor: _Actor | None = None
    attempts: int = 0


class RayMap:
    """``with RayMap(address, factory, what="regress") as m: for r in m.map(batches): ...``; ``factory()`` runs once
    in each actor and returns the function applied to each batch (both picklable: module-level or partials)."""

    def __init__(self, address: str | None, factory: Callable[[], Callable[[Any], Any]], *, what: str,
                 start_timeout: float = 600, node_wait: float = 120, rescan: float = 10) -> None:
        self.ray = import_ray()
        self.address = address
        self.factory = factory
        self.what = what
        self.start_timeout = start_timeout
        self.node_wait = node_wait
        self.rescan = rescan
        self.actors: list[_Actor] = []
        self.nodes_seen: set[str] = set()
        self.startup_seconds = 0.0
        self.lost = 0
        self._started = False
        self._remote: Any = None
        self._last_scan = 0.0

    def __enter__(self) -> RayMap:
        t0 = time.perf_counter()
        try:
            self._started = connect(self.ray, self.address)
            nodes = cpu_nodes(self.ray)
            if not nodes:
                raise UserError("the Ray cluster has no node with a CPU to run on")
            if not self._start(nodes, self.start_timeout):
                raise UserError(f"no Ray actor could start in {self.start_timeout:g}s (are the nodes' CPUs taken?)")
        except BaseException:
            self.close()
            raise
        self._last_scan = time.monotonic()
        self.startup_seconds = time.perf_counter() - t0
        print(f"stepforge: {self.what}: ray: {len(self.actors)} actors on {len(self.nodes_seen)} nodes, ready in "
              f"{self.startup_seconds:.1f}s", file=sys.stderr)
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- the actors --------------------------------------------------------------------------------------------

    def _start(self, nodes: list[dict[str, Any]], timeout: float) -> list[_Actor]:
        """One actor per CPU of each node (at least one), pinned to it; those not up in ``timeout`` are left out."""
        ray = self.ray
        from ray.util.scheduling_strategies import NodeAffinitySchedulingStrategy

        if self._remote is None:
            self._remote = ray.remote(_Host)
        pending: dict[Any, tuple[Any, str]] = {}
        for node in nodes:
            cpus = float(node["Resources"]["CPU"])
            slots = max(1, int(cpus))
            for _ in range(slots):
                handle = self._remote.options(
                    num_cpus=cpus / slots, max_concurrency=1, max_restarts=0,
                    scheduling_strategy=NodeAffinitySchedulingStrategy(node["NodeID"], soft=False),
                ).remote(self.factory, os.getcwd())
                pending[handle.ready.remote()] = (handle, node["NodeID"])
        started = []
        deadline = time.monotonic() + timeout
        while pending:
            done, _ = ray.wait(list(pending), num_returns=1, timeout=max(0.0, deadline - time.monotonic()))
            if not done:
                break
            handle, node = pending.pop(done[0])
            try:
                ray.get(done[0])
            except ray.exceptions.RayTaskError as exc:  # the factory itself failed: the caller's error
                for h, _ in [(handle, node), *pending.values()]:
                    self._kill(h)
                raise cause(exc) from None
            except ray.exceptions.RayError:
                self._kill(handle)  # the node went away while the actor started
                continue
            actor = _Actor(handle, node)
            self.actors.append(actor)
            self.nodes_seen.add(node)
            started.append(actor)
        for handle, _ in pending.values():
            self._kill(handle)
        return started

    def _scan(self, force: bool = False) -> None:
        """Actors on nodes that joined, or whose actors were all lost (every ``rescan`` seconds, or now)."""
        now = time.monotonic()
        if not force and now - self._last_scan < self.rescan:
            return
        self._last_scan = now
        live_nodes = {a.node for a in self.actors if a.alive}
        new = [n for n in cpu_nodes(self.ray) if n["NodeID"] not in live_nodes]
        if new:
            self._start(new, timeout=60)

    def _live(self) -> list[_Actor]:
        live = [a for a in self.actors if a.alive]
        deadline = time.monotonic() + self.node_wait
        while not live:
            if time.monotonic() > deadline:
                raise UserError(f"every Ray node running this {self.what} was lost and none joined in "
                                f"{self.node_wait:g}s")
            time.sleep(1)
            self._scan(force=True)
            live = [a for a in self.actors if a.alive]
        return live

    def _kill(self, handle: Any) -> None:
        try:
            self.ray.kill(handle, no_restart=True)
        except Exception:  # noqa: BLE001 - already gone
            pass

    # -- the map -----------------------------------------------------------------------------------------------

    def map(self, batches: Iterable[Any]) -> Iterator[Any]:
        """Each batch's result, in input order; at most two batches in flight per actor."""
        ray = self.ray
        window: collections.deque[_Batch] = collections.deque()
        it = iter(batches)
        exhausted = False

        def submit(batch: _Batch) -> None:
            actor = min(self._live(), key=lambda a: a.busy)
            batch.actor, batch.attempts = actor, batch.attempts + 1
            actor.busy += 1
            batch.ref = actor.handle.run.remote(batch.data)

        def fill() -> None:
            nonlocal exhausted
            while not exhausted:
                self._scan()
                if min(a.busy for a in self._live()) >= 2:
                    return
                try:
                    batch = _Batch(next(it))
                except StopIteration:
                    exhausted = True
                    return
                submit(batch)
                window.append(batch)

        for _, out in drain(ray, window, fill, lambda batch, exc: self._recover(batch, window, exc, submit)):
            yield out

    def _recover(self, batch: _Batch, window: collections.deque[_Batch], exc: Exception,
                 submit: Callable[[_Batch], None]) -> None:
        lost = batch.actor
        assert lost is not None
        if lost.alive:
            lost.alive = False
            self.lost += 1
            self._kill(lost.handle)
            print(f"stepforge: {self.what}: ray: lost an actor on node {lost.node[:12]} ({type(exc).__name__}); its "
                  "batches go to the others", file=sys.stderr)
        for b in window:
            if b.actor is lost or b is batch:
                if b.attempts >= ATTEMPTS:
                    raise UserError(f"a batch of this {self.what} lost its Ray actor {b.attempts} times "
                                    f"({type(exc).__name__}); stopped") from None
                submit(b)

    def close(self) -> None:
        actors, self.actors = [a for a in self.actors if a.alive], []
        if actors:  # the work's own processes end first (a verifier's worker), then the actors
            try:
                self.ray.wait([a.handle.close.remote() for a in actors], num_returns=len(actors), timeout=30)
            except Exception:  # noqa: BLE001 - a lost actor has nothing to close
                pass
        for a in actors:
            self._kill(a.handle)
        if self._started:
            self._started = False
            self.ray.shutdown()
