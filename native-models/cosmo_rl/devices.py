"""Pick the training device once per process: cuda > mps > cpu, and the precision that goes with it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import torch

DeviceKind = Literal["cuda", "mps", "cpu"]


@dataclass(frozen=True)
class DeviceChoice:
    kind: DeviceKind
    dtype: torch.dtype
    bf16: bool
    gradient_checkpointing: bool
    gpu_name: str | None
    gpu_memory_total_mb: int | None

    @property
    def use_cpu(self) -> bool:
        return self.kind == "cpu"


def _mps_available() -> bool:
    backend = getattr(torch.backends, "mps", None)
    return bool(backend is not None and backend.is_available())


def choose_device(requested: Literal["auto", "cuda", "mps", "cpu"] = "auto") -> DeviceChoice:
    """Resolve the configured device. An explicit device that is missing is an error, not a silent fallback."""
    if requested == "auto":
        kind: DeviceKind = "cuda" if torch.cuda.is_available() else "mps" if _mps_available() else "cpu"
    else:
        kind = requested
        if kind == "cuda" and not torch.cuda.is_available():
            raise RuntimeError("device 'cuda' was requested but no CUDA GPU is visible to PyTorch")
        if kind == "mps" and not _mps_available():
            raise RuntimeError("device 'mps' was requested but the Apple MPS backend is not available")

    if kind == "cuda":
        props = torch.cuda.get_device_properties(0)
        bf16 = torch.cuda.is_bf16_supported()
        return DeviceChoice(
            kind="cuda",
            dtype=torch.bfloat16 if bf16 else torch.float32,
            bf16=bf16,
            # Activations dominate memory for long multimodal rollouts; recomputing them is the cheaper trade.
            gradient_checkpointing=True,
            gpu_name=props.name,
            gpu_memory_total_mb=int(props.total_memory // (1024 * 1024)),
        )
    if kind == "mps":
        # float32 on MPS: bf16 autocast there is incomplete across the ops Qwen-VL uses.
        return DeviceChoice(
            kind="mps",
            dtype=torch.float32,
            bf16=False,
            gradient_checkpointing=True,
            gpu_name="Apple MPS",
            gpu_memory_total_mb=0,
        )
    return DeviceChoice(
        kind="cpu",
        dtype=torch.float32,
        bf16=False,
        gradient_checkpointing=False,
        gpu_name=None,
        gpu_memory_total_mb=None,
    )


def peak_memory_mb(kind: DeviceKind) -> float | None:
    """Peak device memory allocated by torch so far, where the backend reports it."""
    if kind == "cuda":
        return torch.cuda.max_memory_allocated() / (1024 * 1024)
    if kind == "mps":
        return torch.mps.current_allocated_memory() / (1024 * 1024)
    return None


def is_out_of_memory(exc: BaseException) -> bool:
    if isinstance(exc, torch.OutOfMemoryError):
        return True
    text = str(exc).lower()
    return "out of memory" in text or "mps backend out of memory" in text


OOM_ADVICE = (
    "The device ran out of memory. Try, in this order: fewer rollouts_per_prompt (e.g. 8 -> 4), "
    "a shorter max_completion_length (e.g. 512 -> 256), smaller images (resize the snapshot's images "
    "or lower the processor's max_pixels), fewer prompts_per_step, or more cpgd.steps_per_generation "
    "so each optimizer step sees fewer sequences. Close other programs using the GPU."
)
