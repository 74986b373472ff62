"""The models a labelling strategy may call, by role, and the options that decide their requests.

Roles: ``rollout`` (the policy that continues a prefix) and ``judge`` (the critic). Each role is one
OpenAI-compatible endpoint with its own client (concurrency, rate limits, retries) and its own request journal
in the run folder (``journal.<role>.jsonl``), so a killed labelling run resumes without sending an answered
request again. ``StrategyOptions`` (models, K, V, sampling) decide the data and sit in the run's config hash;
endpoints and limits (``ClientConfig``) do not.
"""

from __future__ import annotations

from concurrent.futures import Future
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from stepforge.errors import UserError
if TYPE_CHECKING:  # the client imports openai (~0.4 s): loaded when a run configures models, not by every worker
    from stepforge.generators.llm.client import Answer
    from stepforge.generators.llm.threaded import ThreadedClient

ROLES = ("rollout", "judge")
# answers that every request to the endpoint would get alike (a wrong key, model name or URL): no resume helps
_MISCONFIGURED = ("HTTP 401", "HTTP 403", "HTTP 404")


def journal_name(role: str) -> str:
    return f"journal.{role}.jsonl"


class StrategyOptions(BaseModel):
    """Settings of the model-based strategies (``RunConfig.options["strategy"]``).

    ``rollouts`` K completions per probed prefix; ``n_per_request`` choices asked in one request (None: all K, or
    all V votes, in one request; 1 for servers without ``n``); ``judge_votes`` V critiques; ``mc_all_steps``: MC
    values for every step, not only up to the first error; ``judge_hints``: the symbolic checker's findings (code:
    the failing tests) shown to the critic; ``code_lines``: binary search goes on into code line prefixes.
    ``adaptive``: a probe first draws as few completions as could make it good (``min_successes``) and the rest of
    the K, at once, only when those do not, instead of all K at once (the verdict is the same; values need all K,
    so ``mc_all_steps`` draws all K). ``confirm``: rounds in which the good prefix just
    before the first bad one is drawn again (each independent; 0: trust the first): a wrong prefix that "recovered"
    once is caught there, not trusted. ``ahead``: while the policy's client has idle slots (the end of a run, when
    fewer candidates are left than requests fit in flight), a strategy also sends the requests it may need next
    (the rest of a probe's K, the next prefixes, the confirmation rounds) instead of one round trip after another;
    which prefix is the first error does not change, and draws it did not need are in the evidence and the cost.
    ``split``: how far into the interval bisection probes (0.5: the middle; see ``binary_search``)."""

    model_config = ConfigDict(extra="forbid")
    rollouts: int = Field(8, ge=1, le=256)
    min_successes: int = Field(1, ge=1)
    n_per_request: int | None = Field(None, ge=1)
    temperature: float = Field(0.7, ge=0)
    max_tokens: int = Field(1024, ge=1)
    seed: int = 0
    mc_all_steps: bool = False
    judge_votes: int = Field(1, ge=1, le=64)
    judge_temperature: float | None = Field(None, ge=0)
    judge_max_tokens: int = Field(2048, ge=1)
    judge_hints: bool = False
    code_lines: bool = True
    adaptive: bool = True
    confirm: int = Field(2, ge=0, le=8)
    ahead: bool = True
    split: float = Field(0.5, gt=0, lt=1)
    rollout_model: str | None = None
    judge_model: str | None = None
    fallback: str | None = None  # the strategy for errors the run's strategy cannot locate (``keep.settle``)

    @model_validator(mode="after")
    def _threshold(self) -> StrategyOptions:
        if self.min_successes > self.rollouts:
            raise ValueError(f"min_successes {self.min_successes} is more than the {self.rollouts} rollouts")
        return self

    @property
    def completer(self) -> Literal["model", "procedural"]:
        return "model" if self.rollout_model else "procedural"


def strategy_options(options: dict[str, Any]) -> StrategyOptions:
    return StrategyOptions.model_validate(options)


class ModelUnavailable(Exception):
    """A request the labelling needs got no answer (the endpoint failed after every retry): not a verdict. The
    run stops incomplete and ``--resume`` asks again."""

    def __init__(self, role: str, answer: Answer) -> None:
        super().__init__(f"{role} model: {answer.error}")
        self.role, self.key, self.request = role, answer.key, answer.request


