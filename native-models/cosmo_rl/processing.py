"""Load a model's processor, also where torchvision is missing (the CPU environment).

Why this exists: in transformers 5.24 every Qwen2-VL / Qwen2.5-VL processor has a
``video_processor`` attribute, and both constructing and loading one require torchvision
(``VideoProcessorMixin`` and ``AutoVideoProcessor`` are dummies without it), even when no
video is ever processed. PyTorch's CPU wheels of torchvision are not on PyPI, so the CPU
environment has none. COSMO-RL uses images only, so without torchvision we build the same
processor class minus its video part: it tokenises, renders chat templates and processes
images exactly like the original (the PIL image processor), and saves under the original
class name, so the folder it writes loads with ``AutoProcessor`` wherever torchvision exists.

Mixed batches: TRL 1.16's GRPOTrainer hands the processor one entry per prompt in
``images``, with ``None`` for a text-only prompt; the processor's image fetcher rejects
``None`` ("only a single or a list of entries is supported") but accepts an empty list. The
processors returned here map those ``None`` entries to ``[]``, so image and text-only
prompts share a batch.

Use ``load_processor(path)`` everywhere a processor is loaded (trainer, generation, tests)
and pass the result as ``processing_class`` to TRL.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

# Model types whose processor we know how to rebuild without a video processor.
_QWEN_VL_PROCESSORS = {
    "qwen2_vl": ("transformers", "Qwen2VLProcessor"),
    "qwen2_5_vl": ("transformers", "Qwen2_5_VLProcessor"),
}


def torchvision_available() -> bool:
    from transformers.utils import is_torchvision_available

    return bool(is_torchvision_available())


@cache
def without_video(processor_cls: type[Any]) -> type[Any]:
    """A subclass of a Qwen-VL processor class whose only sub-processors are image + tokenizer.

    ProcessorMixin discovers sub-processors from ``__init__``'s parameter names, so leaving
    ``video_processor`` out of the signature is what removes it from checks, saving and loading.
    """
    from transformers import ProcessorMixin

    def __init__(
        self: Any, image_processor: Any = None, tokenizer: Any = None, chat_template: Any = None, **kwargs: Any
    ) -> None:
        # Same token bookkeeping as the parent's __init__, which we cannot call (it passes video_processor on).
        self.image_token = getattr(tokenizer, "image_token", "<|image_pad|>")
        self.video_token = getattr(tokenizer, "video_token", "<|video_pad|>")
        self.image_token_id = getattr(tokenizer, "image_token_id", None) or tokenizer.convert_tokens_to_ids(
            self.image_token
        )
        self.video_token_id = getattr(tokenizer, "video_token_id", None) or tokenizer.convert_tokens_to_ids(
            self.video_token
        )
        ProcessorMixin.__init__(self, image_processor, tokenizer, chat_template=chat_template, **kwargs)

    # Keep the parent's name: it is what save_pretrained records as processor_class.
    return type(processor_cls.__name__, (processor_cls,), {"__init__": __init__, "__module__": __name__})


@cache
def accepting_mixed_batches(processor_cls: type) -> type:
    """A subclass whose ``__call__`` reads a ``None`` image entry as "no image for this prompt"."""

    def __call__(self: Any, images: Any = None, text: Any = None, *args: Any, **kwargs: Any) -> Any:
        if isinstance(images, list) and any(entry is None for entry in images):
            images = [[] if entry is None else entry for entry in images]
            if all(entry == [] for entry in images):
                images = None  # transformers wants at least one image when images is given
        return processor_cls.__call__(self, images, text, *args, **kwargs)

    return type(processor_cls.__name__, (processor_cls,), {"__call__": __call__, "__module__": __name__})


def _mixed(processor: Any) -> Any:
    processor_cls: type = processor.__class__
    processor.__class__ = accepting_mixed_batches(processor_cls)
    return processor


def _model_type(path: Path) -> str | None:
    config = path / "config.json"
    if not config.is_file():
        return None
    return json.loads(config.read_text(encoding="utf-8")).get("model_type")


def _local_folder(path_or_id: str | Path, cache_dir: str | None) -> Path | None:
    """The folder holding the model's files: the path itself, or its Hugging Face cache snapshot."""
    path = Path(path_or_id)
    if path.is_dir():
        return path
    from transformers.utils import cached_file

    try:
        # Downloads config.json when online (as from_pretrained would); offline, reads the cache.
        config = cached_file(str(path_or_id), "config.json", cache_dir=cache_dir)
    except OSError:
        return None
    return Path(config).parent if config else None


def load_processor(path_or_id: str | Path, *, trust_remote_code: bool = False, cache_dir: str | None = None) -> Any:
    """The processor (vision-language models) or tokenizer (text models) for a model.

    ``path_or_id`` is a model folder or a hub id (resolved through the Hugging Face cache).
    Loads with the Auto classes; for Qwen-VL models without torchvision, rebuilds the
    processor without its video part (see the module docstring).
    """
    import transformers
    from transformers import AutoProcessor, AutoTokenizer

    folder = _local_folder(path_or_id, cache_dir)
    model_type = _model_type(folder) if folder is not None else None
    # Hub ids go to from_pretrained as ids (it fetches whatever the cache lacks); the folder
    # found above is only read for the model type.
    source = str(path_or_id)
    options: dict[str, Any] = {"trust_remote_code": trust_remote_code, "cache_dir": cache_dir}
    if model_type in _QWEN_VL_PROCESSORS and not torchvision_available():
        _, class_name = _QWEN_VL_PROCESSORS[model_type]
        processor_cls = without_video(getattr(transformers, class_name))
        return _mixed(processor_cls.from_pretrained(source, backend="pil", **options))
    is_local_text_model = (
        folder is not None
        and Path(path_or_id).is_dir()
        and model_type not in (None, *_QWEN_VL_PROCESSORS)
        and not (folder / "processor_config.json").exists()
        and not (folder / "preprocessor_config.json").exists()
    )
    if is_local_text_model:
        # A text-only model folder: its tokenizer is its processor.
        return AutoTokenizer.from_pretrained(source, **options)
    processor = AutoProcessor.from_pretrained(source, **options)
    return _mixed(processor) if model_type in _QWEN_VL_PROCESSORS else processor


def make_qwen_vl_processor(
    image_processor: Any, tokenizer: Any, chat_template: str, model_type: str = "qwen2_vl"
) -> Any:
    """Construct a Qwen-VL processor from parts (used by the tiny-model builder)."""
    import transformers

    processor_cls = getattr(transformers, _QWEN_VL_PROCESSORS[model_type][1])
    if not torchvision_available():
        processor_cls = without_video(processor_cls)
    return _mixed(processor_cls(image_processor=image_processor, tokenizer=tokenizer, chat_template=chat_template))
