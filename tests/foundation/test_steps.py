"""The symbolic step checker on hand-written steps, right and wrong."""

from __future__ import annotations

import pytest

from stepforge.verifiers.math.steps import StepContext, check_steps

NONE = StepContext()
VAR = StepContext(variables=["x"])  # x is a free variable: claims in it must be identities
LIN = StepContext(premises=["3 x + 5 = 11"], unknowns=["x"], gold="2")
QUAD = StepContext(premises=["x^{2} - 5 x + 6 = 0"], unknowns=["x"], gold="2, 3")
SYS = StepContext(premises=["x + y = 5", "x - y = 1"], unknowns=["x", "y"], gold="(3, 2)")


def rate(text: str, ctx: StepContext = NONE) -> tuple[int, str]:
    (c,) = check_steps([text], ctx)
    return c.rating, c.rule


@pytest.mark.parametrize(
    "text,ctx,rating",
    [
        ("So $\\frac{1}{2} + \\frac{1}{3} = \\frac{5}{6}$.", NONE, 1),
        ("So $\\frac{1}{2} + \\frac{1}{3} = \\frac{2}{5}$.", NONE, -1),
        ("Chain: $2 \\cdot 3 + 1 = 6 + 1 = 7$.", NONE, 1),
        ("Chain: $2 \\cdot 3 + 1 = 6 + 1 = 8$.", NONE, -1),
        ("Expand: $(x + 1)^{2} = x^{2} + 2 x + 1$.", VAR, 1),
        ("Expand: $(x + 1)^{2} = x^{2} + x + 1$.", VAR, -1),
        ("$\\frac{d}{dx}\\left(x^{3}\\right) = 3 x^{2}$", NONE, 1),
        ("$\\frac{d}{dx}\\left(x^{3}\\right) = 3 x^{3}$", VAR, -1),
        ("$\\frac{d}{dx}\\left(\\sin{\\left(x \\right)}\\right) = \\cos{\\left(x \\right)}$", NONE, 1),
        ("$\\int_{0}^{2} x^{2} \\, dx = \\frac{8}{3}$", NONE, 1),
        ("$\\int_{0}^{2} x^{2} \\, dx = 4$", NONE, -1),
        ("$\\binom{6}{2} = 15$", NONE, 1),
        ("$\\sin^2 x + \\cos^2 x = 1$", NONE, 1),
        ("Subtract 5: $3 x = 6$.", LIN, 1),
        ("Subtract 5: $3 x = 16$.", LIN, -1),
        ("Let $F(x) = x^{2}$ and note $2 + 2 = 4$.", NONE, 1),
        ("$\\frac{d}{dx}\\left(\\frac{x^{2}}{2}\\right) = x + 2$", VAR, -1),  # evaluates to x: not a name
        ("$F(x) = x + 2$, so $\\frac{d}{dx}\\left(x\\right) = 1$", NONE, 1),
        ("Factor: $(x - 2)(x - 3) = 0$.", QUAD, 1),
        ("Factor: $(x + 2)(x - 3) = 0$.", QUAD, -1),
        ("One root: $x = 2$.", QUAD, 0),
        ("Roots: $x = 2 \\text{ or } x = 3$.", QUAD, 1),
        ("Roots: $x = 2 \\text{ or } x = 4$.", QUAD, -1),
        ("Add the equations: $2 x = 6$.", SYS, 1),
        ("Then $y = 2$.", SYS, 1),
        ("Then $y = 3$.", SYS, -1),
        ("We now think about the problem.", NONE, 0),
        # Without context an equation in unknown symbols is a constraint, not a false identity:
        ("Expand: $(x + 1)^{2} = x^{2} + x + 1$.", NONE, 0),
        ("So $7 n + 5 = 143 p + 10$.", NONE, 0),
        ("We get $a r^{2} = 2009$.", NONE, 0),
        ("Then $f(5) = 2 \\cdot 5 - 3 = 7$.", NONE, 1),
        ("Then $f(5) = 2 \\cdot 5 - 3 = 8$.", NONE, -1),
        ("In base 5, $555_{10} = 4210_{5}$.", NONE, 0),
        ("$\\sin 30^\\circ = \\frac{1}{2}$", NONE, 0),
        ("$\\tan (\\frac{1}{2} \\arcsin \\frac{1}{3}) = \\frac{\\sin (\\arcsin \\frac{1}{3})}{1 + \\cos (\\arcsin \\frac{1}{3})}$", NONE, 1),
        ("$\\sqrt{2} \\cdot \\sqrt{8} = 4$", NONE, 1),
        ("$\\sqrt{2} + \\sqrt{8} = \\sqrt{10}$", NONE, -1),
        ("Here $x$ is the unknown.", NONE, 0),
    ],
)
def test_step_ratings(text, ctx, rating):
    got, rule = rate(text, ctx)
    assert got == rating, rule


def test_final_answer_step_uses_the_answer_verifier():
    ok, bad = check_steps(["The answer is $\\boxed{2}$.", "The answer is $\\boxed{3}$."], LIN)
    assert ok.rating == 1 and ok.rule.startswith("final_answer:")
    assert bad.rating == -1 and bad.claims[-1].claim == "3"


def test_unparseable_claim_is_neutral_not_wrong():
    rating, rule = rate("$\\frac{1}{2} = \\weird{thing}$")
    assert rating == 0 and rule == "unparseable"


def test_evidence_names_each_claim_and_rule():
    (c,) = check_steps(["$1 + 1 = 2$ and $2 + 2 = 5$"], NONE)
    assert c.rating == -1
    assert [(x.claim, x.verdict, x.rule) for x in c.claims] == [
        ("1 + 1 = 2", "true", "identity"),
        ("2 + 2 = 5", "false", "not_an_identity"),
    ]


def test_finds_the_human_labelled_first_error_in_a_real_prm800k_solution():
    """The one annotated PRM800K line published in openai/prm800k's README (MIT; tests/data)."""
    import json
    from pathlib import Path

    line = json.loads((Path(__file__).resolve().parents[1] / "data" / "prm800k_example.json").read_text())
    chosen = [s["completions"][s["chosen_completion"] or 0] for s in line["label"]["steps"]]
    human = [c["rating"] for c in chosen]
    ours = [c.rating for c in check_steps([c["text"] for c in chosen],
                                          StepContext(gold=line["question"]["ground_truth_answer"]))]
    assert human.index(-1) == ours.index(-1) == 2
    assert ours == human


def test_rarely_flags_a_step_of_correct_human_solutions_without_context():
    """PRMBench's original (correct) processes, checked with no problem context: a false -1 would be a
    forged error label. tests/data/prmbench_sample.jsonl: first 40 rows of one PRMBench test file."""
    import json
    from pathlib import Path

    rows = [json.loads(x) for x in (Path(__file__).resolve().parents[1] / "data" / "prmbench_sample.jsonl").open()]
    flagged = {}
    for r in rows:
        ratings = [c.rating for c in check_steps(r["original_process"], NONE)]
        if -1 in ratings:
            flagged[r["idx"]] = r["original_process"][ratings.index(-1)]
    assert len(flagged) <= 2, flagged
    # This "original" step is itself wrong: 7 * 23 + 5 is 166, not 164.
    assert "7(23) + 5 = 164" in flagged.get("prm_test_p1_29", "")
