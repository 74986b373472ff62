"""``benchmarks/convert_realcritic_olympiad.py``: OlympiadBench's human solutions and RealCritic's judged model
solutions become ProcessBench rows (paragraph steps, a sentence split by a display or a page break joined), the
wrong-data solutions already in the mix are not repeated, and the rows import."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from stepforge.datasets import importers

from .conftest import benchmark_script

conv = benchmark_script("convert_realcritic_olympiad")

HUMAN = ("Note that $T=3$. It follows that\n\n$$\nx=2 T=6\n$$\n\nwith equality when $a=b$.\n\n\n\nSo the answer is "
         "$\\mathbf{6}$, from\n\n\n\nwhich it follows.")
MODEL = "We have:\n\n\\[ x = 6 \\]\n\nSo the answer is \\(\\boxed{6}\\)."


def _write(path: Path, rows: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


def test_rows_and_references(tmp_path: Path):
    mix = [{"question": "Find x.", "gt": "6", "solution": [HUMAN], "reasoning": MODEL, "model": "M1",
            "previous_score": [True]},
           {"question": "Find y.", "gt": "2", "solution": ["So $y=2$."], "reasoning": "So y = 3.", "model": "M2",
            "previous_score": [False]}]
    wrong = [{"question": "Find y.", "reasoning": "So y = 3.", "model": "M2"},  # already in the mix
             {"question": "Find x.", "reasoning": "So x = 5.", "model": "M3"}]
    counts = conv.convert(_write(tmp_path / "mix.jsonl", mix), _write(tmp_path / "wrong.jsonl", wrong), tmp_path / "o")
    assert counts == {"problems": 2, "human": 2, "judged_right": 1, "judged_wrong": 2}
    ref = [json.loads(x) for x in (tmp_path / "o" / "olymp_ref_pb.jsonl").read_text().splitlines()]
    assert ref[0]["steps"] == ["Note that $T=3$. It follows that\n\n$$\nx=2 T=6\n$$\n\nwith equality when $a=b$.",
                               "So the answer is $\\mathbf{6}$, from\n\nwhich it follows."]  # a page break joined
    assert ref[0]["id"] == "obench-000-ref0" and ref[0]["final_answer_correct"] is True and ref[0]["label"] == -1
    gen = [json.loads(x) for x in (tmp_path / "o" / "olymp_gen_pb.jsonl").read_text().splitlines()]
    assert gen[0]["steps"] == ["We have:\n\n\\[ x = 6 \\]", "So the answer is \\(\\boxed{6}\\)."]
    assert gen[0]["generator"] == "M1"
    bad = [json.loads(x) for x in (tmp_path / "o" / "olymp_gen_wrong_pb.jsonl").read_text().splitlines()]
    assert [(r["id"], r["final_answer_correct"]) for r in bad] == [("obench-001-gen", False),
                                                                   ("obench-000-wrong", False)]
    refs = [json.loads(x) for x in (tmp_path / "o" / "olymp_refs.jsonl").read_text().splitlines()]
    assert refs == [{"problem": "Find x.", "answer": "6"}, {"problem": "Find y.", "answer": "2"}]
    traces = list(importers.iter_traces("processbench", ref + gen + bad))
    assert [t.first_error_index for t in traces] == [-1] * 5


def test_math_and_gsm8k_subsets(tmp_path: Path):
    """MATH's human solution is one text, GSM8K's is ``gt_cot`` with calculator notes: each becomes a human row and
    the reference's ``solution``; ids name the subset."""
    math_mix = [{"question": "Find x.", "gt": "6", "solution": "So $x = 6$.", "reasoning": MODEL, "model": "M1",
                 "previous_score": [True]}]
    gsm_mix = [{"question": "How many?", "gt": "9", "gt_cot": "He has 3*3=<<3*3=9>>9 apples", "reasoning": "3*3 = 9",
                "model": "M2", "previous_score": [True]}]
    empty = _write(tmp_path / "wrong.jsonl", [])
    assert conv.convert(_write(tmp_path / "m.jsonl", math_mix), empty, tmp_path / "m", "math")["human"] == 1
    assert conv.convert(_write(tmp_path / "g.jsonl", gsm_mix), empty, tmp_path / "g", "gsm8k")["human"] == 1
    refs = [json.loads(x) for x in (tmp_path / "g" / "olymp_refs.jsonl").read_text().splitlines()]
    assert refs == [{"problem": "How many?", "answer": "9", "solution": "He has 3*3=9 apples"}]
    human = [json.loads(x) for x in (tmp_path / "m" / "olymp_ref_pb.jsonl").read_text().splitlines()]
    assert human[0]["id"] == "rcmath-000-ref0" and human[0]["steps"] == ["So $x = 6$."]


