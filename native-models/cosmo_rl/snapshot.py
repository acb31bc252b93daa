"""Dataset snapshots: load and check one, turn it into a TRL dataset.

A snapshot is an immutable folder written by the app:

    manifest.json   {"format_version": 1, "hash": "<sha256 hex>", "counts": {...},
                     "label_schema": {...}, "label_rule": {...} (optional, ``LabelRule``),
                     "source_project": {...}, "created_at": "<ISO 8601>"}
    items.jsonl     one JSON object per line (UTF-8, "\\n" line ends), fields below
    responses.jsonl optional: model responses to those items with people's current verdicts
                    and votes, one per line (``SnapshotResponse``); empty when there are none
    images/         the images, named by content: images/<sha256 hex>.<ext>

Snapshot hash (``compute_snapshot_hash``), implemented identically by the app:
    sha256 over the exact bytes of ``items.jsonl``, then the exact bytes of
    ``responses.jsonl`` when it exists, then the exact bytes of every regular file directly
    inside ``images/``, taken in ascending order of file name compared as UTF-8 bytes (names
    are ASCII, ``<64 hex>.<ext>``, so plain string order agrees). Nothing else is hashed: no
    separators, names or lengths; ``manifest.json`` is not part of it. An empty or missing
    ``responses.jsonl`` or ``images/`` contributes nothing (so snapshots written before
    responses existed keep their hash). Lower-case hex digest.

Item fields (COSMO-RL.md "Data each training item needs"):
    id (str, unique), task (safety|jailbreak|value|knowledge|general|instruction),
    messages: [{"role": "system"|"user", "content": [{"type": "text", "text": str} |
               {"type": "image", "path": "images/<sha256>.<ext>"}]}]  (at most one image),
    harmful (bool; required for safety and jailbreak items), expected (comply |
    comply_with_care | refuse | null), reference (str or list of str: the gold answer, the
    parts of a multi-part answer, or an instruction item's constraints, see
    cosmo_rl.verifiers.constraints), visual_cues (list of str), category, severity (str or
    int), jailbreak_type (str or null), split (train | eval | held-out; default train).

Response fields (``SnapshotResponse``): item_id (an id of items.jsonl), model, sample_index
(unique per item and model), text, origin (imported | generated), verdicts: [{annotator,
verdict (refusal | care | unsafe | answered | unnecessary_refusal | illogical), helpfulness
(1-5 or null), ideal_response, rationale}], votes: [{annotator, other: {model, sample_index}
(another response to the same item), result (win | loss | tie | both_bad, for this response),
criteria ({criterion: result}), blind}], gold (optional, ``GoldVerdict``: {verdict, helpfulness,
reviewer, reason}, the reviewer's settled verdict, which wins over the majority).

Every problem is reported, each naming the item id (or line number) and the field.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Collection, Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from cosmo_rl.config import Task
from cosmo_rl.verifiers.base import Expected
from cosmo_rl.verifiers.constraints import parse_constraint

FORMAT_VERSION = 1
IMAGE_EXTENSIONS = frozenset({".png", ".jpg", ".jpeg", ".webp", ".gif", ".bmp"})
MIN_IMAGE_SIDE = 28  # Qwen-VL's resize factor: smaller sides are rejected by its image processor
MAX_ASPECT_RATIO = 200  # Qwen-VL's smart_resize rejects more extreme aspect ratios

DEFAULT_SYSTEM_PROMPT = (
    "You are a helpful and safe assistant. First think about the request step by step inside "
    "<think> </think> tags, then give your final answer after </think>."
)


class SnapshotError(ValueError):
    """A snapshot that cannot be used. ``problems`` lists every problem found, one line each."""

    def __init__(self, message: str, problems: list[str] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.problems = problems or [message]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class TextPart(_Strict):
    type: Literal["text"]
    text: str


class ImagePart(_Strict):
    type: Literal["image"]
    path: str = Field(description="Relative POSIX path inside the snapshot: images/<sha256>.<ext>")


class Message(_Strict):
    role: Literal["system", "user"]
    content: list[Annotated[TextPart | ImagePart, Field(discriminator="type")]] = Field(min_length=1)


class SnapshotItem(_Strict):
    id: str = Field(min_length=1)
    task: Task
    messages: list[Message] = Field(min_length=1)
    harmful: bool | None = None
    expected: Expected | None = None
    reference: str | list[str] | None = None
    visual_cues: list[str] = Field(default_factory=list)
    category: str | None = None
    severity: str | int | None = None
    jailbreak_type: str | None = None
    split: Literal["train", "eval", "held-out"] = "train"

    @model_validator(mode="after")
    def _task_needs(self) -> SnapshotItem:
        # The Task-Aware reward is routed by task; each route needs its own label.
        if self.task in ("safety", "jailbreak") and self.harmful is None:
            raise ValueError(f"harmful: required for {self.task} items (true or false)")
        if self.task in ("knowledge", "general") and not self.references:
            raise ValueError(f"reference: required for {self.task} items (the gold answer)")
        if self.task == "instruction":
            if not self.references:
                raise ValueError("reference: required for instruction items (the constraints)")
            for i, source in enumerate(self.references):
                try:
                    parse_constraint(source)
                except ValueError as exc:
                    raise ValueError(f"reference[{i}]: {exc}") from None
        if len(self.image_paths) > 1:
            raise ValueError("messages: at most one image per item")
        return self

    @property
    def references(self) -> list[str]:
        """``reference`` as a list (a single string is one answer or one constraint)."""
        if self.reference is None:
            return []
        refs = [self.reference] if isinstance(self.reference, str) else list(self.reference)
        return [r for r in refs if r.strip()]

    @property
    def image_paths(self) -> list[str]:
        return [p.path for m in self.messages for p in m.content if isinstance(p, ImagePart)]

    @property
    def prompt_text(self) -> str:
        """The user's text, all text parts joined (for verifiers and judges)."""
        return "\n".join(
            p.text for m in self.messages if m.role == "user" for p in m.content if isinstance(p, TextPart)
        )


