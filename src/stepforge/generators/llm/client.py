"""An async client over the ``openai`` package for any OpenAI-compatible endpoint, built to be robust and fast.

What it adds to ``openai.AsyncOpenAI``: a concurrency limit, a client-side rate limiter (requests and tokens per
minute), its own retries with backoff on 429, 5xx, timeouts and connection errors (honouring ``Retry-After``),
empty answers retried then kept as such, truncated ones kept as such, and the request journal so an answered
request is never sent twice (``--resume``). Responses are read as plain JSON (no pydantic parse per call) over
the aiohttp transport when installed: the client's CPU, not the server, bounds throughput on small machines.
"""

from __future__ import annotations

import asyncio
import email.utils
import os
import random
import time
from dataclasses import dataclass, field
from typing import Any, Literal

import openai
from pydantic import BaseModel, ConfigDict

from stepforge.errors import UserError
from stepforge.generators.llm.journal import Journal, request_key
from stepforge.generators.llm.ratelimit import RateLimiter

try:  # the SDK's own request-options helper, used to post a ready JSON body (see LLMClient._post_chat)
    import httpx2
    from openai._base_client import make_request_options as _make_options
except ImportError:  # pragma: no cover - other SDK layouts use the public path
    _make_options = None

Status = Literal["ok", "truncated", "empty", "failed"]


class ClientConfig(BaseModel):
    """Where to send requests and how hard; limits are per minute, ``None`` meaning no client-side limit."""

    model_config = ConfigDict(extra="forbid")
    base_url: str | None = None
    api_key: str | None = None
    concurrency: int = 32
    requests_per_minute: float | None = None
    tokens_per_minute: float | None = None
    max_retries: int = 8
    timeout: float = 600.0
    backoff_base: float = 0.5
    backoff_max: float = 60.0
    empty_retries: int = 2
    transport: Literal["aiohttp", "httpx"] = "aiohttp"
    price_in_per_mtok: float = 0.0
    price_out_per_mtok: float = 0.0


@dataclass
class Answer:
    """The outcome of one request: the response JSON (``ok``/``truncated``/``empty``) or why there is none."""

    key: str
    request: dict[str, Any]
    status: Status
    response: dict[str, Any] | None = None
    error: str = ""
    cached: bool = False
    attempts: int = 0


@dataclass
class ClientStats:
    sent: int = 0
    answered: int = 0
    cached: int = 0
    retries: int = 0
    failed: int = 0
    empty: int = 0
    truncated: int = 0
    errors: dict[str, int] = field(default_factory=dict)
    prompt_tokens: int = 0
    completion_tokens: int = 0

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


class Pending(Exception):
    """Raised in offline mode for a request that has no journalled answer yet (the batch planner collects it)."""

    def __init__(self, key: str, request: dict[str, Any]) -> None:
        super().__init__(key)
        self.key, self.request = key, request


def classify(response: dict[str, Any]) -> Status:
    """``empty`` when no choice has text, ``truncated`` when one stopped at the length limit, else ``ok``."""
    choices = response.get("choices") or []
    if not choices or all(not ((c.get("message") or {}).get("content") or "").strip() for c in choices):
        return "empty"
    if any(c.get("finish_reason") == "length" for c in choices):
        return "truncated"
    return "ok"


def _retry_after(exc: openai.APIStatusError) -> float | None:
    headers = exc.response.headers
    for name, scale in (("retry-after-ms", 0.001), ("retry-after", 1.0)):
        value = headers.get(name)
        if value is None:
            continue
        try:
            return float(value) * scale
        except ValueError:
            when = email.utils.parsedate_to_datetime(value) if scale == 1.0 else None
            if when is not None:
                return max(0.0, when.timestamp() - time.time())
    return None


def _estimate_tokens(body: dict[str, Any]) -> float:
    msgs = body.get("messages")
    chars = sum(len(str(m.get("content", ""))) for m in msgs if isinstance(m, dict)) if isinstance(msgs, list) else 0
    out = body.get("max_completion_tokens") or body.get("max_tokens") or 512
    return chars / 4 + out * int(body.get("n") or 1)


