"""Math verification: final answers (``judge``, ``check_answer``, ``check_answers``) and, in ``steps``, steps.

``check_answer``/``check_answers`` decide in the calling process what the bounded exact paths can decide and
send the rest to killable worker processes with a hard wall-clock limit, from any thread. ``judge`` runs
everything in process (guards, and a time budget that holds in threads: ``timeout`` past it). ``MathPolicy.grading()`` (the default) and
``MathPolicy.reward()`` (every leniency off) are the two named policies.
"""

from stepforge.verifiers.math.answer import check_answer, check_answers, judge, judge_fast
from stepforge.verifiers.math.extract import extract, extract_answer, last_boxed
from stepforge.verifiers.math.policy import GRADING, REWARD, MathPolicy
from stepforge.verifiers.math.verdict import MathVerdict

__all__ = ["GRADING", "REWARD", "MathPolicy", "MathVerdict", "check_answer", "check_answers", "extract",
           "extract_answer", "judge", "judge_fast", "last_boxed"]
