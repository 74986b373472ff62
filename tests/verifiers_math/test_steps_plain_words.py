"""Operator words and loose notation in solution steps (found on CHAMP's competition solutions): "mod"/"modulo" in a
chain is a congruence modulo its number, "a choose b" a binomial, "w_200" one name, "2\\frac{1}{2}" a mixed number or
a product. A true chain written so is never refuted (it was read as "11 = (3^5)^21", "(3-1) = 101", "w_2 * 00");
wrong arithmetic written so still is, or at most is neutral."""

from __future__ import annotations

import pytest

from stepforge.verifiers.math.steps import StepContext, check_steps


def _claims(text: str):
    (c,) = check_steps([text], StepContext())
    return c


def _verdicts(text: str) -> list[str]:
    return [c.verdict for c in _claims(text).claims]


# --- "mod" / "modulo" as a word: congruences modulo the chain's number -----------------------------------------

@pytest.mark.parametrize("text", [
    "3^105 mod 11 = ((3^5)^(105/5)) mod 11 = 1 mod 11 = 1",
    "we find that ((a mod 4)^2 + (b mod 4)^2) mod 4 = (1 + 1) mod 4 = 2 mod 4.",
    "- 0 + 5 = 5 modulo 8\n- 1 + 5 = 6 modulo 8\n- 5 + 5 = 10 = 2 modulo 8",
    "so x^2 + 2y^2 mod 8 = 1 + 0 = 1.",
    "Given that 385 mod 13 = -5, we can say that (-5)^1980 mod 13 = ((-5)^4)^(1980/4) mod 13 = 1^(495) mod 13 = 1.",
    # a chain set in a column, its lines going on with "="
    "Now: \n\n3^105 mod 11 = ((3^5)^(105/5)) mod 11\n              = (1^(105/5)) mod 11\n     = 1^21 mod 11\n = 1",
    "a_2 = (a_0 * a_1 + 1) mod 4 = (1*1 + 1) mod 4 = 2 mod 4",
    "3^105 mod 13 = (3 mod 13)^105 mod 13 = 3^105 mod 13",
    "So 10 = 2 (mod 8), and 3^4 ≡ 81 ≡ 3 (mod 13).",
    "1/2 * (2 - 1) mod 1979 = 1/2 mod 1979",  # an inverse modulo a prime
])
def test_true_chains_with_mod_are_not_refuted(text: str) -> None:
    c = _claims(text)
    assert "false" not in [x.verdict for x in c.claims], c.claims
    assert c.rating == 1, c.claims


@pytest.mark.parametrize("text", [
    "3^105 mod 11 = ((3^5)^(105/5)) mod 11 = 3 mod 11",  # 3^105 is 1 modulo 11
    "so 6^2 = 36 mod 30 = 16",
    "(3^105 + 4^105) mod 13 = (1 + 1) mod 13",  # the sum is 0 modulo 13
    "Then 2 + 5 mod 3 = 2.",
    "So 2^4 + 3 ≡ 1 (mod 4).",
])
def test_wrong_congruences_stay_refuted(text: str) -> None:
    c = _claims(text)
    assert c.rating == -1, c.claims
    assert any(x.rule == "not_congruent:plain_text" for x in c.claims)


@pytest.mark.parametrize("text", [
    "7 mod 3 = 2",  # bare numbers state a congruence: not confirmed, never a false alarm of a contradiction
    "Simplifying further, we get: -1 ≡ 0 (mod 6)",
    "2^(5 mod 3) mod 3 = 2^2 mod 3 = 1",  # an exponent reduced: no congruence modulo 3
    "(7 mod 4)! = 3! = 6",
    "Using the property (a + b) mod m = ((a mod m) + (b mod m)) mod m",
    "3 mod 4 = 7 mod 8",  # two moduli
])
def test_unread_or_stated_congruences_are_neutral(text: str) -> None:
    c = _claims(text)
    assert "false" not in [x.verdict for x in c.claims], c.claims
    assert "true" not in [x.verdict for x in c.claims], c.claims


def test_true_mod_step_is_confirmed_and_wrong_one_refuted_in_one_solution() -> None:
    ok, bad = check_steps(["18^1980 mod 13 = 5^1980 mod 13 = (5^4)^(1980/4) mod 13 = 1^(495) mod 13 = 1.",
                           "(3^105 + 4^105) mod 13 = (1 + 1) mod 13 = 2"], StepContext())
    assert ok.rating == 1 and bad.rating == -1


# --- the same reading in LaTeX: \pmod, \bmod, \mod, \text{mod} (these were all neutral: unparseable) -------------

@pytest.mark.parametrize("text", [
    "$3^{105} \\bmod 11 = 1$",
    "$2^{100} \\equiv (2^{10})^{10} \\equiv 1^{10} \\equiv 1 \\pmod{11}$",
    "$5 + 5 = 10 = 2 \\text{ modulo } 8$",
    "$17 \\equiv 2 \\; (\\bmod\\ 5)$",
    "$3^{2} = 9 \\equiv 2 \\pmod 7$",
])
def test_true_latex_congruences_are_confirmed(text: str) -> None:
    c = _claims(text)
    assert c.rating == 1 and all(x.verdict == "true" for x in c.claims), c.claims


