"""The explicit, configurable choices of the math answer verifier: every lenient rule is a named switch.

Two named policies: ``grading`` (the default; what graders of MATH- and GSM8K-style answers accept) and
``reward`` (the default of RL reward adapters: every leniency off). Under both, a restatement of the
problem, a hedge, a retraction or a rounded exact answer is never ``equal``.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class MathPolicy(BaseModel):
    """How lenient the answer checker is. Defaults are the ``grading`` policy; ``MathPolicy.reward()`` turns
    every leniency off.

    percent: ``lenient`` accepts ``50%`` as ``50%``, ``0.5`` or ``50``; ``fraction`` only as ``0.5``;
        ``number`` only as ``50``; ``strict`` needs a percent on both sides when either has one. With a
        percent on both sides the numbers are compared as written (``0.5%`` is never ``50%``).
    degrees_as_radians: ``45^\\circ`` also equals ``\\pi/4`` (it always equals ``45``; two degree values are
        compared in degrees, so ``(\\pi/4)^\\circ`` is not ``45^\\circ``).
    unreduced_fractions: ``2/4`` equals ``1/2``; off, a written fraction must be in lowest terms when gold's
        is (a problem that asks for lowest terms always requires them).
    set_vs_relation: ``gold_relation`` lets a pred set/interval match a gold inequality (``1<x<2`` vs
        ``(1,2)``) and a pred inequality in solved form (``1 < x < 2``, never ``x^2 < 4``) match a gold
        interval; ``one_way`` only the first (Math-Verify's default); ``both`` any inequality either way;
        ``none`` forbids both.
    pred_decimals: a decimal pred matches an exact gold that has no finite decimal expansion (``\\sqrt2``,
        ``1/3``) when it is that gold correctly rounded with at least ``pred_decimal_min_digits``
        significant digits. An exact gold with a finite expansion (``0.125``, ``3628800``) must be given
        exactly: a rounding of it is a different number.
    gold_decimals: ``auto`` reads a decimal gold as rounded (a pred within half a unit of its last place
        matches) only when the gold is marked approximate (``\\approx``, or the problem asks to round) or
        the pred is an exact value with no finite expansion; ``rounded`` always (with at least
        ``gold_decimal_min_digits`` significant digits); ``exact`` never.
    numeric_identity: agreement at many random points (or to 300 digits for constants) is accepted where
        sympy finds no symbolic proof (never for branch functions: |x|, min, floor, sqrt of variables).
    units: ``compare`` checks units when both sides carry one (``5 km`` is not ``5 m``; ``500 cm`` is
        ``5 m``) and ignores a unit on one side; ``require`` also needs the pred to carry gold's unit;
        ``ignore`` drops units.
    decimal_comma: ``auto`` reads ``2,74`` / ``0,111`` as decimals where a list reading cannot match a
        scalar gold and the digits do not form thousands groups; ``never`` keeps commas as separators.
    restatements: ``reject`` makes a pred that still holds what the problem asked to carry out
        ``not_equal`` (rule ``not_a_final_answer``): an integral, derivative, limit, sum, product, gcd or
        arithmetic left undone, the equation instead of its solution, a copy of the problem's expression,
        an unexpanded product / unreduced fraction when the problem asks to expand / reduce.
    assume_positive: free symbols are positive reals when comparing expressions (``\\sqrt{1/n} = 1/\\sqrt{n}``);
        never when either side has an absolute value or sign (``|x|`` is not ``x``).
    rename_variables: a pred whose only free symbols differ from gold's by a one-to-one renaming still
        matches (arbitrary constants ``C``/``K``/``c_1`` always do).
    bare_list_as_set: a bare comma list ``1, 2`` is an unordered set (else an ordered tuple).
    vector_as_tuple: a column or row matrix equals the tuple/list of its entries.
    system_as_tuple: ``x = 1, y = 2`` equals the tuple ``(1, 2)`` and the list ``1, 2`` in written order.
    function_lhs: ``f(x) = 2x + 3`` equals ``y = 2x + 3`` (the dependent variable's name is notation).
    mixed_numbers: ``2\\frac{1}{2}`` and ``2 1/2`` are ``5/2`` (else ``2*1/2`` / unparseable).
    imaginary_i / euler_e: a lone ``i`` is the imaginary unit, a lone ``e`` Euler's number.
    convert_bases: ``1112_3`` is the base-3 numeral (= 41); digits invalid in the base are unparseable.
    max_chars / max_input_chars: longest extracted answer / whole solution text accepted (longer: unparseable).
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    percent: Literal["lenient", "fraction", "number", "strict"] = "lenient"
    degrees_as_radians: bool = True
    unreduced_fractions: bool = True
    set_vs_relation: Literal["gold_relation", "one_way", "both", "none"] = "gold_relation"
    pred_decimals: bool = True
    pred_decimal_min_digits: int = Field(3, ge=1, le=30)
    gold_decimals: Literal["auto", "rounded", "exact"] = "auto"
    gold_decimal_min_digits: int = Field(2, ge=1, le=30)
    numeric_identity: bool = True
    units: Literal["compare", "require", "ignore"] = "compare"
    decimal_comma: Literal["auto", "never"] = "auto"
    restatements: Literal["reject", "accept"] = "reject"
    assume_positive: bool = True
    rename_variables: bool = False
    bare_list_as_set: bool = True
    vector_as_tuple: bool = True
    system_as_tuple: bool = True
    function_lhs: bool = True
    mixed_numbers: bool = True
    imaginary_i: bool = True
    euler_e: bool = True
    convert_bases: bool = True
    numeric_points: int = Field(6, ge=3, le=50)
    max_chars: int = Field(3000, ge=10)
    max_input_chars: int = Field(200_000, ge=100)
    max_depth: int = Field(40, ge=2)
    max_int_bits: int = Field(200_000, ge=64)
    max_factorial: int = Field(3000, ge=10)

    @classmethod
    def grading(cls, **overrides: object) -> MathPolicy:
        """What graders of MATH- and GSM8K-style answers accept (the default)."""
        return cls(**overrides)  # type: ignore[arg-type]

    @classmethod
    def reward(cls, **overrides: object) -> MathPolicy:
        """The RL reward default: every leniency off (a reward must not be earned by a reading)."""
        base: dict[str, object] = dict(
            percent="strict", degrees_as_radians=False, unreduced_fractions=False, set_vs_relation="none",
            pred_decimals=False, gold_decimals="auto", numeric_identity=False, rename_variables=False,
        )
        base.update(overrides)
        return cls(**base)  # type: ignore[arg-type]


DEFAULT_POLICY = MathPolicy()
GRADING = DEFAULT_POLICY
REWARD = MathPolicy.reward()
NAMED = {"grading": GRADING, "reward": REWARD}


def resolve(policy: MathPolicy | dict | str | None) -> MathPolicy:
    """A policy from an instance, a dict of overrides of ``grading``, or a name (``grading``, ``reward``)."""
    if policy is None:
        return DEFAULT_POLICY
    if isinstance(policy, MathPolicy):
        return policy
    if isinstance(policy, str):
        try:
            return NAMED[policy]
        except KeyError:
            raise ValueError(f"unknown policy {policy!r}: use one of {sorted(NAMED)}") from None
    if isinstance(policy, dict) and "name" in policy:
        rest = {k: v for k, v in policy.items() if k != "name"}
        base = NAMED.get(policy["name"])
        if base is None:
            raise ValueError(f"unknown policy {policy['name']!r}: use one of {sorted(NAMED)}")
        return MathPolicy.model_validate({**base.model_dump(), **rest}) if rest else base
    return MathPolicy.model_validate(policy)
