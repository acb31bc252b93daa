"""bench/gpu_smoke.py end to end on the tiny model (CPU): the code path the GPU run takes.

Build a model from a config written in code, train CPGD with LoRA on generated images, SIGKILL
after the first checkpoint, resume, generate with base + adapter, check and print the table.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[1] / "bench"


def test_gpu_smoke_tiny_passes_every_check(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    sys.path.insert(0, str(BENCH))
    try:
        import gpu_smoke
    finally:
        sys.path.remove(str(BENCH))

    report = gpu_smoke.smoke(tmp_path, tiny=True, steps=8)
    assert report.failures == []
    table = report.table()
    print(table)
    assert [row[0] for row in report.rows] == [
        "build model",
        "train (killed)",
        "train (resumed)",
        "generate base+adapter",
    ]
    killed, resumed = report.rows[1], report.rows[2]
    assert (killed[1], resumed[1]) == ("4", "4")  # killed after the step-4 checkpoint, resumed for the rest
    assert "4 answers" in report.rows[3][4]  # 2 eval items x (base, adapter)
    # The resumed run kept at most save_total_limit checkpoints.
    checkpoints = sorted(p.name for p in (tmp_path / "out" / "stage1").glob("checkpoint-*"))
    assert checkpoints == ["checkpoint-4", "checkpoint-8"]


def test_the_checks_catch_a_run_that_did_not_resume() -> None:
    sys.path.insert(0, str(BENCH))
    try:
        import gpu_smoke
    finally:
        sys.path.remove(str(BENCH))

    first = gpu_smoke.WorkerRun(events=[{"type": "checkpoint", "step": 4}], returncode=-9)
    second = gpu_smoke.WorkerRun(
        events=[
            {"type": "started", "gpu": {"name": "card", "memory_total_mb": 1000}},
            {"type": "progress", "step": 1},
            {"type": "metrics", "values": {"grad_norm": float("nan"), "clip_ratio/region_mean": 0.0}},
            {"type": "metrics", "values": {"memory/peak_mb": 2000.0}},
            {"type": "finished", "status": "failed"},
        ],
        returncode=1,
    )
    failures = " | ".join(gpu_smoke.check_runs(first, second, steps=12))
    for needle in (
        "did not complete",
        "started at step 1, not 5",
        "grad_norm not finite",
        "clip fraction is 0",
        "peak memory 2000 MB is not under the card's 1000 MB",
    ):
        assert needle in failures
