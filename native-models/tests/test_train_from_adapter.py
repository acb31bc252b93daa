"""A run that starts from an earlier run's LoRA checkpoint (`model.adapter`) trains that adapter
further instead of a fresh one."""

from __future__ import annotations

from pathlib import Path

import torch
from helpers import build_snapshot, random_adapter
from safetensors.torch import load_file
from worker_runs import TRAIN_ITEMS, run_config, run_worker, write_config


def _lora_b(folder: Path) -> torch.Tensor:
    weights = load_file(str(folder / "adapter_model.safetensors"))
    return torch.cat([v.flatten() for k, v in sorted(weights.items()) if "lora_B" in k])


def test_a_run_continues_the_given_adapter(tiny_model_dir: Path, tmp_path: Path) -> None:
    start = random_adapter(tiny_model_dir, tmp_path / "start")
    snapshot = build_snapshot(tmp_path / "snapshot", TRAIN_ITEMS)
    output = tmp_path / "out"
    config = run_config(
        tiny_model_dir,
        snapshot,
        output,
        stages=[{"name": "stage1", "steps": 1, "task_mix": {"general": 1.0, "instruction": 1.0}}],
        model={"path_or_id": str(tiny_model_dir), "adapter": str(start)},
    )
    result = run_worker("cosmo_rl.train", "--config", str(write_config(tmp_path / "run.json", config)))
    assert result.returncode == 0, result.stderr[-3000:]
    final = output / "stage1" / "final"
    before, after = _lora_b(start), _lora_b(final)
    assert before.shape == after.shape
    # A fresh adapter starts with B = 0; this one kept the start's random B, moved by one step.
    assert torch.nn.functional.cosine_similarity(before, after, dim=0) > 0.9
    assert not torch.equal(before, after)
