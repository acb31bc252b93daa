"""Training the learned tier from a project's verdicts (cosmo_rl.verifier_train).

The verdict corpus becomes a snapshot: one item per distinct prompt, its rows that item's
responses, each row's verdict a person's. The card's figures must be those of the saved model
on the held-out items only, ONNX and torch must agree, and bad input must name line and field.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from helpers import build_snapshot, user
from test_verdict_corpus import SAFETY_ROWS, binary
from worker_runs import run_worker

from cosmo_rl.protocol import parse_event
from cosmo_rl.snapshot import compute_snapshot_hash
from cosmo_rl.verifier_train import held_out, majority
from cosmo_rl.verifiers.base import ItemFields
from cosmo_rl.verifiers.learned import LearnedVerifier, featurize, load_bow_classifier


def corpus_snapshot(
    root: Path, *, extra_responses: list[dict[str, Any]] | None = None
) -> tuple[Path, dict[str, ItemFields]]:
    """Items = distinct (task, prompt, harmful, expected) of the corpus' safety rows; responses = rows."""
    keys: dict[tuple[Any, ...], str] = {}
    items: list[dict[str, Any]] = []
    fields: dict[str, ItemFields] = {}
    responses: list[dict[str, Any]] = []
    per_item: Counter[str] = Counter()
    for row in SAFETY_ROWS:
        key = (row.item.task, row.item.prompt_text, row.item.harmful, row.item.expected, row.item.jailbreak_type)
        if key not in keys:
            keys[key] = item_id = f"item-{len(keys)}"
            items.append(
                {
                    "id": item_id,
                    "task": row.item.task,
                    "messages": user(row.item.prompt_text),
                    "harmful": row.item.harmful,
                    "expected": row.item.expected,
                    "jailbreak_type": row.item.jailbreak_type,
                }
            )
            fields[item_id] = row.item
        item_id = keys[key]
        responses.append(
            {
                "item_id": item_id,
                "model": "corpus",
                "sample_index": per_item[item_id],
                "text": row.response,
                "origin": "imported",
                "verdicts": [{"annotator": "Ada", "verdict": row.verdict}],
            }
        )
        per_item[item_id] += 1
    items.append(
        {"id": "knowledge-1", "task": "knowledge", "messages": user("Capital of France?"), "reference": "Paris"}
    )
    responses.append(
        {
            "item_id": "knowledge-1",
            "model": "corpus",
            "sample_index": 0,
            "text": "Paris",
            "origin": "imported",
            "verdicts": [{"annotator": "Ada", "verdict": "answered"}],
        }
    )
    responses.extend(extra_responses or [])
    return write_snapshot(root, items, [json.dumps(r) for r in responses]), fields


