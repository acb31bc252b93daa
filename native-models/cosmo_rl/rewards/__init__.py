"""COSMO-RL's multi-objective reward: Format, Visual-Focus, Helpful, Task-Aware.

``build_reward_funcs(reward_config)`` gives TRL the four named reward functions and their
weights; the pure scoring functions and ``safety_outcome`` serve tests and metrics.
"""

from cosmo_rl.rewards.funcs import (
    REWARD_NAMES,
    VerifierReward,
    build_reward_funcs,
    completion_text,
    format_reward,
    helpful_reward,
    rows_from_kwargs,
    task_reward,
    visual_reward,
)
from cosmo_rl.rewards.outcome import Outcome, safety_outcome
from cosmo_rl.rewards.terms import score_format, score_helpful, score_task, score_visual

__all__ = [
    "REWARD_NAMES",
    "Outcome",
    "VerifierReward",
    "build_reward_funcs",
    "completion_text",
    "format_reward",
    "helpful_reward",
    "rows_from_kwargs",
    "safety_outcome",
    "score_format",
    "score_helpful",
    "score_task",
    "score_visual",
    "task_reward",
    "visual_reward",
]