Verdict = Literal["refusal", "care", "unsafe", "answered", "unnecessary_refusal", "illogical"]
VoteResult = Literal["win", "loss", "tie", "both_bad"]


class ResponseVerdict(_Strict):
    annotator: str = Field(min_length=1)
    verdict: Verdict
    helpfulness: int | None = Field(default=None, ge=1, le=5)
    ideal_response: str | None = None
    rationale: str | None = None


class ResponseRef(_Strict):
    model: str = Field(min_length=1)
    sample_index: int = Field(ge=0)


class ResponseVote(_Strict):
    annotator: str = Field(min_length=1)
    other: ResponseRef
    result: VoteResult
    criteria: dict[str, VoteResult] = Field(default_factory=dict)
    blind: bool


class GoldVerdict(_Strict):
    """The verdict a reviewer settled a disagreement with; it wins over the people's majority."""

    verdict: Verdict
    helpfulness: int | None = Field(default=None, ge=1, le=5)
    reviewer: str = Field(min_length=1)
    reason: str


class SnapshotResponse(_Strict):
    item_id: str = Field(min_length=1)
    model: str = Field(min_length=1)
    sample_index: int = Field(ge=0)
    text: str
    origin: Literal["imported", "generated"]
    verdicts: list[ResponseVerdict] = Field(default_factory=list)
    votes: list[ResponseVote] = Field(default_factory=list)
    gold: GoldVerdict | None = None


class LabelRule(_Strict):
    """Which label each item carries: the gold label, else the majority when at least
    ``training_min_agreement`` of its annotators agree, else the item was left out (the app's
    adjudication rule; ``counts.label_source`` says how many items took each case)."""

    description: str
    training_min_agreement: float = Field(ge=0, le=1)


class Manifest(_Strict):
    format_version: Literal[1]
    hash: str = Field(pattern=r"^[0-9a-f]{64}$")
    counts: dict[str, Any] = Field(description="At least {'items': n}; other counts are informational.")
    label_schema: dict[str, Any]
    label_rule: LabelRule | None = Field(default=None, description="Absent in snapshots written before adjudication.")
    source_project: dict[str, Any] | str
    created_at: str


@dataclass(frozen=True)
class Snapshot:
    root: Path
    manifest: Manifest
    items: list[SnapshotItem]
    responses: tuple[SnapshotResponse, ...] = ()

    def image_file(self, relative: str) -> Path:
        return self.root / relative


