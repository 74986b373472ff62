from __future__ import annotations

from stepforge._testing.fixtures import math_run  # noqa: F401 - fixture
