"""The regression report: per-case outcomes, counts by category, latency, thread safety, baseline diff, formats."""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from typing import Any
from xml.sax.saxutils import escape, quoteattr

from pydantic import BaseModel, Field

from stepforge.regress.cases import Case

OUTCOMES = ("agree", "false_accept", "false_reject", "abstain", "wrong_step", "crash", "hang")


class CaseResult(BaseModel):
    id: str
    category: str
    domain: str
    expected: str
    got: str
    outcome: str
    seconds: float = 0.0
    value: Any = None
    first_error: int | None = None
    detail: str = ""


class Report(BaseModel):
    """What ``stepforge regress`` found; ``ok`` is the exit status's source of truth."""

    schema_version: str = "stepforge-regress/1"
    verifier: str
    suite: str
    suite_version: str
    versions: dict[str, str] = Field(default_factory=dict)
    timeout_s: float
    workers: int
    total: int
    counts: dict[str, int]
    agreement: float
    by_category: dict[str, dict[str, int]]
    latency_ms: dict[str, float]
    thread_safety: dict[str, Any]
    baseline: dict[str, Any] | None = None
    results: list[CaseResult]

    @property
    def disagreements(self) -> list[CaseResult]:
        return [r for r in self.results if r.outcome != "agree"]

    @property
    def ok(self) -> bool:
        if self.baseline is not None:
            return not self.baseline["new_disagreements"] and not self.baseline.get("thread_safety_regressed")
        return not self.disagreements and self.thread_safety.get("same", True)


def classify(case: Case, res: dict[str, Any]) -> CaseResult:
    """Expected vs got: agree, false_accept, false_reject, abstain, wrong_step (steps), crash, hang."""
    got = res.get("outcome", "crash")
    fe = res.get("first_error")
    expected = case.expected if case.domain != "steps" else f"first_error={case.first_error}"
    if got in ("crash", "hang"):
        outcome = got
    elif case.domain == "steps" and got != "abstain":
        want = case.first_error if case.first_error is not None else -1
        fe = -1 if fe is None else int(fe)
        if fe == want:
            outcome = "agree"
        elif want < 0:
            outcome = "false_reject"
        elif fe < 0 or fe > want:
            outcome = "false_accept"  # the error was missed (or found only later)
        else:
            outcome = "wrong_step"  # an error flagged before the real one
    elif got == "abstain":
        outcome = "agree" if case.expected == "no_accept" else "abstain"
    elif got == "accept":
        outcome = "agree" if case.expected == "accept" else "false_accept"
    else:
        outcome = "agree" if case.expected in ("reject", "no_accept") else "false_reject"
    value = res.get("value")
    if isinstance(value, str):
        value = value[:200]
    return CaseResult(id=case.id, category=case.category, domain=case.domain, expected=expected, got=got,
                      outcome=outcome, seconds=round(float(res.get("seconds", 0.0)), 6), value=value,
                      first_error=fe if case.domain == "steps" else None, detail=str(res.get("detail", ""))[:300])


def _pct(xs: list[float], q: float) -> float:
    if not xs:
        return 0.0
    s = sorted(xs)
    return s[min(len(s) - 1, max(0, int(round(q * (len(s) - 1)))))]


def build_report(verifier: str, suite: Any, results: list[CaseResult], *, timeout: float, workers: int,
                 thread_safety: dict[str, Any], versions: dict[str, str]) -> Report:
    counts = Counter(r.outcome for r in results)
    by_cat: dict[str, Counter[str]] = defaultdict(Counter)
    for r in results:
        by_cat[r.category]["total"] += 1
        by_cat[r.category][r.outcome] += 1
    ms = [r.seconds * 1000 for r in results if r.outcome != "hang"]
    latency = {"p50": _pct(ms, 0.5), "p90": _pct(ms, 0.9), "p99": _pct(ms, 0.99), "max": max(ms, default=0.0),
               "mean": sum(ms) / len(ms) if ms else 0.0}
    return Report(verifier=verifier, suite=suite.name, suite_version=suite.version, versions=versions,
                  timeout_s=timeout, workers=workers, total=len(results),
                  counts={k: counts.get(k, 0) for k in OUTCOMES},
                  agreement=round(counts.get("agree", 0) / len(results), 6) if results else 1.0,
                  by_category={c: {k: v.get(k, 0) for k in ("total", *OUTCOMES)} for c, v in sorted(by_cat.items())},
                  latency_ms={k: round(v, 3) for k, v in latency.items()}, thread_safety=thread_safety,
                  results=results)


def diff_baseline(report: Report, baseline: dict[str, Any]) -> dict[str, Any]:
    """Cases that agreed in the baseline and do not now (new disagreements), and the reverse (fixed)."""
    old = {r["id"]: r["outcome"] for r in baseline.get("results", [])}
    new_dis = [r.id for r in report.results if r.outcome != "agree" and old.get(r.id) == "agree"]
    fixed = [r.id for r in report.results if r.outcome == "agree" and r.id in old and old[r.id] != "agree"]
    return {"suite_version": baseline.get("suite_version"), "verifier": baseline.get("verifier"),
            "new_disagreements": new_dis, "fixed": fixed,
            "not_in_baseline": sum(1 for r in report.results if r.id not in old),
            "thread_safety_regressed": bool(baseline.get("thread_safety", {}).get("same", True)
                                            and not report.thread_safety.get("same", True))}