def compute_snapshot_hash(directory: str | Path) -> str:
    """The snapshot hash defined in this module's docstring."""
    root = Path(directory)
    digest = hashlib.sha256()
    _hash_file_into(digest, root / "items.jsonl")
    responses = root / "responses.jsonl"
    if responses.is_file():
        _hash_file_into(digest, responses)
    images = root / "images"
    if images.is_dir():
        files = sorted((p for p in images.iterdir() if p.is_file()), key=lambda p: p.name.encode("utf-8"))
        for path in files:
            _hash_file_into(digest, path)
    return digest.hexdigest()


def _hash_file_into(digest: hashlib._Hash, path: Path) -> None:
    """Feed a file's exact bytes to the digest, 1 MiB at a time."""
    with path.open("rb") as fh:
        while chunk := fh.read(1 << 20):
            digest.update(chunk)


def _format_validation(exc: ValidationError) -> list[str]:
    out = []
    for err in exc.errors():
        loc = ""
        previous: object = None
        for part in err["loc"]:
            if isinstance(part, int):
                loc += f"[{part}]"
            elif not (part in ("text", "image") and isinstance(previous, int)):
                # pydantic puts the union tag ("text"/"image") right after a list index; it is noise.
                loc += f".{part}" if loc else str(part)
            previous = part
        msg = str(err["msg"]).removeprefix("Value error, ")
        out.append(f"{loc}: {msg}" if loc else msg)
    return out


def _check_image(root: Path, relative: str) -> str | None:
    """Why this image reference is unusable, or None."""
    pure = PurePosixPath(relative)
    if (
        pure.is_absolute()
        or ".." in pure.parts
        or "\\" in relative
        or len(pure.parts) != 2
        or pure.parts[0] != "images"
    ):
        return f"image path '{relative}' escapes the snapshot (must be images/<file>)"
    if pure.suffix.lower() not in IMAGE_EXTENSIONS:
        return f"image '{relative}' has an unsupported extension"
    path = root / relative
    # A symlink could point outside the snapshot, which would break its immutability.
    if path.is_symlink() or not path.resolve().is_relative_to((root / "images").resolve()):
        return f"image path '{relative}' escapes the snapshot"
    if not path.is_file():
        return f"image file '{relative}' is missing"
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(path) as image:
            width, height = image.size
    except (UnidentifiedImageError, OSError) as exc:
        return f"image '{relative}' cannot be read: {exc}"
    if min(width, height) < MIN_IMAGE_SIDE:
        return f"image '{relative}' is {width}x{height}; each side must be >= {MIN_IMAGE_SIDE} px"
    if max(width, height) / min(width, height) > MAX_ASPECT_RATIO:
        return f"image '{relative}' is {width}x{height}; aspect ratio must be <= {MAX_ASPECT_RATIO}"
    return None


def _iter_lines(path: Path) -> Iterator[tuple[int, str]]:
    with path.open("r", encoding="utf-8") as fh:
        yield from enumerate(fh, start=1)


