"""COSMO-RL training worker.

    python -m cosmo_rl.train --config run.json [--resume]
    python -m cosmo_rl.train --config run.json --accelerate-config acc.yaml --accelerate-kind zero2 --num-processes 4

stdout carries only protocol events (cosmo_rl.protocol), one JSON object per line; logs,
warnings and progress bars go to stderr. stdin accepts {"type": "cancel"}: the worker saves a
checkpoint and ends with finished/cancelled. Exit code 0 only for a completed or cancelled run.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import sys
import traceback
from pathlib import Path
from typing import Any

from cosmo_rl.protocol import Error, EventWriter, Finished, Started, claim_stdout

# Failures whose message says everything: the user fixes the input, a traceback would be noise.
_USER_ERRORS = (
    "ConfigError",
    "SnapshotError",
    "EvalFileError",
    "UnsupportedModelError",
    "BatchPlanError",
    "RunStateError",
    "MixError",
    "ImageBudgetError",
)


class RunStateError(RuntimeError):
    """The output folder does not fit the request (e.g. old checkpoints without --resume)."""


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m cosmo_rl.train",
        description="Fine-tune a vision-language (or text) model with COSMO-RL: multi-objective rewards, "
        "CPGD policy update, two-stage curriculum. Events on stdout (JSON lines), logs on stderr, "
        'send {"type":"cancel"} on stdin to stop with a checkpoint.',
    )
    parser.add_argument("--config", required=True, type=Path, help="run config JSON (see schema/run-config)")
    parser.add_argument("--resume", action="store_true", help="continue from the last checkpoint in output_dir")
    parser.add_argument(
        "--accelerate-config",
        type=Path,
        metavar="OUT",
        help="write an accelerate YAML for a multi-GPU run to OUT and exit (no training)",
    )
    parser.add_argument(
        "--accelerate-kind",
        choices=["ddp", "zero2", "zero3", "fsdp"],
        default="ddp",
        help="multi-GPU strategy for --accelerate-config (default: ddp)",
    )
    parser.add_argument(
        "--num-processes", type=int, default=2, help="GPUs (processes) for --accelerate-config (default: 2)"
    )
    return parser


def config_hash(config: Any) -> str:
    return hashlib.sha256(config.model_dump_json().encode("utf-8")).hexdigest()


def _is_main_process() -> bool:
    # Under accelerate launch every rank runs this module; only rank 0 speaks the protocol.
    return int(os.environ.get("RANK", "0")) == 0


def _write_accelerate(args: argparse.Namespace, writer: EventWriter) -> None:
    from cosmo_rl.accelerate_config import write_accelerate_config
    from cosmo_rl.config import RunConfig

    config = RunConfig.from_file(args.config)
    path, plan, warnings = write_accelerate_config(
        config, args.accelerate_config, args.accelerate_kind, args.num_processes
    )
    for warning in warnings:
        writer.log("warning", warning)
    writer.log(
        "info",
        f"wrote {path.resolve()}: {args.num_processes} processes x {plan.per_device_train_batch_size} completions "
        f"per optimizer step, {plan.steps_per_generation} steps per rollout batch of {plan.generation_batch_size}. "
        f"Launch: accelerate launch --config_file {path} -m cosmo_rl.train --config {args.config}",
    )


def _started_event(config: Any, device: Any) -> Started:
    import torch
    import transformers
    import trl

    from cosmo_rl.protocol import GpuInfo

    gpu = None
    if device.gpu_name is not None:
        gpu = GpuInfo(name=device.gpu_name, memory_total_mb=device.gpu_memory_total_mb or 0)
    return Started(
        run_id=Path(config.output_dir).name,
        device=device.kind,
        gpu=gpu,
        torch=torch.__version__,
        transformers=transformers.__version__,
        trl=trl.__version__,
        config_hash=config_hash(config),
    )


def run(args: argparse.Namespace, writer: EventWriter, state: dict[str, str | None]) -> str:
    """Train every stage; returns the final status. Raises on failure (main turns it into events)."""
    from cosmo_rl.config import RunConfig

    # The config first: a broken one is reported before the heavy imports below.
    config = RunConfig.from_file(args.config)

    from cosmo_rl.batching import plan_batches
    from cosmo_rl.control import CancelToken, install_sigint_cancel, start_stdin_reader
    from cosmo_rl.curriculum import stage_dataset
    from cosmo_rl.devices import choose_device
    from cosmo_rl.image_budget import check_snapshot_images
    from cosmo_rl.modeling import detect_kind
    from cosmo_rl.probes import StopRuleTracker, load_probe_prompts
    from cosmo_rl.rewards import build_reward_funcs, safety_outcome
    from cosmo_rl.snapshot import load_snapshot, snapshot_to_dataset
    from cosmo_rl.stages import (
        ProbeSetup,
        StageContext,
        final_dir,
        last_checkpoint,
        run_stage,
        stage_dir,
        stage_done,
    )
    from cosmo_rl.verifiers import ItemFields, build_verifiers

    cancel = CancelToken()
    if _is_main_process():
        start_stdin_reader(cancel, lambda message: writer.log("warning", message))
        install_sigint_cancel(cancel)
    device = choose_device(config.device)
    writer.emit(_started_event(config, device))

    world = int(os.environ.get("WORLD_SIZE", "1"))
    plan = plan_batches(config, num_processes=world)
    if config.method == "cpgd" and plan.steps_per_generation == 1:
        writer.log(
            "warning",
            "cpgd.steps_per_generation is 1: every step is on-policy, so CPGD's clip and drift terms do nothing",
        )
    if not args.resume:
        for stage in config.stages:
            if last_checkpoint(stage_dir(config, stage)) or stage_done(config, stage):
                raise RunStateError(
                    f"{config.output_dir} already holds checkpoints of this run; pass --resume to continue it "
                    "or choose an empty output_dir"
                )

    kind = detect_kind(config.model)  # refuses unsupported backbones before any weights load
    snapshot = load_snapshot(config.dataset)
    if kind != "causal_lm":
        # Before any weights load: an image over the budget is refused or reported here, not mid-run.
        budget = check_snapshot_images(snapshot, config.images, config.max_prompt_length)
        if budget.oversize:
            writer.log("warning", budget.summary())
    verifiers = build_verifiers(config.reward.verifier, device=device.kind)
    reward_funcs, reward_weights = build_reward_funcs(config.reward, verifiers=verifiers)

    def judge(row: dict[str, Any], text: str, verdict: Any) -> str | None:
        return safety_outcome(ItemFields.from_mapping(row), text, verifiers.task, verdict=verdict)

    full_dataset = snapshot_to_dataset(snapshot, "text" if kind == "causal_lm" else "vlm")
    image_paths = {
        item.id: str(snapshot.image_file(item.image_paths[0]).resolve()) for item in snapshot.items if item.image_paths
    }
    ctx = StageContext(
        config=config,
        plan=plan,
        device=device,
        writer=writer,
        cancel=cancel,
        reward_funcs=reward_funcs,
        reward_weights=reward_weights,
        safety_judge=judge,
        total_steps=sum(s.steps for s in config.stages),
        image_paths=image_paths,
        is_main_process=_is_main_process(),
        probe=None
        if config.probe is None
        else ProbeSetup(
            prompts=load_probe_prompts(config.probe),
            verifier=verifiers.task,  # the reward's own verifier: one implementation of a verdict
            tracker=StopRuleTracker(config.probe.stop),
        ),
    )
    offset = 0
    previous: Path | None = None
    for stage in config.stages:
        if args.resume and stage_done(config, stage):
            writer.log("info", f"{stage.name} already completed; continuing after it")
        else:
            dataset, mix = stage_dataset(full_dataset, config, stage)
            if mix.missing_tasks:
                writer.log(
                    "warning",
                    f"{stage.name}: the snapshot has no training items for {', '.join(mix.missing_tasks)}; "
                    "the rest of the task mix is used",
                )
            result = run_stage(ctx, stage, offset, previous, dataset, resume=args.resume)
            state["checkpoint"] = result.checkpoint
            if result.status == "cancelled":
                return "cancelled"
            if result.status == "stopped":
                # A clean early end: the stage's weights are saved; later stages do not start.
                state["checkpoint"] = result.checkpoint
                state["reason"] = result.reason
                writer.log("info", f"{result.reason}; the run ends here with the checkpoint {result.checkpoint}")
                return "completed"
        previous = final_dir(config, stage)
        state["checkpoint"] = str(previous.resolve())
        offset += stage.steps
    return "completed"


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    events = claim_stdout()  # every rank: stray prints must never reach the launcher's stdout
    # Only rank 0 speaks the protocol; other ranks' events go nowhere (the sink lives as long as the process).
    sink = events if _is_main_process() else open(os.devnull, "w", encoding="utf-8")  # noqa: SIM115
    writer = EventWriter(sink)
    state: dict[str, str | None] = {"checkpoint": None, "reason": None}
    try:
        if args.accelerate_config is not None:
            _write_accelerate(args, writer)
            return 0
        status = run(args, writer, state)
    except KeyboardInterrupt:
        # A second Ctrl-C: stop now, without the checkpoint a first one would have saved.
        writer.emit(Error(message="interrupted: stopped at once, without saving a checkpoint"))
        writer.emit(Finished(status="failed", checkpoint=state["checkpoint"]))
        return 130
    except Exception as exc:
        from cosmo_rl.devices import OOM_ADVICE, is_out_of_memory

        oom = is_out_of_memory(exc)
        user_error = type(exc).__name__ in _USER_ERRORS
        message = str(exc) if user_error else f"{type(exc).__name__}: {exc}"
        trace = None if user_error else traceback.format_exc()
        if trace:
            print(trace, file=sys.stderr)  # stderr is the log the app keeps
        writer.emit(
            Error(
                message="out of memory: " + message if oom else message,
                traceback=trace,
                advice=OOM_ADVICE if oom else None,
            )
        )
        if args.accelerate_config is None:
            writer.emit(Finished(status="failed", checkpoint=state["checkpoint"]))
        return 1
    writer.emit(Finished(status=status, checkpoint=state["checkpoint"], reason=state["reason"]))  # type: ignore[arg-type]
    return 0


if __name__ == "__main__":
    sys.exit(main())
