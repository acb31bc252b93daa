"""Generate one response per eval item and model: a base model plus any number of adapters.

    python -m cosmo_rl.generate --base MODEL_DIR [--adapter NAME=ADAPTER_DIR ...] \
        --eval eval.jsonl --out responses.jsonl [--max-new-tokens 256 --temperature 0.7 --top-p 0.95 --seed 0]
        [--samples K] [--system-prompt none|training]

Eval items look like snapshot items: {"id": ..., "messages": [{"role": "user", "content": "...",
"image": "images/x.png"}], ...}; an image path is relative to the eval file. Content may also be a
list of parts ({"type": "text", "text": ...} / {"type": "image", "image" or "path": ...}).
Output: one JSON line per (item, model, sample): {"item_id", "model", "sample_index", "response",
"prompt_tokens", "completion_tokens", "params"}. `--samples K` draws K responses per item and model
(sample k seeded with seed + k); `--system-prompt training` asks the way training did.
Events on stdout as in cosmo_rl.protocol (progress per response).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cosmo_rl.job_main import run_job
from cosmo_rl.protocol import EventWriter, Progress, Started

BASE_NAME = "base"


class EvalFileError(ValueError):
    pass


@dataclass(frozen=True)
class EvalItem:
    item_id: str
    messages: list[dict[str, Any]]  # chat-template messages, content as parts
    images: list[str]  # absolute paths, in the order their parts appear


def _parts(message: dict[str, Any], base: Path, where: str) -> tuple[list[dict[str, Any]], list[str]]:
    content = message.get("content", "")
    parts: list[dict[str, Any]] = []
    images: list[str] = []

    def add_image(path: Any) -> None:
        if not isinstance(path, str) or not path:
            raise EvalFileError(f"{where}: image must be a non-empty path string")
        full = (base / path).resolve()
        if not full.is_file():
            raise EvalFileError(f"{where}: image {path} not found (looked at {full})")
        images.append(str(full))
        parts.append({"type": "image"})

    if message.get("image") is not None:
        add_image(message["image"])
    if isinstance(content, str):
        parts.append({"type": "text", "text": content})
    elif isinstance(content, list):
        for part in content:
            kind = part.get("type") if isinstance(part, dict) else None
            if kind == "text":
                parts.append({"type": "text", "text": str(part.get("text", ""))})
            elif kind == "image":
                add_image(part.get("image", part.get("path")))
            else:
                raise EvalFileError(f"{where}: content parts must be text or image, got {part!r:.80}")
    else:
        raise EvalFileError(f"{where}: content must be a string or a list of parts")
    return parts, images


def read_eval_file(path: Path) -> list[EvalItem]:
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise EvalFileError(f"{path}: cannot read: {exc.strerror or exc}") from None
    items: list[EvalItem] = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        where = f"{path}:{number}"
        try:
            raw = json.loads(line)
        except json.JSONDecodeError as exc:
            raise EvalFileError(f"{where}: invalid JSON: {exc.msg}") from None
        if not isinstance(raw, dict) or "id" not in raw or not isinstance(raw.get("messages"), list):
            raise EvalFileError(f"{where}: an item needs 'id' and a 'messages' list")
        messages: list[dict[str, Any]] = []
        images: list[str] = []
        for message in raw["messages"]:
            if not isinstance(message, dict) or message.get("role") not in ("system", "user", "assistant"):
                raise EvalFileError(f"{where}: each message needs a role of system, user or assistant")
            parts, found = _parts(message, path.parent, where)
            messages.append({"role": message["role"], "content": parts})
            images.extend(found)
        items.append(EvalItem(item_id=str(raw["id"]), messages=messages, images=images))
    if not items:
        raise EvalFileError(f"{path}: no items")
    return items


def with_training_system_prompt(item: EvalItem) -> EvalItem:
    """The item as training shows it: DEFAULT_SYSTEM_PROMPT first unless it has a system message."""
    from cosmo_rl.snapshot import DEFAULT_SYSTEM_PROMPT

    if any(m["role"] == "system" for m in item.messages):
        return item
    system = {"role": "system", "content": [{"type": "text", "text": DEFAULT_SYSTEM_PROMPT}]}
    return EvalItem(item_id=item.item_id, messages=[system, *item.messages], images=item.images)


def _parse_adapter(text: str) -> tuple[str, str]:
    name, sep, path = text.partition("=")
    if not sep or not name or not path:
        raise argparse.ArgumentTypeError(f"expected NAME=PATH, got {text!r}")
    if name == BASE_NAME:
        raise argparse.ArgumentTypeError(f"'{BASE_NAME}' names the base model; pick another adapter name")
    return name, path


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m cosmo_rl.generate",
        description="Generate one response per eval item for a base model and each adapter. "
        "Events on stdout (JSON lines), logs on stderr.",
    )
    parser.add_argument("--base", required=True, help="base model folder (or hub id when online)")
    parser.add_argument(
        "--adapter", action="append", type=_parse_adapter, default=[], metavar="NAME=PATH", help="LoRA adapter; repeat"
    )
    parser.add_argument("--eval", required=True, type=Path, help="eval items, JSON lines")
    parser.add_argument("--out", required=True, type=Path, help="responses, JSON lines (overwritten)")
    parser.add_argument("--max-new-tokens", type=int, default=256)
    parser.add_argument("--temperature", type=float, default=0.7, help="0 means greedy decoding")
    parser.add_argument("--top-p", type=float, default=0.95)
    parser.add_argument("--seed", type=int, default=0, help="the same seed is used for every model")
    parser.add_argument("--samples", type=int, default=1, help="responses per item and model (sample k uses seed + k)")
    parser.add_argument(
        "--system-prompt",
        choices=["none", "training"],
        default="none",
        help="training: prepend the system prompt training uses (cosmo_rl.snapshot.DEFAULT_SYSTEM_PROMPT) "
        "to items without a system message, so a checkpoint is asked the way it was trained",
    )
    parser.add_argument("--batch-size", type=int, default=4)
    parser.add_argument("--device", choices=["auto", "cuda", "mps", "cpu"], default="auto")
    parser.add_argument("--no-base", action="store_true", help="skip the base model (only the adapters)")
    parser.add_argument("--trust-remote-code", action="store_true", help="allow the model's own code to run")
    return parser


def _batches(items: list[EvalItem], size: int) -> list[list[EvalItem]]:
    # Image and text-only items go in separate batches: the processor and the vision tower
    # expect every row of a batch to agree on having pixel inputs.
    out: list[list[EvalItem]] = []
    for group in ([i for i in items if i.images], [i for i in items if not i.images]):
        out.extend(group[k : k + size] for k in range(0, len(group), size))
    return out


def _plain_text(messages: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Text-only tokenizers' chat templates expect string content."""
    return [
        {"role": m["role"], "content": "".join(p.get("text", "") for p in m["content"] if p["type"] == "text")}
        for m in messages
    ]


