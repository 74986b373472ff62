"""Label evaluation: how well one labelled file (PRED) agrees with another (GOLD) on the same solutions.

Both files may be in any importable format (stepforge traces or a run folder, ProcessBench, PRM800K,
PRMBench, TRL, Math-Shepherd). Items are paired by trace id, else by content (prompt and step texts,
whitespace-normalised). Reported, as in ProcessBench: accuracy on erroneous solutions (the predicted
first error is the gold one), accuracy on correct ones (no error predicted), and their harmonic mean F1;
then step-level precision and recall of -1 over steps both files label, the histogram of first-error
offsets (pred - gold; ``missed``: gold has an error, pred none; ``false_alarm``: the reverse;
``no_error_both``; ``abstained``: pred does not say), kept precision and yield under the keep rule (a stepforge run keeps the traces in
``traces.jsonl``; its ``rejected.jsonl`` candidates are labelled but not kept; rows of other formats
count as kept), and the labelling cost per trace.

Streaming: both files are read once, in step; a pair that arrives in the same order is scored at once,
and only items still waiting for their partner are held (as small summaries, never whole traces).
"""

from __future__ import annotations

import hashlib
import json
import re
from collections import Counter
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, NamedTuple

from pydantic import BaseModel, Field, ValidationError

from stepforge.datasets import importers
from stepforge.errors import UserError
from stepforge.schema import Cost, Trace

FORMATS = ("stepforge", "processbench", "prm800k", "prmbench", "trl", "math_shepherd")
OFFSET_BUCKETS = ("<=-3", "-2", "-1", "0", "+1", "+2", ">=+3", "missed", "false_alarm", "no_error_both", "abstained")


class Item(NamedTuple):
    """What scoring needs of one labelled solution."""

    id: str
    content: str
    first_error: int | None  # -1: no error; None: unknown
    ratings: tuple[int | None, ...]
    kept: bool
    cost: tuple[float, ...]


_WS = re.compile(r"\s+")


def _norm(text: str) -> str:
    return _WS.sub(" ", text).strip()


def content_key(prompt: str, steps: Iterable[str]) -> str:
    """The same solution in another file: prompt and step texts, whitespace-normalised."""
    blob = "\x1f".join([_norm(prompt), *(_norm(s) for s in steps)])
    return hashlib.sha256(blob.encode()).hexdigest()[:24]


_COST_FIELDS = tuple(Cost.model_fields)


def summarize(trace: Trace, kept: bool = True) -> Item:
    """What scoring needs of ``trace``. A rejected trace whose answer is wrong yet has no step at -1 (its error was
    not located) says nothing of where the first error is: unknown, never "no error"."""
    ratings = tuple(s.label.rating if s.label is not None else None for s in trace.steps)
    cost = trace.labeling.cost
    first = trace.first_error_index
    if not kept and first == -1 and trace.outcome.correct is False:
        first = None
    return Item(id=trace.id, content=content_key(trace.task.prompt, (s.text for s in trace.steps)),
                first_error=first, ratings=ratings, kept=kept,
                cost=tuple(float(getattr(cost, f)) for f in _COST_FIELDS))


def detect_format(row: Any) -> str:
    """The format of a labelled row, from its keys."""
    if not isinstance(row, dict):
        raise UserError("a labelled file holds JSON objects, one per solution")
    keys = set(row)
    if str(row.get("schema_version", "")).startswith("stepforge/"):
        return "stepforge"
    if {"question", "label"} <= keys:
        return "prm800k"
    if {"modified_process", "error_steps"} <= keys:
        return "prmbench"
    if {"steps", "label", "final_answer_correct"} <= keys:
        return "processbench"
    if {"prompt", "completions", "labels"} <= keys:
        return "trl"
    if {"input", "label"} <= keys:
        return "math_shepherd"
    raise UserError(f"cannot tell the format of a row with keys {', '.join(sorted(keys)[:8])}: pass the format")


def _stepforge_rows(path: Path) -> Iterator[tuple[dict[str, Any], bool]]:
    """A run folder (kept traces, then labelled rejected candidates) or a traces JSONL file."""
    if path.is_dir():
        traces, rejected = path / "traces.jsonl", path / "rejected.jsonl"
        if not traces.is_file():
            raise UserError(f"{path} is a folder without traces.jsonl (not a stepforge run)")
        for row in importers.iter_rows(traces):
            yield row, True
        if rejected.is_file():
            for row in importers.iter_rows(rejected):
                cand = row.get("candidate") if isinstance(row, dict) else None
                if isinstance(cand, dict) and "steps" in cand and "schema_version" in cand:
                    yield cand, False
        return
    for row in importers.iter_rows(path):
        yield row, bool(row.get("verified", True)) if isinstance(row, dict) else True


