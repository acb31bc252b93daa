"""Response text helpers shared by verifiers and rewards: think/answer split, normalisation."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

_THINK = re.compile(r"^\s*<think>(?P<reasoning>.*?)</think>(?P<answer>.*)$", re.S)
_TAG = re.compile(r"</?think>")
_PUNCT = re.compile(r"[^\w\s.%/-]")
_ARTICLES = re.compile(r"\b(?:a|an|the)\b")


@dataclass(frozen=True)
class SplitResponse:
    reasoning: str | None  # text inside the one leading <think>...</think>, None without one
    answer: str  # text after </think>, or the whole response without a think block
    well_formed: bool  # <think>non-empty</think> then a non-empty answer, no stray tags


def split_response(text: str) -> SplitResponse:
    """Split a response into reasoning and answer (COSMO-RL's ``<think>..</think>answer``)."""
    match = _THINK.match(text)
    if match is None:
        return SplitResponse(reasoning=None, answer=text.strip(), well_formed=False)
    reasoning = match.group("reasoning")
    answer = match.group("answer").strip()
    # A second <think> or a stray closing tag (in the reasoning or the answer) is malformed:
    # the policy must not learn to pad the answer with tags.
    stray = bool(_TAG.search(reasoning)) or bool(_TAG.search(answer))
    well_formed = bool(reasoning.strip()) and bool(answer) and not stray
    return SplitResponse(reasoning=reasoning.strip(), answer=answer, well_formed=well_formed)


def normalize(text: str) -> str:
    """Case-fold, NFKC, drop punctuation (keeping . % / - inside numbers), collapse spaces."""
    text = unicodedata.normalize("NFKC", text).casefold()
    text = _PUNCT.sub(" ", text)
    # Sentence-final dots are punctuation; dots between digits are decimal points.
    text = re.sub(r"(?<!\d)\.|\.(?!\d)", " ", text)
    # Hyphens and slashes between letters join words ("stop-sign", "and/or"): split them.
    text = re.sub(r"(?<=[^\W\d_])[-/](?=[^\W\d_])", " ", text)
    return " ".join(text.split())


def normalize_answer(text: str) -> str:
    """``normalize`` plus dropping English articles, for answer matching."""
    return " ".join(_ARTICLES.sub(" ", normalize(text)).split())


def contains_phrase(haystack_normalized: str, phrase: str) -> bool:
    """Whole-word match of ``phrase`` (normalised here) in an already normalised text.

    A trailing plural ``s``/``es`` on the last word is accepted (cue "car" matches "cars").
    """
    needle = normalize(phrase)
    if not needle:
        return False
    pattern = r"(?<!\w)" + re.escape(needle) + r"(?:e?s)?(?!\w)"
    return re.search(pattern, haystack_normalized) is not None
