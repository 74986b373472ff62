"""Rollouts from prefixes of a candidate: the Monte Carlo probe every rollout strategy shares.

A *prefix* of length L holds the first L units of the solution: steps (math, and code plan steps), or, past the
plan, lines of the code (``lines=True``: binary search over code prefixes, as PSGPO does). A probe asks the policy
for up to K completions of the prefix and checks each: math, the completion's final answer against the reference
with the math verifier; code, the completed program against the task's tests in the sandbox. A prefix is *good*
when some completion succeeds (Math-Shepherd's hard estimate; ``min_successes`` asks for more), *bad* when fewer
do and at least half of them ended checked, and *undecided* otherwise (truncated answers, unparseable answers,
sandbox trouble): never guessed.

Adaptive probes (the default) first draw as few completions as could make the prefix good (``min_successes``: one
by default) and draw the rest of the K, at once, only when those do not: a clean prefix mostly costs one
completion and one request, a wrong one K completions in two requests (the verdict is the one all K would give:
good iff ``min_successes`` of K succeed). A wrong prefix still "recovers" (looks good) with chance
1 - (1 - r)^K; the strategies draw the good prefix before the first bad one again (``confirm`` more rounds, each
independent), so a recovery there must repeat to move the first error.

The policy is a model (a chat request whose last message is the prefix as the assistant's, continued with
vLLM's ``continue_final_message``; ``n`` choices in one request where allowed) or, offline, the procedural
completer. Every probe is remembered (a strategy that asks twice pays once), and costed.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from typing import Any, Literal

from stepforge._seeding import derive_seed
from stepforge.candidate import Candidate
from stepforge.generators.llm.journal import request_key
from stepforge.generators.llm.parse import last_boxed, parse_solution
from stepforge.generators.llm.prompts import default_template
from stepforge.labeling import _procedural
from stepforge.labeling._checks import answer_verdicts
from stepforge.labeling.base import LabelContext
from stepforge.labeling.models import StrategyOptions, Usage, strategy_options
from stepforge.schema import Cost

Result = Literal["good", "bad", "undecided"]


def outcome_correct(verdict: Any) -> bool | None:
    """The candidate's own outcome from its verdict (math or code); None when inconclusive."""
    if verdict is None:
        return None
    if hasattr(verdict, "passed"):  # code
        from stepforge.labeling.execution import conclusive

        return bool(verdict.passed) if conclusive(verdict) else None
    v = getattr(verdict, "verdict", None)
    return True if v == "equal" else False if v == "not_equal" else None


@dataclass
class Probe:
    """K completions of one prefix and what they reached."""

    length: int
    k: int
    successes: int
    conclusive: int
    answers: list[str]
    requests: list[str] = field(default_factory=list)
    needed: int = 1  # successes that make the prefix good (1: Math-Shepherd's hard estimate)
    asked: int = 0  # K: completions the probe could draw (``k`` were drawn: fewer once an adaptive probe decided)
    confirms: int = 0  # a further, independent round at a prefix seen good: its number (1, 2, ...)

    @property
    def result(self) -> Result:
        if self.successes >= self.needed:
            return "good"
        return "bad" if self.k and 2 * self.conclusive >= self.k else "undecided"

    def evidence(self) -> dict[str, Any]:
        d = {"prefix_units": self.length, "k": self.k, "successes": self.successes, "checked": self.conclusive,
             "value": round(self.successes / self.k, 6) if self.k else 0.0, "result": self.result,
             "answers": self.answers}
        if self.asked and self.asked != self.k:
            d["of"] = self.asked  # an adaptive probe stopped once decided: the value is over the k drawn
        if self.confirms:
            d["confirms"] = self.confirms
        return d


@dataclass(frozen=True)
class Unit:
    """A unit of the solution a prefix may end after: a step, or a line of the code step (``lines`` lines)."""

    step: int
    lines: int | None = None


def _units(cand: Candidate, lines: bool) -> list[Unit]:
    n = len(cand.steps)
    code = cand.code
    if not (lines and cand.domain == "code" and code and n and code.strip() in cand.steps[-1]):
        return [Unit(i) for i in range(n)]
    raw = code.splitlines(keepends=True)
    ends = [i + 1 for i, ln in enumerate(raw) if ln.strip()]  # prefixes that end after a non-blank line
    return [*(Unit(i) for i in range(n - 1)), *(Unit(n - 1, e) for e in ends[:-1]), Unit(n - 1)]


