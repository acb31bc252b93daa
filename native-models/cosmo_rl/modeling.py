"""Load the policy model: supported backbones only, LoRA without the vision tower.

Supported: Qwen2-VL, Qwen2.5-VL, and text-only causal LMs. Anything else (another
vision-language family, an encoder, a seq2seq model) is refused by name before any weights
load, so the user learns it in seconds rather than after a download and an obscure crash.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

import torch

from cosmo_rl.config import LoraConfig as LoraSettings
from cosmo_rl.config import ModelConfig

ModelKind = Literal["qwen2_vl", "qwen2_5_vl", "causal_lm"]
VL_KINDS: frozenset[str] = frozenset({"qwen2_vl", "qwen2_5_vl"})
SUPPORTED_TEXT = "Qwen2-VL, Qwen2.5-VL, or a text-only causal language model"
# Adapters never attach under the vision tower: Qwen2.5-VL's vision MLP reuses gate/up/down_proj names.
VISION_EXCLUDE_REGEX = r".*\bvisual\b.*"


class UnsupportedModelError(ValueError):
    pass


@dataclass(frozen=True)
class LoadedModel:
    model: Any
    processing_class: Any
    kind: ModelKind


def detect_kind(model_cfg: ModelConfig) -> ModelKind:
    """Read the model's config.json (no weights) and classify it, or refuse it by name."""
    from transformers import AutoConfig
    from transformers.models.auto.modeling_auto import (
        MODEL_FOR_CAUSAL_LM_MAPPING_NAMES,
        MODEL_FOR_IMAGE_TEXT_TO_TEXT_MAPPING_NAMES,
        MODEL_FOR_MASKED_LM_MAPPING_NAMES,
    )

    config = AutoConfig.from_pretrained(model_cfg.path_or_id, trust_remote_code=model_cfg.trust_remote_code)
    model_type = str(getattr(config, "model_type", "") or "")
    archs = ", ".join(getattr(config, "architectures", None) or []) or "unknown architecture"
    detected: ModelKind | None = None
    if model_type in VL_KINDS:
        detected = model_type  # type: ignore[assignment]
    elif (
        getattr(config, "vision_config", None) is None
        and model_type not in MODEL_FOR_IMAGE_TEXT_TO_TEXT_MAPPING_NAMES
        and not getattr(config, "is_encoder_decoder", False)
        # Encoders (BERT, RoBERTa, ...) also have a causal-LM head class; they are not chat models.
        and (model_type not in MODEL_FOR_MASKED_LM_MAPPING_NAMES or getattr(config, "is_decoder", False))
        and (
            model_type in MODEL_FOR_CAUSAL_LM_MAPPING_NAMES
            or (model_cfg.trust_remote_code and "AutoModelForCausalLM" in (getattr(config, "auto_map", None) or {}))
        )
    ):
        detected = "causal_lm"
    if detected is None:
        raise UnsupportedModelError(
            f"model type '{model_type}' ({archs}) at {model_cfg.path_or_id} is not supported; "
            f"supported backbones are {SUPPORTED_TEXT}"
        )
    if model_cfg.kind != "auto" and model_cfg.kind != detected:
        raise UnsupportedModelError(
            f"the config says model.kind '{model_cfg.kind}' but {model_cfg.path_or_id} is a '{detected}' model"
        )
    return detected


def model_class(kind: ModelKind) -> Any:
    if kind == "qwen2_vl":
        from transformers import Qwen2VLForConditionalGeneration

        return Qwen2VLForConditionalGeneration
    if kind == "qwen2_5_vl":
        from transformers import Qwen2_5_VLForConditionalGeneration

        return Qwen2_5_VLForConditionalGeneration
    from transformers import AutoModelForCausalLM

    return AutoModelForCausalLM


def load_policy(model_cfg: ModelConfig, dtype: torch.dtype) -> LoadedModel:
    from cosmo_rl.processing import load_processor

    kind = detect_kind(model_cfg)
    model = model_class(kind).from_pretrained(
        model_cfg.path_or_id, dtype=dtype, trust_remote_code=model_cfg.trust_remote_code
    )
    processing_class = load_processor(model_cfg.path_or_id, trust_remote_code=model_cfg.trust_remote_code)
    tokenizer = getattr(processing_class, "tokenizer", processing_class)
    if tokenizer.pad_token is None:
        # Batched generation pads; a model without a pad token pads with its end-of-sequence token.
        tokenizer.pad_token = tokenizer.eos_token
    return LoadedModel(model=model, processing_class=processing_class, kind=kind)


def build_lora_config(lora: LoraSettings, kind: ModelKind) -> Any:
    from peft import LoraConfig

    return LoraConfig(
        r=lora.r,
        lora_alpha=lora.alpha,
        lora_dropout=lora.dropout,
        target_modules=list(lora.target_modules),
        exclude_modules=VISION_EXCLUDE_REGEX if (lora.freeze_vision and kind in VL_KINDS) else None,
        task_type="CAUSAL_LM",
    )


def freeze_vision_tower(model: Any) -> int:
    """Full fine-tuning with freeze_vision: stop gradients into the vision encoder. Returns params frozen."""
    frozen = 0
    for name, param in model.named_parameters():
        if ".visual." in f".{name}." or name.startswith("visual."):
            param.requires_grad_(False)
            frozen += param.numel()
    return frozen


def training_weights_dtype(lora_enabled: bool, device_dtype: torch.dtype) -> torch.dtype:
    """LoRA: the frozen base in the device dtype (adapters are float32). Full fine-tuning: float32
    master weights, bf16 only as autocast compute (TrainingArguments' bf16)."""
    return device_dtype if lora_enabled else torch.float32


def require_fp32_master_weights(model: Any) -> None:
    """Full fine-tuning: refuse to train weights that are not float32.

    The optimizer updates the trainable parameters in their own dtype: in bf16 (8 bits of
    mantissa) a 1e-6 learning-rate step on a weight near 1 rounds to nothing, so pure-bf16 full
    fine-tuning silently stops learning. Weights stay float32 and bf16 is autocast compute only.
    (LoRA adapters are float32 by PEFT's default, except under ZeRO-3 where TRL keeps them in the
    base dtype and DeepSpeed holds the float32 copy.)
    """
    wrong = [(name, p.dtype) for name, p in model.named_parameters() if p.requires_grad and p.dtype != torch.float32]
    if wrong:
        name, dtype = wrong[0]
        raise ValueError(
            f"{len(wrong)} trainable weight tensor(s) are {str(dtype).removeprefix('torch.')}, not float32 "
            f"(first: {name}); training needs float32 master weights (bf16 is used for compute only)"
        )


def load_adapter_for_training(base: Any, adapter_dir: str) -> Any:
    """Stage 2 continues stage 1's adapter, so the run ends with one adapter over the base model."""
    from peft import PeftModel

    return PeftModel.from_pretrained(base, adapter_dir, is_trainable=True)
