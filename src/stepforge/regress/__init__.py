"""Regression tests for any verifier: shipped suites with expected verdicts, run under hard limits, reported.

``regress(verifier, suite)`` runs every case of a suite through a verifier (a built-in, a Python callable, an
HTTP endpoint or a command), each call in a killable worker process, and returns a ``Report`` (agreement, false
accepts and rejects by category, crashes, hangs, latency, thread safety, baseline diff).
"""

from stepforge.regress.api import regress
from stepforge.regress.cases import Case, Suite
from stepforge.regress.report import Report, load_report, render
from stepforge.regress.suites import load_suite, suite_names

__all__ = ["Case", "Report", "Suite", "load_report", "load_suite", "regress", "render", "suite_names"]
