"""The math domain: the final answer judged by the math verifier, steps labelled by a strategy (``symbolic`` by
default), the keep rule. Pure computation that may spin on hostile input: it runs in killable worker processes.

When the run configures labelling models, labelling waits on the network, so records are made in this process
instead (``placement = "parent"``), many candidates at once in threads (as many as the models' endpoints take
requests): the answer check runs hard-limited in the verifier's own worker processes (``check_answer``), and the
strategies run their CPU work (symbolic checks, rollout answers) hard-limited the same way.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Any

from stepforge.candidate import Candidate
from stepforge.pipeline.config import RunConfig
from stepforge.pipeline.domains import DOMAINS, Record, RecordContext, Unanswered, record_each, strategy_for
from stepforge.schema import Outcome
from stepforge.verifiers.math import check_answer, judge

VERIFIER = "stepforge.verifiers.math"


class MathDomain:
    name = "math"
    default_strategy = "symbolic"

    def __init__(self, config: RunConfig) -> None:
        self.config = config
        self.strategy = strategy_for(config, self.name, self.default_strategy)
        self.placement = "parent" if config.models else "process"
        # candidates labelled at once in the parent: enough to keep every model endpoint busy
        self.parallel = sum(int(m.get("concurrency") or 32) for m in config.models.values()) if config.models else 0
        self.batch = 4 * self.parallel
        self._threads: ThreadPoolExecutor | None = None

    def open(self) -> None:
        return None

    def record(self, candidate: Candidate, ctx: RecordContext) -> Record | Unanswered:
        gold, text = candidate.task.reference.answer or "", candidate.generation.raw_response
        v = check_answer(gold, text, timeout=ctx.deadline_s or 60.0) if self.placement == "parent" else judge(gold, text)
        conclusive = v.verdict in ("equal", "not_equal")
        outcome = Outcome(
            correct=(v.verdict == "equal") if conclusive else None,
            verifier=VERIFIER, verdict=v.verdict, rule=v.rule, seconds=round(v.seconds, 6),
            isolation="worker_process", versions=v.versions,
            details={"gold": v.gold, "pred": v.pred, **({"detail": v.detail} if v.detail else {})},
        )
        return ctx.labelled(candidate, v, outcome)

    def record_many(self, candidates: list[Candidate], ctx: RecordContext) -> list[Any]:
        if self.placement != "parent" or len(candidates) < 2:
            return record_each(self, candidates, ctx)
        if self._threads is None:
            self._threads = ThreadPoolExecutor(max_workers=max(1, self.parallel), thread_name_prefix="stepforge-label")
        return list(self._threads.map(lambda c: self.record(c, ctx), candidates))

    def close(self) -> None:
        if self._threads is not None:
            self._threads.shutdown(wait=True, cancel_futures=True)
            self._threads = None


DOMAINS.register(MathDomain.name, MathDomain)
