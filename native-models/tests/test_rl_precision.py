"""RL training hygiene: no dropout (on-policy passes agree), float32 master weights, checkpoint limit."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
import torch


def _dropout_model(tiny_model_dir: Path, tmp_path: Path) -> Any:
    """The tiny Qwen2-VL with attention dropout 0.3 in its config (real checkpoints ship 0.0 or more)."""
    from cosmo_rl.config import ModelConfig
    from cosmo_rl.modeling import load_policy

    folder = tmp_path / "dropout-model"
    shutil.copytree(tiny_model_dir, folder)
    config = json.loads((folder / "config.json").read_text(encoding="utf-8"))
    config["text_config"]["attention_dropout"] = 0.3
    (folder / "config.json").write_text(json.dumps(config), encoding="utf-8")
    return load_policy(ModelConfig(path_or_id=str(folder)), torch.float32), folder


def _logps(model: Any, input_ids: torch.Tensor) -> torch.Tensor:
    logits = model(input_ids=input_ids, attention_mask=torch.ones_like(input_ids)).logits
    return torch.log_softmax(logits[:, :-1].float(), dim=-1).gather(-1, input_ids[:, 1:, None]).squeeze(-1)


def test_two_train_mode_passes_agree_inside_the_trainer(tiny_model_dir: Path, tmp_path: Path) -> None:
    from helpers import build_snapshot
    from trl import GRPOConfig
    from worker_runs import TRAIN_ITEMS

    from cosmo_rl.config import LoraConfig, RewardConfig
    from cosmo_rl.modeling import build_lora_config
    from cosmo_rl.rewards import build_reward_funcs
    from cosmo_rl.snapshot import load_snapshot, snapshot_to_dataset
    from cosmo_rl.trainer import CosmoTrainer, LossSettings

    loaded, _ = _dropout_model(tiny_model_dir, tmp_path)
    tokenizer = loaded.processing_class.tokenizer
    input_ids = torch.tensor([tokenizer("the quick brown fox jumps over the lazy dog again")["input_ids"]])
    loaded.model.train()
    torch.manual_seed(0)
    first, second = _logps(loaded.model, input_ids), _logps(loaded.model, input_ids)
    assert not torch.equal(first, second), "the model's own dropout must be live for this test to mean anything"

    funcs, weights = build_reward_funcs(RewardConfig())
    trainer = CosmoTrainer(
        model=loaded.model,
        reward_funcs=funcs,
        args=GRPOConfig(
            output_dir=str(tmp_path / "out"),
            max_steps=1,
            per_device_train_batch_size=4,
            num_generations=4,
            use_cpu=True,
            bf16=False,
            report_to="none",
            remove_unused_columns=False,
            reward_weights=weights,
        ),
        train_dataset=snapshot_to_dataset(load_snapshot(build_snapshot(tmp_path / "snapshot", TRAIN_ITEMS))),
        processing_class=loaded.processing_class,
        peft_config=build_lora_config(LoraConfig(r=4, alpha=8, dropout=0.3), loaded.kind),
        loss_settings=LossSettings(),
    )
    model = trainer.model
    assert any(isinstance(m, torch.nn.Dropout) for m in model.modules()), "LoRA dropout modules exist"
    model.train()
    first, second = _logps(model, input_ids), _logps(model, input_ids)
    assert torch.equal(first, second)
    assert model.config.text_config.attention_dropout == 0.0


def test_full_fine_tuning_trains_float32_weights() -> None:
    from cosmo_rl.modeling import training_weights_dtype

    assert training_weights_dtype(False, torch.bfloat16) == torch.float32
    assert training_weights_dtype(True, torch.bfloat16) == torch.bfloat16  # frozen base; adapters are float32


def test_pure_bf16_full_fine_tuning_is_refused(tiny_model_dir: Path) -> None:
    from cosmo_rl.config import ModelConfig
    from cosmo_rl.modeling import load_policy, require_fp32_master_weights

    model = load_policy(ModelConfig(path_or_id=str(tiny_model_dir)), torch.float32).model
    require_fp32_master_weights(model)  # float32: accepted
    model.to(torch.bfloat16)
    with pytest.raises(ValueError, match=r"trainable weight tensor\(s\) are bfloat16, not float32"):
        require_fp32_master_weights(model)
    for param in model.parameters():
        param.requires_grad_(False)
    require_fp32_master_weights(model)  # frozen bf16 weights (a LoRA base) are fine


def test_save_total_limit_reaches_the_training_arguments(tiny_model_dir: Path, tmp_path: Path) -> None:
    from worker_runs import run_config

    from cosmo_rl.batching import plan_batches
    from cosmo_rl.config import RunConfig
    from cosmo_rl.devices import choose_device
    from cosmo_rl.stages import build_grpo_args

    data = run_config(tiny_model_dir, tmp_path / "snapshot", tmp_path / "out")
    for limit in (None, 2):
        config = RunConfig.from_dict({**data, "save_total_limit": limit})
        args = build_grpo_args(
            config, config.stages[0], plan_batches(config), choose_device("cpu"), [], 0, [1.0, 1.0, 1.0, 1.0]
        )
        assert args.save_total_limit == limit