class LLMClient:
    """``await complete(body)`` for chat completions; answers come from the journal when already there."""

    def __init__(self, config: ClientConfig, journal: Journal | None = None, *, offline: bool = False) -> None:
        self.config = config
        self.journal = journal
        self.offline = offline
        self.stats = ClientStats()
        self.pending: dict[str, dict[str, Any]] = {}  # offline mode: requests that have no answer yet
        self._client: openai.AsyncOpenAI | None = None
        self._sem: asyncio.Semaphore | None = None
        self.limiter = RateLimiter(config.requests_per_minute, config.tokens_per_minute)
        self._inflight: set[asyncio.Future[Answer]] = set()
        self._sending: set[asyncio.Task[Any]] = set()

    def outstanding(self) -> int:
        """Requests sent or waiting for a slot and not yet answered (read from any thread: a snapshot)."""
        return len(self._inflight)

    def api(self) -> openai.AsyncOpenAI:
        """The underlying ``openai.AsyncOpenAI`` (made on first use), for the Batch and Files endpoints."""
        return self._openai()

    async def check_reachable(self) -> None:
        """One ``GET /models`` to fail fast and clearly when the endpoint cannot be reached at all (refused,
        unknown host, timeout). Any HTTP answer, even 401 or 404, proves the server is there."""
        client = self._openai()
        try:
            await client.with_options(timeout=min(10.0, self.config.timeout)).models.list()
        except openai.APIStatusError:
            return
        except (openai.APIConnectionError, openai.APITimeoutError) as exc:
            cause = exc.__cause__ or exc
            url = self.config.base_url or "https://api.openai.com/v1"
            raise UserError(f"cannot reach the model endpoint {url}: {type(cause).__name__}: {cause}"[:400]) from None

    def _openai(self) -> openai.AsyncOpenAI:
        if self._client is None:
            key = self.config.api_key or os.environ.get("OPENAI_API_KEY")
            if not key:
                if not self.config.base_url:
                    raise UserError("set OPENAI_API_KEY (or pass --base-url for a local server that needs no key)")
                key = "EMPTY"
            http_client = None
            if self.config.transport == "aiohttp":
                try:
                    http_client = openai.DefaultAioHttpClient(timeout=self.config.timeout)
                except RuntimeError:  # the aiohttp extra is not installed: fall back to httpx
                    http_client = None
            self._client = openai.AsyncOpenAI(
                api_key=key,
                base_url=self.config.base_url,
                max_retries=0,
                timeout=self.config.timeout,
                http_client=http_client,
            )
        return self._client

    @staticmethod
    async def _post_chat(client: openai.AsyncOpenAI, body: dict[str, Any], key: str) -> dict[str, Any]:
        """POST the body as given: it is plain JSON already, so the SDK's per-call typed transform (the largest
        client CPU cost per request) is skipped; the public path is the fallback if the SDK changes."""
        headers = {"X-Stepforge-Key": key}
        if _make_options is not None:
            options = _make_options(extra_headers=headers, security={"bearer_auth": True})
            raw = await client.post("/chat/completions", body=body, cast_to=httpx2.Response, options=options)
            return raw.json()  # type: ignore[no-any-return]
        resp = await client.chat.completions.with_raw_response.create(**body, extra_headers=headers)
        return resp.http_response.json()  # type: ignore[no-any-return]

    async def complete(self, body: dict[str, Any]) -> Answer:
        key = request_key(body)
        if self.journal is not None:
            entry = self.journal.get(key)
            if entry is not None:
                self.stats.cached += 1
                return Answer(key, body, entry["status"], entry["response"], cached=True, attempts=0)
        if self.offline:
            self.pending[key] = body
            raise Pending(key, body)
        if self._sem is None:
            self._sem = asyncio.Semaphore(self.config.concurrency)
        # shielded: a caller that stops waiting (the run has its COUNT) does not lose an answer already paid for;
        # it still lands in the journal, and ``aclose`` waits for such answers
        task = asyncio.ensure_future(self._send_and_journal(key, body))
        self._inflight.add(task)
        task.add_done_callback(self._inflight.discard)
        return await asyncio.shield(task)

    async def _send_and_journal(self, key: str, body: dict[str, Any]) -> Answer:
        assert self._sem is not None
        async with self._sem:
            self._sending.add(asyncio.current_task())  # type: ignore[arg-type]
            try:
                answer = await self._send(key, body)
            finally:
                self._sending.discard(asyncio.current_task())  # type: ignore[arg-type]
        if answer.status in ("ok", "truncated", "empty") and self.journal is not None:
            self.journal.put(key, {"request": body, "response": answer.response, "status": answer.status})
        return answer

    def _error(self, kind: str) -> None:
        self.stats.errors[kind] = self.stats.errors.get(kind, 0) + 1

    async def _send(self, key: str, body: dict[str, Any]) -> Answer:
        cfg = self.config
        client = self._openai()
        attempt, empties = 0, 0
        estimate = _estimate_tokens(body)
        while True:
            attempt += 1
            await self.limiter.acquire(estimate)
            delay: float | None = None
            try:
                self.stats.sent += 1
                response = await self._post_chat(client, body, key)
            except openai.APIStatusError as exc:
                self.limiter.settle(estimate, 0)
                status = exc.status_code
                retryable = status in (408, 409, 429) or status >= 500
                self._error(str(status))
                if not retryable:
                    self.stats.failed += 1
                    return Answer(key, body, "failed", error=f"HTTP {status}: {exc.message}"[:500], attempts=attempt)
                delay = _retry_after(exc)
                if status == 429:
                    self.limiter.pause(delay if delay is not None else cfg.backoff_base * 2)
                last = f"HTTP {status}"
            except (openai.APITimeoutError, openai.APIConnectionError) as exc:
                self.limiter.settle(estimate, 0)
                kind = "timeout" if isinstance(exc, openai.APITimeoutError) else "connection"
                self._error(kind)
                last = kind
            else:
                usage = response.get("usage") or {}
                used = float(usage.get("total_tokens") or estimate)
                self.limiter.settle(estimate, used)
                status_ = classify(response)
                if status_ == "empty" and empties < cfg.empty_retries:
                    empties += 1
                    self._error("empty")
                    last = "empty"
                else:
                    self.stats.answered += 1
                    self.stats.prompt_tokens += int(usage.get("prompt_tokens") or 0)
                    self.stats.completion_tokens += int(usage.get("completion_tokens") or 0)
                    if status_ == "empty":
                        self.stats.empty += 1
                    elif status_ == "truncated":
                        self.stats.truncated += 1
                    return Answer(key, body, status_, response, attempts=attempt)
            if attempt > cfg.max_retries:
                self.stats.failed += 1
                return Answer(key, body, "failed", error=f"gave up after {attempt} attempts: {last}", attempts=attempt)
            self.stats.retries += 1
            if delay is None:
                delay = min(cfg.backoff_max, cfg.backoff_base * 2 ** (attempt - 1))
                delay *= 0.5 + random.random() / 2  # jitter: retries of many workers do not arrive together
            await asyncio.sleep(min(delay, cfg.backoff_max))

    def cost(self) -> dict[str, Any]:
        """Tokens and money of what was sent in this process (cached answers cost nothing)."""
        s = self.stats
        usd = (s.prompt_tokens * self.config.price_in_per_mtok + s.completion_tokens * self.config.price_out_per_mtok) / 1e6
        return {"prompt_tokens": s.prompt_tokens, "completion_tokens": s.completion_tokens, "usd": round(usd, 6)}

    async def aclose(self, drain_s: float = 60.0) -> None:
        """Close the HTTP client, first waiting (up to ``drain_s``) for requests already sent, so that their answers
        are journalled; requests still queued behind the concurrency limit are dropped unsent."""
        for task in list(self._inflight):
            if task not in self._sending:
                task.cancel()
        if self._sending:
            await asyncio.wait(set(self._sending), timeout=drain_s)
        if self._client is not None:
            await self._client.close()
            self._client = None
