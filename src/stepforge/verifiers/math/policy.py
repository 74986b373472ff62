"""The explicit, configurable choices of the math answer verifier (every lenient rule is a named switch)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class MathPolicy(BaseModel):
    """How lenient the answer checker is; the defaults are the documented recommendation.

    percent: ``lenient`` accepts ``50%`` as ``50%``, ``0.5`` or ``50``; ``fraction`` only as ``0.5`` (and 50%);
        ``number`` only as ``50`` (and 50%); ``strict`` requires a percent on both sides when either has one.
    degrees_as_radians: ``45^\\circ`` also equals ``\\pi/4`` (it always equals ``45``).
    unreduced_fractions: ``2/4`` equals ``1/2`` (else a written fraction must be in lowest terms when gold's is).
    set_vs_relation: ``gold_relation`` lets a pred set/interval match a gold inequality (``1<x<2`` vs ``(1,2)``);
        ``both`` also lets a pred inequality match a gold interval; ``none`` forbids both.
    pred_decimal_min_digits: a decimal pred matches an exact irrational/rational gold when it is the gold
        correctly rounded at the pred's written precision and has at least this many significant digits.
    gold_decimal_min_digits: a decimal gold with at least this many significant digits (``3.14``) is read as
        rounded: a pred within half a unit of its last place matches; shorter decimals (``1.5``) are exact.
    assume_positive: free symbols are positive reals when comparing expressions (``\\sqrt{1/n} = 1/\\sqrt{n}``).
    rename_variables: a pred whose only free symbols differ from gold's by a one-to-one renaming still matches.
    bare_list_as_set: a bare comma list ``1, 2`` is an unordered set (else an ordered tuple).
    mixed_numbers: ``2\\frac{1}{2}`` is ``5/2`` (else ``2*1/2``).
    imaginary_i: a lone ``i`` is the imaginary unit.
    convert_bases: ``1112_3`` is the base-3 numeral (= 41).
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    percent: Literal["lenient", "fraction", "number", "strict"] = "lenient"
    degrees_as_radians: bool = True
    unreduced_fractions: bool = True
    set_vs_relation: Literal["gold_relation", "both", "none"] = "gold_relation"
    pred_decimal_min_digits: int = Field(3, ge=1, le=30)
    gold_decimal_min_digits: int = Field(3, ge=1, le=30)
    assume_positive: bool = True
    rename_variables: bool = False
    bare_list_as_set: bool = True
    mixed_numbers: bool = True
    imaginary_i: bool = True
    convert_bases: bool = True
    numeric_points: int = Field(6, ge=2, le=50)
    max_chars: int = Field(3000, ge=10)
    max_depth: int = Field(40, ge=2)
    max_int_bits: int = Field(200_000, ge=64)
    max_factorial: int = Field(3000, ge=10)


DEFAULT_POLICY = MathPolicy()