def labelled_traces(path: Path, fmt: str | None = None) -> Iterator[tuple[Trace, bool]]:
    """The labelled solutions in ``path`` as traces, streamed, each with whether it counts as kept (a stepforge
    run's rejected candidates do not; rows of other formats do). ``fmt``: one of ``FORMATS`` (default: detected
    from the first row)."""
    if not path.exists():
        raise UserError(f"{path} does not exist")
    if fmt is not None and fmt not in FORMATS:
        raise UserError(f"unknown label format {fmt!r} (known: {', '.join(FORMATS)})")
    if path.is_dir():
        fmt = fmt or "stepforge"
        if fmt != "stepforge":
            raise UserError(f"{path} is a folder: only a stepforge run can be read from a folder")
    n = 0
    if fmt is None:
        first = next(iter(importers.iter_rows(path)), None)
        if first is None:
            return
        fmt = detect_format(first)
    if fmt == "stepforge":
        for row, kept in _stepforge_rows(path):
            n += 1
            try:
                yield Trace.model_validate(row), kept
            except ValidationError as exc:
                raise UserError(f"{path}: record {n} does not match schema stepforge/1: {exc.errors()[0]['msg']}") from None
        return
    try:
        for trace in importers.iter_traces(fmt, importers.iter_rows(path)):
            yield trace, True
    except importers.ImportFormatError as exc:
        raise UserError(f"{path}: {exc}") from None


def read_items(path: Path, fmt: str | None = None) -> Iterator[Item]:
    """Summaries of the labelled solutions in ``path``, streamed."""
    for trace, kept in labelled_traces(path, fmt):
        yield summarize(trace, kept)


class StepScores(BaseModel):
    """Step-level agreement on -1 over steps both files label."""

    compared_steps: int = 0
    both_wrong: int = 0  # both -1
    false_alarms: int = 0  # pred -1, gold not
    missed: int = 0  # gold -1, pred not
    precision: float | None = None
    recall: float | None = None


class LabelEval(BaseModel):
    """The comparison of PRED's labels with GOLD's (``stepforge eval-labels``)."""

    gold: str
    pred: str
    matched: int = 0
    gold_only: int = 0
    pred_only: int = 0
    gold_unknown: int = 0  # matched, but GOLD does not say where (or whether) the first error is
    erroneous: int = 0
    correct: int = 0
    acc_erroneous: float | None = None
    acc_correct: float | None = None
    f1: float | None = None
    steps: StepScores = Field(default_factory=StepScores)
    offsets: dict[str, int] = Field(default_factory=dict)
    kept: int = 0
    kept_right: int = 0
    kept_precision: float | None = None
    yield_: float | None = Field(None, alias="yield")
    cost_per_trace: dict[str, float] = Field(default_factory=dict)

    model_config = {"populate_by_name": True}


def _ratio(a: int, b: int) -> float | None:
    return round(a / b, 6) if b else None


def _bucket(gold: int, pred: int | None) -> str:
    if pred is None:
        return "abstained"
    if gold >= 0 and pred == -1:
        return "missed"
    if gold == -1:
        return "false_alarm" if pred >= 0 else "no_error_both"
    d = pred - gold
    return "<=-3" if d <= -3 else ">=+3" if d >= 3 else f"{d:+d}" if d else "0"