@dataclass
class Usage:
    """What a strategy's requests cost (from the answers' ``usage``; replayed answers count, so it is the same on
    every session)."""

    requests: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    usd: float = 0.0
    by_role: dict[str, int] = field(default_factory=dict)

    def add(self, role: str, answer: Answer, price: tuple[float, float]) -> None:
        u = (answer.response or {}).get("usage") or {}
        p, c = int(u.get("prompt_tokens") or 0), int(u.get("completion_tokens") or 0)
        self.requests += 1
        self.prompt_tokens += p
        self.completion_tokens += c
        self.usd += (p * price[0] + c * price[1]) / 1e6
        self.by_role[role] = self.by_role.get(role, 0) + 1

    def merge(self, other: Usage) -> None:
        self.requests += other.requests
        self.prompt_tokens += other.prompt_tokens
        self.completion_tokens += other.completion_tokens
        self.usd += other.usd
        for k, v in other.by_role.items():
            self.by_role[k] = self.by_role.get(k, 0) + v


class LabelModels:
    """The run's labelling models: ``roles`` maps a role to its ``ClientConfig`` (as a dict); journals go into
    ``out``. Clients start on first use, in the process that uses them (the parent of a run)."""

    def __init__(self, roles: dict[str, dict[str, Any]], out: Path | None = None, *, fresh: bool = False) -> None:
        unknown = sorted(set(roles) - set(ROLES))
        if unknown:
            raise ValueError(f"unknown model roles {', '.join(unknown)} (known: {', '.join(ROLES)})")
        from stepforge.generators.llm.client import ClientConfig

        self.configs = {r: ClientConfig.model_validate(c) for r, c in roles.items()}
        self.out = out
        self.fresh = fresh
        self._clients: dict[str, ThreadedClient] = {}

    def has(self, role: str) -> bool:
        return role in self.configs

    def concurrency(self) -> int:
        """Requests in flight the endpoints allow together (how many candidates are worth labelling at once)."""
        return sum(c.concurrency for c in self.configs.values())

    def price(self, role: str) -> tuple[float, float]:
        c = self.configs[role]
        return c.price_in_per_mtok, c.price_out_per_mtok

    def _client(self, role: str) -> ThreadedClient:
        if role not in self.configs:
            raise ValueError(f"no {role} model is configured")
        c = self._clients.get(role)
        if c is None:
            from stepforge.generators.llm.threaded import ThreadedClient

            journal = self.out / journal_name(role) if self.out is not None else None
            c = self._clients.setdefault(role, ThreadedClient(self.configs[role], journal, fresh=self.fresh))
        return c

    def idle(self, role: str) -> int:
        """Slots of ``role``'s concurrency limit that no request holds or waits for now (a snapshot: strategies
        draw ahead only into capacity that would otherwise go unused)."""
        return self._client(role).idle() if role in self.configs else 0

    def complete_many(self, role: str, bodies: list[dict[str, Any]], usage: Usage | None = None) -> list[Answer]:
        """Answers in input order; ``ModelUnavailable`` when one got none. ``usage`` accumulates their cost."""
        return self.settle(role, self._client(role).complete_many(bodies), usage)

    def submit(self, role: str, bodies: list[dict[str, Any]]) -> list[Future[Answer]]:
        """Requests sent now, answered later (``settle`` their answers): a strategy draws ahead without waiting."""
        return self._client(role).submit(bodies)

    def settle(self, role: str, answers: list[Answer], usage: Usage | None = None) -> list[Answer]:
        """``answers`` as ``complete_many`` returns them: ``ModelUnavailable`` when one got none; ``usage``
        accumulates their cost."""
        for a in answers:
            if a.status == "failed":
                if (a.error or "").startswith(_MISCONFIGURED):
                    url = self.configs[role].base_url or "https://api.openai.com/v1"
                    model = (a.request or {}).get("model")
                    raise UserError(f"the {role} model {model!r} at {url}: {a.error} (check --{role}-model, "
                                    f"--{role}-base-url and the key)")
                raise ModelUnavailable(role, a)
            if usage is not None:
                usage.add(role, a, self.price(role))
        return answers

    def stats(self) -> dict[str, Any]:
        return {r: c.usage() for r, c in self._clients.items()}

    def close(self) -> None:
        for c in self._clients.values():
            c.close()
        self._clients = {}
