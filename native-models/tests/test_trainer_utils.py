"""Pure helpers of CosmoTrainer: prompt truncation that keeps image tokens, sample selection."""

from __future__ import annotations

import pytest

from cosmo_rl.callbacks import pick_varied
from cosmo_rl.trainer import RolloutRecord, truncate_left_protected

IMG = 99


def test_short_prompts_are_untouched() -> None:
    assert truncate_left_protected([1, 2, 3], 3, frozenset({IMG})) == [1, 2, 3]


def test_left_truncation_keeps_the_newest_text() -> None:
    assert truncate_left_protected([1, 2, 3, 4, 5], 3, frozenset()) == [3, 4, 5]


def test_vision_tokens_survive_truncation_in_order() -> None:
    ids = [1, 2, IMG, IMG, 3, 4, 5]
    assert truncate_left_protected(ids, 4, frozenset({IMG})) == [IMG, IMG, 4, 5]


def test_budget_below_the_image_tokens_is_an_error() -> None:
    with pytest.raises(ValueError, match="max_prompt_length 1"):
        truncate_left_protected([1, IMG, IMG], 1, frozenset({IMG}))


def _record(item_id: str, k: int) -> RolloutRecord:
    return RolloutRecord(item_id, "general", "p", None, f"c{k}", {"format": 0.0}, 0.0)


def test_samples_show_distinct_prompts_first() -> None:
    records = [_record("a", 0), _record("a", 1), _record("b", 0), _record("b", 1)]
    chosen = pick_varied(records, 3)
    assert [(r.item_id, r.completion) for r in chosen] == [("a", "c0"), ("b", "c0"), ("a", "c1")]
