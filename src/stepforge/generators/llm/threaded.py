"""``ThreadedClient``: the async ``LLMClient`` driven from plain threads.

Labelling strategies are plain functions called from many threads at once (one per candidate being labelled).
They all share one ``LLMClient`` (one concurrency limit, one rate limiter, one journal) that lives on an event loop
in a thread of its own, started on first use; ``complete``/``complete_many`` block the calling thread only. It
works wherever the caller is: a worker thread, a script, a notebook whose main thread already runs a loop.
"""

from __future__ import annotations

import asyncio
import threading
from concurrent.futures import Future
from pathlib import Path
from typing import Any

from stepforge.generators.llm.client import Answer, ClientConfig, LLMClient
from stepforge.generators.llm.journal import Journal


class ThreadedClient:
    """One endpoint (``config``) with its request journal (``journal``: a file, resumed unless ``fresh``)."""

    def __init__(self, config: ClientConfig, journal: Path | None = None, *, fresh: bool = False) -> None:
        self.config = config
        self.journal_path = journal
        self.fresh = fresh
        self._lock = threading.Lock()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._client: LLMClient | None = None
        self._journal: Journal | None = None
        self._closed = False
        self._unreachable: Exception | None = None

    def _start(self) -> tuple[asyncio.AbstractEventLoop, LLMClient]:
        """The loop and the client, made on first use; an endpoint that cannot be reached at all fails here, once,
        with one clear error (``UserError``) for every caller, rather than after every retry of every request."""
        with self._lock:
            if self._closed:
                raise RuntimeError("the model client is closed")
            if self._unreachable is not None:
                raise self._unreachable
            if self._loop is None:
                if self.journal_path is not None:
                    self._journal = Journal(self.journal_path, resume=not self.fresh)
                client = LLMClient(self.config, self._journal)
                loop = asyncio.new_event_loop()
                self._thread = threading.Thread(target=loop.run_forever, name="stepforge-model", daemon=True)
                self._thread.start()
                self._loop, self._client = loop, client
                try:
                    asyncio.run_coroutine_threadsafe(client.check_reachable(), loop).result()
                except Exception as exc:
                    self._unreachable = exc
                    raise
            assert self._loop is not None and self._client is not None
            return self._loop, self._client

    @property
    def client(self) -> LLMClient:
        return self._start()[1]

    def _submit(self, coro: Any) -> Future[Any]:
        loop, _ = self._start()
        return asyncio.run_coroutine_threadsafe(coro, loop)

    def complete(self, body: dict[str, Any]) -> Answer:
        """One request (answered from the journal when it is there); blocks this thread only."""
        return self.complete_many([body])[0]

    def complete_many(self, bodies: list[dict[str, Any]]) -> list[Answer]:
        """Requests sent together (the client's limits apply); answers in input order."""
        _, client = self._start()

        async def all_of() -> list[Answer]:
            return list(await asyncio.gather(*(client.complete(b) for b in bodies)))

        return self._submit(all_of()).result()  # type: ignore[no-any-return]

    def submit(self, bodies: list[dict[str, Any]]) -> list[Future[Answer]]:
        """Requests sent now without waiting: one future per body (``complete_many`` is these, waited for)."""
        _, client = self._start()
        return [self._submit(client.complete(b)) for b in bodies]

    def idle(self) -> int:
        """Slots of the concurrency limit no request holds or waits for now (negative: requests queue)."""
        client = self._client
        return self.config.concurrency - (client.outstanding() if client is not None else 0)

    def usage(self) -> dict[str, Any]:
        """What this process sent (the client's statistics), for the run summary."""
        return self._client.stats.as_dict() if self._client is not None else {}

    def close(self) -> None:
        """Wait for requests already sent (so their answers are journalled), then stop the loop."""
        with self._lock:
            self._closed = True
            loop, client, thread = self._loop, self._client, self._thread
            self._loop = None
        if loop is not None and client is not None:
            try:
                asyncio.run_coroutine_threadsafe(client.aclose(), loop).result(timeout=90)
            finally:
                loop.call_soon_threadsafe(loop.stop)
                if thread is not None:
                    thread.join(timeout=30)
                loop.close()
        if self._journal is not None:
            self._journal.close()
            self._journal = None
