"""``--shard i/N``: one of N independent runs of one config (a Slurm array, no cluster engine), which
``stepforge merge`` turns into exactly the single run.

Which units: unit ``j`` belongs to shard ``hash(j) mod N``. Not ``j mod N``: the unit stream has periods of its own
(procedural families cycle every F units, problem draws every P problems), and a stripe that lines up with one
sees a fixed subset of families or problems, whose keep rate differs from the run's, so its share would be
systematically early or late. Not contiguous ranges: where the single run stops is unknown until it has run.

What a shard writes: COUNT and the polarity quotas are decided in index order over every shard's units, so a
shard cannot know which of its units the single run keeps. It applies neither: it writes every record of each of
its units, in index order, and stops once it very likely covers every unit the single run needs: when its traces
of each polarity reach ``target(quota)`` (the quota's share plus four standard deviations and a few, plus
``--shard-extra``) or its samples reach ``target(budget)``. ``units.jsonl`` keeps each unit's samples spent (a
budget is also decided in index order). The files, lock, checkpoints and resume are the run folder's, so a shard
is killed and resumed as any run. ``merge`` replays the engine over the shards in index order; in the rare case a
shard stopped short of a unit the single run needs, it says which shard to extend and by how much.
"""

from __future__ import annotations

import json
import math
import os
import sys
import time
from pathlib import Path
from typing import IO, Any

from tqdm import tqdm

from stepforge._seeding import derive_seed
from stepforge.datasets import io
from stepforge.pipeline.config import RunConfig
from stepforge.pipeline.engine import RunSummary, _ended_text, _usage_section, opened
from stepforge.pipeline.executors import Plan
from stepforge.pipeline.folder import CARD, REJECTED, RUN, TRACES, RunFolder
from stepforge.schema import Trace

LEDGER = "units.jsonl"


def owner(index: int, shards: int) -> int:
    """The shard that works unit ``index``."""
    return derive_seed("shard", index) % shards if shards > 1 else 0


def target(total: int, shards: int, extra: int = 0) -> int:
    """What one shard makes of ``total`` (a quota or a budget): its share, four standard deviations and 8 more."""
    if total <= 0:
        return 0
    share = total / shards
    return math.ceil(share + 4 * math.sqrt(share)) + 8 + extra


def run_shard(config: RunConfig) -> RunSummary:
    assert config.shard is not None
    with opened(config) as (source, domain, ctx, executor, folder, state):
        return _run(config, source, domain, ctx, executor, folder, state)


def _ledger(out: Path, next_index: int, resumed: bool) -> IO[str]:
    """The samples ledger, cut to the units before the checkpoint (the ones after it are redone)."""
    path = out / LEDGER
    if resumed and path.exists():
        io.repair_tail(path)
        kept = [r for r in io.read_jsonl(path) if isinstance(r, dict) and int(r.get("index", -1)) < next_index]
        tmp = out / (LEDGER + ".tmp")
        tmp.write_text("".join(json.dumps(r) + "\n" for r in kept))
        os.replace(tmp, path)
    else:
        path.unlink(missing_ok=True)
    return path.open("a", encoding="utf-8")


def _run(config: RunConfig, source: Any, domain: Any, ctx: Any, executor: Any, folder: RunFolder,
         state: Any) -> RunSummary:
    shard = config.shard
    assert shard is not None
    n_pos = round(config.count * config.positive_fraction)
    goal = {False: target(n_pos, shard.count, shard.extra),
            True: target(config.count - n_pos, shard.count, shard.extra)}  # keyed by "is incorrect"
    budget = source.budget()
    budget_goal = target(budget, shard.count, shard.extra) if budget is not None else None
    made = dict(state.kept)  # every trace counts: no quota cut here
    spent, next_index, after = state.spent, state.next_index, state.after
    ledger = _ledger(config.out, next_index, state.resumed)
    folder.write_run_json("running", checkpoint={"next_index": next_index, "spent": spent})
    pending: dict[str, dict[str, Any]] = {}

    def reached() -> bool:
        return all(made[k] >= goal[k] for k in goal) or (budget_goal is not None and spent >= budget_goal)

    plan = Plan(config=config, source=source, domain=domain, ctx=ctx, wanted=lambda unit: True,
                needed=lambda: sum(max(0, goal[k] - made[k]) for k in goal))
    units = (u for u in source.units(next_index) if owner(u.index, shard.count) == shard.index)
    ended = "target" if reached() else "exhausted"
    t0 = time.perf_counter()
    total = sum(goal.values())
    bar = tqdm(total=total, initial=min(total, sum(made.values())), unit="trace",
               desc=f"shard {shard.index}/{shard.count}", disable=not config.progress or None, dynamic_ncols=True)
    try:
        with bar:
            if ended != "target":
                results = executor.results(plan, units)
                try:
                    for res in results:
                        if res.pending:
                            pending.update(res.pending)
                            ended = "unanswered"
                            break
                        written = after.pop(res.unit.index, None)
                        for rec in res.records:
                            if written is not None and rec.id in written:
                                continue  # on disk before a kill, already counted
                            folder.write(rec)
                            if isinstance(rec, Trace):
                                made[not rec.outcome.correct] += 1
                                bar.update(1)
                        if res.spent:
                            ledger.write(json.dumps({"index": res.unit.index, "spent": res.spent}) + "\n")
                            ledger.flush()
                        spent += res.spent
                        next_index = res.unit.index + 1
                        folder.checkpoint(next_index, spent)
                        if reached():
                            ended = "target"
                            break
                finally:
                    results.close()  # type: ignore[attr-defined]
    finally:
        io.sync(ledger)
        ledger.close()
    seconds = time.perf_counter() - t0
    executor.close()  # requests already sent are waited for and journalled first: the usage counts them
    usage = source.usage()
    status = "incomplete" if ended == "unanswered" else "complete"
    ended_text = {
        "target": f"shard {shard.index}/{shard.count} made its share: {made[False]} correct and {made[True]} "
                  f"incorrect traces (targets {goal[False]} and {goal[True]}"
                  + (f", or {budget_goal} samples" if budget_goal is not None else "") + ")",
        "exhausted": f"shard {shard.index}/{shard.count}: the source ran out of items",
        "unanswered": _ended_text("unanswered", sum(made.values()), total, budget),
    }[ended]
    st = folder.finish(status=status, next_index=next_index, spent=spent,
                       seconds=seconds if not state.resumed else None, ended=ended_text, source=source.describe(),
                       usage=usage, sections=[_usage_section(usage)] if usage is not None else [])
    if status == "incomplete":
        print(f"stepforge: warning: {len(pending)} requests are unanswered; run the same command with --resume to "
              "finish the shard", file=sys.stderr)
    paths = {"traces": config.out / TRACES, "rejected": config.out / REJECTED, "card": config.out / CARD,
             "run": config.out / RUN, "ledger": config.out / LEDGER}
    return RunSummary(out=config.out, kept=st["kept"], correct=st["correct"], incorrect=st["incorrect"],
                      rejected=st["rejected"], seconds=seconds, status=status, ended=ended,
                      rejected_by_reason=st["rejection_reasons"], cost=usage, paths=paths, stats=st,
                      resumed_from=sum(state.kept.values()), pending=pending)
