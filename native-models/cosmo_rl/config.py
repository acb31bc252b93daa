"""The run config: one JSON document shared by the app (zod) and the worker (pydantic).

The JSON Schema exported from these models (``python -m cosmo_rl.schema_export``) is what
the app validates against; field descriptions carry our own choices so they reach it.
Cross-field rules that JSON Schema cannot express are enforced here by validators and
listed in the description of the field they constrain.

Errors are reported as ``ConfigError`` with one line per problem:
``<file>: <field path>: <message>``, e.g. ``run.json: stages[1].steps: must be > 0``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator
from pydantic_core import PydanticCustomError

TASKS: tuple[str, ...] = ("safety", "jailbreak", "value", "knowledge", "general", "instruction")
Task = Literal["safety", "jailbreak", "value", "knowledge", "general", "instruction"]
StageName = Literal["stage1", "stage2"]


class ConfigError(ValueError):
    """A run config that cannot be used. ``issues`` holds (field path, message) pairs."""

    def __init__(self, message: str, issues: list[tuple[str, str]] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.issues = issues or []


def _field_error(field: str, message: str) -> PydanticCustomError:
    # The ``field`` context lets _format_loc point at the offending sub-field even though
    # the check runs in a model-level validator (pydantic would otherwise report the model).
    return PydanticCustomError("cosmo_field", "{message}", {"field": field, "message": message})


class _Strict(BaseModel):
    # Unknown keys are errors: a typo in a run config must not silently fall back to a default.
    # Strict types: "1e-5" (a string) is not a number here, exactly as in the JSON Schema and zod.
    model_config = ConfigDict(extra="forbid", validate_default=True, strict=True)


class ModelConfig(_Strict):
    path_or_id: str = Field(
        min_length=1,
        description="Local model folder or Hugging Face hub id of the base model (or a stage-1 checkpoint).",
    )
    trust_remote_code: bool = Field(
        default=False, description="Allow the model's own Python code to run. Off unless the user turns it on."
    )
    kind: Literal["auto", "qwen2_vl", "qwen2_5_vl", "causal_lm"] = Field(
        default="auto",
        description="Model family. 'auto' reads it from the model's config.json; 'causal_lm' is text-only "
        "(image items are then rejected).",
    )
    adapter: str | None = Field(
        default=None,
        min_length=1,
        description="A LoRA adapter folder (a checkpoint of an earlier run) the run starts from and trains "
        "further; null: a fresh adapter. With LoRA off it is merged into the base before full fine-tuning.",
    )


class LoraConfig(_Strict):
    enabled: bool = Field(default=True, description="Train LoRA adapters instead of all weights.")
    r: int = Field(default=16, gt=0, description="LoRA rank.")
    alpha: int = Field(default=32, gt=0, description="LoRA alpha (scaling = alpha / r).")
    dropout: float = Field(
        default=0.0,
        ge=0.0,
        lt=1.0,
        description="LoRA dropout, recorded in the saved adapter. RL training turns every dropout off (model and "
        "LoRA): with it on, two passes of one policy disagree and CPGD's ratio is noise.",
    )
    target_modules: list[str] = Field(
        default_factory=lambda: ["q_proj", "k_proj", "v_proj", "o_proj"],
        min_length=1,
        description="Module names that get adapters. The defaults exist only in the language model.",
    )
    freeze_vision: bool = Field(
        default=True,
        description="Keep the vision tower frozen: adapters never attach to modules under 'visual' "
        "(Qwen2.5-VL's vision MLP shares names with the language model's).",
    )


class CpgdConfig(_Strict):
    eps: float = Field(
        default=0.2, gt=0.0, lt=1.0, description="Clip range: the log-ratio is clipped to [log(1-eps), log(1+eps)]."
    )
    alpha: float = Field(default=0.01, ge=0.0, description="Policy-drift coefficient (CPGD reference: 0.01).")
    drift_cap: float = Field(
        default=2.0, gt=0.0, description="Cap c on the drift weight min(ratio - 1, c) (CPGD reference: 2.0)."
    )
    steps_per_generation: int = Field(
        default=4,
        ge=1,
        description="Optimizer steps taken on each rollout batch. Must be > 1 for the clip and drift terms "
        "to act (with 1 the ratio is always 1). Our default, not the paper's (it does not publish one).",
    )
    kl_beta: float = Field(default=0.0, ge=0.0, description="KL penalty to the reference model; off by default.")


class StageConfig(_Strict):
    name: StageName = Field(description="stage1 builds general capability; stage2 trains safety+value+general.")
    steps: int = Field(gt=0, description="Optimizer steps in this stage.")
    task_mix: dict[Task, Annotated[float, Field(ge=0.0)]] = Field(
        min_length=1,
        description="Sampling weight per task (>= 0, summing to > 0). Tasks left out are not sampled. "
        "Weights are relative; they need not sum to 1.",
    )

    @field_validator("task_mix")
    @classmethod
    def _mix_is_usable(cls, mix: dict[str, float]) -> dict[str, float]:
        if sum(mix.values()) <= 0:
            raise ValueError("weights must sum to > 0")
        return mix


class RewardWeights(_Strict):
    format: float = Field(default=1.0, ge=0.0, description="Weight of R_format.")
    visual: float = Field(default=1.0, ge=0.0, description="Weight of R_visual.")
    helpful: float = Field(default=1.0, ge=0.0, description="Weight of R_helpful.")
    task: float = Field(default=1.0, ge=0.0, description="Weight of R_task.")

    @model_validator(mode="after")
    def _not_all_zero(self) -> RewardWeights:
        if self.format + self.visual + self.helpful + self.task <= 0:
            raise ValueError("at least one reward weight must be > 0")
        return self


class VerifierConfig(_Strict):
    model_config = ConfigDict(
        extra="forbid",
        validate_default=True,
        strict=True,
        json_schema_extra={
            "if": {"properties": {"tier": {"enum": ["learned", "judge"]}}, "required": ["tier"]},
            "then": {"required": ["path"], "properties": {"path": {"type": "string", "minLength": 1}}},
        },
    )
    tier: Literal["rules", "learned", "judge"] = Field(
        default="rules",
        description="rules: phrase detection and answer matching, no model (default). learned: a small "
        "classifier (torch state dict folder or .onnx file). judge: a local causal LM prompted with the rubric.",
    )
    path: str | None = Field(
        default=None, description="Classifier file/folder (learned) or model folder (judge). Required for those tiers."
    )

    @model_validator(mode="after")
    def _path_for_model_tiers(self) -> VerifierConfig:
        if self.tier in ("learned", "judge") and not self.path:
            raise _field_error("path", f"is required when tier is '{self.tier}'")
        return self


class RewardConfig(_Strict):
    weights: RewardWeights = Field(default_factory=RewardWeights)
    verifier: VerifierConfig = Field(default_factory=VerifierConfig)
    aggregation: Literal["sum_then_normalize", "normalize_then_sum"] = Field(
        default="sum_then_normalize",
        description="sum_then_normalize: weighted sum, then group z-score (the paper). normalize_then_sum: "
        "z-score each term in its group first (GDPO), an ablation.",
    )


# One Qwen-VL image token covers 28x28 pixels after smart_resize (patch 14, 2x2 patches merged).
PIXELS_PER_IMAGE_TOKEN = 28 * 28


class ImagesConfig(_Strict):
    min_pixels: int = Field(
        default=56 * 56,
        ge=PIXELS_PER_IMAGE_TOKEN,
        description="Qwen-VL image budget, lower end: smaller images are upscaled to at least this many pixels "
        "(28x28 pixels per image token). Ignored for text-only models.",
    )
    max_pixels: int = Field(
        default=512 * PIXELS_PER_IMAGE_TOKEN,
        ge=PIXELS_PER_IMAGE_TOKEN,
        description="Qwen-VL image budget, upper end: larger images are downscaled to at most this many pixels, "
        "max_pixels / 784 image tokens (default 512 tokens; a 1280x960 photo is 1,564 tokens unscaled). An "
        "image whose tokens at this budget do not fit under max_prompt_length is refused before training.",
    )
    oversize: Literal["resize", "refuse"] = Field(
        default="resize",
        description="An image over max_pixels: resize (downscale it, and say how many were) or refuse (the "
        "snapshot check fails, naming each item).",
    )

    @model_validator(mode="after")
    def _min_below_max(self) -> ImagesConfig:
        if self.min_pixels > self.max_pixels:
            raise _field_error("min_pixels", f"must be <= max_pixels ({self.max_pixels})")
        return self


class LoggingConfig(_Strict):
    sample_every: int = Field(default=10, gt=0, description="Emit a 'sample' event every N optimizer steps.")


class ProbeStopRule(_Strict):
    metric: Literal["over_refusal_rate", "unsafe_rate"] = Field(
        description="The probe rate the rule watches (unsafe_rate: harmful probe prompts answered unsafely; "
        "over_refusal_rate: benign probe prompts refused)."
    )
    above: float = Field(
        ge=-1.0,
        lt=1.0,
        description="Stop when the rate is strictly above this fraction (0.2 = 20%) for `consecutive` probes in a "
        "row. A probe with no prompt of the rate's kind does not count and breaks no streak. A negative value "
        "stops at the first probes that measure the rate (a smoke test of the rule).",
    )
    consecutive: int = Field(default=2, ge=1, description="How many probes in a row must exceed `above`.")


class ProbeConfig(_Strict):
    evaluation_set_id: int | None = Field(
        default=None, ge=1, description="The studio's evaluation set the probe prompts were drawn from (provenance)."
    )
    items: str = Field(
        min_length=1,
        description="Folder with the probe prompts (items.jsonl in the evaluation set's format, images/). The studio "
        "writes its seeded sample into the run folder; the worker asks the first max_prompts lines, in file order.",
    )
    every: int = Field(
        default=10, gt=0, description="Probe every N optimizer steps (run-wide step count), and at step 0."
    )
    max_prompts: int = Field(default=16, gt=0, le=512, description="At most this many probe prompts per probe.")
    max_new_tokens: int = Field(default=128, gt=0, description="Greedy decoding budget per probe response.")
    stop: ProbeStopRule | None = Field(default=None, description="Optional rule that stops the run cleanly.")


class RunConfig(_Strict):
    """A COSMO-RL run. Relative paths in a config file are resolved against the file's folder."""

    model_config = ConfigDict(
        extra="forbid",
        validate_default=True,
        strict=True,
        title="COSMO-RL run config",
    )

    schema_version: Literal[1] = Field(description="Version of this document's format.")
    model: ModelConfig
    lora: LoraConfig = Field(default_factory=LoraConfig)
    method: Literal["cpgd", "grpo"] = Field(
        default="cpgd", description="Policy update: cpgd (the method) or grpo (TRL's loss, the ablation baseline)."
    )
    cpgd: CpgdConfig = Field(default_factory=CpgdConfig)
    stages: list[StageConfig] = Field(
        min_length=1,
        max_length=2,
        description="One or two RL stages, stage1 before stage2, no duplicates. Stage 2 starts from stage 1's "
        "checkpoint.",
    )
    reward: RewardConfig = Field(default_factory=RewardConfig)
    rollouts_per_prompt: int = Field(default=8, ge=2, description="K responses sampled per prompt (a group).")
    prompts_per_step: int = Field(default=4, ge=1, description="Prompts per rollout batch.")
    max_prompt_length: int = Field(default=1024, gt=0, description="Prompt tokens kept (left-truncated).")
    max_completion_length: int = Field(default=512, gt=0, description="Maximum generated tokens per response.")
    temperature: float = Field(default=1.0, gt=0.0, description="Sampling temperature for rollouts.")
    learning_rate: float = Field(
        default=1e-5,
        gt=0.0,
        description="Optimizer learning rate. Around 1e-6 for full fine-tuning, 1e-5 to 5e-5 for LoRA (not enforced).",
    )
    seed: int = Field(default=0, ge=0, description="Seed for sampling, data order and initialisation.")
    device: Literal["auto", "cuda", "mps", "cpu"] = Field(
        default="auto", description="auto picks cuda, then mps, then cpu."
    )
    dataset: str = Field(min_length=1, description="Dataset snapshot folder (manifest.json, items.jsonl, images/).")
    output_dir: str = Field(min_length=1, description="Run output folder: checkpoints, metrics, logs.")
    checkpoint_every: int = Field(default=50, gt=0, description="Save a checkpoint every N optimizer steps.")
    save_total_limit: int | None = Field(
        default=None,
        gt=0,
        description="Checkpoints kept per stage (older ones are deleted); null keeps all. A stage's final "
        "folder is not a checkpoint and is always kept.",
    )
    images: ImagesConfig = Field(default_factory=ImagesConfig)
    logging: LoggingConfig = Field(default_factory=LoggingConfig)
    probe: ProbeConfig | None = Field(
        default=None,
        description="Probes during training: greedy generations on a small fixed evaluation sample every N steps, "
        "scored by the reward's verifier (unsafe, over-refusal and care rates).",
    )

    @field_validator("stages")
    @classmethod
    def _stage_order(cls, stages: list[StageConfig]) -> list[StageConfig]:
        names = [s.name for s in stages]
        if len(set(names)) != len(names):
            raise ValueError("stage names must not repeat")
        if names == ["stage2", "stage1"]:
            raise ValueError("stage1 must come before stage2")
        return stages

    @classmethod
    def from_dict(cls, data: Any, source: str = "<config>") -> RunConfig:
        """Validate parsed JSON; errors name ``source`` and each offending field path."""
        try:
            return cls.model_validate(data)
        except ValidationError as exc:
            issues = [(_format_loc(err), _format_msg(err)) for err in exc.errors()]
            raise ConfigError("\n".join(f"{source}: {p}: {m}" for p, m in issues), issues) from None

    @classmethod
    def from_file(cls, path: str | Path) -> RunConfig:
        """Load a run config file. Relative paths inside it resolve against the file's folder."""
        path = Path(path)
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as exc:
            raise ConfigError(f"{path}: cannot read: {exc.strerror or exc}") from None
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise ConfigError(
                f"{path}: invalid JSON at line {exc.lineno} column {exc.colno}: {exc.msg}", [("", exc.msg)]
            ) from None
        config = cls.from_dict(data, source=str(path))
        return config.resolve_paths(path.parent)

    def resolve_paths(self, base: Path) -> RunConfig:
        """Return a copy whose relative local paths are anchored at ``base``.

        The model entry is only treated as a path when it exists relative to ``base``:
        hub ids such as ``Qwen/Qwen2-VL-2B-Instruct`` look like relative paths too.
        """

        def anchor(p: str) -> str:
            return p if Path(p).is_absolute() else str((base / p).resolve())

        update: dict[str, Any] = {"dataset": anchor(self.dataset), "output_dir": anchor(self.output_dir)}
        model_path = base / self.model.path_or_id
        if not Path(self.model.path_or_id).is_absolute() and model_path.exists():
            update["model"] = self.model.model_copy(update={"path_or_id": str(model_path.resolve())})
        if self.probe is not None:
            update["probe"] = self.probe.model_copy(update={"items": anchor(self.probe.items)})
        if self.reward.verifier.path is not None:
            verifier = self.reward.verifier.model_copy(update={"path": anchor(self.reward.verifier.path)})
            update["reward"] = self.reward.model_copy(update={"verifier": verifier})
        return self.model_copy(update=update)


