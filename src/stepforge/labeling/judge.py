"""``judge``: a critic model names the first wrong step (ProcessBench's protocol, ``_critic``). V critiques (one
request with ``n=V`` where allowed); the majority index decides, a tie going to the earlier step; replies that
name no index are recorded and not counted. With ``judge_hints`` the critic also sees what the checks found
(math: the symbolic checker's refuted claims; code: the failing tests). Steps before the index are +1, the
index -1; no readable vote leaves every step neutral (0) with the reason. Evidence: every critique.
"""

from __future__ import annotations

import time
from typing import Any

from stepforge._seeding import derive_seed
from stepforge.candidate import Candidate
from stepforge.generators.llm.journal import request_key
from stepforge.labeling._critic import critique_prompt, majority, read_index
from stepforge.labeling.base import STRATEGIES, LabelContext, StepLabels, assemble
from stepforge.labeling.models import StrategyOptions, Usage, strategy_options
from stepforge.schema import Cost


def hints_for(candidate: Candidate, verdict: Any) -> list[str]:
    """What the checks found, as lines for the critic."""
    if candidate.domain == "code":
        fails = list(getattr(verdict, "failures", None) or [])[:3]
        return [f"a test failed: {str(f)[:300]}" for f in fails]
    from stepforge.labeling.symbolic import refuted_claims, symbolic_labels

    checked = symbolic_labels(candidate, verdict, 30.0)
    return [f"paragraph {s.index}: the claim {c['claim']!r} does not hold ({c['rule']})"
            for s in checked.steps for c in refuted_claims(s.evidence.get("symbolic") or {})]


def critique(candidate: Candidate, verdict: Any, ctx: LabelContext, opts: StrategyOptions,
             usage: Usage) -> tuple[int | None, list[dict[str, Any]], int]:
    """The critic's majority index (None: no readable vote), the critiques, and how many were asked."""
    n = len(candidate.steps)
    hints = hints_for(candidate, verdict) if opts.judge_hints else None
    messages = [{"role": "user", "content": critique_prompt(candidate.task.prompt, candidate.steps,
                                                             candidate.domain, hints)}]
    v = opts.judge_votes
    temperature = opts.judge_temperature if opts.judge_temperature is not None else (0.0 if v == 1 else 0.7)
    per = min(opts.n_per_request or v, v)
    tag = request_key(messages)
    bodies = []
    for i, start in enumerate(range(0, v, per)):
        body: dict[str, Any] = {"model": opts.judge_model, "messages": messages, "temperature": temperature,
                                "max_tokens": opts.judge_max_tokens,
                                "seed": derive_seed(opts.seed, "judge", tag, i) % (2**31)}
        if min(per, v - start) != 1:
            body["n"] = min(per, v - start)
        bodies.append(body)
    answers = ctx.client.complete_many("judge", bodies, usage)  # type: ignore[union-attr]
    critiques: list[dict[str, Any]] = []
    for a in answers:
        for ch in sorted((a.response or {}).get("choices") or [], key=lambda c: c.get("index", 0)):
            text = (ch.get("message") or {}).get("content") or ""
            k = read_index(text, n)
            critiques.append({"index": k, "readable": k is not None, "finish_reason": ch.get("finish_reason"),
                              "critique": text[-4000:]})
    votes = [c["index"] for c in critiques if c["index"] is not None]
    return majority(votes, n), critiques, len(critiques)


class Judge:
    name = "judge"
    domains = ("math", "code")

    def requires(self, options: dict[str, Any]) -> set[str]:
        return {"judge"}

    def label(self, candidate: Candidate, verdict: Any, ctx: LabelContext) -> StepLabels:
        t0 = time.perf_counter()
        opts = strategy_options(ctx.options)
        if ctx.client is None or not ctx.client.has("judge"):
            raise ValueError("the judge strategy needs a critic model (--judge-model)")
        usage = Usage()
        k, critiques, asked = critique(candidate, verdict, ctx, opts, usage)
        n = len(candidate.steps)
        votes = [c["index"] for c in critiques if c["index"] is not None]
        summary = {"rule": "critic", "model": opts.judge_model, "votes": votes, "asked": asked,
                   "unreadable": asked - len(votes), "decision": k}
        if k is None:
            ratings = [0] * n
            evidence = [{**summary, "undecided": "no critique named a paragraph index"} for _ in range(n)]
        else:
            ratings = [1] * n if k == -1 else [1] * k + [-1] * (n - k)
            evidence = [dict(summary) for _ in range(n)]
        evidence[min(k, n - 1) if k is not None and k >= 0 else 0]["critiques"] = critiques
        cost = Cost(judge_calls=asked, prompt_tokens=usage.prompt_tokens, gen_tokens=usage.completion_tokens,
                    usd=round(usage.usd, 6), wall_s=round(time.perf_counter() - t0, 6))
        return assemble(candidate, ratings, evidence, strategy=self.name, cost=cost)


STRATEGIES.register(Judge.name, Judge())
