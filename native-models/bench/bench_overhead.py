"""Overhead of the COSMO-RL worker against plain TRL GRPOTrainer on the same tiny CPU run.

    python bench/bench_overhead.py [--steps 12] [--repeats 2] [--max-new-tokens 16]

Each measurement runs in a fresh subprocess (so peak RSS is per variant), on the same tiny
Qwen2-VL, data (image prompts), reward functions, seed and GRPOConfig:
  plain      trl.GRPOTrainer, loss_type "bnpo" (the normaliser our grpo baseline uses)
  worker     CosmoTrainer with method grpo + the event callback (events to /dev/null):
             the worker's own overhead (rollout records, extra metrics, events), same loss
  cpgd       CosmoTrainer with method cpgd + the event callback: the method as shipped
Prints steps/s, tokens/s (prompt + completion tokens seen by the trainer), peak RSS, and the
worker/plain ratios. It prints figures only; it asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
VARIANTS = ("plain", "worker", "cpgd")


def _dataset(image_path: str) -> Any:
    from datasets import Dataset, Features, Image, List, Value

    # Every prompt has an image: plain TRL 1.16 fails on batches that mix image and text-only prompts
    # (the worker fixes that in CosmoTrainer), so a mixed batch could not be timed on both sides.
    rows: dict[str, list[Any]] = {
        "prompt": [],
        "images": [],
        "id": [],
        "task": [],
        "reference": [],
        "visual_cues": [],
        "has_image": [],
        "prompt_text": [],
    }
    for i in range(8):
        has_image = True
        content = ([{"type": "image", "text": None}] if has_image else []) + [
            {"type": "text", "text": f"Answer in under five words, all lowercase ({i})."}
        ]
        rows["prompt"].append([{"role": "user", "content": content}])
        rows["images"].append([image_path] if has_image else [])
        rows["id"].append(f"b{i}")
        rows["task"].append("instruction")
        rows["reference"].append(["max_words:5", "lowercase"])
        rows["visual_cues"].append(["red"] if has_image else [])
        rows["has_image"].append(has_image)
        rows["prompt_text"].append(content[-1]["text"])
    part = {"type": Value("string"), "text": Value("string")}
    features = Features(
        {
            "prompt": List({"role": Value("string"), "content": List(part)}),
            "images": List(Image()),
            "id": Value("string"),
            "task": Value("string"),
            "reference": List(Value("string")),
            "visual_cues": List(Value("string")),
            "has_image": Value("bool"),
            "prompt_text": Value("string"),
        }
    )
    return Dataset.from_dict(rows, features=features)


def _reward_funcs() -> tuple[list[Any], list[float]]:
    # The worker's own reward functions (rules tier), identical for every variant.
    from cosmo_rl.config import RewardConfig
    from cosmo_rl.rewards import build_reward_funcs

    return build_reward_funcs(RewardConfig())


def run_one(variant: str, args: argparse.Namespace) -> dict[str, Any]:
    import torch
    from PIL import Image as PILImage
    from trl import GRPOConfig, GRPOTrainer

    from cosmo_rl.config import LoraConfig, ModelConfig
    from cosmo_rl.modeling import build_lora_config, load_policy
    from cosmo_rl.tiny import build_tiny, suppressed_token_ids

    torch.set_num_threads(args.threads)
    work = Path(args.workdir)
    model_dir = work / "tiny"
    if not (model_dir / "config.json").exists():
        build_tiny(model_dir)
    image = work / "red.png"
    PILImage.new("RGB", (56, 56), (200, 30, 30)).save(image)
    loaded = load_policy(ModelConfig(path_or_id=str(model_dir)), torch.float32)
    suppress = suppressed_token_ids(loaded.processing_class)
    reward_funcs, reward_weights = _reward_funcs()
    grpo_args = GRPOConfig(
        output_dir=str(work / f"out-{variant}"),
        max_steps=args.steps,
        per_device_train_batch_size=4,
        gradient_accumulation_steps=1,
        steps_per_generation=2,
        num_generations=4,
        max_completion_length=args.max_new_tokens,
        learning_rate=1e-3,
        seed=0,
        loss_type="bnpo",
        reward_weights=reward_weights,
        logging_steps=1,
        save_strategy="no",
        report_to="none",
        use_cpu=True,
        bf16=False,
        disable_tqdm=True,
        remove_unused_columns=False,
        generation_kwargs={"suppress_tokens": suppress},
    )
    common: dict[str, Any] = {
        "model": loaded.model,
        "reward_funcs": reward_funcs,
        "args": grpo_args,
        "train_dataset": _dataset(str(image)),
        "processing_class": loaded.processing_class,
        "peft_config": build_lora_config(LoraConfig(r=8, alpha=16, dropout=0.0), loaded.kind),
    }
    if variant == "plain":
        trainer: Any = GRPOTrainer(**common)
    else:
        from cosmo_rl.callbacks import EventCallback, StageInfo
        from cosmo_rl.control import CancelToken
        from cosmo_rl.protocol import EventWriter
        from cosmo_rl.trainer import CosmoTrainer, LossSettings

        sink = open(os.devnull, "w", encoding="utf-8")  # noqa: SIM115 - closed with the process
        callback = EventCallback(
            writer=EventWriter(sink),
            stage=StageInfo(name="stage1", offset=0, steps=args.steps, total_steps=args.steps),
            cancel=CancelToken(),
            device_kind="cpu",
            completions_per_step=4,
            sample_every=1,
        )
        trainer = CosmoTrainer(
            **common,
            callbacks=[callback],
            loss_settings=LossSettings(method="grpo" if variant == "worker" else "cpgd"),
            max_prompt_length=256,
            protected_token_ids=suppress,
        )
        callback.bind(trainer)
    start, cpu_start = time.perf_counter(), time.process_time()
    trainer.train()
    elapsed = time.perf_counter() - start
    # CPU seconds of this process (all threads): far less sensitive than wall time to other load on the machine.
    cpu = time.process_time() - cpu_start
    tokens = float(trainer.state.num_input_tokens_seen)
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # kilobytes on Linux
    return {
        "variant": variant,
        "steps": args.steps,
        "seconds": elapsed,
        "steps_per_s": args.steps / elapsed,
        "tokens_per_s": tokens / elapsed,
        "cpu_s_per_step": cpu / args.steps,
        "peak_rss_mb": peak_kb / 1024,
    }


def _child(variant: str, args: argparse.Namespace) -> dict[str, Any]:
    cmd = [
        sys.executable,
        str(Path(__file__).resolve()),
        "--one",
        variant,
        "--workdir",
        args.workdir,
        "--steps",
        str(args.steps),
        "--max-new-tokens",
        str(args.max_new_tokens),
        "--threads",
        str(args.threads),
    ]
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "HF_HUB_OFFLINE": "1",
        "TRANSFORMERS_OFFLINE": "1",
        "HF_DATASETS_OFFLINE": "1",
        "HF_HUB_DISABLE_TELEMETRY": "1",
        "TOKENIZERS_PARALLELISM": "false",
    }
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env, check=False)
    if proc.returncode != 0:
        raise RuntimeError(f"{variant} run failed:\n{proc.stderr[-4000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=12, help="optimizer steps per run (default 12)")
    parser.add_argument("--repeats", type=int, default=2, help="runs per variant, interleaved (default 2)")
    parser.add_argument("--max-new-tokens", type=int, default=16)
    parser.add_argument("--threads", type=int, default=2, help="torch CPU threads (default 2)")
    parser.add_argument("--workdir", default=None, help="scratch folder (default: a temp dir)")
    parser.add_argument("--one", choices=VARIANTS, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.one:
        print(json.dumps(run_one(args.one, args)))
        return 0
    with tempfile.TemporaryDirectory(prefix="cosmo-bench-") as tmp:
        args.workdir = args.workdir or tmp
        from cosmo_rl.tiny import build_tiny

        build_tiny(Path(args.workdir) / "tiny")
        results: dict[str, list[dict[str, Any]]] = {v: [] for v in VARIANTS}
        for _ in range(args.repeats):
            for variant in VARIANTS:  # interleaved, so drift in machine load hits every variant alike
                results[variant].append(_child(variant, args))
    best = {v: max(runs, key=lambda r: r["steps_per_s"]) for v, runs in results.items()}
    print(
        f"tiny Qwen2-VL, CPU, {args.steps} optimizer steps; rollout batch 2 prompts x 4 rollouts, "
        f"2 optimizer steps per batch; best of {args.repeats}"
    )
    cpu = {v: min(r["cpu_s_per_step"] for r in runs) for v, runs in results.items()}
    print(f"{'variant':<8} {'steps/s':>9} {'tokens/s':>10} {'CPU s/step':>11} {'peak RSS MB':>12}   all steps/s")
    for variant in VARIANTS:
        r = best[variant]
        runs = ", ".join(f"{x['steps_per_s']:.2f}" for x in results[variant])
        print(
            f"{variant:<8} {r['steps_per_s']:>9.2f} {r['tokens_per_s']:>10.1f} {cpu[variant]:>11.3f} "
            f"{r['peak_rss_mb']:>12.0f}   {runs}"
        )
    plain = best["plain"]
    for variant in ("worker", "cpgd"):
        r = best[variant]
        print(
            f"{variant}/plain: steps/s x{r['steps_per_s'] / plain['steps_per_s']:.3f}, "
            f"tokens/s x{r['tokens_per_s'] / plain['tokens_per_s']:.3f}, "
            f"wall overhead {100 * (plain['steps_per_s'] / r['steps_per_s'] - 1):+.1f}%, "
            f"CPU overhead {100 * (cpu[variant] / cpu['plain'] - 1):+.1f}% per step"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
