"""check_code / check_codes: run a candidate in the sandbox, decide the verdict in this process."""

from __future__ import annotations

import functools
import json
import platform
import re
import signal
import time
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from pydantic import BaseModel, Field

from stepforge.sandbox import Backend, Limits, RunReport, get_backend
from stepforge.verifiers.code.smell import smells
from stepforge.verifiers.code.task import CodeTask, IOTest
from stepforge.verifiers.code.values import BadValue, decode, equal

_VERIFIER = "stepforge.code/1"
_CTRL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\x9b]|\x1b\[[0-9;?]*[A-Za-z]?")


class Verdict(BaseModel):
    """The outcome of one candidate, with its evidence.

    ``status``: passed, failed (a test's output was wrong or it raised), error (did not load, broken
    report, infrastructure), timeout (the candidate's deadline or CPU limit, or a test over
    ``test_timeout_s`` with no wrong answer), memory, output_limit. ``guarantee`` is ``strict`` when only
    parent-compared io/property tests decided, ``cooperative`` when assert-style or pytest tests ran
    next to the candidate.
    """

    passed: bool
    status: str
    rule: str
    tests_passed: int = 0
    tests_total: int = 0
    visible_passed: int = 0
    visible_total: int = 0
    hidden_passed: int = 0
    hidden_total: int = 0
    property_passed: int = 0
    property_total: int = 0
    assert_passed: bool | None = None
    isolation: str
    backend: str
    guarantee: str = "strict"
    seconds: float = 0.0
    failures: list[dict[str, Any]] = Field(default_factory=list)
    output_bytes: int = 0
    output_head: str | None = None
    smells: list[str] = Field(default_factory=list)
    versions: dict[str, str] = Field(default_factory=dict)


@functools.lru_cache(maxsize=1)
def _cached_versions() -> tuple[tuple[str, str], ...]:
    from stepforge import __version__

    return (("stepforge", __version__), ("verifier", _VERIFIER), ("python", platform.python_version()))


def _versions() -> dict[str, str]:
    return dict(_cached_versions())


def _sanitize(text: str) -> str:
    """Drop control and ANSI escape sequences so candidate output cannot forge log lines."""
    return _CTRL.sub("", text)[:1024]


def _resolve(backend: str | Backend) -> Backend:
    return get_backend(backend) if isinstance(backend, str) else backend


def _prepare(task: CodeTask, source: str) -> tuple[dict[str, Any], Limits]:
    limits = Limits(wall_s=task.timeout_s, cpu_s=int(task.timeout_s) + 1, memory_mb=task.memory_mb)
    job = task.job()
    job["source"] = source
    if task.pytest_file is not None:
        job["mode"] = "pytest"
        job["test_file"] = task.pytest_file
        job["pytest_path"] = ["/opt/site"]
    return job, limits


def check_code(task: CodeTask, source: str, backend: str | Backend = "local") -> Verdict:
    """Run ``source`` (the whole candidate module) against ``task`` in the sandbox; never raises for
    anything the candidate does."""
    be = _resolve(backend)
    job, limits = _prepare(task, source)
    t0 = time.perf_counter()
    report = be.run(job, limits)
    verdict = judge(task, report, limits, source)
    verdict.seconds = time.perf_counter() - t0
    verdict.backend = be.name
    return verdict


def check_codes(
    items: Iterable[tuple[CodeTask, str]], workers: int | None = None, backend: str | Backend = "local"
) -> list[Verdict]:
    """``check_code`` over (task, source) pairs in parallel; verdicts in input order.

    On a backend with ``run_many`` (local) the jobs are queued on every slot's zygote ahead of time,
    so no slot waits on this process between candidates.
    """
    items = list(items)
    if not items:
        return []
    be = get_backend(backend, workers) if isinstance(backend, str) else backend
    run_many = getattr(be, "run_many", None)
    if run_many is not None:
        prepared = [_prepare(t, s) for t, s in items]
        reports = run_many(prepared)
        out = []
        for (task, source), (_, limits), report in zip(items, prepared, reports):
            verdict = judge(task, report, limits, source)
            verdict.seconds = report.seconds
            verdict.backend = be.name
            out.append(verdict)
        return out
    n = workers or getattr(be, "slots", None) or 2
    with ThreadPoolExecutor(max_workers=min(n, len(items))) as ex:
        return list(ex.map(lambda it: check_code(it[0], it[1], be), items))


def judge(task: CodeTask, report: RunReport, limits: Limits, source: str = "") -> Verdict:
    """Decide from the raw report. Exit codes and stdout never count; missing evidence fails."""
    tests = task.all_tests()
    cooperative = bool(task.test_code) or task.pytest_file is not None
    smelly = smells(source) if cooperative else []
    base: dict[str, Any] = {
        "smells": smelly,
        "isolation": report.isolation,
        "backend": "",
        "guarantee": "cooperative" if cooperative else "strict",
        "versions": _versions(),
        "output_bytes": report.out_size,
        "output_head": None if task.hidden_io_tests else _sanitize(report.out_head),
        "tests_total": len(tests) + (1 if task.test_code else 0),
        "visible_total": sum(1 for k, _ in tests if k == "visible"),
        "hidden_total": sum(1 for k, _ in tests if k == "hidden"),
        "property_total": sum(1 for k, _ in tests if k == "property"),
    }

    def bad(status: str, rule: str, **extra: Any) -> Verdict:
        return Verdict(passed=False, status=status, rule=rule, **base, **extra)

    if report.timeout:
        return bad("timeout", "wall_clock_deadline")
    if report.infra_error and not report.records:
        return bad("error", "infrastructure", failures=[{"error": report.infra_error}])
    records = []
    for line in report.records:
        try:
            rec = json.loads(line)
        except (ValueError, RecursionError, MemoryError):  # JSON bombs in the channel
            return bad("error", "garbled_report")
        if type(rec) is not dict or type(rec.get("k")) is not str:
            return bad("error", "garbled_report")
        records.append(rec)
    if report.channel_over:
        return bad("output_limit", "channel_cap")
    if report.signal == signal.SIGXFSZ or report.out_size >= limits.file_mb * 1024 * 1024:
        return bad("output_limit", "file_size_limit")
    if any(r["k"] == "x" and r.get("t") == "MemoryError" for r in records) or any(
        r["k"] == "a" and r.get("t") == "MemoryError" for r in records
    ):
        return bad("memory", "memory_limit")
    if report.oom and not any(r["k"] == "done" for r in records):
        return bad("memory", "memory_limit")
    if report.signal in (signal.SIGXCPU, signal.SIGKILL) and not any(r["k"] == "done" for r in records):
        return bad("timeout", "cpu_limit")
    loads = [r for r in records if r["k"] == "load"]
    if loads:
        return bad("error", "load_error", failures=[{"error": str(loads[0].get("t"))[:80]}])
    if task.pytest_file is not None:
        verdict = _judge_pytest(records, base)
        if verdict.passed and smelly:
            return bad("failed", "hack_smell", failures=[{"why": "cooperative tests and " + ", ".join(smelly[:5])}])
        return verdict
    results: dict[int, dict[str, Any]] = {}
    done = None
    asserts = []
    for r in records:
        k = r["k"]
        if k in ("r", "x"):
            i = r.get("i")
            if type(i) is not int or not 0 <= i < len(tests) or i in results:
                return bad("error", "inconsistent_report")
            results[i] = r
        elif k == "done":
            if done is not None:
                return bad("error", "inconsistent_report")
            done = r
        elif k == "a":
            asserts.append(r)
        else:
            return bad("error", "inconsistent_report")
    if done is None or done.get("n") != len(tests) or len(results) != len(tests):
        return bad("error", "incomplete_report")
    if task.test_code and (len(asserts) != 1 or type(asserts[0].get("ok")) is not bool):
        return bad("error", "incomplete_report")
    counts = {"visible": 0, "hidden": 0, "property": 0}
    failures: list[dict[str, Any]] = []
    for i, (kind, test) in enumerate(tests):
        ok, why = _one(results[i], test, task)
        if ok:
            counts[kind] += 1
        elif len(failures) < 5:
            fail: dict[str, Any] = {"test": i, "kind": kind, "why": why}
            if kind != "hidden":
                fail["args"] = repr(test.args)[:200]
            failures.append(fail)
    assert_ok = asserts[0]["ok"] if task.test_code else None
    if assert_ok is False and len(failures) < 5:
        failures.append({"kind": "assert", "why": str(asserts[0].get("t"))[:80]})
    passed_n = sum(counts.values()) + (1 if assert_ok else 0)
    passed = passed_n == base["tests_total"] and base["tests_total"] > 0
    # Every test that did not pass ran out of its own time limit: slow, not wrong.
    slow = sum(1 for r in results.values() if r["k"] == "x" and r.get("t") == "TestTimeout")
    timed_out = bool(slow) and not passed and passed_n + slow == base["tests_total"]
    if passed and smelly:
        return bad("failed", "hack_smell", tests_passed=passed_n,
                   failures=[{"why": "cooperative tests and " + ", ".join(smelly[:5])}])
    return Verdict(
        passed=passed,
        status="passed" if passed else "timeout" if timed_out else "failed",
        rule="all_tests_passed" if passed else "test_time_limit" if timed_out else "test_failed",
        tests_passed=passed_n,
        visible_passed=counts["visible"],
        hidden_passed=counts["hidden"],
        property_passed=counts["property"],
        assert_passed=assert_ok,
        failures=failures,
        **base,
    )


def _one(rec: dict[str, Any], test: IOTest, task: CodeTask) -> tuple[bool, str]:
    if rec["k"] == "x":
        if rec.get("t") == "TestTimeout":
            return False, f"exceeded the per-test time limit ({task.test_timeout_s:g} s)"
        return False, f"raised {str(rec.get('t'))[:80]}"
    try:
        got = decode(rec.get("v"))
    except (BadValue, RecursionError) as exc:
        return False, f"bad value: {exc}"
    if test.expect == "truthy":
        return bool(got), "" if got else "falsy result"
    if test.expect == "falsy":
        return not got, "" if not got else "truthy result"
    if equal(got, test.expected, tol=test.tol, numeric_types=task.numeric_types):
        return True, ""
    return False, "wrong output"


def _judge_pytest(records: list[dict[str, Any]], base: dict[str, Any]) -> Verdict:
    outcomes = [r for r in records if r["k"] == "p"]
    done = [r for r in records if r["k"] == "done"]
    if len(done) != 1 or done[0].get("n") != sum(1 for r in outcomes if r.get("id") != "collect"):
        return Verdict(passed=False, status="error", rule="incomplete_report", **base)
    total = len(outcomes)
    ok = sum(1 for r in outcomes if r.get("o") == "passed")
    passed = total > 0 and ok == total
    base = dict(base, tests_total=total)
    return Verdict(passed=passed, status="passed" if passed else "failed",
                   rule="all_tests_passed" if passed else "test_failed", tests_passed=ok, **base)
