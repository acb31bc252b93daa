"""The four reward functions in TRL's form, and ``build_reward_funcs`` for a run's config.

Signature (TRL GRPOTrainer): ``f(prompts, completions, completion_ids, **kwargs) -> list[float | None]``
where kwargs carry the dataset's label columns (task, harmful, expected, reference,
visual_cues, has_image, prompt_text, jailbreak_type, ...), one value per completion.
Names are stable (``format_reward``, ``visual_reward``, ``helpful_reward``, ``task_reward``):
TRL logs ``rewards/<name>/mean``. ``visual_reward`` returns None where the term is skipped.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from cosmo_rl.rewards.terms import score_format, score_visual
from cosmo_rl.verifiers import VerifierSet, build_verifiers
from cosmo_rl.verifiers.base import ItemFields, Verdict, Verifier
from cosmo_rl.verifiers.rules import RulesHelpfulness, RulesVerifier

REWARD_NAMES: tuple[str, ...] = ("format", "visual", "helpful", "task")
RewardFunc = Callable[..., list[float | None]]


def completion_text(completion: Any) -> str:
    """Text of one completion: a string, or a conversational list whose last message is the reply."""
    if isinstance(completion, str):
        return completion
    message = completion[-1] if isinstance(completion, list) else completion
    content = message["content"] if isinstance(message, dict) else message
    if isinstance(content, list):
        return "".join(part.get("text") or "" for part in content if isinstance(part, dict))
    return str(content)


def rows_from_kwargs(n: int, kwargs: dict[str, Any]) -> list[ItemFields]:
    """One ItemFields per completion from TRL's per-completion column lists."""
    # Lists from TRL; any sized, indexable column (e.g. a datasets Column) works too.
    columns = {
        k: v
        for k, v in kwargs.items()
        if not isinstance(v, str | bytes | dict) and hasattr(v, "__getitem__") and hasattr(v, "__len__") and len(v) == n
    }
    if "task" not in columns:
        raise ValueError("reward functions need the dataset's 'task' column (is remove_unused_columns on?)")
    return [ItemFields.from_mapping({k: v[i] for k, v in columns.items()}) for i in range(n)]


def format_reward(
    prompts: Any, completions: Sequence[Any], completion_ids: Any = None, **kwargs: Any
) -> list[float | None]:
    return [score_format(completion_text(c)) for c in completions]


def visual_reward(
    prompts: Any, completions: Sequence[Any], completion_ids: Any = None, **kwargs: Any
) -> list[float | None]:
    items = rows_from_kwargs(len(completions), kwargs)
    return [
        score_visual(completion_text(c), item.visual_cues, item.has_image)
        for c, item in zip(completions, items, strict=True)
    ]


class VerifierReward:
    """A reward backed by a verifier (batched); keeps the last verdicts for metrics."""

    def __init__(self, name: str, verifier: Verifier) -> None:
        self.__name__ = name  # TRL names reward columns and logs by __name__
        self.verifier = verifier
        self.last_items: list[ItemFields] = []
        self.last_verdicts: list[Verdict] = []

    def __call__(
        self, prompts: Any, completions: Sequence[Any], completion_ids: Any = None, **kwargs: Any
    ) -> list[float | None]:
        items = rows_from_kwargs(len(completions), kwargs)
        verdicts = self.verifier.verdicts(items, [completion_text(c) for c in completions])
        self.last_items, self.last_verdicts = items, verdicts
        return [v.score for v in verdicts]

    def __repr__(self) -> str:
        return f"<{self.__name__} via {self.verifier.name}>"


# Module-level defaults use the rules tier (no model), usable directly as TRL reward functions.
helpful_reward = VerifierReward("helpful_reward", RulesHelpfulness())
task_reward = VerifierReward("task_reward", RulesVerifier())


def build_reward_funcs(
    reward_config: Any, *, verifiers: VerifierSet | None = None, device: str | None = None
) -> tuple[list[RewardFunc], list[float]]:
    """[format, visual, helpful, task] reward functions and their weights, from a RewardConfig.

    ``verifiers`` overrides the tier in the config (tests, or sharing one judge model).
    """
    chosen = verifiers or build_verifiers(reward_config.verifier, device=device)
    funcs: list[RewardFunc] = [
        format_reward,
        visual_reward,
        VerifierReward("helpful_reward", chosen.helpful),
        VerifierReward("task_reward", chosen.task),
    ]
    w = reward_config.weights
    return funcs, [float(w.format), float(w.visual), float(w.helpful), float(w.task)]
