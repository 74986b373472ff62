"""``stepforge eval-labels``: ProcessBench metrics, step precision/recall, offsets, kept precision and yield,
across formats, paired by id or content, streamed; bad input is one line and exit 2."""

from __future__ import annotations

import json
import subprocess
import sys
import tracemalloc
from pathlib import Path

import pytest

from stepforge.datasets.eval_labels import Item, evaluate, evaluate_files, render_table

ROOT = Path(__file__).resolve().parents[2]


def _cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "stepforge", "eval-labels", *args], capture_output=True, text=True,
                          env={"PYTHONPATH": str(ROOT / "src"), "PATH": "/usr/bin:/bin"}, timeout=120)


def _pb(i: int, steps: list[str], label: int) -> dict:
    """A ProcessBench-format row (made up here: the format only, never ProcessBench's data)."""
    return {"id": f"s{i}", "generator": "m", "problem": f"Problem {i}: what is {i} + {i}?", "steps": steps,
            "final_answer_correct": label == -1, "label": label}


def _trl(i: int, steps: list[str], labels: list[bool]) -> dict:
    return {"prompt": f"Problem {i}: what is {i} + {i}?", "completions": steps, "labels": labels}


def _write(path: Path, rows: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    return path


STEPS = [f"step {k}" for k in range(4)]


def test_processbench_gold_against_trl_pred_by_content(tmp_path: Path):
    # gold: 0,1 erroneous at 2 and 1; 2,3 correct. pred (TRL, other order, other ids): item 0 right at 2,
    # item 1 found at 3 (+2), item 2 right (no error), item 3 a false alarm at 0.
    gold = _write(tmp_path / "gold.jsonl", [_pb(0, STEPS, 2), _pb(1, STEPS, 1), _pb(2, STEPS, -1), _pb(3, STEPS, -1)])
    pred = _write(tmp_path / "pred.jsonl", [
        _trl(3, STEPS, [False, False, False, False]),
        _trl(1, STEPS, [True, True, True, False]),
        _trl(0, STEPS, [True, True, False, False]),
        _trl(2, STEPS, [True, True, True, True]),
        _trl(9, STEPS, [True, True, True, True]),  # no partner in gold
    ])
    ev = evaluate_files(gold, pred)
    assert (ev.matched, ev.gold_only, ev.pred_only) == (4, 0, 1)
    assert (ev.erroneous, ev.correct) == (2, 2)
    assert ev.acc_erroneous == 0.5 and ev.acc_correct == 0.5 and ev.f1 == 0.5
    assert ev.offsets == {"0": 1, "+2": 1, "false_alarm": 1, "no_error_both": 1}
    # steps labelled in both: ProcessBench labels up to its first error; all four steps when correct
    # item0: steps 0-2 (gold -1 at 2, pred -1 at 2) ; item1: steps 0-1 (gold -1 at 1, pred +1) ;
    # item2: 4 steps all +1 ; item3: 4 steps gold +1, pred -1
    assert ev.steps.compared_steps == 3 + 2 + 4 + 4
    assert (ev.steps.both_wrong, ev.steps.false_alarms, ev.steps.missed) == (1, 4, 1)
    assert ev.steps.precision == 0.2 and ev.steps.recall == 0.5
    assert ev.kept == 4 and ev.kept_right == 2 and ev.kept_precision == 0.5 and ev.yield_ == 1.0
    res = _cli(str(gold), str(pred), "--json")
    assert res.returncode == 0, res.stderr
    data = json.loads(res.stdout)
    assert data["f1"] == 0.5 and data["yield"] == 1.0 and data["offsets"]["+2"] == 1
    table = _cli(str(gold), str(pred), "--out", str(tmp_path / "ev.json"))
    assert "F1 (ProcessBench) | 50.0%" in table.stdout and json.loads((tmp_path / "ev.json").read_text())["f1"] == 0.5


def test_a_run_folder_counts_its_rejections_as_labelled_but_not_kept(tmp_path: Path):
    run = tmp_path / "run"
    res = subprocess.run([sys.executable, "-m", "stepforge", "generate", "--domain", "math", "--count", "30", "--seed",
                          "3", "--out", str(run), "--no-progress"], capture_output=True, text=True,
                         env={"PYTHONPATH": str(ROOT / "src"), "PATH": "/usr/bin:/bin"}, timeout=300)
    assert res.returncode == 0, res.stderr
    ev = evaluate_files(run, run)  # every label agrees with itself; the kept set is the run's traces
    assert ev.matched >= 30 and ev.acc_erroneous == 1.0 and ev.acc_correct == 1.0
    assert ev.kept == 30 and ev.kept_precision == 1.0
    assert ev.cost_per_trace["symbolic_checks"] > 0
    # a gold with a different first error: the kept precision says so
    rows = [json.loads(line) for line in (run / "traces.jsonl").read_text().splitlines()]
    wrong = [r for r in rows if r["first_error_index"] > 0]
    for r in wrong:
        r["first_error_index"] -= 1
    _write(tmp_path / "gold.jsonl", rows)
    ev = evaluate_files(tmp_path / "gold.jsonl", run / "traces.jsonl")
    assert ev.kept == 30 and ev.kept_right == 30 - len(wrong) and ev.offsets.get("+1") == len(wrong)
    assert "First-error offset" in render_table(ev)


def test_prmbench_and_prm800k_samples_are_read():
    data = ROOT / "tests" / "data"
    ev = evaluate_files(data / "prmbench_sample.jsonl", data / "prmbench_sample.jsonl")
    assert ev.matched == 40 and ev.acc_erroneous == 1.0 and ev.steps.recall == 1.0
    ev = evaluate_files(data / "prm800k_example.json", data / "prm800k_example.json")
    assert ev.matched == 1 and ev.erroneous == 1


def _items(n: int, shift: int = 0):
    for i in range(n):
        yield Item(id=f"i{i}", content=f"c{i}", first_error=(i + shift) % 3 - 1, ratings=(1, -1), kept=True,
                   cost=(0.0,) * 6)


def test_aligned_files_are_scored_in_bounded_memory():
    tracemalloc.start()
    ev = evaluate(_items(60_000), _items(60_000))
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert ev.matched == 60_000 and ev.f1 == 1.0
    assert peak < 2_000_000, peak  # nothing held per item when the files are in the same order


@pytest.mark.parametrize("content,msg", [
    ('{"foo": 1}\n', "cannot tell the format"),
    ("not json\n", "neither JSONL nor one JSON document"),
    ('{"prompt": "p", "completions": ["a"], "labels": ["x"]}\n', "labels must be booleans"),
])
def test_bad_input_is_one_line_and_exit_2(tmp_path: Path, content: str, msg: str):
    bad = tmp_path / "bad.jsonl"
    bad.write_text(content)
    res = _cli(str(bad), str(bad))
    assert res.returncode == 2 and msg in res.stderr and res.stderr.count("\n") == 1, res.stderr
    res = _cli(str(tmp_path / "missing.jsonl"), str(bad))
    assert res.returncode == 2 and "does not exist" in res.stderr


def test_a_solution_twice_in_pred_is_refused_or_counted_apart(tmp_path: Path):
    gold = _write(tmp_path / "g.jsonl", [_pb(1, STEPS, 1), _pb(2, STEPS, 1)])
    pred = _write(tmp_path / "p.jsonl", [_pb(0, STEPS, 1), _pb(0, STEPS, 1)])
    res = _cli(str(gold), str(pred))
    assert res.returncode == 2 and "appears twice" in res.stderr
    ev = evaluate_files(gold, _write(tmp_path / "q.jsonl", [_pb(1, STEPS, 1), _pb(1, STEPS, 1), _pb(2, STEPS, 1)]))
    assert (ev.matched, ev.pred_only) == (2, 1)


def test_construction_pairs_score_the_checker_alone_on_a_procedural_run(tmp_path: Path):
    """The card's table: the injected step (known by construction) against what the checker alone found."""
    from stepforge.datasets.eval_labels import construction_pairs
    from stepforge.datasets.io import read_traces

    run = tmp_path / "run"
    res = subprocess.run([sys.executable, "-m", "stepforge", "generate", "--domain", "math", "--count", "60", "--seed",
                          "5", "--out", str(run), "--no-progress"], capture_output=True, text=True,
                         env={"PYTHONPATH": str(ROOT / "src"), "PATH": "/usr/bin:/bin"}, timeout=300)
    assert res.returncode == 0, res.stderr
    traces = read_traces(run / "traces.jsonl")
    gold, pred = construction_pairs((t, True) for t in traces)
    assert len(gold) == len(pred) == 60
    ev = evaluate(gold, pred)
    assert ev.acc_correct == 1.0  # no correct solution has a refuted step (else it was not kept)
    # what the checks alone located, with the injection unmarked, is kept with the trace's construction evidence
    alone = {t.id: next(s.evidence["construction"]["checker_alone"] for s in t.steps if "construction" in s.evidence)
             for t in traces if t.generation.injected_error is not None}
    found = [t for t in traces if t.id in alone and alone[t.id]["first_error"] == t.first_error_index]
    hidden = [t for t in traces if t.id in alone and alone[t.id]["first_error"] == -1]  # reasoning errors, unlocated
    assert hidden and found and ev.acc_erroneous == round(len(found) / 30, 4)
    assert ev.kept == 30 + 30 - len(hidden)  # the unlocated ones would be rejected without their construction label
    assert ev.kept_precision == 1.0  # and what the checks locate alone is where the error was put


def test_a_rejected_wrong_answer_with_no_located_error_is_an_unknown_gold_not_a_correct_one(tmp_path: Path):
    from stepforge.datasets.eval_labels import labelled_traces, summarize

    src = _write(tmp_path / "pb.jsonl", [_pb(1, STEPS, 2)])
    trace, _ = next(labelled_traces(src))
    unlocated = trace.model_copy(update={"first_error_index": -1, "verified": False,
                                         "outcome": trace.outcome.model_copy(update={"correct": False})})
    assert summarize(unlocated, kept=False).first_error is None  # its error is somewhere: unknown
    assert summarize(unlocated, kept=True).first_error == -1  # a kept trace says what it says
    right = unlocated.model_copy(update={"outcome": trace.outcome.model_copy(update={"correct": True})})
    assert summarize(right, kept=False).first_error == -1


def test_a_percentage_is_rounded_once() -> None:
    # 83 of 85 is 97.647%: rounded to a 4-digit ratio first (0.9765), the table said 97.7%
    from stepforge.datasets.eval_labels import _pct, _ratio

    assert _pct(_ratio(83, 85)) == "97.6%"
    assert _pct(_ratio(1, 3)) == "33.3%"
