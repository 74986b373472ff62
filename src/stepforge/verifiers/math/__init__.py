"""Math verification: final answers (``judge``, ``check_answer``, ``check_answers``) and, in ``steps``, steps.

``judge`` runs in process (guards only, no time limit); ``check_answer``/``check_answers`` run in killable
worker processes with a hard wall-clock limit, from any thread.
"""

from stepforge.verifiers.math.answer import check_answer, check_answers, judge
from stepforge.verifiers.math.extract import extract_answer
from stepforge.verifiers.math.policy import MathPolicy
from stepforge.verifiers.math.verdict import MathVerdict

__all__ = ["MathPolicy", "MathVerdict", "check_answer", "check_answers", "extract_answer", "judge"]