class _Tally:
    def __init__(self) -> None:
        self.c: Counter[str] = Counter()
        self.offsets: Counter[str] = Counter()
        self.cost = [0.0] * len(_COST_FIELDS)

    def add(self, g: Item, p: Item) -> None:
        c = self.c
        c["matched"] += 1
        self.cost = [a + b for a, b in zip(self.cost, p.cost)]
        for gr, pr in zip(g.ratings, p.ratings):
            if gr is None or pr is None:
                continue
            c["steps"] += 1
            if gr == -1 and pr == -1:
                c["tp"] += 1
            elif pr == -1:
                c["fp"] += 1
            elif gr == -1:
                c["fn"] += 1
        if g.first_error is None:
            c["gold_unknown"] += 1
            return
        right = p.first_error == g.first_error
        c["erroneous" if g.first_error >= 0 else "correct"] += 1
        if right:
            c["right_erroneous" if g.first_error >= 0 else "right_correct"] += 1
        self.offsets[_bucket(g.first_error, p.first_error)] += 1
        if p.kept:
            c["kept"] += 1
            c["kept_right"] += right

    def result(self, gold: str, pred: str, gold_only: int, pred_only: int) -> LabelEval:
        c = self.c
        a_err, a_cor = _ratio(c["right_erroneous"], c["erroneous"]), _ratio(c["right_correct"], c["correct"])
        f1 = round(2 * a_err * a_cor / (a_err + a_cor), 4) if a_err is not None and a_cor is not None and a_err + a_cor else (
            0.0 if a_err == 0 and a_cor == 0 else None)
        judged = c["erroneous"] + c["correct"]
        n = c["matched"]
        return LabelEval(
            gold=gold, pred=pred, matched=n, gold_only=gold_only, pred_only=pred_only, gold_unknown=c["gold_unknown"],
            erroneous=c["erroneous"], correct=c["correct"], acc_erroneous=a_err, acc_correct=a_cor, f1=f1,
            steps=StepScores(compared_steps=c["steps"], both_wrong=c["tp"], false_alarms=c["fp"],
                             missed=c["fn"], precision=_ratio(c["tp"], c["tp"] + c["fp"]),
                             recall=_ratio(c["tp"], c["tp"] + c["fn"])),
            offsets={b: self.offsets[b] for b in OFFSET_BUCKETS if self.offsets[b]},
            kept=c["kept"], kept_right=c["kept_right"], kept_precision=_ratio(c["kept_right"], c["kept"]),
            yield_=_ratio(c["kept"], judged),
            cost_per_trace={f: round(v / n, 6) for f, v in zip(_COST_FIELDS, self.cost) if v} if n else {},
        )


def evaluate(gold: Iterable[Item], pred: Iterable[Item], *, gold_name: str = "gold",
             pred_name: str = "pred") -> LabelEval:
    """Score ``pred`` against ``gold``. Items are paired by id, else by content; a pair in the same
    position is scored at once, the others wait (as summaries) for their partner. A PRED solution that
    repeats one still waiting is refused; one that repeats an already scored one counts as pred-only."""
    tally = _Tally()
    waiting_gold: dict[str, Item] = {}  # by id and by content (the same item under both keys)
    waiting_pred: dict[str, Item] = {}

    def take(store: dict[str, Item], item: Item) -> Item | None:
        other = store.pop(item.id, None) or store.pop(item.content, None)
        if other is not None:
            store.pop(other.id, None)
            store.pop(other.content, None)
        return other

    def put(store: dict[str, Item], item: Item) -> None:
        store[item.id] = item
        store[item.content] = item

    gi, pi = iter(gold), iter(pred)
    g_done = p_done = False
    while not (g_done and p_done):
        g = None if g_done else next(gi, None)
        p = None if p_done else next(pi, None)
        g_done, p_done = g_done or g is None, p_done or p is None
        if p is not None and (p.id in waiting_pred or p.content in waiting_pred):
            raise UserError(f"{pred_name}: the solution {p.id} appears twice")
        if g is not None and p is not None and (g.id == p.id or g.content == p.content):
            tally.add(g, p)
            continue
        if g is not None:
            partner = take(waiting_pred, g)
            if partner is not None:
                tally.add(g, partner)
            else:
                put(waiting_gold, g)
        if p is not None:
            partner = take(waiting_gold, p)
            if partner is not None:
                tally.add(partner, p)
            else:
                put(waiting_pred, p)
    gold_only = len({id(v) for v in waiting_gold.values()})
    pred_only = len({id(v) for v in waiting_pred.values()})
    return tally.result(gold_name, pred_name, gold_only, pred_only)


def evaluate_files(gold: Path, pred: Path, *, gold_format: str | None = None,
                   pred_format: str | None = None) -> LabelEval:
    """``evaluate`` over two files (or stepforge run folders)."""
    return evaluate(read_items(gold, gold_format), read_items(pred, pred_format), gold_name=str(gold),
                    pred_name=str(pred))


def _own_rating(step: Any, strategy: str) -> int | None:
    """A step's rating by the strategy's own check, before the construction label and the
    after-first-error rule (kept in its evidence), else its label's rating."""
    ev = step.evidence.get(strategy)
    if isinstance(ev, dict) and ev.get("rating") in (-1, 0, 1):
        return ev["rating"]
    return step.label.rating if step.label is not None else None


def _alone(trace: Trace) -> dict[str, Any] | None:
    """What the strategy's checks alone located in a trace whose error was injected (kept by the strategy in the
    injected step's ``construction`` evidence), or None."""
    for s in trace.steps:
        c = s.evidence.get("construction")
        if isinstance(c, dict) and isinstance(c.get("checker_alone"), dict):
            return c["checker_alone"]
    return None


