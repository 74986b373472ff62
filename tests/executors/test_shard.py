"""``--shard i/N`` and ``stepforge merge``: N independent runs whose merge is exactly the single run (the same
traces and rejections, exactly COUNT, the quotas and the budget applied in item order), whatever executor each
shard ran on and however often it was killed; a shard that stopped short is named, and extending it fixes it."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from stepforge._testing.openai_server import ServerProcess
from stepforge._testing.ray_cluster import RayCluster
from stepforge.pipeline.shard import owner

from .conftest import cli_env, records, run_cli, same_run
from .test_ray import _kill_when

MATH = ("generate", "--domain", "math", "--count", "200", "--seed", "3", "--positive-fraction", "0.7",
        "--no-progress")


def _shards(args: tuple[str, ...], base: Path, n: int, *extra: str) -> list[Path]:
    outs = []
    for i in range(n):
        out = base / f"s{i}"
        r = run_cli(*args, "--out", str(out), "--shard", f"{i}/{n}", *extra)
        assert r.returncode == 0, r.stderr
        outs.append(out)
    return outs


def test_merge_of_shards_is_the_single_run(ray_cluster: RayCluster, tmp_path: Path) -> None:
    single = tmp_path / "single"
    assert run_cli(*MATH, "--out", str(single)).returncode == 0
    shards = [tmp_path / f"s{i}" for i in range(3)]
    # shard 0 killed twice and resumed, shard 1 on the Ray cluster, shard 2 plain
    cmd = [sys.executable, "-m", "stepforge", *MATH, "--out", str(shards[0]), "--shard", "0/3"]
    for kill_at in (10, 60):
        proc = _kill_when(cmd + (["--resume"] if (shards[0] / "run.json").exists() else []), shards[0], kill_at,
                          lambda p: p.kill())
        proc.wait(60)
        assert proc.returncode == -9
    assert run_cli(*cmd[3:], "--resume").returncode == 0
    r = run_cli(*MATH, "--out", str(shards[1]), "--shard", "1/3", "--executor", "ray", "--ray-address",
                ray_cluster.address)
    assert r.returncode == 0, r.stderr
    assert run_cli(*MATH, "--out", str(shards[2]), "--shard", "2/3").returncode == 0
    made = sum(len(records(s / "traces.jsonl")) for s in shards)
    assert made > 200  # each shard made its share and a margin, none cut to COUNT
    merged = tmp_path / "merged"
    r = run_cli("merge", *map(str, reversed(shards)), "--out", str(merged), "--no-progress")
    assert r.returncode == 0, r.stderr
    assert "kept 200 traces (140 correct, 60 incorrect)" in r.stdout
    for name in ("traces.jsonl", "rejected.jsonl"):  # the same records in the same order (item order)
        assert [r["id"] for r in records(merged / name)] == [r["id"] for r in records(single / name)]
    same_run(merged, single)
    a, b = (json.loads((p / "run.json").read_text()) for p in (merged, single))
    assert a["config_hash"] == b["config_hash"] and a["kept"] == b["kept"] == 200


def test_a_budget_is_applied_in_item_order_across_shards(server: ServerProcess, tmp_path: Path) -> None:
    """The openai source ends on its sampling budget: each unit's samples are in the shard's ledger, so the merged
    run stops at the same item as the single run."""
    server.reset(wrong_rate=0.5)
    problems = tmp_path / "p.jsonl"
    problems.write_text("".join(json.dumps({"problem": f"What is {i} * 4 - 1?", "answer": str(i * 4 - 1)}) + "\n"
                                for i in range(15)))
    args = ("generate", "--generator", "openai", "--model", "mock-1", "--base-url", server.url, "--domain", "math",
            "--count", "40", "--samples", "3", "--k", "1", "--max-samples", "25", "--seed", "2", "--problems",
            str(problems), "--no-progress")
    r = run_cli(*args, "--out", str(tmp_path / "single"))
    assert r.returncode == 0 and "sampling budget (25 samples) was spent" in r.stderr, r.stderr
    shards = _shards(args, tmp_path, 2)
    assert all((s / "units.jsonl").exists() for s in shards)
    r = run_cli("merge", *map(str, shards), "--out", str(tmp_path / "merged"), "--no-progress")
    assert r.returncode == 0, r.stderr
    assert "sampling budget (25 samples) was spent" in r.stderr
    same_run(tmp_path / "merged", tmp_path / "single")


def test_a_shard_that_stopped_short_is_named_and_extending_it_fixes_the_merge(tmp_path: Path) -> None:
    """Only shard 0's rows can be kept (every other row is an empty answer): the single run needs far more of
    shard 0 than its share. Merge names it and the --shard-extra that extends it; after that, the single run."""
    rows = []
    for i in range(300):
        if owner(i, 4) == 0:
            responses = [f"Step 1: $ {i} + {i + 3} = {2 * i + 3} $.\nStep 2: The final answer is $\\boxed{{{2 * i + 3}}}$.",
                         f"Step 1: $ {i} + {i + 3} = {2 * i + 4} $.\nStep 2: The final answer is $\\boxed{{{2 * i + 4}}}$."]
        else:
            responses = [""]
        rows.append({"problem": f"What is {i} + {i + 3}?", "answer": str(2 * i + 3), "responses": responses,
                     "solution": f"{i} + {i + 3} = {2 * i + 3}"})
    path = tmp_path / "r.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    args = ("generate", "--generator", "file", "--responses", str(path), "--domain", "math", "--count", "100",
            "--no-progress")
    assert run_cli(*args, "--out", str(tmp_path / "single")).returncode == 0
    shards = _shards(args, tmp_path, 4)
    merged = tmp_path / "merged"
    r = run_cli("merge", *map(str, shards), "--out", str(merged), "--no-progress")
    assert r.returncode == 2 and r.stderr.count("\n") == 1, r.stderr
    assert "shard 0/4" in r.stderr and "--resume --shard-extra" in r.stderr
    extra = r.stderr.split("--shard-extra ")[1].split()[0].rstrip(",")
    r = run_cli(*args, "--out", str(shards[0]), "--shard", "0/4", "--resume", "--shard-extra", extra)
    assert r.returncode == 0, r.stderr
    r = run_cli("merge", *map(str, shards), "--out", str(merged), "--no-progress")
    assert r.returncode == 0, r.stderr
    same_run(merged, tmp_path / "single")
    assert len(records(merged / "traces.jsonl")) == 100


def test_shard_and_merge_misuse_are_one_line_errors(tmp_path: Path) -> None:
    args = ("generate", "--domain", "math", "--count", "6", "--seed", "1", "--no-progress")
    for bad, msg in (("3/3", "must be below N"), ("1", "expected I/N"), ("-1/2", "must be below N")):
        r = run_cli(*args, "--out", str(tmp_path / "x"), f"--shard={bad}")
        assert r.returncode == 2 and msg in r.stderr and r.stderr.count("\n") == 1, r.stderr
    r = run_cli(*args, "--out", str(tmp_path / "x"), "--shard-extra", "4")
    assert r.returncode == 2 and "--shard-extra applies to --shard" in r.stderr
    s0, s1 = _shards(args, tmp_path, 2)
    r = run_cli(*args, "--out", str(s0), "--shard", "1/2", "--resume")
    assert r.returncode == 2 and "is shard 0/2, not shard 1/2" in r.stderr, r.stderr
    r = run_cli(*args, "--out", str(s0), "--resume")
    assert r.returncode == 2 and "is shard 0/2, not an unsharded run" in r.stderr, r.stderr
    for shards, msg in (([s0], "shards 1/2 are missing"), ([s0, s0], "are both shard 0/2"),
                        ([s0, tmp_path / "nope"], "not a run folder")):
        r = run_cli("merge", *map(str, shards), "--out", str(tmp_path / "m"))
        assert r.returncode == 2 and msg in r.stderr and r.stderr.count("\n") == 1, r.stderr
    other = tmp_path / "other"
    assert run_cli(*args[:-1], "--seed", "2", "--no-progress", "--out", str(other), "--shard", "1/2").returncode == 0
    r = run_cli("merge", str(s0), str(other), "--out", str(tmp_path / "m"))
    assert r.returncode == 2 and "another run configuration" in r.stderr
    assert run_cli("merge", str(s0), str(s1), "--out", str(tmp_path / "m")).returncode == 0
    r = run_cli("merge", str(s0), str(s1), "--out", str(tmp_path / "m"))
    assert r.returncode == 2 and "pass --overwrite" in r.stderr
    assert run_cli("merge", str(s0), str(s1), "--out", str(tmp_path / "m"), "--overwrite").returncode == 0
    assert len(records(tmp_path / "m" / "traces.jsonl")) == 6


def test_shards_of_a_curated_run_merge_to_the_single_run(tmp_path: Path) -> None:
    """Curation checks a trace against those the single run kept before it: shards do not curate, the merge does
    (in item order), so drops, their evidence and the splits are the single run's."""
    args = (*MATH, "--near-dup", "--near-threshold", "0.3", "--dedup", "--split", "train=0.8,test=0.2")
    single = tmp_path / "single"
    r = run_cli(*args, "--out", str(single))
    assert r.returncode == 0, r.stderr
    assert any(x["reason"] == "near_duplicate" for x in records(single / "rejected.jsonl"))
    shards = _shards(args, tmp_path, 3)
    curation = {"duplicate", "near_duplicate", "contaminated"}
    assert not any(x["reason"] in curation for s in shards if (s / "rejected.jsonl").exists()
                   for x in records(s / "rejected.jsonl"))
    merged = tmp_path / "merged"
    r = run_cli("merge", *map(str, shards), "--out", str(merged), "--no-progress")
    assert r.returncode == 0, r.stderr
    same_run(merged, single)
    assert {t["task"]["split"] for t in records(merged / "traces.jsonl")} == {"train", "test"}
