"""Hugging Face datasets: the Hub layout (``data/{split}-{i:05d}-of-{n:05d}.parquet`` and a README whose
YAML front matter declares the config, splits and features), written offline and loadable with
``datasets.load_dataset(DIR)``; publishing is ``huggingface-cli upload REPO DIR --repo-type dataset``.

``features()`` gives the ``datasets.Features`` of a trace line, for reading any mix of stepforge JSONL
files (imported ones too) with ``load_dataset("json", data_files=[...], features=features())``.
"""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from stepforge.datasets.arrow import ParquetShards, RowSchema, batches, hf_features, pyarrow, trace_schema
from stepforge.errors import UserError

_PLAIN = re.compile(r"^[A-Za-z_][A-Za-z0-9_.\-/]*$")
_YAML_WORDS = {"true", "false", "null", "yes", "no", "on", "off", "y", "n", "~"}


def features() -> Any:
    """``datasets.Features`` of a trace line (``schema.to_wire``): pass to ``load_dataset("json", ...)``."""
    try:
        import datasets
    except ImportError:
        raise UserError("features() needs the datasets package: pip install datasets") from None
    return datasets.Features._from_yaml_list(hf_features(trace_schema()))


def _scalar(v: Any) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if v is None:
        return "null"
    if isinstance(v, (int, float)):
        return json.dumps(v)
    s = str(v)
    if _PLAIN.match(s) and s.lower() not in _YAML_WORDS:
        return s
    return json.dumps(s)  # a JSON string is a valid YAML double-quoted scalar


def yaml_dump(value: Any, indent: int = 0) -> str:
    """Block-style YAML for nested dicts, lists and scalars (what a dataset card's front matter holds)."""
    pad = " " * indent
    lines: list[str] = []
    if isinstance(value, dict):
        for k, v in value.items():
            if isinstance(v, (dict, list)) and v:
                lines.append(f"{pad}{_scalar(k)}:")
                lines.append(yaml_dump(v, indent + 2))
            else:
                lines.append(f"{pad}{_scalar(k)}: {_scalar(v) if not isinstance(v, (dict, list)) else '[]' if isinstance(v, list) else '{}'}")
    elif isinstance(value, list):
        for item in value:
            if isinstance(item, dict) and item:
                body = yaml_dump(item, indent + 2).splitlines()
                lines.append(f"{pad}- {body[0].lstrip()}")
                lines.extend(body[1:])
            elif isinstance(item, list) and item:
                lines.append(f"{pad}-")
                lines.append(yaml_dump(item, indent + 2))
            else:
                lines.append(f"{pad}- {_scalar(item)}")
    else:
        lines.append(pad + _scalar(value))
    return "\n".join(lines)


def _size_category(n: int) -> str:
    for limit, name in ((1_000, "n<1K"), (10_000, "1K<n<10K"), (100_000, "10K<n<100K"),
                        (1_000_000, "100K<n<1M"), (10_000_000, "1M<n<10M")):
        if n < limit:
            return name
    return "10M<n<100M"


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
        "size_categories": [_size_category(total)],
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
    tmp.write_text("---\n" + yaml_dump(meta) + "\n---\n\n" + body.rstrip() + "\n", encoding="utf-8")
    tmp.replace(out / "README.md")
    del pa
    return report


def clear(out: Path) -> None:
    """Remove a previous export's files (README and data/) before writing a new one."""
    (out / "README.md").unlink(missing_ok=True)
    if (out / "data").is_dir():
        shutil.rmtree(out / "data")
