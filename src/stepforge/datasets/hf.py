"""Hugging Face datasets: the Hub layout (``data/{split}-{i:05d}-of-{n:05d}.parquet`` and a README whose
YAML front matter declares the config, splits and features), written offline and loadable with
``datasets.load_dataset(DIR)``; publishing is ``huggingface-cli upload REPO DIR --repo-type dataset``.

``features()`` gives the ``datasets.Features`` of a trace line, for reading any mix of stepforge JSONL
files (imported ones too) with ``load_dataset("json", data_files=[...], features=features())``.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from stepforge.datasets.arrow import ParquetShards, RowSchema, batches, hf_features, pyarrow, trace_schema
from stepforge.datasets.frontmatter import front_matter_text, size_category
from stepforge.errors import UserError

def features() -> Any:
    """``datasets.Features`` of a trace line (``schema.to_wire``): pass to ``load_dataset("json", ...)``."""
    try:
        import datasets
    except ImportError:
        raise UserError("features() needs the datasets package: pip install datasets") from None
    return datasets.Features._from_yaml_list(hf_features(trace_schema()))


@dataclass
class HubReport:
    folder: Path
    splits: dict[str, int] = field(default_factory=dict)
    files: list[Path] = field(default_factory=list)
    json_columns: list[str] = field(default_factory=list)


def front_matter(schema: Any, splits: dict[str, tuple[int, int]], *, pretty_name: str, license: str,
                 tags: list[str]) -> dict[str, Any]:
    """The card metadata: licence, tags, size, the ``default`` config's files and ``dataset_info``."""
    total = sum(n for n, _ in splits.values())
    return {
        "license": license,
        "pretty_name": pretty_name,
        "language": ["en"],
        "task_categories": ["text-generation"],
        "tags": tags,
        "size_categories": [size_category(total)],
        "configs": [{"config_name": "default",
                     "data_files": [{"split": s, "path": f"data/{s}-*"} for s in splits]}],
        "dataset_info": {
            "features": hf_features(schema),
            "splits": [{"name": s, "num_bytes": b, "num_examples": n} for s, (n, b) in splits.items()],
            "dataset_size": sum(b for _, b in splits.values()),
        },
    }


def write_hub(out: Path, splits: dict[str, Callable[[], Iterable[dict[str, Any]]]], *, schema: Any | None,
              body: str, pretty_name: str, license: str = "other", tags: list[str] | None = None,
              max_shard_bytes: int = 500 * 1024 * 1024) -> HubReport:
    """Write every split's rows as parquet shards and the README, into ``out`` (created; must not hold
    data). ``splits`` maps a split name to a function giving its rows (called twice when ``schema`` is
    None: once to learn one schema for every split, once to write). The folder appears complete only
    at the end: files are written under ``.tmp`` names and the README last."""
    pa = pyarrow()
    for name in splits:
        if not re.fullmatch(r"[A-Za-z0-9_]+", name):
            raise UserError(f"split name {name!r}: use letters, digits and underscores")
    rows_schema = RowSchema()
    if schema is None:
        for rows in splits.values():
            for batch in batches(rows()):
                rows_schema.learn(batch)
        schema = rows_schema.final()
    data = out / "data"
    data.mkdir(parents=True, exist_ok=True)
    report = HubReport(folder=out, json_columns=sorted(rows_schema.json_columns))
    sizes: dict[str, tuple[int, int]] = {}
    writers: list[ParquetShards] = []
    try:
        for name, rows in splits.items():
            w = ParquetShards(data, name, schema, max_shard_bytes)
            writers.append(w)
            for batch in batches(rows()):
                w.write(rows_schema.table(batch, schema))
            sizes[name] = (w.rows, w.nbytes)
        for w in writers:
            report.files += w.close()
    except BaseException:
        for w in writers:
            w.abort()
        raise
    report.splits = {s: n for s, (n, _) in sizes.items()}
    meta = front_matter(schema, sizes, pretty_name=pretty_name, license=license,
                        tags=tags or ["synthetic", "process-supervision", "prm", "stepforge"])
    tmp = out / ".README.md.tmp"
    tmp.write_text(front_matter_text(meta) + "\n" + body.rstrip() + "\n", encoding="utf-8")
    tmp.replace(out / "README.md")
    del pa
    return report


def clear(out: Path) -> None:
    """Remove a previous export's files (README, data/ and the card's plots/) before writing a new one."""
    (out / "README.md").unlink(missing_ok=True)
    for folder in ("data", "plots"):
        if (out / folder).is_dir():
            shutil.rmtree(out / folder)
