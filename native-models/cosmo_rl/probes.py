"""Probes during training: greedy answers to a small, fixed evaluation sample every N steps.

Every `probe.every` optimizer steps (run-wide count, so stage 2 continues stage 1's schedule), and
once before the first step as a baseline, the current policy answers the first `probe.max_prompts`
prompts of `probe.items/items.jsonl` greedily (so successive probes differ only by the weights),
with the training system prompt and chat template (`cosmo_rl.generate`). The reward's own task
verifier then gives each answer its safety outcome (`cosmo_rl.rewards.safety_outcome`, the code
that scores rewards and the studio's `score` jobs), and a `probe` event reports the counts:

- unsafe: harmful prompts answered `unsafe`; care: harmful prompts answered `care`;
- over-refused: benign prompts refused (`unnecessary_refusal`, or a `refusal` of a benign prompt);
- prompts whose harmful / benign status is unknown (`harmful: null`) count in neither rate.
Wilson intervals are the studio's (`main/core/evaluation/stats/wilson.ts`): the event carries counts.

The optional stop rule watches one rate: when it is strictly above `above` for `consecutive`
probes in a row, the run saves a checkpoint and stops as completed, with the reason in its
`finished` event. The baseline is shown but never counts toward the rule (it measures the base
model, not what training did); a probe without prompts of the rule's kind neither counts nor
breaks a streak. The streak lives in this process: a resumed run starts counting again.
"""

from __future__ import annotations

import argparse
import json
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from transformers import TrainerCallback, TrainerControl, TrainerState, TrainingArguments

from cosmo_rl.config import ProbeConfig, ProbeStopRule
from cosmo_rl.generate import (
    EvalFileError,
    EvalItem,
    _batches,
    _generate_batch,
    read_eval_file,
    with_training_system_prompt,
)
from cosmo_rl.protocol import EventWriter, Probe
from cosmo_rl.rewards.outcome import Outcome, safety_outcome
from cosmo_rl.verifiers import ItemFields, Verifier

PROBE_BATCH = 8
_METRIC_WORDS = {"over_refusal_rate": "over-refusal", "unsafe_rate": "unsafe"}


@dataclass(frozen=True)
class ProbePrompt:
    item: EvalItem  # with the training system prompt
    fields: ItemFields  # what the verifier reads


def load_probe_prompts(config: ProbeConfig) -> list[ProbePrompt]:
    """The first `max_prompts` items of the probe folder, in file order (the same every probe)."""
    path = Path(config.items) / "items.jsonl"
    items = read_eval_file(path)[: config.max_prompts]
    raw: dict[str, dict[str, Any]] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            row = json.loads(line)
            raw.setdefault(str(row["id"]), row)
    prompts: list[ProbePrompt] = []
    for item in items:
        row = raw[item.item_id]
        if not isinstance(row.get("task"), str):
            raise EvalFileError(f"{path}: item {item.item_id}: task: missing (the verifier routes on it)")
        text = "\n".join(
            p["text"] for m in item.messages if m["role"] == "user" for p in m["content"] if p["type"] == "text"
        )
        fields = ItemFields.from_mapping({**row, "prompt_text": text, "has_image": bool(item.images)})
        prompts.append(ProbePrompt(item=with_training_system_prompt(item), fields=fields))
    return prompts


@dataclass(frozen=True)
class ProbeCounts:
    prompts: int
    harmful: int
    benign: int
    unsafe: int
    over_refused: int
    care: int

    def rate(self, metric: str) -> float | None:
        if metric == "unsafe_rate":
            return self.unsafe / self.harmful if self.harmful else None
        if metric == "over_refusal_rate":
            return self.over_refused / self.benign if self.benign else None
        if metric == "care_rate":
            return self.care / self.harmful if self.harmful else None
        raise ValueError(f"unknown probe metric {metric}")


def count_outcomes(prompts: list[ProbePrompt], outcomes: list[Outcome | None]) -> ProbeCounts:
    harmful = benign = unsafe = over_refused = care = 0
    for prompt, outcome in zip(prompts, outcomes, strict=True):
        if prompt.fields.harmful is True:
            harmful += 1
            unsafe += outcome == "unsafe"
            care += outcome == "care"
        elif prompt.fields.harmful is False:
            benign += 1
            over_refused += outcome in ("unnecessary_refusal", "refusal")
    return ProbeCounts(len(prompts), harmful, benign, unsafe, over_refused, care)


class StopRuleTracker:
    """Counts probes in a row above the rule's threshold; shared by the stages of one run."""

    def __init__(self, rule: ProbeStopRule | None) -> None:
        self.rule = rule
        self.streak: list[float] = []

    def observe(self, counts: ProbeCounts) -> str | None:
        """Feeds one (non-baseline) probe; returns the stop reason when the rule fires."""
        rule = self.rule
        if rule is None:
            return None
        value = counts.rate(rule.metric)
        if value is None:
            return None  # nothing of the rule's kind was measured: neither counts nor breaks the streak
        self.streak = [*self.streak, value] if value > rule.above else []
        if len(self.streak) < rule.consecutive:
            return None
        shown = ", ".join(f"{v:.0%}" for v in self.streak[-rule.consecutive :])
        probes = "probe" if rule.consecutive == 1 else f"{rule.consecutive} probes"
        return f"stopped by probe rule: {_METRIC_WORDS[rule.metric]} {shown} > {rule.above:.0%} for {probes} in a row"


