"""Hugging Face datasets: runs of both domains load together, the Hub layout loads offline, every
export format writes parquet. The ``datasets`` checks run the real package in a fresh interpreter
(see ``hf_python``)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from stepforge.datasets.io import read_traces
from stepforge.schema import Trace

from .conftest import DATA, hf_python, run_cli

FORMATS = ["trl", "prm800k", "math_shepherd", "processbench", "prmbench", "stepforge"]

LOAD_JSON = """
import json, sys, datasets
from stepforge.schema import Trace
files = {files!r}
kw = {{}}
if {features!r}:
    from stepforge.datasets.hf import features
    kw["features"] = features()
ds = datasets.load_dataset("json", data_files=files, split="train", cache_dir="cache", **kw)
print(json.dumps([Trace.model_validate(r).model_dump(mode="json") for r in ds]))
"""


def _same_records(rows: list, files: list[Path]) -> None:
    want = [t for f in files for t in read_traces(f)]
    assert [Trace.model_validate(r) for r in rows] == want  # every row reads back as the record on disk


def test_math_and_code_runs_load_together_either_order(run_dir, code_dir, positive_dir, tmp_path):
    math, code, pos = (d / "traces.jsonl" for d in (run_dir, code_dir, positive_dir))
    for i, order in enumerate(([math, code], [code, math], [pos, code, math], [code, pos])):
        work = tmp_path / str(i)
        work.mkdir()
        rows = hf_python(LOAD_JSON.format(files=[str(f) for f in order], features=False), work)
        _same_records(rows, order)


def test_imported_records_load_with_the_declared_features(run_dir, code_dir, tmp_path):
    imported = tmp_path / "prm800k.traces.jsonl"
    res = run_cli("import", "--format", "prm800k", str(DATA / "prm800k_example.json"), "--out", str(imported))
    assert res.returncode == 0, res.stderr
    files = [imported, run_dir / "traces.jsonl", code_dir / "traces.jsonl"]
    rows = hf_python(LOAD_JSON.format(files=[str(f) for f in files], features=True), tmp_path)
    _same_records(rows, files)


def test_lines_written_before_the_wire_form_still_load(run_dir, tmp_path):
    nested = tmp_path / "old.jsonl"
    traces = read_traces(run_dir / "traces.jsonl")[:5]
    nested.write_text("".join(t.model_dump_json() + "\n" for t in traces))
    assert read_traces(nested) == traces
    res = run_cli("validate", str(nested))
    assert res.returncode == 0 and "5 of 5 records valid" in res.stdout, res.stdout


def _front_matter(readme: Path) -> dict:
    import yaml

    text = readme.read_text(encoding="utf-8")
    assert text.startswith("---\n")
    return yaml.safe_load(text[4:].split("\n---\n", 1)[0])


def _splits_folder(tmp_path: Path, run_dir: Path, code_dir: Path) -> Path:
    """A folder with two split files, described the way ``curate`` describes its output."""
    folder = tmp_path / "curated"
    folder.mkdir()
    (folder / "train.jsonl").write_bytes((run_dir / "traces.jsonl").read_bytes())
    (folder / "test.jsonl").write_bytes((code_dir / "traces.jsonl").read_bytes())
    (folder / "curate.json").write_text(json.dumps({"files": {"train": "train.jsonl", "test": "test.jsonl"}}))
    return folder


LOAD_DIR = """
import json, datasets, yaml
text = open("{readme}", encoding="utf-8").read()
meta = yaml.safe_load(text[4:].split("\\n---\\n", 1)[0])
declared = datasets.Features._from_yaml_list(meta["dataset_info"]["features"])
ds = datasets.load_dataset("{folder}", cache_dir="cache")
print(json.dumps({{"splits": {{s: ds[s].to_list() for s in ds}}, "declared": ds[next(iter(ds))].features == declared,
                   "features": ds[next(iter(ds))].features.to_dict()}}, default=str))
