"""TrainerCallback that turns trainer activity into protocol events and honours a cancel.

Steps in events count over the whole run: stage 2's first step follows stage 1's last.
Only the main process writes events (under accelerate launch every rank runs this callback).
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from transformers import TrainerCallback, TrainerControl, TrainerState, TrainingArguments

from cosmo_rl.control import CancelToken
from cosmo_rl.devices import DeviceKind, peak_memory_mb
from cosmo_rl.protocol import (
    Checkpoint,
    EventWriter,
    Metrics,
    Progress,
    Rollout,
    RolloutRewards,
    Sample,
    finite_values,
)
from cosmo_rl.trainer import CosmoTrainer, RolloutRecord

# Keys of TRL's log dict that are bookkeeping, not per-step measurements.
_SKIP_LOG_KEYS = frozenset({"epoch", "total_flos"})
# Present only in the summary Trainer logs once at the end of train(): not a step's metrics.
_SUMMARY_KEY = "train_runtime"
SAMPLE_ROLLOUTS = 4  # rollouts per sample event: enough to read, small enough for the UI


@dataclass(frozen=True)
class StageInfo:
    name: str
    offset: int  # optimizer steps of earlier stages
    steps: int
    total_steps: int  # all stages together


def pick_varied(records: list[RolloutRecord], limit: int) -> list[RolloutRecord]:
    """Up to `limit` rollouts, distinct prompts first (a group's K rollouts sit next to each other)."""
    chosen: list[RolloutRecord] = []
    seen: set[str] = set()
    for record in records:
        if record.item_id not in seen:
            seen.add(record.item_id)
            chosen.append(record)
    for record in records:
        if record not in chosen:
            chosen.append(record)
    return chosen[:limit]


class EventCallback(TrainerCallback):
    def __init__(
        self,
        writer: EventWriter,
        stage: StageInfo,
        cancel: CancelToken,
        device_kind: DeviceKind,
        completions_per_step: int,
        sample_every: int,
        is_main_process: bool = True,
    ) -> None:
        self.writer = writer
        self.stage = stage
        self.cancel = cancel
        self.device_kind = device_kind
        self.completions_per_step = completions_per_step
        self.sample_every = sample_every
        self.is_main = is_main_process
        self.trainer: CosmoTrainer | None = None
        self.cancelled = False
        self.last_checkpoint: str | None = None
        self._t0: float | None = None
        self._first_step = 0
        self._first_tokens = 0.0
        self._sampled_batch = 0  # rollout batch shown by the last sample event
        self._last_sample_step: int | None = None

    def bind(self, trainer: CosmoTrainer) -> None:
        """The trainer owns the rollouts that sample events show."""
        self.trainer = trainer

    def on_train_begin(
        self, args: TrainingArguments, state: TrainerState, control: TrainerControl, **kwargs: Any
    ) -> None:
        # On resume, global_step starts where the checkpoint left off: rates count from here.
        self._t0 = time.monotonic()
        self._first_step = state.global_step
        self._first_tokens = float(state.num_input_tokens_seen)

    def on_step_end(self, args: TrainingArguments, state: TrainerState, control: TrainerControl, **kwargs: Any) -> None:
        step = state.global_step
        if self.is_main:
            self._emit_progress(step)
            self._maybe_emit_sample(step)
        if not self.cancelled and self._cancel_requested():
            # Save where we are, then stop: Trainer saves right after on_step_end when should_save is set.
            self.cancelled = True
            control.should_save = True
            control.should_training_stop = True
            if self.is_main:
                how = "Ctrl-C" if self.cancel.source == "interrupt" else "a cancel message"
                self.writer.log(
                    "info", f"cancelled by {how}: saving a checkpoint at step {self.stage.offset + step}, then stopping"
                )

    def on_log(
        self,
        args: TrainingArguments,
        state: TrainerState,
        control: TrainerControl,
        logs: dict[str, Any] | None = None,
        **kwargs: Any,
    ) -> None:
        if not self.is_main or not logs or _SUMMARY_KEY in logs:
            return
        values = finite_values({k: v for k, v in logs.items() if k not in _SKIP_LOG_KEYS})
        # Rates are running averages since this process started training: a rollout step and the
        # optimizer-only steps that reuse its batch take very different times, so per-step rates zigzag.
        steps = state.global_step - self._first_step
        elapsed = time.monotonic() - (self._t0 or time.monotonic())
        if steps > 0 and elapsed > 0:
            values["throughput/steps_per_second"] = steps / elapsed
            values["throughput/samples_per_second"] = steps * self.completions_per_step / elapsed
            tokens = float(state.num_input_tokens_seen) - self._first_tokens
            values["throughput/tokens_per_second"] = tokens / elapsed
        memory = peak_memory_mb(self.device_kind)
        if memory is not None:
            values["memory/peak_mb"] = memory
        if values:
            self.writer.emit(Metrics(step=self.stage.offset + state.global_step, stage=self.stage.name, values=values))

    def on_save(self, args: TrainingArguments, state: TrainerState, control: TrainerControl, **kwargs: Any) -> None:
        # TrainingArguments fills output_dir in __post_init__; the stubs keep it optional.
        path = str(Path(args.output_dir or ".").resolve() / f"checkpoint-{state.global_step}")
        self.last_checkpoint = path
        if self.is_main:
            self.writer.emit(Checkpoint(step=self.stage.offset + state.global_step, stage=self.stage.name, path=path))

    # -- helpers -------------------------------------------------------------------------
    def _cancel_requested(self) -> bool:
        """Rank 0 reads stdin; under accelerate launch every rank must stop at the same step or the
        others would wait forever in the next collective, so the flag is summed over ranks."""
        local = self.cancel.cancelled
        trainer = self.trainer
        if trainer is None or trainer.accelerator.num_processes == 1:
            return local
        import torch

        flag = torch.tensor([1.0 if local else 0.0], device=trainer.accelerator.device)
        return bool(trainer.accelerator.reduce(flag, reduction="sum").item() > 0)

    def _emit_progress(self, step: int) -> None:
        done_here = step - self._first_step
        eta: float | None = None
        if self._t0 is not None and done_here > 0:
            per_step = (time.monotonic() - self._t0) / done_here
            remaining = self.stage.total_steps - (self.stage.offset + step)
            eta = max(0.0, per_step * remaining)
        self.writer.emit(
            Progress(
                stage=self.stage.name,
                step=self.stage.offset + step,
                total_steps=self.stage.total_steps,
                stage_step=step,
                stage_total=self.stage.steps,
                eta_seconds=eta,
            )
        )

    def _maybe_emit_sample(self, step: int) -> None:
        trainer = self.trainer
        if trainer is None or not trainer.latest_rollouts or trainer.rollout_batches == self._sampled_batch:
            return  # nothing new: several optimizer steps share one rollout batch
        # The first new batch shows something early; after that at most one sample per `sample_every` steps.
        if self._last_sample_step is not None and step - self._last_sample_step < self.sample_every:
            return
        self._sampled_batch = trainer.rollout_batches
        self._last_sample_step = step
        rollouts = [
            Rollout(
                item_id=r.item_id,
                task=r.task,
                prompt=r.prompt,
                image=r.image,
                completion=r.completion,
                rewards=RolloutRewards(
                    format=r.rewards.get("format"),
                    visual=r.rewards.get("visual"),
                    helpful=r.rewards.get("helpful"),
                    task=r.rewards.get("task"),
                    total=r.total,
                ),
            )
            for r in pick_varied(trainer.latest_rollouts, SAMPLE_ROLLOUTS)
        ]
        self.writer.emit(Sample(step=self.stage.offset + step, stage=self.stage.name, rollouts=rollouts))
