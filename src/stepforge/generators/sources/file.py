"""``file``: model outputs the user already has (bring your own generations), verified and labelled as if sampled.

One JSON object per line: the problem as in a ``--problems`` file (math: ``problem`` (or ``question``) and
``answer``; code: a HumanEval row) plus its responses, in any of these shapes:

- ``"responses": ["...", ...]`` or ``"response": "..."`` (strings, or objects with ``text``/``content`` and
  optionally ``finish_reason``, ``model``, ``seed``);
- ``"outputs": [{"text": ...}, ...]`` (vLLM offline generation);
- ``"choices": [{"message": {"content": ...}, "finish_reason": ...}, ...]`` (an OpenAI chat completion, e.g. a
  batch result body).

Optional row fields: ``model``, ``prompt_version``, ``model_prompt`` (what the model was asked, as sent). Each response becomes
the same candidate the ``openai`` source would make of that text (same step parser, same final-answer reader), so
it is kept and labelled the same way. Rows are read in file order, one unit each; the run ends when COUNT traces
are kept or the file ends. A bad line is an error naming it, before any work starts.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from stepforge._seeding import derive_id, derive_seed
from stepforge.candidate import Candidate
from stepforge.errors import UserError
from stepforge.generators.llm.parse import parse_solution
from stepforge.generators.llm.problems import task_from_row
from stepforge.generators.llm.sampling import candidate_from
from stepforge.generators.sources import SOURCES, ProducingSource, SourceSettings, Unit
from stepforge.schema import Generation, Rejection, Task

_PROBLEM_KEYS = ("responses", "response", "outputs", "choices", "model", "prompt_version", "model_prompt")


def _responses(row: dict[str, Any], where: str) -> list[dict[str, Any]]:
    """Every response of a row as {text, finish_reason, model, seed}; an error when there is none."""
    raw: Any
    if "responses" in row:
        raw = row["responses"]
    elif "response" in row:
        raw = [row["response"]]
    elif "outputs" in row:
        raw = row["outputs"]
    elif "choices" in row:
        raw = [{**(c.get("message") or {}), "finish_reason": c.get("finish_reason")} if isinstance(c, dict) else c
               for c in row["choices"]]
    else:
        raise UserError(f"{where}: no responses (give 'responses', 'response', 'outputs' or 'choices')")
    if not isinstance(raw, list) or not raw:
        raise UserError(f"{where}: the responses must be a non-empty list")
    out = []
    for j, r in enumerate(raw):
        if isinstance(r, str):
            out.append({"text": r})
        elif isinstance(r, dict) and isinstance(r.get("text", r.get("content")), str):
            out.append({"text": r.get("text", r.get("content")), "finish_reason": r.get("finish_reason"),
                        "model": r.get("model"), "seed": r.get("seed")})
        else:
            raise UserError(f"{where}: response {j} is neither a string nor an object with 'text' or 'content'")
    return out


def _task(row: dict[str, Any], domain: str, where: str) -> Task:
    problem = {k: v for k, v in row.items() if k not in _PROBLEM_KEYS}
    if domain == "math" and "problem" not in problem and isinstance(problem.get("question"), str):
        problem["problem"] = problem.pop("question")
    return task_from_row(problem, domain, where)


class FileSource(ProducingSource):
    name = "file"

    def __init__(self, settings: SourceSettings) -> None:
        opts = settings.options.get("file") or {}
        if not opts.get("path"):
            raise UserError("the file source needs --responses FILE.jsonl")
        if settings.families:
            raise UserError("--families selects procedural families; filter the responses file instead")
        self.settings = settings
        self.path = Path(opts["path"])
        self.separator = opts.get("separator")
        if not self.path.is_file():
            raise UserError(f"--responses {self.path}: no such file")
        self.rows: int | None = None

    def _lines(self) -> Iterator[tuple[int, str]]:
        try:
            with self.path.open(encoding="utf-8") as fh:
                for n, line in enumerate(fh, 1):
                    if line.strip():
                        yield n, line
        except UnicodeDecodeError as exc:
            raise UserError(f"--responses {self.path}: not UTF-8 text ({exc.reason} at byte {exc.start})") from None

    def _row(self, n: int, line: str) -> dict[str, Any]:
        where = f"{self.path}:{n}"
        try:
            row = json.loads(line)
        except ValueError as exc:
            raise UserError(f"{where}: not JSON ({exc.msg})") from None
        if not isinstance(row, dict):
            raise UserError(f"{where}: expected a JSON object")
        _task(row, self.settings.domain, where)
        _responses(row, where)
        return row

    def prepare(self) -> None:
        """Every line checked once, up front (streaming: no row is held), so a bad line fails before any work."""
        rows = 0
        for n, line in self._lines():
            self._row(n, line)
            rows += 1
        if not rows:
            raise UserError(f"--responses {self.path}: no rows in the file")
        self.rows = rows

    def units(self, start: int) -> Iterator[Unit]:
        index = 0
        for n, line in self._lines():
            if index >= start:
                yield Unit(index, None, {"line": n, "row": json.loads(line)})
            index += 1

    def candidates(self, unit: Unit) -> list[Candidate | Rejection]:
        row, n = unit.payload["row"], unit.payload["line"]
        where = f"{self.path}:{n}"
        domain = self.settings.domain
        task = _task(row, domain, where)
        out: list[Candidate | Rejection] = []
        for j, r in enumerate(_responses(row, where)):
            text, finish = r["text"], r.get("finish_reason")
            cid = derive_id("sf-file", task.task_id, n, j)
            status = "empty" if not text.strip() else "truncated" if finish == "length" else "ok"
            if status != "ok":
                out.append(Rejection(id=cid, index=unit.index, domain=domain, reason=status,  # type: ignore[arg-type]
                                     detail=f"finish_reason={finish}",
                                     candidate={"task": task.model_dump(mode="json"), "response": j, "text": text}))
                continue
            seed = r.get("seed") if isinstance(r.get("seed"), int) else derive_seed("file", task.task_id, j) % (2**31)
            gen = Generation(generator="file", model=r.get("model") or row.get("model"),
                             prompt_version=row.get("prompt_version"), prompt=row.get("model_prompt"), seed=seed,
                             raw_response=text)
            parsed = parse_solution(text, domain, self.separator)
            out.append(candidate_from(parsed, task, domain, gen, id=cid, index=unit.index,
                                      extras={"line": n, "response": j, "finish_reason": finish}))
        return out


    def describe(self) -> dict[str, Any]:
        return {"source": "file", "responses": str(self.path), "rows": self.rows}




SOURCES.register(FileSource.name, FileSource)
