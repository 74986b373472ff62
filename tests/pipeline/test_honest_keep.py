"""The honest keep rule: a wrong answer is kept only with a located first error (a refuted step, an answer line
that contradicts the steps, or an injected step), never with the error put on the answer line while the wrong
step is labelled +1; unlocated errors go to the run's fallback strategy or to ``rejected.jsonl``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from stepforge._testing.openai_server import ServerProcess
from stepforge.candidate import Candidate
from stepforge.labeling import STRATEGIES, LabelContext
from stepforge.labeling.base import assemble
from stepforge.labeling.locate import answer_step, carried, derived_value, locate_answer_line
from stepforge.schema import Cost, Rejection, Trace

from .conftest import records, run_cli

# (problem, reference answer, response, index of the true first error or None for a right solution, expected)
# expected: "kept" (with its first error where it really is) / "rejected"
CASES = [
    ("Tom buys 8 pens at 3 dollars each. How many dollars do the pens cost?", "24",
     "Tom buys 8 pens at 3 dollars each.\n\nThe pens cost $3 + 8 = 11$ dollars.\n\nThe answer is $\\boxed{11}$.",
     1, "rejected"),
    ("Anna has 5 bags with 3 apples in each bag. How many apples does she have?", "15",
     "Anna has 5 bags.\n\nEach bag has 3 apples, so 5 * 3 = 16 apples.\n\nThe answer is \\boxed{16}.",
     1, "kept"),  # plain-text arithmetic is read: refuted where it is written
    ("A box holds 6 eggs. How many eggs are in 4 boxes?", "24",
     "There are 4 boxes.\n\nSo there are 4 + 6 = 10 eggs.\n\nThe answer is \\boxed{10}.", 1, "rejected"),
    ("A rope 20 m long is cut into pieces 4 m long. How many pieces are there?", "5",
     "The rope is $20$ m long.\n\nThe number of pieces is $20 \\times 4 = 80$.\n\nThe answer is $\\boxed{80}$.",
     1, "rejected"),
    ("A class has 27 students and each gets 2 pencils. How many pencils are needed?", "54",
     "There are $72$ students.\n\nThey need $72 \\cdot 2 = 144$ pencils.\n\nThe answer is $\\boxed{144}$.",
     0, "rejected"),
    ("Mia reads 12 pages a day for 5 days, then 7 more pages. How many pages does she read?", "67",
     "In 5 days she reads $12 + 5 = 17$ pages.\n\nThen she reads $17 + 7 = 24$ pages in all.\n\n"
     "The answer is $\\boxed{24}$.", 0, "rejected"),
    # the refuted step only restates a value carried from the wrong step: the error is upstream
    ("Tom buys 8 pens at 3 dollars each. What do they cost in dollars, in total?", "24",
     "The pens cost $3 + 8 = 11$ dollars.\n\nSo the total is $3 \\times 8 = 11$ dollars.\n\n"
     "The answer is $\\boxed{11}$.", 0, "rejected"),
    # located: a refuted claim, an answer line that contradicts the steps; and a right solution
    ("Anna has 5 bags with 3 apples each. How many apples are there in all?", "15",
     "Anna has 5 bags.\n\nSo she has $5 \\times 3 = 16$ apples.\n\nThe answer is $\\boxed{16}$.", 1, "kept"),
    ("Tom buys 8 pens at 3 dollars a pen. How many dollars does he pay?", "24",
     "Tom buys 8 pens.\n\nHe pays $3 \\times 8 = 24$ dollars.\n\nThe answer is $\\boxed{25}$.", 2, "kept"),
    ("Tom buys 8 pens at 3 dollars per pen. What is the cost in dollars?", "24",
     "Tom buys 8 pens.\n\nThe cost is $3 \\times 8 = 24$ dollars.\n\nThe answer is $\\boxed{24}$.", None, "kept"),
]


def _decisions(out: Path) -> dict[str, tuple[str, dict]]:
    got = {}
    for t in records(out / "traces.jsonl"):
        got[t["task"]["prompt"]] = ("kept", t)
    for r in records(out / "rejected.jsonl"):
        got[r["candidate"]["task"]["prompt"]] = (r["reason"], r["candidate"])
    return got


def _check(out: Path) -> None:
    got = _decisions(out)
    assert set(got) == {c[0] for c in CASES}
    for problem, _, _, first, expected in CASES:
        what, t = got[problem]
        if first is None:
            assert what == "kept" and t["outcome"]["correct"] and t["first_error_index"] == -1, problem
            continue
        assert t["outcome"]["correct"] is False, problem
        if what == "kept":  # a kept wrong trace has its first error where it really is, and nothing +1 from there
            assert expected == "kept", (problem, t["first_error_index"])
            assert t["first_error_index"] == first, (problem, t["first_error_index"])
            assert all(s["label"]["rating"] == -1 for s in t["steps"][first:])
        else:
            assert expected != "kept" and what == "error_not_located", (problem, what)
            said = [s["evidence"]["located"] for s in t["steps"] if "located" in s["evidence"]]
            assert [w["rule"] for w in said] == ["error_not_located"], said  # the reason, on the step it concerns


def _file_run(tmp_path: Path, cases: list[tuple]) -> tuple[dict[str, tuple[str, dict]], Path]:
    """A ``generate --generator file`` run of one response per case (problem, answer, response, ...): what became
    of each problem, and the run folder."""
    path = tmp_path / "responses.jsonl"
    path.write_text("".join(json.dumps({"problem": c[0], "answer": c[1], "responses": [c[2]],
                                        **({"solution": SOLUTIONS[c[0]]} if c[0] in SOLUTIONS else {})}) + "\n"
                            for c in cases))
    out = tmp_path / "run"
    r = run_cli("generate", "--generator", "file", "--responses", str(path), "--domain", "math",
                "--count", str(2 * len(cases)),  # room for every case on either side of the positive fraction
                "--out", str(out), "--no-progress", "--workers", "1")
    assert r.returncode == 0, r.stderr
    return _decisions(out), out


def _responses_file(tmp_path: Path) -> Path:
    path = tmp_path / "responses.jsonl"
    path.write_text("".join(json.dumps({"problem": p, "answer": a, "responses": [r],
                                        **({"solution": SOLUTIONS[p]} if p in SOLUTIONS else {})}) + "\n"
                            for p, a, r, _, _ in CASES))
    return path


def test_wrong_steps_with_true_arithmetic_are_never_kept_through_the_file_source(tmp_path: Path) -> None:
    out = tmp_path / "run"
    r = run_cli("generate", "--generator", "file", "--responses", str(_responses_file(tmp_path)), "--domain", "math",
                "--count", "50", "--out", str(out), "--no-progress", "--workers", "1")
    assert r.returncode == 0, r.stderr
    _check(out)
    assert "error_not_located" in (out / "card.md").read_text()


def test_wrong_steps_with_true_arithmetic_are_never_kept_through_the_openai_source(server: ServerProcess,
                                                                                  tmp_path: Path) -> None:
    server.reset(canned={p: [r] for p, _, r, _, _ in CASES}, wrong_rate=0.0)
    problems = tmp_path / "problems.jsonl"
    problems.write_text("".join(json.dumps({"id": f"p{i}", "problem": p, "answer": a,
                                            **({"solution": SOLUTIONS[p]} if p in SOLUTIONS else {})}) + "\n"
                                for i, (p, a, _, _, _) in enumerate(CASES)))
    out = tmp_path / "api"
    r = run_cli("generate", "--generator", "openai", "--model", "mock-1", "--base-url", server.url, "--domain", "math",
                "--problems", str(problems), "--count", "50", "--samples", "1", "--k", "1",
                "--max-samples", str(len(CASES)), "--out", str(out), "--no-progress", "--workers", "1")
    assert r.returncode == 0, r.stderr
    _check(out)


def test_what_the_steps_derived() -> None:
    assert derived_value("The pens cost $3 + 8 = 11$ dollars.") == "11"
    assert derived_value("so 5 * 3 = 16 apples, and 2 + 2 = 4 pears") == "4"
    assert derived_value("$a = b = \\frac{1}{2}$ then he paid = \\$24 in all") == "24"
    assert derived_value("$x \\le 3$ and $y$") is None
    assert derived_value("$3 \\times 8 = 24$. Then $24 > 20$.") == "24"
    assert derived_value("In all 50 + 80 = 130 hours.\n\nHe earned 130 * $10 = $1300.") == "1300"  # currency $
    assert answer_step(["a", "$\\boxed{1}$", "b"]) == 1 and answer_step(["a", "b"]) == 1
    steps = ["He pays $3 \\times 8 = 24$ dollars.", "So $\\boxed{25}$."]
    assert locate_answer_line(steps, "24")["rule"] == "answer_contradicts_steps"
    steps = ["He pays $3 + 8 = 11$ dollars.", "So $\\boxed{11}$."]
    assert locate_answer_line(steps, "24")["rule"] == "error_not_located"
    assert locate_answer_line(["The answer is $\\boxed{7}$."], "8")["rule"] == "error_not_located"


def test_a_refuted_value_carried_from_earlier_steps_is_not_where_the_error_started() -> None:
    def claims(*cs: tuple[str, str]) -> list[dict]:
        return [{"claim": c, "verdict": v, "rule": "identity" if v == "true" else "not_an_identity"} for c, v in cs]

    steps = [claims(("\\frac{d}{dx}(x^6) = 6 x^{5}", "true")), claims(("\\frac{d}{dx}(5x^5) = 25 x^{4}", "true")),
             claims(("\\frac{d}{dx}(2x^6 + 5x^5) = 6 x^{5} + 25 x^{4}", "false"))]
    assert carried(steps, 2)["from_steps"] == [0, 1]
    steps = [claims(("3 + 8 = 11", "true")), claims(("3 \\times 8 = 11", "false"))]
    assert carried(steps, 1)["from_steps"] == [0]
    steps = [claims(("3 \\times 8 = 24", "true")), claims(("24 + 5 = 30", "false"))]
    assert carried(steps, 1) is None


def _as_model_text(c: Candidate) -> Candidate:
    """The same solution as a model would hand it in: no injected-error marker, not procedural."""
    return c.model_copy(update={"generation": c.generation.model_copy(update={"generator": "file",
                                                                              "injected_error": None})})


@pytest.fixture(scope="module")
def math_record():
    from stepforge.pipeline.config import RunConfig
    from stepforge.pipeline.domains import RecordContext
    from stepforge.pipeline.domains.math import MathDomain

    cfg = RunConfig(domain="math", count=1, out=Path("unused"), generator="file")
    dom = MathDomain(cfg)

    def record(cand: Candidate, fallback=None) -> Trace | Rejection:
        return dom.record(cand, RecordContext(config=cfg, strategy=dom.strategy, fallback=fallback))

    return record


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                   HealthCheck.function_scoped_fixture])
@given(family=st.sampled_from(sorted(__import__("stepforge.generators.procedural.math", fromlist=["FAMILIES"])
                                     .FAMILIES.names())),
       index=st.integers(0, 10_000), seed=st.integers(0, 50))
@example(family="derivative", index=257, seed=14)  # a slip to a bare x, then "Add the results" restates it
def test_an_injected_error_is_kept_only_at_its_step_with_or_without_its_marker(math_record, family: str, index: int,
                                                                               seed: int) -> None:
    from stepforge.generators.procedural.math import candidate

    c = candidate(seed, family, index, True)
    if c is None:
        return
    injected = c.generation.injected_error.step_index
    for cand in (c, _as_model_text(c)):
        rec = math_record(cand)
        if isinstance(rec, Trace):
            assert rec.outcome.correct is False
            assert rec.first_error_index == injected, (family, index, seed, rec.first_error_index, injected)
        else:
            assert rec.reason in ("error_not_located", "first_error_mismatch", "inconclusive_outcome",
                                  "first_error_uncertain"), rec.reason


class _Oracle:
    """A stand-in for a model-based fallback strategy: it puts the first error where it is told."""

    name = "oracle"
    domains = ("math",)

    def __init__(self, first: int | None) -> None:
        self.first = first

    def label(self, candidate: Candidate, verdict, ctx: LabelContext):
        n = len(candidate.steps)
        ratings = [0] * n if self.first is None else [1 if i < self.first else -1 for i in range(n)]
        ev = [{"oracle": {"said": r}} for r in ratings]
        return assemble(candidate, ratings, ev, strategy=self.name, cost=Cost(judge_calls=1))


def test_an_unlocated_error_goes_to_the_fallback_strategy(math_record) -> None:
    from stepforge.generators.llm.parse import parse_solution
    from stepforge.generators.llm.problems import task_from_row
    from stepforge.generators.llm.sampling import candidate_from
    from stepforge.schema import Generation

    problem, gold, text, first, _ = CASES[0]
    task = task_from_row({"problem": problem, "answer": gold}, "math", "test")
    cand = candidate_from(parse_solution(text, "math", None), task, "math",
                          Generation(generator="file", seed=1, raw_response=text), id="c1", index=0, extras={})
    rej = math_record(cand)
    assert isinstance(rej, Rejection) and rej.reason == "error_not_located"

    kept = math_record(cand, fallback=_Oracle(first))
    assert isinstance(kept, Trace) and kept.first_error_index == first
    assert kept.labeling.strategy == "oracle" and kept.labeling.cost.judge_calls == 1
    assert kept.labeling.cost.symbolic_checks > 0  # both strategies' cost
    assert kept.extras["escalated"]["from"] == "symbolic" and kept.extras["escalated"]["reason"] == "error_not_located"
    assert all("symbolic" in s.evidence and "oracle" in s.evidence for s in kept.steps)  # both strategies' evidence

    again = math_record(cand, fallback=_Oracle(None))  # the fallback cannot locate it either: rejected
    assert isinstance(again, Rejection) and again.reason == "error_not_located"
    assert again.detail.startswith("fallback oracle:")

    right = math_record(cand.model_copy(update={"task": cand.task.model_copy(update={"reference": cand.task.reference.
                                                                              model_copy(update={"answer": "11", "solution": "3 + 8 = 11"})})}),
                        fallback=_Oracle(0))
    assert isinstance(right, Trace) and right.labeling.strategy == "symbolic"  # only unlocated errors escalate


def test_fallback_strategy_flag_is_checked(tmp_path: Path) -> None:
    path = _responses_file(tmp_path)
    for name, msg in (("nope", "unknown fallback strategy 'nope' for math"),
                      ("symbolic", "is the run's own strategy")):
        r = run_cli("generate", "--generator", "file", "--responses", str(path), "--domain", "math", "--count", "1",
                    "--out", str(tmp_path / "o"), "--no-progress", "--fallback-strategy", name)
        assert r.returncode == 2 and msg in r.stderr and len(r.stderr.strip().splitlines()) == 1, r.stderr
    assert STRATEGIES.get("symbolic").name == "symbolic"


# An unchecked step that brings in a value of its own (a misread quantity, a value from prose) may be the real first
# error: a later refuted slip is then not *first* for sure. Restating the problem's own numbers is not such a step.
UNCERTAIN_CASES = [
    ("Lena has 4 boxes with 6 pencils in each box. How many pencils does she have?", "24",
     "Lena has 5 boxes of pencils.\n\nSo she has $5 \\times 6 = 31$ pencils.\n\nThe answer is $\\boxed{31}$.",
     "first_error_uncertain", 0),
    ("A shelf has 3 rows of 9 books. How many books are on the shelf?", "27",
     "Each row holds twelve, about 12 books in practice.\n\nThere are 3 * 12 = 38 books.\n\n"
     "The answer is \\boxed{38}.", "first_error_uncertain", 0),
    ("Lena has 4 bags with 7 pencils in each bag. How many pencils does she have?", "28",
     "Lena has 4 bags of 7 pencils.\n\nSo she has $4 \\times 7 = 29$ pencils.\n\nThe answer is $\\boxed{29}$.",
     "kept", 1),
    # a number everyone knows, named by its words, is no misread: the slip after it is located
    ("A farm has 5 chickens and 3 cows. How many legs do they have?", "22",
     "Each chicken has 2 legs and each cow has 4 legs.\n\nThe chickens have 5 * 2 = 12 legs and the cows "
     "have 3 * 4 = 12 legs.\n\nIn all 12 + 12 = 24 legs.\n\nThe answer is \\boxed{24}.", "kept", 1),
    # ... but a wrong one is a value nothing checked
    ("A farm has 6 chickens and 2 cows. How many legs do they have?", "20",
     "Each chicken has 3 legs and each cow has 4 legs.\n\nThe chickens have 6 * 3 = 19 legs and the cows "
     "have 2 * 4 = 8 legs.\n\nIn all 19 + 8 = 27 legs.\n\nThe answer is \\boxed{27}.", "first_error_uncertain", 0),
]


def test_a_refuted_step_after_an_unchecked_new_value_is_not_kept_as_the_first_error(tmp_path: Path) -> None:
    got, out = _file_run(tmp_path, UNCERTAIN_CASES)
    for problem, _, _, expected, step in UNCERTAIN_CASES:
        what, t = got[problem]
        assert what == expected, (problem, what)
        if what == "kept":
            assert t["first_error_index"] == step
        else:  # the labels are in the rejection; the refuted step is -1, the unchecked one 0
            assert t["steps"][step]["label"]["rating"] == 0 and t["first_error_index"] == 1
    rejected = {x["candidate"]["task"]["prompt"]: x for x in records(out / "rejected.jsonl")}
    assert "step 0 before it states a value" in rejected[UNCERTAIN_CASES[0][0]]["detail"]


def test_an_uncertain_first_error_goes_to_the_fallback_strategy(math_record) -> None:
    from stepforge.generators.llm.parse import parse_solution
    from stepforge.generators.llm.problems import task_from_row
    from stepforge.generators.llm.sampling import candidate_from
    from stepforge.schema import Generation

    problem, gold, text, _, _ = UNCERTAIN_CASES[0]
    task = task_from_row({"problem": problem, "answer": gold}, "math", "test")
    cand = candidate_from(parse_solution(text, "math", None), task, "math",
                          Generation(generator="file", seed=1, raw_response=text), id="c1", index=0, extras={})
    assert isinstance(math_record(cand), Rejection) and math_record(cand).reason == "first_error_uncertain"
    kept = math_record(cand, fallback=_Oracle(0))
    assert isinstance(kept, Trace) and kept.first_error_index == 0
    assert kept.extras["escalated"]["reason"] == "first_error_uncertain"


# (problem, reference, response, expected decision): what a right answer needs before "no error" is said of it, and
# an answer line after an unchecked step that changes the derived value
RIGHT_ANSWER_CASES = [
    # every step checked, or restating the problem's numbers, and every value one the reference solution holds:
    # "no error" is shown
    ("Sam has 6 boxes of 4 cakes. How many cakes does he have?", "24",
     "Sam has 6 boxes.\n\nEach box holds 4 cakes, so $6 \\times 4 = 24$ cakes.\n\nThe answer is $\\boxed{24}$.",
     "kept"),
    # a longer line that only restates the problem's numbers says nothing to check: still shown
    ("Lee has 6 boxes of 5 cakes. How many cakes does he have?", "30",
     "We are told that Lee has 6 boxes and that every box holds 5 cakes.\n\nSo $6 \\times 5 = 30$ cakes.\n\n"
     "The answer is $\\boxed{30}$.", "kept"),
    # a list item's or a step's own number ("1. **Cost of the pens:**", "Step 2:") is no value the solution states
    ("Ravi buys 7 packs of 4 pens and pays 2 dollars a pack. How many dollars does he pay?", "14",
     "1. **Number of packs:**\n   Ravi buys 7 packs of 4 pens.\n\n"
     "2. **Cost:**\n   Each pack costs 2 dollars, so $7 \\times 2 = 14$ dollars.\n\n"
     "Step 3: The answer is $\\boxed{14}$.", "kept"),
    # ... but a value in a numbered line that nothing checked still is one
    ("Ravi buys 9 packs of 4 pens and pays 2 dollars a pack. How many dollars does he pay?", "18",
     "1. **Number of packs:**\n   Ravi buys 9 packs, which is 36 pens in all.\n\n"
     "2. **Cost:**\n   Each pack costs 2 dollars, so $9 \\times 2 = 18$ dollars.\n\n"
     "Step 3: The answer is $\\boxed{18}$.", "process_unverified"),
    # an opening that only announces the work (a plan and its items, no value, no relation) says nothing to check
    ("Noor has 8 boxes of 3 cakes and eats 4 of them. How many cakes are left?", "20",
     "To determine how many cakes Noor has left, we need to follow these steps:\n\n"
     "1. Calculate the number of cakes in the boxes.\n2. Subtract the cakes she eats.\n\n"
     "The boxes hold $8 \\times 3 = 24$ cakes.\n\nShe has $24 - 4 = 20$ cakes left.\n\n"
     "The answer is $\\boxed{20}$.", "kept"),
    # ... but an opening that goes on to reason in words is not a plan
    ("Noor has 9 boxes of 3 cakes and eats 4 of them. How many cakes are left?", "23",
     "To determine how many cakes Noor has left, we need to follow these steps. Eaten cakes come back the next day, "
     "so we count them twice and take the larger count.\n\n"
     "The boxes hold $9 \\times 3 = 27$ cakes.\n\nShe has $27 - 4 = 23$ cakes left.\n\n"
     "The answer is $\\boxed{23}$.", "process_unverified"),
    # a step that only names the next piece of work, anywhere in the solution ("**Step 2: Calculate ...**"), says
    # nothing to check (RealCritic GSM8K, Qwen2.5's headings)
    ("Omar has 7 boxes of 3 cakes and eats 5 of them. How many cakes are left?", "16",
     "**Step 1: Calculate the number of cakes in the boxes.**\n\nThe boxes hold $7 \\times 3 = 21$ cakes.\n\n"
     "Next, let's subtract the cakes Omar eats.\n\nHe has $21 - 5 = 16$ cakes left.\n\n"
     "The answer is $\\boxed{16}$.", "kept"),
    # ... but one that gives a reason ("since") names a method nothing checked
    ("Omar has 8 boxes of 3 cakes and eats 5 of them. How many cakes are left?", "19",
     "**Step 1: Calculate the number of cakes in the boxes.**\n\nThe boxes hold $8 \\times 3 = 24$ cakes.\n\n"
     "Next, we subtract the cakes Omar eats, since eaten cakes are gone.\n\nHe has $24 - 5 = 19$ cakes left.\n\n"
     "The answer is $\\boxed{19}$.", "process_unverified"),
    # a price in prose, or a name set to the problem's number, restates it: nothing is worked out there
    ("Ola pays $12 for a book and $5 for a pen. How many dollars does she pay?", "17",
     "1. **Cost of the book:**\n   The book costs $12.\n\n"
     "2. **Cost of the pen:**\n   \\[\n   \\text{Cost of the pen} = \\$5\n   \\]\n\n"
     "3. **Total:**\n   \\[\n   12 + 5 = 17\n   \\]\n\nThe answer is $\\boxed{17}$.", "kept"),
    # ... but a formula of the problem's numbers that is not the problem's own is worked out, even unchecked
    ("What is $(6 + 2) \\cdot 3$?", "24",
     "Moving the factor inside, the expression becomes \\( 6 \\cdot 3 + 2 \\cdot 3 \\).\n\n"
     "So $6 \\cdot 3 + 2 \\cdot 3 = 24$.\n\nThe answer is $\\boxed{24}$.", "process_unverified"),
    # a percentage or a quantity in words, written as the number it is ("40%" as 0.4, "half" as 0.5): no new value
    ("Pia has 60 stamps. She gives away 40% of them and then half of the rest. How many stamps are left?", "18",
     "She gives away $0.4 \\times 60 = 24$ stamps.\n\nSo $60 - 24 = 36$ are left.\n\n"
     "Then she gives away $0.5 \\times 36 = 18$.\n\nSo $36 - 18 = 18$ are left.\n\n"
     "The answer is $\\boxed{18}$.", "kept"),
    # the same with no reference solution to compare with: a right answer does not prove its steps
    ("Sam has 7 boxes of 4 cakes. How many cakes does he have?", "28",
     "Sam has 7 boxes.\n\nEach box holds 4 cakes, so $7 \\times 4 = 28$ cakes.\n\nThe answer is $\\boxed{28}$.",
     "process_unverified"),
    # an unchecked step states a new value (a wrong intermediate that a later step undoes): not shown
    ("Ria buys 5 packs of 3 pens. How many pens does she buy?", "15",
     "Ria buys 5 packs.\n\nThat makes 18 pens, since packs are big.\n\nNo wait, $5 \\times 3 = 15$ pens.\n\n"
     "The answer is $\\boxed{15}$.", "process_unverified"),
    # an unchecked relation the checker cannot decide: not shown
    ("What is the value of $2 + 2$?", "4",
     "We note that $f(2) = 2 + 2$ for the function in question.\n\nSo $2 + 2 = 4$.\n\nThe answer is $\\boxed{4}$.",
     "process_unverified"),
    # an equation in prose the checker does not read ("X / 2 = 2"): an undecided relation, not shown
    ("James walks to the store X miles away and back at 4 miles an hour, in 2 hours. What is X?", "4",
     "One way takes X / 4 hours.\n\nThere and back is 2 * (X / 4) = X / 2 hours.\n\nSo X / 2 = 2 and X is 4.\n\n"
     "The answer is $\\boxed{4}$.", "process_unverified"),
    # every claim checked, but two wrong steps undo each other: values the reference solution never has
    ("A candle melts 2 cm each hour. How many cm shorter is it after burning from 1 PM to 5 PM?", "8",
     "At 1 PM it has burned for 1 hour, so it melted 2 * 1 = 2 cm.\n\nAt 5 PM it has burned for 5 hours, so it "
     "melted 2 * 5 = 10 cm.\n\nSo it is 10 - 2 = 8 cm shorter.\n\nThe answer is $\\boxed{8}$.", "process_unverified"),
    ("Jim watches TV for 2 hours, then reads half as long, 3 times a week. How many hours in 4 weeks?", "36",
     "He watches 2 * 2 = 4 hours a night.\n\nSo he watches 4 * 3 = 12 hours a week.\n\nHe reads 12 / 2 = 6 hours."
     "\n\nSo he reads 6 * 4 = 24 hours.\n\nIn all 24 + 12 = 36 hours.\n\nThe answer is $\\boxed{36}$.",
     "process_unverified"),
    # reasoning in words nothing checked (a wrong method named, then a right result): not shown
    ("What is $3 \\times 4 + 1$?", "13",
     "Use the formula for the sum of a geometric series here, even though it does not apply to this expression.\n\n"
     "So $3 \\times 4 + 1 = 13$.\n\nThe answer is $\\boxed{13}$.", "process_unverified"),
    # the steps derive another value than the answer they end on ("-163", then 163): not shown
    ("Candice had 80 notes and bought a pack. She used 220 and has 23 left. How many notes were in the pack?", "163",
     "She used 220 and kept 23, so 220 + 23 = 243 notes.\n\nThe pack had 80 - 243 = -163 notes.\n\n"
     "The answer is $\\boxed{163}$.", "process_unverified"),
    # a recap lists values already stated, a label and its value a line: nothing new, nothing inferred
    ("The shop makes 125 tacos on Tuesday, 125 on Wednesday and twice as many on Friday. How many tacos in all?",
     "500",
     "1. **Tacos each day:**\n   - On Friday: $2 \\times 125 = 250$.\n\n"
     "2. **Sum the tacos made on all three days:**\n   - Tacos on Tuesday: 125\n   - Tacos on Wednesday: 125\n"
     "   - Tacos on Friday: 250\n\nAdding these together: $125 + 125 + 250 = 500$.\n\nThe answer is $\\boxed{500}$.",
     "kept"),
    # ... but a sentence that infers with those values is reasoning, not a recap
    ("Ana has 4 bags of 6 apples and gives 10 away. How many apples are left?", "14",
     "$4 \\times 6 = 24$ apples.\n\nSince she gives 10 away, there are 24 minus 10 left, which are hers to keep.\n\n"
     "$24 - 10 = 14$.\n\nThe answer is $\\boxed{14}$.", "process_unverified"),
    # the steps derive the reference, then an unchecked step brings in another value the answer repeats
    ("Kai has 5 teams of 45 players. How many players are there?", "225",
     "So $5 \\times 45 = 225$.\n\nActually there are 250 players, counting coaches.\n\n"
     "The answer is $\\boxed{250}$.", "error_not_located"),  # the answer line follows the words, not the error
]

#: worked reference solutions (as MATH and GSM8K rows give them), by problem
SOLUTIONS = {
    "Sam has 6 boxes of 4 cakes. How many cakes does he have?": "6 * 4 = 24 cakes.",
    "Ria buys 5 packs of 3 pens. How many pens does she buy?": "5 * 3 = 15 pens.",
    "What is the value of $2 + 2$?": "$2 + 2 = 4$.",
    "James walks to the store X miles away and back at 4 miles an hour, in 2 hours. What is X?":
        "There and back is 2X miles, so 2X / 4 = 2 and X = 4.",
    "A candle melts 2 cm each hour. How many cm shorter is it after burning from 1 PM to 5 PM?":
        "It burns for 5 - 1 = 4 hours, so it is 2 * 4 = 8 cm shorter.",
    "Jim watches TV for 2 hours, then reads half as long, 3 times a week. How many hours in 4 weeks?":
        "He reads 2 / 2 = 1 hour, so 2 + 1 = 3 hours each time, 3 * 3 = 9 hours a week and 9 * 4 = 36 hours.",
    "Candice had 80 notes and bought a pack. She used 220 and has 23 left. How many notes were in the pack?":
        "She had 220 + 23 = 243 notes in all, so the pack had 243 - 80 = 163.",
    "Tom buys 8 pens at 3 dollars per pen. What is the cost in dollars?": "3 * 8 = 24 dollars.",
    "Pia has 60 stamps. She gives away 40% of them and then half of the rest. How many stamps are left?":
        "She gives away 60 * 40 / 100 = 24, keeps 60 - 24 = 36, gives 36 / 2 = 18 and keeps 36 - 18 = 18.",
    "Ola pays $12 for a book and $5 for a pen. How many dollars does she pay?": "12 + 5 = 17 dollars.",
    "What is $(6 + 2) \\cdot 3$?": "$(6 + 2) \\cdot 3 = 8 \\cdot 3 = 24$.",
    "Noor has 8 boxes of 3 cakes and eats 4 of them. How many cakes are left?": "8 * 3 = 24 and 24 - 4 = 20.",
    "Omar has 7 boxes of 3 cakes and eats 5 of them. How many cakes are left?": "7 * 3 = 21 and 21 - 5 = 16.",
    "Omar has 8 boxes of 3 cakes and eats 5 of them. How many cakes are left?": "8 * 3 = 24 and 24 - 5 = 19.",
    "Noor has 9 boxes of 3 cakes and eats 4 of them. How many cakes are left?": "9 * 3 = 27 and 27 - 4 = 23.",
    "Ravi buys 7 packs of 4 pens and pays 2 dollars a pack. How many dollars does he pay?": "7 * 2 = 14 dollars.",
    "Ravi buys 9 packs of 4 pens and pays 2 dollars a pack. How many dollars does he pay?": "9 * 2 = 18 dollars.",
    "Lee has 6 boxes of 5 cakes. How many cakes does he have?": "6 * 5 = 30 cakes.",
    "What is $3 \\times 4 + 1$?": "$3 \\times 4 + 1 = 13$.",
    "The shop makes 125 tacos on Tuesday, 125 on Wednesday and twice as many on Friday. How many tacos in all?":
        "2 * 125 = 250 and 125 + 125 + 250 = 500.",
    "Ana has 4 bags of 6 apples and gives 10 away. How many apples are left?": "4 * 6 = 24 and 24 - 10 = 14.",
    "A dog digs 6 holes a day for 14 days. Then Nate fills 9 holes a day while the dog digs 6 a day. In how many "
    "days are all the holes filled?": "The dog digs 6 * 14 = 84 holes. Each day 9 - 6 = 3 holes are filled, so it "
                                      "takes 84 / 3 = 28 days.",
    "A dog digs 6 holes a day for 14 days. Then Nate fills 9 holes a day while the dog digs 6 a day. How many days "
    "until all the holes are filled?": "The dog digs 6 * 14 = 84 holes. Each day 9 - 6 = 3 holes are filled, so it "
                                       "takes 84 / 3 = 28 days.",
    "A shop made 1000 dollars a day and now makes 1100 dollars a day. By what percent did its daily earnings grow?":
        "(1100 - 1000) / 1000 * 100 = 10 percent.",
}


def test_a_right_answer_is_kept_with_no_error_only_where_the_steps_are_accounted_for(tmp_path: Path) -> None:
    got, _ = _file_run(tmp_path, RIGHT_ANSWER_CASES)
    for problem, _, _, expected in RIGHT_ANSWER_CASES:
        assert got[problem][0] == expected, (problem, got[problem][0])


def test_procedural_right_answers_are_still_kept(tmp_path: Path) -> None:
    out = tmp_path / "run"
    r = run_cli("generate", "--domain", "math", "--count", "30", "--out", str(out), "--no-progress", "--workers", "1")
    assert r.returncode == 0, r.stderr
    reasons = {x["reason"] for x in records(out / "rejected.jsonl")}
    assert "process_unverified" not in reasons
    assert sum(1 for t in records(out / "traces.jsonl") if t["outcome"]["correct"]) > 0


def test_an_answer_line_that_states_no_value_of_its_own_is_not_located() -> None:
    assert locate_answer_line(["So $m + n = 29$.", "And that is our final answer."], "29")["rule"] == \
        "error_not_located"
    assert locate_answer_line(["So $7 \\times 9 = 63$.", "The answer is 63.", "It is correct."], "63")["rule"] == \
        "error_not_located"
    assert locate_answer_line(["So $7 \\times 9 = 63$.", "The answer is $(9)(7)$."], "63")["rule"] == \
        "error_not_located"  # the right value in an unfinished form: no step is wrong
    steps = ["So $7 \\times 9 = 63$.", "The answer is $\\boxed{64}$."]
    assert locate_answer_line(steps, "63")["rule"] == "answer_contradicts_steps"
    assert locate_answer_line(steps, "63", pred="64")["rule"] == "answer_contradicts_steps"
    assert locate_answer_line(steps, "63", pred="x = 5")["rule"] == "error_not_located"  # read from elsewhere


def test_processbench_rows_are_judged_by_their_own_final_answer_verdict(tmp_path: Path) -> None:
    rows = [
        {"id": "a", "generator": "m", "problem": "Anna has 5 bags with 3 apples each. How many apples?",
         "steps": ["Anna has 5 bags.", "So she has $5 \\times 3 = 16$ apples.", "The answer is $\\boxed{16}$."],
         "final_answer_correct": False, "label": 1},
        {"id": "b", "generator": "m", "problem": "Tom has 6 boxes of 4 cakes. How many cakes?",
         "steps": ["Tom has 6 boxes.", "So $6 \\times 4 = 24$ cakes.", "The answer is $\\boxed{24}$."],
         "final_answer_correct": True, "label": -1},
        {"id": "c", "generator": "m", "problem": "Tom has 6 boxes of 4 cakes. How many cakes are there?",
         "steps": ["Tom has 6 boxes.", "So $6 \\times 4 = 24$ cakes.", "The answer is $\\boxed{24}$."],
         "final_answer_correct": None, "label": -1},
    ]
    data = tmp_path / "pb.jsonl"
    data.write_text("".join(json.dumps(r) + "\n" for r in rows))
    out = tmp_path / "lab"
    r = run_cli("label", str(data), "--out", str(out), "--strategy", "symbolic", "--no-progress", "--workers", "1")
    assert r.returncode == 0, r.stderr
    assert not (out / "traces.jsonl").exists() or not records(out / "traces.jsonl")
    rejected = {x["id"]: x for x in records(out / "rejected.jsonl")}
    assert {k: x["reason"] for k, x in rejected.items()} == {
        "a": "first_error_uncertain", "b": "process_unverified", "c": "no_reference"}
    # a wrong answer needs a reference to show its refuted slip explains it, a right one a reference solution to
    # compare its steps with: with --references (GSM8K rows: the worked solution, then "#### N") both are kept
    assert rejected["a"]["candidate"]["first_error_index"] == 1 and "--references" in rejected["a"]["detail"]
    assert rejected["b"]["candidate"]["outcome"]["rule"] == "source:final_answer_correct"
    assert "--references" in rejected["b"]["detail"]
    refs = tmp_path / "refs.jsonl"
    refs.write_text(json.dumps({"problem": rows[0]["problem"], "answer": "15"}) + "\n"
                    + json.dumps({"question": rows[1]["problem"], "answer": "6 * 4 = <<6*4=24>>24 cakes.\n#### 24"})
                    + "\n")
    r = run_cli("label", str(data), "--out", str(tmp_path / "refs"), "--strategy", "symbolic", "--references",
                str(refs), "--no-progress", "--workers", "1")
    assert r.returncode == 0, r.stderr
    kept = {t["id"]: t for t in records(tmp_path / "refs" / "traces.jsonl")}
    assert set(kept) == {"a", "b"} and kept["a"]["first_error_index"] == 1 and kept["b"]["first_error_index"] == -1
    assert kept["b"]["task"]["reference"]["answer"] == "24"


SLIP_CASES = [
    # the slip redone right (5 x 3 = 15), carried through 16 + 2, gives the reference: located
    ("Ann has 5 bags of 3 apples and 2 more apples. How many apples?", "17",
     "Ann has 5 bags of 3 apples.\n\nSo $5 \\times 3 = 16$ apples in bags.\n\nWith the others, $16 + 2 = 18$.\n\n"
     "The answer is $\\boxed{18}$.", "kept", 1),
    # the slip redone right (81 - 24 = 57) does not give the reference (45): a wrong divisor earlier, in prose,
    # is the first error the checker cannot see
    ("The terms 9, x, 81 are in arithmetic progression. What is x?", "45",
     "The difference between 81 and 9 is $81 - 9 = 72$.\n\nThe difference is split over three gaps.\n\n"
     "So each gap is $72 / 3 = 24$.\n\nSo $x = 81 - 24 = 9 + 24 = 33$.\n\nThe answer is $\\boxed{33}$.",
     "first_error_uncertain", 3),
    # an algebra slip: the derivative redone right, carried into the next step, gives the reference: located
    ("Let $f(x) = x^3 + 2x$. Find $f'(x) + 4x$.", "3x^2 + 4x + 2",
     "The derivative is $\\frac{d}{dx}(x^3 + 2x) = 3x^2 + 3$.\n\nAdding $4x$: $3x^2 + 3 + 4x = 3x^2 + 4x + 3$.\n\n"
     "The answer is $\\boxed{3x^2 + 4x + 3}$.", "kept", 0),
    # the same slip after a step the checker cannot read, and redone right it does not give the reference: something
    # else is wrong too, and it may come first
    ("Let $f(x) = x^3 + 2x$. Find $f'(x) + 5x$.", "3x^2 + 5x + 2",
     "We differentiate $f$ term by term.\n\n"
     "The derivative is $\\frac{d}{dx}(x^3 + 2x) = 3x^2 + 3$.\n\nAdding $4x$: $3x^2 + 3 + 4x = 3x^2 + 4x + 3$.\n\n"
     "The answer is $\\boxed{3x^2 + 4x + 3}$.", "first_error_uncertain", 1),
    # the same slip in the solution's first step: nothing comes before it, so it is the first error whatever follows
    # (redone right it does not give the reference: the later 4x for 5x is a second error)
    ("Let $f(x) = x^3 + 2x$. Find $f'(x) + 5x$ for every $x$.", "3x^2 + 5x + 2",
     "The derivative is $\\frac{d}{dx}(x^3 + 2x) = 3x^2 + 3$.\n\nAdding $4x$: $3x^2 + 3 + 4x = 3x^2 + 4x + 3$.\n\n"
     "The answer is $\\boxed{3x^2 + 4x + 3}$.", "kept", 0),
    # a first step that is the whole solution (RealCritic GSM8K's one-paragraph solutions): its refuted sum is the
    # first error though the slip redone right (12 + 6 = 18) does not give the reference (Thursday's 3 was left out)
    ("On Thursday, Joe caught 3 pounds of crawfish. He caught 4 times that amount on Friday and half the amount of "
     "his Friday's catch on Saturday. If 1 serving of crawfish is 3 pounds, how many servings does he have?", "7",
     "On Friday, Joe caught 3 * 4 = 12 pounds of crawfish.\nOn Saturday, he caught 12 / 2 = 6 pounds of crawfish.\n"
     "So, he caught a total of 12 + 6 = 28 pounds of crawfish.\nSo he has 28 / 3 servings, about 9.\n\n"
     "The answer is $\\boxed{9}$.", "kept", 0),
    # the wrong operation (- 5 for + 5) in solving the equation just stated is a slip in solving, refuted first;
    # redone right (3x = 21) it gives the reference: located
    ("Solve $3x - 5 = 16$.", "7",
     "We have $3x - 5 = 16$.\n\nSo $3x = 16 - 5 = 12$.\n\nSo $x = 4$.\n\nThe answer is $\\boxed{4}$.",
     "kept", 1),
    # a slip in solving whose equation restates a value of an earlier step (30): the slip is in the step from that
    # equation, not a value carried; redone right (5x = 30) it gives the reference: located
    ("Solve $3x + 2x = 30$.", "6",
     "We have $3x + 2x = 30$.\n\nCombining like terms, we get $5x + 1 = 30$.\n\n"
     "Subtracting 1, so $5x = 29$ and $x = \\frac{29}{5}$.\n\nThe answer is $\\boxed{\\frac{29}{5}}$.", "kept", 1),
    # a wrong operation said in prose, then a slip (25 - 3 = 23): redone (22, so 4x = 22) x = 11/2, not the
    # reference; the wrong operation is an error the checker cannot see: nothing shows the slip explains the answer
    ("Solve $4x - 3 = 25$.", "7",
     "We have $4x - 3 = 25$.\n\nMoving the 3 over, the right side becomes $25 - 3 = 23$.\n\n"
     "So $4x = 23$ and $x = \\frac{23}{4}$.\n\nThe answer is $\\boxed{\\frac{23}{4}}$.", "first_error_uncertain", 1),
    # the same, with only the arithmetic wrong (16 + 5 = 22): solved right, 3x = 21 gives the reference
    ("Solve $3x - 5 = 16$ for $x$.", "7",
     "We have $3x - 5 = 16$.\n\nSo $3x = 16 + 5 = 22$.\n\nSo $x = \\frac{22}{3}$.\n\n"
     "The answer is $\\boxed{\\frac{22}{3}}$.", "kept", 1),
    # a wrong value carried into a plain-text equation in the unknown (the checker reads none): solved right,
    # its root carried on to the answer, it gives the reference: located
    ("A pen costs $3 and a bag of x pens and 2 pens costs $24. What is x?", "6",
     "Two pens cost 2 * 3 = 5 dollars.\n\nSo we can write: 3 * x + 5 = 24.\n\nSolving for x, we get: x = 19/3.\n\n"
     "The answer is $\\boxed{\\frac{19}{3}}$.", "kept", 0),
    # the same slip, but the solution goes on with one root of a quadratic the slip reached: not followed (after a
    # step the checker cannot read; as the first step, the slip would be the first error whatever follows)
    ("The roots of $x^2 - 5x + c = 0$ with $c = 2 + 2$: what is the larger?", "4",
     "We work out the constant term first.\n\nHere $c = 2 + 2 = 6$.\n\nSo $x^2 - 5x + 6 = 0$.\n\n"
     "So $x = 3$, the larger root.\n\nThe answer is $\\boxed{3}$.", "first_error_uncertain", 1),
    # a side set again to a number its computation does not give ("1210 - 640 - 540 = 3x", then "230 = 3x"):
    # the link 1210 - 640 - 540 = 230 is refuted; redone (30 = 3x) x = 10, the reference: located there
    ("A zoo has 1210 legs: 640 from spiders, 540 from insects and the rest from 3 mutants with x legs each. What is "
     "x?", "10",
     "The legs add up: 640 + 540 + 3x = 1210.\n\nSubtracting, we get: 1210 - 640 - 540 = 3x\n\n230 = 3x\n\n"
     "Dividing both sides by 3, we get: x = 230/3.\n\nThe answer is $\\boxed{\\frac{230}{3}}$.", "kept", 2),
]


COMPARED_CASES = [
    # a checked step whose words say which way a derived value goes (the net change is -3, the words say the holes
    # increase): a right answer is not kept as "no error" ...
    ("A dog digs 6 holes a day for 14 days. Then Nate fills 9 holes a day while the dog digs 6 a day. In how many "
     "days are all the holes filled?", "28",
     "The dog digs $6 \\times 14 = 84$ holes.\n\nEach day $6 - 9 = -3$ holes change, so the dog digs 3 fewer holes "
     "than Nate fills and the number of holes increases by 3 each day.\n\nIt takes $84 / 3 = 28$ days.\n\n"
     "The answer is $\\boxed{28}$.", "process_unverified"),
    # ... and without those words it is
    ("A dog digs 6 holes a day for 14 days. Then Nate fills 9 holes a day while the dog digs 6 a day. How many days "
     "until all the holes are filled?", "28",
     "The dog digs $6 \\times 14 = 84$ holes.\n\nEach day $9 - 6 = 3$ holes are filled.\n\nIt takes $84 / 3 = 28$ "
     "days.\n\nThe answer is $\\boxed{28}$.", "kept"),
    # before a refuted slip, such words hold it back: they may be the first error
    ("Ann has 10 apples and Bo has 3. Bo buys 2 more. How many apples do they have together?", "15",
     "Bo now has $3 + 2 = 5$ apples, so Ann has 5 more apples than Bo.\n\nTogether they have $10 + 5 = 16$ "
     "apples.\n\nThe answer is $\\boxed{16}$.", "first_error_uncertain"),
    # the problem's own comparison is no claim of the step's
    ("Ann has 10 apples and Bo has 3 fewer. How many apples do they have together?", "17",
     "Bo has 3 fewer apples, so he has $10 - 3 = 7$ apples.\n\nTogether they have $10 + 7 = 18$ apples.\n\n"
     "The answer is $\\boxed{18}$.", "kept"),
]


def test_a_percent_the_steps_computed_is_the_answer_it_names(tmp_path: Path) -> None:
    """"... \\times 100 = 10\\%", then the answer 10 to "by what percent": a checked step produced the answer
    (RealCritic GSM8K, Qwen2.5; it was held back as "no checked step states the final answer 10")."""
    from stepforge.labeling.locate import answer_derived

    case = ("A shop made 1000 dollars a day and now makes 1100 dollars a day. By what percent did its daily earnings "
            "grow?", "10",
            "The difference is $1100 - 1000 = 100$ dollars.\n\nThe growth is $\\left(\\frac{100}{1000}\\right) \\times "
            "100 = 10\\%$.\n\nThe answer is $\\boxed{10}$.")
    got, _ = _file_run(tmp_path, [case])
    assert got[case[0]][0] == "kept", got[case[0]]
    claims = [[{"claim": "\\frac{100}{1000} \\times 100 = 10\\%", "verdict": "true", "rule": "percent_convention"}]]
    assert answer_derived(claims, 0, "10")["derived"] and answer_derived(claims, 0, "0.1")["derived"]
    assert not answer_derived(claims, 0, "12")["derived"] and not answer_derived(claims, 0, "1000")["derived"]
    # a unit of many words after the number ("2 gallons per person", RealCritic GSM8K): the number it names
    named = [[{"claim": "\\frac{8}{4} = 2 \\text{ gallons per person}", "verdict": "true", "rule": "identity:units"}]]
    assert answer_derived(named, 0, "2")["derived"] and not answer_derived(named, 0, "3")["derived"]


def test_words_comparing_a_derived_value_are_no_checked_claim(tmp_path: Path) -> None:
    got, _ = _file_run(tmp_path, COMPARED_CASES)
    for problem, _, _, expected in COMPARED_CASES:
        assert got[problem][0] == expected, (problem, got[problem][0])


def test_a_refuted_slip_is_the_first_error_only_if_redoing_it_explains_the_answer(tmp_path: Path) -> None:
    from stepforge.labeling.locate import explains_outcome

    got, _ = _file_run(tmp_path, SLIP_CASES)
    for problem, _, _, expected, step in SLIP_CASES:
        what, t = got[problem]
        assert what == expected and t["first_error_index"] == step, (problem, what, t["first_error_index"])
        assert "explains_outcome" in t["steps"][step]["evidence"]["located"]
    claims = [[], [{"claim": "5 \\times 3 = 16", "verdict": "false"}], [{"claim": "16 + 2 = 18", "verdict": "true"}]]
    assert explains_outcome(claims, 1, "17", "18")["explains"] is True
    assert explains_outcome(claims, 1, "19", "18")["explains"] is False
    assert explains_outcome([[{"claim": "2x = 5", "verdict": "false"}]], 0, "3", "5")["explains"] is None


def test_the_answer_line_is_not_blamed_when_words_state_another_value_after_the_derivation() -> None:
    # found on PRMBench: "which is 16" in prose after the last checked derivation of the reference (8)
    steps = ["She has $5 + 3 = 8$ apples.", "Doubling, which is 16, she gives half away.",
             "The answer is $\\boxed{16}$."]
    where = locate_answer_line(steps, "8")
    assert where["rule"] == "error_not_located" and where["stated_later"] == "16"
    # restating the derived value in words is not another value
    steps[1] = "So she has 8 apples in all."
    assert locate_answer_line(steps, "8")["rule"] == "answer_contradicts_steps"


def test_step_and_list_numbers_are_not_values_the_steps_state() -> None:
    from stepforge.pipeline.keep import _numbers

    assert _numbers("1. **Determine the ages:**\n   - The first son is 12 years old.") == {"12"}
    assert _numbers("## Step 3: Calculate $5 \\times 6 = 30$") == {"5", "6", "30"}
    assert _numbers("**Case 2:** n = 4\n  3) the rest, 7 of them") == {"4", "7"}
    # a number that opens a line but is a value stays one
    assert _numbers("3.5 cups are left.\n12 students stay") == {"3.5", "12"}
    assert _numbers("x = 3. Then 4") == {"3", "4"}


def test_a_plan_is_an_opening_that_only_announces_the_work() -> None:
    from stepforge.pipeline.keep import _plan

    assert _plan("To determine how much Greg spends, we need to follow these steps:\n\n1. **Calculate the number "
                 "of cups:**\n2. Multiply by the price.")
    assert _plan("Let's break down the problem step by step.")
    assert _plan("To find the profit, we need to first find the new value of the house after the repairs.")
    assert not _plan("To find the total, we need 6 boxes of 5 cakes.")  # a value
    assert not _plan("To find the total, we note that $a = b$.")  # a relation
    assert not _plan("The floor is the smallest integer greater than or equal to it.")  # no plan's opening
    assert not _plan("To find the total, we add them. Boxes count twice on weekends.")  # then it reasons
    assert not _plan("To determine the total, we follow these steps:\nThe first box is empty, so skip it.")
    # two sentences of a plan, and a title's dot (RealCritic GSM8K, Qwen2.5 openings)
    assert _plan("To determine the total cost of Leah's new kitten, we need to add up the costs of the spaying, the "
                 "vaccines, and the broken vases. Let's break it down step by step.")
    assert _plan("To determine how much more the total price of the house is than Mrs. Cruz's budget, we need to "
                 "calculate the total cost of the house and then compare it to her budget.")
    assert not _plan("To find the total, we add them. Then we subtract the cost.")  # the second sentence reasons


def test_a_plan_may_name_the_problems_own_formulas() -> None:
    """A plan that names the expression the problem asks about, and the letters it names, works nothing out
    (RealCritic MATH, Qwen2.5: "To evaluate \\((x + y)(x - y)\\) when \\(x = 15\\) and \\(y = 5\\), we can follow these
    steps: 1. Substitute the given values of \\(x\\) and \\(y\\) ..."); math of its own still makes it no plan."""
    from stepforge.datasets import importers
    from stepforge.pipeline.keep import _plan, _problem_math_named

    row = {"id": "t", "generator": "g", "problem": "Evaluate $(x+y)(x-y)$ when $x=15$ and $y=5$.",
           "steps": ["2 + 2 = 4."], "final_answer_correct": None, "label": -1}
    (trace,) = importers.iter_traces("processbench", [row])
    plan = ("To evaluate \\((x + y)(x - y)\\) when \\(x = 15\\) and \\(y = 5\\), we can follow these steps:\n\n"
            "1. Substitute the given values of \\(x\\) and \\(y\\) into the expression.\n"
            "2. Simplify the expression step by step.")
    assert not _plan(plan)  # as written: numbers and relations
    assert _plan(_problem_math_named(plan, trace))
    for other in ("\\(x = 16\\)", "\\(x^2 - y^2\\)", "\\(y = 5 + 0\\)"):  # a value, formulas not the problem's
        assert not _plan(_problem_math_named(plan.replace("\\(y = 5\\)", other), trace)), other
    assert not _plan(_problem_math_named(plan + " Since \\(x > y\\), it is positive.", trace))


def test_an_announcement_names_the_next_work_and_states_nothing() -> None:
    from stepforge.pipeline.keep import _announces

    assert _announces("**Step 1: Calculate the initial number of occupied beds.**")
    assert _announces("First, let's calculate the value of the cans and bottles she recycles each week.")
    assert _announces("2. **Determine the amount of raisins needed for one batch of oatmeal cookies:**")
    assert _announces("Now, let's add the two amounts together:")
    assert _announces("## Step 3: Find the total cost")
    assert not _announces("Calculate the total cost of 3 apples.")  # a number
    assert not _announces("Next, we find the cost, since each costs more.")  # a reason
    assert not _announces("Next, we find twice the cost.")  # a quantity in words
    assert not _announces("Let's denote the number of marbles as \\( x \\).")  # a formula
    assert not _announces("The total is the sum of the parts.")  # no instruction
    assert not _announces("Next, let's add them. Then we subtract the tax.")  # two sentences
    assert not _announces("**Step 1: Add the costs.**\nThe costs are the pens and the books.")  # two lines


def test_the_forms_a_solution_writes_the_problems_quantities_in() -> None:
    from stepforge.pipeline.keep import _forms

    assert _forms("a 40% increase, half of them and 2 dozen") == {"0.4", "0.5", "1", "2", "12"}
    assert _forms("20% off", changes=True) == {"0.2", "0.8", "1.2", "80", "120"}
    assert _forms("12.5\\% tax and a third") == {"0.125", "1", "3"}  # a third has no finite decimal
    assert _forms("a half-hour") == {"0.5", "1", "2"}
    assert not _forms("behalf of the thirdparty")


def test_numbers_everyone_knows_are_named_by_their_words() -> None:
    from stepforge.pipeline.keep import _common_constants

    assert _common_constants("Each chicken has 2 legs and each cow has 4 legs.") == {"2", "4"}
    assert _common_constants("There are 7 days in a week and 24 hours in a day.") == {"7", "24"}
    assert _common_constants("He bought 3 bikes and 12 eggs.") == set()  # no words that name a constant


def test_numbers_a_problem_writes_in_words_are_given() -> None:
    from types import SimpleNamespace

    from stepforge.pipeline.keep import _given

    # "If Sam had seventy loaves": a step that says 70 states no new value (RealCritic, a right answer kept so)
    prompt = "Sam had seventy loaves, twenty-five pens and two hundred and ten cats; five seven is no number."
    assert _given(SimpleNamespace(task=SimpleNamespace(prompt=prompt))) == {"70", "25", "210"}
    assert _given(SimpleNamespace(task=SimpleNamespace(prompt="Someone bought a hundred tens."))) == set()


def test_a_figures_drawing_code_gives_no_quantities() -> None:
    from types import SimpleNamespace

    from stepforge.pipeline.keep import _given

    prompt = ("How many rectangles of area 3 are in the grid? [asy]unitsize(0.1inch);"
              " draw((0,0)--(6,0)--(6,6)); draw((4,0)--(4,6));[/asy]")
    trace = SimpleNamespace(task=SimpleNamespace(prompt=prompt))
    assert _given(trace) == {"3"}


OWNED_CASES = [
    # the writer says the step went wrong ("incorrectly"), yet its arithmetic is true: never +1, and the refuted
    # step after it is not shown to be the first error (without the word, this trace is kept at step 2)
    ("Ann has 5 bags of 3 apples and 2 more apples. How many apples?", "17",
     "Ann has 5 bags of 3 apples.\n\nI incorrectly group the apples by bag: $5 \\times 3 = 15$.\n\n"
     "So $15 + 2 = 18$ apples.\n\nThe answer is $\\boxed{18}$.", "first_error_uncertain", 1),
    # a right answer whose writer owns up to an error has no honest "no error"
    ("Lee has 6 boxes of 5 cakes. How many cakes does he have?", "30",
     "Lee has 6 boxes of 5 cakes.\n\nI made a mistake at first and added them; multiplying, $6 \\times 5 = 30$ "
     "cakes.\n\nThe answer is $\\boxed{30}$.", "process_unverified", 1),
]


def test_a_step_whose_writer_says_it_went_wrong_is_never_confirmed(tmp_path: Path) -> None:
    got, out = _file_run(tmp_path, OWNED_CASES)
    rejected = {x["candidate"]["task"]["prompt"]: x for x in records(out / "rejected.jsonl")}
    for problem, _, _, expected, owned in OWNED_CASES:
        what, t = got[problem]
        assert what == expected, (problem, what)
        step = t["steps"][owned]
        assert step["label"]["rating"] == 0 and "self_declared_error" in step["evidence"], step
        assert f"step {owned}" in rejected[problem]["detail"]
    # the same slip without the admission is located and kept (the control)
    problem, gold, text, _, _ = OWNED_CASES[0]
    (tmp_path / "control").mkdir()
    got, _ = _file_run(tmp_path / "control", [(problem, gold, text.replace("I incorrectly group", "We group"),
                                                "kept", 2)])
    assert got[problem][0] == "kept" and got[problem][1]["first_error_index"] == 2


def test_what_counts_as_a_writer_owning_up_to_an_error() -> None:
    from stepforge.labeling.locate import self_declared_error

    for text in ("To solve for x, I incorrectly add 2 to both sides: 8 + 2 = 2x + 2.", "I mistakenly used 7.",
                 "Oops, that was 12, not 13.", "I made an arithmetic error above: $3 + 4 = 7$.",
                 "Here I miscounted the red ones.", "I misread the problem: it asks for the perimeter.",
                 "Wait, that's not right: 7 + 5 = 12.", "Actually, there seems to be an error in the sum.",
                 "My previous calculation was incorrect.", "I should have multiplied by 4."):
        assert self_declared_error(text), text
    for text in ("x = 3 is incorrect, so x = 4.", "That would be wrong, since 5 is odd.",
                 "Be careful not to make an error in the signs.", "To avoid miscounting, list them: 1, 2, 3.",
                 "So $\\text{mistakenly}$ is not a number.", "The answer should actually be 8, not 9.",
                 "No, 4 is not a solution, so x = 5."):
        assert self_declared_error(text) is None, text
    # a problem about someone's mistake, restated, is no admission of the writer's
    problem = "Tom mistakenly added 5 instead of subtracting it and got 12. What is the right result?"
    assert self_declared_error("Tom mistakenly added 5, so before that he had 12 - 5 = 7.", problem) is None
    assert self_declared_error("I made an error: 7 - 5 = 2.", problem) == "made an error"
    # a self-correction is one whatever the problem says ("right" of a right triangle is not "not right")
    assert self_declared_error("Wait, that's not right: the legs are 3 and 4.", "In a right triangle ...")