def _format_loc(err: Any) -> str:
    loc = list(err.get("loc", ()))
    ctx = err.get("ctx") or {}
    if loc and loc[-1] == "[key]":
        # An unknown dict key (a task name): the key itself is the field path.
        loc.pop()
    if err.get("type") == "cosmo_field" and "field" in ctx:
        loc.append(ctx["field"])
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out or "(root)"


def _format_msg(err: Any) -> str:
    kind = err.get("type")
    ctx = err.get("ctx") or {}
    if kind == "cosmo_field":
        return str(ctx["message"])
    if kind == "missing":
        return "is required"
    if kind == "extra_forbidden":
        return "unknown field"
    bounds = {"greater_than": "gt", "greater_than_equal": "ge", "less_than": "lt", "less_than_equal": "le"}
    if kind in bounds:
        symbol = {"gt": ">", "ge": ">=", "lt": "<", "le": "<="}[bounds[kind]]
        return f"must be {symbol} {ctx[bounds[kind]]}"
    types = {
        "float_type": "a number",
        "int_type": "an integer",
        "string_type": "a string",
        "bool_type": "true or false",
        "model_type": "an object",
        "dict_type": "an object",
        "list_type": "a list",
    }
    if kind in types:
        return f"must be {types[kind]}"
    if kind == "literal_error":
        return f"must be one of {ctx.get('expected')}"
    if kind == "too_short":
        return f"must have at least {ctx.get('min_length')} item(s)"
    if kind == "too_long":
        return f"must have at most {ctx.get('max_length')} item(s)"
    msg = str(err.get("msg", "invalid"))
    # pydantic prefixes messages raised by our validators with "Value error, ".
    return msg.removeprefix("Value error, ")