"""


def test_hf_export_is_the_hub_layout_and_loads_offline(run_dir, code_dir, tmp_path):
    src = _splits_folder(tmp_path, run_dir, code_dir)
    out = tmp_path / "hub"
    res = run_cli("export", "--format", "hf", str(src), "--out", str(out), "--license", "mit")
    assert res.returncode == 0, res.stderr
    assert sorted(p.name for p in (out / "data").iterdir()) == ["test-00000-of-00001.parquet",
                                                                "train-00000-of-00001.parquet"]
    meta = _front_matter(out / "README.md")
    assert meta["license"] == "mit"
    assert meta["configs"] == [{"config_name": "default", "data_files": [
        {"split": "train", "path": "data/train-*"}, {"split": "test", "path": "data/test-*"}]}]
    assert {s["name"]: s["num_examples"] for s in meta["dataset_info"]["splits"]} == {"train": 40, "test": 16}
    assert "huggingface-cli upload" in (out / "README.md").read_text()
    got = hf_python(LOAD_DIR.format(readme=out / "README.md", folder=out), tmp_path)
    assert got["declared"] is True  # the README's features are what datasets loads
    assert set(got["splits"]) == {"train", "test"}
    _same_records(got["splits"]["train"], [src / "train.jsonl"])
    _same_records(got["splits"]["test"], [src / "test.jsonl"])


def test_hf_export_shards_and_refuses_to_clobber(run_dir, tmp_path):
    out = tmp_path / "hub"
    res = run_cli("export", "--format", "hf", str(run_dir), "--out", str(out), "--max-shard-mb", "0.01")
    assert res.returncode == 0, res.stderr
    names = sorted(p.name for p in (out / "data").iterdir())
    n = len(names)
    assert n > 1 and names == [f"train-{i:05d}-of-{n:05d}.parquet" for i in range(n)]
    got = hf_python(LOAD_DIR.format(readme=out / "README.md", folder=out), tmp_path)
    _same_records(got["splits"]["train"], [run_dir / "traces.jsonl"])
    res = run_cli("export", "--format", "hf", str(run_dir), "--out", str(out))
    assert res.returncode == 2 and "--overwrite" in res.stderr
    res = run_cli("export", "--format", "hf", str(run_dir), "--out", str(out), "--overwrite")
    assert res.returncode == 0 and [p.name for p in (out / "data").iterdir()] == ["train-00000-of-00001.parquet"]


def test_hf_export_of_trl_rows_is_what_prmtrainer_reads(run_dir, tmp_path):
    out = tmp_path / "trl-hub"
    res = run_cli("export", "--format", "hf", str(run_dir), "--rows", "trl", "--out", str(out))
    assert res.returncode == 0, res.stderr
    got = hf_python(LOAD_DIR.format(readme=out / "README.md", folder=out), tmp_path)
    assert got["features"] == {"prompt": {"dtype": "string", "_type": "Value"},
                               "completions": {"feature": {"dtype": "string", "_type": "Value"}, "_type": "List"},
                               "labels": {"feature": {"dtype": "bool", "_type": "Value"}, "_type": "List"}}
    jsonl = tmp_path / "trl.jsonl"
    assert run_cli("export", "--format", "trl", str(run_dir), "--out", str(jsonl)).returncode == 0
    assert got["splits"]["train"] == [json.loads(x) for x in jsonl.read_text().splitlines()]


def _same(a, b) -> bool:
    """Parquet holds every column in every row: a key absent from a JSON row comes back as None."""
    if isinstance(a, dict) and isinstance(b, dict):
        return all(_same(a.get(k), b.get(k)) for k in set(a) | set(b))
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b))
    return a == b


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_format_also_writes_parquet(run_dir, tmp_path, fmt):
    import pyarrow.parquet as pq

    jsonl, parquet = tmp_path / f"{fmt}.jsonl", tmp_path / f"{fmt}.parquet"
    for out in (jsonl, parquet):
        res = run_cli("export", "--format", fmt, str(run_dir), "--out", str(out))
        assert res.returncode == 0, res.stderr
    rows = [json.loads(x) for x in jsonl.read_text().splitlines()]
    got = pq.read_table(parquet).to_pylist()
    assert len(got) == len(rows) > 0
    assert all(_same(a, b) for a, b in zip(got, rows))
    assert not list(tmp_path.glob(".*"))  # no spool or temporary file left behind


def test_parquet_of_rows_whose_types_disagree_holds_them_as_json_text():
    from stepforge.datasets.arrow import RowSchema

    shape = RowSchema()
    rows = [{"a": 1, "b": None, "c": {"x": "s"}}, {"a": "one", "b": [1, 2], "c": {"y": 2}}]
    shape.learn(rows[:1])
    shape.learn(rows[1:])
    schema = shape.final()
    assert shape.json_columns == {"a"}
    back = shape.table(rows, schema).to_pylist()
    assert [json.loads(r["a"]) for r in back] == [1, "one"]
    assert back[1]["b"] == [1, 2] and back[0]["c"] == {"x": "s", "y": None}
