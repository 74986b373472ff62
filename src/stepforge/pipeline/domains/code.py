"""The code domain: procedural function tasks, candidates run in the sandbox on io and property tests
(outputs compared in this process), steps labelled by the ``execution`` strategy.

Verification runs from this (parent) process through ``check_codes`` — sandboxed workers, not the
pipeline's daemon pool, which cannot have children. ``--families`` names templates.
"""

from __future__ import annotations

from stepforge.errors import UserError
from stepforge.generators.procedural.code import TEMPLATES, candidate, load_templates
from stepforge.labeling.execution import conclusive, verdict_summary
from stepforge.pipeline.config import RunConfig
from stepforge.pipeline.domains import DOMAINS, WorkItem, strategy_for
from stepforge.pipeline.records import build_trace, disagreement, reject
from stepforge.sandbox import make_backend
from stepforge.schema import Outcome, Rejection, Trace
from stepforge.verifiers.code import check_codes

VERIFIER = "stepforge.verifiers.code"


class CodeDomain:
    name = "code"

    def __init__(self, config: RunConfig) -> None:
        if config.generator != "procedural":
            raise UserError(f"generator {config.generator!r} is not available for --domain code here")
        self._strategy = strategy_for(config, "code", "execution")
        backend = str(config.options.get("backend", "local"))
        if backend not in ("local", "docker"):
            raise UserError(f"unknown sandbox backend {backend!r} (known: local, docker)")
        try:
            self._backend = make_backend(backend, config.workers)
        except RuntimeError as exc:
            raise UserError(str(exc)) from None
        load_templates()

    def families(self, config: RunConfig) -> list[str]:
        names = config.families or TEMPLATES.names()
        unknown = [n for n in names if n not in TEMPLATES]
        if unknown:
            raise UserError(f"unknown code templates: {', '.join(unknown)} (known: {', '.join(TEMPLATES.names())})")
        return list(names)

    def evaluate(self, config: RunConfig, items: list[WorkItem]) -> list[Trace | Rejection]:
        n = len(self.families(config))  # items take families round robin: item i is its family's (i // n)-th
        made = [candidate(config.seed, it.family, it.index, it.want_error, ordinal=it.index // n) for it in items]
        verdicts = check_codes([(task, cand.code or "") for cand, task in made], backend=self._backend)
        out: list[Trace | Rejection] = []
        for it, (cand, task), v in zip(items, made, verdicts):
            if not conclusive(v):
                out.append(reject(config, id=cand.id, index=it.index, domain="code", reason="inconclusive_outcome",
                                  detail=f"{v.status} ({v.rule}): {v.failures[:1]}",
                                  candidate=cand.model_dump(mode="json")))
                continue
            outcome = Outcome(
                correct=v.passed, verifier=VERIFIER, verdict=v.status, rule=v.rule, seconds=round(v.seconds, 6),
                isolation=v.isolation, versions=v.versions, details=verdict_summary(v),
            )
            labels = self._strategy.label(cand, task=task, verdict=v)
            trace = build_trace(config, cand, outcome, labels)
            why = disagreement(trace)
            if why is not None:
                out.append(reject(config, id=cand.id, index=it.index, domain="code", reason=why[0], detail=why[1],
                                  candidate=trace.model_dump(mode="json")))
            else:
                out.append(trace)
        return out

    def close(self) -> None:
        self._backend.close()


DOMAINS.register("code", CodeDomain)
