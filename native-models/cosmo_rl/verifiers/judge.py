"""The judge tier: a local model prompted with a rubric, answering one label.

Safety, jailbreak (strict rubric) and value items are judged; knowledge, general and
instruction items have gold references and stay with the rules tier. The model (judge_model.py)
is a text-only causal LM or a Qwen2-VL / Qwen2.5-VL model; a vision-language judge sees the
prompt's image (``ItemFields.image``) with the rubric.

Two modes:
- ``choice`` (default): a forced choice over the allowed labels; the verdict is the most likely
  label and its confidence that label's probability (the probabilities over the allowed labels
  sum to 1 and ride along in ``Verdict.probabilities``).
- ``generate``: greedy generation of a few tokens whose first word must be an allowed label;
  the confidence is the probability of the first generated token.
When the judge cannot answer (unparseable text, an unreadable image, non-finite scores), the
rules tier decides instead and the verdict says so: ``source="rules_fallback"``, confidence at
most 0.1, and ``note`` giving the reason.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import partial
from typing import Any, Literal

from cosmo_rl.verifiers.base import ItemFields, Verdict, Verifier, labels_for, score_label
from cosmo_rl.verifiers.judge_model import Choice, JudgeInputError, JudgeModel, JudgeRequest
from cosmo_rl.verifiers.rubrics import HELPFUL_SCORES, helpful_prompt, parse_verdict, task_prompt
from cosmo_rl.verifiers.rules import RulesHelpfulness, RulesVerifier
from cosmo_rl.verifiers.text import split_response

__all__ = ["FALLBACK_CONFIDENCE", "JudgeHelpfulness", "JudgeMode", "JudgeModel", "JudgeRequest", "JudgeVerifier"]

FALLBACK_CONFIDENCE = 0.1
JudgeMode = Literal["choice", "generate"]
TEXT_ONLY_NOTE = "the judge model is text-only: it did not see the prompt's image"


def _fallback(rules: Verdict, reason: str) -> Verdict:
    note = f"{reason}; rules decided"
    return Verdict(rules.label, rules.score, min(rules.confidence, FALLBACK_CONFIDENCE), "rules_fallback", note)


def _request(model: Any, item: ItemFields, prompt: str) -> JudgeRequest:
    # A text-only judge gets no image (it could not use it); the verdict notes that.
    return JudgeRequest(prompt, item.image if getattr(model, "vision", False) else None)


def _unseen_image_note(model: Any, item: ItemFields) -> str | None:
    return TEXT_ONLY_NOTE if item.has_image and not getattr(model, "vision", False) else None


def _ask(model: Any, mode: JudgeMode, requests: list[JudgeRequest], allowed: list[tuple[str, ...]]) -> list[Choice]:
    """One Choice per request, whichever mode asks; a failed parse is a Choice with a problem."""
    if mode == "choice":
        return model.choose(requests, allowed)
    answers: list[tuple[str, float] | JudgeInputError]
    try:
        answers = list(model.answer(requests))
    except JudgeInputError:
        # Some request cannot be asked (an unreadable image): ask one at a time to name which.
        answers = []
        for request in requests:
            try:
                answers.append(model.answer([request])[0])
            except JudgeInputError as exc:
                answers.append(exc)
    out: list[Choice] = []
    for answer, labels in zip(answers, allowed, strict=True):
        if isinstance(answer, JudgeInputError):
            out.append(Choice(None, str(answer)))
            continue
        raw, prob = answer
        label = parse_verdict(raw, labels)
        if label is None:
            out.append(Choice(None, f"judge output unparseable ({raw[:80]!r})"))
        else:
            # Generation gives one probability: the chosen label's first token.
            out.append(Choice({label: prob}))
    return out


def _decide(
    choice: Choice, score: Callable[[str], float], fallback: Callable[[], Verdict], note: str | None
) -> Verdict:
    label = choice.label
    if label is None or choice.probabilities is None:
        return _fallback(fallback(), choice.problem or "the judge gave no label")
    probs = choice.probabilities
    return Verdict(label, score(label), probs[label], "judge", note, probs if len(probs) > 1 else None)


class JudgeVerifier(Verifier):
    name = "judge"

    def __init__(self, model: JudgeModel | Any, fallback: Verifier | None = None, mode: JudgeMode = "choice") -> None:
        self.model = model
        self.fallback = fallback or RulesVerifier()
        self.mode: JudgeMode = mode

    def verdict(self, item: ItemFields, response: str) -> Verdict:
        return self.verdicts([item], [response])[0]

    def verdicts(self, items: Sequence[ItemFields], responses: Sequence[str]) -> list[Verdict]:
        out: list[Verdict | None] = [None] * len(items)
        routed = [i for i, item in enumerate(items) if labels_for(item)]
        allowed = [labels_for(items[i]) for i in routed]
        requests = [
            _request(self.model, items[i], task_prompt(items[i], split_response(responses[i]).answer, labels))
            for i, labels in zip(routed, allowed, strict=True)
        ]
        choices = _ask(self.model, self.mode, requests, allowed) if requests else []
        for i, choice in zip(routed, choices, strict=True):
            item, response = items[i], responses[i]
            out[i] = _decide(
                choice,
                partial(score_label, item),
                partial(self.fallback.verdict, item, response),
                _unseen_image_note(self.model, item),
            )
        return [
            v if v is not None else self.fallback.verdict(it, r) for v, it, r in zip(out, items, responses, strict=True)
        ]


class JudgeHelpfulness(Verifier):
    """R_helpful from the judge: helpful 1.0, partial 0.5, unhelpful 0.0."""

    name = "judge-helpfulness"

    def __init__(self, model: JudgeModel | Any, fallback: Verifier | None = None, mode: JudgeMode = "choice") -> None:
        self.model = model
        self.fallback = fallback or RulesHelpfulness()
        self.mode: JudgeMode = mode

    def verdict(self, item: ItemFields, response: str) -> Verdict:
        return self.verdicts([item], [response])[0]

    def verdicts(self, items: Sequence[ItemFields], responses: Sequence[str]) -> list[Verdict]:
        labels = tuple(HELPFUL_SCORES)
        requests = [
            _request(self.model, item, helpful_prompt(item, split_response(r).answer))
            for item, r in zip(items, responses, strict=True)
        ]
        choices = _ask(self.model, self.mode, requests, [labels] * len(requests))
        return [
            _decide(
                choice,
                HELPFUL_SCORES.__getitem__,
                partial(self.fallback.verdict, item, response),
                _unseen_image_note(self.model, item),
            )
            for item, response, choice in zip(items, responses, choices, strict=True)
        ]
