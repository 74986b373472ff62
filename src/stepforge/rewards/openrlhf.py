"""OpenRLHF's reward function: ``reward_func(queries, prompts, labels)`` over stepforge's verifiers.

``queries`` are prompt + response as decoded by OpenRLHF (special tokens kept); the response is what follows
the prompt. Labels are math answers, or code test specs (as for ``stepforge.rewards.verl``). Returns
``{"rewards", "scores", "extra_logs"}`` as tensors when torch is importable (as OpenRLHF's trainer has it),
else as lists. A response that cannot be scored gets 0 with ``extra_logs["stepforge_unscored"] = 1``.
"""

from __future__ import annotations

from typing import Any

from stepforge.rewards._common import RewardResult
from stepforge.rewards.verl import score_one


def response_of(query: str, prompt: str | None) -> str:
    """The response part of a query: the text after the prompt when the prompt is found in it."""
    if prompt and isinstance(query, str):
        at = query.find(prompt)
        if at >= 0:
            return query[at + len(prompt):]
    return query


def results(queries: list[str], prompts: list[str], labels: list[Any], **kwargs: Any) -> list[RewardResult]:
    return [score_one(kwargs.get("data_source"), response_of(q, p), lab, {}, **kwargs)
            for q, p, lab in zip(queries, prompts, labels)]


def as_openrlhf(rs: list[RewardResult]) -> dict[str, Any]:
    rewards = [float(r.score) if r.score is not None else 0.0 for r in rs]
    logs = {"stepforge_correct": [float(bool(r.correct)) for r in rs],
            "stepforge_unscored": [float(r.score is None) for r in rs]}
    try:
        import torch
    except ImportError:
        return {"rewards": rewards, "scores": list(rewards), "extra_logs": logs}
    t = torch.tensor(rewards, dtype=torch.float)
    return {"rewards": t, "scores": t.clone(), "extra_logs": {k: torch.tensor(v) for k, v in logs.items()}}


def reward_func(queries: list[str], prompts: list[str], labels: list[Any], **kwargs: Any) -> dict[str, Any]:
    """OpenRLHF's ``--reward.remote_url path/to/file.py`` contract (a file containing
    ``from stepforge.rewards.openrlhf import reward_func``)."""
    return as_openrlhf(results(list(queries), list(prompts), list(labels), **kwargs))
