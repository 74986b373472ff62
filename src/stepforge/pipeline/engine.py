"""The one run engine: any source, any domain, any executor → the run folder.

    source.units() → executor.results(plan)          (each unit: candidates → domain.record → Trace | Rejection)
                   → consumed in index order here    (quotas, COUNT, budget)
                   → RunFolder                       (append, checkpoint, card, run.json)

Determinism: unit ``i`` is fixed by (seed, i); results are consumed in index order; a unit whose polarity quota is
already full is skipped; a trace whose polarity quota is full is not written. So the kept set depends on the seed
alone, not on timing, workers or executor. The run ends when COUNT traces are kept, the source's sampling budget
is spent, or the source runs out; the card says which. A unit with unanswered requests stops the run as
``incomplete`` (``--resume`` finishes it); in ``offline`` mode (the Batch API) nothing is written until no
request is missing, and the missing ones are returned instead.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tqdm import tqdm

from stepforge.errors import UserError
from stepforge.generators.sources import Unit
from stepforge.pipeline.config import RunConfig
from stepforge.pipeline.executors import Executor, Plan, make_executor
from stepforge.pipeline.folder import REJECTED, RUN, TRACES, CARD, ResumeState, RunFolder
from stepforge.pipeline.parts import make_parts
from stepforge.schema import Trace


@dataclass
class RunSummary:
    """What a run did. ``status``: complete, incomplete (unanswered requests: run again with ``--resume``) or
    pending (offline: ``pending`` holds the requests still needed). ``ended``: why it stopped (count, budget,
    exhausted, unanswered)."""

    out: Path
    kept: int
    correct: int
    incorrect: int
    rejected: int
    seconds: float
    status: str = "complete"
    ended: str = "count"
    rejected_by_reason: dict[str, int] = field(default_factory=dict)
    cost: dict[str, Any] | None = None
    paths: dict[str, Path] = field(default_factory=dict)
    stats: dict[str, Any] = field(default_factory=dict)
    resumed_from: int = 0
    pending: dict[str, dict[str, Any]] = field(default_factory=dict)


def _ended_text(ended: str, kept: int, count: int, budget: int | None) -> str:
    return {
        "count": f"{count} traces kept, the requested count",
        "budget": f"the sampling budget ({budget} samples) was spent with {kept} of {count} traces kept",
        "exhausted": f"every item of the source was used: {kept} of {count} traces kept, the others rejected "
                     "(rejected.jsonl says why)",
        "unanswered": f"requests are still unanswered ({kept} of {count} traces kept so far): run again with "
                      "--resume to finish",
    }[ended]


def run(config: RunConfig, *, offline: bool = False, executor: Executor | str | None = None) -> RunSummary:
    """Generate (or read), verify, label and write up to ``config.count`` kept traces into ``config.out``.

    The same engine for every source, domain and executor; the CLI's ``generate`` is this call. ``offline``:
    answers only from the source's journal (Batch API); nothing is written while some are missing. ``executor``:
    a name (``"local"``, ``"ray"``) that replaces ``config.executor``, or one made by the caller (``merge`` replays
    shards' results through it). A config with a ``shard`` is one shard of the run (``pipeline.shard``)."""
    if isinstance(executor, str):
        config, executor = config.model_copy(update={"executor": executor}), None
    if config.shard is not None:
        from stepforge.pipeline.shard import run_shard

        return run_shard(config)
    with opened(config, offline=offline, executor=executor) as (source, domain, ctx, executor, folder, state):
        return _run(config, source, domain, ctx, executor, folder, state, offline)


@contextmanager
def opened(config: RunConfig, *, offline: bool = False,
           executor: Executor | None = None) -> Iterator[tuple[Any, Any, Any, Any, RunFolder, ResumeState]]:
    """A run's source, domain, context, executor and open folder (with where it starts), closed in order however
    the run ends. Every check comes before the folder is touched; a new run (not --resume, not offline) reuses
    nothing of an old one."""
    source, domain, ctx = make_parts(config, fresh=not config.resume and not offline, offline=offline)
    source.prepare()
    executor = executor or make_executor(config)
    folder = RunFolder(config, staging=offline)
    state = folder.open()
    try:
        yield source, domain, ctx, executor, folder, state
    finally:
        try:
            executor.close()
            domain.close()
            source.close()
            ctx.close()
        finally:
            folder.close()


def _run(config: RunConfig, source: Any, domain: Any, ctx: Any, executor: Any, folder: RunFolder, state: Any,
         offline: bool) -> RunSummary:
    count = config.count
    if config.positive_fraction is None:  # no polarity quota (stepforge label): what comes, up to COUNT
        quota = {False: count, True: count}
    else:
        n_pos = round(count * config.positive_fraction)
        quota = {False: n_pos, True: count - n_pos}  # keyed by "is incorrect"
    kept = dict(state.kept)
    resumed_from = sum(kept.values())
    budget = source.budget()
    spent, next_index = state.spent, state.next_index
    after = state.after
    pending: dict[str, dict[str, Any]] = {}
    hopeful = 0  # offline: traces the pending units might still yield
    folder.write_run_json("running", checkpoint={"next_index": next_index, "spent": spent})

    def wanted(unit: Unit) -> bool:
        if unit.want_error is None or unit.index in after:
            return True
        return kept[unit.want_error] < quota[unit.want_error]

    plan = Plan(config=config, source=source, domain=domain, ctx=ctx, wanted=wanted,
                needed=lambda: max(0, count - sum(kept.values())))
    ended = "exhausted"
    t0 = time.perf_counter()
    bar = tqdm(total=count, initial=resumed_from, unit="trace", desc=f"{config.domain} traces",
               disable=not config.progress or None, dynamic_ncols=True)
    with bar:
        if sum(kept.values()) >= count:
            ended = "count"
        else:
            results = executor.results(plan, source.units(next_index))
            try:
                for res in results:
                    unit = res.unit
                    if res.pending or pending:
                        if not offline:
                            pending.update(res.pending)
                            ended = "unanswered"
                            break
                        # offline: what a pending unit decides is unknown, so nothing after it is written; go on
                        # collecting what the run may still need, as if every pending unit kept all it could
                        pending.update(res.pending)
                        hopeful += res.potential if res.pending else sum(
                            1 for r in res.records if isinstance(r, Trace))
                        spent += res.spent
                        if sum(kept.values()) + hopeful >= count:
                            ended = "count"
                            break
                        if budget is not None and spent >= budget:
                            ended = "budget"
                            break
                        continue
                    written = after.pop(unit.index, None)
                    if unit.want_error is not None and written is None and kept[unit.want_error] >= quota[unit.want_error]:
                        continue  # surplus: its quota filled while it was being worked on
                    for rec in res.records:
                        if written is not None and rec.id in written:
                            continue  # on disk before a kill, already counted
                        if isinstance(rec, Trace):
                            wrong = not rec.outcome.correct
                            if kept[wrong] >= quota[wrong]:
                                continue
                            if folder.write(rec):  # False: curation dropped it (to rejected.jsonl, not counted)
                                kept[wrong] += 1
                                bar.update(1)
                        else:
                            folder.write(rec)
                    spent += res.spent
                    next_index = unit.index + 1
                    folder.checkpoint(next_index, spent)
                    if sum(kept.values()) >= count:
                        ended = "count"
                        break
                    if budget is not None and spent >= budget:
                        ended = "budget"
                        break
            finally:
                results.close()  # type: ignore[attr-defined]
    seconds = time.perf_counter() - t0
    executor.close()  # requests already sent are waited for and journalled first: the usage counts them
    usage = source.usage()
    summary_paths = {"traces": config.out / TRACES, "rejected": config.out / REJECTED, "card": config.out / CARD,
                     "run": config.out / RUN}
    if offline and pending:
        folder.discard()
        return RunSummary(out=config.out, kept=0, correct=0, incorrect=0, rejected=0, seconds=seconds,
                          status="pending", ended="unanswered", pending=pending, cost=usage)
    status = "incomplete" if ended == "unanswered" else "complete"
    ended_text = _ended_text(ended, sum(kept.values()), count, budget)
    sections = [_usage_section(usage)] if usage is not None else []
    card_sections = getattr(source, "card_sections", None)  # what only the source can say of the run
    if card_sections is not None and not offline:
        sections += card_sections(config.out)
    st = folder.finish(status=status, next_index=next_index, spent=spent,
                       seconds=seconds if not state.resumed and not offline else None, ended=ended_text,
                       source=source.describe(), usage=usage, sections=sections)
    if ended == "exhausted":
        message = source.exhausted(sum(kept.values()), count)
        if message is not None:
            raise UserError(message)
    summary = RunSummary(out=config.out, kept=st["kept"], correct=st["correct"], incorrect=st["incorrect"],
                         rejected=st["rejected"], seconds=seconds, status=status, ended=ended,
                         rejected_by_reason=st["rejection_reasons"], cost=usage, paths=summary_paths, stats=st,
                         resumed_from=resumed_from, pending=pending)
    if status == "incomplete":
        print(f"stepforge: warning: {len(pending)} requests are unanswered; run the same command with --resume to "
              "finish the run", file=sys.stderr)
    elif ended != "count":
        print(f"stepforge: note: {ended_text}", file=sys.stderr)
    return summary


def _usage_section(usage: dict[str, Any]) -> str:
    rows = [
        "## Model usage",
        "",
        "| answered requests | prompt tokens | completion tokens | cost (USD) |",
        "|---|---|---|---|",
        f"| {usage['requests']} | {usage['prompt_tokens']} | {usage['completion_tokens']} | {usage['usd']} |",
        "",
        "Counted over every answered request in `journal.jsonl`, including those of interrupted sessions; retries "
        "and answers replayed from the journal cost nothing extra here.",
    ]
    session = usage.get("session")
    if session:
        rows += ["", f"Last session: sent {session['sent']}, answered {session['answered']}, from the journal "
                     f"{session['cached']}, retries {session['retries']}, failed {session['failed']}, errors "
                     f"{session['errors'] or 'none'}."]
    return "\n".join(rows)
