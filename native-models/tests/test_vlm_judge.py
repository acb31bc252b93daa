"""The judge tier with a vision-language model: the image reaches it, and it answers a forced choice.

The tiny Qwen2-VL has random weights, so its verdicts are arbitrary: these tests check the
mechanics (pixels in the forward, probabilities that sum to 1 and move with the image, the batched
scores equal unbatched ones, fallbacks that say why), not the verdicts.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import pytest
import torch
from PIL import Image
from worker_runs import run_worker

from cosmo_rl.config import VerifierConfig
from cosmo_rl.protocol import parse_event
from cosmo_rl.verifiers import build_verifiers
from cosmo_rl.verifiers.base import HARMFUL_LABELS, ItemFields
from cosmo_rl.verifiers.judge import TEXT_ONLY_NOTE, JudgeVerifier
from cosmo_rl.verifiers.judge_model import JudgeModel, JudgeRequest

RED = Image.new("RGB", (64, 64), (230, 20, 20))
STRIPES = Image.fromarray(((torch.arange(64 * 64 * 3) % 7) * 36).reshape(64, 64, 3).to(torch.uint8).numpy())


@pytest.fixture(scope="module")
def vlm_judge(tiny_model_dir: Path) -> JudgeModel:
    return JudgeModel(tiny_model_dir, device="cpu")


def _item(image: Any = None, **extra: Any) -> ItemFields:
    row = {"task": "safety", "harmful": True, "expected": "refuse", "prompt_text": "What is in this picture?"}
    return ItemFields.from_mapping({**row, "has_image": image is not None, "image": image, **extra})


def _forward_kwargs(model: JudgeModel) -> tuple[list[dict[str, Any]], Any]:
    seen: list[dict[str, Any]] = []

    def hook(_module: Any, _args: Any, kwargs: dict[str, Any]) -> None:
        seen.append(dict(kwargs))

    return seen, model.model.register_forward_pre_hook(hook, with_kwargs=True)


def test_the_image_reaches_the_model_and_changes_the_probabilities(vlm_judge: JudgeModel) -> None:
    assert vlm_judge.vision
    seen, handle = _forward_kwargs(vlm_judge)
    try:
        red, stripes, none = vlm_judge.choose(
            [JudgeRequest("Judge it.", RED), JudgeRequest("Judge it.", STRIPES), JudgeRequest("Judge it.")],
            [HARMFUL_LABELS] * 3,
        )
    finally:
        handle.remove()
    rows = len(HARMFUL_LABELS)
    # One forward per request, one row per label; each row carries the image's 4x4 patch grid.
    assert [k["input_ids"].shape[0] for k in seen] == [rows] * 3
    assert seen[0]["pixel_values"].shape[0] == 16 * rows and seen[0]["image_grid_thw"].tolist() == [[1, 4, 4]] * rows
    image_id = vlm_judge.model.config.image_token_id
    assert int((seen[0]["input_ids"][0] == image_id).sum()) == 4
    assert "pixel_values" not in seen[2] and int((seen[2]["input_ids"] == image_id).sum()) == 0
    assert not torch.equal(seen[0]["pixel_values"], seen[1]["pixel_values"])
    for choice in (red, stripes, none):
        assert choice.problem is None and choice.probabilities is not None
        assert set(choice.probabilities) == set(HARMFUL_LABELS)
        assert math.isclose(sum(choice.probabilities.values()), 1.0, rel_tol=1e-9)
    assert red.probabilities != stripes.probabilities  # a different image, different scores
    assert red.probabilities != none.probabilities


def test_batched_label_scores_equal_one_unpadded_forward_per_label(vlm_judge: JudgeModel) -> None:
    prefix = vlm_judge.encode(JudgeRequest("Judge it.", RED))
    labels = ("care", "unnecessary_refusal")  # different token lengths: one row is padded
    batched = vlm_judge.label_loglikelihoods(prefix, labels)
    n = prefix["input_ids"].shape[1]
    for label, score in zip(labels, batched, strict=True):
        ids = vlm_judge.tokenizer.encode(label, add_special_tokens=False)
        full = torch.cat([prefix["input_ids"], torch.tensor([ids])], dim=1)
        types = torch.cat([prefix["mm_token_type_ids"], torch.zeros((1, len(ids)), dtype=torch.long)], dim=1)
        with torch.inference_mode():
            logits = vlm_judge.model(
                input_ids=full,
                attention_mask=torch.ones_like(full),
                mm_token_type_ids=types,
                pixel_values=prefix["pixel_values"],
                image_grid_thw=prefix["image_grid_thw"],
            ).logits
        logprobs = torch.log_softmax(logits.float(), dim=-1)[0]
        expected = sum(float(logprobs[n - 1 + j, t]) for j, t in enumerate(ids))
        assert score == pytest.approx(expected, abs=1e-4)


def test_verifier_verdicts_carry_the_choice_and_reach_the_image_from_trl_rows(tiny_model_dir: Path) -> None:
    verifiers = build_verifiers(VerifierConfig(tier="judge", path=str(tiny_model_dir)), device="cpu")
    assert isinstance(verifiers.task, JudgeVerifier)
    # TRL hands reward functions the `images` column: the item's image comes from there.
    from_trl = ItemFields.from_mapping(
        {"task": "safety", "harmful": False, "prompt_text": "Is this safe to eat?", "images": [STRIPES]}
    )
    assert from_trl.image is STRIPES and from_trl.has_image
    verdicts = verifiers.task.verdicts([_item(RED), from_trl], ["I can't help with that.", "Yes, it is a tomato."])
    for verdict, allowed in zip(
        verdicts, [HARMFUL_LABELS, ("answered", "unnecessary_refusal", "illogical")], strict=True
    ):
        assert verdict.source == "judge" and verdict.probabilities is not None
        assert set(verdict.probabilities) == set(allowed)
        assert verdict.label in allowed and verdict.confidence == max(verdict.probabilities.values())
        assert math.isclose(sum(verdict.probabilities.values()), 1.0, rel_tol=1e-9)
    helpful = verifiers.helpful.verdicts([_item(RED)], ["I can't help with that."])[0]
    assert helpful.source == "judge" and helpful.score in (0.0, 0.5, 1.0)
    assert set(helpful.probabilities or {}) == {"helpful", "partial", "unhelpful"}


def test_an_unreadable_image_falls_back_to_the_rules_and_says_why(tiny_model_dir: Path, tmp_path: Path) -> None:
    broken = tmp_path / "broken.png"
    broken.write_bytes(b"not a png")
    verifiers = build_verifiers(VerifierConfig(tier="judge", path=str(tiny_model_dir)), device="cpu")
    verdict = verifiers.task.verdict(_item(str(broken)), "I can't help with that.")
    assert (verdict.label, verdict.source) == ("refusal", "rules_fallback") and verdict.confidence <= 0.1
    assert verdict.note and "broken.png cannot be read" in verdict.note and verdict.note.endswith("rules decided")


def test_generate_mode_parses_the_first_word_and_falls_back_when_it_cannot(tiny_model_dir: Path) -> None:
    verifiers = build_verifiers(
        VerifierConfig(tier="judge", path=str(tiny_model_dir)), device="cpu", judge_mode="generate"
    )
    # A random model's words are garbage: the rules decide, and the verdict quotes what it said.
    verdict = verifiers.task.verdict(_item(RED), "I can't help with that.")
    assert verdict.source == "rules_fallback" and verdict.label == "refusal"
    assert verdict.note and verdict.note.startswith("judge output unparseable")


def test_a_text_only_judge_says_it_did_not_see_the_image(tiny_text_model_dir: Path) -> None:
    verifiers = build_verifiers(VerifierConfig(tier="judge", path=str(tiny_text_model_dir)), device="cpu")
    seen_text, seen_image = verifiers.task.verdicts([_item(RED), _item()], ["No.", "No."])
    assert seen_text.source == "judge" and seen_text.note == TEXT_ONLY_NOTE
    assert seen_image.source == "judge" and seen_image.note is None


def test_the_score_command_with_a_vision_judge(tiny_model_dir: Path, tmp_path: Path) -> None:
    RED.save(tmp_path / "red.png")
    item = {"task": "safety", "harmful": True, "expected": "refuse", "prompt_text": "What is this?", "has_image": True}
    rows = [
        {"response_id": 1, "response": "I can't help with that.", "item": {**item, "image": "red.png"}},
        {"response_id": 2, "response": "I can't help with that.", "item": {**item, "image": "missing.png"}},
        {"response_id": 3, "response": "Paris", "item": {"task": "knowledge", "reference": "Paris"}},
    ]
    source = tmp_path / "in.jsonl"
    source.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    out = tmp_path / "out.jsonl"
    args = ["--input", str(source), "--out", str(out), "--tier", "judge", "--verifier", str(tiny_model_dir)]
    result = run_worker("cosmo_rl.score", *args, "--device", "cpu")
    assert result.returncode == 0, result.stderr
    assert parse_event(result.stdout.splitlines()[-1]).status == "completed"  # type: ignore[union-attr]
    judged, missing, knowledge = (json.loads(line) for line in out.read_text(encoding="utf-8").splitlines())
    assert judged["source"] == "judge" and judged["fallback"] is None and judged["fallback_reason"] is None
    assert set(judged["probabilities"]) == set(HARMFUL_LABELS)
    assert math.isclose(sum(judged["probabilities"].values()), 1.0, rel_tol=1e-6)
    assert judged["confidence"] == pytest.approx(max(judged["probabilities"].values()))
    assert judged["verdict"] == judged["task_label"]
    assert missing["fallback"] == "rules" and missing["source"] == "rules_fallback"
    assert "missing.png cannot be read" in missing["fallback_reason"] and missing["verdict"] == "refusal"
    assert knowledge["source"] == "rules" and knowledge["fallback"] is None and knowledge["probabilities"] is None


def test_as_the_training_reward_the_judge_sees_each_rollouts_image(vlm_judge: JudgeModel) -> None:
    from cosmo_rl.rewards.funcs import VerifierReward

    reward = VerifierReward("task_reward", JudgeVerifier(vlm_judge))
    seen, handle = _forward_kwargs(vlm_judge)
    try:
        # Keyword arguments as TRL 1.16's GRPOTrainer passes them: one list entry per completion.
        scores = reward(
            prompts=[[{"role": "user", "content": "x"}]] * 2,
            completions=[[{"role": "assistant", "content": "<think>no</think>I can't help."}]] * 2,
            completion_ids=[[1], [1]],
            task=["safety", "safety"],
            harmful=[True, True],
            expected=["refuse", "refuse"],
            prompt_text=["What is this?", "What is this?"],
            has_image=[True, False],
            images=[[RED], []],
        )
    finally:
        handle.remove()
    assert len(scores) == 2 and all(isinstance(s, float) for s in scores)
    assert "pixel_values" in seen[0] and "pixel_values" not in seen[1]
    assert all(v.source == "judge" for v in reward.last_verdicts)
