"""How one run config's rollout batch splits into optimizer steps and devices.

A rollout batch is prompts_per_step x rollouts_per_prompt completions (over all processes).
CPGD takes `steps_per_generation` optimizer steps on it, one equal share each, so the policy
that scores the later shares differs from the one that sampled them (TRAINER-NOTES Caveat 1).
Gradient accumulation stays at 1: a micro-batch is an optimizer step's whole share, which also
keeps the per-micro-batch token mean of Caveat 2 equal to the per-step token mean.
"""

from __future__ import annotations

from dataclasses import dataclass

from cosmo_rl.config import RunConfig


class BatchPlanError(ValueError):
    """The rollout batch does not split evenly over steps and processes."""


@dataclass(frozen=True)
class BatchPlan:
    num_generations: int  # K, rollouts per prompt (one advantage group)
    generation_batch_size: int  # completions per rollout batch, all processes together
    steps_per_generation: int  # optimizer steps taken on one rollout batch
    per_device_train_batch_size: int  # completions per process per optimizer step
    gradient_accumulation_steps: int
    num_processes: int

    @property
    def completions_per_step(self) -> int:
        return self.per_device_train_batch_size * self.num_processes


def plan_batches(config: RunConfig, num_processes: int = 1) -> BatchPlan:
    if num_processes < 1:
        raise BatchPlanError("num_processes must be >= 1")
    k = config.rollouts_per_prompt
    total = config.prompts_per_step * k
    steps = config.cpgd.steps_per_generation
    share = steps * num_processes
    if total % share != 0:
        raise BatchPlanError(
            f"prompts_per_step * rollouts_per_prompt (= {total}) must be divisible by "
            f"cpgd.steps_per_generation * num_processes (= {steps} * {num_processes} = {share}) so every "
            "optimizer step on every process trains on an equal share of the rollout batch"
        )
    per_device = total // share
    # TRL's own rule (TRAINER-NOTES "Past one GPU"): per_device * processes * steps divisible by K.
    if (per_device * num_processes * steps) % k != 0:
        raise BatchPlanError(f"per-device batch {per_device} x {num_processes} x {steps} is not a multiple of {k}")
    return BatchPlan(
        num_generations=k,
        generation_batch_size=total,
        steps_per_generation=steps,
        per_device_train_batch_size=per_device,
        gradient_accumulation_steps=1,
        num_processes=num_processes,
    )
