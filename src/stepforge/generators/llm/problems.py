"""Problems from a JSONL file (``--problems FILE.jsonl``), one JSON object per line.

math: ``{"problem": str, "answer": str|number, "id"?: str, ...}``; other fields are kept as metadata.
code: a HumanEval row ``{"task_id", "prompt", "entry_point", "test", "canonical_solution"?}``; other fields
are kept as metadata. Bad lines are reported with their line number; nothing is skipped silently.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from stepforge._seeding import derive_id
from stepforge.errors import UserError
from stepforge.schema import Reference, Task


def task_from_row(row: dict[str, Any], domain: str, where: str = "row") -> Task:
    if not isinstance(row, dict):
        raise UserError(f"{where}: expected a JSON object")
    if domain == "math":
        problem, answer = row.get("problem"), row.get("answer")
        if not isinstance(problem, str) or not problem.strip():
            raise UserError(f"{where}: math rows need a non-empty string 'problem'")
        if answer is None or isinstance(answer, (dict, list, bool)) or str(answer).strip() == "":
            raise UserError(f"{where}: math rows need an 'answer' (string or number)")
        tid = str(row.get("id") or row.get("task_id") or derive_id("math", problem, str(answer)))
        meta = {k: v for k, v in row.items() if k not in ("problem", "answer", "solution", "id", "task_id")}
        solution = row.get("solution") if isinstance(row.get("solution"), str) and row["solution"].strip() else None
        return Task(task_id=tid, prompt=problem, reference=Reference(answer=str(answer), solution=solution),
                    metadata=meta, source="file")
    missing = [k for k in ("task_id", "prompt", "entry_point", "test") if not isinstance(row.get(k), str)]
    if missing:
        raise UserError(f"{where}: code rows are HumanEval rows; missing or not a string: {', '.join(missing)}")
    meta = {k: v for k, v in row.items() if k not in ("task_id", "prompt", "entry_point", "test", "canonical_solution")}
    ref = Reference(
        solution=row.get("canonical_solution"),
        test_code=row["test"],
        entry_point=row["entry_point"],
        test_framework="humaneval",
    )
    return Task(task_id=row["task_id"], prompt=row["prompt"], reference=ref, metadata=meta, source="file")


def load_problems(path: str | Path, domain: str) -> list[Task]:
    """Every line of the file as a Task; duplicate ids and malformed lines are errors."""
    p = Path(path)
    if not p.is_file():
        raise UserError(f"--problems {path}: no such file")
    tasks: list[Task] = []
    seen: set[str] = set()
    with p.open(encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except ValueError as exc:
                raise UserError(f"{path}:{n}: not JSON ({exc.msg})") from None
            task = task_from_row(row, domain, f"{path}:{n}")
            if task.task_id in seen:
                raise UserError(f"{path}:{n}: duplicate id {task.task_id!r}")
            seen.add(task.task_id)
            tasks.append(task)
    if not tasks:
        raise UserError(f"--problems {path}: no problems in the file")
    return tasks
