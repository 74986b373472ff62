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
from concurrent.futures import Future
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
class Ahead:
    """A draw a strategy may ask for next: the first stage of the prefix of ``length`` units, in its first round
    (``round`` 0) or confirmation round ``round``; with ``rest``, the rest of the K of the draw being made (sent
    before its first completions say whether they are needed)."""

    length: int
    round: int = 0
    rest: bool = False  # the rest of the K of this draw (an adaptive probe's second stage), not a first stage
    likely: bool = True  # False: sent only while more than half the client's slots are idle


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
        # requests sent, not yet used: key -> (answer future, prefix length, round, n if sent ahead else 0)
        self._ahead: dict[str, tuple[Future[Any], int, int, int]] = {}
        self._spent: set[str] = set()  # requests whose answers were used
        self._programs: dict[str, tuple[bool, bool]] = {}  # program hash -> (passed, conclusive)
        if opts.completer == "model":
            if ctx.client is None or not ctx.client.has("rollout"):
                raise ValueError("rollouts need a policy model (--rollout-model or the generator's --model)")
            self.k = opts.rollouts
            self.policy = f"model:{opts.rollout_model}"
            self.adaptive = opts.adaptive and not opts.mc_all_steps  # values need all K
            self.confirming = opts.confirm  # rounds
            self.drawing_ahead = opts.ahead and hasattr(ctx.client, "idle")
            self._slots = ctx.client.configs["rollout"].concurrency if self.drawing_ahead else 0
        else:
            self.k = 1  # deterministic: one continuation says all it can
            self.policy = "procedural"
            self.adaptive, self.confirming = False, 0  # drawing it again would say the same
            self.drawing_ahead = False
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

    def probe(self, length: int, ahead: tuple[Ahead, ...] | list[Ahead] = ()) -> Probe:
        """Completions of the prefix of ``length`` units (0: the problem alone), checked; remembered. ``ahead``: draws
        the strategy may ask for next, sent along while the client has idle slots (``StrategyOptions.ahead``)."""
        if length in self.probes:
            return self.probes[length]
        if not 0 <= length < self.size:
            raise ValueError(f"prefix length {length} out of range 0..{self.size - 1}")
        p = self._draw(length, 0, ahead)
        self.probes[length] = p
        return p

    def confirm(self, length: int, round_: int, ahead: tuple[Ahead, ...] | list[Ahead] = ()) -> Probe:
        """Round ``round_`` (1, 2, ...) of a prefix seen good: independent of the others (its own request seeds);
        remembered."""
        rounds = self.confirmations.setdefault(length, [])
        while len(rounds) < round_:
            p = self._draw(length, len(rounds) + 1, ahead)
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

    def _stages(self) -> list[list[int]]:
        """The ``n`` of each request of a probe, by stage: adaptive, as few as could make the prefix good, then the
        rest of the K at once (only when those do not); else all K at once."""
        per = min(self.opts.n_per_request or self.k, self.k)
        if not self.adaptive:
            return [[min(per, self.k - i) for i in range(0, self.k, per)]]
        first = min(per, self.opts.min_successes, self.k)
        rest = self.k - first
        return [[first], [min(per, rest - i) for i in range(0, rest, per)]] if rest else [[first]]

    def _draw(self, length: int, round_: int, ahead: tuple[Ahead, ...] | list[Ahead]) -> Probe:
        needed = min(self.opts.min_successes, self.k)
        check = self._check_math if self.cand.domain == "math" else self._check_code
        if self.policy == "procedural":
            texts, finishes, keys = self._procedural(length)
            successes, conclusive, answers = self._tally(check(length, texts), finishes)
            self.completions += len(texts)
            return Probe(length, len(texts), successes, conclusive, answers, keys, min(needed, len(texts)), 1)
        stages = self._stages()
        successes = conclusive = drawn = 0
        answers: list[str] = []
        keys: list[str] = []
        batch = 0
        for i, sizes in enumerate(stages):
            if not (drawn < self.k and successes < needed and successes + self.k - drawn >= needed):
                break
            later: list[tuple[int, int, int, list[int], bool]] = []
            if i == 0 and self.drawing_ahead:  # what the strategy may ask next, most likely first
                for a in ahead:
                    if a.rest and (a.length, a.round) == (length, round_):
                        later += [(length, round_, batch + len(sizes), rest, a.likely) for rest in stages[1:]]
                    elif not a.rest and self._wanted(a):
                        later.append((a.length, a.round, 0, stages[0], a.likely))
            texts, finishes, got = self._model(length, round_, batch, sizes, later)
            batch += len(sizes)
            self.completions += len(texts)
            s, c, a = self._tally(check(length, texts), finishes)
            successes, conclusive, drawn = successes + s, conclusive + c, drawn + len(texts)
            answers += a
            keys += got
            if len(texts) < sum(sizes):  # the server gave fewer choices than asked: do not ask forever
                break
        return Probe(length, drawn, successes, conclusive, answers, keys, min(needed, max(drawn, 1)), self.k)

    def _wanted(self, a: Ahead) -> bool:
        """A draw not made yet, of a prefix that exists."""
        if not 0 <= a.length < self.size:
            return False
        if a.round == 0:
            return a.length not in self.probes
        return len(self.confirmations.get(a.length, [])) < a.round <= self.confirming

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

    def _bodies(self, length: int, round_: int, first: int, sizes: list[int]) -> list[dict[str, Any]]:
        """One request per batch size (``n`` choices each), seeded by the prefix, the round and the batch index."""
        o = self.opts
        messages = base_messages(self.cand)
        cont: dict[str, Any] = {}
        if length:
            messages = [*messages, {"role": "assistant", "content": self.prefix(length)}]
            cont = {"continue_final_message": True, "add_generation_prompt": False}
        tag = request_key(messages)
        salt = ("confirm", str(round_)) if round_ else ()
        bodies = []
        for i, n in enumerate(sizes, start=first):
            body: dict[str, Any] = {"model": o.rollout_model, "messages": messages, **cont,
                                    "temperature": o.temperature, "max_tokens": o.max_tokens,
                                    "seed": derive_seed(o.seed, "rollout", tag, *salt, i) % (2**31)}
            if n != 1:
                body["n"] = n
            bodies.append(body)
        return bodies

    def _model(self, length: int, round_: int, first: int, sizes: list[int],
               later: list[tuple[int, int, int, list[int], bool]] | None = None,
               ) -> tuple[list[str], list[str | None], list[str]]:
        """The answers to this draw's requests (sent now, or already sent ahead); ``later`` (length, round, first
        batch, sizes, likely): requests sent along without waiting for them, while more than an eighth of the
        client's slots are idle (an unlikely one: more than half), not into the gaps of a busy client."""
        client = self.ctx.client
        bodies = self._bodies(length, round_, first, sizes)
        keys = [request_key(b) for b in bodies]
        todo = [(k, b) for k, b in zip(keys, bodies) if k not in self._ahead]
        room = client.idle("rollout") - len(todo) if later else 0
        if todo:
            for (k, _), fut in zip(todo, client.submit("rollout", [b for _, b in todo])):
                self._ahead[k] = (fut, length, round_, 0)
        for *spec, likely in later or ():
            if room <= self._slots // (8 if likely else 2):
                continue
            for body in self._bodies(*spec):
                k = request_key(body)
                if room > 0 and k not in self._ahead and k not in self._spent:
                    self._ahead[k] = (client.submit("rollout", [body])[0], spec[0], spec[1], int(body.get("n", 1)))
                    room -= 1
        answers = client.settle("rollout", [self._ahead.pop(k)[0].result() for k in keys], self.usage)
        self._spent.update(keys)
        texts: list[str] = []
        finishes: list[str | None] = []
        for a in answers:
            for ch in sorted((a.response or {}).get("choices") or [], key=lambda c: c.get("index", 0)):
                texts.append((ch.get("message") or {}).get("content") or "")
                finishes.append(ch.get("finish_reason"))
        return texts, finishes, [a.key for a in answers]

    def unused(self) -> list[dict[str, Any]]:
        """Requests sent ahead that the strategy did not need (waited for, costed): one evidence entry each, with
        the prefix, the round, the completions and their final answers (unchecked)."""
        out: list[dict[str, Any]] = []
        for _key, (fut, length, round_, n) in sorted(self._ahead.items(), key=lambda kv: kv[1][1:]):
            answer = fut.result()
            if answer.status == "failed":
                continue  # not needed, not paid: nothing to record
            self.ctx.client.settle("rollout", [answer], self.usage)
            choices = (answer.response or {}).get("choices") or []
            self.completions += len(choices)
            finals = [last_boxed((c.get("message") or {}).get("content") or "") for c in choices]
            entry: dict[str, Any] = {"prefix_units": length, "k": len(choices),
                                     "answers": [f[:80] if f is not None else "<no answer>" for f in finals]}
            if round_:
                entry["confirms"] = round_
            out.append(entry)
        self._ahead.clear()
        return out

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
            mid = _split(r, lo, hi)
            p = r.probe(mid, ahead=_bisect_ahead(r, lo, mid, hi))
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


