"""Labelling strategies: turn a verified candidate into per-step labels with evidence.

Each strategy is one module that registers itself in ``STRATEGIES``; importing this package
registers them all.
"""

from stepforge._registry import import_submodules
from stepforge.labeling.base import STRATEGIES, LabelContext, StepLabels, Strategy, assemble, resolve

import_submodules(__name__)

__all__ = ["STRATEGIES", "LabelContext", "StepLabels", "Strategy", "assemble", "resolve"]
