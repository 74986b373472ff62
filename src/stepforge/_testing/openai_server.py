"""A loopback server speaking the OpenAI protocol (chat completions, files, batches) for tests and benchmarks.

It plays a model: arithmetic problems are solved step by step (correctly, or wrongly at one step, chosen by a
hash of the request), code problems are answered from an oracle of HumanEval rows, synthesis prompts get
problem variants. With ``policy`` set it is also a policy that continues prefixes (vLLM's
``continue_final_message``) and a critic (ProcessBench's protocol) with known ground truth: see ``policy_model``. Faults (429 with Retry-After, 500, slow, empty, truncated) are injected deterministically by
request hash and attempt number, so two runs against fresh servers see the same answers. Every request is
logged (``GET /_admin/log``) so tests can prove what was sent. Run: ``python -m stepforge._testing.openai_server``.
"""

from __future__ import annotations

import argparse
import ast
import asyncio
import hashlib
import json
import os
import re
import select
import socket
import subprocess
import sys
import time
import urllib.request
from collections import defaultdict
from fractions import Fraction
from pathlib import Path
from typing import Any

from stepforge._testing import policy_model

DEFAULT_CONFIG: dict[str, Any] = {
    "latency": 0.0,  # seconds before each chat completion is answered
    "wrong_rate": 0.3,  # fraction of samples answered wrongly (by hash of messages, seed and choice index)
    "faults": {},  # kind -> probability; kinds: "429", "500", "slow", "empty", "truncated"
    "fault_attempts": 1,  # faults hit only the first N attempts of a request, so runs converge
    "retry_after": 0.05,  # seconds announced on 429
    "slow_seconds": 3.0,
    "style": "numbered",  # numbered | paragraphs
    "batch_delay": 0.05,  # seconds a batch stays in each state
    "batch_fail_rate": 0.0,  # per request inside a batch, first batch attempt only: a 500 in the error file
    "batch_expire_rate": 0.0,  # per request, first batch attempt only: left unprocessed, batch ends expired
    "batch_max_requests": 50_000,
    "batch_max_bytes": 200 * 1024 * 1024,
    "oracle_math": {},  # problem text -> answer, or {"steps": [...], "wrong_steps": [...]} to recite
    "oracle_code": {},  # entry point -> HumanEval row (prompt, canonical_solution, test)
    "canned": {},  # problem text -> [answer texts]: each sample is one of them (picked by hash of seed and choice)
    "weak_test_rate": 0.0,  # code synthesis: share of proposals whose tests check nothing
    # the policy-and-critic model with known ground truth (``policy_model``): {"q", "r", "a", "unreadable",
    # "reasoning", "seed"}; None: off
    "policy": None,
    "oracle_plans": {},  # code task prompt -> {"plan": [...], "code": "...", "bugs": [{"step", "plan", "code"}]}
    "served_models": None,  # model names served (as vLLM: any other is a 404); None: every name
}


def body_key(body: Any) -> str:
    """The same canonical hash the client journal uses: sha256 of sorted-key compact JSON."""
    text = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()


def _u(*parts: Any) -> float:
    """A deterministic uniform number in [0, 1) from the parts."""
    h = hashlib.sha256(repr(parts).encode()).hexdigest()
    return int(h[:13], 16) / 16**13


# ---------------------------------------------------------------- the "model"

_OPS = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/"}
_EXPR = re.compile(r"[-+*/()\d\s.]+")


def _fmt(x: Fraction) -> str:
    return str(x.numerator) if x.denominator == 1 else f"{x.numerator}/{x.denominator}"


_OPS_TEX = {ast.Add: "+", ast.Sub: "-", ast.Mult: "\\cdot", ast.Div: "\\div"}


def _tex(x: Fraction, operand: bool = False) -> str:
    """LaTeX for an exact value; negative operands in parentheses."""
    t = str(x.numerator) if x.denominator == 1 else f"\\frac{{{abs(x.numerator)}}}{{{x.denominator}}}"
    if x.denominator != 1 and x < 0:
        t = "-" + t
    return f"\\left({t}\\right)" if operand and x < 0 else t


