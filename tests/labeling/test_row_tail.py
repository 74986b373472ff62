"""What a row past its deadline sends back and records stays small (issue 11's tail: a 300-step row on a CPU-starved
job passed 10 s by the transfer of its labels from the checker's worker and the record after the deadline). Sizes
are counted (pickled bytes), not timed: the steps' texts are not sent back (the caller holds them), and a step left
unread quotes its first relation in a few dozen characters, still with the reason it is neutral."""

from __future__ import annotations

import pickle
import random
import time

from stepforge._pool import CallResult
from stepforge.labeling import _checks, symbolic
from stepforge.pipeline.keep import _undecided

from .test_conclude_budget import SLIP

N = 300


def _candidate(steps: list[str]):
    from stepforge.generators.llm.parse import parse_solution
    from stepforge.generators.llm.problems import task_from_row
    from stepforge.generators.llm.sampling import candidate_from
    from stepforge.schema import Generation

    text = "\n\n".join(steps)
    task = task_from_row({"problem": SLIP[0], "answer": SLIP[1]}, "math", "test")
    cand = candidate_from(parse_solution(text, "math", None), task, "math",
                          Generation(generator="file", seed=1, raw_response=text), id="c1", index=0, extras={})
    assert len(cand.steps) == N
    return cand


def _steps() -> list[str]:
    rng = random.Random(7)
    out = []
    for i in range(N):  # distinct steps of ~2 kB, the relation in the middle
        words = " ".join(rng.choice(["we", "note", "that", "the", "pens", "boxes", "count", "so"]) for _ in range(200))
        a, b = rng.randint(1, 999), rng.randint(1, 999)
        out.append(f"Step {i}: {words} ${a} + {b} = {a + b}$ {words[::-1]}")
    return out


def _sent(monkeypatch) -> tuple[list[int], object]:
    """``limited`` as the checker's pool runs it: the result pickled across, its size counted."""
    sizes: list[int] = []

    def limited(fn, args, timeout):
        blob = pickle.dumps(fn(*args))
        sizes.append(len(blob))
        return CallResult("ok", pickle.loads(blob))

    monkeypatch.setattr(_checks, "limited", limited)
    return sizes, limited


def test_a_300_step_result_past_the_rows_deadline_is_small_to_send(monkeypatch) -> None:
    sizes, _ = _sent(monkeypatch)
    steps = _steps()
    cand = _candidate(steps)
    labels = symbolic.symbolic_labels(cand, None, until=time.monotonic() - 1.0)  # the row's time already spent
    assert len(sizes) == 1
    # before: every step's text (2 kB) and a 400-character quote went back, ~750 kB; now a few hundred bytes a step
    assert sizes[0] < N * 400, sizes[0]
    assert [s.text for s in labels.steps] == cand.steps  # the caller's texts put back
    for s in labels.steps:  # still neutral, the relation quoted and the reason given
        claims = s.evidence["symbolic"]["claims"]
        assert s.label.rating == 0 and [c["rule"] for c in claims] == ["time_budget"]
        assert "=" in claims[0]["claim"] and len(claims[0]["claim"]) <= 100
        assert claims[0]["claim"] in s.text
        assert "were spent before its steps were checked" in claims[0]["detail"]
        assert _undecided(s)  # the keep rule still sees a relation left undecided


def test_a_step_without_a_relation_quotes_its_start() -> None:
    c = symbolic._unread("So we count the pens again, " * 50, "why")
    assert c.claim.startswith("So we count") and len(c.claim) <= 100 and c.detail == "why"
    c = symbolic._unread("short $x = 2$", "why")
    assert c.claim == "short $x = 2$"


def test_labels_sent_back_are_the_labels_made_in_process(monkeypatch) -> None:
    steps = ["He buys $4 \\times 6 = 24$ pens.", "He keeps $24 - 5 = 18$ pens.", "The answer is $\\boxed{18}$."]
    steps = steps * (N // 3)
    cand = _candidate(steps)
    here = symbolic.Symbolic._labels(cand, None, time.monotonic() - 1.0)
    _sent(monkeypatch)
    there = symbolic.symbolic_labels(cand, None, until=time.monotonic() - 1.0)
    drop = {"labeling": {"cost": {"wall_s"}}}
    assert there.model_dump(exclude=drop) == here.model_dump(exclude=drop)