def _split(r: Rollouts, lo: int, hi: int) -> int:
    """The prefix bisection probes in (lo, hi): ``split`` of the way in (0.5: the middle, rounded down; less: a
    shorter prefix, more likely good, which an adaptive probe decides with fewer completions)."""
    return lo + max(1, min(hi - lo - 1, int(r.opts.split * (hi - lo) + 0.5 - 1e-9)))


def _bisect_ahead(r: Rollouts, lo: int, mid: int, hi: int) -> list[Ahead]:
    """What bisection asks after probing ``mid`` of (lo, hi]: the middle of either half (one of them is next: with
    both in flight the search splits four ways a round trip), and, when this probe ends the search, the
    confirmation rounds of either boundary it may end next to."""
    ahead = [Ahead(mid, rest=True), *(Ahead(_split(r, a, b)) for a, b in ((lo, mid), (mid, hi)) if b - a > 1)]
    if hi - lo == 2:
        ahead += [Ahead(n, i) for i in range(1, r.confirming + 1) for n in (mid, lo) if n > 0]
    return ahead


def confirmed(r: Rollouts, length: int) -> str | None:
    """Draw the good prefix ``length`` again, ``r.confirming`` rounds: None when every round is good too, "" when
    one is bad (the first was a recovery), else why it cannot tell."""
    for i in range(1, r.confirming + 1):
        c = r.confirm(length, i, ahead=[Ahead(length, j) for j in range(i + 1, r.confirming + 1)]
                      + [Ahead(length, i, rest=True, likely=False)])
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
    """Labels from the probes made: every probe in the evidence of the step its prefix ends in (and the requests sent
    ahead that were not needed, as ``unused_draws``); steps before the first bad prefix +1, the step it adds -1;
    undecided steps 0 with the reason; a right answer proves every prefix (the trace itself reaches the
    reference)."""
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
    for d in r.unused():  # sent ahead into idle capacity, not needed: paid, so in the evidence and the cost
        ev[r.step_of(d["prefix_units"]) if d["prefix_units"] else 0].setdefault("unused_draws", []).append(d)
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
