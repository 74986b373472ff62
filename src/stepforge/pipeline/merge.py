"""``stepforge merge``: N shard folders (``--shard i/N``) → the single run, exactly.

The engine runs again over the merged config with an executor that does no work: each unit's records come from
the folder of the shard that owns it, so COUNT, the polarity quotas and the budget are applied in index order
exactly as the single run applies them, and the folder written is the single run's (same traces, same rejections,
same config hash). A unit the single run needs that its shard did not reach is a one-line error naming the shard
and the ``--shard-extra`` that extends it.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from stepforge.errors import UserError
from stepforge.generators.sources import Unit, UnitResult
from stepforge.pipeline.config import RunConfig
from stepforge.pipeline.engine import RunSummary, run
from stepforge.pipeline.executors import Plan
from stepforge.pipeline.folder import REJECTED, RUN, RUN_FILES, SOURCE_FILES, STAGING, TRACES
from stepforge.pipeline.shard import LEDGER, owner
from stepforge.schema import Rejection, Trace, wire_part


class _ShardFolder:
    """One finished shard: where each unit's records are in its files (offsets, read on demand: memory is a few
    integers per record), its samples ledger and how far it went."""

    def __init__(self, path: Path, info: dict[str, Any]) -> None:
        self.path = path
        self.info = info
        self.covered = int((info.get("checkpoint") or {}).get("next_index", 0))
        self.files: dict[str, IO[bytes]] = {}
        self.where: dict[str, dict[int, list[int]]] = {}
        for name in (TRACES, REJECTED):
            self.where[name] = {}
            p = path / name
            if not p.exists():
                continue
            fh = self.files[name] = p.open("rb")
            offset = 0
            for n, line in enumerate(fh, 1):
                if not line.endswith(b"\n"):
                    raise UserError(f"{p}:{n}: a partial last line: run the shard again with --resume first")
                rec = json.loads(line)
                index = ((wire_part((rec.get("task") or {}).get("metadata")) or {}).get("index") if name == TRACES
                         else rec.get("index"))
                self.where[name].setdefault(-1 if index is None else int(index), []).append(offset)
                offset += len(line)
        self.spent: dict[int, int] = {}
        if (path / LEDGER).exists():
            for line in (path / LEDGER).read_text().splitlines():
                if line.strip():
                    r = json.loads(line)
                    self.spent[int(r["index"])] = int(r["spent"])

    def records(self, index: int) -> list[Trace | Rejection]:
        out: list[Trace | Rejection] = []
        for name, model in ((TRACES, Trace), (REJECTED, Rejection)):
            for offset in self.where[name].get(index, []):
                fh = self.files[name]
                fh.seek(offset)
                out.append(model.model_validate_json(fh.readline()))  # type: ignore[attr-defined]
        return out

    def close(self) -> None:
        for fh in self.files.values():
            fh.close()


class MergeExecutor:
    """Yields each wanted unit's records from its shard, in index order; works nothing."""

    name = "merge"

    def __init__(self, shards: list[_ShardFolder]) -> None:
        self.shards = shards

    def results(self, plan: Plan, units: Iterator[Unit]) -> Iterator[UnitResult]:
        n = len(self.shards)
        for unit in units:
            if not plan.wanted(unit):
                continue  # the single run skips it too (its polarity quota is full)
            shard = self.shards[owner(unit.index, n)]
            if unit.index >= shard.covered:
                s = shard.info["shard"]
                extra = int(s.get("extra", 0)) + 2 * math.ceil(plan.needed() / n) + 16
                raise UserError(f"shard {s['index']}/{n} ({shard.path}) stopped before item {unit.index}, which the "
                                f"merged run needs: run that shard again with its command plus --resume "
                                f"--shard-extra {extra}, then merge again")
            yield UnitResult(unit, shard.records(unit.index), spent=shard.spent.get(unit.index, 0))

    def close(self) -> None:
        for shard in self.shards:
            shard.close()


def _read_info(path: Path) -> dict[str, Any]:
    try:
        info = json.loads((path / RUN).read_text())
        assert isinstance(info, dict)
    except (OSError, ValueError, AssertionError):
        raise UserError(f"{path}: not a run folder (no readable {RUN})") from None
    if not info.get("shard"):
        raise UserError(f"{path}: not a shard (made without --shard i/N)")
    return info


def merge(shards: list[Path], out: Path, *, overwrite: bool = False, progress: bool = True,
          command: str | None = None) -> RunSummary:
    """Merge the folders of shards ``0/N`` … ``N-1/N`` of one run into ``out``: the single run's folder."""
    if not shards:
        raise UserError("name the shard folders to merge")
    infos = [(Path(p), _read_info(Path(p))) for p in shards]
    first = infos[0][1]
    n = int(first["shard"]["count"])
    by_index: dict[int, Path] = {}
    for path, info in infos:
        if info.get("config_hash") != first.get("config_hash"):
            raise UserError(f"{path} is a shard of another run configuration than {infos[0][0]}")
        s = info["shard"]
        if int(s["count"]) != n:
            raise UserError(f"{path} is shard {s['index']}/{s['count']}, the others are of {n}")
        if int(s["index"]) in by_index:
            raise UserError(f"{path} and {by_index[int(s['index'])]} are both shard {s['index']}/{n}")
        if info.get("status") != "complete":
            raise UserError(f"shard {s['index']}/{n} ({path}) did not finish ({info.get('status')}): run it again "
                            "with --resume")
        by_index[int(s["index"])] = path
    info_of = {int(info["shard"]["index"]): info for _, info in infos}
    missing = [str(i) for i in range(n) if i not in by_index]
    if missing:
        raise UserError(f"shards {', '.join(f'{i}/{n}' for i in missing)} are missing")
    config = RunConfig(**first["config"], out=out, progress=progress, command=command)
    if config.config_hash() != first["config_hash"]:
        raise UserError("the shards were made by another stepforge version (their config hash differs); merge them "
                        "with that version")
    out = Path(out)
    if out.resolve() in {p.resolve() for p in by_index.values()}:
        raise UserError(f"--out {out} is one of the shards; merge into another folder")
    held = [name for name in RUN_FILES if (out / name).exists()]
    if held and not overwrite:
        raise UserError(f"{out} already holds a run ({', '.join(held)}); pass --overwrite to replace it")
    for name in (*held, *SOURCE_FILES):
        (out / name).unlink(missing_ok=True)
    executor = MergeExecutor([_ShardFolder(by_index[i], info_of[i]) for i in range(n)])
    # offline: no source is asked anything (no model, no key), and records are staged until the merge ends
    try:
        return run(config, offline=True, executor=executor)
    except BaseException:  # a merge that cannot finish leaves no run behind (run it again once the shards are fixed)
        finished = (out / RUN).exists() and json.loads((out / RUN).read_text()).get("status") == "complete"
        if not finished:  # (a finished one that ran out of items is the single run's folder, error and all)
            for name in (*RUN_FILES, TRACES + STAGING, REJECTED + STAGING):
                (out / name).unlink(missing_ok=True)
        raise
