"""Curation as options of generate (--dedup, --near-dup, --decontaminate/--benchmark, --split): each trace is checked
against the traces kept before it as it is written; a dropped trace goes to rejected.jsonl with what it matches and
does not count toward --count; kill + resume rebuilds the indexes from the traces on disk and ends with the
uninterrupted run's records."""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import pytest

from stepforge.datasets.keys import keys, solution_text

from .conftest import kill_and_resume, records, run_cli, stable

CURATION = ("contaminated", "duplicate", "near_duplicate")


def _key(t: dict) -> bytes:
    return keys(t["task"]["prompt"], solution_text([s["text"] for s in t["steps"]]))[1]


@pytest.fixture(scope="module")
def plain_run(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("plain") / "run"
    r = run_cli("generate", "--domain", "math", "--count", "200", "--seed", "7", "--out", str(out), "--no-progress")
    assert r.returncode == 0, r.stderr
    return out


# A run that repeats problems: one family asked for more items than its problem space holds (300 quadratics), so
# the source starts over and correct solutions of a problem come back word for word.
SMALL_SPACE = ["--families", "quadratic", "--count", "400"]


@pytest.fixture(scope="module")
def repeating_run(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("repeating") / "run"
    r = run_cli("generate", "--domain", "math", *SMALL_SPACE, "--seed", "7", "--out", str(out), "--no-progress")
    assert r.returncode == 0, r.stderr
    return out


def test_the_offline_default_run_has_no_exact_duplicate(plain_run: Path) -> None:
    keys_ = [_key(t) for t in records(plain_run / "traces.jsonl")]
    assert len(keys_) == 200 and len(set(keys_)) == 200


def test_dedup_drops_repeats_without_counting_them(repeating_run: Path, tmp_path: Path) -> None:
    plain = records(repeating_run / "traces.jsonl")
    seen: set[bytes] = set()
    first_repeat = next((i for i, t in enumerate(plain) if _key(t) in seen or seen.add(_key(t))), None)
    assert first_repeat is not None, "the uncurated run has no exact duplicate: this test checks nothing"
    out = tmp_path / "d"
    r = run_cli("generate", "--domain", "math", *SMALL_SPACE, "--seed", "7", "--out", str(out), "--no-progress",
                "--dedup")
    assert r.returncode == 0, r.stderr
    traces, rejected = records(out / "traces.jsonl"), records(out / "rejected.jsonl")
    assert len(traces) == 400 and sum(t["outcome"]["correct"] for t in traces) == 200  # COUNT and quotas: kept only
    assert len({_key(t) for t in traces}) == 400
    def same(t: dict) -> dict:  # all but the config hash (curation is part of the config)
        return {**stable(t), "provenance": None}

    assert [same(t) for t in traces[:first_repeat]] == [same(t) for t in plain[:first_repeat]]  # same stream so far
    drops = [r for r in rejected if r["reason"] == "duplicate"]
    assert drops
    by_id = {t["id"]: (n, t) for n, t in enumerate(traces, 1)}
    for d in drops:  # each names the kept trace it repeats, by id and line
        line, kept = by_id[d["evidence"]["duplicate_of"]["id"]]
        assert d["evidence"]["duplicate_of"]["line"] == line
        assert _key(d["candidate"]) == _key(kept) and d["id"] == d["candidate"]["id"] != kept["id"]
        assert d["index"] == d["candidate"]["task"]["metadata"]["index"] > kept["task"]["metadata"]["index"]
    card = (out / "card.md").read_text()
    assert f"exact duplicates dropped: {len(drops)}" in card and "0 exact duplicate traces" in card
    run = json.loads((out / "run.json").read_text())
    assert run["curation"]["dropped"] == {"duplicate": len(drops)} and run["config"]["curate"]["exact"] is True
    assert "curate" not in json.loads((repeating_run / "run.json").read_text())["config"]  # same hash as before curation


def test_decontamination_drops_planted_benchmark_problems(plain_run: Path, tmp_path: Path) -> None:
    plain = records(plain_run / "traces.jsonl")
    planted = [t for t in plain if len(t["task"]["prompt"].split()) >= 14][:4]  # long enough for 8-grams
    bench = tmp_path / "bench.jsonl"
    bench.write_text("".join(json.dumps({"id": f"b{i}", "question": t["task"]["prompt"]}) + "\n"
                             for i, t in enumerate(planted)))
    out = tmp_path / "c"
    r = run_cli("generate", "--domain", "math", "--count", "200", "--seed", "7", "--out", str(out), "--no-progress",
                "--decontaminate", "stepforge", "--benchmark", f"leak={bench}")
    assert r.returncode == 0, r.stderr
    traces, rejected = records(out / "traces.jsonl"), records(out / "rejected.jsonl")
    assert len(traces) == 200
    assert not {t["task"]["prompt"] for t in planted} & {t["task"]["prompt"] for t in traces}
    hits: dict[str, list[dict]] = {}
    for x in rejected:
        if x["reason"] == "contaminated":
            hits.setdefault(x["evidence"]["item"], []).append(x)
            assert x["evidence"]["benchmark"] == "leak" and x["evidence"]["fraction"] >= 0.5  # the preset's rule
    assert set(hits) == {f"b{i}" for i in range(len(planted))}  # each planted item
    for i, t in enumerate(planted):  # the planted problem itself (with any of its solutions), matched whole
        copies = [x["evidence"] for x in hits[f"b{i}"] if x["candidate"]["task"]["prompt"] == t["task"]["prompt"]]
        assert copies and all(ev["fraction"] == 1.0 and ev["shared"] == ev["item_ngrams"] for ev in copies)
    n = sum(len(v) for v in hits.values())
    card = (out / "card.md").read_text()
    assert f"dropped {n} (matched: leak {n})" in card and "leak (4 items)" in card


def test_curation_flags_are_checked_before_the_folder_is_touched(tmp_path: Path) -> None:
    out = tmp_path / "o"
    for args, msg in [(["--decontaminate", "gpt3"], "--decontaminate needs"),
                      (["--benchmark", str(tmp_path / "nope.jsonl")], "no such file"),
                      (["--near-threshold", "0.5"], "--near-threshold applies to --near-dup"),
                      (["--split", "train=0.9,test=0.2"], "add up to"),
                      (["--split", "train"], "NAME=FRACTION"),
                      (["--split-seed", "3"], "--split-seed applies to --split")]:
        r = run_cli("generate", "--domain", "math", "--count", "5", "--out", str(out), "--no-progress", *args)
        assert r.returncode == 2 and msg in r.stderr and len(r.stderr.strip().splitlines()) == 1, (args, r.stderr)
        assert not out.exists()


def test_sigkill_and_resume_with_curation_give_the_uninterrupted_run(tmp_path: Path) -> None:
    """The indexes are rebuilt from traces.jsonl on resume: every kill point ends with the same records, splits
    and card as one uninterrupted run."""
    args = ["generate", "--domain", "math", *SMALL_SPACE, "--seed", "4", "--no-progress", "--dedup",
            "--near-dup", "--split", "train=0.8,test=0.2"]
    ref = tmp_path / "ref"
    r = run_cli(*args, "--out", str(ref))
    assert r.returncode == 0, r.stderr
    ref_rejected = records(ref / "rejected.jsonl")
    assert any(x["reason"] in CURATION for x in ref_rejected), "nothing was curated: this test checks nothing"
    out = tmp_path / "o"
    r = kill_and_resume(args, out, (30, 120, 250))
    assert r.returncode == 0, r.stderr
    for name in ("traces.jsonl", "rejected.jsonl"):
        assert stable(records(out / name)) == stable(records(ref / name))
    traces = records(out / "traces.jsonl")
    assert {t["task"]["split"] for t in traces} == {"train", "test"}
    groups: dict[str, set[str]] = {}
    for t in traces:  # no problem on both sides
        groups.setdefault(t["task"]["prompt"], set()).add(t["task"]["split"])
    assert all(len(s) == 1 for s in groups.values())

    def body(p: Path) -> list[str]:
        return [re.sub(r"wall_s [0-9.]+", "wall_s T", ln) for ln in (p / "card.md").read_text().splitlines()
                if not ln.startswith(("- command:", "- wall time:"))]  # timings differ, nothing else may

    assert body(out) == body(ref)
    # export takes the run's splits from task.split: one file per split, one parquet split each
    for name in ("train", "test"):
        r = run_cli("export", "--format", "trl", str(out), "--split", name, "--out", str(tmp_path / f"{name}.jsonl"))
        assert r.returncode == 0, r.stderr
        prompts = {json.loads(x)["prompt"] for x in (tmp_path / f"{name}.jsonl").read_text().splitlines()}
        assert prompts == {t["task"]["prompt"] for t in traces if t["task"]["split"] == name}
    r = run_cli("export", "--format", "hf", str(out), "--out", str(tmp_path / "hub"))
    assert r.returncode == 0, r.stderr
    import pyarrow.parquet as pq

    for name in ("train", "test"):
        (shard,) = (tmp_path / "hub" / "data").glob(f"{name}-*.parquet")
        assert pq.read_table(shard).num_rows == sum(t["task"]["split"] == name for t in traces)
    assert sorted(p.name for p in (tmp_path / "hub" / "plots").iterdir()) == sorted(
        p.name for p in (out / "plots").iterdir())


def test_exact_dedup_and_the_card_need_no_data_extra(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Without numpy, rensa and matplotlib (a core install), --dedup works and the card counts duplicates; near
    duplicates say which extra they need, before the folder is touched."""
    from stepforge.errors import UserError
    from stepforge.pipeline import RunConfig, run

    for name in ("numpy", "rensa", "matplotlib"):
        monkeypatch.setitem(sys.modules, name, None)  # import fails
    for name in [m for m in sys.modules if m.startswith(("stepforge.datasets.curate.", "stepforge.datasets.plots"))
                 and not m.endswith((".options", ".stream"))]:
        monkeypatch.delitem(sys.modules, name)  # imported again (and failing) if a run needs them
    out = tmp_path / "o"
    summary = run(RunConfig(domain="math", count=30, seed=7, out=out, progress=False, curate={"exact": True,
                                                                                              "near": False}))
    assert summary.kept == 30
    card = (out / "card.md").read_text()
    assert "exact duplicates dropped:" in card and "0 exact duplicate traces" in card and "matplotlib" in card
    with pytest.raises(UserError, match="data extra"):
        run(RunConfig(domain="math", count=5, out=tmp_path / "n", progress=False, curate={"near": True}))
    assert not (tmp_path / "n").exists()
