"""The card's figures, drawn from its counters (never from the records): label distribution, first-error positions,
steps per trace, family mix. PNG files in one folder next to the card; matplotlib (the ``data`` extra) through its
object API (no pyplot: no global state, safe in a thread or next to a notebook's own figures). Without matplotlib
nothing is drawn and the card says so."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

MISSING = "plots not drawn: matplotlib is not installed (pip install 'stepforge[data]')"
NAMES = ("labels", "first_error", "steps", "families")
_GREEN, _RED, _GREY = "#2a9d8f", "#e76f51", "#8d99ae"


def _figure(width: float = 6.0, height: float = 3.2) -> Any:
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width, height), dpi=100, layout="constrained")
    FigureCanvasAgg(fig)
    return fig


def _save(fig: Any, path: Path) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    fig.savefig(tmp, format="png", metadata={"Software": None})
    os.replace(tmp, path)


def _labels(st: dict[str, Any]) -> Any:
    order = [k for k in ("+1", "0", "-1") if k in st["ratings"]]
    if not order:
        return None
    fig = _figure(4.5, 3.0)
    ax = fig.add_subplot()
    counts = [st["ratings"][k] for k in order]
    colors = {"+1": _GREEN, "0": _GREY, "-1": _RED}
    ax.bar(order, counts, color=[colors[k] for k in order])
    ax.set(title="Step labels", xlabel="rating", ylabel="steps")
    return fig


def _first_error(st: dict[str, Any]) -> Any:
    hist = st["first_error_positions"]
    if not hist:
        return None
    fig = _figure()
    ax = fig.add_subplot()
    ax.bar([int(k) for k in hist], list(hist.values()), color=_RED)
    ax.set(title="First error position (incorrect traces)", xlabel="step index (0-based)", ylabel="traces")
    ax.xaxis.get_major_locator().set_params(integer=True)
    return fig


def _steps(st: dict[str, Any]) -> Any:
    per = st["steps_per_trace"]
    lengths = sorted({int(n) for c in per.values() for n in c})
    if not lengths:
        return None
    fig = _figure()
    ax = fig.add_subplot()
    width = 0.4
    for shift, (name, color) in zip((-width / 2, width / 2), (("correct", _GREEN), ("incorrect", _RED))):
        counts = per.get(name, {})
        ax.bar([n + shift for n in lengths], [counts.get(n, 0) for n in lengths], width, color=color, label=name)
    ax.set(title="Steps per trace", xlabel="steps", ylabel="traces")
    ax.xaxis.get_major_locator().set_params(integer=True)
    ax.legend()
    return fig


def _families(st: dict[str, Any]) -> Any:
    fams = st["families"]
    if not fams:
        return None
    names = list(fams)
    fig = _figure(7.0, max(2.2, 0.28 * len(names) + 1.2))
    ax = fig.add_subplot()
    left = [0] * len(names)
    for part, color in (("correct", _GREEN), ("incorrect", _RED), ("rejected", _GREY)):
        vals = [fams[n].get(part, 0) for n in names]
        ax.barh(names, vals, left=left, color=color, label=part)
        left = [a + b for a, b in zip(left, vals)]
    ax.invert_yaxis()
    ax.set(title="Families", xlabel="items")
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize="small")
    return fig


_DRAW = {"labels": _labels, "first_error": _first_error, "steps": _steps, "families": _families}


def draw(st: dict[str, Any], folder: Path) -> tuple[dict[str, str], str | None]:
    """Draw every figure that has data into ``folder``; return {name: file name} and a note when nothing could be
    drawn. Files of figures not drawn this time are removed (a card never links a stale figure)."""
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        return {}, MISSING
    folder.mkdir(parents=True, exist_ok=True)
    files: dict[str, str] = {}
    for name in NAMES:
        path = folder / f"{name}.png"
        fig = _DRAW[name](st)
        if fig is None:
            path.unlink(missing_ok=True)
            continue
        _save(fig, path)
        files[name] = path.name
    return files, None