def base_messages(cand: Candidate) -> list[dict[str, Any]]:
    """The conversation the solution answered: the recorded prompt messages, else the domain's default template."""
    raw = cand.generation.prompt
    if raw:
        try:
            msgs = json.loads(raw)
        except ValueError:
            msgs = None
        if isinstance(msgs, list) and msgs and all(isinstance(m, dict) and "role" in m for m in msgs):
            return [m for m in msgs if m.get("role") != "assistant" or m is not msgs[-1]]
    return default_template(cand.domain).messages(cand.task.prompt)


class Rollouts:
    """Probes of one candidate's prefixes. ``lines``: code prefixes go on into the code, line by line."""

    def __init__(self, cand: Candidate, ctx: LabelContext, opts: StrategyOptions, *, lines: bool = False) -> None:
        self.cand, self.ctx, self.opts = cand, ctx, opts
        self.units = _units(cand, lines)
        self.usage = Usage()
        self.completions = 0
        self.exec_runs = 0
        self.probes: dict[int, Probe] = {}
        self.confirmations: dict[int, list[Probe]] = {}
        self._programs: dict[str, tuple[bool, bool]] = {}  # program hash -> (passed, conclusive)
        if opts.completer == "model":
            if ctx.client is None or not ctx.client.has("rollout"):
                raise ValueError("rollouts need a policy model (--rollout-model or the generator's --model)")
            self.k = opts.rollouts
            self.policy = f"model:{opts.rollout_model}"
            self.adaptive = opts.adaptive and not opts.mc_all_steps  # values need all K
            self.confirming = opts.confirm  # rounds
        else:
            self.k = 1  # deterministic: one continuation says all it can
            self.policy = "procedural"
            self.adaptive, self.confirming = False, 0  # drawing it again would say the same
        if cand.domain == "code" and ctx.task is None:
            raise ValueError("code rollouts need the task (ctx.task) and the sandbox backend (ctx.backend)")

    @property
    def size(self) -> int:
        """Units in the solution; the prefix of this length is the whole solution."""
        return len(self.units)

    def step_of(self, length: int) -> int:
        """The step the prefix of ``length`` units ends in (the unit it adds last)."""
        return self.units[length - 1].step

    def line_of(self, length: int) -> int | None:
        return self.units[length - 1].lines

    # -- prefixes ----------------------------------------------------------------------------------------------

    def _sep(self, i: int) -> str:
        """The whitespace the solution puts after step ``i`` (its own separator)."""
        spans, raw = self.cand.spans, self.cand.generation.raw_response
        if spans and i + 1 < len(spans):
            gap = raw[spans[i][1]:spans[i + 1][0]]
            ws = gap[: len(gap) - len(gap.lstrip())]
            if ws:
                return ws
        return self.cand.segmentation.separator or "\n\n"

    def _steps_text(self, count: int) -> str:
        """The solution's text through its first ``count`` steps, as written (labels such as 'Step 2:' kept)."""
        if count == 0:
            return ""
        spans, raw = self.cand.spans, self.cand.generation.raw_response
        ordered = spans and len(spans) == len(self.cand.steps) and all(
            a[1] <= b[0] for a, b in zip(spans, spans[1:]))
        if ordered:
            return raw[: spans[count - 1][1]] + self._sep(count - 1)  # type: ignore[index]
        sep = self.cand.segmentation.separator or "\n\n"
        return sep.join(self.cand.steps[:count]) + sep

    def prefix(self, length: int) -> str:
        """The assistant text of the prefix of ``length`` units (ends with the separator, ready to continue)."""
        if length == 0:
            return ""
        unit = self.units[length - 1]
        if unit.lines is None:
            return self._steps_text(unit.step + 1)
        code_step = self.cand.steps[unit.step]
        fence = code_step.splitlines()[0] + "\n" if code_step.lstrip().startswith("```") else "```python\n"
        head = "".join((self.cand.code or "").splitlines(keepends=True)[: unit.lines])
        return self._steps_text(unit.step) + fence + head

    # -- probing -----------------------------------------------------------------------------------------------

    def probe(self, length: int) -> Probe:
        """Completions of the prefix of ``length`` units (0: the problem alone), checked; remembered."""
        if length in self.probes:
            return self.probes[length]
        if not 0 <= length < self.size:
            raise ValueError(f"prefix length {length} out of range 0..{self.size - 1}")
        p = self._draw(length, ())
        self.probes[length] = p
        return p

    def confirm(self, length: int, round_: int) -> Probe:
        """Round ``round_`` (1, 2, ...) of a prefix seen good: independent of the others (its own request seeds);
        remembered."""
        rounds = self.confirmations.setdefault(length, [])
        while len(rounds) < round_:
            p = self._draw(length, ("confirm", str(len(rounds) + 1)))
            p.confirms = len(rounds) + 1
            rounds.append(p)
        return rounds[round_ - 1]

    def verdict(self, length: int) -> Result:
        """The prefix's verdict from what was drawn: a good first round that a confirmation did not repeat takes
        that round's verdict (a recovery caught)."""
        p = self.probes[length]
        if p.result == "good":
            return next((c.result for c in self.confirmations.get(length, []) if c.result != "good"), "good")
        return p.result

    def _draw(self, length: int, salt: tuple[str, ...]) -> Probe:
        needed = min(self.opts.min_successes, self.k)
        check = self._check_math if self.cand.domain == "math" else self._check_code
        if self.policy == "procedural":
            texts, finishes, keys = self._procedural(length)
            successes, conclusive, answers = self._tally(check(length, texts), finishes)
            self.completions += len(texts)
            return Probe(length, len(texts), successes, conclusive, answers, keys, min(needed, len(texts)), 1)
        per = min(self.opts.n_per_request or self.k, self.k)
        successes = conclusive = drawn = 0
        answers: list[str] = []
        keys: list[str] = []
        batch = 0
        while drawn < self.k and successes < needed and successes + self.k - drawn >= needed:
            if self.adaptive and batch == 0:  # as few as could make it good; if they do not, the rest at once
                sizes = [min(per, needed)]
            else:
                sizes = [min(per, self.k - drawn - i) for i in range(0, self.k - drawn, per)]
            texts, finishes, got = self._model(length, salt, batch, sizes)
            batch += len(sizes)
            self.completions += len(texts)
            s, c, a = self._tally(check(length, texts), finishes)
            successes, conclusive, drawn = successes + s, conclusive + c, drawn + len(texts)
            answers += a
            keys += got
            if len(texts) < sum(sizes):  # the server gave fewer choices than asked: do not ask forever
                break
        return Probe(length, drawn, successes, conclusive, answers, keys, min(needed, max(drawn, 1)), self.k)

    def _procedural(self, length: int) -> tuple[list[str], list[str | None], list[str]]:
        if self.cand.domain == "math":
            c = _procedural.continue_math(self.cand, length)
            text = c.text if last_boxed(c.text) is not None else f"{c.text}\n\nThe answer is $\\boxed{{{c.final}}}$."
            return [text], ["stop"], []
        unit = self.units[length - 1] if length else None
        if unit is None or unit.lines is None:
            c = _procedural.continue_code(self.cand, unit.step + 1 if unit else 0)
        else:
            c = _procedural.continue_code(self.cand, unit.step, unit.lines)
        return [c.text], ["stop"], []

    def _model(self, length: int, salt: tuple[str, ...], first: int,
               sizes: list[int]) -> tuple[list[str], list[str | None], list[str]]:
        """One request per batch size (``n`` choices each), seeded by the prefix, the round and the batch index."""
        o = self.opts
        messages = base_messages(self.cand)
        prefix = self.prefix(length)
        cont: dict[str, Any] = {}
        if length:
            messages = [*messages, {"role": "assistant", "content": prefix}]
            cont = {"continue_final_message": True, "add_generation_prompt": False}
        tag = request_key(messages)
        bodies = []
        for i, n in enumerate(sizes, start=first):
            body: dict[str, Any] = {"model": o.rollout_model, "messages": messages, **cont,
                                    "temperature": o.temperature, "max_tokens": o.max_tokens,
                                    "seed": derive_seed(o.seed, "rollout", tag, *salt, i) % (2**31)}
            if n != 1:
                body["n"] = n
            bodies.append(body)
        answers = self.ctx.client.complete_many("rollout", bodies, self.usage)  # type: ignore[union-attr]
        texts: list[str] = []
        finishes: list[str | None] = []
        for a in answers:
            for ch in sorted((a.response or {}).get("choices") or [], key=lambda c: c.get("index", 0)):
                texts.append((ch.get("message") or {}).get("content") or "")
                finishes.append(ch.get("finish_reason"))
        return texts, finishes, [a.key for a in answers]

    def _check_math(self, length: int, texts: list[str]) -> list[tuple[str, bool | None] | None]:
        """Per completion: (its final answer, reached the reference? None when it could not be checked), or None
        when it wrote no final answer."""
        gold = self.cand.task.reference.answer or ""
        finals = [last_boxed(t) for t in texts]
        boxed = [f"\\boxed{{{f}}}" for f in finals if f is not None]
        verdicts = iter(answer_verdicts(gold, boxed, self.cand.task.prompt) if boxed else [])
        out: list[tuple[str, bool | None] | None] = []
        for final in finals:
            if final is None:
                out.append(None)
                continue
            v = next(verdicts)
            out.append((final[:80], v.verdict == "equal" if v.verdict in ("equal", "not_equal") else None))
        return out

    def _check_code(self, length: int, texts: list[str]) -> list[tuple[str, bool | None] | None]:
        """Per completion: (its program's hash, passed the task's tests? None when the sandbox could not tell), or
        None when it wrote no code."""
        from stepforge.labeling.execution import conclusive as is_conclusive
        from stepforge.verifiers.code import check_codes
        from stepforge.verifiers.code.humaneval import module_for

        prefix = self.prefix(length)
        ref = self.cand.task.reference
        programs: list[str | None] = []
        for text in texts:
            code = parse_solution(prefix + text, "code").code
            if code is not None and ref.test_framework == "humaneval":
                code = module_for(code, self.cand.task.prompt, ref.entry_point or "")
            programs.append(code)
        keys = [hashlib.sha256(p.encode()).hexdigest()[:12] if p is not None else None for p in programs]
        todo = {k: p for k, p in zip(keys, programs) if k is not None and k not in self._programs}
        if todo:
            verdicts = check_codes([(self.ctx.task, p) for p in todo.values()], backend=self.ctx.backend or "local")
            self.exec_runs += len(todo)
            for k, v in zip(todo, verdicts):
                self._programs[k] = bool(v.passed) if is_conclusive(v) else None
        return [(f"{k}:{'pass' if self._programs[k] else 'fail'}", self._programs[k]) if k is not None else None
                for k in keys]

    @staticmethod
    def _tally(checked: list[tuple[str, bool | None] | None], finishes: list[str | None]) -> tuple[int, int, list[str]]:
        """Successes, checked completions, and what each one reached (for the evidence). A completion that
        finished without an answer failed; one cut at the length limit is unchecked."""
        successes = conclusive = 0
        answers: list[str] = []
        for c, finish in zip(checked, finishes):
            if c is None:
                answers.append("<truncated>" if finish == "length" else "<no answer>")
                conclusive += finish != "length"
                continue
            what, ok = c
            answers.append(what if ok is not None else f"{what} (unchecked)")
            successes += ok is True
            conclusive += ok is not None
        return successes, conclusive, answers

    # -- cost --------------------------------------------------------------------------------------------------

    def cost(self, wall_s: float, **extra: int) -> Cost:
        u = self.usage
        return Cost(rollouts=self.completions, exec_runs=self.exec_runs, prompt_tokens=u.prompt_tokens,
                    gen_tokens=u.completion_tokens, usd=round(u.usd, 6), wall_s=round(wall_s, 6), **extra)