def construction_pairs(traces: Iterable[tuple[Trace, bool]]) -> tuple[list[Item], list[Item]]:
    """For a run on procedural data, (gold, pred) items to score the strategy's own checks: gold is
    known by construction (the injected step, or no error), pred is what the strategy's checks alone
    located, as if the error had not been marked (``construction.checker_alone`` in the evidence; for a
    right solution, the labels themselves), kept when that passes the keep rule (a located first error for
    a wrong answer, no -1 for a right one). The table of ``evaluate`` over them is the card's
    label-quality section; traces without a construction truth are left out."""
    gold, pred = [], []
    for trace, _ in traces:
        if not trace.generation.generator.startswith("procedural/") or trace.outcome.correct is None:
            continue
        inj = trace.generation.injected_error
        truth = inj.step_index if inj is not None else -1
        alone = _alone(trace) if inj is not None else None
        if alone is not None:
            own = tuple(alone["ratings"])
            found = int(alone["first_error"])
        else:
            own = tuple(_own_rating(s, trace.labeling.strategy) for s in trace.steps)
            found = next((i for i, r in enumerate(own) if r == -1), -1)
        kept = found >= 0 if not trace.outcome.correct else found == -1
        base = summarize(trace, kept)
        gold.append(base._replace(first_error=truth, kept=True,
                                  ratings=tuple(-1 if i == truth else 1 if truth == -1 or i < truth else None
                                                for i in range(len(own)))))
        pred.append(base._replace(first_error=found, ratings=own))
    return gold, pred


def label_quality_section(run: Path) -> str | None:
    """The card's label-quality table of a run with known first errors (procedural data), or None without any."""
    gold, pred = construction_pairs(labelled_traces(run, "stepforge"))
    if not gold:
        return None
    ev = evaluate(gold, pred, gold_name="construction", pred_name="checks alone")
    return "\n".join([
        "## Label quality (known first errors)",
        "",
        f"The {ev.matched} procedural solutions of this run (kept and rejected) have a first error known by "
        "construction (the injected step, or none). Scored here is what the labelling strategy's own checks "
        "located with the injection unmarked, as in a model's trace, and kept under the keep rule (`stepforge "
        "eval-labels` metrics). A reasoning error with true arithmetic is not located by a checker: such traces "
        "are kept in this run by their construction label only.",
        "",
        render_table(ev, timings=False),
    ])


def _pct(v: float | None) -> str:
    return "n/a" if v is None else f"{100 * v:.1f}%"


def render_table(ev: LabelEval, *, timings: bool = True) -> str:
    """The evaluation as Markdown (for the terminal and for a run's card; a card leaves out wall-clock costs, so
    an interrupted and resumed run writes the same card as an uninterrupted one)."""
    s = ev.steps
    lines = [
        "| metric | value |",
        "|---|---|",
        f"| solutions compared | {ev.matched} (gold only {ev.gold_only}, pred only {ev.pred_only}, "
        f"gold first error unknown {ev.gold_unknown}) |",
        f"| accuracy on erroneous solutions (first error found) | {_pct(ev.acc_erroneous)} of {ev.erroneous} |",
        f"| accuracy on correct solutions (no error predicted) | {_pct(ev.acc_correct)} of {ev.correct} |",
        f"| F1 (ProcessBench) | {_pct(ev.f1)} |",
        f"| step -1 precision | {_pct(s.precision)} ({s.both_wrong} of {s.both_wrong + s.false_alarms}) |",
        f"| step -1 recall | {_pct(s.recall)} ({s.both_wrong} of {s.both_wrong + s.missed}; "
        f"{s.compared_steps} steps labelled in both) |",
        f"| kept precision (first error right among kept) | {_pct(ev.kept_precision)} ({ev.kept_right} of {ev.kept}) |",
        f"| yield (kept of judged) | {_pct(ev.yield_)} ({ev.kept} of {ev.erroneous + ev.correct}) |",
    ]
    cost = {k: v for k, v in ev.cost_per_trace.items() if timings or not k.endswith("_s")}
    if cost:
        lines.append("| cost per trace | " + ", ".join(f"{k} {v:g}" for k, v in cost.items()) + " |")
    lines += ["", "First-error offset (pred - gold):", "",
              "| " + " | ".join(OFFSET_BUCKETS) + " |", "|" + "---|" * len(OFFSET_BUCKETS),
              "| " + " | ".join(str(ev.offsets.get(b, 0)) for b in OFFSET_BUCKETS) + " |"]
    return "\n".join(lines)


def to_json(ev: LabelEval) -> str:
    return json.dumps(ev.model_dump(by_alias=True), indent=1)


__all__ = ["FORMATS", "Item", "LabelEval", "construction_pairs", "label_quality_section", "content_key", "detect_format", "evaluate", "evaluate_files",
           "labelled_traces", "read_items", "render_table", "summarize", "to_json"]
