"""stepforge's verifiers as RL rewards: TRL reward functions, verl ``compute_score``, OpenRLHF ``reward_func``.

``MathReward`` (final answers), ``CodeReward`` (tests in the sandbox) and ``ProcessReward`` (per-step scores
from the symbolic step checker) score a batch with every check under a hard limit in worker processes; a
completion that cannot be scored gets None (TRL) or 0 with ``unscored`` set (verl, OpenRLHF), never a silent 0.
"""

from stepforge.rewards._common import RewardResult, completion_text
from stepforge.rewards.code import CodeReward
from stepforge.rewards.math import MathReward
from stepforge.rewards.openrlhf import reward_func
from stepforge.rewards.process import ProcessResult, ProcessReward
from stepforge.rewards.verl import compute_score, compute_score_async

__all__ = ["CodeReward", "MathReward", "ProcessResult", "ProcessReward", "RewardResult", "completion_text",
           "compute_score", "compute_score_async", "reward_func"]