def find_expression(text: str) -> str | None:
    """The longest arithmetic expression in ``text`` (digits, + - * /, parentheses)."""
    best = None
    for m in _EXPR.finditer(text):
        cand = m.group(0).strip().rstrip(".").strip()
        if re.search(r"\d", cand) and re.search(r"\d\s*[-+*/]\s*[\d(]", cand):
            try:
                ast.parse(cand, mode="eval")
            except SyntaxError:
                continue
            if best is None or len(cand) > len(best):
                best = cand
    return best


def solve_steps(expr: str, wrong_at: float | None = None) -> tuple[list[str], str] | None:
    """Evaluate ``expr`` one operation per step; with ``wrong_at`` in [0, 1) one step's result is off by one.
    Returns the steps (claims in ``$...$``) and the final value in LaTeX."""
    solved = solve(expr, wrong_at)
    return (solved[0], _tex(solved[1])) if solved else None


def worked_solution(problem: str) -> str | None:
    """A reference solution for an arithmetic problem, one operation per sentence (as a MATH or GSM8K row's worked
    solution gives it): the keep rule compares a right answer's steps with it."""
    expr = find_expression(problem)
    solved = solve_steps(expr) if expr else None
    return " ".join(solved[0]) + f" The answer is {solved[1]}." if solved else None


def solve(expr: str, wrong_at: float | None = None) -> tuple[list[str], Fraction] | None:
    """``solve_steps`` with the final value as a Fraction."""
    try:
        tree = ast.parse(expr, mode="eval").body
    except SyntaxError:
        return None
    ops: list[ast.AST] = []

    def collect(node: ast.AST) -> None:
        if isinstance(node, ast.BinOp):
            collect(node.left)
            collect(node.right)
            ops.append(node)
        elif isinstance(node, ast.UnaryOp):
            collect(node.operand)

    collect(tree)
    if not ops:
        return None
    bad = int(wrong_at * len(ops)) if wrong_at is not None else -1
    steps: list[str] = []
    values: dict[int, Fraction] = {}

    def ev(node: ast.AST) -> Fraction:
        if isinstance(node, ast.Constant) and isinstance(node.value, (int, float)):
            return Fraction(str(node.value))
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
            return -ev(node.operand)
        if isinstance(node, ast.BinOp) and type(node.op) in _OPS:
            a, b = ev(node.left), ev(node.right)
            op = type(node.op)
            if op is ast.Add:
                c = a + b
            elif op is ast.Sub:
                c = a - b
            elif op is ast.Mult:
                c = a * b
            else:
                if b == 0:
                    raise ZeroDivisionError
                c = a / b
            if len(steps) == bad:
                c = c + 1
            steps.append(f"Compute ${_tex(a, True)} {_OPS_TEX[op]} {_tex(b, True)} = {_tex(c)}$.")
            values[id(node)] = c
            return c
        raise ValueError("unsupported")

    try:
        result = ev(tree)
    except (ValueError, ZeroDivisionError):
        return None
    return steps, result


def _format_solution(steps: list[str], answer: str, style: str) -> str:
    final = f"The final answer is \\boxed{{{answer}}}."
    if style == "paragraphs":
        return "\n\n".join([*steps, final])
    return "\n".join(f"Step {i + 1}: {s}" for i, s in enumerate([*steps, final]))


def _last_user_text(messages: list[dict[str, Any]]) -> str:
    for m in reversed(messages):
        if m.get("role") == "user":
            c = m.get("content")
            if isinstance(c, list):
                return "".join(p.get("text", "") for p in c if isinstance(p, dict))
            return str(c or "")
    return ""


def _after(text: str, marker: str) -> str:
    return text.rsplit(marker, 1)[1].strip()


