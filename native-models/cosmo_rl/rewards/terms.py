"""The four reward terms of COSMO-RL.md as pure functions of one response.

- ``score_format(text)`` -> 1.0 for ``<think>reasoning</think>answer`` (both non-empty, no
  stray think tags) whose reasoning is real: at least 4 words (a CJK character counts as
  one) of which at least 3 distinct, readable (not degenerate repetition), and not a copy
  of the answer (its normalised text is not contained in the answer's); else 0.0. So
  ``<think>.</think>ok`` earns nothing.
- ``score_visual(text, cues, has_image)`` -> fraction of ``visual_cues`` mentioned in
  sentences of the reasoning (case-insensitive, normalised, whole words, plural s/es
  accepted); None (term skipped) for items without an image or without cues. A cue counts
  only inside a clause (the reasoning split at . ! ? ; : , and newlines) that has at least
  3 words of its own besides cue words and in which cue words are at most half of the
  words: a bare list of cue words ("red bottle, label, stop sign") earns nothing.
  "Reasoning" is the text inside ``<think>``; a response without a think block is searched
  whole (the format term already charges for the missing block). Our definition: the
  paper does not publish one.
- ``score_helpful(item, text, verifier)`` -> the helpfulness verifier's score in [0, 1].
- ``score_task(item, text, verifier)`` -> the task verifier's score, routed by task.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from cosmo_rl.verifiers.base import ItemFields, Verifier
from cosmo_rl.verifiers.signals import illogical_reason, word_count
from cosmo_rl.verifiers.text import contains_phrase, normalize, split_response

MIN_REASONING_WORDS = 4
MIN_DISTINCT_REASONING_WORDS = 3
MIN_OWN_WORDS = 3  # words besides cue words a clause needs for its cues to count
MAX_CUE_SHARE = 0.5  # cue words may be at most this share of a clause's words
_CUE_CLAUSE = re.compile(r"[.!?;:,\n]+")


def has_real_reasoning(reasoning: str, answer: str) -> bool:
    """Enough distinct, readable words, and not a copy of the answer (see the module docstring)."""
    norm = normalize(reasoning)
    tokens = norm.split()
    # CJK reasoning has no spaces: its distinct characters stand in for distinct words.
    distinct = len(set(tokens)) if len(tokens) > 1 else len(set(norm))
    if word_count(reasoning) < MIN_REASONING_WORDS or distinct < MIN_DISTINCT_REASONING_WORDS:
        return False
    if illogical_reason(reasoning) is not None:
        return False
    return norm not in normalize(answer)


def score_format(text: str) -> float:
    split = split_response(text)
    if not split.well_formed or split.reasoning is None:
        return 0.0
    return 1.0 if has_real_reasoning(split.reasoning, split.answer) else 0.0


def _cue_words(clause: str, cues: Sequence[str]) -> int:
    return sum(len(normalize(c).split()) for c in cues if contains_phrase(clause, c))


def score_visual(text: str, cues: Sequence[str], has_image: bool) -> float | None:
    usable = [c for c in cues if normalize(c)]
    if not has_image or not usable:
        return None
    split = split_response(text)
    reasoning = split.reasoning if split.reasoning is not None else text
    mentioned: set[str] = set()
    for raw in _CUE_CLAUSE.split(reasoning):
        clause = normalize(raw)
        words, cue_words = len(clause.split()), _cue_words(clause, usable)
        if words - cue_words < MIN_OWN_WORDS or cue_words > MAX_CUE_SHARE * words:
            continue  # a bare list of cue words, not a sentence about the image
        mentioned.update(c for c in usable if contains_phrase(clause, c))
    return len(mentioned) / len(usable)


def score_helpful(item: ItemFields, text: str, verifier: Verifier) -> float:
    return verifier.verdict(item, text).score


def score_task(item: ItemFields, text: str, verifier: Verifier) -> float:
    return verifier.verdict(item, text).score
