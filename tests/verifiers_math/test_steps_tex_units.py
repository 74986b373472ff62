"""LaTeX claims whose numbers carry units in ``\\text{}`` (``3 \\times 20 = 60 \\text{ dollars}``, ``30 \\text{ trays}
\\times 2.5 \\text{ dollars/tray} = 75 \\text{ dollars}``) were left undecided: the reader made each unit a symbol,
so a whole step of a modern model's GSM8K solution stayed unchecked (found on RealCritic's GSM8K subset). The units
are now read (:mod:`stepforge.verifiers.math.tex_units`): the numbers decide where the units cannot change them, a
conversion between units of one dimension is decided on their factors (refuted only in one exact convention), and a
conversion that may hide stays neutral with the reason. Numbers in separate inline formulas joined by operators in
the prose (``\\( 180 \\) meters + \\( 180 \\) meters = \\( 360 \\) meters``) are read as one computation."""

from __future__ import annotations

import pytest

from stepforge.verifiers.math.steps import StepContext, check_steps


def _claims(text: str):
    (c,) = check_steps([text], StepContext())
    return c


@pytest.mark.parametrize("tex", [
    r"3 \times 20 = 60 \text{ dollars}",
    r"12 \times 2 = 24 \text{ pounds per day}",
    r"\frac{900 \text{ eggs}}{30 \text{ eggs/tray}} = 30 \text{ trays}",
    r"30 \text{ trays} \times 2.5 \text{ dollars/tray} = 75 \text{ dollars}",
    r"8 \text{ pounds/pig/day} \times 5 \text{ pigs} = 40 \text{ pounds/day}",
    r"\frac{300 \text{ minutes}}{60 \text{ minutes/hour}} = 5 \text{ hours}",
    r"60 \text{ cups} \times 0.50/\text{cup} = 30",
    r"36 \text{ cups} \times 1 \text{ per cup} = 36",
    r"5 \text{ dollars} - 1 \text{ dollar} = 4 \text{ dollars}",
    r"5 \,\mathrm{cm} \times 4 \,\mathrm{cm} = 20 \,\mathrm{cm}^2",
    r"3 \text{ pounds (Thursday)} + 12 \text{ pounds (Friday)} = 15 \text{ pounds}",
    r"\text{Total earnings} = 30 \text{ trays} \times 2.5 \text{ dollars/tray} = 75 \text{ dollars}",
    r"\$5 \times 3 = 15 \text{ dollars}",
    r"\frac{13}{4} = 3.25 \text{ hours per day}",
    r"6 \text{ eggs/person} \times 7 \text{ days/week} = 42 \text{ eggs/week}",  # the factor written as a rate
    r"5 \, \text{in} \times 6 \, \text{in} \times 4 \, \text{in} = 120 \, \text{cubic inches}",
    r"3000 \text{ widgets/hour} \times 720 \text{ hours} = 2,160,000 \text{ widgets}",
    r"12 \ pots \times \$3 = \$36",  # a word set off by a LaTeX space is a unit, not letters multiplied
])
def test_numbers_with_units_are_confirmed(tex: str) -> None:
    c = _claims(f"So \\[ {tex} \\]")
    assert c.rating == 1, c.claims
    assert not any(x.verdict == "false" for x in c.claims)


@pytest.mark.parametrize("tex", [
    r"3 \times 20 = 50 \text{ dollars}",
    r"12 \times 2 = 26 \text{ pounds per day}",
    r"30 \text{ trays} \times 2.5 \text{ dollars/tray} = 70 \text{ dollars}",
    r"\frac{900 \text{ eggs}}{30 \text{ eggs/tray}} = 20 \text{ trays}",
    r"6 \text{ cents} + 15 \text{ cents} = 22 \text{ cents}",
    r"5 \text{ feet} = 50 \text{ inches}",
    r"2 \text{ hours} = 100 \text{ minutes}",
    r"\frac{13}{4} = 3.5 \text{ hours per day}",
    # a count times a price whose "per pot" goes unsaid: nothing converts, the numbers decide
    r"12 \text{ pots} \times \$3 = \$38",
    r"12 \ pots \times \$3 = \$38",
    r"12 \text{ boxes} \times 3 \text{ kg} = 38 \text{ kg}",
])
def test_slips_with_units_are_refuted(tex: str) -> None:
    c = _claims(f"So \\[ {tex} \\]")
    assert c.rating == -1, c.claims


@pytest.mark.parametrize("tex", [
    r"2 \text{ hours} = 120 \text{ minutes}",
    r"5 \text{ feet} = 60 \text{ inches}",
    r"25 \text{ cents} = 0.25 \text{ dollars}",
    r"\$2.50 - \$2.24 = 26 \text{ cents}",
    r"60 \text{ mph} \times 30 \text{ minutes} = 30 \text{ miles}",
])
def test_conversions_are_decided_on_the_factors(tex: str) -> None:
    c = _claims(f"So \\[ {tex} \\]")
    assert c.rating == 1, c.claims


