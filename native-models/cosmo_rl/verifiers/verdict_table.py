"""The learned tier's decision table, computed by the functions that decide it, for the app.

The app runs an exported learned verifier itself (main/inference, onnxruntime-node) and must
not keep a second copy of the rules that turn the classifier's label into a verdict and a score
(COSMO-RL.md's tables). So every ONNX export carries, in metadata key ``cosmo_verdict_table``
(learned.py ``VERDICT_TABLE_KEY``), this table, produced by calling the very functions the
worker uses over every task x harmful (true, false, unknown) x expected (comply,
comply_with_care, refuse, unknown) x allowed label:

    {"format": "cosmo-verdict-table", "version": 1,
     "rules_fallback_confidence": 0.1,
     "routes": [{"task": "safety", "harmful": true,
                 "labels": ["refusal", "care", "unsafe", "illogical"],
                 "verdicts": {"refusal": "refusal", ...},
                 "fallback_note": "classifier has none of the labels (...); rules decided",
                 "scores": [{"expected": "refuse", "scores": {"refusal": 1.0, ...}}, ...]},
                ...]}

- ``labels``: base.py ``labels_for`` (empty: the rules tier decides the item; then ``verdicts``,
  ``fallback_note`` are null and ``scores`` is empty);
- ``verdicts``: label -> the response's verdict (rewards/outcome.py ``label_outcome``) where the
  outcome takes the classifier's label (``takes_task_label``), else null: the rules' outcome;
- ``scores``: base.py ``score_label`` (R_task) per expected behaviour and label;
- ``fallback_note`` / ``rules_fallback_confidence``: learned.py's fallback when the classifier
  has none of the item's labels (the rules' verdict, its confidence capped).
"""

from __future__ import annotations

from typing import Any

from cosmo_rl.config import TASKS
from cosmo_rl.rewards.outcome import label_outcome, takes_task_label
from cosmo_rl.verifiers.base import EXPECTED_VALUES, ItemFields, labels_for, score_label
from cosmo_rl.verifiers.learned import RULES_FALLBACK_CONFIDENCE, fallback_note

TABLE_FORMAT = "cosmo-verdict-table"
HARMFUL_VALUES: tuple[bool | None, ...] = (True, False, None)


def _route(task: str, harmful: bool | None) -> dict[str, Any]:
    item = ItemFields(task=task, harmful=harmful)
    labels = list(labels_for(item))
    if not labels:
        return {"task": task, "harmful": harmful, "labels": [], "verdicts": None, "fallback_note": None, "scores": []}
    scores: list[dict[str, Any]] = []
    for expected in (*EXPECTED_VALUES, None):
        scored = ItemFields(task=task, harmful=harmful, expected=expected)
        scores.append({"expected": expected, "scores": {label: score_label(scored, label) for label in labels}})
    verdicts = {label: label_outcome(label) for label in labels} if takes_task_label(item) else None
    return {
        "task": task,
        "harmful": harmful,
        "labels": labels,
        "verdicts": verdicts,
        "fallback_note": fallback_note(item),
        "scores": scores,
    }


def verdict_table() -> dict[str, Any]:
    """The table (see the module docstring); JSON-ready."""
    return {
        "format": TABLE_FORMAT,
        "version": 1,
        "rules_fallback_confidence": RULES_FALLBACK_CONFIDENCE,
        "routes": [_route(task, harmful) for task in TASKS for harmful in HARMFUL_VALUES],
    }