# -- from probes to labels (shared by every rollout strategy) ---------------------------------------------------


def bisect(r: Rollouts, lo: int, hi: int) -> tuple[int | None, str]:
    """The shortest bad prefix in (lo, hi], assuming values fall once and stay down (OmegaPRM's monotonicity):
    prefix ``hi`` is bad and prefix ``lo`` good (0, the problem alone, is checked only when every probe failed).
    Probes already made narrow the interval first: a success from prefix i proves every prefix up to i. The good
    prefix the search ends next to is drawn again (``confirm``): when that round fails, the first round was a
    recovery, the prefix is bad, and the search goes on left of it (an interval never probed).
    Returns (length, "") or (None, why it cannot tell)."""
    floor = lo
    lo = max([lo, *(n for n in r.probes if lo < n < hi and r.verdict(n) == "good")])
    hi = min([hi, *(n for n in r.probes if lo < n < hi and r.verdict(n) == "bad")])
    while True:
        while hi - lo > 1:
            mid = (lo + hi) // 2
            p = r.probe(mid)
            if p.result == "undecided":
                return None, f"the prefix of {mid} units is undecided ({p.conclusive} of {p.k} completions checked)"
            lo, hi = (mid, hi) if p.result == "good" else (lo, mid)
        if lo == 0 or not r.confirming:
            break
        why = confirmed(r, lo)
        if why is None:
            break
        if why:
            return None, why
        hi = lo  # a recovery caught: the first bad prefix is at most this one
        lo = max([floor, *(n for n in r.probes if floor < n < hi and r.verdict(n) == "good")])
    if hi == 1:
        base = r.probe(0)
        if base.result != "good":
            return None, ("the policy does not reach the reference from the problem alone: no step can be blamed"
                          if base.result == "bad" else "the problem alone is undecided")
    return hi, ""


