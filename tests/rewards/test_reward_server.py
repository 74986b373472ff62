"""``stepforge serve reward``: OpenRLHF's HTTP reward call against a real server process."""

from __future__ import annotations

import asyncio
import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import aiohttp

SRC = str(Path(__file__).resolve().parents[2] / "src")


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _start(*args: str) -> tuple[subprocess.Popen, int]:
    port = _port()
    proc = subprocess.Popen([sys.executable, "-m", "stepforge", "serve", "reward", "--port", str(port), *args],
                            env={**os.environ, "PYTHONPATH": SRC}, stderr=subprocess.PIPE, text=True)
    for _ in range(300):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=1)
            return proc, port
        except OSError:
            time.sleep(0.1)
    proc.kill()
    raise AssertionError("server did not start: " + proc.stderr.read())


async def _openrlhf_post(url: str, data: dict) -> dict:
    """openrlhf/utils/agent.py _fetch_rewards_via_http's request (aiohttp, 180 s total, raise_for_status)."""
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=180)) as session:
        async with session.post(url, json=data) as response:
            response.raise_for_status()
            return await response.json()


def _post(port: int, body: bytes) -> tuple[int, dict]:
    req = urllib.request.Request(f"http://127.0.0.1:{port}/get_reward", data=body,
                                 headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            return r.status, json.loads(r.read())
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read())


def test_get_reward_answers_openrlhf_and_bounds_its_queue():
    proc, port = _start("--max-queue", "3")
    try:
        prompt = "Q: 2+2? Example: \\boxed{5}\nA:"
        out = asyncio.run(_openrlhf_post(f"http://127.0.0.1:{port}/get_reward", {
            "query": [prompt + " $\\boxed{4}$", prompt + " \\boxed{5}", prompt + " no idea"],
            "prompts": [prompt] * 3, "labels": ["4", "4", "4"]}))
        assert out["rewards"] == [1.0, 0.0, 0.0] and out["scores"] == out["rewards"]
        assert out["extra_logs"]["stepforge_unscored"] == [0.0, 0.0, 0.0] and out["reasons"][0] == "equal"
        code, body = _post(port, json.dumps({"query": ["a"] * 4, "prompts": [""] * 4, "labels": ["1"] * 4}).encode())
        assert code == 503 and "queue full" in body["error"]
        code, body = _post(port, b"{not json")
        assert code == 400
        code, body = _post(port, json.dumps({"query": ["a"], "labels": []}).encode())
        assert code == 400 and "labels" in body["error"]
        health = json.loads(urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=5).read())
        assert health["served"] == 3 and health["rejected"] == 4 and health["queued"] == 0
    finally:
        proc.terminate()
        proc.wait(10)
