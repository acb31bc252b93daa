"""CosmoTrainer in-process: CPGD's own advantages reach the loss, mixed batches score per row."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import torch
from worker_runs import TRAIN_ITEMS


def _trainer(tmp_path: Path, model_dir: Path, snapshot_dir: Path, method: str, max_prompt_length: int = 256) -> Any:
    from trl import GRPOConfig

    from cosmo_rl.config import LoraConfig, ModelConfig, RewardConfig
    from cosmo_rl.modeling import build_lora_config, load_policy
    from cosmo_rl.rewards import build_reward_funcs
    from cosmo_rl.snapshot import load_snapshot, snapshot_to_dataset
    from cosmo_rl.tiny import suppressed_token_ids
    from cosmo_rl.trainer import CosmoTrainer, LossSettings

    loaded = load_policy(ModelConfig(path_or_id=str(model_dir)), torch.float32)
    funcs, weights = build_reward_funcs(RewardConfig())
    suppress = suppressed_token_ids(loaded.processing_class)
    args = GRPOConfig(
        output_dir=str(tmp_path / "out"),
        max_steps=1,
        per_device_train_batch_size=4,
        steps_per_generation=2,
        num_generations=4,
        max_completion_length=8,
        use_cpu=True,
        bf16=False,
        report_to="none",
        save_strategy="no",
        disable_tqdm=True,
        remove_unused_columns=False,
        reward_weights=weights,
        generation_kwargs={"suppress_tokens": suppress},
        seed=3,
    )
    return CosmoTrainer(
        model=loaded.model,
        reward_funcs=funcs,
        args=args,
        train_dataset=snapshot_to_dataset(load_snapshot(snapshot_dir)),
        processing_class=loaded.processing_class,
        peft_config=build_lora_config(LoraConfig(r=4, alpha=8, dropout=0.0), loaded.kind),
        loss_settings=LossSettings(method=method),  # type: ignore[arg-type]
        max_prompt_length=max_prompt_length,
        protected_token_ids=suppress,
    )


@pytest.fixture(scope="module")
def trainer(tmp_path_factory: pytest.TempPathFactory, tiny_model_dir: Path) -> Any:
    from helpers import build_snapshot

    root = tmp_path_factory.mktemp("trainer")
    snapshot = build_snapshot(root / "snapshot", TRAIN_ITEMS)
    return _trainer(root, tiny_model_dir, snapshot, "cpgd")


def _rows(trainer: Any, ids: list[str]) -> list[dict[str, Any]]:
    dataset = trainer.train_dataset
    by_id = {row["id"]: row for row in dataset}
    # The sampler's layout: each prompt's K rollouts next to each other.
    return [dict(by_id[i]) for i in ids for _ in range(trainer.num_generations)]


def test_cpgd_advantages_are_the_methods_group_z_scores(trainer: Any) -> None:
    from cosmo_rl.cpgd import group_advantages

    trainer.model.train()
    torch.manual_seed(0)
    out = trainer._generate_and_score_completions(_rows(trainer, ["instruction-text", "general-image"]))
    rewards_per_func = trainer._last_rewards_per_func
    weighted = (rewards_per_func * trainer.reward_weights.unsqueeze(0)).nansum(dim=1)
    expected = group_advantages(weighted, 4)
    assert out["advantages"].tolist() == pytest.approx(expected.tolist(), rel=1e-6, abs=1e-9)
    # TRL's own normaliser (std + 1e-4) gives different numbers wherever a group has spread.
    grouped = weighted.view(-1, 4)
    trl_style = ((grouped - grouped.mean(1, keepdim=True)) / (grouped.std(1, keepdim=True) + 1e-4)).view(-1)
    assert (grouped.std(1) > 0).any(), "the instruction item's constraints should spread rewards in a group"
    assert out["advantages"].tolist() != pytest.approx(trl_style.tolist(), rel=1e-6, abs=1e-9)
    # Every rollout was recorded with its per-term rewards for the sample events.
    assert len(trainer.latest_rollouts) == 8
    assert {r.item_id for r in trainer.latest_rollouts} == {"instruction-text", "general-image"}
    assert all(set(r.rewards) == {"format", "visual", "helpful", "task"} for r in trainer.latest_rollouts)


def test_mixed_batch_log_probs_match_row_by_row(trainer: Any) -> None:
    trainer.model.eval()
    out = trainer._generate_and_score_completions(_rows(trainer, ["instruction-text", "general-image"]))
    input_ids = torch.cat([out["prompt_ids"], out["completion_ids"]], dim=1)
    mask = torch.cat([out["prompt_mask"], out["completion_mask"]], dim=1)
    keep = out["completion_ids"].size(1)
    mm = {k: out[k] for k in ("pixel_values", "image_grid_thw", "num_images", "mm_token_type_ids") if k in out}
    assert sorted(mm["num_images"]) == [0, 0, 0, 0, 1, 1, 1, 1]  # text-only and image rows together
    with torch.no_grad():
        # Chunks of 4: some chunks hold only text-only rows, which TRL alone would send empty image tensors.
        chunked, _, _ = trainer._get_per_token_logps_and_entropies(trainer.model, input_ids, mask, keep, 4, **mm)
        whole, _, _ = trainer._get_per_token_logps_and_entropies(trainer.model, input_ids, mask, keep, None, **mm)
    completion_mask = out["completion_mask"].bool()
    assert torch.allclose(chunked[completion_mask], whole[completion_mask], atol=1e-4)


def test_left_truncated_image_prompt_keeps_token_types_aligned(tmp_path: Path, tiny_model_dir: Path) -> None:
    """An image prompt longer than max_prompt_length: ids are cut, and so are the per-token
    multimodal fields (mm_token_type_ids) TRL passes with them, else M-RoPE's get_rope_index
    indexes past the cut ids (IndexError) during generation."""
    from helpers import build_snapshot

    long_text = "Describe every detail of this picture, its colours, shapes and the light in it. " * 4
    items = [
        {
            "id": "long-image",
            "task": "general",
            "messages": [{"role": "user", "content": [{"type": "text", "text": long_text}]}],
            "image": (200, 30, 30),
            "reference": "red",
        }
    ]
    snapshot = build_snapshot(tmp_path / "snapshot", items)
    trainer = _trainer(tmp_path, tiny_model_dir, snapshot, "cpgd", max_prompt_length=24)
    tokenizer = trainer.processing_class.tokenizer
    assert len(tokenizer(long_text)["input_ids"]) > 24, "the prompt must be longer than max_prompt_length"
    trainer.model.train()
    torch.manual_seed(0)
    out = trainer._generate_and_score_completions(_rows(trainer, ["long-image"]))
    assert out["prompt_ids"].shape[1] <= 24
    image_token = tokenizer.convert_tokens_to_ids("<|image_pad|>")
    kept = out["prompt_ids"][out["prompt_mask"].bool()].view(4, -1)
    assert (kept == image_token).sum(dim=1).tolist() == [4, 4, 4, 4]  # every vision token survived the cut
    # The training forward (TRL rebuilds the multimodal inputs from the untruncated prompt text) works too.
    trainer.current_gradient_accumulation_steps = 1  # set by Trainer.train's loop, which this test skips
    loss = trainer._compute_loss(trainer.model, out)
    assert torch.isfinite(loss)