def confirmed(r: Rollouts, length: int) -> str | None:
    """Draw the good prefix ``length`` again, ``r.confirming`` rounds: None when every round is good too, "" when
    one is bad (the first was a recovery), else why it cannot tell."""
    for i in range(1, r.confirming + 1):
        c = r.confirm(length, i)
        if c.result == "bad":
            return ""
        if c.result == "undecided":
            return (f"the prefix of {length} units is undecided on its confirmation {i} ({c.conclusive} of {c.k} "
                    "checked)")
    return None


def whole_steps(r: Rollouts, length: int) -> int:
    """Steps wholly inside the prefix of ``length`` units."""
    if length == 0:
        return 0
    return r.step_of(length) + (1 if r.line_of(length) is None else 0)


def rollout_labels(r: Rollouts, correct: bool | None, first_bad: int | None, note: str, *, strategy: str,
                   t0: float, evidence: list[dict[str, Any]] | None = None, semantics: list[str] | None = None,
                   sources: list[str] | None = None, cost_extra: dict[str, int] | None = None) -> Any:
    """Labels from the probes made: every probe in the evidence of the step its prefix ends in; steps before the
    first bad prefix +1, the step it adds -1; undecided steps 0 with the reason; a right answer proves every prefix
    (the trace itself reaches the reference)."""
    import time

    from stepforge.labeling.base import assemble

    cand = r.cand
    n = len(cand.steps)
    ev: list[dict[str, Any]] = [dict(e) for e in evidence] if evidence else [{} for _ in range(n)]
    for e in ev:
        e.setdefault("rule", "rollouts")
        e.setdefault("policy", r.policy)
    scores: list[float | None] = [None] * n
    drawn = [*r.probes.items(), *((n, c) for n, cs in r.confirmations.items() for c in cs)]
    for length, p in sorted(drawn, key=lambda lp: (lp[0], lp[1].confirms)):
        i = r.step_of(length) if length else 0
        d = p.evidence()
        if length == 0:
            d["baseline"] = True
        elif r.line_of(length) is not None:
            d["code_lines"] = r.line_of(length)
        elif not p.confirms:
            scores[i] = d["value"]
        ev[i].setdefault("probes", []).append(d)
    if correct:
        ratings = [1] * n
        for e in ev:
            e["proved_by"] = "the trace's own answer reaches the reference"
    elif correct is None:
        ratings = [0] * n
        for e in ev:
            e["undecided"] = "the outcome is inconclusive"
    elif first_bad is not None:
        s = r.step_of(first_bad)
        ratings = [1] * s + [-1] * (n - s)
        ev[s]["first_bad_prefix"] = first_bad
        if r.line_of(first_bad) is not None:
            ev[s]["first_wrong_code_line"] = r.line_of(first_bad)
    else:
        good = max((length for length in r.probes if r.verdict(length) == "good"), default=0)
        done = whole_steps(r, good)
        ratings = [1] * done + [0] * (n - done)
        for e in ev[done:]:
            e["undecided"] = note
    cost = r.cost(time.perf_counter() - t0, **(cost_extra or {}))
    return assemble(cand, ratings, ev, strategy=strategy, cost=cost, semantics=semantics or "value", scores=scores,
                    sources=sources)