def _generate_batch(
    model: Any, processor: Any, batch: list[EvalItem], args: argparse.Namespace, suppress: list[int]
) -> list[tuple[str, int, int]]:
    import torch
    from PIL import Image

    tokenizer = getattr(processor, "tokenizer", processor)
    is_processor = tokenizer is not processor
    texts = [
        processor.apply_chat_template(
            i.messages if is_processor else _plain_text(i.messages), tokenize=False, add_generation_prompt=True
        )
        for i in batch
    ]
    kwargs: dict[str, Any] = {"text": texts, "return_tensors": "pt", "padding": True}
    if batch[0].images:
        kwargs["images"] = [[Image.open(p).convert("RGB") for p in i.images] for i in batch]
    tokenizer.padding_side = "left"  # decoder-only generation continues from the right edge
    inputs = processor(**kwargs) if kwargs.get("images") else tokenizer(texts, return_tensors="pt", padding=True)
    inputs = {k: v.to(model.device) if hasattr(v, "to") else v for k, v in inputs.items()}
    greedy = args.temperature <= 0
    gen_kwargs: dict[str, Any] = {
        "max_new_tokens": args.max_new_tokens,
        "do_sample": not greedy,
        "pad_token_id": tokenizer.pad_token_id,
    }
    if not greedy:
        gen_kwargs.update({"temperature": args.temperature, "top_p": args.top_p})
    if suppress:
        gen_kwargs["suppress_tokens"] = suppress
    with torch.no_grad():
        output = model.generate(**inputs, **gen_kwargs)
    prompt_len = inputs["input_ids"].shape[1]
    results = []
    for row in range(len(batch)):
        new = output[row, prompt_len:]
        eos = [t for t in (tokenizer.eos_token_id, tokenizer.pad_token_id) if t is not None]
        keep = []
        for token in new.tolist():
            if token in eos:
                break
            keep.append(token)
        prompt_tokens = int(inputs["attention_mask"][row].sum())
        results.append((tokenizer.decode(keep, skip_special_tokens=True), prompt_tokens, len(keep)))
    return results


