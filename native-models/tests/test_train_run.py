"""The training worker end to end on the tiny model, driven exactly like the app drives it."""

from __future__ import annotations

import json
import signal
import subprocess
from pathlib import Path

import pytest
import torch
from safetensors.torch import load_file
from worker_runs import (
    TRAIN_ITEMS,
    TrainedRun,
    run_config,
    run_worker,
    start_worker,
    trained_run,
    write_config,
)

from cosmo_rl.protocol import parse_event


@pytest.fixture(scope="session")
def run(tmp_path_factory: pytest.TempPathFactory, tiny_model_dir: Path) -> TrainedRun:
    return trained_run(tmp_path_factory.getbasetemp(), tiny_model_dir)


def _adapter(folder: Path) -> dict[str, torch.Tensor]:
    return load_file(str(folder / "adapter_model.safetensors"))


def test_two_stage_run_completes_with_a_valid_event_stream(run: TrainedRun) -> None:
    result = run.result
    assert result.returncode == 0, result.stderr[-3000:]
    events = result.events  # every stdout line parses as a protocol event
    assert events[0].type == "started"
    assert events[0].device == "cpu" and events[0].gpu is None and len(events[0].config_hash) == 64
    assert events[-1].type == "finished" and events[-1].status == "completed"
    assert events[-1].checkpoint == str((run.output_dir / "stage2" / "final").resolve())
    assert not result.of("error")

    progress = result.of("progress")
    assert [(p.stage, p.step, p.stage_step) for p in progress] == [
        ("stage1", 1, 1),
        ("stage1", 2, 2),
        ("stage2", 3, 1),
        ("stage2", 4, 2),
    ]
    assert all(p.total_steps == 4 and p.stage_total == 2 for p in progress)
    assert progress[-1].eta_seconds == 0.0

    metrics = result.of("metrics")
    assert [m.step for m in metrics] == [1, 2, 3, 4]
    names = set().union(*(m.values for m in metrics))
    for name in (
        "loss",
        "grad_norm",
        "learning_rate",
        "reward",
        "rewards/format_reward/mean",
        "rewards/task_reward/mean",
        "clip_ratio/region_mean",
        "cpgd/log_ratio_mean",
        "cpgd/drift",
        "entropy",
        "completions/mean_length",
        "throughput/samples_per_second",
        "throughput/tokens_per_second",
        "safety/refusal_rate_harmful",
        "safety/refusal_rate_benign",
        "safety/unsafe_rate",
    ):
        assert name in names, f"missing metric {name}"
    assert any(n.startswith("reward_task/") for n in names)
    # Steps 2 and 4 reuse the rollout batch of steps 1 and 3 after an update: old != current there.
    off_policy = [m.values["cpgd/log_ratio_mean"] for m in metrics if m.step in (2, 4)]
    assert any(v != 0.0 for v in off_policy)

    samples = result.of("sample")
    assert samples and all(s.rollouts for s in samples)
    ids = {item["id"] for item in TRAIN_ITEMS}
    seen_images = set()
    for sample in samples:
        for rollout in sample.rollouts:
            assert rollout.item_id in ids
            assert rollout.rewards.format is not None and rollout.rewards.task is not None
            seen_images.add(rollout.image is not None)
            if rollout.image is not None:
                assert Path(rollout.image).is_file()

    checkpoints = result.of("checkpoint")
    paths = [c.path for c in checkpoints]
    assert str((run.output_dir / "stage1" / "checkpoint-1").resolve()) in paths
    assert str((run.output_dir / "stage1" / "final").resolve()) in paths
    for path in paths:
        assert Path(path).is_dir()


def test_logs_stay_on_stderr(run: TrainedRun) -> None:
    # Library output (weight loading bars, warnings) exists, and none of it reached stdout.
    assert run.result.stderr.strip()
    for line in run.result.lines:
        assert json.loads(line)["v"] == 1


