"""Requests/s and client overhead per request of stepforge's OpenAI client against a loopback server.

The server (a separate process) answers every chat completion after a fixed latency; the clients keep a fixed
number of requests in flight. Side by side in one run: the plain ``openai.AsyncOpenAI`` client with its default
transport and with the aiohttp transport (each behind a semaphore, as generators built on it do), and stepforge's
``LLMClient`` (journal on, rate limiter off). Client CPU per request is process CPU time (the server runs in its
own process) divided by requests. Medians over repeats; the machine is shared, so read the ratios.

    PYTHONPATH=src python benchmarks/bench_llm_client.py [--requests 400] [--concurrency 64] [--latency 0.2]
"""

from __future__ import annotations

import argparse
import os
import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path

import openai

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from stepforge._testing.openai_server import ServerProcess  # noqa: E402
from stepforge.generators.llm.client import ClientConfig, LLMClient  # noqa: E402
from stepforge.generators.llm.journal import Journal  # noqa: E402


def _bodies(n: int, tag: str) -> list[dict]:
    return [
        {"model": "mock", "messages": [{"role": "user", "content": f"Problem: What is {i} * 7 + 3? ({tag})"}], "seed": i}
        for i in range(n)
    ]


async def _plain(url: str, bodies: list[dict], concurrency: int, aiohttp: bool) -> int:
    http = openai.DefaultAioHttpClient() if aiohttp else None
    client = openai.AsyncOpenAI(base_url=url, api_key="x", max_retries=0, http_client=http)
    sem = asyncio.Semaphore(concurrency)

    async def one(b: dict) -> int:
        async with sem:
            r = await client.chat.completions.create(**b)
            return len(r.choices)

    try:
        return sum(await asyncio.gather(*(one(b) for b in bodies)))
    finally:
        await client.close()


async def _stepforge(url: str, bodies: list[dict], concurrency: int, journal_path: Path) -> int:
    client = LLMClient(ClientConfig(base_url=url, concurrency=concurrency), Journal(journal_path, resume=False))
    try:
        answers = await asyncio.gather(*(client.complete(b) for b in bodies))
        return sum(1 for a in answers if a.status == "ok")
    finally:
        await client.aclose()
        client.journal.close()  # type: ignore[union-attr]


def _cpu_of(pid: int) -> float:
    """User + system CPU seconds of another process (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _measure(fn, n: int, server_pid: int) -> tuple[float, float, float]:  # noqa: ANN001
    s0 = _cpu_of(server_pid)
    t0, c0 = time.perf_counter(), time.process_time()
    done = asyncio.run(fn())
    wall, cpu = time.perf_counter() - t0, time.process_time() - c0
    assert done == n, f"only {done} of {n} requests answered"
    return n / wall, cpu / n * 1000, (_cpu_of(server_pid) - s0) / n * 1000


def main() -> int:
    p = argparse.ArgumentParser()
    p.add_argument("--requests", type=int, default=400)
    p.add_argument("--concurrency", type=int, default=64)
    p.add_argument("--latency", type=float, default=0.2)
    p.add_argument("--repeats", type=int, default=3)
    a = p.parse_args()
    ideal = a.concurrency / a.latency
    tmp = Path(tempfile.mkdtemp(prefix="bench-llm-"))
    results: dict[str, list[tuple[float, float, float]]] = {"openai default (httpx)": [], "openai + aiohttp": [], "stepforge": []}
    with ServerProcess({"latency": a.latency, "wrong_rate": 0.0}) as server:
        asyncio.run(_plain(server.url, _bodies(32, "warm"), 32, True))  # warm up the server
        for r in range(a.repeats):
            n = a.requests
            results["openai default (httpx)"].append(
                _measure(lambda: _plain(server.url, _bodies(n, f"h{r}"), a.concurrency, False), n, server.proc.pid)
            )
            results["openai + aiohttp"].append(
                _measure(lambda: _plain(server.url, _bodies(n, f"a{r}"), a.concurrency, True), n, server.proc.pid)
            )
            results["stepforge"].append(
                _measure(lambda: _stepforge(server.url, _bodies(n, f"s{r}"), a.concurrency, tmp / f"j{r}.jsonl"), n, server.proc.pid)
            )
    print(
        f"bench_llm_client: {a.requests} chat completions, {a.concurrency} in flight, server latency {a.latency:g} s "
        f"(ideal {ideal:.0f} req/s), median of {a.repeats}"
    )
    print(f"{'client':<26}{'requests/s':>12}{'% of ideal':>12}{'client CPU ms/req':>20}{'server CPU ms/req':>20}")
    med = {}
    for name, rows in results.items():
        rps = statistics.median(x for x, _, _ in rows)
        cpu = statistics.median(y for _, y, _ in rows)
        srv = statistics.median(z for _, _, z in rows)
        med[name] = (rps, cpu)
        print(f"{name:<26}{rps:>12.1f}{100 * rps / ideal:>11.0f}%{cpu:>20.2f}{srv:>20.2f}")
    s_rps, s_cpu = med["stepforge"]
    for peer in ("openai default (httpx)", "openai + aiohttp"):
        rps, cpu = med[peer]
        print(f"stepforge vs {peer}: {s_rps / rps:.2f}x requests/s, {cpu / s_cpu:.2f}x less client CPU per request")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
