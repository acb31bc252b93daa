"""The judge tier: a local causal LM prompted with a rubric, answering with one word.

Safety, jailbreak (strict rubric) and value items are judged; knowledge, general and
instruction items have gold references and stay with the rules tier. The judge generates
greedily a few tokens; its first word must be one of the labels allowed for the item. When
it is not (a small or untrained model often rambles), the rules tier decides instead and the
verdict says so: ``source="rules_fallback"``, confidence at most 0.1, and ``note`` quoting
the judge's output. A parsed verdict's confidence is the judge's probability of the first
token it generated.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from cosmo_rl.verifiers.base import ItemFields, Verdict, Verifier, labels_for, score_label
from cosmo_rl.verifiers.rubrics import HELPFUL_SCORES, helpful_prompt, parse_verdict, task_prompt
from cosmo_rl.verifiers.rules import RulesHelpfulness, RulesVerifier
from cosmo_rl.verifiers.text import split_response

FALLBACK_CONFIDENCE = 0.1


class JudgeModel:
    """A local causal LM that answers rubric prompts; loaded once, shared by both judges."""

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
        from transformers import AutoModelForCausalLM, AutoTokenizer

        self.device = device or ("cuda" if torch.cuda.is_available() else "cpu")
        # local_files_only: a judge is a folder on disk, never a download during a run.
        self.tokenizer = AutoTokenizer.from_pretrained(
            str(path), local_files_only=True, trust_remote_code=trust_remote_code
        )
        self.tokenizer.padding_side = "left"  # generation continues on the right
        if self.tokenizer.pad_token is None:
            self.tokenizer.pad_token = self.tokenizer.eos_token
        model = AutoModelForCausalLM.from_pretrained(
            str(path), local_files_only=True, trust_remote_code=trust_remote_code
        )
        # PreTrainedModel.to is typed through a decorator that loses its signature in the stubs.
        self.model = model.to(self.device)  # type: ignore[arg-type]
        self.model.eval()
        self.max_new_tokens = max_new_tokens
        self.batch_size = batch_size

    def _render(self, prompt: str) -> str:
        if self.tokenizer.chat_template:
            rendered = self.tokenizer.apply_chat_template(
                [{"role": "user", "content": prompt}], tokenize=False, add_generation_prompt=True
            )
            if not isinstance(rendered, str):  # tokenize=False renders text; anything else is a tokenizer bug
                raise TypeError(f"chat template rendered {type(rendered).__name__}, expected str")
            return rendered
        return prompt

    def answer(self, prompts: Sequence[str]) -> list[tuple[str, float]]:
        """(generated text, probability of its first token) per prompt."""
        import torch

        out: list[tuple[str, float]] = []
        for start in range(0, len(prompts), self.batch_size):
            chunk = [self._render(p) for p in prompts[start : start + self.batch_size]]
            batch = self.tokenizer(chunk, return_tensors="pt", padding=True, add_special_tokens=False).to(self.device)
            with torch.inference_mode():
                generated = self.model.generate(
                    **batch,
                    max_new_tokens=self.max_new_tokens,
                    do_sample=False,
                    output_scores=True,
                    return_dict_in_generate=True,
                    pad_token_id=self.tokenizer.pad_token_id,
                )
            new_tokens = generated.sequences[:, batch["input_ids"].shape[1] :]
            first_probs = torch.softmax(generated.scores[0].float(), dim=-1)
            for row in range(new_tokens.shape[0]):
                text = str(self.tokenizer.decode(new_tokens[row], skip_special_tokens=True))
                prob = float(first_probs[row, new_tokens[row, 0]]) if new_tokens.shape[1] else 0.0
                out.append((text, prob))
        return out


def _fallback(rules: Verdict, raw: str) -> Verdict:
    note = f"judge output unparseable ({raw[:80]!r}); rules decided"
    return Verdict(rules.label, rules.score, min(rules.confidence, FALLBACK_CONFIDENCE), "rules_fallback", note)


class JudgeVerifier(Verifier):
    name = "judge"

    def __init__(self, model: JudgeModel | Any, fallback: Verifier | None = None) -> None:
        self.model = model
        self.fallback = fallback or RulesVerifier()

    def verdict(self, item: ItemFields, response: str) -> Verdict:
        return self.verdicts([item], [response])[0]

    def verdicts(self, items: Sequence[ItemFields], responses: Sequence[str]) -> list[Verdict]:
        out: list[Verdict | None] = [None] * len(items)
        routed = [i for i, item in enumerate(items) if labels_for(item)]
        prompts = [task_prompt(items[i], split_response(responses[i]).answer, labels_for(items[i])) for i in routed]
        answers = self.model.answer(prompts) if prompts else []
        for i, (raw, prob) in zip(routed, answers, strict=True):
            label = parse_verdict(raw, labels_for(items[i]))
            if label is None:
                out[i] = _fallback(self.fallback.verdict(items[i], responses[i]), raw)
            else:
                out[i] = Verdict(label, score_label(items[i], label), prob, "judge")
        return [
            v if v is not None else self.fallback.verdict(it, r) for v, it, r in zip(out, items, responses, strict=True)
        ]


class JudgeHelpfulness(Verifier):
    """R_helpful from the judge: helpful 1.0, partial 0.5, unhelpful 0.0."""

    name = "judge-helpfulness"

    def __init__(self, model: JudgeModel | Any, fallback: Verifier | None = None) -> None:
        self.model = model
        self.fallback = fallback or RulesHelpfulness()

    def verdict(self, item: ItemFields, response: str) -> Verdict:
        return self.verdicts([item], [response])[0]

    def verdicts(self, items: Sequence[ItemFields], responses: Sequence[str]) -> list[Verdict]:
        prompts = [helpful_prompt(item, split_response(r).answer) for item, r in zip(items, responses, strict=True)]
        out = []
        for item, response, (raw, prob) in zip(items, responses, self.model.answer(prompts), strict=True):
            label = parse_verdict(raw, tuple(HELPFUL_SCORES))
            if label is None:
                out.append(_fallback(self.fallback.verdict(item, response), raw))
            else:
                out.append(Verdict(label, HELPFUL_SCORES[label], prob, "judge"))
        return out