def test_lora_weights_change_and_stage2_starts_from_stage1(run: TrainedRun) -> None:
    stage1 = _adapter(run.output_dir / "stage1" / "final")
    stage2 = _adapter(run.output_dir / "stage2" / "final")
    lora_b = [k for k in stage1 if "lora_B" in k]
    assert lora_b, "no LoRA B matrices saved"
    # LoRA B starts at zero: any non-zero entry means the policy update moved it.
    assert any(stage1[k].abs().sum() > 0 for k in lora_b)
    assert set(stage1) == set(stage2)
    assert any(not torch.equal(stage1[k], stage2[k]) for k in stage1)
    # The adapter never touches the vision tower.
    assert not [k for k in stage1 if "visual" in k]
    marker = json.loads((run.output_dir / "stage2" / "final" / "stage.json").read_text())
    assert marker["stage"] == "stage2" and marker["global_step"] == 2
    # Trainer state travels with each checkpoint (what --resume needs).
    for name in ("trainer_state.json", "optimizer.pt", "adapter_model.safetensors"):
        assert (run.output_dir / "stage1" / "checkpoint-1" / name).is_file()


def test_rerun_without_resume_refuses_to_overwrite(run: TrainedRun) -> None:
    again = run_worker("cosmo_rl.train", "--config", str(run.config_path))
    assert again.returncode == 1
    error = again.of("error")[0]
    assert "--resume" in error.message and error.traceback is None
    assert again.events[-1].type == "finished" and again.events[-1].status == "failed"


def _start_and_cancel(config: Path, how: str) -> tuple[list, int, str]:
    """Start a run, wait until training really runs, then cancel it the way `how` says."""
    proc = start_worker("cosmo_rl.train", "--config", str(config))
    assert proc.stdin is not None and proc.stdout is not None
    lines: list[str] = []
    for line in proc.stdout:
        lines.append(line)
        if parse_event(line).type == "progress":
            if how == "stdin":  # what the app does
                proc.stdin.write('{"type":"cancel"}\n')
                proc.stdin.flush()
            else:  # Ctrl-C on the command line
                proc.send_signal(signal.SIGINT)
            break
    try:
        out, err = proc.communicate(timeout=180)
    except subprocess.TimeoutExpired:
        proc.kill()
        out, err = proc.communicate()
        raise AssertionError(
            f"worker did not stop after the cancel; stdout tail:\n{out[-2000:]}\nstderr tail:\n{err[-3000:]}"
        ) from None
    lines += out.splitlines()
    return [parse_event(line) for line in lines if line.strip()], proc.returncode, err


def test_ctrl_c_cancels_like_the_stdin_message(tmp_path: Path, tiny_model_dir: Path) -> None:
    from helpers import build_snapshot

    snapshot = build_snapshot(tmp_path / "snapshot", TRAIN_ITEMS)
    stages = [{"name": "stage1", "steps": 40, "task_mix": {"instruction": 1.0}}]
    config = write_config(
        tmp_path / "run.json",
        run_config(tiny_model_dir, snapshot, tmp_path / "out", stages=stages, checkpoint_every=1000),
    )
    events, returncode, err = _start_and_cancel(config, "sigint")
    assert returncode == 0, err[-3000:]
    assert events[-1].type == "finished" and events[-1].status == "cancelled"
    assert events[-1].checkpoint is not None and Path(events[-1].checkpoint).is_dir()
    assert any(e.type == "log" and "Ctrl-C" in e.message for e in events)


def test_cancel_saves_a_checkpoint_and_resume_continues(tmp_path: Path, tiny_model_dir: Path) -> None:
    from helpers import build_snapshot

    snapshot = build_snapshot(tmp_path / "snapshot", TRAIN_ITEMS)
    output = tmp_path / "out"
    stages = [{"name": "stage1", "steps": 40, "task_mix": {"general": 1.0, "instruction": 1.0}}]
    config = write_config(
        tmp_path / "run.json",
        run_config(tiny_model_dir, snapshot, output, stages=stages, checkpoint_every=1000, max_completion_length=8),
    )
    events, returncode, err = _start_and_cancel(config, "stdin")
    assert returncode == 0, err[-3000:]
    finished = events[-1]
    assert finished.type == "finished" and finished.status == "cancelled"
    checkpoints = [e for e in events if e.type == "checkpoint"]
    assert len(checkpoints) == 1 and finished.checkpoint == checkpoints[0].path
    cancelled_at = checkpoints[0].step
    assert 1 <= cancelled_at < 40
    assert (Path(finished.checkpoint) / "trainer_state.json").is_file()
    assert not (output / "stage1" / "final").exists()

    # Resume with a shorter stage so the test stays quick: it continues from the checkpoint's step.
    stages[0]["steps"] = cancelled_at + 2
    write_config(config, run_config(tiny_model_dir, snapshot, output, stages=stages, checkpoint_every=1000))
    resumed = run_worker("cosmo_rl.train", "--config", str(config), "--resume")
    assert resumed.returncode == 0, resumed.stderr[-3000:]
    steps = [p.step for p in resumed.of("progress")]
    assert steps == [cancelled_at + 1, cancelled_at + 2]
    assert resumed.events[-1].status == "completed"
    assert (output / "stage1" / "final" / "stage.json").is_file()