@pytest.mark.parametrize("text", [
    "$3^{105} \\equiv 2 \\pmod{11}$",
    "So, $129 \\equiv 1 \\pmod{11}$.",  # bare numbers in math are checked, as "$0 = 1$" is
    "$7 \\cdot 8 = 56 \\equiv 2 \\pmod{11}$",
])
def test_wrong_latex_congruences_are_refuted(text: str) -> None:
    assert _claims(text).rating == -1


@pytest.mark.parametrize("text", [
    "$n^2 \\not\\equiv 2 \\pmod 3$",
    "$x^2 \\equiv 1 \\pmod{8}$ for odd $x$",
    "$2^{5 \\bmod 3} \\equiv 1 \\pmod 3$",
    "We get $-1 \\equiv 0 \\pmod 6$, a contradiction.",
    "$3 \\bmod 4 = 7 \\bmod 8$",
])
def test_latex_congruences_not_decided_are_neutral(text: str) -> None:
    assert "false" not in _verdicts(text)


# --- "choose" as a word: the binomial coefficient -------------------------------------------------------------

@pytest.mark.parametrize("text", [
    "So the number is: (99+3-1) choose (3-1) = 101 choose 2 = (101*100)/(2*1) = 5050.",
    "3. the number of ways is (99 + 3 - 1) choose (3 - 1) = 101 choose 2 = 5050.",
    "the count is 10 choose 2 * 8 choose 2 = 45 * 28 = 1260",
])
def test_choose_is_a_binomial(text: str) -> None:
    c = _claims(text)
    assert "false" not in _verdicts(text), c.claims
    assert c.rating == 1


@pytest.mark.parametrize("text", ["5 choose 2 = 11", "so (10 choose 3) = 10*9*8/2 = 360"])
def test_wrong_binomial_stays_refuted(text: str) -> None:
    assert _claims(text).rating == -1


def test_choose_with_unclear_operands_is_neutral() -> None:
    assert _verdicts("n+1-1 choose 2-1 = 7") == ["unknown"]


def test_choose_as_a_verb_leaves_arithmetic_alone() -> None:
    assert _claims("If we choose 2 + 3 = 6 apples").rating == -1


# --- an index of several digits without braces ----------------------------------------------------------------

@pytest.mark.parametrize("text", ["Therefore, we have $w_200 \\ge 18\\sqrt{200}$.", "so $S_10 \\ge 55$, the sum of the first ten terms"])
def test_unbraced_index_is_one_name(text: str) -> None:
    c = _claims(text)
    assert "false" not in _verdicts(text), c.claims


def test_unbraced_index_keeps_wrong_arithmetic_refuted() -> None:
    assert _verdicts("$x_10 = 3 + 4 = 8$") == ["unknown", "false"]


# --- a whole number before a fraction: a mixed number, or a product -------------------------------------------

def test_product_written_as_a_mixed_number_is_neutral() -> None:
    c = _claims("find its value at \\( x = 2 \\): \\( f(2) = 2\\frac{\\log_2(2)}{2} = 2\\frac{1}{2} = 1 \\)")
    assert "false" not in [x.verdict for x in c.claims], c.claims
    assert any(x.rule == "mixed_number_or_product" for x in c.claims)


@pytest.mark.parametrize("text", [
    "$2\\frac{1}{2} = 3$",
    "$3\\frac{1}{3} = 7$",
    "$2\\frac{1}{2} = 1$",  # no product written so beside it: the mixed number, wrong
    # a mixed number split as a product (the slip MR-MATH labels): the formula writes no product so
    "$\\left(4\\dfrac{5}{8}\\right)^{55} \\cdot \\left(\\dfrac{8}{37}\\right)^{55} = "
    "\\left(4^{55}\\cdot \\dfrac{5}{8}^{55}\\right) \\cdot \\left(\\dfrac{8}{37}\\right)^{55}$",
])
def test_mixed_number_wrong_under_both_readings_stays_refuted(text: str) -> None:
    assert _claims(text).rating == -1


def test_mixed_number_stays_true() -> None:
    assert _verdicts("$2\\frac{1}{2} = \\frac{5}{2}$") == ["true"]


@pytest.mark.parametrize("text", [
    "(" * 20000 + " 3 mod 4 = 1",
    "3 mod 4 = 1" + ")" * 20000,
    "(3 mod 4 " * 3000 + "= 1",
    "2 mod 3 = 2 " * 3000,
    "1 choose " * 5000 + "= 2",
])
def test_worded_runs_stay_fast(text: str) -> None:
    import time

    t0 = time.perf_counter()
    _claims(text)
    assert time.perf_counter() - t0 < 3.0
