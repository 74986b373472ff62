"""What every importer fills the same way: ids, provenance, an honest outcome, the labelling record."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from typing import Any

from stepforge import __version__
from stepforge.datasets.importers import ImportFormatError, ImportOptions
from stepforge.schema import Generation, Label, Labeling, Outcome, Provenance, Segmentation, Step

UNKNOWN_SEED = 0  # the schema needs an int; imported data does not say how it was sampled


def digest(obj: Any) -> str:
    blob = json.dumps(obj, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(blob.encode()).hexdigest()[:16]


def provenance(fmt: str, options: ImportOptions) -> Provenance:
    created = options.created_at or dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")
    return Provenance(
        toolkit_version=__version__,
        config_hash="sha256:" + hashlib.sha256(f"import:{fmt}:{options.neutral_policy}".encode()).hexdigest()[:32],
        created_at=created,
        versions={"stepforge": __version__},
    )


def outcome(fmt: str, correct: bool | None, rule: str, details: dict[str, Any] | None = None) -> Outcome:
    """The source's own final-answer verdict, or ``correct: null`` when the source has none."""
    verdict = "not_graded" if correct is None else ("correct" if correct else "incorrect")
    return Outcome(correct=correct, verifier=f"imported:{fmt}", verdict=verdict, rule=rule, seconds=0.0,
                   isolation=None, details=details or {})


def generation(fmt: str, texts: list[str], separator: str, model: str | None = None, **kw: Any) -> Generation:
    """The source's steps joined by ``separator``: the raw response is reconstructed, not original."""
    return Generation(generator=f"imported:{fmt}", model=model, seed=UNKNOWN_SEED,
                      raw_response=separator.join(texts), **kw)


def segmentation(separator: str) -> Segmentation:
    return Segmentation(method="source", separator=separator)


def label(rating: int, source: str, options: ImportOptions, *, semantics: str = "correctness",
          score: float | None = None, correct: bool | None = None) -> Label:
    if correct is None:
        correct = rating > 0 or (rating == 0 and options.neutral_policy == "positive")
    return Label(rating=rating, correct=correct, score=score, semantics=semantics, source=source)  # type: ignore[arg-type]


def steps(texts: list[str], separator: str, labels: list[Label | None],
          evidence: list[dict[str, Any]] | None = None,
          alternatives: list[list[dict[str, Any]]] | None = None) -> list[Step]:
    """Steps with spans into ``separator.join(texts)`` (the reconstructed raw response)."""
    out, pos = [], 0
    for i, text in enumerate(texts):
        out.append(Step(index=i, text=text, span=(pos, pos + len(text)), label=labels[i],
                        evidence=evidence[i] if evidence else {},
                        alternatives=alternatives[i] if alternatives else []))
        pos += len(text) + len(separator)
    return out


def labeling(strategy: str, options: ImportOptions, until_first_error: bool = False) -> Labeling:
    return Labeling(strategy=strategy, supervised_until_first_error=until_first_error,
                    neutral_policy=options.neutral_policy)


def need(row: dict[str, Any], keys: list[str], where: str = "") -> None:
    missing = [k for k in keys if k not in row]
    if missing:
        raise ImportFormatError(f"missing key{'s' if len(missing) > 1 else ''} {', '.join(where + k for k in missing)}")


def key_order(row: dict[str, Any], default: list[str]) -> list[str] | None:
    """The source's key order when it differs from the exporter's default (absent keys included)."""
    keys = list(row)
    return None if keys == default else keys


def first_error(ratings: list[int | None]) -> int:
    return next((i for i, r in enumerate(ratings) if r == -1), -1)