@pytest.mark.parametrize("tex", [
    r"1 \text{ week} = 5 \text{ days}",  # a school or working week
    r"1 \text{ km} = 0.6 \text{ miles}",  # a rounding across systems
    r"1 \text{ ton} = 2000 \text{ pounds}",  # a short ton
    r"100 \text{ minutes} = 1.67 \text{ hours}",  # rounded
    r"3 \times 0.25 = 75 \text{ cents}",  # dollars computed, cents written
    r"2 \text{ hours} + 30 \text{ minutes} = 32 \text{ minutes}",  # numbers right, units not
    r"\$3 + 50 \text{ cents} = 53 \text{ cents}",
    r"1 \text{ hour} + 30 \text{ minutes} = 80 \text{ minutes} + 10",  # a sum across units, no single result
    r"2 \times 25 \text{ red pens} = 40 \text{ black pens}",  # units that do not balance: never refuted
    r"3 \text{ slices/omelet} \times 3 \text{ days} = 12 \text{ slices}",  # an omelet a day may be two
    r"2 \times 6 = 1 \text{ year}",  # twelve months
    r"2 \text{ hours } 30 \text{ minutes} = 160 \text{ minutes}",  # a compound quantity
    r"3 \text{ dozen} \times 2 = 72",  # a scaling word is no unit
    r"24 \, \text{minutes} \, \div \, 60 = 0.4 \, \text{hours}",  # the bare 60 is the factor
    r"24 \text{ minutes} \times 60 = 1440 \text{ seconds}",
    r"\frac{1}{2} = 6 \text{ eggs}",  # half of a dozen
    r"\frac{1}{2} = 30 \text{ minutes}",  # half an hour
    r"3 \times 2 = 3 \text{ pairs}",  # a group noun
    r"2 \text{ pairs} \times \$5 = \$20",  # a price per shoe
    r"3 \text{ hours} \times \$10 = \$1800",  # hours are no count: a rate per minute may hide
    r"12 \text{ boys} \times 3 \text{ girls} \times \$2 = \$70",  # two things counted
])
def test_a_conversion_that_may_hide_is_never_refuted(tex: str) -> None:
    c = _claims(f"So \\[ {tex} \\]")
    assert c.rating != -1, c.claims


@pytest.mark.parametrize("tex", [
    r"\text{Number of cats} = 2 \times 60",
    r"\text{Total cost} = 3 \times \text{price per pen}",
])
def test_quantity_names_stay_undecided(tex: str) -> None:
    c = _claims(f"So \\[ {tex} \\]")
    assert all(x.verdict == "unknown" and x.rule == "equation_without_context" for x in c.claims), c.claims


def test_a_false_sum_across_units_is_neutral_with_the_reason() -> None:
    c = _claims(r"So \[ 2 \text{ hours} + 30 \text{ minutes} = 32 \text{ minutes} \]")
    assert [x.rule for x in c.claims] == ["units_differ"]


def test_numbers_in_separate_formulas_joined_in_prose_are_read() -> None:
    right = _claims(r"Total: \( 180 \) meters + \( 180 \) meters + \( 180 \) meters = \( 540 \) meters")
    wrong = _claims(r"Total: \( 180 \) meters + \( 180 \) meters + \( 180 \) meters = \( 520 \) meters")
    assert right.rating == 1, right.claims
    assert wrong.rating == -1, wrong.claims
    assert _claims(r"\( 2 \) hours = \( 100 \) minutes").rating != -1
    assert _claims(r"She has \( 5 \) apples and \( 3 \) pears.").claims == []


def test_units_as_counts_and_in_approximations() -> None:
    assert _claims(r"So \[ \frac{1}{2} \times 120 = 60 \text{ square units} \]").rating == 1
    assert _claims(r"So \[ \frac{1}{2} \times 120 = 50 \text{ square units} \]").rating == -1
    assert _claims(r"So \[ \frac{81.64}{\pi} \approx 26 \text{ inches} \]").rating == 1
    assert _claims(r"So \[ \frac{81.64}{\pi} \approx 36 \text{ inches} \]").rating == -1
    assert _claims(r"So \[ \frac{10}{3} \approx 200 \text{ minutes} \]").rating != -1  # hours computed, minutes written


@pytest.mark.parametrize("tex", [
    # every factor between units of one dimension written as a rate, through a chain: nothing converts unseen
    r"60 \text{ minutes/hour} \times 24 \text{ hours/day} = 1440 \text{ minutes}",
    r"2 \text{ hours/day} \times 5 \text{ days/week} \times 4 \text{ weeks/month} = 40 \text{ hours}",
    # "times" counts occurrences in a rate and closing a side
    r"2 \text{ times/week} \times 52 \text{ weeks/year} = 104 \text{ times}",
    r"3 \text{ times per week} \times 4 \text{ weeks} = 12 \text{ times}",
])
def test_rates_written_through_a_chain_and_times_counted_are_confirmed(tex: str) -> None:
    c = _claims(f"So \\[ {tex} \\]")
    assert c.rating == 1, c.claims


