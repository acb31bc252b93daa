"""Write a model as a standalone safetensors folder: a LoRA adapter merged into its base, or a
base model re-saved (an export).

    python -m cosmo_rl.merge --base MODEL_DIR [--adapter ADAPTER_DIR] --out OUT_DIR [--trust-remote-code]

The folder gets the merged weights (`save_pretrained(safe_serialization=True)`), config.json, the
generation config and the processor or tokenizer files, so it loads with `from_pretrained` alone
and can be registered as a base model. `--out` must not exist yet. Merging runs on the CPU in the
base model's own dtype: it needs memory for one copy of the model, not a GPU. Events on stdout as
in cosmo_rl.protocol (progress per stage: load, adapter, save, check).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import time
from pathlib import Path
from typing import Any

from cosmo_rl.job_main import run_job
from cosmo_rl.protocol import EventWriter, Progress, Started

STAGES = ("load", "adapter", "save", "check")


class MergeError(ValueError):
    pass


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m cosmo_rl.merge",
        description="Merge a LoRA adapter into its base model (or re-save a model) as a safetensors folder.",
    )
    parser.add_argument("--base", required=True, help="base model folder")
    parser.add_argument("--adapter", help="LoRA adapter folder (adapter_config.json); omit to re-save the base")
    parser.add_argument("--out", required=True, type=Path, help="folder to write; must not exist")
    parser.add_argument("--trust-remote-code", action="store_true", help="allow the model's own code to run")
    return parser


def _check_inputs(args: argparse.Namespace) -> None:
    if not (Path(args.base) / "config.json").is_file():
        raise MergeError(f"{args.base} is not a model folder: it has no config.json")
    if args.adapter and not (Path(args.adapter) / "adapter_config.json").is_file():
        raise MergeError(f"{args.adapter} is not a LoRA adapter folder: it has no adapter_config.json")
    if args.out.exists():
        raise MergeError(f"{args.out} already exists; pick a folder that does not exist yet")
    if not args.out.parent.is_dir():
        raise MergeError(f"{args.out.parent} does not exist; the export folder's parent must exist")


def merge(args: argparse.Namespace, writer: EventWriter) -> Path:
    import torch
    import transformers
    import trl

    from cosmo_rl.config import ModelConfig
    from cosmo_rl.modeling import detect_kind, model_class
    from cosmo_rl.processing import load_processor

    _check_inputs(args)
    digest = hashlib.sha256(json.dumps(vars(args), default=str, sort_keys=True).encode()).hexdigest()
    writer.emit(
        Started(
            run_id=None,
            device="cpu",
            gpu=None,
            torch=torch.__version__,
            transformers=transformers.__version__,
            trl=trl.__version__,
            config_hash=digest,
        )
    )
    started = time.monotonic()

    def progress(stage: str) -> None:
        step = STAGES.index(stage) + 1
        writer.emit(
            Progress(
                stage=stage,
                step=step,
                total_steps=len(STAGES),
                stage_step=1,
                stage_total=1,
                eta_seconds=None if step == 1 else (time.monotonic() - started) / (step - 1) * (len(STAGES) - step + 1),
            )
        )

    progress("load")
    model_cfg = ModelConfig(path_or_id=args.base, trust_remote_code=args.trust_remote_code)
    kind = detect_kind(model_cfg)
    cls = model_class(kind)
    model: Any = cls.from_pretrained(args.base, dtype="auto", trust_remote_code=args.trust_remote_code)
    processor = load_processor(args.base, trust_remote_code=args.trust_remote_code)
    progress("adapter")
    if args.adapter:
        from peft import PeftModel

        model = PeftModel.from_pretrained(model, args.adapter).merge_and_unload()
    progress("save")
    partial = args.out.with_name(f".{args.out.name}.partial")
    model.save_pretrained(partial, safe_serialization=True)
    processor.save_pretrained(partial)
    partial.rename(args.out)
    progress("check")
    # The folder must stand on its own: its config and weights load without the base or adapter.
    cls.from_pretrained(args.out, dtype="auto", trust_remote_code=args.trust_remote_code)
    if not any(args.out.glob("*.safetensors")):
        raise MergeError(f"{args.out} has no .safetensors file after saving")
    return args.out.resolve()


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    return run_job(
        lambda writer: merge(args, writer),
        user_errors=(MergeError,),
        user_error_names=frozenset({"UnsupportedModelError"}),
        oom_advice=(
            "Merging holds one full copy of the model in memory; close other programs or use a machine with more RAM."
        ),
    )


if __name__ == "__main__":
    sys.exit(main())
