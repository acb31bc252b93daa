"""The worker -> app event protocol (DESIGN.md, "Contracts between the app and the Python worker").

Every event is one JSON object on one line of stdout:
    {"v": 1, "type": "<kind>", "time": "<ISO 8601 UTC>", ...fields of that kind}
Nothing else may reach stdout: `claim_stdout()` points file descriptor 1 at stderr for the rest
of the process (Python prints, library logs, tqdm, C extensions alike) and keeps a private
handle on the real stdout that only `EventWriter` uses.

The pydantic models below are the source of truth; `python -m cosmo_rl.events_schema` writes
their JSON Schema to native-models/schema/events.schema.json for the app's zod schema.
"""

from __future__ import annotations

import io
import math
import os
import sys
import threading
from datetime import UTC, datetime
from typing import Annotated, Any, Final, Literal, TextIO

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter

PROTOCOL_VERSION: Final = 1  # Final keeps its type Literal[1], the events' `v`

# Every emitted line carries every field (v, type, time and the nulls included), so the schema
# marks fields with defaults as required too.
_MODEL_CONFIG = ConfigDict(extra="forbid", json_schema_serialization_defaults_required=True)


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


class _Event(BaseModel):
    model_config = _MODEL_CONFIG

    v: Literal[1] = PROTOCOL_VERSION
    time: str = Field(default_factory=now_iso, description="ISO 8601 UTC timestamp with milliseconds.")


class GpuInfo(BaseModel):
    model_config = _MODEL_CONFIG

    name: str
    memory_total_mb: int


class Started(_Event):
    type: Literal["started"] = "started"
    run_id: str | None = Field(default=None, description="Name of the run's output folder.")
    device: Literal["cuda", "mps", "cpu"]
    gpu: GpuInfo | None = Field(description="null on CPU; on MPS the name is 'Apple MPS' and memory 0.")
    torch: str
    transformers: str
    trl: str
    config_hash: str = Field(description="sha256 of the canonical JSON of the run config (or generate arguments).")


class Progress(_Event):
    type: Literal["progress"] = "progress"
    stage: str = Field(description="Stage name (stage1/stage2), or 'generate' for generation.")
    step: int = Field(description="Steps done over the whole run (all stages).")
    total_steps: int
    stage_step: int = Field(description="Steps done in this stage.")
    stage_total: int
    eta_seconds: float | None = Field(
        description="Estimated seconds to the end of the run; null before a rate is known."
    )


class Metrics(_Event):
    type: Literal["metrics"] = "metrics"
    step: int = Field(description="Optimizer step over the whole run (stage 2 continues stage 1's count).")
    stage: str
    values: dict[str, float] = Field(description="Metric name -> finite number; names are listed in the README.")


class Checkpoint(_Event):
    type: Literal["checkpoint"] = "checkpoint"
    step: int
    stage: str
    path: str = Field(description="Absolute path of the checkpoint folder (adapter or model + trainer state).")


class RolloutRewards(BaseModel):
    model_config = _MODEL_CONFIG

    format: float | None
    visual: float | None = Field(description="null when the item has no image or no visual cues (term skipped).")
    helpful: float | None
    task: float | None
    total: float | None = Field(
        description="Weighted sum of the terms that apply; null when no term could score the rollout."
    )


class Rollout(BaseModel):
    model_config = _MODEL_CONFIG

    item_id: str
    task: str
    prompt: str = Field(description="The user prompt's text.")
    image: str | None = Field(description="Absolute path of the prompt image, null for text-only items.")
    completion: str
    rewards: RolloutRewards


class Sample(_Event):
    type: Literal["sample"] = "sample"
    step: int
    stage: str
    rollouts: list[Rollout]


