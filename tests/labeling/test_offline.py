"""The offline procedural completer: mc, binary_search and hybrid run with no key and no model, on procedural
math and code runs; it continues only the generator's own solutions and says so otherwise."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from stepforge.pipeline import RunConfig, run

from .conftest import labelled, records

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def no_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    monkeypatch.setenv("OPENAI_BASE_URL", "http://127.0.0.1:9/v1")  # nothing listens there


@pytest.mark.parametrize("domain", ["math", "code"])
@pytest.mark.parametrize("strategy", ["mc", "binary_search", "hybrid"])
def test_offline_strategies_find_the_injected_error(tmp_path: Path, domain: str, strategy: str) -> None:
    out = tmp_path / "run"
    summary = run(RunConfig(domain=domain, count=16, seed=21, out=out, strategy=strategy, progress=False))
    assert summary.kept == 16 and summary.incorrect == 8
    for t in records(out / "traces.jsonl"):
        inj = t["generation"]["injected_error"]
        assert t["first_error_index"] == (inj["step_index"] if inj else -1)
        cost = t["labeling"]["cost"]
        assert cost["prompt_tokens"] == 0 and cost["usd"] == 0
        probes = [p for s in t["steps"] for p in s["evidence"].get("probes", [])]
        assert all(p["k"] == 1 for p in probes)  # deterministic: one continuation per prefix
        if not t["outcome"]["correct"] and strategy == "binary_search":
            units = len(t["steps"]) + (len((t["steps"][-1]["text"]).splitlines()) if domain == "code" else 0)
            assert len(probes) <= math.ceil(math.log2(units)) + 1
    assert not (out / "journal.rollout.jsonl").exists()


def test_the_completer_refuses_solutions_it_did_not_write(tmp_path: Path) -> None:
    """Model text (here: procedural solutions edited and read back as responses) cannot be continued offline: a
    wrong answer is left unlocated, with the reason, and refused by the keep rule; never guessed."""
    first = tmp_path / "first"
    run(RunConfig(domain="math", count=6, seed=2, out=first, positive_fraction=0.0, progress=False))
    rows = []
    for t in records(first / "traces.jsonl"):
        steps = [s["text"] for s in t["steps"]]
        steps[0] = steps[0] + " (checked twice)"
        rows.append({"id": t["id"], "problem": t["task"]["prompt"], "answer": t["task"]["reference"]["answer"],
                     "responses": ["\n\n".join(steps)]})
    path = tmp_path / "edited.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    out = tmp_path / "run"
    run(RunConfig(domain="math", count=6, out=out, generator="file", options={"file": {"path": str(path)}},
                  strategy="binary_search", progress=False))
    assert not records(out / "traces.jsonl")
    for t in labelled(out):
        assert t["first_error_index"] == -1
        assert "cannot continue" in t["steps"][-1]["evidence"]["undecided"]


def test_an_edited_procedural_solution_is_refused_and_the_original_continued() -> None:
    from stepforge.generators.procedural.math import candidate
    from stepforge.labeling._procedural import CannotContinue, continue_math

    cands = [c for i in range(40) if (c := candidate(5, "linear_equation", i, True)) is not None]
    cand = next(c for c in cands if c.generation.injected_error.step_index > 0)
    inj = cand.generation.injected_error
    after = continue_math(cand, inj.step_index + 1)  # the wrong value is carried to the end
    before = continue_math(cand, inj.step_index)  # the rest of the right solution
    assert after.final == cand.final_answer and before.final == cand.task.reference.answer != after.final
    for where in (0, inj.step_index, len(cand.steps) - 1):  # before, at and after the injected error
        steps = list(cand.steps)
        steps[where] += " (sure)"
        with pytest.raises(CannotContinue, match="not the procedural generator's own"):
            continue_math(cand.model_copy(update={"steps": steps}), 1)
