"""Parquet input: the Hub keeps PRM data as parquet (TRL's stepwise sets, ProcessBench's converted split, GSM8K), so
every command that reads labelled rows or reference answers reads a parquet file as it reads JSONL: the same rows,
the same traces, the same labels; a damaged file is one line on stderr and exit 2."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from stepforge.datasets.arrow import parquet_rows
from stepforge.datasets.eval_labels import labelled_traces
from stepforge.datasets.importers import iter_rows
from stepforge.errors import UserError
from stepforge.generators.sources import references

from .conftest import DATA, run_cli


def _write(path: Path, rows: list[dict], row_group_size: int | None = None) -> Path:
    pq.write_table(pa.Table.from_pylist(rows), path, row_group_size=row_group_size)
    return path


def _dumped(path: Path) -> list[dict]:
    return [t.model_dump(exclude={"provenance"}) for t, _ in labelled_traces(path)]


@pytest.mark.parametrize("fmt", ["processbench", "trl", "math_shepherd", "prmbench"])
def test_a_format_exported_as_parquet_reads_back_as_its_jsonl_does(run_dir: Path, tmp_path: Path, fmt: str) -> None:
    """``export --out X.parquet`` then reading X: the traces are those of the same rows as JSONL (format detected from
    the parquet row's keys, nested lists and booleans as the JSON gives them)."""
    jsonl, parquet = tmp_path / f"{fmt}.jsonl", tmp_path / f"{fmt}.parquet"
    for out in (jsonl, parquet):
        done = run_cli("export", str(run_dir), "--format", fmt, "--out", str(out))
        assert done.returncode == 0, done.stderr
    assert parquet.read_bytes()[:4] == b"PAR1"
    assert list(iter_rows(parquet)) == list(iter_rows(jsonl))
    assert _dumped(parquet) == _dumped(jsonl)


def test_a_stepforge_run_exported_for_the_hub_is_compared_with_the_run(run_dir: Path, tmp_path: Path) -> None:
    """``export --format hf`` writes parquet shards; ``eval-labels RUN SHARD`` pairs every trace and agrees on all."""
    done = run_cli("export", str(run_dir), "--format", "hf", "--out", str(tmp_path / "hub"))
    assert done.returncode == 0, done.stderr
    (shard,) = sorted((tmp_path / "hub" / "data").glob("*.parquet"))
    done = run_cli("eval-labels", str(run_dir), str(shard), "--json")
    assert done.returncode == 0, done.stderr
    metrics = json.loads(done.stdout)
    kept = [t.id for t, k in labelled_traces(run_dir) if k]
    assert [t.id for t, _ in labelled_traces(shard)] == kept
    assert (metrics["matched"], metrics["gold_only"], metrics["pred_only"]) == (len(kept), 0, 0)
    assert metrics["kept_precision"] == 1.0 and metrics["acc_erroneous"] == 1.0 and metrics["acc_correct"] == 1.0


PB_ROWS = [
    {"id": "gsm8k-0", "generator": "m", "problem": "Tom has 3 boxes of 4 pens. How many pens does he have?",
     "steps": ["Each box has 4 pens, so 3 boxes have 3 * 4 = 13 pens.", "The answer is 13."],
     "final_answer_correct": False, "label": 0},
    {"id": "gsm8k-1", "generator": "m", "problem": "Ann has 5 apples and buys 2 more. How many apples does she have?",
     "steps": ["She has 5 + 2 = 7 apples.", "The answer is 7."], "final_answer_correct": True, "label": -1},
]


def test_processbench_rows_as_the_hub_keeps_them_are_labelled_as_their_jsonl(tmp_path: Path) -> None:
    """The Hub's parquet of ProcessBench-format rows (what ``datasets`` converts a split to): ``stepforge label`` on it
    keeps and rejects exactly what it does on the JSONL, and ``eval-labels`` reads the parquet as the gold."""
    refs = tmp_path / "refs.jsonl"
    refs.write_text("".join(json.dumps({"question": r["problem"], "answer": a}) + "\n" for r, a in zip(
        PB_ROWS, ("3 boxes of 4 pens: 3*4=<<3*4=12>>12\n#### 12", "5+2=<<5+2=7>>7\n#### 7"))))
    jsonl = tmp_path / "pb.jsonl"
    jsonl.write_text("".join(json.dumps(r) + "\n" for r in PB_ROWS))
    parquet = _write(tmp_path / "0000.parquet", PB_ROWS)
    outs = []
    for src in (jsonl, parquet):
        out = tmp_path / f"out-{src.suffix[1:]}"
        done = run_cli("label", str(src), "--references", str(refs), "--out", str(out), "--no-progress")
        assert done.returncode == 0, done.stderr
        outs.append(out)
    lines = [[json.loads(x) for x in (o / "traces.jsonl").read_text().splitlines()] for o in outs]
    located = [[(t["id"], t["first_error_index"]) for t in trace_lines] for trace_lines in lines]
    assert located[0] == located[1] == [("gsm8k-0", 0), ("gsm8k-1", -1)]
    done = run_cli("eval-labels", str(parquet), str(outs[1]))
    assert done.returncode == 0, done.stderr
    assert "kept precision (first error right among kept) | 100.0% (2 of 2)" in done.stdout


def test_reference_answers_are_read_from_a_parquet_file(tmp_path: Path) -> None:
    """GSM8K as the Hub keeps it (``question``, ``answer`` ending ``#### N``) and MATH rows (``problem``, ``solution``,
    ``answer``), from parquet: the same references as from the JSONL of the same rows."""
    rows = [{"question": "Ann has 5 apples and buys 2 more. How many?", "answer": "5+2=<<5+2=7>>7\n#### 7"},
            {"question": "What is 1,000 + 234?", "answer": "#### 1,234"}]
    math_rows = [{"problem": "Compute $2^{10}$.", "solution": "$2^{10} = \\boxed{1024}$.", "answer": "1024"}]
    for i, batch in enumerate((rows, math_rows)):
        jsonl = tmp_path / f"r{i}.jsonl"
        jsonl.write_text("".join(json.dumps(r) + "\n" for r in batch))
        parquet = _write(tmp_path / f"r{i}.parquet", batch)
        from_parquet = {k: (v.answer, v.solution) for k, v in references.load(str(parquet)).items()}
        from_jsonl = {k: (v.answer, v.solution) for k, v in references.load(str(jsonl)).items()}
        assert from_parquet == from_jsonl and from_parquet
    assert {v.answer for v in references.load(str(tmp_path / "r0.parquet")).values()} == {"7", "1234"}


def test_rows_are_streamed_in_order_across_row_groups(tmp_path: Path) -> None:
    rows = [{"id": i, "steps": [f"s{i}"] * (i % 3), "ok": i % 2 == 0, "score": None if i % 5 else 0.5}
            for i in range(2500)]
    path = _write(tmp_path / "many.parquet", rows, row_group_size=700)
    got = parquet_rows(path, size=300)
    first = next(got)
    assert first == rows[0]  # the first row comes before the rest is read
    assert [first, *got] == rows


def test_a_parquet_file_is_known_by_its_bytes_not_its_name(tmp_path: Path) -> None:
    path = _write(tmp_path / "rows.jsonl", PB_ROWS)  # named .jsonl, written as parquet
    assert list(iter_rows(path)) == PB_ROWS
    text = tmp_path / "rows.parquet"  # named .parquet, written as JSONL
    text.write_text("".join(json.dumps(r) + "\n" for r in PB_ROWS))
    assert list(iter_rows(text)) == PB_ROWS


@pytest.mark.parametrize("content", [b"PAR1", b"PAR1not really parquet at all", b"PAR1" + bytes(range(256)) * 8])
def test_a_damaged_parquet_file_is_one_clear_error(tmp_path: Path, content: bytes) -> None:
    bad = tmp_path / "bad.parquet"
    bad.write_bytes(content)
    with pytest.raises(UserError, match="bad.parquet: not a readable parquet file"):
        list(iter_rows(bad))
    for args in (("label", str(bad), "--out", str(tmp_path / "o"), "--no-progress"),
                 ("eval-labels", str(bad), str(bad)),
                 ("import", "--format", "processbench", str(bad), "--out", str(tmp_path / "i.jsonl"))):
        done = run_cli(*args)
        assert done.returncode == 2, (args, done.stdout, done.stderr)
        assert "Traceback" not in done.stderr
        assert done.stderr.strip().count("\n") == 0 and "not a readable parquet file" in done.stderr


def test_a_truncated_parquet_file_is_one_clear_error(tmp_path: Path) -> None:
    whole = _write(tmp_path / "whole.parquet", PB_ROWS * 50).read_bytes()
    cut = tmp_path / "cut.parquet"
    cut.write_bytes(whole[: len(whole) // 2])  # a download stopped half way
    with pytest.raises(UserError, match="cut.parquet: not a readable parquet file"):
        list(iter_rows(cut))


def test_without_pyarrow_a_parquet_file_says_what_to_install(tmp_path: Path, monkeypatch) -> None:
    path = _write(tmp_path / "rows.parquet", PB_ROWS)
    monkeypatch.setitem(sys.modules, "pyarrow", None)  # as on an install without the data extra
    monkeypatch.setitem(sys.modules, "pyarrow.parquet", None)
    needs = r"rows.parquet: reading parquet needs pyarrow: pip install 'stepforge\[data\]'"
    with pytest.raises(UserError, match=needs):
        list(iter_rows(path))


def test_the_shared_samples_still_read_as_before() -> None:
    """JSONL and a pretty-printed JSON document are untouched by the parquet path."""
    assert len(list(iter_rows(DATA / "prm800k_example.json"))) == 1
    assert len(list(iter_rows(DATA / "prmbench_sample.jsonl"))) > 1
