"""The judge's model: a local causal LM or Qwen2-VL / Qwen2.5-VL folder that answers rubric prompts.

Two ways to ask it:
- ``choose`` (the default of the judge tier): a forced choice over the allowed label strings.
  Each candidate's token sequence is scored under the model after the rendered prompt (sum of
  its tokens' log-probabilities), and a softmax over those log-likelihoods gives one
  probability per label, summing to 1. Nothing is parsed, so a small or untrained judge still
  answers a label; a choice fails only for a reason the verdict can name (an unreadable image,
  non-finite scores), and the verifier then falls back to the rules.
- ``answer``: greedy generation of a few tokens with the first token's probability (the text
  is parsed by the verifier, and unparseable text falls back to the rules).

A vision-language judge sees the prompt's image: it goes into the chat as an image block, the
processor turns it into ``pixel_values`` / ``image_grid_thw``, and those reach the forward.
A text-only judge never sees it (the verdict's note says so).
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

# A model folder's config.json model_type values judged as vision-language (cosmo_rl.modeling).
VL_MODEL_TYPES = frozenset({"qwen2_vl", "qwen2_5_vl"})


class JudgeInputError(ValueError):
    """A request the judge cannot take (e.g. its image cannot be read); the verifier falls back."""


@dataclass(frozen=True)
class JudgeRequest:
    prompt: str  # the rubric text, already filled in
    image: Any = None  # a PIL image, an image file path, or None


@dataclass(frozen=True)
class Choice:
    """The judge's forced choice: a probability per candidate label, or why there is none."""

    probabilities: dict[str, float] | None
    problem: str | None = None

    @property
    def label(self) -> str | None:
        if not self.probabilities:
            return None
        return max(self.probabilities, key=lambda k: self.probabilities[k])  # type: ignore[index]


def softmax(values: Sequence[float]) -> list[float]:
    top = max(values)
    exps = [math.exp(v - top) for v in values]
    total = sum(exps)
    return [e / total for e in exps]


def _model_type(path: Path) -> str | None:
    try:
        return str(json.loads((path / "config.json").read_text(encoding="utf-8")).get("model_type") or "") or None
    except (OSError, ValueError):
        return None


def load_image(image: Any) -> Any:
    """A PIL RGB image from a PIL image or a file path; JudgeInputError names what went wrong."""
    from PIL import Image

    if isinstance(image, Image.Image):
        return image.convert("RGB")
    try:
        with Image.open(str(image)) as opened:
            return opened.convert("RGB")
    except (OSError, ValueError) as exc:
        raise JudgeInputError(f"the image {image} cannot be read ({type(exc).__name__}: {exc})") from None


