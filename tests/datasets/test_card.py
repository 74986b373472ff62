"""The dataset card people read: front matter the Hub (and ``datasets``) reads, every section consistent with the
traces it describes, two examples (the first error marked where the labels put it), figures linked and drawn, and a
card without figures when matplotlib is missing."""

from __future__ import annotations

import json
import re
import shutil
import sys
from collections import Counter
from pathlib import Path

import pytest
import yaml

from stepforge.datasets import card as card_mod
from stepforge.datasets import plots
from stepforge.datasets.card import CardStats, render
from stepforge.pipeline import RunConfig, run
from stepforge.schema import json_from_wire

from .conftest import hf_python


def _traces(folder: Path) -> list[dict]:
    return [json_from_wire(json.loads(line)) for line in (folder / "traces.jsonl").read_text().splitlines()]


def _front(text: str) -> tuple[dict, str]:
    assert text.startswith("---\n")
    head, body = text[4:].split("\n---\n", 1)
    return yaml.safe_load(head), body


def _section(body: str, title: str) -> str:
    return body.split(f"## {title}\n", 1)[1].split("\n## ", 1)[0]


def _table(text: str) -> dict[str, list[str]]:
    """The first Markdown table of ``text``: first column -> the other cells."""
    lines = text.splitlines()
    start = next(i for i, ln in enumerate(lines) if ln.startswith("| "))
    rows = []
    for ln in lines[start:]:
        if not ln.startswith("|"):
            break
        rows.append(ln)
    return {r.split("|")[1].strip(): [c.strip() for c in r.split("|")[2:-1]] for r in rows[2:]}  # after head, ---


def test_front_matter_is_hub_metadata_and_datasets_reads_it(run_dir: Path, tmp_path: Path) -> None:
    text = (run_dir / "card.md").read_text()
    meta, _ = _front(text)
    traces = _traces(run_dir)
    assert meta["configs"] == [{"config_name": "default", "data_files": [{"split": "train", "path": "traces.jsonl"}]}]
    assert meta["size_categories"] == ["n<1K"] and "math" in meta["tags"] and meta["license"]
    assert meta["stepforge"]["kept"] == len(traces) == 40 and meta["stepforge"]["schema"] == "stepforge/1"
    # the card as a repository README: datasets reads its configs and loads the traces offline
    repo = tmp_path / "repo"
    repo.mkdir()
    shutil.copy(run_dir / "traces.jsonl", repo / "traces.jsonl")
    shutil.copy(run_dir / "card.md", repo / "README.md")
    got = hf_python(f"import datasets, json; d = datasets.load_dataset({str(repo)!r}); "
                    "print(json.dumps({k: v.num_rows for k, v in d.items()}))", tmp_path)
    assert got == {"train": 40}


def test_sections_agree_with_the_traces(run_dir: Path) -> None:
    _, body = _front((run_dir / "card.md").read_text())
    traces = _traces(run_dir)
    wrong = [t for t in traces if not t["outcome"]["correct"]]
    fe = _table(_section(body, "First errors"))
    assert {int(k): int(v[0]) for k, v in fe.items()} == Counter(t["first_error_index"] for t in wrong)
    ratings = Counter(s["label"]["rating"] for t in traces for s in t["steps"])
    labels = _table(_section(body, "Step labels"))
    assert {k: int(v[0]) for k, v in labels.items()} == {f"{r:+d}" if r else "0": n for r, n in ratings.items()}
    steps = _table(_section(body, "Steps per trace"))
    for name, group in (("correct", [t for t in traces if t["outcome"]["correct"]]), ("incorrect", wrong)):
        lengths = sorted(len(t["steps"]) for t in group)
        assert steps[name][:2] == [str(len(group)), str(lengths[0])] and steps[name][-1] == str(lengths[-1])
    fams = _table(_section(body, "Families and difficulty"))
    by_family = Counter((t["task"]["metadata"]["family"], t["outcome"]["correct"]) for t in traces)
    from stepforge.generators.procedural.math import FAMILIES

    for fam, cells in fams.items():
        assert [int(cells[0]), int(cells[1])] == [by_family[(fam, True)], by_family[(fam, False)]]
        assert cells[3:] == [f"{FAMILIES.get(fam).size:,}", "0"]  # each family's space, none used up in 40 traces
    dup = _section(body, "Duplicates and contamination")
    assert f"{len({t['task']['prompt'] for t in traces})} distinct problems" in dup and "Not curated" in dup
    rejected = [json.loads(x) for x in (run_dir / "rejected.jsonl").read_text().splitlines()]
    reasons = _table(_section(body, "Rejections")) if rejected else {}
    assert {k: int(v[0]) for k, v in reasons.items()} == Counter(r["reason"] for r in rejected)