def answer(messages: list[dict[str, Any]], salt: tuple[Any, ...], cfg: dict[str, Any]) -> str:
    """What the pretend model says to a conversation; ``salt`` (seed, choice index) picks right or wrong."""
    text = _last_user_text(messages)
    conv = body_key(messages)
    wrong = _u(conv, salt, "wrong") < float(cfg["wrong_rate"])
    where = _u(conv, salt, "where")
    if "Seed problem:" in text:
        seed = _after(text, "Seed problem:")
        expr = find_expression(seed)
        if not expr:
            return "I cannot vary this problem."
        m, a = 2 + int(_u(conv, salt, "m") * 5), 1 + int(_u(conv, salt, "a") * 7)
        variant = f"({expr}) * {m} + {a}"
        solved = solve(variant)
        if not solved:
            return "I cannot vary this problem."
        stated = _fmt(solved[1] + (1 if wrong else 0))
        return f"Problem: What is {variant}?\nAnswer: {stated}"
    if "Seed function:" in text:
        seed_text = _after(text, "Seed function:")
        names = [n for n in re.findall(r"def\s+(\w+)\s*\(", seed_text) if n in cfg["oracle_code"]]
        if not names:
            return "I cannot vary this function."
        row = cfg["oracle_code"][names[0]]
        new = f"{names[0]}_v{1 + int(_u(conv, salt, 'v') * 9)}"
        prompt = re.sub(rf"\b{names[0]}\b", new, row["prompt"])
        body = "    return None\n" if wrong else re.sub(rf"\b{names[0]}\b", new, row["canonical_solution"])
        weak = _u(conv, salt, "weak") < float(cfg.get("weak_test_rate", 0.0))
        tests = row["test"]
        if weak:  # only the first assertion: real tests, too few to tell mutants apart
            lines = tests.splitlines()
            head = [ln for ln in lines if not ln.strip().startswith("assert")]
            first = next((ln for ln in lines if ln.strip().startswith("assert") and "candidate" in ln), "")
            tests = "\n".join(head[: next((i for i, ln in enumerate(head) if "def check" in ln), 0) + 1] + [first])
        return (
            f"Entry point: {new}\nPrompt:\n```python\n{prompt}```\nSolution:\n```python\n{prompt}{body}```\n"
            f"Tests:\n```python\n{tests}\n```"
        )
    if "Target answer:" in text:
        target = _after(text, "Target answer:").splitlines()[0].strip()
        try:
            t = Fraction(target)
        except ValueError:
            return "I cannot write a problem for this answer."
        b = 1 + int(_u(conv, salt, "b") * 9)
        problem = f"What is {_fmt(t - b)} + {b + (1 if wrong else 0)}?"
        return f"Problem: {problem}\nAnswer: {target}"
    for name in re.findall(r"def\s+(\w+)\s*\(", text):
        row = cfg["oracle_code"].get(name)
        if row:
            body = row["canonical_solution"] if not wrong else "    return None\n"
            plan = [
                f"Read the specification of `{name}` and its examples.",
                "Decide on a direct implementation that handles the edge cases.",
                "Write the function.",
            ]
            steps = "\n".join(f"Step {i + 1}: {s}" for i, s in enumerate(plan))
            return f"{steps}\n```python\n{row['prompt']}{body}```"
    problem = _after(text, "Problem:") if "Problem:" in text else text.strip()
    canned = cfg.get("canned", {}).get(problem)
    if canned:
        return str(canned[int(_u(conv, salt, "pick") * len(canned)) % len(canned)])
    style = cfg["style"]
    gold = cfg["oracle_math"].get(problem)
    if isinstance(gold, dict):  # {"steps": [...], "wrong_steps"?: [...]}: worked solutions to recite
        steps = gold["wrong_steps"] if wrong and gold.get("wrong_steps") else gold["steps"]
        if style == "paragraphs":
            return "\n\n".join(steps)
        return "\n".join(f"Step {i + 1}: {s}" for i, s in enumerate(steps))
    if gold is not None:
        ans = str(gold) if not wrong else f"{gold} + 1"
        return _format_solution([f"Work through the problem: {problem}"], ans, style)
    expr = find_expression(problem)
    solved = solve_steps(expr, where if wrong else None) if expr else None
    if not solved:
        return "I am not able to solve this problem."
    return _format_solution(*solved, style=style)


