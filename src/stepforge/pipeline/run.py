"""A run: items in a fixed order → domain plug-in (generate, verify, label) → kept or rejected → files.

Determinism: item ``i`` has a fixed family and polarity from (seed, i); results are consumed in
index order, and an item whose polarity quota is already full is skipped, so the kept set depends
on the seed alone, not on timing or parallelism. Resume: the files are the state; after a kill the
partial tail is cut and the run continues after the last recorded item, so nothing is lost or
written twice.
"""

from __future__ import annotations

import json
import math
import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tqdm import tqdm

from stepforge._seeding import derive_seed
from stepforge.datasets import card as _card
from stepforge.datasets import io
from stepforge.errors import UserError
from stepforge.pipeline.config import RunConfig
from stepforge.pipeline.domains import DOMAINS, WorkItem, load
from stepforge.schema import Rejection, Trace

TRACES, REJECTED, CARD, RUN = "traces.jsonl", "rejected.jsonl", "card.md", "run.json"
_RUN_FILES = (TRACES, REJECTED, CARD, RUN)


@dataclass
class RunSummary:
    out: Path
    kept: int
    correct: int
    incorrect: int
    rejected: int
    seconds: float
    stats: dict[str, Any] = field(default_factory=dict)
    resumed_from: int = 0


def _prepare(config: RunConfig) -> bool:
    """Check the output folder; returns True when an earlier run is to be resumed."""
    out = config.out
    if out.exists() and not out.is_dir():
        raise UserError(f"--out {out} exists and is not a folder")
    held = [n for n in _RUN_FILES if (out / n).exists()]
    if not held:
        try:
            out.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise UserError(f"cannot create the output folder {out}: {exc.strerror or exc}") from None
        return False
    if config.overwrite:
        for n in held:
            (out / n).unlink()
        return False
    if not config.resume:
        raise UserError(f"{out} already holds a run ({', '.join(held)}); pass --resume to continue it or --overwrite to replace it")
    try:
        earlier = json.loads((out / RUN).read_text())
    except (OSError, ValueError):
        raise UserError(f"{out} holds run files but no readable {RUN}; use --overwrite to replace them") from None
    if earlier.get("config_hash") != config.config_hash():
        diff = sorted(k for k, v in config.data_fields().items() if earlier.get("config", {}).get(k) != v)
        raise UserError(f"the run in {out} was made with other settings ({', '.join(diff) or 'version'}); "
                        "resume with the same settings, or use --overwrite")
    return True


def _write_run_json(config: RunConfig, status: str, **extra: Any) -> None:
    data = {"config_hash": config.config_hash(), "config": config.data_fields(), "command": config.command,
            "status": status, **extra}
    tmp = config.out / (RUN + ".tmp")
    tmp.write_text(json.dumps(data, indent=2) + "\n")
    os.replace(tmp, config.out / RUN)


def _polarity(seed: int, family: str, ordinal: int, positive_fraction: float) -> bool:
    """True when the ``ordinal``-th item of ``family`` asks for a wrong solution. Balanced per family:
    among any family's first n items, the wrong ones number n * (1 - positive_fraction), rounded up or
    down (a low-discrepancy sequence with a seeded phase)."""
    wrong = 1.0 - positive_fraction
    phase = (derive_seed(seed, "polarity", family) % 1_000_000) / 1_000_000
    return math.floor((ordinal + 1) * wrong + phase) > math.floor(ordinal * wrong + phase)


def run(config: RunConfig) -> RunSummary:
    """Generate, verify, label and write exactly ``config.count`` kept traces."""
    load()
    plugin_cls = DOMAINS.get(config.domain) if config.domain in DOMAINS else None
    if plugin_cls is None:
        raise UserError(f"unknown domain {config.domain!r} (known: {', '.join(DOMAINS.names())})")
    resume = _prepare(config)
    plugin = plugin_cls(config)
    try:
        return _run(config, plugin, resume)
    finally:
        plugin.close()


def _run(config: RunConfig, plugin: Any, resume: bool) -> RunSummary:
    families = plugin.families(config)
    out = config.out
    traces_path, rejected_path = out / TRACES, out / REJECTED
    n_pos = round(config.count * config.positive_fraction)
    quota = {False: n_pos, True: config.count - n_pos}  # keyed by "is incorrect"
    kept = {False: 0, True: 0}
    next_index = 0
    if resume:
        for p in (traces_path, rejected_path):
            io.repair_tail(p)
        done = io.read_traces(traces_path) if traces_path.exists() else []
        rej = io.read_rejections(rejected_path) if rejected_path.exists() else []
        for t in done:
            kept[not t.outcome.correct] += 1
        seen = [int(t.task.metadata.get("index", -1)) for t in done] + [r.index for r in rej if r.index is not None]
        next_index = max(seen, default=-1) + 1
    resumed_from = sum(kept.values())
    _write_run_json(config, "running")
    limit = config.count * 20 + 200
    batch_size = max(8, 8 * (config.workers or os.cpu_count() or 1))
    t0 = time.perf_counter()
    bar = tqdm(total=config.count, initial=resumed_from, unit="trace", desc=f"{config.domain} traces",
               disable=not config.progress or None, dynamic_ncols=True)
    with traces_path.open("a", encoding="utf-8") as tf, rejected_path.open("a", encoding="utf-8") as rf, bar:
        while sum(kept.values()) < config.count:
            batch: list[WorkItem] = []
            while len(batch) < batch_size and next_index < limit:
                i = next_index
                next_index += 1
                family, ordinal = families[i % len(families)], i // len(families)
                want_error = _polarity(config.seed, family, ordinal, config.positive_fraction)
                if kept[want_error] >= quota[want_error]:
                    continue
                batch.append(WorkItem(index=i, family=family, want_error=want_error, ordinal=ordinal))
            if not batch:
                raise UserError(
                    f"stopped after {limit} items with {sum(kept.values())} of {config.count} traces kept "
                    f"({kept[False]} correct, {kept[True]} incorrect): see {rejected_path} for why candidates were dropped"
                )
            for item, rec in zip(batch, plugin.evaluate(config, batch)):
                if kept[item.want_error] >= quota[item.want_error]:
                    continue  # surplus: its quota filled while it was being evaluated
                if isinstance(rec, Trace):
                    wrong = not rec.outcome.correct
                    if kept[wrong] >= quota[wrong]:
                        continue
                    io.append(tf, rec)
                    kept[wrong] += 1
                    bar.update(1)
                else:
                    io.append(rf, rec)
        io.sync(tf)
        io.sync(rf)
    seconds = time.perf_counter() - t0
    traces = io.read_traces(traces_path)
    rejections = io.read_rejections(rejected_path)
    st = _card.stats(traces, rejections)
    text = _card.render(st, config=config.data_fields(), command=config.command,
                        seconds=seconds if not resume else None, config_hash=config.config_hash())
    tmp = out / (CARD + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, out / CARD)
    _write_run_json(config, "complete", kept=st["kept"], rejected=st["rejected"])
    return RunSummary(out=out, kept=st["kept"], correct=st["correct"], incorrect=st["incorrect"],
                      rejected=st["rejected"], seconds=seconds, stats=st, resumed_from=resumed_from)
