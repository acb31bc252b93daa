"""The offline tiny models: they load with the standard classes and run a mixed batch."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import torch
from PIL import Image

from cosmo_rl.processing import load_processor
from cosmo_rl.tiny import IMAGE_SIDE, IMAGE_TOKENS_PER_IMAGE, SPECIAL_TOKENS, VISION_TOKENS, main, suppressed_token_ids

PACKAGE_ROOT = Path(__file__).resolve().parents[1]


def _mixed_conversations() -> list[list[dict]]:
    image = Image.new("RGB", (IMAGE_SIDE * 2, IMAGE_SIDE * 2), (200, 20, 20))
    return [
        [{"role": "user", "content": [{"type": "image", "image": image}, {"type": "text", "text": "What is shown?"}]}],
        [{"role": "user", "content": [{"type": "text", "text": "What is the capital of France?"}]}],
    ]


def test_help_runs_without_heavy_imports():
    result = subprocess.run(
        [sys.executable, "-m", "cosmo_rl.tiny", "--help"], cwd=PACKAGE_ROOT, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0
    assert "--out" in result.stdout and "--text-only" in result.stdout


def test_vl_config_ids_match_the_tokenizer(tiny_model_dir: Path):
    processor = load_processor(tiny_model_dir)
    tokenizer = processor.tokenizer
    config = json.loads((tiny_model_dir / "config.json").read_text())
    ids = {t: tokenizer.convert_tokens_to_ids(t) for t in SPECIAL_TOKENS}
    assert config["image_token_id"] == ids["<|image_pad|>"]
    assert config["video_token_id"] == ids["<|video_pad|>"]
    assert config["vision_start_token_id"] == ids["<|vision_start|>"]
    assert config["vision_end_token_id"] == ids["<|vision_end|>"]
    assert config["text_config"]["eos_token_id"] == tokenizer.eos_token_id == ids["<|im_end|>"]
    assert config["text_config"]["pad_token_id"] == tokenizer.pad_token_id == ids["<|endoftext|>"]
    assert config["text_config"]["vocab_size"] >= len(tokenizer)
    head_dim = config["text_config"]["hidden_size"] // config["text_config"]["num_attention_heads"]
    assert sum(config["text_config"]["rope_parameters"]["mrope_section"]) == head_dim // 2
    assert tokenizer.padding_side == "left"
    assert type(tokenizer).__name__ in ("Qwen2Tokenizer", "Qwen2TokenizerFast")
    # The image processor is the PIL one (no torchvision needed) with a fixed pixel budget.
    assert type(processor.image_processor).__name__ == "Qwen2VLImageProcessorPil"


def test_loads_with_standard_model_classes(tiny_model_dir: Path):
    from transformers import AutoModelForImageTextToText, Qwen2VLForConditionalGeneration

    assert isinstance(AutoModelForImageTextToText.from_pretrained(tiny_model_dir), Qwen2VLForConditionalGeneration)
    model = Qwen2VLForConditionalGeneration.from_pretrained(tiny_model_dir)
    assert next(model.parameters()).dtype == torch.float32
    assert sum(p.numel() for p in model.parameters()) < 2_000_000


def test_chat_template_renders_chatml_with_vision_block(tiny_model_dir: Path):
    processor = load_processor(tiny_model_dir)
    text = processor.apply_chat_template(_mixed_conversations()[0], add_generation_prompt=True, tokenize=False)
    assert text == (
        "<|im_start|>user\n<|vision_start|><|image_pad|><|vision_end|>What is shown?<|im_end|>\n<|im_start|>assistant\n"
    )


def test_square_image_becomes_four_tokens_and_mixed_batch_generates(tiny_model_dir: Path):
    from transformers import AutoModelForImageTextToText

    processor = load_processor(tiny_model_dir)
    model = AutoModelForImageTextToText.from_pretrained(tiny_model_dir)
    batch = processor.apply_chat_template(
        _mixed_conversations(),
        add_generation_prompt=True,
        tokenize=True,
        return_dict=True,
        return_tensors="pt",
        padding=True,
    )
    image_id = model.config.image_token_id
    assert (batch["input_ids"][0] == image_id).sum().item() == IMAGE_TOKENS_PER_IMAGE
    assert (batch["input_ids"][1] == image_id).sum().item() == 0
    assert batch["image_grid_thw"].tolist() == [[1, 4, 4]]

    suppress = suppressed_token_ids(processor)
    assert len(suppress) == len(VISION_TOKENS)
    torch.manual_seed(0)
    out = model.generate(**batch, max_new_tokens=48, do_sample=True, suppress_tokens=suppress)
    completions = out[:, batch["input_ids"].shape[1] :]
    assert not torch.isin(completions, torch.tensor(suppress)).any()
    # The sampled text feeds straight back into a forward pass (what GRPO does next).
    full = torch.cat([batch["input_ids"], completions], dim=1)
    mask = torch.cat([batch["attention_mask"], torch.ones_like(completions)], dim=1)
    # M-RoPE needs to know which tokens are image tokens; generated ones are text (0).
    mm_types = torch.cat([batch["mm_token_type_ids"], torch.zeros_like(completions)], dim=1)
    logits = model(
        input_ids=full,
        attention_mask=mask,
        mm_token_type_ids=mm_types,
        pixel_values=batch["pixel_values"],
        image_grid_thw=batch["image_grid_thw"],
    ).logits
    assert logits.shape[:2] == full.shape and torch.isfinite(logits).all()


def test_text_only_model(tiny_text_model_dir: Path):
    from transformers import AutoModelForCausalLM, AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(tiny_text_model_dir)
    model = AutoModelForCausalLM.from_pretrained(tiny_text_model_dir)
    assert type(model).__name__ == "Qwen2ForCausalLM"
    assert type(load_processor(tiny_text_model_dir)).__name__ == type(tokenizer).__name__
    ids = tokenizer.apply_chat_template(
        [{"role": "user", "content": "Is this safe?"}],
        add_generation_prompt=True,
        return_tensors="pt",
        return_dict=True,
    )
    out = model.generate(**ids, max_new_tokens=5, do_sample=False)
    assert out.shape[1] == ids["input_ids"].shape[1] + 5 or tokenizer.eos_token_id in out[0].tolist()
    # No vision tokens to suppress beyond those the shared vocabulary declares.
    assert suppressed_token_ids(tokenizer) == [tokenizer.convert_tokens_to_ids(t) for t in VISION_TOKENS]


def test_cli_builds_a_folder(tmp_path: Path):
    assert main(["--out", str(tmp_path / "m"), "--text-only", "--seed", "3"]) == 0
    assert (tmp_path / "m" / "config.json").is_file() and (tmp_path / "m" / "tokenizer.json").is_file()


@pytest.mark.parametrize("seed", [0])
def test_build_is_deterministic_for_a_seed(tmp_path: Path, tiny_text_model_dir: Path, seed: int):
    from cosmo_rl.tiny import build_tiny

    again = build_tiny(tmp_path / "again", text_only=True, seed=seed)
    a = (tiny_text_model_dir / "model.safetensors").read_bytes()
    b = (again / "model.safetensors").read_bytes()
    assert a == b


def test_load_processor_resolves_a_hub_id_from_the_cache(tiny_model_dir: Path, tmp_path: Path):
    """A hub id already in the Hugging Face cache loads offline, also without torchvision."""
    import shutil

    repo = tmp_path / "hub" / "models--local--tiny-qwen2-vl"
    snapshot = repo / "snapshots" / "0123456789abcdef"
    shutil.copytree(tiny_model_dir, snapshot)
    (repo / "refs").mkdir()
    (repo / "refs" / "main").write_text("0123456789abcdef")
    processor = load_processor("local/tiny-qwen2-vl", cache_dir=str(tmp_path / "hub"))
    assert type(processor).__name__ == "Qwen2VLProcessor"
    assert (
        processor.tokenizer.convert_tokens_to_ids("<|image_pad|>")
        == json.loads((tiny_model_dir / "config.json").read_text())["image_token_id"]
    )
