"""The Qwen-VL image token budget: counted as the processor counts, applied to it, checked on snapshots."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cosmo_rl.config import ImagesConfig, RunConfig
from cosmo_rl.image_budget import (
    ImageBudgetError,
    apply_image_budget,
    check_snapshot_images,
    image_tokens,
    smart_resize,
)

QWEN2_VL_MAX_PIXELS = 12845056  # Qwen2-VL-2B-Instruct's preprocessor_config.json
FIXTURES = Path(__file__).parents[2] / "tests" / "fixtures" / "run-config"


def test_a_1280x960_photo_is_1564_tokens_unscaled() -> None:
    assert smart_resize(960, 1280, 3136, QWEN2_VL_MAX_PIXELS) == (952, 1288)
    assert image_tokens(1280, 960, 3136, QWEN2_VL_MAX_PIXELS) == 1564


def test_the_default_budget_downscales_it_under_512_tokens() -> None:
    budget = ImagesConfig()
    assert budget.max_pixels == 512 * 784
    tokens = image_tokens(1280, 960, budget.min_pixels, budget.max_pixels)
    assert 400 < tokens <= 512


@pytest.mark.parametrize("size", [(1280, 960), (960, 1280), (56, 56), (30, 900), (4000, 3000), (333, 777)])
def test_same_resize_as_transformers(size: tuple[int, int]) -> None:
    from transformers.models.qwen2_vl.image_processing_pil_qwen2_vl import smart_resize as reference

    width, height = size
    for low, high in [(3136, 401408), (3136, QWEN2_VL_MAX_PIXELS), (100352, 200704)]:
        assert smart_resize(height, width, low, high) == reference(height, width, 28, low, high)


def test_the_processor_with_the_budget_makes_that_many_tokens(tiny_model_dir: Path) -> None:
    from PIL import Image

    from cosmo_rl.processing import load_processor

    processor = load_processor(tiny_model_dir)
    budget = ImagesConfig(max_pixels=256 * 784)
    assert apply_image_budget(processor, budget)
    out = processor.image_processor(images=[Image.new("RGB", (1280, 960), (90, 120, 200))], return_tensors="pt")
    grid = out["image_grid_thw"][0].tolist()
    assert grid[1] * grid[2] // 4 == image_tokens(1280, 960, budget.min_pixels, budget.max_pixels)
    assert grid[1] * grid[2] // 4 <= 256


def test_a_text_tokenizer_has_no_image_budget(tiny_text_model_dir: Path) -> None:
    from cosmo_rl.processing import load_processor

    assert not apply_image_budget(load_processor(tiny_text_model_dir), ImagesConfig())


def _photo_snapshot(make_snapshot) -> Path:
    return make_snapshot(
        [
            {
                "id": "photo",
                "task": "general",
                "messages": [{"role": "user", "content": [{"type": "text", "text": "What is this?"}]}],
                "image": ((120, 120, 40), (1280, 960)),
                "reference": "a field",
            },
            {
                "id": "icon",
                "task": "general",
                "messages": [{"role": "user", "content": [{"type": "text", "text": "And this?"}]}],
                "image": (10, 10, 200),
                "reference": "blue",
            },
        ]
    )


def test_oversize_images_are_reported_for_resizing(make_snapshot) -> None:
    from cosmo_rl.snapshot import load_snapshot

    report = check_snapshot_images(load_snapshot(_photo_snapshot(make_snapshot)), ImagesConfig(), 1024)
    assert report.images == 2
    assert [(o.item_id, o.width, o.height, o.tokens_unscaled) for o in report.oversize] == [("photo", 1280, 960, 1564)]
    assert "1 of 2 images exceed the image budget of 512 tokens" in report.summary()
    assert "photo 1280x960 1564 -> " in report.summary()


def test_oversize_images_are_refused_naming_the_item(make_snapshot) -> None:
    from cosmo_rl.snapshot import load_snapshot

    snapshot = load_snapshot(_photo_snapshot(make_snapshot))
    with pytest.raises(ImageBudgetError) as err:
        check_snapshot_images(snapshot, ImagesConfig(oversize="refuse"), 1024)
    assert len(err.value.problems) == 1
    assert err.value.problems[0].startswith("item photo: images/")
    assert "1280x960, 1564 image tokens" in err.value.problems[0]
    assert "images.oversize is 'refuse'" in str(err.value)
    # A budget that holds the photo refuses nothing.
    assert check_snapshot_images(snapshot, ImagesConfig(max_pixels=1600 * 784, oversize="refuse"), 2048).oversize == ()


def test_an_image_with_no_room_for_text_is_refused_before_training(make_snapshot) -> None:
    from cosmo_rl.snapshot import load_snapshot

    snapshot = load_snapshot(_photo_snapshot(make_snapshot))
    with pytest.raises(ImageBudgetError) as err:
        check_snapshot_images(snapshot, ImagesConfig(max_pixels=1600 * 784), 1024)  # 1564 tokens at this budget
    assert err.value.problems[0].startswith("item photo: images/")
    assert "1564 image tokens at the budget, not under max_prompt_length 1024" in err.value.problems[0]


def test_config_refuses_min_pixels_over_max_pixels() -> None:
    from cosmo_rl.config import ConfigError

    data = json.loads((FIXTURES / "valid" / "full.json").read_text(encoding="utf-8"))
    data["images"] = {"min_pixels": 9000, "max_pixels": 8000}
    with pytest.raises(ConfigError, match=r"images\.min_pixels: must be <= max_pixels"):
        RunConfig.from_dict(data, "run.json")