@pytest.mark.parametrize("tex", [
    r"3 \text{ days} \times 60 \text{ minutes/hour} = 180 \text{ minutes}",  # days to hours unwritten: may hide
    r"60 \text{ minutes/hour} \times 24 \text{ hours/day} = 10080 \text{ minutes}",  # a week's minutes
    r"300 \text{ cm} \div 2 \text{ m} = 150",  # a ratio of one dimension, no rate written
    r"2 \text{ times/week} \times 52 \text{ weeks/year} = 105 \text{ times}",  # per year unsaid: never refuted
])
def test_a_chain_with_a_factor_unwritten_is_never_refuted(tex: str) -> None:
    c = _claims(f"So \\[ {tex} \\]")
    assert c.rating != -1, c.claims


@pytest.mark.parametrize("right, wrong", [
    # a unit binds to its number: the divisor is "6 mph", not 6 (the algebra read (30 miles / 6) * mph, so a false
    # quotient was left "units_unbalanced")
    (r"30 \text{ miles} / 6 \text{ mph} = 5 \text{ hours}", r"30 \text{ miles} / 6 \text{ mph} = 10 \text{ hours}"),
    (r"64 \text{ ounces} \div 16 \text{ ounces/can} = 4 \text{ cans}",
     r"64 \text{ ounces} \div 16 \text{ ounces/can} = 3 \text{ cans}"),
])
def test_a_quotient_with_units_is_decided(right: str, wrong: str) -> None:
    assert _claims(f"So \\[ {right} \\]").rating == 1
    assert _claims(f"So \\[ {wrong} \\]").rating == -1
    assert _claims(r"So \[ 120 \text{ minutes} \div 2 \text{ hours/trip} = 1 \text{ trip} \]").rating == 1  # converted
    assert _claims(r"So \[ 2^3 \text{ cubic units} = 8 \text{ cubic units} \]").rating == 1  # an exponent keeps its place


def test_times_is_still_the_operator_before_a_number() -> None:
    c = _claims(r"So \[ 3 \text{ times } 4 = 13 \]")
    assert c.rating != -1, c.claims
    assert _claims(r"So \[ 20 / 5 = 5 \text{ times} \]").rating == -1  # a ratio said in times is its number


@pytest.mark.parametrize("right,wrong", [
    # a dollar sign binds to its number as a unit after a number does: "\$4 \text{ per pound}" is one rate
    (r"\$20 \div \$4 \text{ per pound} = 5 \text{ pounds}", r"\$20 \div \$4 \text{ per pound} = 6 \text{ pounds}"),
    (r"\$60 \div \$1.50 \text{ per pound} = 40 \text{ pounds}", r"\$60 \div \$1.50 \text{ per pound} = 30 \text{ pounds}"),
    (r"\$1,150 \times 12 = \$13,800", r"\$1,150 \times 12 = \$13,900"),
    (r"3 \text{ boxes} \times \$4 \text{ per box} = \$12", r"3 \text{ boxes} \times \$4 \text{ per box} = \$13"),
])
def test_a_dollar_binds_to_its_number(right: str, wrong: str) -> None:
    assert _claims(f"So \\[ {right} \\]").rating == 1
    assert _claims(f"So \\[ {wrong} \\]").rating == -1


def test_a_dollar_amount_over_hours_is_no_dollar_amount() -> None:
    assert _claims(r"So \[ \$120 / 4 \text{ hours} = \$40 \]").rating == 0  # dollars per hour against dollars
    assert _claims(r"So \[ \$2 \cdot 3^2 = \$18 \]").rating == 1  # the power is the next factor's


@pytest.mark.parametrize("text", [
    # RealCritic's college_math: a speed less a time, the numbers true ("12 - 60 = -48"): no true statement of them
    r"So \[ 12 \mathrm{mph} - 60 \mathrm{~h} = -48 \mathrm{~h} \]",
    r"So \[ 12 \text{ miles} - 60 \text{ hours} = -48 \text{ hours} \]",
    r"So \[ \$5 + 3 \text{ hours} = 8 \]",
    "So 12 miles - 60 hours = -48 hours.",
    "So 3 hours + 20 miles = 23.",
])
def test_a_sum_of_unlike_measures_is_never_confirmed(text: str) -> None:
    c = _claims(text)
    assert c.rating == 0 and any(x.rule.startswith("units_unlike_sum") for x in c.claims), c.claims


@pytest.mark.parametrize("text", [
    r"So \[ 3 \text{ apples} + 2 \text{ oranges} = 5 \text{ fruits} \]",  # things counted add up
    r"So \[ 2 \text{ hours} + 30 \text{ minutes} = 150 \text{ minutes} \]",  # one measure in two units
    r"So \[ \$5 \times 3 \text{ hours} + \$2 = \$17 \]",  # a rate written without its "per": a product, not a sum
    "So 5 apples + 3 oranges = 8 fruits.",
])
def test_things_counted_one_measure_and_products_still_add(text: str) -> None:
    assert _claims(text).rating == 1
