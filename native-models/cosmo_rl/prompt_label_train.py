"""The verifier's prompt-label head trained from the snapshot's people-labelled prompts.

Called by cosmo_rl.verifier_train after the response classifier. Examples: every snapshot item
(a snapshot holds only items people labelled: gold, else a majority; cosmo_rl.snapshot) with its
harmful / category / expected labels. The held-out items are exactly the verifier's
(``held_out(item id, seed, fraction)``), so no prompt is trained on and measured on. The heads
(cosmo_rl.verifiers.prompt_labels) train on the rest; the card's figures are computed on the
held-out items through the saved ONNX file: per field, n and accuracy (null when no held-out item
carries that field), and the majority-label baseline on the same rows for comparison.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

from cosmo_rl.verifiers.prompt_labels import (
    FIELDS,
    FILE_NAME,
    PromptExample,
    PromptField,
    load_prompt_labels,
    save_prompt_labels,
    train_prompt_labels,
)

EPOCHS = 150
LEARNING_RATE = 0.1


def prompt_examples(
    snapshot: Any, is_held_out: Callable[[str], bool]
) -> tuple[list[PromptExample], list[PromptExample]]:
    """(train, held out) examples of a loaded cosmo_rl.snapshot.Snapshot."""
    train: list[PromptExample] = []
    test: list[PromptExample] = []
    for item in snapshot.items:
        example = PromptExample(
            text=item.prompt_text,
            task=item.task,
            has_image=bool(item.image_paths),
            harmful=item.harmful,
            category=item.category,
            expected=item.expected,
        )
        (test if is_held_out(item.id) else train).append(example)
    return train, test


def _field_figures(
    field: PromptField,
    labels: list[str],
    train: list[PromptExample],
    test: list[PromptExample],
    predicted: dict[PromptField, list[str]],
) -> dict[str, Any]:
    train_labels = [str(e.label(field)) for e in train if e.label(field) is not None]
    rows = [(i, str(e.label(field))) for i, e in enumerate(test) if e.label(field) is not None]
    majority = Counter(train_labels).most_common(1)[0][0]
    n = len(rows)
    return {
        "labels": labels,
        "train": len(train_labels),
        "n": n,
        "accuracy": sum(predicted[field][i] == gold for i, gold in rows) / n if n else None,
        "majority_accuracy": sum(gold == majority for _, gold in rows) / n if n else None,
    }


def train_prompt_head(train: list[PromptExample], test: list[PromptExample], out: Path, seed: int) -> dict[str, Any]:
    """Train, save ``prompt_labels.onnx`` into ``out`` and return the card's ``prompt_labels`` section."""
    model = train_prompt_labels(train, epochs=EPOCHS, learning_rate=LEARNING_RATE, seed=seed)
    if model is None:
        return {
            "file": None,
            "reason": "no label field has two different labels among the training prompts",
            "fields": {},
        }
    save_prompt_labels(model, out)
    # Measured through the saved file: what the app runs is what is measured.
    saved = load_prompt_labels(out / FILE_NAME)
    predicted: dict[PromptField, list[str]] = saved.predict(test) if test else {f: [] for f in saved.config.heads}
    fields = {
        field: _field_figures(field, labels, train, test, predicted) for field, labels in saved.config.heads.items()
    }
    missing = [f for f in FIELDS if f not in fields]
    return {
        "file": FILE_NAME,
        "format": saved.config.format,
        "ngrams": saved.config.ngrams,
        "vocab_size": len(saved.config.vocab),
        "n": {"train_items": len(train), "held_out_items": len(test)},
        "fields": fields,
        "untrained": missing,
        "training": {"epochs": EPOCHS, "learning_rate": LEARNING_RATE, "optimizer": "adam, full batch"},
    }