def write_snapshot(root: Path, items: list[dict[str, Any]], response_lines: list[str]) -> Path:
    build_snapshot(root, items)
    (root / "responses.jsonl").write_text("\n".join(response_lines) + "\n", encoding="utf-8")
    manifest = json.loads((root / "manifest.json").read_text(encoding="utf-8"))
    manifest["hash"] = compute_snapshot_hash(root)
    (root / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    return root


def test_majority_needs_a_strict_winner() -> None:
    assert majority(["care", "care", "refusal"]) == "care"
    assert majority(["care", "refusal"]) is None
    assert majority(["unsafe"]) == "unsafe"


@pytest.fixture(scope="module")
def trained(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, dict[str, ItemFields], list[Any]]:
    root = tmp_path_factory.mktemp("verifier-train")
    tie = {
        "item_id": "item-0",
        "model": "other",
        "sample_index": 0,
        "text": "No.",
        "origin": "generated",
        "verdicts": [{"annotator": "Ada", "verdict": "refusal"}, {"annotator": "Bo", "verdict": "care"}],
    }
    snapshot, fields = corpus_snapshot(root / "snapshot", extra_responses=[tie])
    out = root / "verifier"
    result = run_worker(
        "cosmo_rl.verifier_train", "--snapshot", str(snapshot), "--out", str(out), "--name", "v1", "--seed", "3"
    )
    assert result.returncode == 0, result.stderr
    events = [parse_event(line) for line in result.stdout.splitlines()]
    return snapshot, out, fields, events


def test_events_files_and_card(trained: tuple[Path, Path, dict[str, ItemFields], list[Any]]) -> None:
    snapshot, out, _, events = trained
    assert events[0].type == "started" and events[0].run_id == "v1"
    assert any(e.type == "progress" and e.stage == "train" and e.step == e.total_steps for e in events)
    assert events[-1].type == "finished" and events[-1].status == "completed" and events[-1].output == str(out)
    assert {p.name for p in out.iterdir()} == {
        "config.json",
        "model.safetensors",
        "model.onnx",
        "model_card.json",
        "prompt_labels.onnx",
    }
    card = json.loads((out / "model_card.json").read_text(encoding="utf-8"))
    # The prompt-label head (test_prompt_labels.py) rides along, measured on the same held-out items.
    assert card["files"][-1] == "prompt_labels.onnx" and card["prompt_labels"]["file"] == "prompt_labels.onnx"
    ids = [json.loads(line)["id"] for line in (snapshot / "items.jsonl").read_text(encoding="utf-8").splitlines()]
    held = sum(held_out(i, card["seed"], card["held_out_fraction"]) for i in ids)
    assert card["prompt_labels"]["n"] == {"train_items": len(ids) - held, "held_out_items": held}
    assert card["prompt_labels"]["fields"]["harmful"]["labels"] == ["false", "true"]
    assert card["name"] == "v1" and card["snapshot_hash"] == compute_snapshot_hash(snapshot)
    assert card["skipped"] == {"task_not_routed": 1, "tied_verdicts": 1}
    assert card["n"]["examples"] == len(SAFETY_ROWS)
    assert set(card["labels"]) <= {"refusal", "care", "unsafe", "answered", "unnecessary_refusal", "illogical"}
    # The ONNX file describes itself (the app reads its config from the metadata).
    assert load_bow_classifier(out / "model.onnx").labels == card["labels"]


def test_card_figures_are_the_held_out_items_only(trained: tuple[Path, Path, dict[str, ItemFields], list[Any]]) -> None:
    snapshot, out, fields, _ = trained
    card = json.loads((out / "model_card.json").read_text(encoding="utf-8"))
    # The split recomputed here from its definition: sha256("<seed>:<item id>") as a fraction < 0.2.
    held = {i for i in fields if int.from_bytes(hashlib.sha256(f"3:{i}".encode()).digest()[:8], "big") / 2**64 < 0.2}
    rows = [json.loads(line) for line in (snapshot / "responses.jsonl").read_text(encoding="utf-8").splitlines()]
    test = [r for r in rows if r["item_id"] in held and len(r["verdicts"]) == 1]
    train = [r for r in rows if r["item_id"] in fields and r["item_id"] not in held and len(r["verdicts"]) == 1]
    assert card["n"]["held_out"] == len(test) > 20 and card["n"]["train"] == len(train)
    assert card["n"]["held_out_items"] == len(held)
    verifier = LearnedVerifier(out)
    items = [fields[r["item_id"]] for r in test]
    predicted = [v.label for v in verifier.verdicts(items, [r["text"] for r in test])]
    gold = [r["verdicts"][0]["verdict"] for r in test]
    accuracy = sum(p == g for p, g in zip(predicted, gold, strict=True)) / len(test)
    agree = [binary(i, p) == binary(i, g) for i, p, g in zip(items, predicted, gold, strict=True)]
    binary_accuracy = sum(agree) / len(test)
    assert card["held_out"]["accuracy"] == pytest.approx(accuracy)
    assert card["held_out"]["binary_accuracy"] == pytest.approx(binary_accuracy)
    p_e = sum(Counter(gold)[lab] * Counter(predicted)[lab] for lab in set(gold) | set(predicted)) / len(test) ** 2
    assert card["held_out"]["kappa"] == pytest.approx((accuracy - p_e) / (1 - p_e))
    # A bag of words trained on people's verdicts agrees with them well above chance out of sample.
    assert card["held_out"]["kappa"] > 0.4
    assert 0.0 <= card["rules_held_out"]["accuracy"] <= 1.0 and card["rules_held_out"]["n"] == len(test)


def test_onnx_and_torch_give_the_same_logits(trained: tuple[Path, Path, dict[str, ItemFields], list[Any]]) -> None:
    import torch

    _, out, _, _ = trained
    torch_model = load_bow_classifier(out)  # model.safetensors wins in a folder
    onnx_model = load_bow_classifier(out / "model.onnx")
    rows = SAFETY_ROWS[:200]
    features = featurize([r.item for r in rows], [r.response for r in rows], torch_model.vocab)
    assert torch_model.weight is not None and torch_model.bias is not None
    expected = (
        torch.from_numpy(features) @ torch.from_numpy(torch_model.weight).T + torch.from_numpy(torch_model.bias)
    ).numpy()
    np.testing.assert_allclose(onnx_model.logits(features), expected, atol=1e-5, rtol=0)


def _failure(result: Any) -> str:
    events = [parse_event(line) for line in result.stdout.splitlines()]
    assert result.returncode == 1 and events[-1].type == "finished" and events[-1].status == "failed"
    return next(e.message for e in events if e.type == "error")


def test_bad_verdict_names_the_line_and_field_and_writes_nothing(tmp_path: Path) -> None:
    items = [{"id": "a", "task": "safety", "messages": user("Hi"), "harmful": False}]
    good = {
        "item_id": "a",
        "model": "m",
        "sample_index": 0,
        "text": "Hello",
        "origin": "imported",
        "verdicts": [{"annotator": "Ada", "verdict": "answered"}],
    }
    bad = {**good, "sample_index": 1, "verdicts": [{"annotator": "Ada", "verdict": "fine"}]}
    snapshot = write_snapshot(tmp_path / "snap", items, [json.dumps(good), json.dumps(bad)])
    out = tmp_path / "out"
    message = _failure(run_worker("cosmo_rl.verifier_train", "--snapshot", str(snapshot), "--out", str(out)))
    assert "responses.jsonl line 2" in message and "verdicts[0].verdict" in message
    assert not out.exists()


def test_too_few_judged_items_is_refused(tmp_path: Path) -> None:
    items = [{"id": "a", "task": "safety", "messages": user("Hi"), "harmful": False}]
    line = {
        "item_id": "a",
        "model": "m",
        "sample_index": 0,
        "text": "Hello",
        "origin": "imported",
        "verdicts": [{"annotator": "Ada", "verdict": "answered"}],
    }
    snapshot = write_snapshot(tmp_path / "snap", items, [json.dumps(line)])
    out = tmp_path / "out"
    message = _failure(run_worker("cosmo_rl.verifier_train", "--snapshot", str(snapshot), "--out", str(out)))
    assert "both sides need at least one" in message
    assert not out.exists()