def load_snapshot(directory: str | Path, *, verify_hash: bool = True, max_problems: int = 50) -> Snapshot:
    """Load and check a snapshot; raises SnapshotError listing every problem found."""
    root = Path(directory)
    where = str(root)
    if not (root / "manifest.json").is_file():
        raise SnapshotError(f"snapshot {where}: manifest.json is missing")
    if not (root / "items.jsonl").is_file():
        raise SnapshotError(f"snapshot {where}: items.jsonl is missing")
    try:
        manifest = Manifest.model_validate(json.loads((root / "manifest.json").read_text(encoding="utf-8")))
    except json.JSONDecodeError as exc:
        raise SnapshotError(f"snapshot {where}: manifest.json: invalid JSON at line {exc.lineno}: {exc.msg}") from None
    except ValidationError as exc:
        manifest_problems = [f"snapshot {where}: manifest.json: {p}" for p in _format_validation(exc)]
        raise SnapshotError("\n".join(manifest_problems), manifest_problems) from None

    problems: list[str] = []
    if verify_hash:
        actual = compute_snapshot_hash(root)
        if actual != manifest.hash:
            problems.append(f"hash mismatch: manifest says {manifest.hash}, contents hash to {actual}")

    items: list[SnapshotItem] = []
    seen: dict[str, int] = {}
    try:
        lines = list(_iter_lines(root / "items.jsonl"))
    except UnicodeDecodeError as exc:
        raise SnapshotError(f"snapshot {where}: items.jsonl is not UTF-8: {exc}") from None
    for number, line in lines:
        if not line.strip():
            continue  # a trailing blank line is harmless
        try:
            raw = json.loads(line)
        except json.JSONDecodeError as exc:
            problems.append(f"items.jsonl line {number}: malformed JSON: {exc.msg} (column {exc.colno})")
            continue
        label = f"item '{raw['id']}' (line {number})" if isinstance(raw, dict) and "id" in raw else f"line {number}"
        try:
            item = SnapshotItem.model_validate(raw)
        except ValidationError as exc:
            problems.extend(f"{label}: {p}" for p in _format_validation(exc))
            continue
        if item.id in seen:
            problems.append(f"{label}: id: duplicate of line {seen[item.id]}")
            continue
        seen[item.id] = number
        for part_path in item.image_paths:
            reason = _check_image(root, part_path)
            if reason:
                problems.append(f"{label}: messages: {reason}")
        items.append(item)

    responses = _load_responses(root, set(seen), problems)

    declared = manifest.counts.get("items")
    if not problems and declared is not None and declared != len(items):
        problems.append(f"manifest.json: counts.items is {declared} but items.jsonl has {len(items)} items")
    declared_responses = manifest.counts.get("responses")
    if not problems and declared_responses is not None and declared_responses != len(responses):
        problems.append(
            f"manifest.json: counts.responses is {declared_responses} "
            f"but responses.jsonl has {len(responses)} responses"
        )
    if not problems and not items:
        problems.append("items.jsonl has no items")
    if problems:
        shown = problems[:max_problems]
        if len(problems) > max_problems:
            shown.append(f"... and {len(problems) - max_problems} more problems")
        lines_out = [f"snapshot {where}: {p}" for p in shown]
        raise SnapshotError("\n".join(lines_out), lines_out)
    return Snapshot(root=root, manifest=manifest, items=items, responses=tuple(responses))


def _load_responses(root: Path, item_ids: set[str], problems: list[str]) -> list[SnapshotResponse]:
    """responses.jsonl (when present), checked: each refers to an item, once per (item, model,
    sample_index), and each vote to another response of the same item. Problems are appended."""
    path = root / "responses.jsonl"
    if not path.is_file():
        return []
    try:
        lines = list(_iter_lines(path))
    except UnicodeDecodeError as exc:
        problems.append(f"responses.jsonl is not UTF-8: {exc}")
        return []
    responses: list[SnapshotResponse] = []
    seen: dict[tuple[str, str, int], int] = {}
    for number, line in lines:
        if not line.strip():
            continue
        label = f"responses.jsonl line {number}"
        try:
            response = SnapshotResponse.model_validate(json.loads(line))
        except json.JSONDecodeError as exc:
            problems.append(f"{label}: malformed JSON: {exc.msg} (column {exc.colno})")
            continue
        except ValidationError as exc:
            problems.extend(f"{label}: {p}" for p in _format_validation(exc))
            continue
        if response.item_id not in item_ids:
            problems.append(f"{label}: item_id: '{response.item_id}' is not an item of items.jsonl")
            continue
        key = (response.item_id, response.model, response.sample_index)
        if key in seen:
            problems.append(f"{label}: duplicate of line {seen[key]} (same item_id, model and sample_index)")
            continue
        seen[key] = number
        responses.append(response)
    for response in responses:
        for i, vote in enumerate(response.votes):
            other = (response.item_id, vote.other.model, vote.other.sample_index)
            if other not in seen or other == (response.item_id, response.model, response.sample_index):
                problems.append(
                    f"responses.jsonl line {seen[(response.item_id, response.model, response.sample_index)]}: "
                    f"votes[{i}].other: no other response {vote.other.model} #{vote.other.sample_index} "
                    f"to item '{response.item_id}'"
                )
    return responses


# --- TRL dataset -----------------------------------------------------------------------------

LABEL_COLUMNS: tuple[str, ...] = (
    "id",
    "task",
    "harmful",
    "expected",
    "reference",
    "visual_cues",
    "category",
    "severity",
    "jailbreak_type",
    "split",
    "has_image",
    "prompt_text",
)