def probe_outcomes(
    model: Any, processor: Any, prompts: list[ProbePrompt], verifier: Verifier, max_new_tokens: int
) -> list[Outcome | None]:
    """Greedy answers of `model` to the prompts, each given its safety outcome by `verifier`."""
    from cosmo_rl.tiny import suppressed_token_ids

    settings = argparse.Namespace(max_new_tokens=max_new_tokens, temperature=0.0, top_p=1.0)
    suppress = suppressed_token_ids(processor)
    texts: dict[str, str] = {}
    for batch in _batches([p.item for p in prompts], PROBE_BATCH):
        for item, (text, _, _) in zip(batch, _generate_batch(model, processor, batch, settings, suppress), strict=True):
            texts[item.item_id] = text
    answers = [texts[p.item.item_id] for p in prompts]
    fields = [p.fields for p in prompts]
    verdicts = verifier.verdicts(fields, answers)
    return [safety_outcome(f, text, verifier, verdict=v) for f, text, v in zip(fields, answers, verdicts, strict=True)]


class ProbeCallback(TrainerCallback):
    def __init__(
        self,
        config: ProbeConfig,
        prompts: list[ProbePrompt],
        verifier: Verifier,
        tracker: StopRuleTracker,
        writer: EventWriter,
        stage_name: str,
        offset: int,
        is_main_process: bool = True,
    ) -> None:
        self.config = config
        self.prompts = prompts
        self.verifier = verifier
        self.tracker = tracker
        self.writer = writer
        self.stage_name = stage_name
        self.offset = offset
        self.is_main = is_main_process
        self.trainer: Any = None
        self.stop_reason: str | None = None

    def bind(self, trainer: Any) -> None:
        self.trainer = trainer

    def on_train_begin(
        self, args: TrainingArguments, state: TrainerState, control: TrainerControl, **kwargs: Any
    ) -> None:
        # Baseline: before the first step of the run (not on resume, not at stage 2's start).
        if state.global_step == 0 and self.offset == 0:
            self._probe(0, kwargs.get("model"), baseline=True)

    def on_step_end(self, args: TrainingArguments, state: TrainerState, control: TrainerControl, **kwargs: Any) -> None:
        step = self.offset + state.global_step
        if step % self.config.every != 0 or self.stop_reason is not None:
            return
        reason = self._probe(step, kwargs.get("model"), baseline=False)
        if self._agreed(reason is not None):
            # Trainer saves right after on_step_end when should_save is set: the stop keeps its weights.
            self.stop_reason = reason or "stopped by probe rule (another process's probe)"
            control.should_save = True
            control.should_training_stop = True
            if self.is_main:
                self.writer.log("info", f"{self.stop_reason}: saving a checkpoint at step {step}, then stopping")

    def _probe(self, step: int, model: Any, baseline: bool) -> str | None:
        import torch

        trainer = self.trainer
        if model is None and trainer is not None:
            model = trainer.model
        processor = trainer.processing_class if trainer is not None else None
        if model is None or processor is None:
            raise RuntimeError("the probe callback needs the trainer's model and processing class")
        started = time.monotonic()
        was_training = model.training
        model.eval()
        try:
            with torch.no_grad(), self._unwrapped(model) as policy:
                outcomes = probe_outcomes(policy, processor, self.prompts, self.verifier, self.config.max_new_tokens)
        finally:
            if was_training:
                model.train()
        counts = count_outcomes(self.prompts, outcomes)
        reason = None if baseline else self.tracker.observe(counts)
        if self.is_main:
            self.writer.emit(
                Probe(
                    step=step,
                    stage=self.stage_name,
                    baseline=baseline,
                    prompts=counts.prompts,
                    harmful=counts.harmful,
                    benign=counts.benign,
                    unsafe=counts.unsafe,
                    over_refused=counts.over_refused,
                    care=counts.care,
                    unsafe_rate=counts.rate("unsafe_rate"),
                    over_refusal_rate=counts.rate("over_refusal_rate"),
                    care_rate=counts.rate("care_rate"),
                    seconds=time.monotonic() - started,
                    stop_reason=reason,
                )
            )
        return reason

    def _unwrapped(self, model: Any) -> Any:
        """The policy to call generate on: under DeepSpeed ZeRO-3 its parameters are gathered first."""
        from contextlib import nullcontext

        trainer = self.trainer
        if trainer is None or trainer.accelerator.num_processes == 1:
            return nullcontext(model)
        from trl.models import unwrap_model_for_generation

        return unwrap_model_for_generation(trainer.model_wrapped, trainer.accelerator)

    def _agreed(self, local: bool) -> bool:
        """Every rank must stop at the same step, or the others would wait in the next collective."""
        trainer = self.trainer
        if trainer is None or trainer.accelerator.num_processes == 1:
            return local
        import torch

        flag = torch.tensor([1.0 if local else 0.0], device=trainer.accelerator.device)
        return bool(trainer.accelerator.reduce(flag, reduction="sum").item() > 0)
