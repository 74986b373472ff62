"""hybrid's symbolic checks run for a whole batch in a few hard-limited pool calls (``Strategy.prepare``), not one
round trip per candidate: the labels are the same as one by one, and a chunk that overruns its deadline falls back
to one call per candidate, each with its own deadline."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest

from stepforge._testing.openai_server import ServerProcess
from stepforge._testing.stall import stall
from stepforge.labeling import _checks, symbolic

from .conftest import label_file, labelled, math_rows, policy


def _timeless(x: Any) -> Any:
    """Without what depends on timing: seconds, and the draws sent ahead into idle capacity (``unused_draws``)."""
    if isinstance(x, dict):
        return {k: _timeless(v) for k, v in x.items() if k not in ("seconds", "wall_s", "unused_draws")}
    return [_timeless(v) for v in x] if isinstance(x, (list, tuple)) else x


def _labels(out: Path) -> dict[str, Any]:
    return {t["task"]["task_id"]: _timeless(([s["label"] for s in t["steps"]], t["first_error_index"],
                                             [s["evidence"] for s in t["steps"]])) for t in labelled(out)}


def _count_single_calls(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    calls = [0]
    one = symbolic.symbolic_labels

    def counted(*args: Any, **kw: Any) -> Any:
        calls[0] += 1
        return one(*args, **kw)

    monkeypatch.setattr(symbolic, "symbolic_labels", counted)
    return calls


def test_a_batch_is_checked_at_once_with_the_labels_of_one_by_one(
        server: ServerProcess, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    responses, truth = math_rows(tmp_path, 40, seed=12)
    policy(server, q=0.9, r=0.05)
    calls = _count_single_calls(monkeypatch)
    label_file(tmp_path / "batched", responses, "hybrid", server)
    assert calls[0] == 0  # every candidate's checks came with its batch
    batched = _labels(tmp_path / "batched")
    monkeypatch.setattr(_checks, "prefetch_symbolic", lambda *a, **k: None)
    label_file(tmp_path / "single", responses, "hybrid", server)
    assert calls[0] == 40  # one pool round trip per candidate, as before
    assert batched == _labels(tmp_path / "single")
    assert sum(1 for _, f, _ in batched.values() if f >= 0) >= 15


def test_a_chunk_past_its_deadline_falls_back_to_one_call_per_candidate(
        server: ServerProcess, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    responses, truth = math_rows(tmp_path, 12, seed=13)
    policy(server)
    calls = _count_single_calls(monkeypatch)
    prefetch = _checks.prefetch_symbolic
    deadlines: list[float] = []

    def stalled_chunks(pairs: Any, deadline_s: float | None = None) -> None:
        # each chunk runs a function that never returns (not a tiny deadline, which a fast worker can beat)
        with monkeypatch.context() as m:
            m.setattr(_checks, "_symbolic_chunk", stall)
            t0 = time.perf_counter()
            prefetch(pairs, 0.5)
            deadlines.append(time.perf_counter() - t0)

    monkeypatch.setattr(_checks, "prefetch_symbolic", stalled_chunks)
    label_file(tmp_path / "run", responses, "hybrid", server)
    assert deadlines and all(d < 30 for d in deadlines)  # the stalled chunks were killed, not waited for
    assert calls[0] == 12  # the chunks were killed at their deadline: each candidate checked on its own
    for t in labelled(tmp_path / "run"):
        assert t["first_error_index"] == truth[t["task"]["task_id"]]  # q=1, r=0, a=1: every first error exact
