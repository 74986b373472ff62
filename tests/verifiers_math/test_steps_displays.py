"""Computations as models lay them out in displays: a display per line continuing the chain before it ("\\[ = ...
\\]"), and factorials of computed numbers ("\\frac{10!}{5!(10-5)!}"). Each is read and decided, true or false;
what it cannot be (another relation before, prose between, a factorial too large or of a fraction) stays neutral."""

import pytest

from stepforge.verifiers.math.steps import StepContext, check_steps


def _claims(text: str) -> list[tuple[str, str]]:
    return [(c.claim, c.verdict) for c in check_steps([text], StepContext())[0].claims]


def _verdicts(text: str) -> list[str]:
    return [v for _, v in _claims(text)]


CONTINUED = [
    ("\\[ 1 \\cdot c + 3 \\cdot (c + 2) \\]\n\\[ = c + 3c + 6 \\]\n\\[ = 4c + 6 \\]", ["true", "true"]),
    ("\\[ 1 \\cdot c + 3 \\cdot (c + 2) \\]\n\\[ = c + 3c + 5 \\]", ["false"]),
    ("$$ 12 \\times 15 $$\n$$ = 180 $$", ["true"]),
    ("\\[ A = 12 \\times 15 \\]\n\\[ = 190 \\]", ["unknown", "false"]),  # the chain's last member is its left side
]


@pytest.mark.parametrize("text,verdicts", CONTINUED)
def test_a_display_opening_with_equals_continues_the_chain_before_it(text, verdicts):
    got = _claims(text)
    assert [v for _, v in got][-len(verdicts):] == verdicts
    assert all(not c.lstrip().startswith("=") for c, _ in got)


NOT_CONTINUED = [
    "\\[ x < 3 \\]\n\\[ = 5 \\]",  # another relation before
    "\\[ 12 \\times 15 \\]\nwhich we add to the total, giving\n\\[ = 190 \\]",  # prose between
    "\\[ 12 \\times 15 - \\]\n\\[ = 190 \\]",  # the display before ends at an operator
    "\\[ a = 1, \\quad b = 2 \\]\n\\[ = 190 \\]",  # a list before
]


@pytest.mark.parametrize("text", NOT_CONTINUED)
def test_a_display_opening_with_equals_is_not_joined_across_relations_prose_or_lists(text):
    assert "false" not in _verdicts(text)


FACTORIALS = [
    ("\\[ \\binom{10}{5} = \\frac{10!}{5!(10-5)!} \\]", "true"),
    ("\\[ \\frac{6!}{2!(6-2)!} = 15 \\]", "true"),
    ("\\[ \\frac{6!}{2!(6-2)!} = 16 \\]", "false"),
    ("\\[ (6-2)! = 24 \\]", "true"),
    ("\\[ \\frac{11!}{(11-1)!} = 120 \\]", "false"),
    ("\\[ (10^{10})! = 5 \\]", "unknown"),  # too large to compute: neutral, never a guess
    ("\\[ (1/2)! = 1 \\]", "unknown"),  # not an integer
]


@pytest.mark.parametrize("text,verdict", FACTORIALS)
def test_a_factorial_of_a_computed_small_integer_is_computed(text, verdict):
    assert _verdicts(text) == [verdict]


TUPLES = [
    ("\\[ \\left( \\frac{10}{2}, \\frac{14}{2} \\right) = (5,7). \\]", "true"),  # a midpoint
    ("\\[ \\left( \\frac{2+8}{2}, \\frac{3+11}{2} \\right) = (5, 8) \\]", "false"),  # one member wrong
    ("\\[ (2 \\cdot 3, 4 - 1, 0) = (6, 3, 0) \\]", "true"),
    ("\\[ (a, b) = (5, 8) \\]", "unknown"),  # names given values: nothing to refute
    ("\\[ (1, 2) = (1, 2, 3) \\]", "unknown"),  # lengths differ: not read as a slip
]


@pytest.mark.parametrize("text,verdict", TUPLES)
def test_a_tuple_equality_is_decided_member_by_member(text, verdict):
    assert _verdicts(text) == [verdict]


def test_a_thousands_group_is_not_read_as_a_tuple_member():
    assert "false" not in _verdicts("\\[ (1,000) = (1000) \\]")


def test_each_side_of_an_implication_is_its_own_relation():
    got = _claims("\\[ 2x = 6 \\implies x = 3. \\]")
    assert [c.rstrip(".") for c, _ in got] == ["2x = 6", "x = 3"]
    assert got[1][1] == "true"  # what the first derives is what the second is checked against
    assert "false" in _verdicts("\\[ 3 + 4 = 7 \\Rightarrow 7 \\cdot 2 = 15 \\]")
    assert "\\implies" not in " ".join(c for c, _ in _claims("\\[ 2x = 6 \\implies x = 4 \\]"))
