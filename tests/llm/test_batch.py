"""The Batch API workflow through the loopback server: splitting, any-order joins, resubmitting only failures."""

from __future__ import annotations

import asyncio
from pathlib import Path

import openai
import pytest
from conftest import run

from stepforge._testing.openai_server import ServerProcess
from stepforge.errors import UserError
from stepforge.generators.llm import batch_api as B
from stepforge.generators.llm.journal import Journal, request_key


def _bodies(n: int, model: str = "m") -> dict[str, dict]:
    bodies = [{"model": model, "messages": [{"role": "user", "content": f"Problem: What is {i} + {i}?"}], "seed": i} for i in range(n)]
    return {request_key(b): b for b in bodies}


async def _wait(client: openai.AsyncOpenAI, store: B.BatchStore) -> None:
    for _ in range(500):
        live = await B.refresh(client, store)
        if all(c.status in B.TERMINAL for c in live):
            return
        await asyncio.sleep(0.02)
    raise AssertionError("batches did not finish")


def test_split_limits() -> None:
    lines = [(str(i), b"x" * 10) for i in range(7)]
    assert [len(c) for c in B.split(lines, 3, 10**6)] == [3, 3, 1]
    assert [len(c) for c in B.split(lines, 100, 25)] == [2, 2, 2, 1]
    with pytest.raises(UserError, match="alone is"):
        B.split([("a", b"x" * 30)], 10, 20)


def test_batch_round_trip_with_failures_and_expiry(server: ServerProcess, tmp_path: Path) -> None:
    server.configure(batch_delay=0.01, batch_fail_rate=0.25, batch_expire_rate=0.15, batch_max_requests=8)
    bodies = _bodies(30)
    store = B.BatchStore(tmp_path)
    store.state.max_requests = 8  # the split must respect the server's limit, or the batch would fail

    async def go() -> tuple[list, list]:
        client = openai.AsyncOpenAI(base_url=server.url, api_key="x", max_retries=0)
        journal = Journal(tmp_path / "journal.jsonl")
        rounds, resubmitted = [], []
        made = await B.submit(client, store, bodies)
        assert [len(c.custom_ids) for c in made] == [8, 8, 8, 6]
        for attempt in range(1, 4):
            await _wait(client, store)
            answered, failed = await B.collect(client, store, journal)
            rounds.append((answered, dict(failed)))
            if not failed:
                break
            resubmitted.append(set(failed))
            await B.submit(client, store, {cid: store.requests[cid] for cid in failed}, attempt=attempt)
        await client.close()
        return rounds, resubmitted

    rounds, resubmitted = run(go())
    journal = Journal(tmp_path / "journal.jsonl")
    assert sorted(journal.keys()) == sorted(bodies)  # every request answered exactly once
    for key, entry in ((k, journal.get(k)) for k in bodies):
        assert entry["request"] == bodies[key] and entry["response"]["choices"]
        # the joined answer is the answer to *this* request (results came back shuffled)
        n = bodies[key]["seed"]
        assert entry["response"]["choices"][0]["message"]["content"].count("\\boxed{") == 1
        assert f"Compute ${n} + {n}" in entry["response"]["choices"][0]["message"]["content"]
    first_failed = rounds[0][1]
    assert set(first_failed.values()) == {"batch_expired", "server_error"}
    assert rounds[0][0] + len(first_failed) == 30
    # only the failed requests were sent again, each once
    log = [e for e in server.log() if e["via"] == "batch"]
    second = [e["key"] for e in log if e["attempt"] == 1]
    assert sorted(second) == sorted(first_failed) == sorted(resubmitted[0])
    assert len(log) == 30 + len(second)


def test_a_killed_submit_never_submits_twice(server: ServerProcess, tmp_path: Path) -> None:
    server.configure(batch_delay=0.01)
    bodies = _bodies(5)
    store = B.BatchStore(tmp_path)
    # what a kill between "chunk saved" and "upload" leaves behind
    store.add_requests(bodies)
    store.state.chunks.append(B.Chunk(index=0, custom_ids=list(bodies), bytes=1))
    store.save()

    async def go() -> None:
        client = openai.AsyncOpenAI(base_url=server.url, api_key="x", max_retries=0)
        store2 = B.BatchStore(tmp_path)
        assert await B.submit(client, store2, bodies) == []  # already in flight: nothing new
        await B.resume_unstarted(client, store2)
        await _wait(client, store2)
        answered, failed = await B.collect(client, store2, Journal(tmp_path / "j.jsonl"))
        assert (answered, failed) == (5, {})
        await client.close()

    run(go())
    assert len([e for e in server.log() if e["via"] == "batch"]) == 5


def test_one_model_per_batch(tmp_path: Path) -> None:
    bodies = {**_bodies(2, "a"), **_bodies(2, "b")}
    with pytest.raises(UserError, match="one model per batch"):
        run(B.submit(None, B.BatchStore(tmp_path), bodies))  # type: ignore[arg-type]
