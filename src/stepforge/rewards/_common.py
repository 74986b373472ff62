"""What every reward shares: the result record, completion text in either trainer format, column lookup."""

from __future__ import annotations

import asyncio
import functools
import math
import types
from collections.abc import Callable, Sequence
from typing import Any

from pydantic import BaseModel, Field


class RewardResult(BaseModel):
    """One completion's reward and why: ``score`` is None when the completion could not be scored.

    ``reason`` is a short code (``equal``, ``not_equal``, ``no_answer``, ``gold_unparseable``, ``timeout``,
    ``passed``, ``failed``, ``no_code``, ...); ``evidence`` holds the verifier's own record (rule, extracted
    answers, test counts, isolation, seconds, versions), so every 0 and every None can be traced.
    """

    score: float | None
    correct: bool | None
    reason: str
    pred: str | None = None
    evidence: dict[str, Any] = Field(default_factory=dict)


def completion_text(completion: Any) -> str | None:
    """The text of a completion: a string (standard format) or the last assistant message of a conversation
    (TRL's conversational format: a list of ``{"role", "content"}``; content may be a list of text parts)."""
    if isinstance(completion, str):
        return completion
    if isinstance(completion, dict):
        return _content(completion.get("content"))
    if isinstance(completion, (list, tuple)):
        msgs = [m for m in completion if isinstance(m, dict)]
        if not msgs:
            return None
        assistant = [m for m in msgs if m.get("role", "assistant") == "assistant"]
        return _content((assistant or msgs)[-1].get("content"))
    return None


def _content(content: Any) -> str | None:
    if isinstance(content, str):
        return content
    if isinstance(content, list):  # multimodal parts: keep the text ones
        parts = [p.get("text", "") for p in content if isinstance(p, dict) and p.get("type", "text") == "text"]
        return "".join(parts)
    return None


def column(columns: dict[str, Any], name: str, n: int, owner: str) -> list[Any]:
    """The dataset column ``name`` as a list of ``n`` values, or a ValueError that names the fix."""
    if name not in columns:
        have = sorted(k for k in columns if k not in ("trainer_state", "log_extra", "log_metric", "environments"))
        raise ValueError(
            f"{owner}: the batch has no column {name!r} (columns: {', '.join(have) or 'none'}); name the right "
            f"column when building {owner}, and keep GRPOConfig.remove_unused_columns=False"
        )
    values = columns[name]
    if isinstance(values, (str, bytes)) or not isinstance(values, Sequence):
        values = [values] * n
    values = list(values)
    if len(values) != n:
        raise ValueError(f"{owner}: column {name!r} has {len(values)} values for {n} completions")
    return values


def log_results(log_extra: Callable[[str, list], None] | None, prefix: str, results: list[RewardResult]) -> None:
    """Per-completion evidence into TRL's completions table (``log_extra``), when the trainer gives one."""
    if log_extra is None:
        return
    log_extra(f"{prefix}_reason", [r.reason for r in results])
    log_extra(f"{prefix}_pred", [r.pred for r in results])


def as_float(score: float | None) -> float:
    """None as NaN, for trainers that keep rewards in float tensors."""
    return math.nan if score is None else float(score)


async def _async_call(reward: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    return await asyncio.to_thread(reward, *args, **kwargs)


class _Twin(functools.partial):
    """A partial that pickles as ``async_twin(reward)`` (its function is a renamed copy of ``_async_call``)."""

    def __reduce__(self) -> tuple[Any, ...]:
        return (async_twin, (self.args[0],))


def async_twin(reward: Callable[..., Any]) -> Callable[..., Any]:
    """``reward`` as a coroutine function: ``inspect.iscoroutinefunction`` is true (TRL then awaits it with the
    other async rewards), its ``__name__`` is the reward's (TRL's metric name), and it pickles."""
    fn = types.FunctionType(_async_call.__code__, _async_call.__globals__, getattr(reward, "__name__", "reward"))
    return _Twin(fn, reward)