def test_examples_are_the_first_kept_traces_with_the_first_error_marked(run_dir: Path) -> None:
    _, body = _front((run_dir / "card.md").read_text())
    traces = _traces(run_dir)
    correct = next(t for t in traces if t["outcome"]["correct"])
    wrong = next(t for t in traces if not t["outcome"]["correct"])
    examples = _section(body, "Examples")
    good, bad = examples.split("### An incorrect trace, its first error marked\n")
    assert f"`{correct['id']}`" in good and "first error ·" not in good and "← first error" not in good
    assert f"`{wrong['id']}`" in bad and bad.count("← first error") == 1
    marked = re.search(r"\*\*Step (\d+) · −1 ✗ · [^*]+ · ← first error\*\*", bad)
    assert marked and int(marked.group(1)) == wrong["first_error_index"] >= 0
    assert wrong["steps"][wrong["first_error_index"]]["text"] in bad.split("← first error", 1)[1]
    assert all(s["text"] in good for s in correct["steps"])


def test_plots_are_drawn_and_linked(run_dir: Path) -> None:
    text = (run_dir / "card.md").read_text()
    links = re.findall(r"!\[[^\]]*\]\((plots/[^)]+)\)", text)
    assert sorted(links) == sorted(f"plots/{n}.png" for n in plots.NAMES)
    for link in links:
        data = (run_dir / link).read_bytes()
        assert data.startswith(b"\x89PNG\r\n\x1a\n") and len(data) > 5000


def test_without_matplotlib_the_card_renders_without_plots(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "matplotlib", None)  # import matplotlib raises ImportError
    out = tmp_path / "o"
    run(RunConfig(domain="math", count=6, seed=2, out=out, progress=False))
    text = (out / "card.md").read_text()
    assert plots.MISSING in text and "![" not in text and not (out / "plots").exists()
    assert "## First errors" in text and "## Examples" in text


def test_extra_sections_exhausted_spaces_and_backticks(code_dir: Path) -> None:
    traces = _traces(code_dir)
    acc = CardStats()
    for i, t in enumerate(traces):
        t = json.loads(json.dumps(t))
        if i % 2:  # as if the template's problems were used up
            t["task"]["metadata"]["space"]["exhausted"] = True
        if i == 0:
            t["steps"][0]["text"] += "\n````\nnot the end of the block"
        acc.add_trace(t)
    st = acc.as_dict()
    text = render(st, config={"domain": "code", "seed": 2}, command="x", seconds=None, config_hash="h",
                  sections=["## Label quality\n\nfrom another part of stepforge"])
    _, body = _front(text)
    assert "## Label quality\n\nfrom another part of stepforge" in body
    assert body.index("## Label quality") > body.index("## Examples")
    assert "Problem space used up" in body and "problem space" in _section(body, "Families and difficulty")
    fam = traces[1]["task"]["metadata"]["family"]
    assert f"`{fam}` (" in body
    assert "`````text" in body  # a longer fence than the step's own


def test_card_stats_read_trace_lines_and_nested_records_alike(run_dir: Path) -> None:
    lines = [json.loads(x) for x in (run_dir / "traces.jsonl").read_text().splitlines()]
    a, b = CardStats(), CardStats()
    for w in lines:
        a.add_trace(w)
        b.add_trace(json_from_wire(w))
    assert a.as_dict() == b.as_dict()
    assert card_mod.stats([], [])["duplicates"] == {"distinct_problems": 0, "repeated_problems": 0,
                                                    "duplicate_traces": 0}