def _assert_failed_cleanly(result, needle: str) -> None:
    assert result.returncode == 1
    events = result.events  # no stray traceback text: every line is an event
    errors = [e for e in events if e.type == "error"]
    assert len(errors) == 1 and needle in errors[0].message
    assert events[-1].type == "finished" and events[-1].status == "failed"
    assert "Traceback" not in "".join(line for line in result.lines if '"type":"error"' not in line)


def test_broken_config_gives_error_event(tmp_path: Path) -> None:
    config = tmp_path / "run.json"
    config.write_text('{"schema_version": 1, "model": {"path_or_id": "x"}, "stages": []}', encoding="utf-8")
    _assert_failed_cleanly(run_worker("cosmo_rl.train", "--config", str(config)), "stages")


def test_broken_snapshot_gives_error_event(tmp_path: Path, tiny_model_dir: Path) -> None:
    from helpers import build_snapshot

    snapshot = build_snapshot(tmp_path / "snapshot", TRAIN_ITEMS)
    (snapshot / "items.jsonl").write_text('{"id": "broken"\n', encoding="utf-8")
    config = write_config(tmp_path / "run.json", run_config(tiny_model_dir, snapshot, tmp_path / "out"))
    result = run_worker("cosmo_rl.train", "--config", str(config))
    _assert_failed_cleanly(result, "snapshot")
    assert result.of("error")[0].traceback is None


@pytest.mark.parametrize("model_type", ["llava", "bert"])  # another VLM family; an encoder with an LM head
def test_unsupported_backbone_is_refused_by_name(tmp_path: Path, make_snapshot, model_type: str) -> None:
    model = tmp_path / model_type
    model.mkdir()
    (model / "config.json").write_text(json.dumps({"model_type": model_type}))
    config = write_config(tmp_path / "run.json", run_config(model, make_snapshot(), tmp_path / "out"))
    result = run_worker("cosmo_rl.train", "--config", str(config))
    _assert_failed_cleanly(result, f"model type '{model_type}'")
    assert "Qwen2-VL" in result.of("error")[0].message


def test_an_image_with_no_room_for_text_is_refused_before_training(tmp_path: Path, tiny_model_dir: Path) -> None:
    from helpers import build_snapshot

    snapshot = build_snapshot(tmp_path / "snapshot", TRAIN_ITEMS)
    # A prompt budget smaller than one image's tokens: vision tokens are never truncated, so this
    # used to fail deep inside training; the image budget check refuses it first, naming the item.
    config = write_config(
        tmp_path / "run.json",
        run_config(
            tiny_model_dir,
            snapshot,
            tmp_path / "out",
            max_prompt_length=2,
            stages=[{"name": "stage1", "steps": 1, "task_mix": {"general": 1.0}}],
        ),
    )
    result = run_worker("cosmo_rl.train", "--config", str(config))
    _assert_failed_cleanly(result, "max_prompt_length 2")
    error = result.of("error")[0]
    assert "item general-image: images/" in error.message
    assert error.traceback is None  # an input problem, not a crash


def test_unexpected_failure_carries_a_traceback_inside_the_event(tmp_path: Path, tiny_model_dir: Path) -> None:
    import shutil

    from helpers import build_snapshot

    snapshot = build_snapshot(tmp_path / "snapshot", TRAIN_ITEMS)
    # Weights that are not a safetensors file: the config reads fine, loading the model fails.
    model = tmp_path / "broken-model"
    shutil.copytree(tiny_model_dir, model)
    (model / "model.safetensors").write_bytes(b"not a safetensors file")
    config = write_config(
        tmp_path / "run.json",
        run_config(
            model, snapshot, tmp_path / "out", stages=[{"name": "stage1", "steps": 1, "task_mix": {"general": 1.0}}]
        ),
    )
    result = run_worker("cosmo_rl.train", "--config", str(config))
    assert result.returncode == 1
    errors = result.of("error")
    assert len(errors) == 1 and result.events[-1].type == "finished" and result.events[-1].status == "failed"
    assert "Traceback" in (errors[0].traceback or "")


