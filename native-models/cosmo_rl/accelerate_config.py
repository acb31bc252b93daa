"""Write the accelerate YAML that runs the same worker on several GPUs (TRAINER-NOTES "Past one GPU").

    python -m cosmo_rl.train --config run.json --accelerate-config acc.yaml --accelerate-kind zero2 \
        --num-processes 4
    accelerate launch --config_file acc.yaml -m cosmo_rl.train --config run.json

The values follow TRL's own accelerate_configs (multi_gpu, zero2, zero3, fsdp2).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

import yaml

from cosmo_rl.batching import BatchPlan, plan_batches
from cosmo_rl.config import RunConfig

AccelerateKind = Literal["ddp", "zero2", "zero3", "fsdp"]
ACCELERATE_KINDS: tuple[AccelerateKind, ...] = ("ddp", "zero2", "zero3", "fsdp")

ZERO3_MIXED_BATCH_WARNING = (
    "ZeRO-3: mixed batches of image and text-only items have hung in TRL multi-GPU runs; prefer zero2 "
    "or fsdp for mixed snapshots, or keep every batch multimodal."
)


def _common(num_processes: int, num_machines: int, mixed_precision: str) -> dict[str, Any]:
    return {
        "compute_environment": "LOCAL_MACHINE",
        "debug": False,
        "downcast_bf16": "no",
        "machine_rank": 0,
        "main_training_function": "main",
        "mixed_precision": mixed_precision,
        "num_machines": num_machines,
        "num_processes": num_processes,
        "rdzv_backend": "static",
        "same_network": True,
        "tpu_env": [],
        "tpu_use_cluster": False,
        "tpu_use_sudo": False,
        "use_cpu": False,
    }


def build_accelerate_config(
    kind: AccelerateKind,
    num_processes: int,
    num_machines: int = 1,
    mixed_precision: Literal["bf16", "fp16", "no"] = "bf16",
    gradient_accumulation_steps: int = 1,
) -> dict[str, Any]:
    if num_processes < 1 or num_machines < 1:
        raise ValueError("num_processes and num_machines must be >= 1")
    config = _common(num_processes, num_machines, mixed_precision)
    if kind == "ddp":
        config.update({"distributed_type": "MULTI_GPU", "gpu_ids": "all"})
    elif kind in ("zero2", "zero3"):
        stage = 2 if kind == "zero2" else 3
        deepspeed: dict[str, Any] = {
            "deepspeed_multinode_launcher": "standard",
            # Must match the trainer's value or DeepSpeed refuses to start.
            "gradient_accumulation_steps": gradient_accumulation_steps,
            "offload_optimizer_device": "none",
            "offload_param_device": "none",
            "zero3_init_flag": stage == 3,
            "zero_stage": stage,
        }
        if stage == 3:
            # Gathers the sharded weights into one 16-bit file at save, so checkpoints load without DeepSpeed.
            deepspeed["zero3_save_16bit_model"] = True
        config.update({"distributed_type": "DEEPSPEED", "deepspeed_config": deepspeed})
    elif kind == "fsdp":
        config.update(
            {
                "distributed_type": "FSDP",
                "fsdp_config": {
                    "fsdp_activation_checkpointing": False,
                    "fsdp_auto_wrap_policy": "TRANSFORMER_BASED_WRAP",
                    "fsdp_cpu_ram_efficient_loading": True,
                    "fsdp_offload_params": False,
                    "fsdp_reshard_after_forward": True,
                    "fsdp_state_dict_type": "FULL_STATE_DICT",
                    "fsdp_version": 2,
                },
            }
        )
    else:
        raise ValueError(f"unknown accelerate kind {kind!r}; expected one of {', '.join(ACCELERATE_KINDS)}")
    return config


def write_accelerate_config(
    run_config: RunConfig,
    out: str | Path,
    kind: AccelerateKind,
    num_processes: int,
    num_machines: int = 1,
    mixed_precision: Literal["bf16", "fp16", "no"] = "bf16",
) -> tuple[Path, BatchPlan, list[str]]:
    """Check the run's batch split for this many processes, then write the YAML.

    Returns the path, the batch plan each process will use, and warnings for the user.
    Raises BatchPlanError before writing anything when the divisibility rule fails.
    """
    # accelerate's num_processes counts every process on every machine.
    world = num_processes
    plan = plan_batches(run_config, num_processes=world)
    config = build_accelerate_config(
        kind, num_processes, num_machines, mixed_precision, plan.gradient_accumulation_steps
    )
    warnings: list[str] = []
    if kind == "zero3":
        warnings.append(ZERO3_MIXED_BATCH_WARNING)
    path = Path(out)
    path.parent.mkdir(parents=True, exist_ok=True)
    header = (
        f"# accelerate config for cosmo_rl ({kind}, {world} processes); launch with:\n"
        f"#   accelerate launch --config_file {path.name} -m cosmo_rl.train --config <run.json>\n"
    )
    path.write_text(header + yaml.safe_dump(config, sort_keys=True), encoding="utf-8")
    return path, plan, warnings
