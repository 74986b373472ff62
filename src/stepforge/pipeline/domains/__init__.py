"""Domain plug-ins: how a domain turns a candidate into a kept trace or a rejection.

One module per domain registers a plug-in class in ``DOMAINS``. A plug-in owns ``record(candidate, ctx)``:
verify the outcome, label the steps with the run's strategy, apply the keep rule. The engine (item order, quotas,
files, resume, card) and the sources know nothing of any domain. ``placement`` says where ``record`` may run:
``"process"`` (pure computation that may spin: a killable worker process with the item deadline) or ``"parent"``
(the work itself runs isolated elsewhere, in the sandbox: this process, many at once).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal, Protocol, Union

from pydantic import ValidationError

from stepforge._registry import Registry, import_submodules
from stepforge.candidate import Candidate
from stepforge.errors import UserError
from stepforge.labeling import STRATEGIES, LabelContext, Strategy, resolve
from stepforge.labeling.models import ModelUnavailable, strategy_options
from stepforge.pipeline.config import RunConfig
from stepforge.pipeline.keep import settle
from stepforge.schema import Outcome, Rejection, Trace

Record = Union[Trace, Rejection]


@dataclass
class Unanswered:
    """Not a record: a candidate whose labelling needs model answers that did not come (the endpoint failed after
    every retry). The executor turns it into the unit's pending requests: the run stops incomplete, and
    ``--resume`` labels the candidate again (answered requests come from the journals)."""

    id: str
    index: int
    requests: dict[str, dict[str, Any]] = field(default_factory=dict)


@dataclass
class RecordContext:
    """What ``record`` may use besides the candidate: the run's config and strategy, the fallback strategy for
    errors the first could not locate (None: those are rejected), the labelling models
    (``labeling.models.LabelModels``, None when the run configures none), and the seconds one item may take."""

    config: RunConfig
    strategy: Strategy
    fallback: Strategy | None = None
    client: Any = None
    deadline_s: float | None = None

    def label_context(self, **given: Any) -> LabelContext:
        """The strategy's view: what the domain adds (the task, the backend) plus the client and the deadline."""
        return LabelContext(client=self.client, deadline_s=self.deadline_s,
                            options=dict(self.config.options.get("strategy") or {}), **given)

    def labelled(self, candidate: Candidate, verdict: Any, outcome: Outcome, **given: Any) -> Record | Unanswered:
        """Label ``candidate`` with the run's strategy (and its fallback) and apply the keep rule (``keep.settle``);
        ``Unanswered`` when a model did not answer (never a verdict)."""
        try:
            return settle(candidate, outcome, verdict, self, **given)
        except ModelUnavailable as exc:
            return Unanswered(candidate.id, candidate.index, {exc.key: exc.request})

    def close(self) -> None:
        """Stop the labelling models' clients (answers already sent are journalled first)."""
        if self.client is not None:
            self.client.close()


class Domain(Protocol):
    name: str
    placement: Literal["process", "parent"]
    default_strategy: str
    #: the default when the run configures a policy model (``RunConfig.models["rollout"]``)
    model_strategy: str

    def __init__(self, config: RunConfig) -> None:
        """Validate what the domain is asked (strategy, backend); no resources yet."""

    def open(self) -> None:
        """Acquire what ``record`` needs in this process (a sandbox backend)."""

    def record(self, candidate: Candidate, ctx: RecordContext) -> Record:
        """Verify, label, keep: the candidate's trace, or its rejection with the reason."""

    def record_many(self, candidates: list[Candidate], ctx: RecordContext) -> list[Record]:
        """``record`` over many candidates (a domain may batch them); results in input order."""

    def close(self) -> None: ...


DOMAINS: Registry[type] = Registry("domain")


_ROLE_FLAGS = {"rollout": "a policy model (--rollout-model, or --model of --generator openai)",
               "judge": "a critic model (--judge-model, or the policy model)"}


def _known(domain: str) -> str:
    return ", ".join(n + (":A+B" if getattr(STRATEGIES.get(n), "needs_argument", False) else "")
                     for n in STRATEGIES.names() if domain in STRATEGIES.get(n).domains)


def _resolved(config: RunConfig, domain: str, name: str, what: str) -> Strategy:
    """The strategy ``name`` for ``domain``, checked against the run: its options, and the model roles it needs."""
    try:
        strategy = resolve(name)
    except KeyError:
        raise UserError(f"unknown {what} {name!r} for {domain} (known: {_known(domain)})") from None
    except ValueError as exc:
        raise UserError(f"{what} {name}: {exc}") from None
    if domain not in strategy.domains:
        raise UserError(f"unknown {what} {name!r} for {domain} (known: {_known(domain)})")
    options = dict(config.options.get("strategy") or {})
    try:
        strategy_options(options)
    except ValidationError as exc:
        e = exc.errors()[0]
        raise UserError(f"bad strategy option {'.'.join(map(str, e['loc']))}: {e['msg']}") from None
    requires = getattr(strategy, "requires", None)
    for role in sorted(requires(options) if requires else ()):
        if role not in config.models:
            raise UserError(f"{what} {name!r} needs {_ROLE_FLAGS.get(role, role)}")
    return strategy


_ROLE_FLAGS = {"rollout": "a policy model (--rollout-model, or --model of --generator openai)",
               "judge": "a critic model (--judge-model, or the policy model)"}


def _policy(config: RunConfig) -> bool:
    return "rollout" in config.models


def strategy_for(config: RunConfig, domain: str, default: str, with_model: str | None = None) -> Strategy:
    """The run's labelling strategy (``--strategy``, else the domain's default: ``with_model`` when the run has a
    policy model); a clear error when it is unknown, not made for this domain, given bad options, or in need of a
    model the run does not configure."""
    name = config.strategy or (with_model if with_model and _policy(config) else default)
    return _resolved(config, domain, name, "labelling strategy")


def fallback_for(config: RunConfig, domain: str, default: str, with_model: str | None = None) -> Strategy | None:
    """The run's fallback strategy for errors its strategy cannot locate (``options["strategy"]["fallback"]``; by
    default ``with_model`` when the run has a policy model and its strategy calls none), or None; a clear error when
    it is unknown, not made for this domain, or the run's own strategy."""
    own = config.strategy or (with_model if with_model and _policy(config) else default)
    name = (config.options.get("strategy") or {}).get("fallback")
    if name is None and with_model and _policy(config) and own != with_model:
        first = resolve(own)
        if not getattr(first, "requires", None) or not first.requires(dict(config.options.get("strategy") or {})):
            name = with_model
    if name is None:
        return None
    if name == own:
        raise UserError(f"the fallback strategy {name!r} is the run's own strategy: name another one")
    return _resolved(config, domain, name, "fallback strategy")


def load() -> None:
    import_submodules(__name__)


def make_domain(config: RunConfig) -> Domain:
    load()
    if config.domain not in DOMAINS:
        raise UserError(f"unknown domain {config.domain!r} (known: {', '.join(DOMAINS.names())})")
    return DOMAINS.get(config.domain)(config)  # type: ignore[no-any-return]


def record_each(domain: Domain, candidates: list[Candidate], ctx: RecordContext) -> list[Record]:
    """The plain ``record_many``: one candidate after the other."""
    return [domain.record(c, ctx) for c in candidates]
