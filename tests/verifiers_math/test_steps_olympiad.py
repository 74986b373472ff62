"""Misreadings found on olympiad-level solutions (OlympiadBench problems, human and model-written solutions): a
relation on an integer function of symbols (``\\gcd(n^3, n!) \\ge 100`` read as ``1 >= 100``) and a percent sign
labelling the number computed when a sentence ends after it or the step approximates. The wrong cases beside them
stay refuted."""

from __future__ import annotations

import pytest

from stepforge.verifiers.math.steps import StepContext, check_steps


def _one(text: str):
    (c,) = check_steps([text], StepContext())
    return c


@pytest.mark.parametrize("text", [
    r"we need \(\operatorname{gcd}(n^3, n!) \geq 100\), so we look at the primes",
    r"Since \(\gcd(a, b) \le a\), the bound holds.",
    r"so $\operatorname{lcm}(m, n) > 100$",
    r"and $\lfloor n/2 \rfloor \ge 3$ for these $n$",
    r"Hence $\binom{n}{2} < 45$.",
])
def test_relations_on_integer_functions_of_symbols_are_neutral(text: str) -> None:
    c = _one(text)
    assert c.rating == 0 and not any(x.verdict == "false" for x in c.claims), c.claims
    assert any(x.rule == "integer_function_of_symbols" for x in c.claims), c.claims


@pytest.mark.parametrize(("text", "rating"), [
    (r"and $\gcd(12, 18) \ge 7$", -1),  # numbers only: still decided
    (r"and $\gcd(12, 18) \ge 6$", 1),
    (r"so $\lfloor 7/2 \rfloor > 3$", -1),
])
def test_relations_on_integer_functions_of_numbers_are_still_decided(text: str, rating: int) -> None:
    assert _one(text).rating == rating


@pytest.mark.parametrize("text", [
    r"The percentage of acid is: \[\frac{14}{80} \times 100 = 17.5\%.\]",  # the sentence ends after the percent
    r"so the share is $\frac{3}{5} \times 100 = 60\%,$ as claimed",
    r"The probability is \(\frac{500}{13} \approx 38.46\%\).",  # an approximation labelled as a percent
    r"which is about $\frac{500}{13} \approx 38.5\%.$",
])
def test_percent_labelling_the_computed_number_is_right(text: str) -> None:
    c = _one(text)
    assert c.rating == 1, c.claims
    assert any(x.rule.startswith("percent_convention") for x in c.claims), c.claims


@pytest.mark.parametrize("text", [
    r"The percentage of acid is: \[\frac{14}{80} \times 100 = 18.5\%.\]",
    r"so $0.175 = 18.5\%.$",
    r"The probability is \(\frac{500}{13} \approx 40.46\%\).",
    r"which is about $\frac{500}{13} \approx 41\%.$",
])
def test_wrong_percents_stay_refuted(text: str) -> None:
    assert _one(text).rating == -1


@pytest.mark.parametrize("text", [
    r"Let $T(y)=R(0, y)$. On the other hand, $T(0) \neq 0$ since $R$ has no root there.",  # not "0 != 0"
    r"and $T(0) = 5$, so",
    r"so $S(10, 3) > 100$",
    r"Then $A\left(1\right) = 7$.",
])
def test_a_letter_applied_to_numbers_is_not_read_as_a_product(text: str) -> None:
    c = _one(text)
    assert c.rating == 0 and not any(x.verdict == "false" for x in c.claims), c.claims
    assert any(x.rule == "function_or_product" for x in c.claims), c.claims


@pytest.mark.parametrize(("text", "rating"), [
    (r"and $2(0) \neq 0$", -1),  # numbers side by side: still a product
    (r"and $3(4) = 13$", -1),
    (r"and $f(2) = 5$", 0),  # the readers' own function letters: unchanged
])
def test_products_of_numbers_and_function_letters_unchanged(text: str, rating: int) -> None:
    assert _one(text).rating == rating


@pytest.mark.parametrize("text", [
    r"Since these are the same years, $m^{2}-n^{2}=1444-$ $1369=75$.",  # one chain cut by "$ $"
    r"which gives $\frac{200(199)}{2} \cdot 2(198 !)=200(199)(198 !)=200$ ! permutations",  # OCR'd factorial
    r"Factor to obtain $13 !(15 \cdot 14-1)=13$ ! $\cdot 209$.",
])
def test_a_chain_cut_by_dollars_or_a_factorial_outside_is_not_refuted(text: str) -> None:
    c = _one(text)
    assert c.rating >= 0, c.claims
    assert any(x.rule == "truncated_expression" for x in c.claims), c.claims


@pytest.mark.parametrize("text", [
    r"so $2+2=5$! That is all.",  # an exclamation mark, not a factorial
    r"so $1444-1369=85$ $m$ is odd",
    r"then $m^{2}-n^{2}=1444$ $1369=75$.",  # no operator at the cut
])
def test_wrong_chains_next_to_other_math_stay_refuted(text: str) -> None:
    assert _one(text).rating == -1


def test_a_ratio_in_a_greek_unknown_is_not_refuted() -> None:
    c = _one(r"Equality holds iff \[\frac{3\sqrt3}{\sin\theta} : \frac{1}{\cos\theta} = \sin^2\theta : \cos^2\theta\]")
    assert c.rating == 0, c.claims
    assert _one(r"so $3 : 5 = 6 : 11$").rating == -1
    assert _one(r"so $\pi : 2 = 3\pi : 7$").rating == -1  # pi is a number
