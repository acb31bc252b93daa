"""accelerate YAML for multi-GPU runs and the batch divisibility rule."""

from __future__ import annotations

import pytest
import yaml

from cosmo_rl.accelerate_config import ZERO3_MIXED_BATCH_WARNING, build_accelerate_config, write_accelerate_config
from cosmo_rl.batching import BatchPlanError, plan_batches
from cosmo_rl.config import RunConfig


def _config(prompts: int = 4, rollouts: int = 8, steps_per_generation: int = 4) -> RunConfig:
    return RunConfig.from_dict(
        {
            "schema_version": 1,
            "model": {"path_or_id": "/models/base"},
            "stages": [{"name": "stage1", "steps": 4, "task_mix": {"general": 1.0}}],
            "dataset": "/data/snap",
            "output_dir": "/runs/r1",
            "prompts_per_step": prompts,
            "rollouts_per_prompt": rollouts,
            "cpgd": {"steps_per_generation": steps_per_generation},
        }
    )


def test_plan_splits_rollout_batch_over_steps_and_processes() -> None:
    plan = plan_batches(_config(4, 8, 4), num_processes=2)
    assert plan.generation_batch_size == 32
    assert plan.per_device_train_batch_size == 4  # 32 / (4 steps * 2 processes)
    assert plan.completions_per_step == 8
    assert plan.gradient_accumulation_steps == 1
    # TRL's rule holds: per_device * processes * steps_per_generation divisible by num_generations
    assert (plan.per_device_train_batch_size * 2 * plan.steps_per_generation) % plan.num_generations == 0


def test_plan_refuses_uneven_split_with_the_numbers() -> None:
    with pytest.raises(BatchPlanError, match=r"= 6\).*= 4\)"):
        plan_batches(_config(prompts=2, rollouts=3, steps_per_generation=4))
    with pytest.raises(BatchPlanError):
        plan_batches(_config(prompts=4, rollouts=8, steps_per_generation=4), num_processes=3)


@pytest.mark.parametrize(
    ("kind", "distributed_type"),
    [("ddp", "MULTI_GPU"), ("zero2", "DEEPSPEED"), ("zero3", "DEEPSPEED"), ("fsdp", "FSDP")],
)
def test_each_kind_has_its_backend_settings(kind, distributed_type) -> None:
    config = build_accelerate_config(kind, num_processes=4)
    assert config["distributed_type"] == distributed_type
    assert config["num_processes"] == 4 and config["num_machines"] == 1
    assert config["mixed_precision"] == "bf16"
    if kind.startswith("zero"):
        ds = config["deepspeed_config"]
        assert ds["zero_stage"] == int(kind[-1])
        assert ds["gradient_accumulation_steps"] == 1
        assert ds["zero3_init_flag"] is (kind == "zero3")
    if kind == "fsdp":
        assert config["fsdp_config"]["fsdp_version"] == 2


def test_unknown_kind_and_bad_counts_are_refused() -> None:
    with pytest.raises(ValueError):
        build_accelerate_config("tpu", num_processes=2)  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        build_accelerate_config("ddp", num_processes=0)


def test_write_checks_divisibility_before_writing(tmp_path) -> None:
    out = tmp_path / "acc.yaml"
    with pytest.raises(BatchPlanError):
        write_accelerate_config(_config(4, 8, 4), out, "ddp", num_processes=3)
    assert not out.exists()
    path, plan, warnings = write_accelerate_config(_config(4, 8, 4), out, "zero3", num_processes=2)
    loaded = yaml.safe_load(path.read_text())
    assert loaded["distributed_type"] == "DEEPSPEED" and loaded["deepspeed_config"]["zero_stage"] == 3
    assert plan.per_device_train_batch_size == 4
    assert warnings == [ZERO3_MIXED_BATCH_WARNING]
