"""``openai``: solutions sampled from any OpenAI-compatible endpoint under a budget, verified as they arrive.

Problems come from a ``--problems`` file (drawn in a seeded order, cycling: draw ``c`` of a problem asks with
other seeds than draw 0) or from the procedural math families (an endless stream). One unit is one draw of one
problem: rounds of requests until ``k`` samples are verified correct or ``samples`` exist (the verdict comes back
from the domain through ``record``). The run ends when COUNT traces are kept or the run's sampling budget
(``max_samples``, default COUNT x samples) is spent; the card says which. The Batch API is the same run with the
client offline: answers come from the journal, and what it lacks is returned as pending requests.
"""

from __future__ import annotations

import os
import random
from collections.abc import Iterator
from typing import Any

from pydantic import ValidationError

from stepforge._seeding import derive_id, derive_seed
from stepforge.errors import UserError
from stepforge.generators.sources import SOURCES, RecordFn, SourceSettings, Unit, UnitResult
from stepforge.schema import Rejection, Trace


class OpenAISource:
    name = "openai"
    chooses_polarity = False
    samples = True

    def __init__(self, settings: SourceSettings) -> None:
        from stepforge.generators.llm.client import ClientConfig
        from stepforge.generators.llm.options import OpenAIOptions, template_of
        from stepforge.generators.llm.problems import load_problems

        if "openai" not in settings.options:
            raise UserError("the openai source needs its options (--model, ...)")
        try:
            self.opts = OpenAIOptions.model_validate(settings.options["openai"])
            self.client_config = ClientConfig.model_validate(settings.client)
        except ValidationError as exc:
            e = exc.errors()[0]
            raise UserError(f"bad option {'.'.join(map(str, e['loc']))}: {e['msg']}") from None
        if self.client_config.api_key is None:
            self.client_config.api_key = os.environ.get("OPENAI_API_KEY")
        self.offline = settings.offline
        if not self.offline and not self.client_config.api_key and not self.client_config.base_url:
            raise UserError("set OPENAI_API_KEY (or pass --base-url for a local server)")
        self.settings = settings
        self.domain = settings.domain
        self.template = template_of(self.opts, self.domain)
        self.tasks = None
        self.order: list[int] = []
        if self.opts.problems:
            if settings.families:
                raise UserError("--families selects procedural families; with --problems, filter the file instead")
            self.tasks = load_problems(self.opts.problems, self.domain)
            self.order = list(range(len(self.tasks)))
            random.Random(derive_seed(settings.seed, "problem-order")).shuffle(self.order)
        else:
            from stepforge.generators.procedural.math import FAMILIES

            if self.domain != "math":
                raise UserError("the openai source has procedural problems for --domain math only; "
                                "give --problems FILE.jsonl (HumanEval rows) for code")
            names = settings.families or FAMILIES.names()
            unknown = [n for n in names if n not in FAMILIES]
            if unknown:
                raise UserError(f"unknown math families: {', '.join(unknown)} (known: {', '.join(FAMILIES.names())})")
            self.families = list(names)
        self._client: Any = None
        self._journal: Any = None

    # -- the item stream ---------------------------------------------------------------------------------------

    def prepare(self) -> None:
        return None

    def units(self, start: int) -> Iterator[Unit]:
        i = start
        while True:
            if self.tasks is not None:
                yield Unit(i, None, {"problem": self.order[i % len(self.tasks)], "draw": i // len(self.tasks)})
            else:
                yield Unit(i, None, {"draw": 0})
            i += 1

    def _task(self, unit: Unit) -> Any:
        if self.tasks is not None:
            return self.tasks[unit.payload["problem"]]
        from stepforge.generators.llm.options import procedural_task

        return procedural_task(self.domain, self.settings.seed, self.families, unit.index)

    def budget(self) -> int | None:
        return self.opts.max_samples or self.settings.count * self.opts.sampling.samples

    # -- the model ---------------------------------------------------------------------------------------------

    async def astart(self) -> None:
        from stepforge.generators.llm.client import LLMClient
        from stepforge.generators.llm.journal import Journal
        from stepforge.generators.llm.options import JOURNAL_FILE

        if self.settings.out is None:
            raise UserError("the openai source needs a run folder for its request journal")
        self._journal = Journal(self.settings.out / JOURNAL_FILE, resume=not self.settings.fresh)
        self._client = LLMClient(self.client_config, self._journal, offline=self.offline)
        if not self.offline:
            await self._client.check_reachable()

    async def aclose(self) -> None:
        if self._client is not None:
            await self._client.aclose()
        if self._journal is not None:
            self._journal.close()

    def close(self) -> None:
        return None

    async def sample(self, unit: Unit, record: RecordFn) -> UnitResult:
        from stepforge.generators.llm.sampling import sample_problem, to_candidate

        task = self._task(unit)
        if task is None:
            return UnitResult(unit)

        async def verify(s: Any) -> tuple[bool | None, Any]:
            rec = await record(to_candidate(s, unit.index))
            return (rec.outcome.correct if isinstance(rec, Trace) else None), rec

        res = await sample_problem(task, domain=self.domain, client=self._client, model=self.opts.model,
                                   template=self.template, sampling=self.opts.sampling, verify=verify,
                                   draw=unit.payload["draw"])
        ordered: list[tuple[int, int, Any]] = [(j.candidate.round, j.candidate.choice, j.verdict) for j in res.judged]
        for r in res.rejections:
            if r["reason"] == "api_error":
                continue  # not an answer: asked again on --resume
            c = r["candidate"]
            rid = derive_id("sf-openai", task.task_id, c["request_key"], c.get("choice", 0))
            ordered.append((c.get("round", 0), c.get("choice", 0), Rejection(
                id=rid, index=unit.index, domain=self.domain, reason=r["reason"],  # type: ignore[arg-type]
                detail=r["detail"], candidate={"task": task.model_dump(mode="json"), **c})))
        ordered.sort(key=lambda x: (x[0], x[1]))
        s = self.opts.sampling
        return UnitResult(unit, [rec for _, _, rec in ordered], spent=res.drawn, pending=res.pending_requests,
                          potential=max(0, s.samples - res.drawn) if res.pending else 0)

    # -- what the card says ------------------------------------------------------------------------------------

    def describe(self) -> dict[str, Any]:
        s = self.opts.sampling
        return {
            "source": "openai", "model": self.opts.model,
            "endpoint": self.client_config.base_url or "https://api.openai.com/v1",
            "problems": self.opts.problems or f"procedural: {', '.join(self.families)}",
            "sampling": f"temperature {s.temperature}, top_p {s.top_p}, n {s.n}, max_tokens {s.max_tokens}; "
                        f"at most {s.samples} samples per problem draw, stop at {s.k} verified",
            "budget": f"{self.budget()} samples",
        }

    def usage(self) -> dict[str, Any]:
        """Tokens and cost over every answered request in the journal (all sessions of the run)."""
        from stepforge.generators.llm.journal import Journal
        from stepforge.generators.llm.options import JOURNAL_FILE

        prompt = completion = requests = 0
        if self.settings.out is not None and (self.settings.out / JOURNAL_FILE).exists():
            with Journal(self.settings.out / JOURNAL_FILE) as j:
                for e in j.entries():
                    u = (e.get("response") or {}).get("usage") or {}
                    prompt += int(u.get("prompt_tokens") or 0)
                    completion += int(u.get("completion_tokens") or 0)
                    requests += 1
        c = self.client_config
        usd = (prompt * c.price_in_per_mtok + completion * c.price_out_per_mtok) / 1e6
        out = {"requests": requests, "prompt_tokens": prompt, "completion_tokens": completion, "usd": round(usd, 6)}
        if self._client is not None:
            out["session"] = self._client.stats.as_dict()
        return out

    def exhausted(self, kept: int, count: int) -> str | None:
        return None  # endless stream: the budget ends it


SOURCES.register(OpenAISource.name, OpenAISource)
