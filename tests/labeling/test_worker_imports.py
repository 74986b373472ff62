"""A labelling worker loads the strategies and the step checker, not the model client: ``openai`` costs ~0.4 s of
start-up in every worker (and in every replacement of one killed at its deadline) that only checks steps."""

from __future__ import annotations

import subprocess
import sys


def test_a_checking_worker_does_not_import_the_model_client():
    code = ("import sys; import stepforge.verifiers.math._warm; from stepforge.labeling import symbolic; "
            "from stepforge.pipeline.domains.math import MathDomain; print('openai' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_the_client_still_loads_where_it_is_used():
    from stepforge.generators import llm
    from stepforge.labeling.models import LabelModels

    assert llm.LLMClient.__name__ == "LLMClient" and llm.generate.__name__ == "generate"
    models = LabelModels({"judge": {"base_url": "http://localhost:1"}})
    assert models.configs["judge"].base_url == "http://localhost:1"