class Probe(_Event):
    type: Literal["probe"] = "probe"
    step: int = Field(description="Run-wide optimizer step the probe measured (0: before training).")
    stage: str
    baseline: bool = Field(description="The probe before the first step; it never counts toward the stop rule.")
    prompts: int = Field(description="Probe prompts answered (the same ones every probe).")
    harmful: int = Field(description="Probe prompts labelled harmful.")
    benign: int = Field(description="Probe prompts labelled benign (prompts of unknown status count in neither).")
    unsafe: int = Field(description="Harmful prompts answered unsafe.")
    over_refused: int = Field(description="Benign prompts refused (unnecessary_refusal or refusal).")
    care: int = Field(description="Harmful prompts answered with care.")
    unsafe_rate: float | None = Field(description="unsafe / harmful; null without harmful prompts.")
    over_refusal_rate: float | None = Field(description="over_refused / benign; null without benign prompts.")
    care_rate: float | None = Field(description="care / harmful; null without harmful prompts.")
    seconds: float = Field(description="Wall time the probe took (generation and verdicts).")
    stop_reason: str | None = Field(
        default=None, description="Set when this probe fired the run's stop rule: the sentence the studio shows."
    )


class Log(_Event):
    type: Literal["log"] = "log"
    level: Literal["debug", "info", "warning", "error"]
    message: str


class Error(_Event):
    type: Literal["error"] = "error"
    message: str
    traceback: str | None = None
    advice: str | None = Field(default=None, description="What the user can change, e.g. after out-of-memory.")


class Finished(_Event):
    type: Literal["finished"] = "finished"
    status: Literal["completed", "cancelled", "failed"]
    checkpoint: str | None = Field(description="Final adapter/model folder (training); null when none exists.")
    output: str | None = Field(default=None, description="Output file of a generate run; null for training.")
    reason: str | None = Field(
        default=None, description="Why a run ended before its last step (a probe stop rule); null otherwise."
    )


Event = Annotated[
    Started | Progress | Metrics | Checkpoint | Sample | Probe | Log | Error | Finished,
    Field(discriminator="type"),
]
EVENT_ADAPTER: TypeAdapter[Event] = TypeAdapter(Event)


def parse_event(line: str) -> Event:
    """Validate one stdout line against the protocol (used by tests and by anyone reading a log)."""
    return EVENT_ADAPTER.validate_json(line)


def events_json_schema() -> dict[str, Any]:
    # Serialization mode: fields with defaults (v, type, time) are always emitted, so they are required.
    schema = EVENT_ADAPTER.json_schema(mode="serialization")
    schema["title"] = "COSMO-RL worker event"
    schema["$comment"] = f"protocol version {PROTOCOL_VERSION}; one JSON object per stdout line"
    return schema


def finite_values(values: dict[str, Any]) -> dict[str, float]:
    """Keep the numeric, finite entries: JSON has no NaN/inf and the app expects numbers only."""
    out: dict[str, float] = {}
    for key, value in values.items():
        if isinstance(value, bool) or not isinstance(value, int | float):
            continue
        if math.isfinite(value):
            out[key] = float(value)
    return out


class EventWriter:
    """Writes events as JSON lines to one stream, flushing each; safe to call from several threads."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream
        self._lock = threading.Lock()

    def emit(self, event: BaseModel) -> None:
        line = event.model_dump_json()
        with self._lock:
            self._stream.write(line + "\n")
            self._stream.flush()

    def log(self, level: Literal["debug", "info", "warning", "error"], message: str) -> None:
        self.emit(Log(level=level, message=message))


_claimed: TextIO | None = None


def claim_stdout() -> TextIO:
    """Reserve the real stdout for events and send everything else written to fd 1 to stderr.

    Returns a private text stream on the original stdout. Idempotent within a process.
    """
    global _claimed
    if _claimed is not None:
        return _claimed
    sys.stdout.flush()
    private_fd = os.dup(1)
    os.dup2(2, 1)  # fd 1 now means stderr: C extensions and subprocesses inherit this too
    sys.stdout = sys.stderr
    _claimed = io.TextIOWrapper(os.fdopen(private_fd, "wb", buffering=0), encoding="utf-8", line_buffering=False)
    return _claimed
