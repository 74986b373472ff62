"""Label quality and speed of the ``symbolic`` strategy under the keep rule (issue 11).

Offline: problems of every procedural family, correct or with one injected error of every kind. The
injected error is *hidden* from the labeller (the candidate carries no ``injected_error``, as a model's
trace does not), so what is measured is the step checker and the keep rule, not the construction label.
Per error kind and overall it prints: first-error accuracy (the labelled first error is the injected
step; for a correct solution, no error), kept precision (labels right among the traces the keep rule
keeps), yield (the kept share), side by side with the outcome-only peer (first error on the answer line
when the answer is wrong, as outcome-supervised data puts it), and labelled traces/s (goal >= 100/s;
verification and labelling, problem generation excluded) twice: one candidate after another, and as a run labels
them, one thread per checker worker (the labels of both passes must be the same).

Real (``--real FILE [--format F]``): the steps of an imported labelled file (PRM800K, PRMBench, ...)
are labelled by ``symbolic`` (answers judged against the file's reference answer where it has one), the
keep rule applied, the result written to ``--pred OUT.jsonl`` and compared with the file's own labels by
``eval-labels``. With ``--prmbench-originals`` a PRMBench file also contributes each row's original
(unmodified) process as a solution with no error.

    .venv/bin/python benchmarks/bench_labels.py [--per-kind 40] [--seed 1]
    .venv/bin/python benchmarks/bench_labels.py --real ../shared/data/prmbench_sample.jsonl --prmbench-originals
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

GOAL = 100.0


def _config():
    from stepforge.pipeline.config import RunConfig

    return RunConfig(domain="math", count=1, out=Path(tempfile.gettempdir()) / "bench-labels")


_DOMAIN: list[Any] = []


def label_and_keep(cand: Any, config: Any) -> tuple[Any, bool]:
    """What a run does with the candidate: the math domain's ``record`` (verify the answer, label the steps with
    ``symbolic``, the keep rule). Returns the labelled trace (a rejection's, when it was rejected) and whether it
    was kept."""
    from stepforge.pipeline.domains import RecordContext
    from stepforge.pipeline.domains.math import MathDomain
    from stepforge.schema import Trace

    if not _DOMAIN:
        _DOMAIN.append(MathDomain(config))
    dom = _DOMAIN[0]
    rec = dom.record(cand, RecordContext(config=config, strategy=dom.strategy))
    if isinstance(rec, Trace):
        return rec, True
    trace = Trace.model_validate(rec.candidate)
    extras = {**trace.extras, "bench_rejection": {"reason": rec.reason, "detail": rec.detail}}
    return trace.model_copy(update={"extras": extras}), False


def offline(per_kind: int, seed: int) -> dict[str, Any]:
    from stepforge.generators.procedural.math import FAMILIES, KINDS, candidate

    config = _config()
    cands: list[tuple[str, int, Any]] = []  # (kind or "correct", true first error, candidate)
    need = {k: per_kind for k in KINDS} | {"correct": per_kind * 2}
    fams = FAMILIES.names()
    i = 0
    while any(v > 0 for v in need.values()) and i < per_kind * 400:
        fam = fams[i % len(fams)]
        want = (i // len(fams)) % 3 != 0
        c = candidate(seed, fam, i, want)
        i += 1
        if c is None:
            continue
        inj = c.generation.injected_error
        kind = inj.kind if inj else "correct"
        if need.get(kind, 0) <= 0:
            continue
        need[kind] -= 1
        truth = inj.step_index if inj else -1
        hidden = c.model_copy(update={"generation": c.generation.model_copy(update={"injected_error": None})})
        cands.append((kind, truth, hidden))
    warm = candidate(seed + 1, fams[0], 0, False)  # imports and first-use set-up, outside the timing
    if warm is not None:
        label_and_keep(warm, config)
    from stepforge.labeling._checks import _pool, warm

    warm()
    t0, c0 = time.perf_counter(), time.process_time()
    results = [(kind, truth, *label_and_keep(c, config)) for kind, truth, c in cands]
    seconds, cpu = time.perf_counter() - t0, time.process_time() - c0
    # as a run labels: one thread per checker worker (every core), the same candidates; the labels must not change
    width = _pool().size
    t0 = time.perf_counter()
    with ThreadPoolExecutor(max_workers=width) as ex:
        again = list(ex.map(lambda kc: label_and_keep(kc[2], config), cands))
    par_seconds = time.perf_counter() - t0
    for (_, _, trace, kept), (trace2, kept2) in zip(results, again, strict=True):
        if (kept, trace.first_error_index, [s.label for s in trace.steps]) != (
                kept2, trace2.first_error_index, [s.label for s in trace2.steps]):
            raise SystemExit(f"labels differ between the sequential and the parallel pass: {trace.id}")
    rows: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for kind, truth, trace, kept in results:
        for key in (kind, "all"):
            r = rows[key]
            r["n"] += 1
            right = trace.first_error_index == truth
            r["right"] += right
            r["kept"] += kept
            r["kept_right"] += kept and right
            answer_line = len(trace.steps) - 1
            peer = -1 if trace.outcome.correct else answer_line if trace.outcome.correct is False else None
            r["peer_right"] += peer == truth
    return {"rows": rows, "seconds": seconds, "cpu": cpu, "n": len(results), "par_seconds": par_seconds, "width": width, "missing": {k: v for k, v in need.items() if v > 0}}


def _pct(a: int, b: int) -> str:
    return f"{100 * a / b:5.1f}%" if b else "  n/a"


def print_offline(res: dict[str, Any]) -> None:
    from stepforge.generators.procedural.math import KINDS

    print(f"{'kind':18} {'class':11} {'n':>4}  {'first-err acc':>13}  {'kept prec':>9}  {'yield':>6}  "
          f"{'peer (answer line) acc':>22}")
    order = ["correct", *KINDS, "all"]
    for k in order:
        r = res["rows"].get(k)
        if not r:
            continue
        cls = KINDS[k][0] if k in KINDS else ""
        print(f"{k:18} {cls:11} {r['n']:4d}  {_pct(r['right'], r['n']):>13}  {_pct(r['kept_right'], r['kept']):>9}  "
              f"{_pct(r['kept'], r['n']):>6}  {_pct(r['peer_right'], r['n']):>22}")
    if res["missing"]:
        print("not reached (no such error in the families drawn):", res["missing"])


def _by_class(golds: list[Any], preds: list[tuple[Any, bool]], rows_class: dict[str, str]) -> None:
    """Kept precision and yield per PRMBench error class (and for the original, error-free processes)."""
    tally: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    by_id = {g.id: g for g in golds}
    for t, kept in preds:
        g = by_id[t.id]
        cls = rows_class.get(t.id, "?")
        for key in (cls, "all"):
            n = tally[key]
            n[0] += 1
            n[1] += kept
            n[2] += kept and t.first_error_index == g.first_error_index
    print(f"\n{'class':22} {'n':>5} {'kept':>5} {'kept prec':>9} {'yield':>6}")
    for k in sorted(tally, key=lambda k: (k == "all", k)):
        n, kept, right = tally[k]
        print(f"{k:22} {n:5d} {kept:5d} {_pct(right, kept):>9} {_pct(kept, n):>6}")


def real(path: Path, fmt: str | None, pred_out: Path | None, originals: bool,
         references: str | None = None, gold_out: Path | None = None) -> None:
    from stepforge.datasets import importers
    from stepforge.datasets.eval_labels import detect_format, evaluate, render_table, summarize
    from stepforge.datasets.io import dumps
    from stepforge.generators.sources.records import candidate_of

    rows = list(importers.iter_rows(path))
    fmt = fmt or detect_format(rows[0])
    golds = list(importers.iter_traces(fmt, rows))
    rows_class = {t.id: str(row.get("classification", fmt)) for row, t in zip(rows, golds)}
    if originals and fmt == "prmbench":
        from stepforge.datasets.importers import _common as c
        from stepforge.datasets.importers.prmbench import decode_newlines, decode_steps

        seen: set[tuple[str, ...]] = set()
        for row, t in zip(rows, list(golds)):
            key = (row["original_question"], *row["original_process"])
            if key in seen:  # one original process appears under every error class built from it
                continue
            seen.add(key)
            rows_class[t.id + "-original"] = "(original)"
            texts = decode_steps(row["original_process"])  # as the importer reads modified_process
            labels = [c.label(1, "prmbench:original_process", importers.ImportOptions()) for _ in texts]
            golds.append(t.model_copy(update={
                "id": t.id + "-original", "steps": c.steps(texts, "\n", labels),
                "task": t.task.model_copy(update={"prompt": decode_newlines(row["original_question"])}),
                "generation": c.generation("prmbench", texts, "\n"),
                "first_error_index": -1, "error_indices": [], "finish_reason": "solution"}))
    from stepforge.generators.sources import references as _refs

    refs = _refs.load(references)  # as `stepforge label --references` (default: the built-in GSM8K and MATH sets)
    if refs is not None:
        golds = [_refs.with_reference(g, refs) for g in golds]
        print(f"reference answers for {sum(g.task.reference.answer is not None for g in golds)} of {len(golds)} "
              f"solutions (from {_refs.describe(references)})")
    if gold_out is not None:
        gold_out.write_text("".join(dumps(g) + "\n" for g in golds))
    config = _config()
    warmup = _warm_up(config)  # a process's start (imports, the checker's workers), paid once, not by a row
    preds, times = [], []
    for i, g in enumerate(golds):
        cand = candidate_of(g, i, fmt)  # what `stepforge label` labels: the row's labels and injected error dropped
        t0 = time.perf_counter()
        try:
            trace, kept = label_and_keep(cand, config)
        except Exception as exc:  # a crash of the checker is a finding: count it, never hide it
            print(f"CRASH on {g.id}: {type(exc).__name__}: {exc}"[:300])
            continue
        times.append(time.perf_counter() - t0)
        preds.append((trace, kept))
        if times[-1] > 5:
            print(f"slow: {g.id} took {times[-1]:.1f} s")
    if pred_out is not None:
        part = pred_out.with_name(pred_out.name + ".part")  # whole or absent: a reader never sees half a file
        part.write_text("".join(dumps(t.model_copy(update={"verified": k})) + "\n" for t, k in preds))
        part.replace(pred_out)
    ev = evaluate((summarize(g) for g in golds), (summarize(t, k) for t, k in preds), gold_name=str(path),
                  pred_name="symbolic")
    print(render_table(ev))
    _by_class(golds, preds, rows_class)
    print(f"\nlabelled {len(preds)} of {len(golds)} solutions; seconds per solution: median "
          f"{statistics.median(times):.4f}, max {max(times):.3f} (the process's start before them: {warmup:.1f} s)")


def _warm_up(config: Any) -> float:
    """Import and start what labelling needs (the answer judge here, the checker's workers with the symbolic
    checker loaded) by labelling one made-up solution, as a run's workers do before their first row; seconds."""
    from stepforge.generators.sources.records import candidate_of
    from stepforge.labeling._checks import warm
    from stepforge.schema import Trace  # noqa: F401 - imported here, outside the rows' timing
    from stepforge.datasets.importers import import_row
    from stepforge.verifiers.math import judge

    t0 = time.perf_counter()
    warm()
    judge("5", "The answer is $\\boxed{5}$.")  # the answer's verdict is made in this process
    row = {"id": "warm-up", "generator": "bench", "problem": "What is 2 + 3?", "steps": [
        "$2 + 3 = 5$.", "The answer is $\\boxed{5}$."], "final_answer_correct": True, "label": -1}
    label_and_keep(candidate_of(import_row("processbench", row), 0, "processbench"), config)
    return time.perf_counter() - t0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--per-kind", type=int, default=40, help="wrong solutions per error kind (correct: twice that)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--real", type=Path, help="an imported labelled file to label and compare with")
    ap.add_argument("--format", help="its format (default: detected)")
    ap.add_argument("--pred", type=Path, help="write the symbolic labels of --real here (stepforge traces)")
    ap.add_argument("--gold", type=Path, help="write --real's gold traces here (references joined), for "
                    "benchmarks/label_sets.py")
    ap.add_argument("--prmbench-originals", action="store_true",
                    help="also label each PRMBench row's original process (gold: no error)")
    ap.add_argument("--references", metavar="SPEC",
                    help="as `stepforge label --references`: files of problem/answer rows and built-in sets (gsm8k, "
                         "math, builtin) giving --real's solutions reference answers, or none (default: builtin)")
    args = ap.parse_args()
    if args.real:
        real(args.real, args.format, args.pred, args.prmbench_originals, args.references, args.gold)
        return
    res = offline(args.per_kind, args.seed)
    print_offline(res)
    rate, per_cpu = res["n"] / res["seconds"], res["n"] / max(res["cpu"], 1e-9)
    print(f"\nlabelled traces/s (verify + label + keep rule, one process): {rate:.1f} wall "
          f"({rate / GOAL:.2f}x the goal of {GOAL:.0f}/s), {per_cpu:.1f} per CPU-second of this process "
          f"(what one idle core gives; the machine's load average when it ended: {os.getloadavg()[0]:.1f})")
    par = res["n"] / res["par_seconds"]
    print(f"labelled traces/s as a run labels them ({res['width']} threads, one per checker worker; same labels): "
          f"{par:.1f} wall ({par / GOAL:.2f}x the goal), {par / rate:.2f}x the one-thread figure")


if __name__ == "__main__":
    main()
