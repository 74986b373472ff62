"""The dataset card: what a run holds and how it was made, written from the files themselves."""

from __future__ import annotations

from collections import Counter
from typing import Any

from stepforge.schema import SCHEMA_VERSION, Rejection, Trace


def stats(traces: list[Trace], rejections: list[Rejection]) -> dict[str, Any]:
    """Counts for the card and the CLI summary."""
    ratings: Counter[str] = Counter()
    sources: Counter[str] = Counter()
    for t in traces:
        for s in t.steps:
            if s.label is not None:
                ratings[f"{s.label.rating:+d}" if s.label.rating else "0"] += 1
                sources[s.label.source] += 1
    fams: dict[str, Counter[str]] = {}
    for t in traces:
        c = fams.setdefault(str(t.task.metadata.get("family", "?")), Counter())
        c["correct" if t.outcome.correct else "incorrect"] += 1
    for r in rejections:
        fam = r.candidate.get("family") or r.candidate.get("task", {}).get("metadata", {}).get("family", "?")
        fams.setdefault(str(fam), Counter())["rejected"] += 1
    versions: dict[str, str] = {}
    for t in traces[:1]:
        versions.update({f"verifier:{k}": v for k, v in t.outcome.versions.items()})
        versions.update({f"toolkit:{t.provenance.toolkit}": t.provenance.toolkit_version})
    return {
        "kept": len(traces),
        "correct": sum(1 for t in traces if t.outcome.correct),
        "incorrect": sum(1 for t in traces if t.outcome.correct is False),
        "rejected": len(rejections),
        "steps": sum(len(t.steps) for t in traces),
        "ratings": dict(ratings),
        "label_sources": dict(sources),
        "first_error_positions": dict(sorted(Counter(t.first_error_index for t in traces if t.first_error_index != -1).items())),
        "injected_kinds": dict(Counter(t.generation.injected_error.kind for t in traces if t.generation.injected_error)),
        "families": {k: dict(v) for k, v in sorted(fams.items())},
        "rejection_reasons": dict(Counter(r.reason for r in rejections).most_common()),
        "verifiers": sorted({t.outcome.verifier for t in traces}),
        "outcome_rules": dict(Counter(t.outcome.rule for t in traces).most_common()),
        "isolation": sorted({t.outcome.isolation or "none" for t in traces}),
        "strategies": sorted({t.labeling.strategy for t in traces}),
        "versions": versions,
    }


def _table(head: list[str], rows: list[list[Any]]) -> str:
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


def render(st: dict[str, Any], *, config: dict[str, Any], command: str | None, seconds: float | None,
           config_hash: str) -> str:
    """The card as Markdown."""
    fams = st["families"]
    parts = [
        f"# stepforge dataset: {config.get('domain')} ({st['kept']} traces)",
        "",
        "Verified, step-labelled reasoning traces made by stepforge. Every kept trace has a conclusive "
        "outcome from the verifier and step labels that agree with it; every dropped candidate is in "
        "`rejected.jsonl` with its reason.",
        "",
        "## How it was made",
        "",
        f"- command: `{command or 'n/a'}`",
        f"- schema: `{SCHEMA_VERSION}`; config hash: `{config_hash}`",
        f"- generator: `{config.get('generator')}`; seed: `{config.get('seed')}`; "
        f"positive fraction: `{config.get('positive_fraction')}`",
        f"- verifier(s): {', '.join(f'`{v}`' for v in st['verifiers']) or 'n/a'}; isolation: "
        f"{', '.join(st['isolation']) or 'n/a'}; labelling: {', '.join(st['strategies']) or 'n/a'}",
        "- versions: " + (", ".join(f"{k} {v}" for k, v in sorted(st["versions"].items())) or "n/a"),
    ]
    if seconds:
        parts.append(f"- wall time: {seconds:.1f} s ({st['kept'] / seconds:.1f} kept traces/s)")
    parts += [
        "",
        "## Counts",
        "",
        _table(["kept", "correct (positive)", "incorrect (negative)", "rejected", "steps"],
               [[st["kept"], st["correct"], st["incorrect"], st["rejected"], st["steps"]]]),
        "",
        "## Families",
        "",
        _table(["family", "correct", "incorrect", "rejected"],
               [[f, c.get("correct", 0), c.get("incorrect", 0), c.get("rejected", 0)] for f, c in fams.items()]),
        "",
        "## Step labels",
        "",
        _table(["rating", "steps"], [[k, v] for k, v in sorted(st["ratings"].items())]),
        "",
        _table(["label source", "steps"], [[k, v] for k, v in sorted(st["label_sources"].items())]),
        "",
        "First error position (0-based step index) over incorrect traces:",
        "",
        _table(["first error at step", "traces"], [[k, v] for k, v in st["first_error_positions"].items()]),
        "",
        "Injected error kinds: " + (", ".join(f"{k} {v}" for k, v in sorted(st["injected_kinds"].items())) or "none"),
        "",
        "Outcome rules that decided: " + (", ".join(f"{k} {v}" for k, v in st["outcome_rules"].items()) or "none"),
        "",
        "## Rejections",
        "",
        _table(["reason", "candidates"], [[k, v] for k, v in st["rejection_reasons"].items()]) if st["rejection_reasons"]
        else "None.",
        "",
        "## Files",
        "",
        "- `traces.jsonl`: one `stepforge/1` record per line (see the README for the format).",
        "- `rejected.jsonl`: every dropped candidate with `reason` and `detail`.",
        "- `run.json`: the run configuration and its status.",
        "",
    ]
    return "\n".join(parts)
