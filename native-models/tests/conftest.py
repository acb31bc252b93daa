"""Shared fixtures. Everything runs offline on CPU; tiny models are built once per session."""

from __future__ import annotations

import os

# Set before transformers/datasets are imported anywhere: nothing may reach the network.
for _var, _value in {
    "HF_HUB_OFFLINE": "1",
    "TRANSFORMERS_OFFLINE": "1",
    "HF_DATASETS_OFFLINE": "1",
    "HF_HUB_DISABLE_TELEMETRY": "1",
    "TOKENIZERS_PARALLELISM": "false",
}.items():
    os.environ[_var] = _value

from collections.abc import Callable  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402

import pytest  # noqa: E402


@pytest.fixture(scope="session")
def tiny_model_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A tiny random Qwen2-VL folder (model + processor), built once per test session."""
    from cosmo_rl.tiny import build_tiny

    return build_tiny(tmp_path_factory.mktemp("tiny-qwen2-vl"))


@pytest.fixture(scope="session")
def tiny_text_model_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A tiny random Qwen2 causal LM folder (model + tokenizer), built once per test session."""
    from cosmo_rl.tiny import build_tiny

    return build_tiny(tmp_path_factory.mktemp("tiny-qwen2"), text_only=True)


@pytest.fixture
def make_snapshot(tmp_path_factory: pytest.TempPathFactory) -> Callable[..., Path]:
    """``make_snapshot(items=None, **kwargs) -> Path``: a fresh snapshot folder per call.

    ``items=None`` writes helpers.SAMPLE_ITEMS (every task, images on some, one eval item);
    keyword arguments go to helpers.build_snapshot.
    """
    from helpers import build_snapshot

    def make(items: list[dict[str, Any]] | None = None, **kwargs: Any) -> Path:
        return build_snapshot(tmp_path_factory.mktemp("snapshot"), items, **kwargs)

    return make
