"""The loopback server speaks the protocol the openai package expects, and its faults are what they claim."""

from __future__ import annotations

import io
import json
import time

import openai
import pytest

from stepforge._testing.openai_server import ServerProcess, find_expression, solve_steps


def test_solver_is_right_or_wrong_at_a_located_step() -> None:
    assert find_expression("What is 12 * 7 + 3? Think.") == "12 * 7 + 3"
    steps, ans = solve_steps("12 * 7 + 3")
    assert ans == "87" and steps == ["Compute $12 \\cdot 7 = 84$.", "Compute $84 + 3 = 87$."]
    steps, ans = solve_steps("12 * 7 + 3", wrong_at=0.0)
    assert ans == "88" and steps == ["Compute $12 \\cdot 7 = 85$.", "Compute $85 + 3 = 88$."]
    assert solve_steps("1 - 7 / 2") == (["Compute $7 \\div 2 = \\frac{7}{2}$.", "Compute $1 - \\frac{7}{2} = -\\frac{5}{2}$."], "-\\frac{5}{2}")


def test_chat_completion_through_the_openai_client(server: ServerProcess) -> None:
    server.configure(wrong_rate=0.0)
    c = openai.OpenAI(base_url=server.url, api_key="x", max_retries=0)
    r = c.chat.completions.create(
        model="mock", messages=[{"role": "user", "content": "Problem: What is (3 + 4) * 5?"}], n=2, seed=1
    )
    assert len(r.choices) == 2 and r.usage.total_tokens > 0
    text = r.choices[0].message.content
    assert text.startswith("Step 1: Compute $3 + 4 = 7$.") and text.endswith("\\boxed{35}.")
    assert [e["status"] for e in server.log()] == [200]


@pytest.mark.parametrize("kind,exc", [("429", openai.RateLimitError), ("500", openai.InternalServerError)])
def test_error_faults(server: ServerProcess, kind: str, exc: type) -> None:
    server.configure(faults={kind: 1.0}, retry_after=0.25)
    c = openai.OpenAI(base_url=server.url, api_key="x", max_retries=0)
    with pytest.raises(exc) as info:
        c.chat.completions.create(model="m", messages=[{"role": "user", "content": "Problem: 1 + 1"}])
    if kind == "429":
        assert info.value.response.headers["retry-after-ms"] == "250"
    # faults hit only the first attempt of a request: the same request then succeeds
    r = c.chat.completions.create(model="m", messages=[{"role": "user", "content": "Problem: 1 + 1"}])
    assert r.choices[0].message.content


def test_empty_truncated_and_max_tokens(server: ServerProcess) -> None:
    c = openai.OpenAI(base_url=server.url, api_key="x", max_retries=0)
    msgs = [{"role": "user", "content": "Problem: What is 1 + 2 * 3 - 4?"}]
    server.configure(faults={"empty": 1.0})
    assert c.chat.completions.create(model="m", messages=msgs).choices[0].message.content == ""
    server.configure(faults={"truncated": 1.0})
    ch = c.chat.completions.create(model="m", messages=msgs, seed=5).choices[0]
    assert ch.finish_reason == "length" and "boxed" not in ch.message.content
    server.configure(faults={})
    ch = c.chat.completions.create(model="m", messages=msgs, max_tokens=3).choices[0]
    assert ch.finish_reason == "length" and len(ch.message.content) <= 12


def test_slow_fault_times_the_client_out(server: ServerProcess) -> None:
    server.configure(faults={"slow": 1.0}, slow_seconds=2.0)
    c = openai.OpenAI(base_url=server.url, api_key="x", max_retries=0, timeout=0.3)
    t = time.monotonic()
    with pytest.raises(openai.APITimeoutError):
        c.chat.completions.create(model="m", messages=[{"role": "user", "content": "Problem: 2 + 2"}])
    assert time.monotonic() - t < 1.9


def test_files_and_batches(server: ServerProcess) -> None:
    server.configure(batch_delay=0.01)
    c = openai.OpenAI(base_url=server.url, api_key="x", max_retries=0)
    rows = [
        {"custom_id": f"r{i}", "method": "POST", "url": "/v1/chat/completions",
         "body": {"model": "m", "messages": [{"role": "user", "content": f"Problem: {i} + 1"}]}}
        for i in range(5)
    ]
    data = "".join(json.dumps(r) + "\n" for r in rows).encode()
    f = c.files.create(file=("in.jsonl", io.BytesIO(data)), purpose="batch")
    assert c.files.content(f.id).content == data
    b = c.batches.create(input_file_id=f.id, endpoint="/v1/chat/completions", completion_window="24h")
    for _ in range(200):
        b = c.batches.retrieve(b.id)
        if b.status in ("completed", "failed", "expired"):
            break
        time.sleep(0.02)
    assert b.status == "completed" and b.request_counts.completed == 5
    out = [json.loads(line) for line in c.files.content(b.output_file_id).text.splitlines()]
    assert sorted(r["custom_id"] for r in out) == [f"r{i}" for i in range(5)]


def test_invalid_batch_input_fails_the_batch(server: ServerProcess) -> None:
    server.configure(batch_delay=0.01, batch_max_requests=2)
    c = openai.OpenAI(base_url=server.url, api_key="x", max_retries=0)
    rows = [{"custom_id": "a", "method": "POST", "url": "/v1/chat/completions",
             "body": {"model": "m", "messages": []}}] * 3
    f = c.files.create(file=("in.jsonl", io.BytesIO("".join(json.dumps(r) + "\n" for r in rows).encode())), purpose="batch")
    b = c.batches.create(input_file_id=f.id, endpoint="/v1/chat/completions", completion_window="24h")
    for _ in range(200):
        b = c.batches.retrieve(b.id)
        if b.status not in ("validating", "in_progress", "finalizing"):
            break
        time.sleep(0.02)
    assert b.status == "failed"
    assert {e.code for e in b.errors.data} >= {"invalid_request"}


def test_bad_request_is_400(server: ServerProcess) -> None:
    c = openai.OpenAI(base_url=server.url, api_key="x", max_retries=0)
    with pytest.raises(openai.BadRequestError):
        c.chat.completions.create(model="m", messages="nope")  # type: ignore[arg-type]
