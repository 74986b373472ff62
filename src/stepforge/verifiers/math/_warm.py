"""Imported by a worker before it reports ready: sympy, latex2sympy2_extended and ANTLR's tables loaded and
warm, so the first pair a worker gets (and a worker that replaces a killed one) runs at full speed."""

from stepforge.verifiers.math.answer import judge

for _gold, _pred in (("1", "1"), ("x+1", "1+x"), ("[1,2)", "[1,2)"), ("|x|", "|x|"), (r"\log x", r"\log x"),
                     (r"\sqrt{x^2}", "x"), (r"\frac{\partial}{\partial x} x", "1")):
    judge(_gold, _pred)
