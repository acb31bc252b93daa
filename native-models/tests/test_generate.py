"""Generation CLI: a base model plus the adapter a training run produced, over a small eval file."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from helpers import png_bytes
from worker_runs import TrainedRun, run_worker, trained_run


@pytest.fixture(scope="session")
def run(tmp_path_factory: pytest.TempPathFactory, tiny_model_dir: Path) -> TrainedRun:
    return trained_run(tmp_path_factory.getbasetemp(), tiny_model_dir)


def _eval_file(folder: Path) -> Path:
    (folder / "pics").mkdir(parents=True)
    (folder / "pics" / "red.png").write_bytes(png_bytes((200, 30, 30)))
    items = [
        {"id": "img-1", "messages": [{"role": "user", "content": "What colour is this?", "image": "pics/red.png"}]},
        {"id": "txt-1", "messages": [{"role": "user", "content": "What is the capital of France?"}]},
        {
            "id": "parts-1",
            "task": "safety",
            "messages": [
                {"role": "system", "content": "Be brief."},
                {
                    "role": "user",
                    "content": [{"type": "image", "path": "pics/red.png"}, {"type": "text", "text": "Safe?"}],
                },
            ],
        },
    ]
    path = folder / "eval.jsonl"
    path.write_text("\n".join(json.dumps(i) for i in items) + "\n", encoding="utf-8")
    return path


def test_base_and_adapter_answer_every_item(run: TrainedRun, tiny_model_dir: Path, tmp_path: Path) -> None:
    assert run.result.returncode == 0, run.result.stderr[-3000:]
    adapter = run.output_dir / "stage2" / "final"
    eval_file = _eval_file(tmp_path / "eval")
    out = tmp_path / "responses.jsonl"
    result = run_worker(
        "cosmo_rl.generate",
        "--base",
        str(tiny_model_dir),
        "--adapter",
        f"cosmo={adapter}",
        "--adapter",
        f"stage1={run.output_dir / 'stage1' / 'final'}",
        "--eval",
        str(eval_file),
        "--out",
        str(out),
        "--max-new-tokens",
        "6",
        "--temperature",
        "0",
        "--batch-size",
        "2",
    )
    assert result.returncode == 0, result.stderr[-3000:]
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    pairs = sorted((r["item_id"], r["model"]) for r in rows)
    models = ("base", "cosmo", "stage1")
    assert pairs == sorted((i, m) for i in ("img-1", "txt-1", "parts-1") for m in models)
    for row in rows:
        assert isinstance(row["response"], str)
        assert 0 < row["completion_tokens"] <= 6 and row["prompt_tokens"] > 0
        params = {"max_new_tokens": 6, "temperature": 0.0, "top_p": 0.95, "seed": 0, "system_prompt": "none"}
        assert row["params"] == params
        assert row["sample_index"] == 0

    events = result.events
    assert events[0].type == "started" and events[-1].type == "finished"
    assert events[-1].status == "completed" and events[-1].output == str(out.resolve())
    progress = result.of("progress")
    assert progress[-1].step == progress[-1].total_steps == 9
    assert [p.step for p in progress] == sorted(p.step for p in progress)
    assert all(p.stage == "generate" for p in progress)

    # Greedy decoding: the trained adapter changed the policy, so some answer differs from the base's.
    responses = {(r["model"], r["item_id"]): r["response"] for r in rows}
    assert any(responses[("base", i)] != responses[("cosmo", i)] for i in ("img-1", "txt-1", "parts-1"))


def test_missing_image_is_an_error_event(tiny_model_dir: Path, tmp_path: Path) -> None:
    eval_file = _eval_file(tmp_path / "eval")
    shutil.rmtree(tmp_path / "eval" / "pics")
    result = run_worker(
        "cosmo_rl.generate",
        "--base",
        str(tiny_model_dir),
        "--eval",
        str(eval_file),
        "--out",
        str(tmp_path / "o.jsonl"),
    )
    assert result.returncode == 1
    error = result.of("error")[0]
    assert "pics/red.png" in error.message and error.traceback is None
    assert result.events[-1].status == "failed"


def test_adapter_argument_needs_a_name(tiny_model_dir: Path, tmp_path: Path) -> None:
    result = run_worker(
        "cosmo_rl.generate",
        "--base",
        str(tiny_model_dir),
        "--adapter",
        "no-equals-sign",
        "--eval",
        "x.jsonl",
        "--out",
        "y.jsonl",
    )
    assert result.returncode == 2 and "NAME=PATH" in result.stderr and result.stdout == ""


def test_samples_and_the_training_system_prompt(tiny_model_dir: Path, tmp_path: Path) -> None:
    eval_file = _eval_file(tmp_path / "eval")

    def generate(out: Path, *extra: str) -> list[dict[str, object]]:
        result = run_worker(
            "cosmo_rl.generate",
            "--base",
            str(tiny_model_dir),
            "--eval",
            str(eval_file),
            "--out",
            str(out),
            "--max-new-tokens",
            "4",
            "--seed",
            "5",
            *extra,
        )
        assert result.returncode == 0, result.stderr[-3000:]
        assert result.of("progress")[-1].total_steps == 3 * (2 if "--samples" in extra else 1)
        return [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]

    plain = generate(tmp_path / "plain.jsonl")
    sampled = generate(tmp_path / "sampled.jsonl", "--samples", "2", "--system-prompt", "training")
    assert sorted((r["item_id"], r["sample_index"]) for r in sampled) == sorted(
        (i, k) for i in ("img-1", "txt-1", "parts-1") for k in (0, 1)
    )
    assert {r["params"]["seed"] for r in sampled} == {5, 6}  # type: ignore[index]
    assert all(r["params"]["system_prompt"] == "training" for r in sampled)  # type: ignore[index]
    tokens = {(r["item_id"], r["sample_index"]): r["prompt_tokens"] for r in sampled}
    base_tokens = {r["item_id"]: r["prompt_tokens"] for r in plain}
    # Items without a system message are asked with the training system prompt; parts-1 has its own.
    assert tokens[("txt-1", 0)] > base_tokens["txt-1"]
    assert tokens[("parts-1", 0)] == base_tokens["parts-1"]
