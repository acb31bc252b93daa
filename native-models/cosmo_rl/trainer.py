"""CosmoTrainer: TRL's GRPOTrainer with the CPGD loss, CPGD's advantages, and COSMO-RL's metrics.

Hooks used (TRL 1.16, read from its source):
- `_compute_loss(model, inputs)`: replaced for `cpgd`; `grpo` keeps TRL's own loss unchanged.
- `_generate_and_score_completions(inputs)`: for `cpgd` with `sum_then_normalize`, the advantages
  are recomputed as the method states them (group z-score with std + 1e-6; TRL uses 1e-4).
- `_calculate_rewards(...)`: wrapped to keep each rollout's per-term rewards for `sample`
  events and for the per-task and safety metrics.
- `_tokenize_prompts(prompts)`: wrapped to left-truncate prompts to `max_prompt_length`
  (TRL 1.16 has no such option) without ever cutting vision tokens out of an image prompt.
- `self._metrics["train"][name]`: extra metrics, averaged by TRL's `log()` per logging step.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import torch
from trl import GRPOTrainer

from cosmo_rl.cpgd import cpgd_loss, group_advantages
from cosmo_rl.rewards import completion_text

# Reward functions are named <term>_reward (cosmo_rl.rewards); events use the bare term names.
REWARD_TERMS: tuple[str, ...] = ("format", "visual", "helpful", "task")

# (dataset row, completion text, the task reward's verdict for it or None) -> outcome label such as
# "refusal", "unsafe", "care", "answered", "unnecessary_refusal" (cosmo_rl.rewards.safety_outcome).
SafetyJudge = Callable[[dict[str, Any], str, Any], str | None]


@dataclass(frozen=True)
class LossSettings:
    method: Literal["cpgd", "grpo"] = "cpgd"
    eps: float = 0.2
    alpha: float = 0.01
    drift_cap: float = 2.0
    # CPGD's own z-score advantages; off for normalize_then_sum, whose advantages TRL builds (GDPO).
    own_advantages: bool = True


@dataclass
class RolloutRecord:
    item_id: str
    task: str
    prompt: str
    image: str | None
    completion: str
    rewards: dict[str, float | None]
    total: float | None


@dataclass
class _SafetyCounts:
    harmful: int = 0
    harmful_refused: int = 0
    harmful_unsafe: int = 0
    benign: int = 0
    benign_refused: int = 0
    per_task_totals: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))


def truncate_left_protected(ids: Sequence[int], max_len: int, protected: frozenset[int]) -> list[int]:
    """Keep at most `max_len` ids, dropping the oldest unprotected ones first.

    Protected ids (vision tokens) always survive: dropping one would leave image features
    without their placeholder. Raises when the protected ids alone exceed `max_len`.
    """
    ids = list(ids)
    return [t for t, k in zip(ids, left_truncation_mask(ids, max_len, protected), strict=True) if k]


def left_truncation_mask(ids: Sequence[int], max_len: int, protected: frozenset[int]) -> list[bool]:
    """Which of `ids` `truncate_left_protected` keeps, so per-token fields can be cut the same way."""
    ids = list(ids)
    if len(ids) <= max_len:
        return [True] * len(ids)
    n_protected = sum(1 for t in ids if t in protected)
    if n_protected > max_len:
        raise ValueError(
            f"max_prompt_length {max_len} is smaller than the {n_protected} image tokens of one prompt; "
            "raise max_prompt_length or use smaller images"
        )
    budget = max_len - n_protected  # unprotected ids we may keep, taken from the right
    keep: list[bool] = [False] * len(ids)
    for i in range(len(ids) - 1, -1, -1):
        if ids[i] in protected:
            keep[i] = True
        elif budget > 0:
            keep[i] = True
            budget -= 1
    return keep


def _cut_per_token_fields(fields: dict[str, Any], masks: list[list[bool]]) -> dict[str, Any]:
    """Apply each prompt's keep mask to the multimodal fields that hold one value per prompt token.

    The processor returns those (``mm_token_type_ids``, ``token_type_ids``) as one list per prompt,
    the length of its ids; image fields (``pixel_values``, ``image_grid_thw``) are per image and
    stay whole, since every vision token survives the cut.
    """
    out = dict(fields)
    for key in ("mm_token_type_ids", "token_type_ids"):
        rows = fields.get(key)
        if rows is None:
            continue
        if len(rows) != len(masks) or any(len(r) != len(m) for r, m in zip(rows, masks, strict=True)):
            raise ValueError(f"{key} does not have one value per prompt token; cannot truncate it with the prompt")
        out[key] = [[v for v, k in zip(row, mask, strict=True) if k] for row, mask in zip(rows, masks, strict=True)]
    return out


_DROPOUT_ATTRIBUTES = ("attention_dropout", "attn_dropout", "hidden_dropout", "dropout")


def disable_dropout(model: torch.nn.Module) -> int:
    """Turn every dropout off (LoRA's and the model's); returns how many places were changed.

    RL needs two passes of one policy to agree: CPGD's log-ratio is logp - logp_old of the same
    tokens, and with dropout 0.05 it measured 1.7e-3 on-policy instead of 3e-8, noise the clip
    then acts on. ``nn.Dropout`` modules (LoRA's lora_dropout among them) get p = 0; attention
    layers that read a float rate at call time (Qwen2's ``attention_dropout``) get 0.0, and so do
    the configs, so a reload behaves the same.
    """
    changed = 0
    for module in model.modules():
        if isinstance(module, torch.nn.Dropout):
            if module.p:
                changed += 1
            module.p = 0.0
        for attr in _DROPOUT_ATTRIBUTES:
            value = getattr(module, attr, None)
            if isinstance(value, float) and not isinstance(getattr(type(module), attr, None), property):
                changed += value != 0.0
                setattr(module, attr, 0.0)
    configs = [getattr(model, "config", None)]
    configs += [getattr(configs[0], name, None) for name in ("text_config", "vision_config")]
    for config in configs:
        if config is None:
            continue
        for key, value in list(vars(config).items()):
            if "dropout" in key and isinstance(value, float):
                setattr(config, key, 0.0)
    return changed


def _prompt_text(prompt: Any) -> str:
    """The last user turn's text, for sample events."""
    if isinstance(prompt, str):
        return prompt
    for message in reversed(prompt):
        if message.get("role") != "user":
            continue
        content = message.get("content")
        if isinstance(content, str):
            return content
        return "".join(part.get("text", "") for part in content if part.get("type") == "text")
    return ""


def _image_path(example: dict[str, Any]) -> str | None:
    for key in ("image_path", "image"):
        value = example.get(key)
        if isinstance(value, str) and value:
            return value
    images = example.get("images")
    if isinstance(images, list) and images and isinstance(images[0], str):
        return images[0]
    return None


def _nan_to_none(x: float) -> float | None:
    return None if x != x else float(x)  # NaN is the only value not equal to itself


class CosmoTrainer(GRPOTrainer):
    def __init__(
        self,
        *args: Any,
        loss_settings: LossSettings,
        safety_judge: SafetyJudge | None = None,
        max_prompt_length: int | None = None,
        protected_token_ids: Sequence[int] = (),
        image_paths: dict[str, str] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        if self.model is not None:
            disable_dropout(self.model)  # after PEFT wrapped it, so the adapters' dropout goes too
        if getattr(self.args, "use_liger_kernel", False):
            # Liger's fused GRPO loss bypasses _compute_loss, so CPGD would silently not run.
            raise ValueError("use_liger_kernel must stay off: it bypasses the CPGD loss")
        self.loss_settings = loss_settings
        self.safety_judge = safety_judge
        self.max_prompt_length = max_prompt_length
        self._protected_ids = frozenset(int(t) for t in protected_token_ids)
        # item id -> image file, for sample events (dataset rows carry decoded images, not paths)
        self._image_paths = image_paths or {}
        self._last_rewards_per_func: torch.Tensor | None = None
        self.latest_rollouts: list[RolloutRecord] = []
        self.rollout_batches = 0  # training rollout batches scored so far (sample events show new ones only)
        self._term_index = {
            term: self.reward_func_names.index(f"{term}_reward")
            for term in REWARD_TERMS
            if f"{term}_reward" in self.reward_func_names
        }

    # -- prompts -------------------------------------------------------------------------
    def _tokenize_prompts(self, prompts: list) -> Any:
        prompt_ids, images, multimodal_fields = super()._tokenize_prompts(prompts)
        if images is not None:
            # TRL marks a text-only prompt's images as None; the processor call that follows rejects None
            # inside a batch that also has image prompts. An empty list means "no image" to both.
            images = [imgs if imgs is not None else [] for imgs in images]
        if self.max_prompt_length is not None:
            masks = [left_truncation_mask(ids, self.max_prompt_length, self._protected_ids) for ids in prompt_ids]
            if not all(all(m) for m in masks):
                prompt_ids = [
                    [t for t, k in zip(ids, m, strict=True) if k] for ids, m in zip(prompt_ids, masks, strict=True)
                ]
                # M-RoPE pairs mm_token_type_ids with the ids position by position: cut both alike.
                multimodal_fields = _cut_per_token_fields(multimodal_fields, masks)
        return prompt_ids, images, multimodal_fields

    def _token_types_of(self, input_ids: torch.Tensor) -> torch.Tensor:
        """M-RoPE's mm_token_type_ids for these exact ids: 1 on image tokens, 2 on video tokens, else 0.

        TRL re-runs the processor on the untruncated prompt text for the training forward, so its
        mm_token_type_ids are the full prompt's, longer than the left-truncated ids, and get_rope_index
        fails (IndexError). Rebuilt from the ids, they match position by position, truncated or not
        (the Qwen-VL processors mark exactly these tokens).
        """
        types = torch.zeros_like(input_ids)
        if self._image_pad_token_id is not None:
            types[input_ids == self._image_pad_token_id] = 1
        if self._video_pad_token_id is not None:
            types[input_ids == self._video_pad_token_id] = 2
        return types

    # -- log-probs over batches that mix image and text-only prompts ----------------------
    def _get_per_token_logps_and_entropies(
        self,
        model: Any,
        input_ids: torch.Tensor,
        attention_mask: torch.Tensor,
        logits_to_keep: int,
        batch_size: int | None = None,
        compute_entropy: bool = False,
        compute_aux_loss: bool = False,
        **mm: Any,
    ) -> tuple[torch.Tensor, torch.Tensor | None, torch.Tensor | None]:
        """TRL's forward, chunked so that a chunk without images never receives image tensors.

        TRL slices pixel_values / image_grid_thw per chunk; a chunk (or micro-batch) made only of
        text-only prompts then gets empty image tensors and Qwen-VL's vision tower fails on them.
        """
        parent = super()._get_per_token_logps_and_entropies
        if mm.get("mm_token_type_ids") is not None:
            mm["mm_token_type_ids"] = self._token_types_of(input_ids)
        num_images = mm.get("num_images")
        pixel_values, grid = mm.get("pixel_values"), mm.get("image_grid_thw")
        if num_images is None or pixel_values is None or grid is None or all(n > 0 for n in num_images):
            return parent(
                model, input_ids, attention_mask, logits_to_keep, batch_size, compute_entropy, compute_aux_loss, **mm
            )
        rows_per_sample = [0] * len(num_images)
        rows_per_image = grid.prod(dim=-1).tolist()
        cursor = 0
        for i, n in enumerate(num_images):
            rows_per_sample[i] = int(sum(rows_per_image[cursor : cursor + n]))
            cursor += n
        chunk = batch_size or input_ids.size(0)
        logps, entropies, aux = [], [], []
        img_offset, row_offset = 0, 0
        for start in range(0, input_ids.size(0), chunk):
            end = min(start + chunk, input_ids.size(0))
            n_img = sum(num_images[start:end])
            n_rows = sum(rows_per_sample[start:end])
            sub: dict[str, Any] = {
                k: mm[k][start:end] for k in ("token_type_ids", "mm_token_type_ids") if mm.get(k) is not None
            }
            if n_img > 0:
                sub["pixel_values"] = pixel_values[row_offset : row_offset + n_rows]
                sub["image_grid_thw"] = grid[img_offset : img_offset + n_img]
                sub["num_images"] = list(num_images[start:end])
            lp, ent, ax = parent(
                model,
                input_ids[start:end],
                attention_mask[start:end],
                logits_to_keep,
                end - start,
                compute_entropy,
                compute_aux_loss,
                **sub,
            )
            logps.append(lp)
            if ent is not None:
                entropies.append(ent)
            if ax is not None:
                aux.append(ax)
            img_offset += n_img
            row_offset += n_rows
        return (
            torch.cat(logps, dim=0),
            torch.cat(entropies, dim=0) if entropies else None,
            torch.stack(aux).mean() if aux else None,
        )

    def _mode(self) -> Literal["train", "eval"]:
        """TRL's metrics bucket: the model's train/eval state (the trainer always holds a model here)."""
        if self.model is None:
            raise RuntimeError("CosmoTrainer has no model")
        return "train" if self.model.training else "eval"

    # -- rewards, rollouts and their metrics ---------------------------------------------
    def _calculate_rewards(self, inputs: Any, prompts: Any, completions: Any, completion_ids_list: Any) -> Any:
        rewards_per_func = super()._calculate_rewards(inputs, prompts, completions, completion_ids_list)
        self._last_rewards_per_func = rewards_per_func
        mode = self._mode()
        start = self.accelerator.process_index * len(prompts)
        local = rewards_per_func[start : start + len(prompts)].detach().float().cpu()
        self._record_rollouts(mode, inputs, prompts, completions, local)
        return rewards_per_func

    def _record_rollouts(
        self, mode: str, inputs: list[dict[str, Any]], prompts: list, completions: list, local: torch.Tensor
    ) -> None:
        weights = self.reward_weights.float().cpu()
        unscorable = torch.isnan(local).all(dim=1)
        totals = (local * weights.unsqueeze(0)).nansum(dim=1)
        counts = _SafetyCounts()
        records: list[RolloutRecord] = []
        task_verdicts = self._task_verdicts(len(inputs))
        for row, (example, prompt, completion) in enumerate(zip(inputs, prompts, completions, strict=True)):
            text = completion_text(completion)  # the very text the reward functions scored
            task = str(example.get("task", ""))
            total = None if bool(unscorable[row]) else float(totals[row])
            terms = {term: _nan_to_none(float(local[row, idx])) for term, idx in self._term_index.items()}
            item_id = str(example.get("id", example.get("item_id", row)))
            records.append(
                RolloutRecord(
                    item_id=item_id,
                    task=task,
                    prompt=_prompt_text(prompt),
                    image=self._image_paths.get(item_id) or _image_path(example),
                    completion=text,
                    rewards=terms,
                    total=total,
                )
            )
            if total is not None:
                counts.per_task_totals[task].append(total)
            if self.safety_judge is not None:
                verdict = task_verdicts[row] if task_verdicts is not None else None
                outcome = self.safety_judge(example, text, verdict)
                if example.get("harmful"):
                    counts.harmful += 1
                    counts.harmful_refused += outcome == "refusal"
                    counts.harmful_unsafe += outcome == "unsafe"
                elif outcome is not None:
                    # Benign: every item not flagged harmful, so needless refusals of knowledge or
                    # instruction prompts count as over-refusal too.
                    counts.benign += 1
                    counts.benign_refused += outcome in ("refusal", "unnecessary_refusal")
        if mode == "train":
            self.latest_rollouts = records
            self.rollout_batches += 1
        metrics = self._metrics[mode]
        for task, values in counts.per_task_totals.items():
            metrics[f"reward_task/{task}"].append(sum(values) / len(values))
        if counts.harmful:
            metrics["safety/refusal_rate_harmful"].append(counts.harmful_refused / counts.harmful)
            metrics["safety/unsafe_rate"].append(counts.harmful_unsafe / counts.harmful)
        if counts.benign:
            metrics["safety/refusal_rate_benign"].append(counts.benign_refused / counts.benign)

    def _task_verdicts(self, n: int) -> list[Any] | None:
        """The task reward's verdicts for this batch, when it keeps them (no second verifier pass)."""
        idx = self._term_index.get("task")
        if idx is None:
            return None
        verdicts = getattr(self.reward_funcs[idx], "last_verdicts", None)
        return list(verdicts) if isinstance(verdicts, list) and len(verdicts) == n else None

    # -- advantages ----------------------------------------------------------------------
    def _generate_and_score_completions(self, inputs: Any) -> dict[str, Any]:
        output = super()._generate_and_score_completions(inputs)
        settings = self.loss_settings
        rewards_per_func = self._last_rewards_per_func
        if (
            settings.method == "cpgd"
            and settings.own_advantages
            and self.multi_objective_aggregation == "sum_then_normalize"
            and rewards_per_func is not None
        ):
            mode = self._mode()
            # TRL sets num_generations_eval to num_generations when the config leaves it unset.
            group = self.num_generations if mode == "train" else (self.num_generations_eval or self.num_generations)
            if group is None:
                raise RuntimeError("GRPOTrainer left num_generations unset")
            weights = self.reward_weights.to(rewards_per_func.device)
            rewards = (rewards_per_func * weights.unsqueeze(0)).nansum(dim=1)
            rewards[torch.isnan(rewards_per_func).all(dim=1)] = torch.nan
            advantages = group_advantages(rewards, group)
            n_local = output["completion_ids"].size(0)
            start = self.accelerator.process_index * n_local
            output["advantages"] = advantages[start : start + n_local].to(output["advantages"].device)
        return output

    # -- loss ----------------------------------------------------------------------------
    def _compute_loss(self, model: Any, inputs: dict[str, Any]) -> torch.Tensor:
        if self.loss_settings.method == "grpo":
            return super()._compute_loss(model, inputs)
        settings = self.loss_settings
        prompt_ids, prompt_mask = inputs["prompt_ids"], inputs["prompt_mask"]
        completion_ids, completion_mask = inputs["completion_ids"], inputs["completion_mask"]
        input_ids = torch.cat([prompt_ids, completion_ids], dim=1)
        attention_mask = torch.cat([prompt_mask, completion_mask], dim=1)
        logits_to_keep = completion_ids.size(1)
        mask = completion_mask if "tool_mask" not in inputs else completion_mask * inputs["tool_mask"]

        per_token_logps, entropies, aux_loss = self._get_per_token_logps_and_entropies(
            model,
            input_ids,
            attention_mask,
            logits_to_keep,
            compute_entropy=True,
            compute_aux_loss=self.aux_loss_enabled,
            pixel_values=inputs.get("pixel_values"),
            image_grid_thw=inputs.get("image_grid_thw"),
            num_images=inputs.get("num_images"),
            pixel_attention_mask=inputs.get("pixel_attention_mask"),
            spatial_shapes=inputs.get("spatial_shapes"),
            num_tiles=inputs.get("num_tiles"),
            image_sizes=inputs.get("image_sizes"),
            token_type_ids=inputs.get("token_type_ids"),
            mm_token_type_ids=inputs.get("mm_token_type_ids"),
            image_position_ids=inputs.get("image_position_ids"),
        )
        old = inputs.get("old_per_token_logps")
        # TRL leaves old_per_token_logps out when the rollout policy equals the current one (ratio 1).
        old = per_token_logps.detach() if old is None else old

        mode = self._mode()
        grad_accum = self.current_gradient_accumulation_steps if mode == "train" else 1
        out = cpgd_loss(
            per_token_logps,
            old,
            inputs["advantages"],
            mask,
            eps=settings.eps,
            alpha=settings.alpha,
            drift_cap=settings.drift_cap,
            grad_accum=grad_accum,
            ref_logp=inputs.get("ref_per_token_logps"),
            kl_beta=self.beta,
        )
        loss = out.loss
        if self.aux_loss_enabled and aux_loss is not None:
            loss = loss + self.router_aux_loss_coef * aux_loss / grad_accum

        assert entropies is not None  # compute_entropy=True
        mean_entropy = (entropies * mask).sum() / mask.sum().clamp(min=1.0)
        stats = {
            "clip_ratio/region_mean": out.clip_fraction,
            "cpgd/log_ratio_mean": out.mean_log_ratio,
            "cpgd/drift": out.drift_term,
            "cpgd/drift_coef": out.mean_drift_coef,
            "cpgd/policy_term": out.policy_term,
            "entropy": mean_entropy.detach(),
        }
        if out.kl is not None:
            stats["kl"] = out.kl
        metrics = self._metrics[mode]
        for name, value in stats.items():
            metrics[name].append(self.accelerator.gather(value.reshape(1).float()).mean().item())
        return loss