def _tokens(text: str) -> int:
    return max(1, len(text) // 4) if text else 0


def completion(body: dict[str, Any], fault: str | None, cfg: dict[str, Any]) -> dict[str, Any]:
    """A chat.completion object for ``body``; ``fault`` may make it empty or truncated."""
    messages = body.get("messages") or []
    n = int(body.get("n") or 1)
    max_tokens = body.get("max_completion_tokens") or body.get("max_tokens")
    prompt_tokens = sum(_tokens(str(m.get("content", ""))) for m in messages)
    choices, out_tokens = [], 0
    for i in range(n):
        content = policy_model.answer(body, i, cfg) if cfg.get("policy") is not None else None
        if content is None:
            content = answer(messages, (body.get("seed"), body.get("temperature"), i), cfg)
        finish = "stop"
        if fault == "empty":
            content = ""
        elif fault == "truncated":
            content, finish = content[: len(content) // 2], "length"
        if max_tokens is not None and _tokens(content) > int(max_tokens):
            content, finish = content[: int(max_tokens) * 4], "length"
        out_tokens += _tokens(content)
        choices.append(
            {"index": i, "message": {"role": "assistant", "content": content}, "finish_reason": finish, "logprobs": None}
        )
    return {
        "id": "chatcmpl-" + body_key([body, time.time_ns()])[:24],
        "object": "chat.completion",
        "created": int(time.time()),
        "model": body.get("model", ""),
        "choices": choices,
        "usage": {
            "prompt_tokens": prompt_tokens,
            "completion_tokens": out_tokens,
            "total_tokens": prompt_tokens + out_tokens,
        },
    }


# ---------------------------------------------------------------- the HTTP app


class _State:
    def __init__(self, config: dict[str, Any]) -> None:
        self.config = {**DEFAULT_CONFIG, **config}
        self.attempts: dict[str, int] = defaultdict(int)
        self.log: list[dict[str, Any]] = []
        self.files: dict[str, dict[str, Any]] = {}
        self.batches: dict[str, dict[str, Any]] = {}
        self.counter = 0

    def new_id(self, prefix: str) -> str:
        self.counter += 1
        return f"{prefix}-{self.counter:06d}"

    def pick_fault(self, key: str, attempt: int) -> str | None:
        if attempt >= int(self.config["fault_attempts"]):
            return None
        r = _u(key, attempt, "fault")
        acc = 0.0
        for kind in ("429", "500", "slow", "empty", "truncated"):
            acc += float(self.config["faults"].get(kind, 0.0))
            if r < acc:
                return kind
        return None


def _error(status: int, message: str, kind: str = "invalid_request_error", headers: dict[str, str] | None = None):
    from aiohttp import web

    body = {"error": {"message": message, "type": kind, "param": None, "code": None}}
    return web.json_response(body, status=status, headers=headers)


def make_app(config: dict[str, Any] | None = None):  # noqa: C901 - one closure per endpoint reads best here
    from aiohttp import web

    state = _State(config or {})

    async def chat(request: web.Request) -> web.Response:
        try:
            body = await request.json()
        except (ValueError, UnicodeDecodeError):
            return _error(400, "body is not JSON")
        if not isinstance(body, dict) or not body.get("model") or not isinstance(body.get("messages"), list):
            return _error(400, "model and messages are required")
        cfg = state.config
        served = cfg.get("served_models")
        if served and body["model"] not in served:  # vLLM's answer to a model name it does not serve
            return _error(404, f"The model `{body['model']}` does not exist.", "NotFoundError")
        key = body_key(body)
        attempt = state.attempts[key]
        state.attempts[key] += 1
        fault = state.pick_fault(key, attempt)
        entry = {"key": key, "attempt": attempt, "fault": fault, "via": "chat", "t": time.time(), "status": 200}
        state.log.append(entry)
        if fault == "429":
            entry["status"] = 429
            ra = float(cfg["retry_after"])
            headers = {"retry-after-ms": str(int(ra * 1000)), "retry-after": str(max(1, round(ra)))}
            return _error(429, "Rate limit reached (injected)", "rate_limit_error", headers)
        if fault == "500":
            entry["status"] = 500
            return _error(500, "The server had an error (injected)", "server_error")
        if fault == "slow":
            await asyncio.sleep(float(cfg["slow_seconds"]))
        if cfg["latency"]:
            await asyncio.sleep(float(cfg["latency"]))
        return web.json_response(completion(body, fault, cfg))

    async def upload(request: web.Request) -> web.Response:
        form = await request.post()
        f = form.get("file")
        purpose = str(form.get("purpose") or "")
        if f is None or not hasattr(f, "file"):
            return _error(400, "file is required")
        data = f.file.read()
        fid = state.new_id("file")
        state.files[fid] = {
            "meta": {
                "id": fid,
                "object": "file",
                "bytes": len(data),
                "created_at": int(time.time()),
                "filename": getattr(f, "filename", "upload.jsonl") or "upload.jsonl",
                "purpose": purpose or "batch",
                "status": "processed",
            },
            "data": data,
        }
        return web.json_response(state.files[fid]["meta"])

    async def file_meta(request: web.Request) -> web.Response:
        f = state.files.get(request.match_info["fid"])
        return web.json_response(f["meta"]) if f else _error(404, "no such file")

    async def file_content(request: web.Request) -> web.Response:
        f = state.files.get(request.match_info["fid"])
        if not f:
            return _error(404, "no such file")
        return web.Response(body=f["data"], content_type="application/octet-stream")

    def batch_json(b: dict[str, Any]) -> dict[str, Any]:
        return {k: v for k, v in b.items() if not k.startswith("_")}

    def store_file(lines: list[str], name: str) -> str:
        data = "".join(line + "\n" for line in lines).encode()
        fid = state.new_id("file")
        meta = {
            "id": fid,
            "object": "file",
            "bytes": len(data),
            "created_at": int(time.time()),
            "filename": name,
            "purpose": "batch_output",
            "status": "processed",
        }
        state.files[fid] = {"meta": meta, "data": data}
        return fid

    async def run_batch(b: dict[str, Any]) -> None:
        cfg = state.config
        delay = float(cfg["batch_delay"])
        await asyncio.sleep(delay)
        raw = state.files[b["input_file_id"]]["data"]
        errors: list[dict[str, Any]] = []
        rows: list[dict[str, Any]] = []
        if len(raw) > int(cfg["batch_max_bytes"]):
            errors.append({"code": "file_too_large", "message": f"input file is {len(raw)} bytes", "line": None})
        seen: set[str] = set()
        models: set[str] = set()
        for i, line in enumerate(raw.decode().splitlines()):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
                cid = row["custom_id"]
                if row.get("url") != b["endpoint"] or row.get("method") != "POST":
                    raise ValueError("url/method does not match the batch endpoint")
                if cid in seen:
                    raise ValueError(f"duplicate custom_id {cid}")
                seen.add(cid)
                models.add(row["body"]["model"])
                rows.append(row)
            except (ValueError, KeyError, TypeError) as exc:
                errors.append({"code": "invalid_request", "message": str(exc), "line": i + 1})
        if len(rows) > int(cfg["batch_max_requests"]):
            errors.append({"code": "too_many_requests", "message": f"{len(rows)} requests", "line": None})
        if len(models) > 1:
            errors.append({"code": "mixed_models", "message": "one model per batch", "line": None})
        if errors:
            b.update(status="failed", failed_at=int(time.time()), errors={"object": "list", "data": errors})
            return
        b.update(status="in_progress", in_progress_at=int(time.time()))
        b["request_counts"]["total"] = len(rows)
        await asyncio.sleep(delay)
        out, err = [], []
        expired = False
        for row in rows:
            key = body_key(row["body"])
            battempt = state.attempts["batch:" + key]
            state.attempts["batch:" + key] += 1
            entry = {"key": key, "attempt": battempt, "fault": None, "via": "batch", "t": time.time(), "status": 200}
            first = battempt == 0
            rid = state.new_id("batch_req")
            if first and _u(key, "expire") < float(cfg["batch_expire_rate"]):
                expired = True
                entry.update(fault="expired", status=None)
                state.log.append(entry)
                err.append(
                    {
                        "id": rid,
                        "custom_id": row["custom_id"],
                        "response": None,
                        "error": {"code": "batch_expired", "message": "not processed before the batch expired"},
                    }
                )
                continue
            if first and _u(key, "bfail") < float(cfg["batch_fail_rate"]):
                entry.update(fault="500", status=500)
                state.log.append(entry)
                err.append(
                    {
                        "id": rid,
                        "custom_id": row["custom_id"],
                        "response": {
                            "status_code": 500,
                            "request_id": rid,
                            "body": {"error": {"message": "server error (injected)", "type": "server_error"}},
                        },
                        "error": None,
                    }
                )
                continue
            state.log.append(entry)
            resp = completion(row["body"], None, cfg)
            out.append(
                {
                    "id": rid,
                    "custom_id": row["custom_id"],
                    "response": {"status_code": 200, "request_id": rid, "body": resp},
                    "error": None,
                }
            )
        out.sort(key=lambda r: _u(r["custom_id"], "order"))  # results come back in any order
        b["request_counts"].update(completed=len(out), failed=len(err))
        b.update(status="finalizing", finalizing_at=int(time.time()))
        await asyncio.sleep(delay)
        b["output_file_id"] = store_file([json.dumps(r) for r in out], "output.jsonl") if out else None
        b["error_file_id"] = store_file([json.dumps(r) for r in err], "errors.jsonl") if err else None
        if expired:
            b.update(status="expired", expired_at=int(time.time()))
        else:
            b.update(status="completed", completed_at=int(time.time()))

    async def create_batch(request: web.Request) -> web.Response:
        try:
            body = await request.json()
        except ValueError:
            return _error(400, "body is not JSON")
        fid = body.get("input_file_id")
        if fid not in state.files:
            return _error(400, f"no such file {fid}")
        if body.get("completion_window") != "24h":
            return _error(400, "completion_window must be 24h")
        bid = state.new_id("batch")
        b = {
            "id": bid,
            "object": "batch",
            "endpoint": body.get("endpoint", "/v1/chat/completions"),
            "input_file_id": fid,
            "completion_window": "24h",
            "status": "validating",
            "created_at": int(time.time()),
            "expires_at": int(time.time()) + 86400,
            "metadata": body.get("metadata"),
            "request_counts": {"total": 0, "completed": 0, "failed": 0},
            "output_file_id": None,
            "error_file_id": None,
            "errors": None,
        }
        state.batches[bid] = b
        b["_task"] = asyncio.ensure_future(run_batch(b))
        return web.json_response(batch_json(b))

    async def get_batch(request: web.Request) -> web.Response:
        b = state.batches.get(request.match_info["bid"])
        return web.json_response(batch_json(b)) if b else _error(404, "no such batch")

    async def cancel_batch(request: web.Request) -> web.Response:
        b = state.batches.get(request.match_info["bid"])
        if not b:
            return _error(404, "no such batch")
        if b["status"] in ("validating", "in_progress"):
            b["_task"].cancel()
            b.update(status="cancelled", cancelled_at=int(time.time()))
        return web.json_response(batch_json(b))

    async def admin_config(request: web.Request) -> web.Response:
        state.config.update(await request.json())
        return web.json_response({k: v for k, v in state.config.items() if not k.startswith("oracle")})

    async def admin_reset(request: web.Request) -> web.Response:
        cfg = await request.json() if request.can_read_body else {}
        state.__init__({**(cfg or {})})  # type: ignore[misc]
        return web.json_response({"ok": True})

    async def admin_log(request: web.Request) -> web.Response:
        return web.json_response(state.log)

    async def models(request: web.Request) -> web.Response:
        names = state.config.get("served_models") or ["mock"]
        return web.json_response({"object": "list", "data": [{"id": n, "object": "model", "owned_by": "stepforge"}
                                                             for n in names]})

    app = web.Application(client_max_size=512 * 1024 * 1024)
    app.router.add_post("/v1/chat/completions", chat)
    app.router.add_post("/v1/files", upload)
    app.router.add_get("/v1/files/{fid}", file_meta)
    app.router.add_get("/v1/files/{fid}/content", file_content)
    app.router.add_post("/v1/batches", create_batch)
    app.router.add_get("/v1/batches/{bid}", get_batch)
    app.router.add_post("/v1/batches/{bid}/cancel", cancel_batch)
    app.router.add_get("/v1/models", models)
    app.router.add_post("/_admin/config", admin_config)
    app.router.add_post("/_admin/reset", admin_reset)
    app.router.add_get("/_admin/log", admin_log)
    return app


async def _serve(host: str, port: int, config: dict[str, Any]) -> None:
    from aiohttp import web

    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    runner = web.AppRunner(make_app(config), access_log=None, handle_signals=True)
    await runner.setup()
    await web.SockSite(runner, sock, backlog=1024).start()
    print(f"listening {sock.getsockname()[1]}", flush=True)
    await asyncio.Event().wait()


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m stepforge._testing.openai_server")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=0)
    p.add_argument("--config", default="{}", help="JSON object overriding DEFAULT_CONFIG")
    a = p.parse_args(argv)
    try:
        asyncio.run(_serve(a.host, a.port, json.loads(a.config)))
    except KeyboardInterrupt:
        pass
    return 0


class ServerProcess:
    """The server in a child process on 127.0.0.1 (a free port); ``url`` is the OpenAI ``base_url``."""

    def __init__(self, config: dict[str, Any] | None = None, startup_timeout: float = 30.0) -> None:
        src = str(Path(__file__).resolve().parents[2])
        env = {**os.environ, "PYTHONPATH": src + os.pathsep + os.environ.get("PYTHONPATH", "")}
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "stepforge._testing.openai_server", "--config", json.dumps(config or {})],
            stdout=subprocess.PIPE,
            env=env,
        )
        assert self.proc.stdout is not None
        ready, _, _ = select.select([self.proc.stdout], [], [], startup_timeout)
        line = self.proc.stdout.readline().decode() if ready else ""
        if not line.startswith("listening "):
            self.stop()
            raise RuntimeError(f"openai test server did not start: {line!r}")
        self.port = int(line.split()[1])
        self.root = f"http://127.0.0.1:{self.port}"
        self.url = self.root + "/v1"

    def _post(self, path: str, payload: Any) -> Any:
        req = urllib.request.Request(
            self.root + path, data=json.dumps(payload).encode(), headers={"Content-Type": "application/json"}
        )
        with urllib.request.urlopen(req, timeout=30) as r:
            return json.loads(r.read())

    def configure(self, **config: Any) -> Any:
        return self._post("/_admin/config", config)

    def reset(self, **config: Any) -> Any:
        return self._post("/_admin/reset", config)

    def log(self) -> list[dict[str, Any]]:
        with urllib.request.urlopen(self.root + "/_admin/log", timeout=30) as r:
            return json.loads(r.read())

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(10)
        if self.proc.stdout:
            self.proc.stdout.close()

    def __enter__(self) -> ServerProcess:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


if __name__ == "__main__":
    raise SystemExit(main())
