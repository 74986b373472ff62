"""A number longer than Python's 4300-digit limit for reading a string as an int (a model's runaway digits) in a
step after a slip: redoing the slip read every number token as an exact rational, sympy refused it (TypeError) and
the exception left the labeller, so every step came back neutral as ``symbolic_unavailable``. Found by
benchmarks/fuzz_labels.py (CHAMP text, long-digit and long-chain mutations)."""

from __future__ import annotations

import sympy as sp

from stepforge.labeling.locate import _swaps

LONG = "7" * 5000


def test_a_token_over_the_digit_limit_is_no_value_to_swap() -> None:
    assert _swaps(f"2 + {LONG} = 9 + 7", [(sp.Integer(7), sp.Integer(8))]) == [f"2 + {LONG} = 9 + (8)"]



def test_a_value_too_wide_to_print_is_no_value() -> None:
    # "2^{99999}" read exactly is an int sympy cannot print (over 4300 digits: str raises ValueError); the slip's
    # redo wrote such a value into the evidence and the exception left the labeller (mutation fuzz, RealCritic and
    # OlympiadBench text with a huge power claimed)
    from stepforge.labeling.locate import _value

    assert _value("2^{99999}") is None and _value("2^{99999} + x") is None
    assert _value("2^{100}") == sp.Integer(2) ** 100
