"""Draw a stage's prompts from the snapshot in the stage's task mix.

Stage 1 usually mixes general tasks, stage 2 safety + jailbreak + value + general
(COSMO-RL.md). A stage needs ceil(steps / steps_per_generation) rollout batches of
prompts_per_step prompts; each prompt is drawn by first picking a task with probability
proportional to its weight, then an item of that task uniformly (with replacement, seeded),
so the mix holds however unbalanced the snapshot is.
"""

from __future__ import annotations

import math
import random
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from cosmo_rl.config import RunConfig, StageConfig


class MixError(ValueError):
    pass


@dataclass(frozen=True)
class StageMix:
    indices: list[int]  # rows of the full dataset, in draw order
    missing_tasks: list[str]  # tasks with weight > 0 that the snapshot lacks (their weight is dropped)


def prompts_needed(config: RunConfig, stage: StageConfig) -> int:
    batches = math.ceil(stage.steps / config.cpgd.steps_per_generation)
    return batches * config.prompts_per_step


def draw_stage_indices(tasks: list[str], stage: StageConfig, count: int, seed: int) -> StageMix:
    by_task: dict[str, list[int]] = defaultdict(list)
    for row, task in enumerate(tasks):
        by_task[task].append(row)
    weighted = [(t, w) for t, w in stage.task_mix.items() if w > 0]
    missing: list[str] = [t for t, _ in weighted if not by_task.get(t)]
    usable = [(t, w) for t, w in weighted if by_task.get(t)]
    if not usable:
        wanted = ", ".join(t for t, _ in weighted)
        raise MixError(f"{stage.name}: the task mix asks for {wanted} but the snapshot has no training items of them")
    rng = random.Random(f"{seed}:{stage.name}")
    names = [t for t, _ in usable]
    weights = [w for _, w in usable]
    indices = [rng.choice(by_task[task]) for task in rng.choices(names, weights=weights, k=count)]
    return StageMix(indices=indices, missing_tasks=missing)


def stage_dataset(dataset: Any, config: RunConfig, stage: StageConfig) -> tuple[Any, StageMix]:
    """The rows a stage trains on, drawn from the full training dataset."""
    mix = draw_stage_indices(list(dataset["task"]), stage, prompts_needed(config, stage), config.seed)
    return dataset.select(mix.indices), mix
