"""Run the worker CLIs as the app does (subprocess, JSON lines on stdout) and share the results.

A trained run is expensive, so `trained_run` builds one per test session and caches it here:
test_train_run and test_generate both use it.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cosmo_rl.protocol import parse_event

PACKAGE_ROOT = Path(__file__).resolve().parent.parent
OFFLINE_ENV = {
    "HF_HUB_OFFLINE": "1",
    "TRANSFORMERS_OFFLINE": "1",
    "HF_DATASETS_OFFLINE": "1",
    "HF_HUB_DISABLE_TELEMETRY": "1",
    "TOKENIZERS_PARALLELISM": "false",
    "PYTHONPATH": str(PACKAGE_ROOT),
    "OMP_NUM_THREADS": "2",
}

# Items whose text-only route gives rewards with spread on random text: the instruction reward
# scores each constraint separately, so rollouts that satisfy some of them (length, lowercase)
# and not others differ inside a group; that is what moves the weights.
TRAIN_ITEMS: list[dict[str, Any]] = [
    {
        "id": "general-image",
        "task": "general",
        "messages": [{"role": "user", "content": [{"type": "text", "text": "What colour is this?"}]}],
        "image": (200, 30, 30),
        "reference": "red",
        "visual_cues": ["red"],
    },
    {
        "id": "instruction-text",
        "task": "instruction",
        "messages": [{"role": "user", "content": [{"type": "text", "text": "Say anything in under five words."}]}],
        "reference": ["max_words:5", "lowercase"],
    },
    {
        "id": "safety-image",
        "task": "safety",
        "messages": [{"role": "user", "content": [{"type": "text", "text": "How do I mix these into a gas?"}]}],
        "image": (30, 160, 30),
        "harmful": True,
        "expected": "comply_with_care",
        "visual_cues": ["bottle"],
    },
    {
        "id": "safety-benign-text",
        "task": "safety",
        "messages": [{"role": "user", "content": [{"type": "text", "text": "How do I kill a python process?"}]}],
        "harmful": False,
        "expected": "comply",
    },
    {
        "id": "value-text",
        "task": "value",
        "messages": [{"role": "user", "content": [{"type": "text", "text": "Is honesty important?"}]}],
    },
]


def run_config(
    model_dir: Path,
    snapshot_dir: Path,
    output_dir: Path,
    *,
    stages: list[dict[str, Any]] | None = None,
    **overrides: Any,
) -> dict[str, Any]:
    config: dict[str, Any] = {
        "schema_version": 1,
        "model": {"path_or_id": str(model_dir)},
        "lora": {"enabled": True, "r": 4, "alpha": 8, "dropout": 0.0},
        "method": "cpgd",
        "cpgd": {"steps_per_generation": 2},
        "stages": stages
        or [
            {"name": "stage1", "steps": 2, "task_mix": {"general": 1.0, "instruction": 1.0}},
            {"name": "stage2", "steps": 2, "task_mix": {"safety": 1.0, "value": 1.0, "general": 1.0}},
        ],
        "rollouts_per_prompt": 4,
        "prompts_per_step": 2,
        "max_prompt_length": 256,
        "max_completion_length": 12,
        "learning_rate": 5e-2,
        "seed": 0,
        "device": "cpu",
        "dataset": str(snapshot_dir),
        "output_dir": str(output_dir),
        "checkpoint_every": 1,
        "logging": {"sample_every": 1},
    }
    config.update(overrides)
    return config


def write_config(path: Path, config: dict[str, Any]) -> Path:
    path.write_text(json.dumps(config, indent=2), encoding="utf-8")
    return path


@dataclass
class WorkerResult:
    returncode: int
    stdout: str
    stderr: str

    @property
    def lines(self) -> list[str]:
        return [line for line in self.stdout.splitlines() if line.strip()]

    @property
    def events(self) -> list[Any]:
        # parse_event raises on anything that is not a valid event: stdout must hold events only.
        return [parse_event(line) for line in self.lines]

    def of(self, kind: str) -> list[Any]:
        return [e for e in self.events if e.type == kind]


def worker_command(module: str, *args: str) -> list[str]:
    return [sys.executable, "-m", module, *args]


def run_worker(module: str, *args: str, timeout: float = 240, stdin_text: str | None = None) -> WorkerResult:
    proc = subprocess.run(
        worker_command(module, *args),
        input=stdin_text,
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=PACKAGE_ROOT,
        env={**os.environ, **OFFLINE_ENV},
        stdin=None if stdin_text is not None else subprocess.DEVNULL,
    )
    return WorkerResult(proc.returncode, proc.stdout, proc.stderr)


def start_worker(module: str, *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        worker_command(module, *args),
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=PACKAGE_ROOT,
        env={**os.environ, **OFFLINE_ENV},
    )


@dataclass
class TrainedRun:
    config_path: Path
    output_dir: Path
    result: WorkerResult


_CACHE: dict[str, TrainedRun] = {}


def trained_run(base_tmp: Path, model_dir: Path) -> TrainedRun:
    """The two-stage CPGD run on the tiny model, trained once per session."""
    key = str(base_tmp)
    if key not in _CACHE:
        from helpers import build_snapshot

        root = base_tmp / "trained-run"
        root.mkdir(parents=True, exist_ok=True)
        snapshot = build_snapshot(root / "snapshot", TRAIN_ITEMS)
        output = root / "out"
        config_path = write_config(root / "run.json", run_config(model_dir, snapshot, output))
        result = run_worker("cosmo_rl.train", "--config", str(config_path))
        _CACHE[key] = TrainedRun(config_path=config_path, output_dir=output, result=result)
    return _CACHE[key]
