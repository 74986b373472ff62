"""A reward server answering OpenRLHF's ``POST /get_reward`` (``{"query", "prompts", "labels"}`` ->
``{"rewards", "scores", "extra_logs"}``) with stepforge's verifiers.

Requests wait in a bounded queue (``max_queue`` completions; beyond it the answer is 503, which OpenRLHF's client
retries); at most ``concurrency`` batches are scored at once. Each check's time limit is counted inside its worker
process from the start of its execution, never from the time it was queued.
"""

from __future__ import annotations

import asyncio
import json
import os
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from stepforge.rewards.openrlhf import response_of
from stepforge.rewards.verl import score_one


def score_batch(queries: list[str], prompts: list[str], labels: list[Any], timeout: float) -> dict[str, Any]:
    """The JSON answer for one batch (lists, not tensors)."""
    rs = [score_one(None, response_of(q, p), lab, {}, timeout=timeout) for q, p, lab in zip(queries, prompts, labels)]
    rewards = [float(r.score) if r.score is not None else 0.0 for r in rs]
    return {"rewards": rewards, "scores": list(rewards),
            "extra_logs": {"stepforge_correct": [float(bool(r.correct)) for r in rs],
                           "stepforge_unscored": [float(r.score is None) for r in rs]},
            "reasons": [r.reason for r in rs], "preds": [(r.pred or "")[:200] for r in rs]}


def make_app(*, timeout: float = 5.0, max_queue: int = 4096, concurrency: int | None = None) -> Any:
    from aiohttp import web

    concurrency = concurrency or os.cpu_count() or 2
    executor = ThreadPoolExecutor(max_workers=concurrency, thread_name_prefix="stepforge-reward")
    gate = asyncio.Semaphore(concurrency)
    state = {"queued": 0, "served": 0, "rejected": 0}

    def bad(msg: str) -> web.Response:
        return web.json_response({"error": msg}, status=400)

    async def get_reward(request: web.Request) -> web.Response:
        try:
            body = await request.json()
        except (ValueError, json.JSONDecodeError):
            return bad("the body must be JSON")
        if not isinstance(body, dict):
            return bad("the body must be a JSON object")
        queries = body.get("query", body.get("queries"))
        if not isinstance(queries, list) or not all(isinstance(q, str) for q in queries):
            return bad("'query' must be a list of strings")
        prompts = body.get("prompts") or [""] * len(queries)
        labels = body.get("labels")
        if not isinstance(labels, list) or len(labels) != len(queries) or len(prompts) != len(queries):
            return bad("'labels' (and 'prompts', if given) must be lists as long as 'query'")
        n = len(queries)
        if state["queued"] + n > max_queue:
            state["rejected"] += n
            return web.json_response({"error": f"queue full ({max_queue} completions)"}, status=503,
                                     headers={"Retry-After": "1"})
        state["queued"] += n
        try:
            async with gate:
                loop = asyncio.get_running_loop()
                out = await loop.run_in_executor(executor, score_batch, queries, prompts, labels, timeout)
        finally:
            state["queued"] -= n
        state["served"] += n
        return web.json_response(out)

    async def health(request: web.Request) -> web.Response:
        return web.json_response({"ok": True, **state, "max_queue": max_queue, "concurrency": concurrency})

    async def close(app: web.Application) -> None:
        executor.shutdown(wait=False, cancel_futures=True)

    app = web.Application(client_max_size=256 * 1024 * 1024)
    app.router.add_post("/get_reward", get_reward)
    app.router.add_get("/health", health)
    app.on_cleanup.append(close)
    return app


def serve(host: str, port: int, **kwargs: Any) -> None:
    from aiohttp import web

    web.run_app(make_app(**kwargs), host=host, port=port, print=None, handle_signals=True)
