"""The image token budget of Qwen-VL models: count tokens as the processor will, apply the budget.

Qwen2-VL / Qwen2.5-VL processors resize every image with ``smart_resize`` (both sides a
multiple of 28, pixel count within [min_pixels, max_pixels]), cut it into 14x14 patches and
merge 2x2 patches into one token: an image costs ``height * width / 784`` tokens after the
resize. Unscaled, a 1280x960 photo is 952x1288 = 1,564 tokens, more than the default
``max_prompt_length`` of 1,024, and prompt truncation never cuts vision tokens, so such an image
would fail mid-run. The run config's ``images`` section caps it; this module counts the tokens
before training (``check_snapshot_images``) and sets the cap on the processor
(``apply_image_budget``), so what was checked is what the model sees.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from cosmo_rl.config import PIXELS_PER_IMAGE_TOKEN, ImagesConfig

RESIZE_FACTOR = 28  # patch 14 x spatial merge 2
MAX_ASPECT_RATIO = 200  # smart_resize refuses anything more elongated
UNBOUNDED_PIXELS = 1 << 62  # "no upper cap", for counting an image's tokens unscaled


class ImageBudgetError(ValueError):
    """Images the run cannot use under its budget. ``problems`` lists one line per image."""

    def __init__(self, message: str, problems: list[str]) -> None:
        super().__init__(message)
        self.problems = problems


def smart_resize(
    height: int, width: int, min_pixels: int, max_pixels: int, factor: int = RESIZE_FACTOR
) -> tuple[int, int]:
    """(height, width) the Qwen2-VL image processor resizes an image to (transformers' algorithm)."""
    if max(height, width) / min(height, width) > MAX_ASPECT_RATIO:
        raise ValueError(f"aspect ratio {max(height, width) / min(height, width):.0f} is over {MAX_ASPECT_RATIO}")
    h_bar = round(height / factor) * factor
    w_bar = round(width / factor) * factor
    if h_bar * w_bar > max_pixels:
        beta = math.sqrt((height * width) / max_pixels)
        h_bar = max(factor, math.floor(height / beta / factor) * factor)
        w_bar = max(factor, math.floor(width / beta / factor) * factor)
    elif h_bar * w_bar < min_pixels:
        beta = math.sqrt(min_pixels / (height * width))
        h_bar = math.ceil(height * beta / factor) * factor
        w_bar = math.ceil(width * beta / factor) * factor
    return h_bar, w_bar


def image_tokens(width: int, height: int, min_pixels: int, max_pixels: int) -> int:
    """Vision tokens an image of this size becomes in the prompt."""
    h, w = smart_resize(height, width, min_pixels, max_pixels)
    return (h * w) // PIXELS_PER_IMAGE_TOKEN


@dataclass(frozen=True)
class OversizeImage:
    item_id: str
    path: str
    width: int
    height: int
    tokens_unscaled: int  # under min_pixels only, as a processor without a cap counts it
    tokens_budget: int  # after the resize to max_pixels

    def describe(self) -> str:
        return (
            f"item {self.item_id}: {self.path} is {self.width}x{self.height}, {self.tokens_unscaled} image tokens "
            f"unscaled, over the budget"
        )


@dataclass(frozen=True)
class ImageBudgetReport:
    images: int  # images checked
    oversize: tuple[OversizeImage, ...]
    budget_tokens: int

    def summary(self) -> str:
        """One line for a `log` event: how many images get downscaled, with the largest first."""
        worst = sorted(self.oversize, key=lambda o: -o.tokens_unscaled)[:3]
        shown = "; ".join(f"{o.item_id} {o.width}x{o.height} {o.tokens_unscaled} -> {o.tokens_budget}" for o in worst)
        more = f" and {len(self.oversize) - len(worst)} more" if len(self.oversize) > len(worst) else ""
        return (
            f"{len(self.oversize)} of {self.images} images exceed the image budget of {self.budget_tokens} tokens "
            f"(images.max_pixels) and are downscaled to fit ({shown}{more}); set images.oversize to 'refuse' to "
            "stop instead"
        )


def check_snapshot_images(snapshot: Any, budget: ImagesConfig, max_prompt_length: int) -> ImageBudgetReport:
    """Count every snapshot image's tokens; refuse (``ImageBudgetError``) or report the oversize ones.

    Reads image headers only (PIL opens lazily). Under ``oversize: refuse`` every image over
    ``max_pixels`` is listed in the error, one line each, naming the item, file, size and tokens.
    An image that even at the budget leaves no room for text under ``max_prompt_length`` is
    always refused: prompt truncation never cuts vision tokens, so it would fail mid-run.
    """
    from PIL import Image

    budget_tokens = budget.max_pixels // PIXELS_PER_IMAGE_TOKEN
    oversize: list[OversizeImage] = []
    too_long: list[str] = []
    count = 0
    for item in snapshot.items:
        for relative in item.image_paths:
            count += 1
            with Image.open(snapshot.image_file(relative)) as image:
                width, height = image.size
            unscaled = image_tokens(width, height, budget.min_pixels, UNBOUNDED_PIXELS)
            budgeted = image_tokens(width, height, budget.min_pixels, budget.max_pixels)
            if budgeted >= max_prompt_length:
                too_long.append(
                    f"item {item.id}: {relative} is {width}x{height}, {budgeted} image tokens at the budget, "
                    f"not under max_prompt_length {max_prompt_length}"
                )
            if unscaled <= budget_tokens:
                continue
            oversize.append(
                OversizeImage(
                    item_id=item.id,
                    path=relative,
                    width=width,
                    height=height,
                    tokens_unscaled=unscaled,
                    tokens_budget=budgeted,
                )
            )
    if too_long:
        head = (
            f"{len(too_long)} image(s) leave no room for text under max_prompt_length {max_prompt_length} (vision "
            "tokens are never truncated); lower images.max_pixels or raise max_prompt_length:"
        )
        raise ImageBudgetError("\n".join([head, *too_long]), too_long)
    if oversize and budget.oversize == "refuse":
        problems = [o.describe() for o in oversize]
        head = (
            f"{len(oversize)} image(s) exceed the image budget of {budget_tokens} tokens (images.max_pixels "
            f"{budget.max_pixels}, 784 pixels per token) and images.oversize is 'refuse'; shrink them, raise "
            "images.max_pixels, or set images.oversize to 'resize':"
        )
        raise ImageBudgetError("\n".join([head, *problems]), problems)
    return ImageBudgetReport(images=count, oversize=tuple(oversize), budget_tokens=budget_tokens)


def apply_image_budget(processing_class: Any, budget: ImagesConfig) -> bool:
    """Set the budget on a Qwen-VL processor's image processor. False when it has none (a text model)."""
    image_processor = getattr(processing_class, "image_processor", None)
    if image_processor is None or not hasattr(image_processor, "merge_size"):
        return False
    # A fresh dict: processors loaded from one folder may share the size object.
    image_processor.size = {"shortest_edge": budget.min_pixels, "longest_edge": budget.max_pixels}
    return True