def rollout_roles(options: dict[str, Any]) -> set[str]:
    """The model roles a rollout strategy needs: the policy, unless the procedural completer stands in for it."""
    return {"rollout"} if strategy_options(options).completer == "model" else set()


Locate = Any  # (Rollouts, correct: bool, StrategyOptions) -> (first bad prefix length | None, why not)


def label_with_rollouts(strategy: str, cand: Candidate, verdict: Any, ctx: LabelContext, locate: Locate, *,
                        lines: bool = False, t0: float | None = None, **labels: Any) -> Any:
    """The frame of every rollout strategy: probes made by ``locate`` (given a conclusive outcome), labels from
    them; a solution the procedural completer cannot continue is left undecided, with the reason."""
    import time

    t0 = time.perf_counter() if t0 is None else t0
    opts = strategy_options(ctx.options)
    r = Rollouts(cand, ctx, opts, lines=lines and opts.code_lines)
    correct = outcome_correct(verdict)
    first_bad, note = None, ""
    if correct is not None:
        try:
            first_bad, note = locate(r, correct, opts)
        except _procedural.CannotContinue as exc:
            note = f"the procedural completer cannot continue this solution: {exc}"
    return rollout_labels(r, correct, first_bad, note, strategy=strategy, t0=t0, **labels)
