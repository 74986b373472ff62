"""The run folder: its files, its lock, resume, the streaming card and ``run.json``. The files are the state.

``traces.jsonl`` and ``rejected.jsonl`` are append-only, a line flushed per record (a SIGKILL loses at most a
partial last line, cut on resume). ``run.json`` holds the config (and its hash) and a checkpoint: the next item
index and the samples spent before it. Resume streams the files once: a partial tail is cut, every trace must come
from this config, the kept counts and the card statistics are recounted, and records at or after the checkpoint are
remembered by id so that items redone after the checkpoint write only what is missing. Memory stays flat in the
run's size. A second run on a folder in use is refused (an exclusive ``flock`` held for the run's life).

With curation (``config.curate``), every trace passes ``datasets.curate.stream`` before it is written: a dropped
one goes to ``rejected.jsonl`` with its reason and what it matches, and does not count as kept; the indexes are
rebuilt from ``traces.jsonl`` on resume. Decisions follow the write order, which is the item order, so the kept
set still depends on the seed alone.
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from stepforge.datasets import card as _card
from stepforge.datasets import io
from stepforge.datasets import plots as _plots
from stepforge.datasets.curate.options import CurateOptions
from stepforge.datasets.curate.stream import Drop, Row, StreamCuration
from stepforge.errors import UserError
from stepforge.labeling.summary import LabelStats
from stepforge.pipeline.config import RunConfig
from stepforge.schema import Rejection, Trace, wire_from_json, wire_part

TRACES, REJECTED, CARD, RUN, LOCK = "traces.jsonl", "rejected.jsonl", "card.md", "run.json", ".stepforge.lock"
RUN_FILES = (TRACES, REJECTED, CARD, RUN)
PLOTS = "plots"  # the card's figures, drawn anew at the end of every session
# written by sources into the folder; replaced with the run on --overwrite
SOURCE_FILES = ("journal.jsonl", "journal.rollout.jsonl", "journal.judge.jsonl")
STAGING = ".staging"


@dataclass
class ResumeState:
    """Where a run continues: the next item, what was spent before it, kept counts by polarity, and the ids of
    records written at or after the checkpoint (by item index)."""

    resumed: bool = False
    next_index: int = 0
    spent: int = 0
    kept: dict[bool, int] = field(default_factory=lambda: {False: 0, True: 0})  # keyed by "is incorrect"
    after: dict[int, set[str]] = field(default_factory=dict)


class RunFolder:
    """One run's folder. ``staging``: records go to side files that replace the real ones only on ``commit``
    (a Batch API run writes nothing until every answer it needs is in)."""

    def __init__(self, config: RunConfig, *, staging: bool = False) -> None:
        self.config = config
        self.out = config.out
        self.staging = staging
        self.card = _card.CardStats()
        self.labels = LabelStats()
        self.curation: StreamCuration | None = None
        # benchmarks are read here, before the folder is touched. A shard does not curate: what a trace is checked
        # against is the traces kept before it in the single run, which only ``merge`` knows (it curates then)
        if config.curate is not None and config.shard is None:
            self.curation = StreamCuration(CurateOptions.model_validate(config.curate))
        self._lock_fd: int | None = None
        self._tf: IO[str] | None = None
        self._rf: IO[str] | None = None
        self._last_checkpoint = 0.0

    # -- opening -----------------------------------------------------------------------------------------------

    def open(self) -> ResumeState:
        """Check the folder, take the lock, and return where the run starts (after an earlier one on resume)."""
        out = self.out
        if out.exists() and not out.is_dir():
            raise UserError(f"--out {out} exists and is not a folder")
        try:
            out.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise UserError(f"cannot create the output folder {out}: {exc.strerror or exc}") from None
        self._lock()
        try:
            state = self._prepare()
        except BaseException:
            self.close()
            raise
        tname, rname = (TRACES + STAGING, REJECTED + STAGING) if self.staging else (TRACES, REJECTED)
        if self.staging:
            for n in (tname, rname):
                (out / n).unlink(missing_ok=True)
        self._tf = (out / tname).open("a", encoding="utf-8")
        self._rf = (out / rname).open("a", encoding="utf-8")
        return state

    def _lock(self) -> None:
        fd = os.open(self.out / LOCK, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            holder = os.pread(fd, 64, 0).decode(errors="replace").strip()
            os.close(fd)
            raise UserError(f"{self.out} is in use by another stepforge run{f' (pid {holder})' if holder else ''}; "
                            "wait for it to end, or use another --out") from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, str(os.getpid()).encode(), 0)
        self._lock_fd = fd

    def _prepare(self) -> ResumeState:
        out, config = self.out, self.config
        held = [n for n in RUN_FILES if (out / n).exists()]
        if self.staging:  # rebuilt from the journal each time: the config must match what is there
            if (out / RUN).exists():
                self._check_config(self._read_run_json())
            return ResumeState()
        if not held:  # nothing to resume: a new run (also with --resume, e.g. killed before its first line)
            return ResumeState()
        if config.overwrite:
            for n in (*held, *SOURCE_FILES):
                (out / n).unlink(missing_ok=True)
            shutil.rmtree(out / PLOTS, ignore_errors=True)
            return ResumeState()
        if not config.resume:
            raise UserError(f"{out} already holds a run ({', '.join(held)}); pass --resume to continue it or "
                            "--overwrite to replace it")
        earlier = self._read_run_json()
        self._check_config(earlier)
        return self._scan(earlier.get("checkpoint") or {})

    def _read_run_json(self) -> dict[str, Any]:
        try:
            data = json.loads((self.out / RUN).read_text())
            assert isinstance(data, dict)
            return data
        except (OSError, ValueError, AssertionError):
            raise UserError(f"{self.out} holds run files but no readable {RUN}; use --overwrite to replace "
                            "them") from None

    def _check_config(self, earlier: dict[str, Any]) -> None:
        was = _shard_name(earlier.get("shard"))
        now = _shard_name(self.config.shard.model_dump() if self.config.shard else None)
        if was != now:
            raise UserError(f"the run in {self.out} is {was}, not {now}; use another --out")
        if earlier.get("config_hash") != self.config.config_hash():
            diff = sorted(k for k, v in self.config.data_fields().items() if earlier.get("config", {}).get(k) != v)
            raise UserError(f"the run in {self.out} was made with other settings ({', '.join(diff) or 'version'}); "
                            "resume with the same settings, or use --overwrite")

    def _scan(self, checkpoint: dict[str, Any]) -> ResumeState:
        """One streaming pass over both files: cut partial tails, check every trace's config, recount."""
        st = ResumeState(resumed=True, next_index=int(checkpoint.get("next_index", 0)),
                         spent=int(checkpoint.get("spent", 0)))
        want = self.config.config_hash()
        highest = -1
        kept_rows: list[Row] = []  # batches of kept traces for the curation indexes
        for name in (TRACES, REJECTED):
            path = self.out / name
            io.repair_tail(path)
            if not path.exists():
                continue
            for n, rec in io.iter_jsonl(path):
                if not isinstance(rec, dict) or "id" not in rec:
                    raise UserError(f"{path}:{n}: not a stepforge record")
                if name == TRACES:
                    made_by = (rec.get("provenance") or {}).get("config_hash")
                    if made_by != want:
                        raise UserError(f"{path}:{n}: record {rec['id']} was made by another run configuration "
                                        f"({made_by}, this run {want}); it cannot be resumed here: use --overwrite "
                                        "or another --out")
                    try:  # the line form holds metadata and other free-form parts as JSON text
                        index = (wire_part((rec.get("task") or {}).get("metadata")) or {}).get("index", -1)
                        self.card.add_trace(rec)
                    except (ValueError, AttributeError):
                        raise UserError(f"{path}:{n}: not a stepforge trace (a part that should be JSON text or "
                                        "an object is neither)") from None
                    st.kept[(rec.get("outcome") or {}).get("correct") is False] += 1
                    self.labels.add_trace(rec)
                    if self.curation is not None:
                        kept_rows.append(Row.of(rec))
                        if len(kept_rows) >= 2048:
                            self.curation.keep_existing(kept_rows)
                            kept_rows = []
                else:
                    index = rec.get("index")
                    self.card.add_rejection(rec)
                    self.labels.add_rejection(rec)
                index = -1 if index is None else int(index)
                highest = max(highest, index)
                if index >= st.next_index:
                    st.after.setdefault(index, set()).add(str(rec["id"]))
            if self.curation is not None:
                self.curation.keep_existing(kept_rows)
                kept_rows = []
        if not checkpoint:  # a run.json from before checkpoints: continue after the last recorded item
            st.next_index = highest + 1
            st.after = {}
        return st

    # -- writing -----------------------------------------------------------------------------------------------

    def write(self, rec: Trace | Rejection) -> bool:
        """Append a record; True when it is a trace kept (False: a rejection, or a trace curation dropped, which
        is written to ``rejected.jsonl`` instead)."""
        data = rec.model_dump(mode="json")
        if isinstance(rec, Trace):
            if self.curation is not None:
                verdict = self.curation.check(Row.of(data))
                if isinstance(verdict, Drop):
                    self._reject(Rejection(id=rec.id, index=rec.task.metadata.get("index"), domain=rec.domain,
                                           reason=verdict.reason, detail=verdict.detail, evidence=verdict.evidence,
                                           candidate=data).model_dump(mode="json"))
                    return False
                if verdict.split is not None:
                    data["task"]["split"] = verdict.split
                if verdict.overlap is not None:  # shares n-grams with a benchmark, below the preset's threshold
                    data["extras"]["decontamination"] = verdict.overlap
            assert self._tf is not None
            io.append(self._tf, wire_from_json(data))  # the line form; the card reads the nested dict
            self.card.add_trace(data)
            self.labels.add_trace(data)
            return True
        self._reject(data)
        return False

    def _reject(self, data: dict[str, Any]) -> None:
        assert self._rf is not None
        io.append(self._rf, data)
        self.card.add_rejection(data)
        self.labels.add_rejection(data)

    def write_run_json(self, status: str, **extra: Any) -> None:
        config = self.config
        data = {"config_hash": config.config_hash(), "config": config.data_fields(), "command": config.command,
                "status": status, **extra}
        if config.shard is not None:
            data["shard"] = config.shard.model_dump()
        tmp = self.out / (RUN + ".tmp")
        tmp.write_text(json.dumps(data, indent=2) + "\n")
        os.replace(tmp, self.out / RUN)

    def checkpoint(self, next_index: int, spent: int, *, every: float = 1.0) -> None:
        """Record progress in ``run.json`` (at most every ``every`` seconds): the records before ``next_index`` are
        all on disk. Records after it are fine too; a resume redoes those items and skips what is written."""
        if self.staging:
            return
        now = time.monotonic()
        if now - self._last_checkpoint < every:
            return
        self._last_checkpoint = now
        for fh in (self._tf, self._rf):
            if fh is not None:
                fh.flush()
        self.write_run_json("running", checkpoint={"next_index": next_index, "spent": spent})

    def finish(self, *, status: str, next_index: int, spent: int, seconds: float | None, ended: str,
               source: dict[str, Any], usage: dict[str, Any] | None, sections: list[str]) -> dict[str, Any]:
        """Sync the files, write the card and ``run.json``; staging files replace the real ones here."""
        for fh in (self._tf, self._rf):
            if fh is not None:
                io.sync(fh)
                fh.close()
        self._tf = self._rf = None
        if self.staging:
            for n in (TRACES, REJECTED):
                os.replace(self.out / (n + STAGING), self.out / n)
        st = self.card.as_dict()
        if usage is not None:
            st["model_usage"] = {k: v for k, v in usage.items() if k != "session"}
        labelling = self.labels.section()
        if labelling is not None:
            sections = [*sections, labelling]
        curation = self.curation.describe() if self.curation is not None else None
        plots, note = _plots.draw(st, self.out / PLOTS)
        text = _card.render(st, config=self.config.data_fields(), command=self.config.command, seconds=seconds,
                            config_hash=self.config.config_hash(), source=source, ended=ended, sections=sections,
                            plots=plots, plots_note=note, plots_folder=PLOTS, curation=curation)
        tmp = self.out / (CARD + ".tmp")
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, self.out / CARD)
        extra: dict[str, Any] = {"kept": st["kept"], "rejected": st["rejected"], "ended": ended,
                                 "checkpoint": {"next_index": next_index, "spent": spent}}
        if usage is not None:
            extra["model_usage"] = st["model_usage"]
        if curation is not None:
            extra["curation"] = {"dropped": st["curation_dropped"], "index_bytes": curation["index_bytes"]}
        self.write_run_json(status, **extra)
        return st

    def discard(self) -> None:
        """Drop staged records (a Batch API run that still lacks answers)."""
        for fh in (self._tf, self._rf):
            if fh is not None:
                fh.close()
        self._tf = self._rf = None
        if self.staging:
            for n in (TRACES, REJECTED):
                (self.out / (n + STAGING)).unlink(missing_ok=True)

    def close(self) -> None:
        for fh in (self._tf, self._rf):
            if fh is not None:
                fh.close()
        self._tf = self._rf = None
        if self._lock_fd is not None:
            os.close(self._lock_fd)
            self._lock_fd = None


def _shard_name(shard: dict[str, Any] | None) -> str:
    return f"shard {shard['index']}/{shard['count']}" if shard else "an unsharded run"