def test_help_lists_the_options() -> None:
    result = run_worker("cosmo_rl.train", "--help")
    assert result.returncode == 0
    for option in ("--config", "--resume", "--accelerate-config", "--accelerate-kind", "--num-processes"):
        assert option in result.stdout


def test_accelerate_config_flag_writes_yaml(tmp_path: Path, make_snapshot, tiny_model_dir: Path) -> None:
    config = write_config(tmp_path / "run.json", run_config(tiny_model_dir, make_snapshot(), tmp_path / "out"))
    out = tmp_path / "acc.yaml"
    result = run_worker(
        "cosmo_rl.train",
        "--config",
        str(config),
        "--accelerate-config",
        str(out),
        "--accelerate-kind",
        "fsdp",
        "--num-processes",
        "2",
    )
    assert result.returncode == 0, result.stderr
    assert "distributed_type: FSDP" in out.read_text()
    assert any("accelerate launch" in e.message for e in result.of("log"))
    bad = run_worker("cosmo_rl.train", "--config", str(config), "--accelerate-config", str(out), "--num-processes", "3")
    assert bad.returncode == 1 and "divisible" in bad.of("error")[0].message


def test_text_only_full_fine_tune_with_the_grpo_baseline(tmp_path: Path, tiny_text_model_dir: Path) -> None:
    from helpers import build_snapshot

    text_items = [item for item in TRAIN_ITEMS if "image" not in item]
    snapshot = build_snapshot(tmp_path / "snapshot", text_items)
    stages = [
        {"name": "stage1", "steps": 2, "task_mix": {"instruction": 1.0}},
        {"name": "stage2", "steps": 2, "task_mix": {"instruction": 1.0, "safety": 1.0}},
    ]
    config = run_config(tiny_text_model_dir, snapshot, tmp_path / "out", stages=stages, method="grpo")
    config["lora"] = {"enabled": False}
    config["learning_rate"] = 1e-3
    result = run_worker("cosmo_rl.train", "--config", str(write_config(tmp_path / "run.json", config)))
    assert result.returncode == 0, result.stderr[-3000:]
    assert result.events[-1].status == "completed"
    names = set().union(*(m.values for m in result.of("metrics")))
    # TRL's own loss ran: its clip metrics are there, CPGD's are not.
    assert "clip_ratio/low_mean" in names and not any(n.startswith("cpgd/") for n in names)
    # Full fine-tuning: stage 2 trained the whole model further from stage 1's weights.
    base = load_file(str(tiny_text_model_dir / "model.safetensors"))
    stage1 = load_file(str(tmp_path / "out" / "stage1" / "final" / "model.safetensors"))
    stage2 = load_file(str(tmp_path / "out" / "stage2" / "final" / "model.safetensors"))
    changed_1 = {k for k in base if not torch.equal(base[k], stage1[k])}
    changed_2 = {k for k in stage1 if not torch.equal(stage1[k], stage2[k])}
    assert changed_1 and changed_2


def test_out_of_memory_becomes_error_event_with_advice(monkeypatch: pytest.MonkeyPatch) -> None:
    import io

    from cosmo_rl import train

    stream = io.StringIO()
    monkeypatch.setattr(train, "claim_stdout", lambda: stream)

    def oom(*_args: object) -> str:
        raise torch.OutOfMemoryError("CUDA out of memory. Tried to allocate 2.00 GiB")

    monkeypatch.setattr(train, "run", oom)
    assert train.main(["--config", "unused.json"]) == 1
    events = [parse_event(line) for line in stream.getvalue().splitlines()]
    assert [e.type for e in events] == ["error", "finished"]
    error = events[0]
    assert error.message.startswith("out of memory")
    assert (
        error.advice is not None and "rollouts_per_prompt" in error.advice and "max_completion_length" in error.advice
    )
    assert events[1].status == "failed"
