"""Every registered math family: its reference answer checked independently of the family's own
code, its correct solution verified step by step, and its injected error caught exactly where the
family says it put it."""

from __future__ import annotations

import math
import re
from fractions import Fraction

import pytest
import sympy as sp
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from latex2sympy2_extended import latex2sympy

from stepforge._seeding import derive_seed
from stepforge.generators.procedural.math import FAMILIES, MathProblem, build_problem
from stepforge.verifiers.math import judge
from stepforge.verifiers.math.steps import StepContext, check_steps

X, Y = sp.symbols("x y")


def _math(prompt: str) -> list[str]:
    return re.findall(r"\$(.+?)\$", prompt)


def _ints(text: str) -> list[int]:
    return [int(v) for v in re.findall(r"-?\d+", text)]


def _independent_answer(p: MathProblem):
    """Recompute the answer from the prompt text alone, by another route than the family's."""
    segs = _math(p.prompt)
    if p.family == "linear_equation":
        return sp.solve(latex2sympy(segs[-1]), X)[0]
    if p.family == "linear_system":
        sol = sp.solve([latex2sympy(segs[0]), latex2sympy(segs[1])], [X, Y], dict=True)[0]
        return (sol[X], sol[Y])
    if p.family == "quadratic":
        return tuple(sorted(sp.solve(latex2sympy(segs[0]), X)))
    if p.family == "fraction_arithmetic":
        a, b, c, d = (int(v) for v in re.findall(r"\d+", segs[0]))
        op = "*" if "cdot" in segs[0] else ("-" if " - " in segs[0] else "+")
        fa, fc = Fraction(a, b), Fraction(c, d)
        r = fa * fc if op == "*" else fa - fc if op == "-" else fa + fc
        return sp.Rational(r.numerator, r.denominator)
    if p.family == "polynomial_expansion":
        return sp.expand(latex2sympy(segs[0]))
    if p.family == "derivative":
        f = latex2sympy(segs[0].split("=", 1)[1])
        return sp.diff(f, X)
    if p.family == "definite_integral":
        return latex2sympy(segs[0]).doit()
    if p.family == "modular_power":
        (a, k), m = _ints(segs[0]), _ints(segs[1])[0]
        return pow(a, k, m)
    if p.family == "percentage":
        n, pct = _ints(segs[0])[0], _ints(segs[1])[0]
        factor = Fraction(100 + pct, 100) if "increased" in p.prompt else Fraction(100 - pct, 100)
        return sp.Rational(n * factor.numerator, factor.denominator)
    if p.family == "combinations":
        k, n = _ints(segs[0])[0], _ints(segs[1])[0]
        return math.comb(n, k)
    raise AssertionError(f"no independent check for family {p.family!r}: add one here")


def _same(a, b) -> bool:
    if isinstance(a, tuple):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b))
    return sp.simplify(sp.sympify(a) - sp.sympify(b)) == 0


def test_at_least_eight_families():
    assert len(FAMILIES) >= 8


@pytest.mark.parametrize("name", FAMILIES.names())
@pytest.mark.parametrize("i", range(6))
def test_reference_answer_is_right_by_an_independent_route(name, i):
    p = build_problem(FAMILIES.get(name), derive_seed(123, name, i), want_error=False)
    assert _same(_independent_answer(p), p.answer_value), p.prompt
    # The written reference (LaTeX) says the same as the value.
    assert judge(p.answer, f"\\boxed{{{p.final_answer}}}").verdict == "equal"


def _located(p: MathProblem) -> tuple[int, list[int]]:
    checks = check_steps(p.steps, StepContext(premises=p.premises, unknowns=p.unknowns, variables=p.variables,
                                              gold=p.answer))
    ratings = [c.rating for c in checks]
    return next((i for i, r in enumerate(ratings) if r == -1), -1), ratings


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(name=st.sampled_from(FAMILIES.names()), seed=st.integers(0, 2**62))
def test_every_correct_solution_verifies_step_by_step(name, seed):
    p = build_problem(FAMILIES.get(name), seed, want_error=False)
    first, ratings = _located(p)
    assert first == -1, (p.steps, ratings)
    assert all(r == 1 for r in ratings), (p.steps, ratings)
    assert judge(p.answer, "\n\n".join(p.steps)).verdict == "equal"


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(name=st.sampled_from(FAMILIES.names()), seed=st.integers(0, 2**62))
def test_every_injected_error_is_caught_at_its_index(name, seed):
    p = build_problem(FAMILIES.get(name), seed, want_error=True)
    if p is None:  # no injection point changes this problem's answer: reported, never faked
        return
    assert p.error is not None
    first, ratings = _located(p)
    assert first == p.error[0], (p.error, p.steps, ratings)
    assert all(r == 1 for r in ratings[: p.error[0]])
    assert judge(p.answer, "\n\n".join(p.steps)).verdict == "not_equal"


@pytest.mark.parametrize("name", FAMILIES.names())
def test_every_family_offers_errors_and_every_kind_is_named(name):
    kinds = set()
    for i in range(12):
        p = build_problem(FAMILIES.get(name), derive_seed(5, name, i), want_error=True)
        if p is not None:
            kinds.add(p.error[1])
    assert kinds, f"{name} never produced a wrong solution"
    assert kinds <= {"sign_slip", "arithmetic_slip", "dropped_term", "wrong_rule"}


def test_same_seed_same_problem_and_different_seeds_differ():
    fam = FAMILIES.get("linear_equation")
    a, b = build_problem(fam, 42, True), build_problem(fam, 42, True)
    assert (a.prompt, a.steps, a.error) == (b.prompt, b.steps, b.error)
    prompts = {build_problem(fam, derive_seed(1, "linear_equation", i), False).prompt for i in range(40)}
    assert len(prompts) >= 35
