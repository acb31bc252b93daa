"""Stage task-mix sampling."""

from __future__ import annotations

from collections import Counter

import pytest

from cosmo_rl.config import RunConfig, StageConfig
from cosmo_rl.curriculum import MixError, draw_stage_indices, prompts_needed

TASKS = ["safety"] * 10 + ["general"] * 80 + ["value"] * 10


def _stage(mix: dict[str, float], steps: int = 10) -> StageConfig:
    return StageConfig.model_validate({"name": "stage2", "steps": steps, "task_mix": mix})


def test_draw_follows_the_weights_not_the_snapshot_balance() -> None:
    mix = draw_stage_indices(TASKS, _stage({"safety": 3.0, "general": 1.0}), 4000, seed=0)
    counts = Counter(TASKS[i] for i in mix.indices)
    assert set(counts) == {"safety", "general"}  # value has no weight: never drawn
    assert counts["safety"] / 4000 == pytest.approx(0.75, abs=0.03)
    assert mix.missing_tasks == []


def test_draw_is_seeded_and_stage_specific() -> None:
    stage = _stage({"safety": 1.0, "general": 1.0})
    assert draw_stage_indices(TASKS, stage, 50, seed=1).indices == draw_stage_indices(TASKS, stage, 50, seed=1).indices
    assert draw_stage_indices(TASKS, stage, 50, seed=1).indices != draw_stage_indices(TASKS, stage, 50, seed=2).indices


def test_missing_tasks_are_reported_and_an_empty_mix_refused() -> None:
    mix = draw_stage_indices(TASKS, _stage({"jailbreak": 1.0, "value": 1.0}), 20, seed=0)
    assert mix.missing_tasks == ["jailbreak"]
    assert {TASKS[i] for i in mix.indices} == {"value"}
    with pytest.raises(MixError, match="jailbreak"):
        draw_stage_indices(TASKS, _stage({"jailbreak": 1.0, "value": 0.0}), 20, seed=0)


def test_prompts_needed_covers_every_rollout_batch() -> None:
    config = RunConfig.from_dict(
        {
            "schema_version": 1,
            "model": {"path_or_id": "m"},
            "stages": [{"name": "stage1", "steps": 5, "task_mix": {"general": 1.0}}],
            "dataset": "d",
            "output_dir": "o",
            "prompts_per_step": 3,
            "cpgd": {"steps_per_generation": 2},
        }
    )
    # 5 optimizer steps at 2 per rollout batch -> 3 batches of 3 prompts
    assert prompts_needed(config, config.stages[0]) == 9
