"""Merge CLI: a LoRA adapter folded into its base gives a standalone safetensors folder that
loads alone, matches the adapter's outputs, and generates."""

from __future__ import annotations

import json
from pathlib import Path

import torch
from helpers import random_adapter
from worker_runs import run_worker


def _logits(model: torch.nn.Module, ids: torch.Tensor) -> torch.Tensor:
    with torch.no_grad():
        return model(input_ids=ids).logits


def test_merged_folder_loads_alone_matches_the_adapter_and_generates(tiny_model_dir: Path, tmp_path: Path) -> None:
    from peft import PeftModel
    from transformers import Qwen2VLForConditionalGeneration

    adapter = random_adapter(tiny_model_dir, tmp_path / "adapter")
    out = tmp_path / "merged"
    result = run_worker("cosmo_rl.merge", "--base", str(tiny_model_dir), "--adapter", str(adapter), "--out", str(out))
    assert result.returncode == 0, result.stderr[-3000:]
    events = [json.loads(line) for line in result.stdout.splitlines()]
    assert [e["stage"] for e in events if e["type"] == "progress"] == ["load", "adapter", "save", "check"]
    assert events[-1] == {**events[-1], "type": "finished", "status": "completed", "output": str(out.resolve())}
    names = {p.name for p in out.iterdir()}
    assert "config.json" in names and any(n.endswith(".safetensors") for n in names)
    assert not any(n.startswith("adapter_") for n in names)
    assert "tokenizer.json" in names or "tokenizer_config.json" in names

    ids = torch.tensor([[5, 17, 42, 9, 3]])
    merged = Qwen2VLForConditionalGeneration.from_pretrained(out, dtype=torch.float32).eval()
    base = Qwen2VLForConditionalGeneration.from_pretrained(tiny_model_dir, dtype=torch.float32).eval()
    with_adapter = PeftModel.from_pretrained(
        Qwen2VLForConditionalGeneration.from_pretrained(tiny_model_dir, dtype=torch.float32), adapter
    ).eval()
    assert torch.allclose(_logits(merged, ids), _logits(with_adapter, ids), atol=1e-4)
    assert not torch.allclose(_logits(merged, ids), _logits(base, ids), atol=1e-3)

    eval_file = tmp_path / "eval.jsonl"
    eval_file.write_text(json.dumps({"id": "t", "messages": [{"role": "user", "content": "Hello?"}]}) + "\n")
    responses = tmp_path / "responses.jsonl"
    generated = run_worker(
        "cosmo_rl.generate",
        "--base",
        str(out),
        "--eval",
        str(eval_file),
        "--out",
        str(responses),
        "--max-new-tokens",
        "4",
        "--device",
        "cpu",
    )
    assert generated.returncode == 0, generated.stderr[-3000:]
    line = json.loads(responses.read_text().splitlines()[0])
    assert line["item_id"] == "t" and line["completion_tokens"] >= 1


def test_reexport_without_adapter_and_refusals(tiny_model_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "export"
    assert run_worker("cosmo_rl.merge", "--base", str(tiny_model_dir), "--out", str(out)).returncode == 0
    assert any(out.glob("*.safetensors"))

    again = run_worker("cosmo_rl.merge", "--base", str(tiny_model_dir), "--out", str(out))
    assert again.returncode == 1
    error = next(json.loads(line) for line in again.stdout.splitlines() if '"error"' in line)
    assert "already exists" in error["message"] and error["traceback"] is None

    not_adapter = run_worker(
        "cosmo_rl.merge", "--base", str(tiny_model_dir), "--adapter", str(tiny_model_dir), "--out", str(tmp_path / "x")
    )
    assert not_adapter.returncode == 1
    assert "adapter_config.json" in not_adapter.stdout
    assert not (tmp_path / "x").exists()


def test_a_folder_without_config_is_named(tmp_path: Path) -> None:
    result = run_worker("cosmo_rl.merge", "--base", str(tmp_path), "--out", str(tmp_path / "o"))
    assert result.returncode == 1
    assert "has no config.json" in result.stdout
