"""Verifiers: who decides a response's verdict (COSMO-RL.md "Verifiers").

One interface, ``Verifier.verdict(item, response) -> Verdict(label, score, confidence)``,
three tiers: ``RulesVerifier`` (default, no model), ``LearnedVerifier`` (small classifier,
torch or ONNX), ``JudgeVerifier`` (local causal LM or Qwen-VL model with a rubric; a VLM sees
the prompt's image). R_helpful has its own verifier per tier (``RulesHelpfulness``;
``JudgeHelpfulness`` for the judge tier; the learned tier keeps rules helpfulness). Model tiers import
torch/onnxruntime lazily.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from cosmo_rl.verifiers.base import ItemFields, Verdict, Verifier, safety_score, value_score
from cosmo_rl.verifiers.rules import RulesHelpfulness, RulesVerifier

if TYPE_CHECKING:
    from cosmo_rl.config import VerifierConfig
    from cosmo_rl.verifiers.judge import JudgeMode

__all__ = [
    "ItemFields",
    "RulesHelpfulness",
    "RulesVerifier",
    "Verdict",
    "Verifier",
    "VerifierSet",
    "build_verifier",
    "build_verifiers",
    "safety_score",
    "value_score",
]


@dataclass(frozen=True)
class VerifierSet:
    task: Verifier  # R_task verdicts
    helpful: Verifier  # R_helpful verdicts


def build_verifiers(
    config: VerifierConfig, *, device: str | None = None, judge_mode: JudgeMode = "choice"
) -> VerifierSet:
    """The task and helpfulness verifiers for a run's verifier tier (the judge model is loaded once).

    ``judge_mode``: the judge tier's forced choice over the labels (``choice``) or parsed
    generation (``generate``); see verifiers/judge.py.
    """
    if config.tier == "rules":
        return VerifierSet(task=RulesVerifier(), helpful=RulesHelpfulness())
    if config.path is None:
        raise ValueError(f"verifier tier '{config.tier}' needs a path")
    if config.tier == "learned":
        from cosmo_rl.verifiers.learned import LearnedVerifier

        return VerifierSet(task=LearnedVerifier(config.path), helpful=RulesHelpfulness())
    from cosmo_rl.verifiers.judge import JudgeHelpfulness, JudgeModel, JudgeVerifier

    model = JudgeModel(config.path, device=device)
    return VerifierSet(task=JudgeVerifier(model, mode=judge_mode), helpful=JudgeHelpfulness(model, mode=judge_mode))


def build_verifier(config: VerifierConfig, *, device: str | None = None) -> Verifier:
    """The R_task verifier for a run's verifier tier."""
    return build_verifiers(config, device=device).task
