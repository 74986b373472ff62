"""The dataset card: what a run holds and how it was made, written from the files themselves."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from typing import Any

from stepforge.schema import SCHEMA_VERSION, Rejection, Trace, wire_part


class CardStats:
    """The card's statistics, accumulated one record at a time (records as JSON dicts, nested or in the line form:
    only the parts read are decoded), so a run of any size is summarised in constant memory: counts, label
    distributions and histograms, never the records themselves."""

    def __init__(self) -> None:
        self.kept = self.correct = self.incorrect = self.rejected = self.steps = 0
        self.ratings: Counter[str] = Counter()
        self.sources: Counter[str] = Counter()
        self.first_errors: Counter[int] = Counter()
        self.injected: Counter[str] = Counter()
        self.families: dict[str, Counter[str]] = {}
        self.reasons: Counter[str] = Counter()
        self.verifiers: set[str] = set()
        self.rules: Counter[str] = Counter()
        self.isolation: set[str] = set()
        self.strategies: set[str] = set()
        self.versions: dict[str, str] = {}

    def add_trace(self, t: dict[str, Any]) -> None:
        self.kept += 1
        out = t.get("outcome") or {}
        if out.get("correct"):
            self.correct += 1
        elif out.get("correct") is False:
            self.incorrect += 1
        steps = t.get("steps") or []
        self.steps += len(steps)
        for s in steps:
            lab = s.get("label")
            if lab is not None:
                r = lab.get("rating")
                self.ratings[f"{r:+d}" if r else "0"] += 1
                self.sources[lab.get("source")] += 1
        fam = str((wire_part((t.get("task") or {}).get("metadata")) or {}).get("family", "?"))
        self.families.setdefault(fam, Counter())["correct" if out.get("correct") else "incorrect"] += 1
        fei = t.get("first_error_index")
        if fei is not None and fei != -1:
            self.first_errors[fei] += 1
        inj = (wire_part(t.get("generation")) or {}).get("injected_error")
        if inj:
            self.injected[inj.get("kind")] += 1
        self.verifiers.add(out.get("verifier"))
        self.rules[out.get("rule")] += 1
        self.isolation.add(out.get("isolation") or "none")
        self.strategies.add((t.get("labeling") or {}).get("strategy"))
        if not self.versions:
            prov = t.get("provenance") or {}
            self.versions.update({f"verifier:{k}": v for k, v in (wire_part(out.get("versions")) or {}).items()})
            self.versions.update({f"toolkit:{prov.get('toolkit')}": prov.get("toolkit_version")})

    def add_rejection(self, r: dict[str, Any]) -> None:
        self.rejected += 1
        self.reasons[r.get("reason")] += 1
        cand = r.get("candidate") or {}
        fam = cand.get("family") or ((cand.get("task") or {}).get("metadata") or {}).get("family", "?")
        self.families.setdefault(str(fam), Counter())["rejected"] += 1

    def as_dict(self) -> dict[str, Any]:
        """Counts for the card and the run summary."""
        return {
            "kept": self.kept,
            "correct": self.correct,
            "incorrect": self.incorrect,
            "rejected": self.rejected,
            "steps": self.steps,
            "ratings": dict(self.ratings),
            "label_sources": dict(self.sources),
            "first_error_positions": dict(sorted(self.first_errors.items())),
            "injected_kinds": dict(self.injected),
            "families": {k: dict(v) for k, v in sorted(self.families.items())},
            "rejection_reasons": dict(self.reasons.most_common()),
            "verifiers": sorted(self.verifiers),
            "outcome_rules": dict(self.rules.most_common()),
            "isolation": sorted(self.isolation),
            "strategies": sorted(self.strategies),
            "versions": self.versions,
        }


def stats(traces: Iterable[Trace], rejections: Iterable[Rejection]) -> dict[str, Any]:
    """Counts for the card from records in hand (tests, small files); a run accumulates ``CardStats`` instead."""
    acc = CardStats()
    for t in traces:
        acc.add_trace(t.model_dump(mode="json"))
    for r in rejections:
        acc.add_rejection(r.model_dump(mode="json"))
    return acc.as_dict()


def _table(head: list[str], rows: list[list[Any]]) -> str:
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


def render(st: dict[str, Any], *, config: dict[str, Any], command: str | None, seconds: float | None,
           config_hash: str, source: dict[str, Any] | None = None, ended: str | None = None,
           sections: Iterable[str] = ()) -> str:
    """The card as Markdown. ``source``: what the candidate source says of itself; ``ended``: why the run stopped;
    ``sections``: further Markdown sections (model usage)."""
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
    if source:
        parts.append("- source: " + "; ".join(f"{k}: `{v}`" for k, v in source.items()))
    if ended:
        parts.append(f"- ended: {ended}")
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
    for section in sections:
        parts += [section, ""]
    return "\n".join(parts)