def test_college_and_minerva_subsets(tmp_path: Path):
    """college_math has no human solution (``gt_cot`` is the string 'None'): no human rows, references with the
    answer only; minerva_math's ``solution`` is a human row and the reference's ``solution``; a verdict written as
    text is read as one."""
    col_mix = [{"question": "Find x.", "gt": "6", "gt_cot": "None", "reasoning": MODEL, "model": "M1",
                "previous_score": "[False]"},
               {"question": "Find y.", "gt": "2", "gt_cot": "None", "reasoning": "So y = 2.", "model": "M2",
                "previous_score": [True]}]
    col_wrong = [{"question": "Find y.", "gt_cot": "None", "reasoning": "So y = 3.", "model": "M3",
                  "previous_score": None}]
    counts = conv.convert(_write(tmp_path / "c.jsonl", col_mix), _write(tmp_path / "cw.jsonl", col_wrong),
                          tmp_path / "c", "college_math")
    assert counts == {"problems": 2, "human": 0, "judged_right": 1, "judged_wrong": 2}
    assert (tmp_path / "c" / "olymp_ref_pb.jsonl").read_text() == ""
    refs = [json.loads(x) for x in (tmp_path / "c" / "olymp_refs.jsonl").read_text().splitlines()]
    assert refs == [{"problem": "Find x.", "answer": "6"}, {"problem": "Find y.", "answer": "2"}]
    bad = [json.loads(x) for x in (tmp_path / "c" / "olymp_gen_wrong_pb.jsonl").read_text().splitlines()]
    assert [r["id"] for r in bad] == ["rccol-000-gen", "rccol-001-wrong"]
    min_mix = [{"question": "Find z.", "gt": "1+\\sqrt{3}i", "gt_cot": "So $z = \\boxed{1+\\sqrt{3} i}$.",
                "solution": "So $z = \\boxed{1+\\sqrt{3} i}$.", "reasoning": "z = 1 + i\\sqrt{3}", "model": "M1",
                "previous_score": [True]}]
    conv.convert(_write(tmp_path / "n.jsonl", min_mix), _write(tmp_path / "nw.jsonl", []), tmp_path / "n",
                 "minerva_math")
    refs = [json.loads(x) for x in (tmp_path / "n" / "olymp_refs.jsonl").read_text().splitlines()]
    assert refs == [{"problem": "Find z.", "answer": "1+\\sqrt{3}i", "solution": "So $z = \\boxed{1+\\sqrt{3} i}$."}]
    human = [json.loads(x) for x in (tmp_path / "n" / "olymp_ref_pb.jsonl").read_text().splitlines()]
    assert [r["id"] for r in human] == ["rcmin-000-ref0"]


def test_bad_input_is_one_line(tmp_path: Path):
    """A bad subset, a missing file, a line that is no JSON, a row without its fields or with an unknown verdict:
    one line on stderr, a non-zero exit, no traceback."""
    good = _write(tmp_path / "good.jsonl", [{"question": "Q", "gt": "1", "gt_cot": "None", "reasoning": "1",
                                             "model": "M", "previous_score": [True]}])
    cases = {"no json": "{not json\n", "no field": json.dumps({"question": "Q"}) + "\n",
             "verdict": json.dumps({"question": "Q", "gt": "1", "reasoning": "1", "model": "M",
                                    "previous_score": "maybe"}) + "\n"}
    runs = [[str(good), str(good), str(tmp_path / "o"), "--subset", "college"],
            [str(tmp_path / "missing.jsonl"), str(good), str(tmp_path / "o")],
            [str(good), str(good), str(tmp_path / "o"), "--subset"]]
    for name, text in cases.items():
        (tmp_path / f"{name}.jsonl").write_text(text, encoding="utf-8")
        runs.append([str(tmp_path / f"{name}.jsonl"), str(good), str(tmp_path / "o"), "--subset", "math"])
    for args in runs:
        res = subprocess.run([sys.executable, str(conv.__file__), *args], capture_output=True, text=True, timeout=60)
        assert res.returncode != 0 and "Traceback" not in res.stderr, (args, res.stderr)
        assert len(res.stderr.strip().splitlines()) == 1, (args, res.stderr)
