"""The client over real HTTP: retries, Retry-After, empty/truncated handling, and the journal as a cache."""

from __future__ import annotations

import time
from pathlib import Path

from conftest import run

from stepforge._testing.openai_server import ServerProcess
from stepforge.generators.llm.client import ClientConfig, LLMClient
from stepforge.generators.llm.journal import Journal, request_key


def _bodies(n: int) -> list[dict]:
    return [{"model": "m", "messages": [{"role": "user", "content": f"Problem: What is {i} * 2 + 1?"}]} for i in range(n)]


async def _complete_all(client: LLMClient, bodies: list[dict]) -> list:
    import asyncio

    try:
        return await asyncio.gather(*(client.complete(b) for b in bodies))
    finally:
        await client.aclose()


def test_every_fault_kind_is_survived(server: ServerProcess, tmp_path: Path) -> None:
    server.configure(faults={"429": 0.2, "500": 0.2, "slow": 0.05, "empty": 0.1, "truncated": 0.1}, slow_seconds=2.0)
    cfg = ClientConfig(base_url=server.url, timeout=0.5, backoff_base=0.01, backoff_max=0.1)
    client = LLMClient(cfg, Journal(tmp_path / "j.jsonl"))
    answers = run(_complete_all(client, _bodies(60)))
    statuses = [a.status for a in answers]
    assert "failed" not in statuses
    log = server.log()
    faults = {e["fault"] for e in log}
    assert {"429", "500", "slow", "empty", "truncated"} <= faults, faults
    # truncated answers are kept as truncated (not retried); empty ones were retried into real answers
    truncated_keys = {e["key"] for e in log if e["fault"] == "truncated"}
    assert {a.key for a in answers if a.status == "truncated"} == truncated_keys
    assert statuses.count("empty") == 0
    assert client.stats.errors["429"] >= 1 and client.stats.errors["timeout"] >= 1
    # every request was answered exactly once with a 200 that the client kept
    assert len({a.key for a in answers}) == 60
    assert client.stats.answered == 60


def test_journal_answers_without_sending(server: ServerProcess, tmp_path: Path) -> None:
    bodies = _bodies(10)
    run(_complete_all(LLMClient(ClientConfig(base_url=server.url), Journal(tmp_path / "j.jsonl")), bodies))
    assert len(server.log()) == 10
    client = LLMClient(ClientConfig(base_url=server.url), Journal(tmp_path / "j.jsonl"))
    again = run(_complete_all(client, bodies + _bodies(12)[10:]))
    assert [a.cached for a in again] == [True] * 10 + [False] * 2
    assert len(server.log()) == 12  # only the two new requests were sent
    assert {e["key"] for e in server.log()[10:]} == {request_key(b) for b in _bodies(12)[10:]}


def test_retry_after_is_honoured(server: ServerProcess) -> None:
    server.configure(faults={"429": 1.0}, retry_after=0.4)
    client = LLMClient(ClientConfig(base_url=server.url, backoff_base=0.001))
    t = time.monotonic()
    (a,) = run(_complete_all(client, _bodies(1)))
    assert a.status == "ok" and a.attempts == 2
    assert time.monotonic() - t >= 0.4  # the client waited what the server asked, not its own 1 ms backoff
    log = server.log()
    assert log[1]["t"] - log[0]["t"] >= 0.4


def test_non_retryable_and_exhausted_requests_fail_and_are_not_journalled(server: ServerProcess, tmp_path: Path) -> None:
    journal = Journal(tmp_path / "j.jsonl")
    bad = {"model": "m", "messages": "not a list"}
    server.configure(faults={"500": 1.0}, fault_attempts=100)
    client = LLMClient(ClientConfig(base_url=server.url, max_retries=2, backoff_base=0.001), journal)
    a, b = run(_complete_all(client, [bad, _bodies(1)[0]]))
    assert a.status == "failed" and "HTTP 400" in a.error and a.attempts == 1
    assert b.status == "failed" and b.attempts == 3 and "HTTP 500" in b.error
    assert len(journal) == 0


def test_empty_answers_are_retried_then_kept_as_empty(server: ServerProcess) -> None:
    server.configure(faults={"empty": 1.0}, fault_attempts=100)
    client = LLMClient(ClientConfig(base_url=server.url, empty_retries=2, backoff_base=0.001))
    (a,) = run(_complete_all(client, _bodies(1)))
    assert a.status == "empty" and a.attempts == 3
    assert len(server.log()) == 3


def test_concurrency_limit_is_respected(server: ServerProcess) -> None:
    server.configure(latency=0.05)
    client = LLMClient(ClientConfig(base_url=server.url, concurrency=4))
    run(_complete_all(client, _bodies(24)))
    times = sorted(e["t"] for e in server.log())
    # with 4 in flight and 50 ms each, no more than 4 requests can arrive within any 45 ms window
    assert max(sum(1 for u in times if t <= u < t + 0.045) for t in times) <= 4


def test_client_side_rate_limit_spaces_requests(server: ServerProcess) -> None:
    t = time.monotonic()
    client = LLMClient(ClientConfig(base_url=server.url, requests_per_minute=1200))  # 20/s, a burst of 20
    run(_complete_all(client, _bodies(30)))
    assert time.monotonic() - t >= 0.45  # the 10 beyond the burst needed half a second at 20/s
    assert len(server.log()) == 30
