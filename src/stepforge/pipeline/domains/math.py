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

from stepforge._seeding import derive_seed
from stepforge.candidate import Candidate
from stepforge.pipeline.config import RunConfig
from stepforge.pipeline.domains import (DOMAINS, Record, RecordContext, Unanswered, fallback_for, record_each,
                                        strategy_for)
from stepforge.generators.sources.records import SOURCE_OUTCOME
from stepforge.labeling.symbolic import row_deadline
from stepforge.pipeline.keep import NO_REFERENCE
from stepforge.schema import Outcome
from stepforge.verifiers.math import MathVerdict, check_answer, check_answers, judge

VERIFIER = "stepforge.verifiers.math"


_READY: list[bool] = []


def _ready() -> None:
    """The answer verifier's and the step checker's readers imported and warm in this process (once)."""
    if not _READY:
        from stepforge.labeling._checks import _warm_symbolic
        from stepforge.verifiers.math import _warm  # noqa: F401 - importing is the point: sympy, latex2sympy2_extended

        _warm_symbolic()
        _READY.append(True)


class MathDomain:
    name = "math"
    default_strategy = "symbolic"
    model_strategy = "hybrid"

    def __init__(self, config: RunConfig) -> None:
        self.config = config
        self.strategy = strategy_for(config, self.name, self.default_strategy, self.model_strategy)
        self.fallback = fallback_for(config, self.name, self.default_strategy, self.model_strategy)
        self.placement = "parent" if config.models else "process"
        # candidates labelled at once in the parent: enough to keep every model endpoint busy
        self.parallel = sum(int(m.get("concurrency") or 32) for m in config.models.values()) if config.models else 0
        # candidates per record_many call, and calls the executor keeps going at once: small batches, many of them,
        # so the labelling threads never wait for a batch's slowest candidate (rollouts are sequential round trips)
        # and four times the threads' worth is queued (results are written in order: the oldest batch may wait on
        # its slowest candidate while the others go on)
        self.batch = max(8, self.parallel // 4)
        self.ahead = 16 if self.parallel else 1
        self.prepare_piece = 8  # candidates a strategy's ``prepare`` takes at once (a pool call per worker)
        self._threads: ThreadPoolExecutor | None = None

    def open(self) -> None:
        if self.placement == "parent":  # the answer and step checks' workers boot while the first requests go out
            from stepforge.labeling._checks import prestart

            prestart(symbolic=hasattr(self.strategy, "prepare"))  # hybrid: the step checker loads too

    def record(self, candidate: Candidate, ctx: RecordContext) -> Record | Unanswered:
        # the row's clock starts here: its verdict, checks and conclusions all end by one deadline (row_deadline);
        # not when labelling waits on models (a strategy's own budgets then). A process's start (the readers'
        # imports, seconds on a busy machine) is paid before it, once: it is no row's work
        until = None
        if self.placement == "process":
            _ready()
            until = row_deadline()
        if not candidate.task.reference.answer:
            return self._unreferenced(candidate, ctx, until)
        gold, text = candidate.task.reference.answer or "", candidate.generation.raw_response
        problem, seed = candidate.task.prompt, self._seed(candidate, ctx)
        if self.placement == "parent":
            v = check_answer(gold, text, timeout=ctx.deadline_s or 60.0, problem=problem, seed=seed)
        else:
            v = judge(gold, text, problem=problem, seed=seed)
        return self._labelled(candidate, v, ctx, until)

    def _unreferenced(self, candidate: Candidate, ctx: RecordContext,
                      until: float | None = None) -> Record | Unanswered:
        """Labelled rows without a reference answer (PRMBench): the outcome cannot be verified; the strategy may
        still locate an error in the steps (``keep.why_not_kept``)."""
        given = candidate.extras.get(SOURCE_OUTCOME)
        if given is not None and given.get("correct") is not None:
            # the row's own verdict on its final answer (ProcessBench's final_answer_correct), said to be the source's
            outcome = Outcome(correct=bool(given["correct"]), verifier=str(given.get("verifier") or "imported"),
                              verdict="equal" if given["correct"] else "not_equal",
                              rule=str(given.get("rule") or "source"), seconds=0.0, isolation=None,
                              details={"detail": "no reference answer: the row's own final-answer verdict"})
            return ctx.labelled(candidate, None, outcome, until=until)
        outcome = Outcome(correct=None, verifier=VERIFIER, verdict=NO_REFERENCE, rule=NO_REFERENCE, seconds=0.0,
                          isolation="worker_process" if self.placement == "process" else "in_process_bounded",
                          details={"detail": "the task has no reference answer"})
        return ctx.labelled(candidate, None, outcome, until=until)

    @staticmethod
    def _seed(candidate: Candidate, ctx: RecordContext) -> int:
        """The answer judge's random points: from the run seed and the candidate (same seed, same records)."""
        return derive_seed(ctx.config.seed, "judge", candidate.id)

    def _isolation(self, v: MathVerdict) -> str:
        """Where the verdict was made: this worker process (the default placement), or, from the parent, the
        verifier's hard-limited pool or its bounded exact path in this process."""
        if self.placement == "process" or v.where == "pool":
            return "worker_process"
        return "in_process_bounded"

    def _labelled(self, candidate: Candidate, v: MathVerdict, ctx: RecordContext,
                  until: float | None = None) -> Record | Unanswered:
        conclusive = v.verdict in ("equal", "not_equal")
        outcome = Outcome(
            correct=(v.verdict == "equal") if conclusive else None,
            verifier=VERIFIER, verdict=v.verdict, rule=v.rule, seconds=round(v.seconds, 6),
            isolation=self._isolation(v), versions=v.versions,
            details={"gold": v.gold, "pred": v.pred, **({"detail": v.detail} if v.detail else {})},
        )
        given = candidate.extras.get(SOURCE_OUTCOME)
        if conclusive and given is not None and given.get("correct") is not None \
                and bool(given["correct"]) != outcome.correct:
            # a row that grades its own answer, given a reference from --references: two graders that disagree
            # leave the outcome open (the row's grader may judge the process, or read the answer another way)
            outcome = outcome.model_copy(update={
                "correct": None, "verdict": "disputed", "rule": "source_verdict_disagrees",
                "details": {**outcome.details, "ours": v.verdict, "source": {k: given.get(k) for k in
                                                                           ("correct", "verifier", "rule")}}})
        return ctx.labelled(candidate, v, outcome, until=until)

    def record_many(self, candidates: list[Candidate], ctx: RecordContext) -> list[Any]:
        if self.placement != "parent" or len(candidates) < 2:
            return record_each(self, candidates, ctx)
        if self._threads is None:
            self._threads = ThreadPoolExecutor(max_workers=max(1, self.parallel), thread_name_prefix="stepforge-label")
        graded = [c for c in candidates if c.task.reference.answer]
        verdicts = dict(zip((c.id for c in graded), check_answers(
            [(c.task.reference.answer or "", c.generation.raw_response) for c in graded],
            timeout=ctx.deadline_s or 60.0, problems=[c.task.prompt for c in graded],
            seeds=[self._seed(c, ctx) for c in graded]))) if graded else {}

        def one(c: Candidate) -> Record | Unanswered:
            v = verdicts.get(c.id)
            return self._labelled(c, v, ctx) if v is not None else self._unreferenced(c, ctx)

        prepare = getattr(ctx.strategy, "prepare", None)  # e.g. hybrid: the batch's symbolic checks at once
        if prepare is None:
            return list(self._threads.map(one, candidates))
        # prepared a few at a time, each piece labelled as soon as it is ready: the first requests go out after
        # one small piece's checks, not the whole batch's (every batch in flight prepares at once, on 2 workers)
        futures = []
        for i in range(0, len(candidates), self.prepare_piece):
            piece = candidates[i:i + self.prepare_piece]
            prepare([(c, verdicts.get(c.id)) for c in piece], ctx.label_context())
            futures += [self._threads.submit(one, c) for c in piece]
        return [f.result() for f in futures]

    def close(self) -> None:
        if self._threads is not None:
            self._threads.shutdown(wait=True, cancel_futures=True)
            self._threads = None


DOMAINS.register(MathDomain.name, MathDomain)
