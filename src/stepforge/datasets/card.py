"""The dataset card: what a run holds and how it was made, for a person deciding whether to train on it.

``CardStats`` accumulates counters record by record (nested JSON dicts or trace lines; only the parts read are
decoded), so a run of any size is summarised in bounded memory: counts and histograms, 16 bytes of duplicate keys
per trace, and the first kept correct and incorrect traces as examples. ``render`` writes the Markdown card (YAML
front matter for the Hugging Face Hub, then the sections); ``plots.draw`` draws its figures from the same counters.
"""

from __future__ import annotations

import json
import statistics
from array import array
from collections import Counter
from collections.abc import Iterable, Mapping
from typing import Any

from stepforge.datasets.frontmatter import front_matter_text, size_category
from stepforge.datasets.keys import keys, solution_text
from stepforge.schema import SCHEMA_VERSION, Rejection, Trace, json_from_wire, wire_part

CURATION_REASONS = ("contaminated", "duplicate", "near_duplicate")
EXAMPLE_CHARS = 1500  # a problem or step longer than this is cut in the card's examples
_POLARITY = ("correct", "incorrect")


class CardStats:
    """The card's statistics, accumulated one record at a time."""

    def __init__(self) -> None:
        self.kept = self.correct = self.incorrect = self.rejected = self.steps = 0
        self.ratings: Counter[str] = Counter()
        self.sources: Counter[str] = Counter()
        self.first_errors: Counter[int] = Counter()
        self.first_error_tenths: Counter[int] = Counter()  # first error at tenth k of the solution (k = 0..9)
        self.steps_per_trace: dict[str, Counter[int]] = {p: Counter() for p in _POLARITY}
        self.injected: Counter[str] = Counter()
        self.families: dict[str, Counter[str]] = {}
        self.difficulty: dict[str, Counter[str]] = {}
        self.space: dict[str, dict[str, int]] = {}  # family -> {"size": .., "exhausted": traces past the space}
        self.splits: Counter[str] = Counter()
        self.reasons: Counter[str] = Counter()
        self.benchmarks_matched: Counter[str] = Counter()
        self.overlap_kept = 0
        self.overlap_kept_max = 0.0
        self.verifiers: set[str] = set()
        self.rules: Counter[str] = Counter()
        self.isolation: set[str] = set()
        self.strategies: set[str] = set()
        self.versions: dict[str, str] = {}
        self.examples: dict[str, dict[str, Any]] = {}  # the first kept trace of each polarity, nested
        self._problem_keys = array("Q")
        self._trace_keys = array("Q")

    def add_trace(self, t: dict[str, Any]) -> None:
        self.kept += 1
        out = t.get("outcome") or {}
        polarity = "correct" if out.get("correct") else "incorrect"
        if out.get("correct"):
            self.correct += 1
        elif out.get("correct") is False:
            self.incorrect += 1
        task = t.get("task") or {}
        meta = wire_part(task.get("metadata")) or {}
        steps = t.get("steps") or []
        self.steps += len(steps)
        self.steps_per_trace[polarity][len(steps)] += 1
        for s in steps:
            lab = s.get("label")
            if lab is not None:
                r = lab.get("rating")
                self.ratings[f"{r:+d}" if r else "0"] += 1
                self.sources[lab.get("source")] += 1
        fam = str(meta.get("family", "?"))
        self.families.setdefault(fam, Counter())[polarity] += 1
        diff = meta.get("difficulty")
        self.difficulty.setdefault("n/a" if diff is None else str(diff), Counter())[polarity] += 1
        space = meta.get("space")
        if isinstance(space, dict) and space.get("size") is not None:
            entry = self.space.setdefault(fam, {"size": int(space["size"]), "exhausted": 0})
            entry["exhausted"] += bool(space.get("exhausted"))
        fei = t.get("first_error_index")
        if fei is not None and fei != -1:
            self.first_errors[fei] += 1
            if steps:
                self.first_error_tenths[min(9, fei * 10 // len(steps))] += 1
        inj = (wire_part(t.get("generation")) or {}).get("injected_error")
        if inj:
            self.injected[inj.get("kind")] += 1
        if task.get("split"):
            self.splits[str(task["split"])] += 1
        overlap = (wire_part(t.get("extras")) or {}).get("decontamination")
        if overlap:
            self.overlap_kept += 1
            self.overlap_kept_max = max(self.overlap_kept_max, float(overlap.get("fraction") or 0.0))
        problem_key, trace_key = keys(str(task.get("prompt", "")), solution_text([str(s.get("text", "")) for s in steps]))
        self._problem_keys.append(int.from_bytes(problem_key[:8], "little"))
        self._trace_keys.append(int.from_bytes(trace_key[:8], "little"))
        self.verifiers.add(out.get("verifier"))
        self.rules[out.get("rule")] += 1
        self.isolation.add(out.get("isolation") or "none")
        self.strategies.add((t.get("labeling") or {}).get("strategy"))
        if not self.versions:
            prov = t.get("provenance") or {}
            self.versions.update({f"verifier:{k}": v for k, v in (wire_part(out.get("versions")) or {}).items()})
            self.versions.update({f"toolkit:{prov.get('toolkit')}": prov.get("toolkit_version")})
        if polarity not in self.examples:
            self.examples[polarity] = json_from_wire(t)

    def add_rejection(self, r: dict[str, Any]) -> None:
        self.rejected += 1
        reason = r.get("reason")
        self.reasons[reason] += 1
        if reason == "contaminated":
            self.benchmarks_matched[str((r.get("evidence") or {}).get("benchmark"))] += 1
        cand = r.get("candidate") or {}
        fam = cand.get("family") or (wire_part((cand.get("task") or {}).get("metadata")) or {}).get("family", "?")
        self.families.setdefault(str(fam), Counter())["rejected"] += 1

    def duplicates(self) -> dict[str, int]:
        """Among the kept traces: distinct problems and how many traces repeat an earlier problem or an earlier
        trace (same normalised problem and solution)."""
        def distinct(a: array) -> int:
            try:
                import numpy as np

                return int(np.unique(np.frombuffer(a, dtype=np.uint64)).size) if len(a) else 0
            except ImportError:
                return len(set(a))

        problems, traces = distinct(self._problem_keys), distinct(self._trace_keys)
        return {"distinct_problems": problems, "repeated_problems": len(self._problem_keys) - problems,
                "duplicate_traces": len(self._trace_keys) - traces}

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
            "first_error_tenths": dict(sorted(self.first_error_tenths.items())),
            "steps_per_trace": {p: dict(sorted(c.items())) for p, c in self.steps_per_trace.items()},
            "injected_kinds": dict(self.injected),
            "families": {k: dict(v) for k, v in sorted(self.families.items())},
            "difficulty": {k: dict(v) for k, v in sorted(self.difficulty.items(), key=lambda kv: _order(kv[0]))},
            "family_space": dict(sorted(self.space.items())),
            "splits": dict(sorted(self.splits.items())),
            "rejection_reasons": dict(self.reasons.most_common()),
            "curation_dropped": {r: self.reasons[r] for r in CURATION_REASONS if self.reasons[r]},
            "benchmarks_matched": dict(self.benchmarks_matched.most_common()),
            "overlap_kept": {"traces": self.overlap_kept, "max_fraction": round(self.overlap_kept_max, 4)},
            "duplicates": self.duplicates(),
            "verifiers": sorted(v for v in self.verifiers if v),
            "outcome_rules": dict(self.rules.most_common()),
            "isolation": sorted(self.isolation),
            "strategies": sorted(s for s in self.strategies if s),
            "versions": self.versions,
            "examples": dict(self.examples),
        }


def _order(key: str) -> tuple[int, float, str]:
    try:
        return (0, float(key), key)
    except ValueError:
        return (1, 0.0, key)


def stats(traces: Iterable[Trace], rejections: Iterable[Rejection]) -> dict[str, Any]:
    """Counts for the card from records in hand (tests, small files); a run accumulates ``CardStats`` instead."""
    acc = CardStats()
    for t in traces:
        acc.add_trace(t.model_dump(mode="json"))
    for r in rejections:
        acc.add_rejection(r.model_dump(mode="json"))
    return acc.as_dict()


# -- the Markdown -------------------------------------------------------------------------------------------------


def _cell(v: Any) -> str:
    return str(v).replace("|", "\\|").replace("\n", " ")


def _table(head: list[str], rows: list[list[Any]]) -> str:
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    lines += ["| " + " | ".join(_cell(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


def _share(n: int, total: int) -> str:
    return f"{n / total:.1%}" if total else "n/a"


def _expand(hist: Mapping[Any, int]) -> list[int]:
    return [int(k) for k, n in hist.items() for _ in range(n)]


def _spread(hist: Mapping[Any, int]) -> list[Any]:
    """min, median, mean, max of a histogram {value: count} (memory: the histogram's total, small here)."""
    values = _expand(hist)
    if not values:
        return ["n/a"] * 4
    return [min(values), statistics.median(values), f"{statistics.fmean(values):.2f}", max(values)]


def _ticks(text: str) -> int:
    """One more than the longest run of backticks in ``text``."""
    longest = run = 0
    for ch in text:
        run = run + 1 if ch == "`" else 0
        longest = max(longest, run)
    return longest + 1


def _fence(text: str, lang: str = "text") -> list[str]:
    """``text`` in a fenced block that no run of backticks in the text can close."""
    fence = "`" * max(3, _ticks(text))
    return [fence + lang, text, fence]


def _code(text: str) -> str:
    """``text`` as an inline code span, whatever backticks it holds."""
    ticks = "`" * _ticks(text)
    return f"{ticks} {text} {ticks}" if "`" in text else f"`{text}`"


def _cut(text: str) -> str:
    return text if len(text) <= EXAMPLE_CHARS else text[:EXAMPLE_CHARS] + f"\n… ({len(text) - EXAMPLE_CHARS} more characters)"


def _timeless(value: Any) -> Any:
    """Evidence without its timings (``seconds``), so that the same data gives the same card."""
    if isinstance(value, dict):
        return {k: _timeless(v) for k, v in value.items() if k != "seconds"}
    if isinstance(value, list):
        return [_timeless(v) for v in value]
    return value


def _example(t: dict[str, Any], title: str) -> list[str]:
    task, out = t.get("task") or {}, t.get("outcome") or {}
    meta = task.get("metadata") or {}
    fei = t.get("first_error_index")
    lines = [f"### {title}", "",
             f"`{t.get('id')}` · {t.get('domain')} · family `{meta.get('family', 'n/a')}` · verdict "
             f"`{out.get('verdict')}` (rule `{out.get('rule')}`, verifier `{out.get('verifier')}`)", "",
             "**Problem**", "", *_fence(_cut(str(task.get("prompt", "")))), ""]
    inj = (t.get("generation") or {}).get("injected_error")
    if inj:
        lines += [f"Injected error (by construction): `{inj.get('kind')}` at step {inj.get('step_index')}: "
                  f"{inj.get('description')}", ""]
    for s in t.get("steps") or []:
        lab = s.get("label") or {}
        r = lab.get("rating")
        mark = {1: "+1 ✓", 0: "0 (neutral)", -1: "−1 ✗"}.get(r, "unlabelled")
        head = f"Step {s.get('index')} · {mark} · {lab.get('source', 'n/a')}"
        first = s.get("index") == fei
        lines += [f"**{head} · ← first error**" if first else head, "",
                  *_fence(_cut(str(s.get("text", ""))), "python" if s.get("code") else "text"), ""]
        if first:
            ev = json.dumps(_timeless(s.get("evidence") or {}), ensure_ascii=False)
            lines += [f"Evidence: {_code(ev[:400] + ('…' if len(ev) > 400 else ''))}", ""]
    lines += [f"Final answer: {_code(str(t.get('final_answer')))}; outcome: "
              f"{'correct' if out.get('correct') else 'incorrect'}; first error index: {fei}.", ""]
    return lines


def front_matter(st: dict[str, Any], *, config: Mapping[str, Any], config_hash: str) -> dict[str, Any]:
    """The card's metadata for the Hugging Face Hub (the run's ``traces.jsonl`` as the ``train`` split)."""
    domain = str(config.get("domain"))
    return {
        "pretty_name": f"stepforge {domain} traces (seed {config.get('seed')})",
        "license": "other",
        "language": ["en"],
        "task_categories": ["text-generation"],
        "tags": ["stepforge", "synthetic", "process-supervision", "prm", domain],
        "size_categories": [size_category(st["kept"])],
        "configs": [{"config_name": "default", "data_files": [{"split": "train", "path": "traces.jsonl"}]}],
        "stepforge": {"schema": SCHEMA_VERSION, "config_hash": config_hash, "kept": st["kept"],
                      "correct": st["correct"], "incorrect": st["incorrect"], "rejected": st["rejected"]},
    }


def _plot(plots: Mapping[str, str], name: str, alt: str, folder: str) -> list[str]:
    return [f"![{alt}]({folder}/{plots[name]})", ""] if name in plots else []


def render(st: dict[str, Any], *, config: dict[str, Any], command: str | None, seconds: float | None,
           config_hash: str, source: dict[str, Any] | None = None, ended: str | None = None,
           sections: Iterable[str] = (), plots: Mapping[str, str] | None = None, plots_note: str | None = None,
           plots_folder: str = "plots", curation: Mapping[str, Any] | None = None) -> str:
    """The card as Markdown. ``source``: what the candidate source says of itself; ``ended``: why the run stopped;
    ``sections``: further Markdown sections (model usage, label quality); ``plots``: {figure: file name} in
    ``plots_folder``; ``curation``: what the run's curation was (``StreamCuration.describe()``), None without."""
    plots = plots or {}
    fams, kept = st["families"], st["kept"]
    parts = [
        front_matter(st, config=config, config_hash=config_hash),
        f"# stepforge dataset: {config.get('domain')} ({kept} traces)",
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
    meta = parts.pop(0)
    if source:
        rest = {k: v for k, v in source.items() if k != "source"}
        parts.append(f"- candidate source: `{source.get('source', config.get('generator'))}`"
                     + "".join(f"; {k}: {_code(v if isinstance(v, str) else json.dumps(v))}" for k, v in rest.items()))
    if ended:
        parts.append(f"- ended: {ended}")
    if seconds:
        parts.append(f"- wall time: {seconds:.1f} s ({kept / seconds:.1f} kept traces/s)")
    if plots_note:
        parts.append(f"- {plots_note}")
    parts += [
        "",
        "## Counts",
        "",
        _table(["kept", "correct (positive)", "incorrect (negative)", "rejected", "steps"],
               [[kept, st["correct"], st["incorrect"], st["rejected"], st["steps"]]]),
        "",
    ]
    if st["splits"]:
        parts += [_table(["split (`task.split`)", "traces"], [[k, v] for k, v in st["splits"].items()]), ""]
    n_steps = sum(st["ratings"].values())
    parts += [
        "## Step labels",
        "",
        _table(["rating", "steps", "share"],
               [[k, st["ratings"][k], _share(st["ratings"][k], n_steps)] for k in ("+1", "0", "-1")
                if k in st["ratings"]]),
        "",
        _table(["label source", "steps"], [[k, v] for k, v in sorted(st["label_sources"].items())]),
        "",
        *_plot(plots, "labels", "step label distribution", plots_folder),
        "## First errors",
        "",
        f"Over the {st['incorrect']} incorrect traces: the 0-based index of the first step labelled −1.",
        "",
        _table(["first error at step", "traces"], [[k, v] for k, v in st["first_error_positions"].items()])
        if st["first_error_positions"] else "No incorrect trace.",
        "",
    ]
    if st["first_error_tenths"]:
        parts += ["Where in the solution (first error index / steps, in tenths):", "",
                  _table(["position", "traces"], [[f"{k / 10:.1f}–{(k + 1) / 10:.1f}", v]
                                                  for k, v in st["first_error_tenths"].items()]), ""]
    parts += [
        *_plot(plots, "first_error", "first error positions", plots_folder),
        "Injected error kinds: " + (", ".join(f"{k} {v}" for k, v in sorted(st["injected_kinds"].items())) or "none"),
        "",
        "Outcome rules that decided: " + (", ".join(f"{k} {v}" for k, v in st["outcome_rules"].items()) or "none"),
        "",
        "## Steps per trace",
        "",
        _table(["traces", "count", "min", "median", "mean", "max"],
               [[p, sum(st["steps_per_trace"].get(p, {}).values()), *_spread(st["steps_per_trace"].get(p, {}))]
                for p in _POLARITY]),
        "",
        *_plot(plots, "steps", "steps per trace", plots_folder),
        "## Families and difficulty",
        "",
    ]
    space = st.get("family_space") or {}
    head = ["family", "correct", "incorrect", "rejected"] + (["problem space", "traces past the space"] if space else [])
    rows = []
    for f, c in fams.items():
        row = [f, c.get("correct", 0), c.get("incorrect", 0), c.get("rejected", 0)]
        if space:
            sp = space.get(f)
            row += [f"{sp['size']:,}", sp["exhausted"]] if sp else ["n/a", "n/a"]
        rows.append(row)
    parts += [_table(head, rows), ""]
    exhausted = {f: sp for f, sp in space.items() if sp["exhausted"]}
    if exhausted:
        parts += ["Problem space used up (problems repeat from here on): " + ", ".join(
            f"`{f}` ({sp['exhausted']} traces past its {sp['size']:,} problems)" for f, sp in exhausted.items()), ""]
    diff = st.get("difficulty") or {}
    if diff and set(diff) != {"n/a"}:
        parts += [_table(["difficulty", "correct", "incorrect"],
                         [[d, c.get("correct", 0), c.get("incorrect", 0)] for d, c in diff.items()]), ""]
    parts += [*_plot(plots, "families", "family mix", plots_folder), *_dedup_section(st, curation)]
    parts += [
        "## Rejections",
        "",
        _table(["reason", "candidates"], [[k, v] for k, v in st["rejection_reasons"].items()]) if st["rejection_reasons"]
        else "None.",
        "",
        "## Examples",
        "",
    ]
    examples = st.get("examples") or {}
    if "correct" in examples:
        parts += _example(examples["correct"], "A correct trace")
    if "incorrect" in examples:
        parts += _example(examples["incorrect"], "An incorrect trace, its first error marked")
    if not examples:
        parts += ["No trace kept.", ""]
    for section in sections:
        parts += [section.rstrip(), ""]
    parts += [
        "## Files",
        "",
        "- `traces.jsonl`: one `stepforge/1` record per line (see the README for the format).",
        "- `rejected.jsonl`: every dropped candidate with `reason`, `detail` and `evidence`.",
        "- `run.json`: the run configuration and its status.",
    ]
    if plots:
        parts.append(f"- `{plots_folder}/`: the figures of this card (PNG).")
    return front_matter_text(meta) + "\n" + "\n".join(parts) + "\n"


def _dedup_section(st: dict[str, Any], curation: Mapping[str, Any] | None) -> list[str]:
    dup = st["duplicates"]
    parts = [
        "## Duplicates and contamination",
        "",
        f"Kept traces: {dup['distinct_problems']} distinct problems; {dup['repeated_problems']} traces repeat an "
        f"earlier problem; {dup['duplicate_traces']} exact duplicate traces (same problem and solution up to case "
        "and whitespace).",
        "",
    ]
    if not curation:
        parts += ["Not curated in the run (no `--dedup`, `--near-dup`, `--decontaminate`): `stepforge curate` "
                  "does it on the files.", ""]
        return parts
    dropped = st["curation_dropped"]
    done = []
    if curation.get("exact"):
        done.append(f"exact duplicates dropped: {dropped.get('duplicate', 0)}")
    if curation.get("near"):
        done.append(f"near duplicates (MinHash LSH, Jaccard ≥ {curation.get('near_threshold')}) dropped: "
                    f"{dropped.get('near_duplicate', 0)}")
    deco = curation.get("decontamination")
    if deco:
        rule = ("any shared n-gram" if deco.get("min_overlap") is None
                else f"≥ {deco['min_overlap']:.0%} of an item's n-grams")
        names = ", ".join(f"{b['name']} ({b['items']} items)" for b in deco.get("benchmarks") or [])
        matched = ", ".join(f"{k} {v}" for k, v in st["benchmarks_matched"].items()) or "none"
        done.append(f"decontaminated against {names} with preset `{deco.get('preset')}` ({deco.get('ngram')}-grams, "
                    f"{rule}): dropped {dropped.get('contaminated', 0)} (matched: {matched}); kept with a smaller "
                    f"overlap: {st['overlap_kept']['traces']} (largest fraction {st['overlap_kept']['max_fraction']})")
    if curation.get("split"):
        done.append("split by problem group: " + ", ".join(f"{k} {v}" for k, v in curation["split"].items())
                    + f" (seed {curation.get('split_seed')})")
    parts += ["Curated as traces were written (each against the traces kept before it; dropped traces are in "
              "`rejected.jsonl` with what they match, and do not count as kept):", ""]
    parts += [f"- {d}" for d in done] + [""]
    return parts
