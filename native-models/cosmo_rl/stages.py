"""Run one curriculum stage: build the trainer, train (or resume), save the stage's final weights.

Layout under the run's output_dir:
    <stage>/checkpoint-N/   adapter (or model) + optimizer, scheduler, RNG and trainer state (TRL's)
    <stage>/final/          the stage's result; stage.json marks the stage as done
Stage 2 starts from stage 1's final folder: with LoRA it keeps training the same adapter, so
the run ends with one adapter over the base model.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from cosmo_rl.batching import BatchPlan
from cosmo_rl.callbacks import EventCallback, StageInfo
from cosmo_rl.config import RunConfig, StageConfig
from cosmo_rl.control import CancelToken
from cosmo_rl.devices import DeviceChoice
from cosmo_rl.image_budget import apply_image_budget
from cosmo_rl.modeling import (
    build_lora_config,
    freeze_vision_tower,
    load_adapter_for_training,
    load_policy,
    model_class,
    require_fp32_master_weights,
    training_weights_dtype,
)
from cosmo_rl.probes import ProbeCallback, ProbePrompt, StopRuleTracker
from cosmo_rl.protocol import Checkpoint, EventWriter
from cosmo_rl.trainer import CosmoTrainer, LossSettings, SafetyJudge
from cosmo_rl.verifiers import Verifier

STAGE_MARKER = "stage.json"


@dataclass(frozen=True)
class StageResult:
    # stopped: the probe stop rule ended training early (the stage is saved and marked done).
    status: Literal["completed", "cancelled", "stopped"]
    checkpoint: str | None
    reason: str | None = None


def stage_dir(config: RunConfig, stage: StageConfig) -> Path:
    return Path(config.output_dir) / stage.name


def final_dir(config: RunConfig, stage: StageConfig) -> Path:
    return stage_dir(config, stage) / "final"


def stage_done(config: RunConfig, stage: StageConfig) -> bool:
    return (final_dir(config, stage) / STAGE_MARKER).is_file()


def last_checkpoint(directory: Path) -> Path | None:
    """The highest-numbered checkpoint-N folder that holds a trainer state (a complete save)."""
    best: tuple[int, Path] | None = None
    if not directory.is_dir():
        return None
    for child in directory.iterdir():
        name = child.name
        if not (child.is_dir() and name.startswith("checkpoint-") and name[11:].isdigit()):
            continue
        if not (child / "trainer_state.json").is_file():
            continue  # interrupted mid-save
        step = int(name[11:])
        if best is None or step > best[0]:
            best = (step, child)
    return best[1] if best else None


def build_grpo_args(
    config: RunConfig,
    stage: StageConfig,
    plan: BatchPlan,
    device: DeviceChoice,
    suppress_ids: list[int],
    seed: int,
    reward_weights: list[float],
) -> Any:
    from trl import GRPOConfig

    generation_kwargs = {"suppress_tokens": suppress_ids} if suppress_ids else None
    return GRPOConfig(
        output_dir=str(stage_dir(config, stage)),
        max_steps=stage.steps,
        per_device_train_batch_size=plan.per_device_train_batch_size,
        gradient_accumulation_steps=plan.gradient_accumulation_steps,
        steps_per_generation=plan.steps_per_generation,
        num_generations=plan.num_generations,
        max_completion_length=config.max_completion_length,
        temperature=config.temperature,
        learning_rate=config.learning_rate,
        seed=seed,
        beta=config.cpgd.kl_beta,
        # The grpo baseline uses TRL's loss with the same per-micro-batch token mean as CPGD ("bnpo"),
        # so an ablation compares objectives, not normalisers.
        loss_type="bnpo",
        epsilon=config.cpgd.eps,
        reward_weights=reward_weights,
        multi_objective_aggregation=config.reward.aggregation,
        scale_rewards="group",
        generation_kwargs=generation_kwargs,
        logging_steps=1,
        save_strategy="steps",
        save_steps=config.checkpoint_every,
        save_total_limit=config.save_total_limit,
        report_to="none",
        use_cpu=device.use_cpu,
        bf16=device.bf16,
        activation_checkpointing=device.gradient_checkpointing,
        use_liger_kernel=False,
        remove_unused_columns=False,
        log_completions=False,
        disable_tqdm=True,
        dataloader_num_workers=0,
    )


@dataclass
class StageContext:
    config: RunConfig
    plan: BatchPlan
    device: DeviceChoice
    writer: EventWriter
    cancel: CancelToken
    reward_funcs: list[Callable[..., Any]]
    reward_weights: list[float]
    safety_judge: SafetyJudge | None
    total_steps: int
    image_paths: dict[str, str]
    is_main_process: bool = True
    # Probes during training (cosmo_rl.probes): built once per run, so the stop rule's streak spans stages.
    probe: ProbeSetup | None = None


@dataclass
class ProbeSetup:
    prompts: list[ProbePrompt]
    verifier: Verifier
    tracker: StopRuleTracker


def run_stage(
    ctx: StageContext,
    stage: StageConfig,
    offset: int,
    previous_final: Path | None,
    dataset: Any,
    resume: bool,
) -> StageResult:
    config = ctx.config
    from cosmo_rl.tiny import suppressed_token_ids

    weights_dtype = training_weights_dtype(config.lora.enabled, ctx.device.dtype)
    loaded = load_policy(config.model, weights_dtype)
    apply_image_budget(loaded.processing_class, config.images)
    model: Any = loaded.model
    peft_config = None
    if config.lora.enabled:
        if previous_final is not None:
            model = load_adapter_for_training(model, str(previous_final))
        elif config.model.adapter is not None:
            # Started from an earlier run's checkpoint: that adapter is trained further.
            model = load_adapter_for_training(model, config.model.adapter)
        else:
            peft_config = build_lora_config(config.lora, loaded.kind)
    else:
        if previous_final is None and config.model.adapter is not None:
            from peft import PeftModel

            model = PeftModel.from_pretrained(model, config.model.adapter).merge_and_unload()
        if previous_final is not None:
            # Full fine-tuning: stage 2 loads stage 1's saved weights instead of the base.
            model = model_class(loaded.kind).from_pretrained(
                str(previous_final), dtype=weights_dtype, trust_remote_code=config.model.trust_remote_code
            )
        if config.lora.freeze_vision:
            freeze_vision_tower(model)
        require_fp32_master_weights(model)

    suppress = suppressed_token_ids(loaded.processing_class)
    # Stage 2 gets its own seed so its rollouts do not replay stage 1's sampling stream.
    seed = config.seed + (1 if offset else 0)
    args = build_grpo_args(config, stage, ctx.plan, ctx.device, suppress, seed, ctx.reward_weights)
    callback = EventCallback(
        writer=ctx.writer,
        stage=StageInfo(name=stage.name, offset=offset, steps=stage.steps, total_steps=ctx.total_steps),
        cancel=ctx.cancel,
        device_kind=ctx.device.kind,
        completions_per_step=ctx.plan.completions_per_step,
        sample_every=config.logging.sample_every,
        is_main_process=ctx.is_main_process,
    )
    callbacks: list[Any] = [callback]
    probe: ProbeCallback | None = None
    if ctx.probe is not None and config.probe is not None:
        probe = ProbeCallback(
            config=config.probe,
            prompts=ctx.probe.prompts,
            verifier=ctx.probe.verifier,
            tracker=ctx.probe.tracker,
            writer=ctx.writer,
            stage_name=stage.name,
            offset=offset,
            is_main_process=ctx.is_main_process,
        )
        callbacks.append(probe)  # after EventCallback: a step's progress event comes before its probe
    trainer = CosmoTrainer(
        model=model,
        reward_funcs=ctx.reward_funcs,
        args=args,
        train_dataset=dataset,
        processing_class=loaded.processing_class,
        peft_config=peft_config,
        callbacks=callbacks,
        loss_settings=LossSettings(
            method=config.method,
            eps=config.cpgd.eps,
            alpha=config.cpgd.alpha,
            drift_cap=config.cpgd.drift_cap,
        ),
        safety_judge=ctx.safety_judge,
        max_prompt_length=config.max_prompt_length,
        protected_token_ids=suppress,
        image_paths=ctx.image_paths,
    )
    callback.bind(trainer)
    if probe is not None:
        probe.bind(trainer)
    resume_from = last_checkpoint(stage_dir(config, stage)) if resume else None
    trainer.train(resume_from_checkpoint=str(resume_from) if resume_from else None)

    if callback.cancelled:
        return StageResult(status="cancelled", checkpoint=callback.last_checkpoint)

    out = final_dir(config, stage)
    trainer.save_model(str(out))
    if ctx.is_main_process:
        loaded.processing_class.save_pretrained(str(out))
        marker = {"stage": stage.name, "steps": stage.steps, "global_step": trainer.state.global_step}
        (out / STAGE_MARKER).write_text(json.dumps(marker, indent=2) + "\n", encoding="utf-8")
        ctx.writer.emit(Checkpoint(step=offset + trainer.state.global_step, stage=stage.name, path=str(out.resolve())))
    if probe is not None and probe.stop_reason is not None:
        return StageResult(status="stopped", checkpoint=str(out.resolve()), reason=probe.stop_reason)
    return StageResult(status="completed", checkpoint=str(out.resolve()))
