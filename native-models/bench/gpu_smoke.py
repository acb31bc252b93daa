"""GPU smoke test of the worker: a Qwen2-VL-2B-sized random model, 12 CPGD steps with LoRA, offline.

    python bench/gpu_smoke.py [--tiny] [--work DIR] [--steps 12] [--keep]

What it does, each through the worker's own command line (`cosmo_rl.train`, `cosmo_rl.generate`):
1. builds a random-weight Qwen2-VL from a config written here (2B sizes, or the tiny test sizes
   with `--tiny`), with the offline byte-level tokenizer of `cosmo_rl.tiny`;
2. writes a snapshot of generated photo-sized images (1280x960 and 960x720; small with `--tiny`)
   and instruction items whose constraints spread the rewards inside a group;
3. trains `--steps` CPGD steps with LoRA, kills the worker (SIGKILL) after its first checkpoint,
   resumes with `--resume` and finishes;
4. generates with the base model and the trained adapter;
5. checks: every grad_norm finite, a non-zero clip fraction on some step, peak memory under the
   card's (CUDA), the resumed run continued after the checkpoint, both models answered every item;
6. prints one table (steps/s, tokens/s, peak memory) and exits 1 when a check failed.

`--tiny` runs the same code on CPU in about a minute: tests/test_gpu_smoke.py runs it, so the
path is known to work without a GPU. No network: everything is built locally.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

PACKAGE_ROOT = Path(__file__).resolve().parents[1]
OFFLINE_ENV = {
    "HF_HUB_OFFLINE": "1",
    "TRANSFORMERS_OFFLINE": "1",
    "HF_DATASETS_OFFLINE": "1",
    "HF_HUB_DISABLE_TELEMETRY": "1",
    "TOKENIZERS_PARALLELISM": "false",
}

# Qwen2-VL-2B-Instruct's config.json (text 1.5B + a 675M vision tower), vocabulary included.
QWEN2_VL_2B: dict[str, Any] = {
    "text": {
        "vocab_size": 151936,
        "hidden_size": 1536,
        "intermediate_size": 8960,
        "num_hidden_layers": 28,
        "num_attention_heads": 12,
        "num_key_value_heads": 2,
        "max_position_embeddings": 32768,
        "tie_word_embeddings": True,
    },
    "mrope_section": [16, 24, 24],  # sums to head_dim / 2 = 64
    "vision": {"depth": 32, "embed_dim": 1280, "num_heads": 16, "mlp_ratio": 4},
    "images": [(1280, 960), (960, 720)],
    "budget_pixels": (56 * 56, 512 * 28 * 28),
}
# The sizes of cosmo_rl.tiny (the test model).
TINY: dict[str, Any] = {
    "text": {
        "vocab_size": None,  # the tokenizer's length rounded up to 64
        "hidden_size": 64,
        "intermediate_size": 128,
        "num_hidden_layers": 2,
        "num_attention_heads": 4,
        "num_key_value_heads": 2,
        "max_position_embeddings": 1024,
        "tie_word_embeddings": False,
    },
    "mrope_section": [2, 3, 3],
    "vision": {"depth": 2, "embed_dim": 32, "num_heads": 2, "mlp_ratio": 2},
    "images": [(112, 84), (84, 112)],
    "budget_pixels": (56 * 56, 16 * 28 * 28),
}


def build_model(out: Path, sizes: dict[str, Any], seed: int = 0) -> Path:
    """A random-weight Qwen2-VL folder (model + processor) of the given sizes."""
    import torch
    from transformers import GenerationConfig, Qwen2VLConfig, Qwen2VLForConditionalGeneration
    from transformers.models.qwen2_vl.image_processing_pil_qwen2_vl import Qwen2VLImageProcessorPil

    from cosmo_rl.processing import make_qwen_vl_processor
    from cosmo_rl.tiny import CHAT_TEMPLATE, SPECIAL_TOKENS, build_tokenizer

    out.mkdir(parents=True, exist_ok=True)
    torch.manual_seed(seed)
    tokenizer = build_tokenizer()
    ids = {t: tokenizer.convert_tokens_to_ids(t) for t in SPECIAL_TOKENS}
    text = dict(sizes["text"])
    text["vocab_size"] = text["vocab_size"] or -(-len(tokenizer) // 64) * 64
    text.update(bos_token_id=ids["<|endoftext|>"], eos_token_id=ids["<|im_end|>"], pad_token_id=ids["<|endoftext|>"])
    head_dim = text["hidden_size"] // text["num_attention_heads"]
    if sum(sizes["mrope_section"]) != head_dim // 2:
        raise ValueError("mrope_section must sum to head_dim / 2")
    rope = {"rope_type": "default", "mrope_section": list(sizes["mrope_section"]), "rope_theta": 1000000.0}
    config = Qwen2VLConfig(
        text_config={**text, "rope_parameters": rope},
        vision_config={
            **sizes["vision"],
            "hidden_size": text["hidden_size"],
            "patch_size": 14,
            "spatial_merge_size": 2,
            "temporal_patch_size": 2,
            "in_channels": 3,
        },
        image_token_id=ids["<|image_pad|>"],
        video_token_id=ids["<|video_pad|>"],
        vision_start_token_id=ids["<|vision_start|>"],
        vision_end_token_id=ids["<|vision_end|>"],
        tie_word_embeddings=text["tie_word_embeddings"],
    )
    config.bos_token_id, config.eos_token_id, config.pad_token_id = (
        text["bos_token_id"],
        text["eos_token_id"],
        text["pad_token_id"],
    )
    device = "cuda" if torch.cuda.is_available() else "cpu"
    with torch.device(device):  # random init on the GPU takes seconds instead of minutes
        model = Qwen2VLForConditionalGeneration(config)
    model.generation_config = GenerationConfig(
        bos_token_id=text["bos_token_id"], eos_token_id=text["eos_token_id"], pad_token_id=text["pad_token_id"]
    )
    low, high = sizes["budget_pixels"]
    image_processor = Qwen2VLImageProcessorPil(size={"shortest_edge": low, "longest_edge": high})
    make_qwen_vl_processor(image_processor, tokenizer, CHAT_TEMPLATE).save_pretrained(out)
    model.to(torch.bfloat16 if device == "cuda" else torch.float32).save_pretrained(out)
    return out


def _photo(width: int, height: int, seed: int) -> bytes:
    """A photo-like PNG: smooth gradients plus noise, so it compresses like a picture, not a flat fill."""
    import io

    import numpy as np
    from PIL import Image

    rng = np.random.default_rng(seed)
    y, x = np.mgrid[0:height, 0:width].astype(np.float32)
    base = np.stack([x / width, y / height, (x + y) / (width + height)], axis=-1) * 200
    pixels = np.clip(base + rng.normal(0, 25, base.shape), 0, 255).astype(np.uint8)
    buffer = io.BytesIO()
    Image.fromarray(pixels, "RGB").save(buffer, format="PNG")
    return buffer.getvalue()


INSTRUCTIONS = [
    ("Describe this picture in under ten words.", ["max_words:10", "lowercase"]),
    ("Name the main colour you see.", ["max_chars:40", "no_commas"]),
    ("Say what is in the top half.", ["min_words:3", "max_chars:80"]),
    ("Give a short title for this image.", ["max_words:6", "no_commas"]),
]


def write_snapshot(root: Path, sizes: dict[str, Any], count: int = 8) -> Path:
    import hashlib

    from cosmo_rl.snapshot import compute_snapshot_hash

    (root / "images").mkdir(parents=True, exist_ok=True)
    lines = []
    for i in range(count):
        width, height = sizes["images"][i % len(sizes["images"])]
        data = _photo(width, height, seed=i)
        name = f"images/{hashlib.sha256(data).hexdigest()}.png"
        (root / name).write_bytes(data)
        text, constraints = INSTRUCTIONS[i % len(INSTRUCTIONS)]
        content = [{"type": "image", "path": name}, {"type": "text", "text": text}]
        item = {"id": f"photo-{i}", "task": "instruction", "messages": [{"role": "user", "content": content}]}
        lines.append(json.dumps({**item, "reference": constraints}))
    (root / "items.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    manifest = {
        "format_version": 1,
        "hash": compute_snapshot_hash(root),
        "counts": {"items": count},
        "label_schema": {},
        "source_project": {"id": "gpu-smoke", "name": "gpu smoke"},
        "created_at": "2026-01-01T00:00:00Z",
    }
    (root / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    return root


def run_config(model: Path, snapshot: Path, out: Path, steps: int, tiny: bool, sizes: dict[str, Any]) -> dict[str, Any]:
    low, high = sizes["budget_pixels"]
    return {
        "schema_version": 1,
        "model": {"path_or_id": str(model)},
        "lora": {"enabled": True, "r": 16, "alpha": 32},
        "method": "cpgd",
        "cpgd": {"steps_per_generation": 4},
        "stages": [{"name": "stage1", "steps": steps, "task_mix": {"instruction": 1.0}}],
        "rollouts_per_prompt": 4,
        "prompts_per_step": 2 if tiny else 4,
        "max_prompt_length": 1024,
        "max_completion_length": 16 if tiny else 64,
        # High on purpose: in 12 steps the policy must move far enough from the sampling one to clip.
        "learning_rate": 5e-2 if tiny else 5e-4,
        "seed": 0,
        "device": "cpu" if tiny else "cuda",
        "dataset": str(snapshot),
        "output_dir": str(out),
        "checkpoint_every": 4,
        "save_total_limit": 2,
        "images": {"min_pixels": low, "max_pixels": high},
        "logging": {"sample_every": 4},
    }


@dataclass
class WorkerRun:
    events: list[dict[str, Any]] = field(default_factory=list)
    returncode: int | None = None
    seconds: float = 0.0
    stderr_tail: str = ""

    def of(self, kind: str) -> list[dict[str, Any]]:
        return [e for e in self.events if e.get("type") == kind]


def run_train(config: Path, resume: bool, kill_after_checkpoint: bool, timeout: float) -> WorkerRun:
    """Run cosmo_rl.train, reading its events; optionally SIGKILL it right after its first checkpoint."""
    command = [sys.executable, "-m", "cosmo_rl.train", "--config", str(config), *(["--resume"] if resume else [])]
    stderr = tempfile.TemporaryFile(mode="w+", encoding="utf-8")  # noqa: SIM115 (read after the process ends)
    started = time.monotonic()
    proc = subprocess.Popen(
        command,
        cwd=PACKAGE_ROOT,
        env={**os.environ, **OFFLINE_ENV},
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=stderr,
        text=True,
    )
    result = WorkerRun()
    assert proc.stdout is not None
    for line in proc.stdout:
        if not line.strip():
            continue
        event = json.loads(line)
        result.events.append(event)
        if kill_after_checkpoint and event.get("type") == "checkpoint":
            proc.send_signal(signal.SIGKILL)  # no cancel, no cleanup: what a crash or power loss leaves
            break
        if time.monotonic() - started > timeout:
            proc.kill()
            break
    result.returncode = proc.wait()
    result.seconds = time.monotonic() - started
    stderr.seek(0)
    result.stderr_tail = stderr.read()[-3000:]
    stderr.close()
    return result


def run_generate(model: Path, adapter: Path, eval_file: Path, out: Path, tiny: bool) -> tuple[int, float, str]:
    command = [
        sys.executable,
        "-m",
        "cosmo_rl.generate",
        "--base",
        str(model),
        "--adapter",
        f"cosmo={adapter}",
        "--eval",
        str(eval_file),
        "--out",
        str(out),
        "--max-new-tokens",
        "16",
        "--device",
        "cpu" if tiny else "cuda",
    ]
    started = time.monotonic()
    proc = subprocess.run(
        command, cwd=PACKAGE_ROOT, env={**os.environ, **OFFLINE_ENV}, capture_output=True, text=True, check=False
    )
    return proc.returncode, time.monotonic() - started, proc.stderr[-3000:]


def write_eval(snapshot: Path, out: Path, count: int = 2) -> Path:
    rows = []
    for line in (snapshot / "items.jsonl").read_text(encoding="utf-8").splitlines()[:count]:
        item = json.loads(line)
        rows.append(json.dumps({"id": item["id"], "messages": item["messages"]}))
    # Eval image paths are relative to the eval file: put it in the snapshot folder.
    path = snapshot / out.name
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


@dataclass
class SmokeReport:
    rows: list[tuple[str, str, str, str, str]]
    failures: list[str]

    def table(self) -> str:
        head = ("phase", "steps", "steps/s", "tokens/s", "peak memory")
        widths = [max(len(r[i]) for r in [head, *self.rows]) for i in range(len(head))]

        def line(cells: tuple[str, ...]) -> str:
            return "  ".join(c.ljust(w) for c, w in zip(cells, widths, strict=True)).rstrip()

        return "\n".join([line(head), line(tuple("-" * w for w in widths)), *(line(r) for r in self.rows)])


def _fmt(value: float | None, digits: int = 2) -> str:
    return "-" if value is None else f"{value:.{digits}f}"


def check_runs(first: WorkerRun, second: WorkerRun, steps: int) -> list[str]:
    failures: list[str] = []
    if not first.of("checkpoint"):
        failures.append(f"the first run never saved a checkpoint (exit {first.returncode}): {first.stderr_tail}")
    finished = second.of("finished")
    if not finished or finished[-1].get("status") != "completed":
        failures.append(f"the resumed run did not complete (exit {second.returncode}): {second.stderr_tail}")
    killed_at = first.of("checkpoint")[0]["step"] if first.of("checkpoint") else 0
    resumed_steps = [e["step"] for e in second.of("progress")]
    if resumed_steps and min(resumed_steps) != killed_at + 1:
        failures.append(f"the resumed run started at step {min(resumed_steps)}, not {killed_at + 1}")
    if resumed_steps and max(resumed_steps) != steps:
        failures.append(f"the resumed run ended at step {max(resumed_steps)}, not {steps}")
    metrics = [e["values"] for e in first.of("metrics") + second.of("metrics")]
    norms = [m["grad_norm"] for m in metrics if "grad_norm" in m]
    if not norms or not all(math.isfinite(n) for n in norms):
        failures.append(f"grad_norm not finite on every step: {norms}")
    clips = [m["clip_ratio/region_mean"] for m in metrics if "clip_ratio/region_mean" in m]
    if not any(c > 0 for c in clips):
        failures.append(f"clip fraction is 0 on every step ({len(clips)} steps): CPGD's clip never acted")
    started = second.of("started")
    gpu = started[0].get("gpu") if started else None
    peak = max((m.get("memory/peak_mb", 0.0) for m in metrics), default=0.0)
    if gpu and peak >= gpu["memory_total_mb"]:
        failures.append(f"peak memory {peak:.0f} MB is not under the card's {gpu['memory_total_mb']} MB")
    return failures


def throughput_row(name: str, run: WorkerRun) -> tuple[str, str, str, str, str]:
    metrics = [e["values"] for e in run.of("metrics")]
    last = metrics[-1] if metrics else {}
    peak = max((m.get("memory/peak_mb", 0.0) for m in metrics), default=0.0)
    steps = len(run.of("progress"))
    started = run.of("started")
    gpu = started[0].get("gpu") if started else None
    memory = f"{peak:.0f} / {gpu['memory_total_mb']} MB" if gpu else "- (cpu)"
    return (
        name,
        str(steps),
        _fmt(last.get("throughput/steps_per_second"), 3),
        _fmt(last.get("throughput/tokens_per_second"), 0),
        memory,
    )


def smoke(work: Path, tiny: bool, steps: int) -> SmokeReport:
    sizes = TINY if tiny else QWEN2_VL_2B
    timeout = 540.0 if not tiny else 300.0
    started = time.monotonic()
    model = build_model(work / "model", sizes)
    build_seconds = time.monotonic() - started
    snapshot = write_snapshot(work / "snapshot", sizes)
    config = work / "run.json"
    config.write_text(json.dumps(run_config(model, snapshot, work / "out", steps, tiny, sizes), indent=2))

    first = run_train(config, resume=False, kill_after_checkpoint=True, timeout=timeout)
    second = run_train(config, resume=True, kill_after_checkpoint=False, timeout=timeout)
    failures = check_runs(first, second, steps)

    eval_file = write_eval(snapshot, work / "eval.jsonl")
    responses = work / "responses.jsonl"
    adapter = work / "out" / "stage1" / "final"
    code, gen_seconds, gen_err = run_generate(model, adapter, eval_file, responses, tiny)
    answered: set[tuple[str, str]] = set()
    if code != 0:
        failures.append(f"generation failed (exit {code}): {gen_err}")
    else:
        for line in responses.read_text(encoding="utf-8").splitlines():
            row = json.loads(line)
            answered.add((row["item_id"], row["model"]))
        wanted = {(json.loads(x)["id"], m) for x in eval_file.read_text().splitlines() for m in ("base", "cosmo")}
        if answered != wanted:
            failures.append(f"generation answered {sorted(answered)}, expected {sorted(wanted)}")
    rows = [
        ("build model", "-", "-", "-", f"{build_seconds:.0f} s"),
        throughput_row("train (killed)", first),
        throughput_row("train (resumed)", second),
        ("generate base+adapter", "-", "-", "-", f"{len(answered)} answers, {gen_seconds:.0f} s"),
    ]
    return SmokeReport(rows=rows, failures=failures)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python bench/gpu_smoke.py", description=__doc__.split("\n")[0])
    parser.add_argument("--tiny", action="store_true", help="the tiny test model on CPU (what pytest runs)")
    parser.add_argument("--work", type=Path, help="working folder (default: a temporary one, removed after)")
    parser.add_argument("--steps", type=int, default=12, help="CPGD optimizer steps (default 12)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary working folder")
    args = parser.parse_args(argv)
    work = args.work or Path(tempfile.mkdtemp(prefix="cosmo-gpu-smoke-"))
    try:
        report = smoke(work, args.tiny, args.steps)
    finally:
        if args.work is None and not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    print(report.table())
    for failure in report.failures:
        print(f"FAIL: {failure}")
    print("gpu smoke: " + ("passed" if not report.failures else f"{len(report.failures)} check(s) failed"))
    return 0 if not report.failures else 1


if __name__ == "__main__":
    sys.path.insert(0, str(PACKAGE_ROOT))
    raise SystemExit(main())
