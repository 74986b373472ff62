"""The code verifier: a candidate module is run on test inputs in the sandbox, outputs compared here.

Public API: ``CodeTask``, ``IOTest``, ``PropertyTests``, ``Verdict``, ``check_code``, ``check_codes``.
"""

from stepforge.verifiers.code.check import Verdict, check_code, check_codes, judge
from stepforge.verifiers.code.task import CodeTask, IOTest, PropertyTests

__all__ = ["CodeTask", "IOTest", "PropertyTests", "Verdict", "check_code", "check_codes", "judge"]