class JudgeModel:
    """A local judge model, loaded once and shared by the task and helpfulness judges."""

    def __init__(
        self,
        path: str | Path,
        *,
        device: str | None = None,
        max_new_tokens: int = 8,
        batch_size: int = 8,
        trust_remote_code: bool = False,
    ) -> None:
        import torch

        from cosmo_rl.modeling import model_class
        from cosmo_rl.processing import load_processor

        folder = Path(path)
        self.device = device or ("cuda" if torch.cuda.is_available() else "cpu")
        model_type = _model_type(folder)
        self.vision = model_type in VL_MODEL_TYPES
        # bf16 where the GPU has it: a 7B judge in float32 would need twice the memory.
        use_bf16 = self.device.startswith("cuda") and torch.cuda.is_available() and torch.cuda.is_bf16_supported()
        dtype = torch.bfloat16 if use_bf16 else torch.float32
        # local_files_only: a judge is a folder on disk, never a download during a run.
        options: dict[str, Any] = {"local_files_only": True, "trust_remote_code": trust_remote_code}
        if self.vision:
            self.processor: Any = load_processor(folder, trust_remote_code=trust_remote_code)
            self.tokenizer = self.processor.tokenizer
            cls = model_class(model_type)  # type: ignore[arg-type]
        else:
            from transformers import AutoModelForCausalLM, AutoTokenizer

            self.tokenizer = AutoTokenizer.from_pretrained(str(folder), **options)
            self.processor = self.tokenizer
            cls = AutoModelForCausalLM
        self.tokenizer.padding_side = "left"  # generation continues on the right
        if self.tokenizer.pad_token is None:
            self.tokenizer.pad_token = self.tokenizer.eos_token
        self.model = cls.from_pretrained(str(folder), dtype=dtype, **options).to(self.device)
        self.model.eval()
        self.max_new_tokens = max_new_tokens
        self.batch_size = batch_size

    # --- prompts --------------------------------------------------------------------------------

    def _render(self, prompt: str, with_image: bool) -> str:
        if self.vision:
            content: list[dict[str, str]] = [{"type": "image"}] if with_image else []
            content.append({"type": "text", "text": prompt})
            return self.processor.apply_chat_template(
                [{"role": "user", "content": content}], tokenize=False, add_generation_prompt=True
            )
        if self.tokenizer.chat_template:
            return self.tokenizer.apply_chat_template(
                [{"role": "user", "content": prompt}], tokenize=False, add_generation_prompt=True
            )
        return prompt

    def encode(self, request: JudgeRequest) -> dict[str, Any]:
        """The prompt's model inputs (batch of one), with the image when the judge can see it."""
        image = load_image(request.image) if (self.vision and request.image is not None) else None
        text = self._render(request.prompt, image is not None)
        if self.vision:
            return dict(self.processor(text=[text], images=[image] if image is not None else None, return_tensors="pt"))
        return dict(self.tokenizer([text], return_tensors="pt", add_special_tokens=False))

    # --- forced choice --------------------------------------------------------------------------

    def label_loglikelihoods(self, prefix: dict[str, Any], labels: Sequence[str]) -> list[float]:
        """log P(label tokens | prompt) per label: one forward over a batch of prompt + label rows."""
        import torch

        prompt_ids = prefix["input_ids"][0]
        label_ids = [self.tokenizer.encode(label, add_special_tokens=False) for label in labels]
        if any(not ids for ids in label_ids):
            raise JudgeInputError("a label encodes to no tokens")
        n, k = prompt_ids.shape[0], len(labels)
        width = n + max(len(ids) for ids in label_ids)
        pad = self.tokenizer.pad_token_id if self.tokenizer.pad_token_id is not None else 0
        input_ids = torch.full((k, width), pad, dtype=prompt_ids.dtype)
        attention = torch.zeros((k, width), dtype=torch.long)
        for row, ids in enumerate(label_ids):
            input_ids[row, :n] = prompt_ids
            input_ids[row, n : n + len(ids)] = torch.tensor(ids, dtype=prompt_ids.dtype)
            attention[row, : n + len(ids)] = 1  # right padding: every row's prompt sits at the same positions
        batch: dict[str, Any] = {"input_ids": input_ids, "attention_mask": attention}
        if "mm_token_type_ids" in prefix:
            types = torch.zeros((k, width), dtype=prefix["mm_token_type_ids"].dtype)
            types[:, :n] = prefix["mm_token_type_ids"][0]
            batch["mm_token_type_ids"] = types  # M-RoPE must know which tokens are image tokens
        if prefix.get("pixel_values") is not None:
            # Each row carries the same image: its patches and grid repeat once per row.
            batch["pixel_values"] = prefix["pixel_values"].repeat(k, 1)
            batch["image_grid_thw"] = prefix["image_grid_thw"].repeat(k, 1)
        batch = {
            name: value.to(self.device, dtype=self.model.dtype) if name == "pixel_values" else value.to(self.device)
            for name, value in batch.items()
        }
        with torch.inference_mode():
            logits = self.model(**batch).logits.float()
        logprobs = torch.log_softmax(logits, dim=-1)
        out: list[float] = []
        for row, ids in enumerate(label_ids):
            # The token at position p is predicted by the logits at p - 1.
            positions = torch.arange(n - 1, n - 1 + len(ids), device=logprobs.device)
            targets = torch.tensor(ids, device=logprobs.device)
            out.append(float(logprobs[row, positions, targets].sum()))
        return out

    def choose(self, requests: Sequence[JudgeRequest], candidates: Sequence[Sequence[str]]) -> list[Choice]:
        """A forced choice per request over its candidate labels (see the module docstring)."""
        out: list[Choice] = []
        for request, labels in zip(requests, candidates, strict=True):
            try:
                scores = self.label_loglikelihoods(self.encode(request), labels)
            except JudgeInputError as exc:
                out.append(Choice(None, str(exc)))
                continue
            if not all(math.isfinite(s) for s in scores):
                out.append(Choice(None, "the judge's label scores are not finite numbers"))
                continue
            out.append(Choice(dict(zip(labels, softmax(scores), strict=True))))
        return out

    # --- free generation ------------------------------------------------------------------------

    def answer(self, prompts: Sequence[str | JudgeRequest]) -> list[tuple[str, float]]:
        """(generated text, probability of its first token) per prompt."""
        requests = [p if isinstance(p, JudgeRequest) else JudgeRequest(p) for p in prompts]
        if self.vision:
            # One at a time: image prompts differ in length and carry their own pixel tensors.
            return [self._generate_batch(self.encode(r))[0] for r in requests]
        out: list[tuple[str, float]] = []
        for start in range(0, len(requests), self.batch_size):
            chunk = [self._render(r.prompt, False) for r in requests[start : start + self.batch_size]]
            batch = self.tokenizer(chunk, return_tensors="pt", padding=True, add_special_tokens=False)
            out.extend(self._generate_batch(dict(batch)))
        return out

    def _generate_batch(self, batch: dict[str, Any]) -> list[tuple[str, float]]:
        import torch

        from cosmo_rl.tiny import suppressed_token_ids

        inputs = {k: v.to(self.device) for k, v in batch.items()}
        extra: dict[str, Any] = {}
        if self.vision:
            # A judge's verdict is text: never let it sample image/video placeholders.
            extra["suppress_tokens"] = suppressed_token_ids(self.processor)
        with torch.inference_mode():
            generated = self.model.generate(
                **inputs,
                max_new_tokens=self.max_new_tokens,
                do_sample=False,
                output_scores=True,
                return_dict_in_generate=True,
                pad_token_id=self.tokenizer.pad_token_id,
                **extra,
            )
        new_tokens = generated.sequences[:, inputs["input_ids"].shape[1] :]
        first_probs = torch.softmax(generated.scores[0].float(), dim=-1)
        out: list[tuple[str, float]] = []
        for row in range(new_tokens.shape[0]):
            text = self.tokenizer.decode(new_tokens[row], skip_special_tokens=True)
            prob = float(first_probs[row, new_tokens[row, 0]]) if new_tokens.shape[1] else 0.0
            out.append((text, prob))
        return out