def run(args: argparse.Namespace, writer: EventWriter) -> Path:
    import torch
    import transformers
    import trl

    from cosmo_rl.config import ModelConfig
    from cosmo_rl.devices import choose_device
    from cosmo_rl.modeling import load_policy
    from cosmo_rl.protocol import GpuInfo
    from cosmo_rl.tiny import suppressed_token_ids

    if args.samples < 1:
        raise EvalFileError(f"--samples must be at least 1 (got {args.samples})")
    items = read_eval_file(args.eval)
    if args.system_prompt == "training":
        items = [with_training_system_prompt(i) for i in items]
    device = choose_device(args.device)
    digest = hashlib.sha256(json.dumps(vars(args), default=str, sort_keys=True).encode()).hexdigest()
    gpu = GpuInfo(name=device.gpu_name, memory_total_mb=device.gpu_memory_total_mb or 0) if device.gpu_name else None
    writer.emit(
        Started(
            run_id=None,
            device=device.kind,
            gpu=gpu,
            torch=torch.__version__,
            transformers=transformers.__version__,
            trl=trl.__version__,
            config_hash=digest,
        )
    )
    loaded = load_policy(ModelConfig(path_or_id=args.base, trust_remote_code=args.trust_remote_code), device.dtype)
    if loaded.kind == "causal_lm" and any(i.images for i in items):
        raise EvalFileError(f"{args.base} is a text-only model but the eval file has image items")
    model: Any = loaded.model.to(device.kind)
    names: list[str] = [] if args.no_base else [BASE_NAME]
    if args.adapter:
        from peft import PeftModel

        first_name, first_path = args.adapter[0]
        model = PeftModel.from_pretrained(model, first_path, adapter_name=first_name)
        for name, path in args.adapter[1:]:
            model.load_adapter(path, adapter_name=name)
        names += [name for name, _ in args.adapter]
    if not names:
        raise EvalFileError("nothing to generate: --no-base without any --adapter")
    model.eval()
    suppress = suppressed_token_ids(loaded.processing_class)
    total = len(items) * len(names) * args.samples
    done = 0
    started = time.monotonic()
    args.out.parent.mkdir(parents=True, exist_ok=True)
    params = {
        "max_new_tokens": args.max_new_tokens,
        "temperature": args.temperature,
        "top_p": args.top_p,
        "seed": args.seed,
        "system_prompt": args.system_prompt,
    }
    with args.out.open("w", encoding="utf-8") as out:
        for name, sample in [(n, k) for n in names for k in range(args.samples)]:
            # The same sampling stream for every model (sample k: seed + k): a fairer side-by-side.
            torch.manual_seed(args.seed + sample)
            model_done = 0
            for batch in _batches(items, args.batch_size):
                if name == BASE_NAME and args.adapter:
                    with model.disable_adapter():
                        results = _generate_batch(model, loaded.processing_class, batch, args, suppress)
                else:
                    if args.adapter:
                        model.set_adapter(name)
                    results = _generate_batch(model, loaded.processing_class, batch, args, suppress)
                for item, (text, n_prompt, n_completion) in zip(batch, results, strict=True):
                    record = {
                        "item_id": item.item_id,
                        "model": name,
                        "sample_index": sample,
                        "response": text,
                        "prompt_tokens": n_prompt,
                        "completion_tokens": n_completion,
                        "params": {**params, "seed": args.seed + sample},
                    }
                    out.write(json.dumps(record, ensure_ascii=False) + "\n")
                out.flush()
                done += len(batch)
                model_done += len(batch)
                rate = (time.monotonic() - started) / done
                writer.emit(
                    Progress(
                        stage="generate",
                        step=done,
                        total_steps=total,
                        stage_step=model_done,
                        stage_total=len(items),
                        eta_seconds=rate * (total - done),
                    )
                )
    return args.out.resolve()


def main(argv: list[str] | None = None) -> int:
    from cosmo_rl.devices import OOM_ADVICE

    args = _parser().parse_args(argv)
    return run_job(
        lambda writer: run(args, writer),
        user_errors=(EvalFileError,),
        user_error_names=frozenset({"UnsupportedModelError"}),
        oom_advice="Lower --batch-size or --max-new-tokens. " + OOM_ADVICE,
    )


if __name__ == "__main__":
    sys.exit(main())