# -- formats ---------------------------------------------------------------------------------------------
_COLS = ("total", "agree", "false_accept", "false_reject", "abstain", "wrong_step", "crash", "hang")


def _rows(report: Report) -> list[list[str]]:
    rows = []
    for cat, c in report.by_category.items():
        rows.append([cat, *[str(c.get(k, 0)) for k in _COLS]])
    rows.append(["ALL", str(report.total), *[str(report.counts.get(k, 0)) for k in _COLS[1:]]])
    return rows


def _headline(report: Report) -> list[str]:
    ts = report.thread_safety
    if ts.get("skipped"):
        tline = "thread safety: not checked"
    elif ts.get("error"):
        tline = f"thread safety: FAILED ({ts['error']})"
    else:
        tline = (f"thread safety: {ts.get('threads')} threads, {ts.get('checked')} cases, "
                 + ("same verdicts" if ts.get("same") else f"{len(ts.get('differing', []))} verdicts differ"))
    lat = report.latency_ms
    lines = [f"verifier {report.verifier} on suite {report.suite} ({report.suite_version}): "
             f"{report.counts.get('agree', 0)}/{report.total} agree ({report.agreement:.1%})",
             f"latency ms: p50 {lat['p50']:.2f}  p90 {lat['p90']:.2f}  p99 {lat['p99']:.2f}  max {lat['max']:.2f}",
             tline]
    if report.baseline is not None:
        b = report.baseline
        lines.append(f"baseline: {len(b['new_disagreements'])} new disagreements, {len(b['fixed'])} fixed, "
                     f"{b['not_in_baseline']} cases not in the baseline")
    return lines


def _details(report: Report, limit: int = 40) -> list[CaseResult]:
    return report.disagreements[:limit]


def as_table(report: Report) -> str:
    head = ["category", *_COLS]
    rows = _rows(report)
    widths = [max(len(r[i]) for r in [head, *rows]) for i in range(len(head))]
    fmt = "  ".join(f"{{:<{w}}}" if i == 0 else f"{{:>{w}}}" for i, w in enumerate(widths))
    out = [*_headline(report), "", fmt.format(*head), fmt.format(*["-" * w for w in widths])]
    out += [fmt.format(*r) for r in rows]
    dis = _details(report)
    if dis:
        out += ["", f"disagreements (first {len(dis)} of {len(report.disagreements)}):"]
        out += [f"  {r.outcome:<12} {r.id}  expected {r.expected}, got {r.got}"
                + (f" ({r.detail[:80]})" if r.detail else "") for r in dis]
    if report.baseline and report.baseline["new_disagreements"]:
        out += ["", "new disagreements since the baseline:"] + [f"  {i}" for i in report.baseline["new_disagreements"][:100]]
    return "\n".join(out) + "\n"


def as_markdown(report: Report) -> str:
    out = [f"# Regression: `{report.verifier}` on `{report.suite}`", ""] + [f"- {ln}" for ln in _headline(report)]
    out += ["", "| category | " + " | ".join(_COLS) + " |", "|---" * (len(_COLS) + 1) + "|"]
    out += ["| " + " | ".join(r) + " |" for r in _rows(report)]
    dis = _details(report)
    if dis:
        out += ["", "## Disagreements", "", "| outcome | case | expected | got | detail |", "|---|---|---|---|---|"]
        out += [f"| {r.outcome} | `{r.id}` | {r.expected} | {r.got} | {r.detail[:80].replace('|', '/')} |" for r in dis]
    return "\n".join(out) + "\n"


def as_junit(report: Report) -> str:
    failures = sum(1 for r in report.results if r.outcome not in ("agree", "crash", "hang"))
    errors = sum(1 for r in report.results if r.outcome in ("crash", "hang"))
    out = ['<?xml version="1.0" encoding="UTF-8"?>',
           f'<testsuites name={quoteattr("stepforge regress")} tests="{report.total}" failures="{failures}" '
           f'errors="{errors}">',
           f'  <testsuite name={quoteattr(report.suite)} tests="{report.total}" failures="{failures}" '
           f'errors="{errors}">']
    for r in report.results:
        attrs = f'classname={quoteattr(r.category)} name={quoteattr(r.id)} time="{r.seconds:.6f}"'
        if r.outcome == "agree":
            out.append(f"    <testcase {attrs}/>")
            continue
        tag = "error" if r.outcome in ("crash", "hang") else "failure"
        msg = f"{r.outcome}: expected {r.expected}, got {r.got}"
        out.append(f"    <testcase {attrs}><{tag} message={quoteattr(msg)} type={quoteattr(r.outcome)}>"
                   f"{escape(r.detail)}</{tag}></testcase>")
    out += ["  </testsuite>", "</testsuites>"]
    return "\n".join(out) + "\n"


def render(report: Report, fmt: str) -> str:
    if fmt == "json":
        return report.model_dump_json(indent=1) + "\n"
    return {"table": as_table, "markdown": as_markdown, "junit": as_junit}[fmt](report)


def load_report(path: str) -> dict[str, Any]:
    from stepforge.errors import UserError

    try:
        with open(path, encoding="utf-8") as f:
            data = json.load(f)
    except OSError as exc:
        raise UserError(f"--baseline {path}: {exc.strerror}") from None
    except ValueError:
        raise UserError(f"--baseline {path}: not a JSON report") from None
    if not isinstance(data, dict) or data.get("schema_version") != "stepforge-regress/1" or "results" not in data:
        raise UserError(f"--baseline {path}: not a stepforge regress report (write one with --report)")
    return data