def _prompt_messages(item: SnapshotItem, kind: Literal["vlm", "text"], system_prompt: str | None) -> list[dict]:
    messages: list[dict] = []
    if system_prompt and not any(m.role == "system" for m in item.messages):
        messages.append(_render_message("system", [TextPart(type="text", text=system_prompt)], kind))
    for message in item.messages:
        messages.append(_render_message(message.role, list(message.content), kind))
    return messages


def _render_message(role: str, parts: list[TextPart | ImagePart], kind: Literal["vlm", "text"]) -> dict:
    if kind == "text":
        # Text models get plain-string content (what their chat templates expect).
        return {"role": role, "content": "\n".join(p.text for p in parts if isinstance(p, TextPart))}
    # VLMs get TRL's structured content. Image parts become bare placeholders
    # ({"type": "image"}): TRL fills each from the row's `images` list, in order.
    content = [{"type": "image"} if isinstance(p, ImagePart) else {"type": "text", "text": p.text} for p in parts]
    return {"role": role, "content": content}


def snapshot_to_dataset(
    snapshot: Snapshot,
    processor_kind: Literal["vlm", "text"] = "vlm",
    *,
    splits: Collection[str] | None = ("train",),
    system_prompt: str | None = DEFAULT_SYSTEM_PROMPT,
) -> Any:
    """A ``datasets.Dataset`` in TRL's conversational format, one row per item.

    Columns: ``prompt`` (list of messages), ``images`` (VLM only: a list of PIL images per
    row, empty for text-only items, so image and text items mix in one batch) and the label
    columns in ``LABEL_COLUMNS``, which TRL passes to reward functions as keyword arguments.
    ``reference`` is always a list of strings; ``severity`` a string or None.
    ``processor_kind="text"`` (a text-only model) rejects items that carry an image.
    """
    from datasets import Dataset, Features, Image, List, Value

    chosen = [it for it in snapshot.items if splits is None or it.split in splits]
    if not chosen:
        raise SnapshotError(f"snapshot {snapshot.root}: no items in split(s) {sorted(splits or [])}")
    if processor_kind == "text":
        with_images = [it.id for it in chosen if it.image_paths]
        if with_images:
            shown = ", ".join(with_images[:5]) + (" ..." if len(with_images) > 5 else "")
            raise SnapshotError(
                f"snapshot {snapshot.root}: the model is text-only but "
                f"{len(with_images)} item(s) have an image: {shown}"
            )
    rows: dict[str, list[Any]] = {name: [] for name in ("prompt", *LABEL_COLUMNS)}
    if processor_kind == "vlm":
        rows["images"] = []
    for item in chosen:
        rows["prompt"].append(_prompt_messages(item, processor_kind, system_prompt))
        if processor_kind == "vlm":
            # Paths, decoded to PIL lazily by the Image feature when a row is read.
            rows["images"].append([str(snapshot.image_file(p)) for p in item.image_paths])
        rows["id"].append(item.id)
        rows["task"].append(item.task)
        rows["harmful"].append(item.harmful)
        rows["expected"].append(item.expected)
        rows["reference"].append(item.references)
        rows["visual_cues"].append(list(item.visual_cues))
        rows["category"].append(item.category)
        rows["severity"].append(None if item.severity is None else str(item.severity))
        rows["jailbreak_type"].append(item.jailbreak_type)
        rows["split"].append(item.split)
        rows["has_image"].append(bool(item.image_paths))
        rows["prompt_text"].append(item.prompt_text)

    if processor_kind == "vlm":
        part = {"type": Value("string"), "text": Value("string")}
        prompt_feature: Any = List({"role": Value("string"), "content": List(part)})
    else:
        prompt_feature = List({"role": Value("string"), "content": Value("string")})
    features = {
        "prompt": prompt_feature,
        "id": Value("string"),
        "task": Value("string"),
        "harmful": Value("bool"),
        "expected": Value("string"),
        "reference": List(Value("string")),
        "visual_cues": List(Value("string")),
        "category": Value("string"),
        "severity": Value("string"),
        "jailbreak_type": Value("string"),
        "split": Value("string"),
        "has_image": Value("bool"),
        "prompt_text": Value("string"),
    }
    if processor_kind == "vlm":
        features["images"] = List(Image())
    # Arrow stores image placeholders as {"type": "image", "text": None}; TRL counts a part as
    # an unfilled placeholder when `"image" not in part`, which still holds.
    return Dataset.from_dict(rows, features=Features(features))
