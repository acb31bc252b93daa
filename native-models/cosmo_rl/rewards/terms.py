"""The four reward terms of COSMO-RL.md as pure functions of one response.

- ``score_format(text)`` -> 1.0 for ``<think>reasoning</think>answer`` (both non-empty, no
  stray think tags), else 0.0.
- ``score_visual(text, cues, has_image)`` -> fraction of ``visual_cues`` mentioned in the
  reasoning (case-insensitive, normalised, whole words, plural s/es accepted); None (term
  skipped) for items without an image or without cues. "Reasoning" is the text inside
  ``<think>``; a response without a think block is searched whole (the format term already
  charges for the missing block). Our definition: the paper does not publish one.
- ``score_helpful(item, text, verifier)`` -> the helpfulness verifier's score in [0, 1].
- ``score_task(item, text, verifier)`` -> the task verifier's score, routed by task.
"""

from __future__ import annotations

from collections.abc import Sequence

from cosmo_rl.verifiers.base import ItemFields, Verifier
from cosmo_rl.verifiers.text import contains_phrase, normalize, split_response


def score_format(text: str) -> float:
    return 1.0 if split_response(text).well_formed else 0.0


def score_visual(text: str, cues: Sequence[str], has_image: bool) -> float | None:
    usable = [c for c in cues if normalize(c)]
    if not has_image or not usable:
        return None
    split = split_response(text)
    reasoning = normalize(split.reasoning if split.reasoning is not None else text)
    return sum(1 for cue in usable if contains_phrase(reasoning, cue)) / len(usable)


def score_helpful(item: ItemFields, text: str, verifier: Verifier) -> float:
    return verifier.verdict(item, text).score


def score_task(item: ItemFields, text: str, verifier: Verifier) -> float:
    return verifier.verdict(item, text).score
