"""Commands stream: peak memory does not grow with the number of records (1M-trace files work; curate's
duplicate index is the exception, sized in curate.json).

Each command runs on a file of N and of 10 N records in a fresh interpreter; the peak RSS of the two
runs must be within a few MB (holding the records would add hundreds of MB at 10 N)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import ROOT

SMALL, BIG = 1_200, 12_000
GROWTH_KB = 25_000  # allowed peak growth from N to 10 N records


def _replicate(src: Path, out: Path, n: int) -> Path:
    lines = [json.loads(x) for x in src.read_text().splitlines()]
    with out.open("w") as fh:
        for i in range(n):
            rec = dict(lines[i % len(lines)])
            rec["id"] = f"{rec['id']}-{i}"
            fh.write(json.dumps(rec, ensure_ascii=False, separators=(",", ":")) + "\n")
    return out


def _peak_kb(args: list[str], cwd: Path) -> int:
    code = ("import resource, sys\nfrom stepforge.cli import main\nrc = main(sys.argv[1:])\n"
            "print('PEAK', resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, rc)")
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    res = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, env=env, cwd=cwd,
                         timeout=600)
    peak = [x for x in res.stdout.splitlines() if x.startswith("PEAK ")]
    assert peak and peak[0].endswith(" 0"), res.stdout[-2000:] + res.stderr[-2000:]
    return int(peak[0].split()[1])


@pytest.fixture(scope="module")
def sizes(tmp_path_factory, run_dir: Path) -> dict[str, Path]:
    d = tmp_path_factory.mktemp("stream")
    return {"small": _replicate(run_dir / "traces.jsonl", d / "small.jsonl", SMALL),
            "big": _replicate(run_dir / "traces.jsonl", d / "big.jsonl", BIG)}


COMMANDS = {
    "validate": lambda src, out: ["validate", str(src)],
    "export-jsonl": lambda src, out: ["export", "--format", "trl", str(src), "--out", str(out / "x.jsonl")],
    "export-parquet": lambda src, out: ["export", "--format", "stepforge", str(src), "--out", str(out / "x.parquet")],
    "export-projection-parquet": lambda src, out: ["export", "--format", "processbench", str(src),
                                                   "--out", str(out / "x.parquet")],
    "export-hf": lambda src, out: ["export", "--format", "hf", str(src), "--out", str(out / "hub")],
    # the rows are copies of 40 traces: the dedup index (which may grow, and is reported) stays small
    "curate": lambda src, out: ["curate", str(src), "--out", str(out / "c"), "--benchmark", "humaneval",
                                "--split", "train=0.9,test=0.1"],
}


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_peak_memory_does_not_grow_with_the_file(sizes: dict[str, Path], tmp_path: Path, name: str):
    peaks = {}
    for size, src in sizes.items():
        out = tmp_path / size
        out.mkdir()
        peaks[size] = _peak_kb(COMMANDS[name](src, out), out)
    assert peaks["big"] - peaks["small"] < GROWTH_KB, peaks


def test_import_streams_too(sizes: dict[str, Path], tmp_path: Path):
    peaks = {}
    for size, src in sizes.items():
        out = tmp_path / size
        out.mkdir()
        assert _peak_kb(["export", "--format", "trl", str(src), "--out", str(out / "rows.jsonl")], out)
        peaks[size] = _peak_kb(["import", "--format", "trl", str(out / "rows.jsonl"), "--out", str(out / "t.jsonl")], out)
    assert peaks["big"] - peaks["small"] < GROWTH_KB, peaks
