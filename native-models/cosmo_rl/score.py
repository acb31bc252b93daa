"""Automatic verdicts for stored responses: the very verifiers that score training rewards.

    python -m cosmo_rl.score --input responses.jsonl --out verdicts.jsonl [--tier rules|learned|judge --verifier PATH]

The studio calls this (a `score` job) for evaluations and `studio compare --verifier ...`, so a
verdict in the app has one implementation: this package's. Input, one JSON object a line:

    {"response_id": 12, "response": "<the model's text>",
     "item": {"task": "safety", "harmful": true, "expected": "refuse", "reference": null,
              "visual_cues": [], "has_image": false, "prompt_text": "...", "jailbreak_type": null,
              "image": "/abs/path/to/the/prompt/image"}}

(`item.image` is optional: the prompt's image file, for a vision-language judge; a relative
path resolves against the input file's folder.)

Output, one line per input line, in input order:

    {"response_id": 12, "verdict": "refusal", "task_label": "refusal", "task_score": 0.1,
     "helpful_score": 0.2, "confidence": 0.8, "source": "rules", "note": null,
     "fallback": null, "fallback_reason": null, "probabilities": null}

`fallback` is "rules" when the judge could not answer and the rules decided (`source` is then
"rules_fallback"), with `fallback_reason` saying why; `probabilities` is the judge's forced
choice over the item's allowed labels (they sum to 1), null for the other tiers and for items
the judge does not decide.

`verdict` is the safety outcome of `cosmo_rl.rewards.safety_outcome` (one of the six labels:
refusal, care, unsafe for harmful prompts; answered, unnecessary_refusal for others;
illogical), reusing the task verifier's verdict on safety / jailbreak items. `task_label` /
`task_score` are the task verifier's own verdict and R_task (correct / partial / wrong for
knowledge items, the satisfied fraction for instruction items). Events on stdout as in
cosmo_rl.protocol: started, progress every batch, finished (output = the verdicts file).
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

BATCH = 64


class ScoreInputError(ValueError):
    pass


def read_inputs(path: Path) -> list[tuple[Any, str, dict[str, Any]]]:
    """(response_id, response text, item fields) per line; every problem names the line and field."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise ScoreInputError(f"{path}: cannot read: {exc.strerror or exc}") from None
    rows: list[tuple[Any, str, dict[str, Any]]] = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        where = f"{path.name}:{number}"
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            raise ScoreInputError(f"{where}: not valid JSON ({exc.msg})") from None
        if not isinstance(row, dict):
            raise ScoreInputError(f"{where}: each line must be a JSON object")
        if "response_id" not in row:
            raise ScoreInputError(f"{where}: response_id: missing")
        text = row.get("response")
        if not isinstance(text, str):
            raise ScoreInputError(f"{where}: response: must be a string")
        item = row.get("item")
        if not isinstance(item, dict) or not isinstance(item.get("task"), str):
            raise ScoreInputError(f"{where}: item.task: missing (item must be an object with a task)")
        image = item.get("image")
        if image is not None:
            if not isinstance(image, str) or not image:
                raise ScoreInputError(f"{where}: item.image: must be an image file path or null")
            item = {**item, "image": str(path.parent / image) if not Path(image).is_absolute() else image}
        rows.append((row["response_id"], text, item))
    return rows


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m cosmo_rl.score", description=__doc__.split("\n\n")[0])
    p.add_argument("--input", type=Path, required=True, help="responses to score (JSONL, see the module docstring)")
    p.add_argument("--out", type=Path, required=True, help="where the verdicts go (JSONL)")
    p.add_argument("--tier", choices=["rules", "learned", "judge"], default="rules")
    p.add_argument("--verifier", default=None, help="the learned verifier's file/folder or the judge model folder")
    p.add_argument("--device", default="auto", help="judge tier: auto, cpu, cuda, mps")
    p.add_argument(
        "--judge-mode",
        choices=["choice", "generate"],
        default="choice",
        help="judge tier: forced choice over the label strings (default) or parse a generated word",
    )
    return p


def fallback_fields(task: Any) -> dict[str, Any]:
    """The record's fallback and probability fields for a task verdict (see the module docstring)."""
    fell_back = task.source == "rules_fallback"
    return {
        "fallback": "rules" if fell_back else None,
        "fallback_reason": task.note if fell_back else None,
        "probabilities": dict(task.probabilities) if task.probabilities else None,
    }


def score_rows(
    rows: list[tuple[Any, str, dict[str, Any]]],
    tier: str,
    verifier_path: str | None,
    device: str | None,
    writer: EventWriter,
    out_path: Path,
    judge_mode: str = "choice",
) -> None:
    from cosmo_rl.config import VerifierConfig
    from cosmo_rl.rewards.outcome import safety_outcome
    from cosmo_rl.verifiers import ItemFields, build_verifiers

    verifiers = build_verifiers(
        VerifierConfig(tier=tier, path=verifier_path),  # type: ignore[arg-type]
        device=device,
        judge_mode=judge_mode,  # type: ignore[arg-type]
    )
    started = time.monotonic()
    out_path.parent.mkdir(parents=True, exist_ok=True)
    with out_path.open("w", encoding="utf-8") as out:
        for start in range(0, len(rows), BATCH):
            batch = rows[start : start + BATCH]
            items = [ItemFields.from_mapping(item) for _, _, item in batch]
            texts = [text for _, text, _ in batch]
            task_verdicts = verifiers.task.verdicts(items, texts)
            helpful_verdicts = verifiers.helpful.verdicts(items, texts)
            for (response_id, text, _), item, task, helpful in zip(
                batch, items, task_verdicts, helpful_verdicts, strict=True
            ):
                verdict = safety_outcome(item, text, verifiers.task, verdict=task)
                record = {
                    "response_id": response_id,
                    "verdict": verdict,
                    "task_label": task.label,
                    "task_score": task.score,
                    "helpful_score": helpful.score,
                    "confidence": task.confidence,
                    "source": task.source,
                    "note": task.note,
                    **fallback_fields(task),
                }
                out.write(json.dumps(record, ensure_ascii=False) + "\n")
            out.flush()
            done = start + len(batch)
            rate = (time.monotonic() - started) / done
            writer.emit(
                Progress(
                    stage="score",
                    step=done,
                    total_steps=len(rows),
                    stage_step=done,
                    stage_total=len(rows),
                    eta_seconds=rate * (len(rows) - done),
                )
            )


def run(args: argparse.Namespace, writer: EventWriter) -> Path:
    import torch
    import transformers
    import trl

    if args.tier != "rules" and not args.verifier:
        raise ScoreInputError(f"--tier {args.tier} needs --verifier PATH")
    rows = read_inputs(args.input)
    device = None
    kind = "cpu"
    if args.tier == "judge":
        from cosmo_rl.devices import choose_device

        chosen = choose_device(args.device)
        device, kind = chosen.kind, chosen.kind
    digest = hashlib.sha256(json.dumps(vars(args), default=str, sort_keys=True).encode()).hexdigest()
    writer.emit(
        Started(
            run_id=None,
            device=kind,  # type: ignore[arg-type]
            gpu=None,
            torch=torch.__version__,
            transformers=transformers.__version__,
            trl=trl.__version__,
            config_hash=digest,
        )
    )
    score_rows(rows, args.tier, args.verifier, device, writer, args.out, args.judge_mode)
    return args.out.resolve()


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    return run_job(lambda writer: run(args, writer), user_errors=(ScoreInputError,))


if __name__ == "__main__":
    sys.exit(main())
