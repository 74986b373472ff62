"""The user's own suite: a stepforge run folder (its ``traces.jsonl``) or a JSONL file of cases with expectations.

JSONL rows are either full cases (``id``, ``domain``, ``category``, ``expected``, ...) or short math rows
``{"gold", "pred", "expected"}`` where ``expected`` is ``equal``/``not_equal``/``unparseable``, ``accept``/``reject``
or a boolean (optional ``id``, ``category``, ``policy``). A stepforge trace gives a math or code case (its
outcome is the expectation) and, when its steps are labelled, a step case (its first error).
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from stepforge.errors import UserError
from stepforge.regress.cases import Case, Suite
from stepforge.schema import json_from_wire

_EXPECT = {"equal": "accept", "not_equal": "reject", "unparseable": "no_accept", "accept": "accept",
           "reject": "reject", "no_accept": "no_accept", True: "accept", False: "reject", "pass": "accept",
           "fail": "reject"}


def _from_trace(t: dict[str, Any], where: str) -> list[Case]:
    task, outcome = t.get("task") or {}, t.get("outcome") or {}
    ref = task.get("reference") or {}
    out: list[Case] = []
    family = (task.get("metadata") or {}).get("family") or t.get("domain", "trace")
    if outcome.get("correct") is not None:
        expected = "accept" if outcome["correct"] else "reject"
        if t.get("domain") == "code" and ref.get("entry_point"):
            from stepforge.regress.suites.code import check_source

            tests = (ref.get("tests") or []) + (ref.get("hidden_tests") or [])
            test = ref.get("test_code") or check_source(ref["entry_point"], tests)
            gold = {"task_id": task.get("task_id", t["id"]), "prompt": task.get("prompt", ""),
                    "entry_point": ref["entry_point"], "test": test}
            out.append(Case(id=f"{t['id']}/outcome", domain="code", category=f"{family}:outcome", expected=expected,
                            gold=gold, pred=t.get("final_answer") or "", prompt=task.get("prompt", "")))
        elif ref.get("answer") is not None:
            pred = (t.get("generation") or {}).get("raw_response") or t.get("final_answer") or ""
            out.append(Case(id=f"{t['id']}/outcome", domain="math", category=f"{family}:outcome", expected=expected,
                            gold=str(ref["answer"]), pred=pred, prompt=task.get("prompt", "")))
    steps = t.get("steps") or []
    if steps and t.get("domain") == "math" and t.get("first_error_index") is not None:
        meta = task.get("metadata") or {}
        first = int(t["first_error_index"])
        texts = [s["text"] for s in steps]
        out.append(Case(id=f"{t['id']}/steps", domain="steps", category=f"{family}:{'correct' if first < 0 else 'error'}",
                        expected="accept" if first < 0 else "reject", first_error=first, steps=texts,
                        prompt=task.get("prompt", ""), gold=ref.get("answer"), pred="\n\n".join(texts),
                        context={"premises": meta.get("premises") or [], "unknowns": meta.get("unknowns") or [],
                                 "variables": meta.get("variables") or [], "gold": ref.get("answer")}))
    return out


def _from_row(row: dict[str, Any], n: int, where: str) -> list[Case]:
    if str(row.get("schema_version", "")).startswith("stepforge/"):
        try:
            return _from_trace(json_from_wire(row), where)
        except ValueError:
            raise UserError(f"{where}: a stepforge trace line whose JSON-text parts do not parse") from None
    if "domain" in row and "id" in row:
        return [Case.model_validate(row)]
    if "gold" in row and "pred" in row and "expected" in row:
        exp = row["expected"]
        if exp not in _EXPECT:
            raise UserError(f"{where}: expected must be equal, not_equal, unparseable, accept, reject or a boolean")
        return [Case(id=str(row.get("id", f"case-{n}")), domain=row.get("domain", "math"),
                     category=str(row.get("category", row.get("form", "user"))), expected=_EXPECT[exp],
                     gold=row["gold"], pred=str(row["pred"]), policy=row.get("policy"), prompt=row.get("prompt", ""))]
    raise UserError(f"{where}: a row needs gold, pred and expected (or is a stepforge trace or a full case)")


def load_path(path: Path) -> Suite:
    """A suite from a run folder or a JSONL file; bad rows are a one-line error naming the line."""
    file = path / "traces.jsonl" if path.is_dir() else path
    if not file.is_file():
        raise UserError(f"{path}: not a JSONL file or a run folder with traces.jsonl")
    cases: list[Case] = []
    h = hashlib.sha256()
    with open(file, "rb") as f:
        for n, raw in enumerate(f, 1):
            h.update(raw)
            if not raw.strip():
                continue
            where = f"{file}:{n}"
            try:
                row = json.loads(raw)
            except ValueError as exc:
                raise UserError(f"{where}: not JSON ({exc.msg})") from None
            if not isinstance(row, dict):
                raise UserError(f"{where}: a row must be a JSON object")
            try:
                cases.extend(_from_row(row, n, where))
            except ValidationError as exc:
                raise UserError(f"{where}: {exc.errors()[0]['loc']}: {exc.errors()[0]['msg']}") from None
    if not cases:
        raise UserError(f"{file}: no cases with an expectation")
    ids = [c.id for c in cases]
    if len(set(ids)) != len(ids):
        dup = next(i for i in ids if ids.count(i) > 1)
        raise UserError(f"{file}: duplicate case id {dup!r}")
    return Suite(name=str(path), version=f"sha256:{h.hexdigest()[:16]}", cases=cases)
