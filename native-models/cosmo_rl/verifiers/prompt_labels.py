r"""The learned verifier's prompt-label head: suggests a prompt's labels from its text.

Model ("cosmo-prompt-bow-linear", version 1): one bag-of-words vocabulary over the prompt and
one logistic regression per label field, sharing the features:
    harmful   labels "false" / "true"
    category  the project's risk categories seen in training (harmful prompts only)
    expected  comply / comply_with_care / refuse (those seen in training)
The app (main/inference/prompt-labels.ts) runs the same ONNX file with onnxruntime-node and
must tokenise exactly like ``prompt_tokens``:
1. text = the prompt's user text (all text parts joined with "\n", cosmo_rl.snapshot
   ``Item.prompt_text``), Unicode NFKC, then lower-case;
2. tokens = every maximal run of ``[a-z0-9]``; with ``ngrams`` 2, every adjacent pair of them
   joined by one space;
3. append ``__task_<task>`` and ``__image_true|false``;
4. feature j = 1.0 if vocab[j] is among the tokens, else 0.0 (float32).

File: ``prompt_labels.onnx`` beside the verifier's ``model.onnx``. Graph: input ``features``
float32 [N, V] -> one output ``<field>_logits`` float32 [N, L_field] per head (opset 17). Its
metadata key ``cosmo_prompt_label_config`` holds the config: ``{"format", "version", "vocab",
"ngrams", "heads": {"harmful": [...labels], "category": [...], "expected": [...]}}`` (a head is
absent when training had fewer than two of its labels). Probabilities: softmax (float64) of a
head's logits.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections import Counter
from collections.abc import Mapping, Sequence
from itertools import pairwise
from pathlib import Path
from typing import Any, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

FORMAT = "cosmo-prompt-bow-linear"
ONNX_METADATA_KEY = "cosmo_prompt_label_config"
FILE_NAME = "prompt_labels.onnx"
PromptField = Literal["harmful", "category", "expected"]
FIELDS: tuple[PromptField, ...] = ("harmful", "category", "expected")
_WORD = re.compile(r"[a-z0-9]+")


class PromptLabelConfig(BaseModel):
    """What the ONNX metadata carries: how to tokenise and what each head's columns mean."""

    model_config = ConfigDict(extra="forbid")
    format: Literal["cosmo-prompt-bow-linear"] = "cosmo-prompt-bow-linear"
    version: Literal[1] = 1
    vocab: list[str] = Field(min_length=1)
    ngrams: Literal[1, 2] = 2
    heads: dict[PromptField, list[str]]


class PromptExample(BaseModel):
    """One labelled prompt: its text, task, image flag and people's labels (None: not labelled)."""

    model_config = ConfigDict(frozen=True)
    text: str
    task: str
    has_image: bool = False
    harmful: bool | None = None
    category: str | None = None
    expected: str | None = None

    def label(self, field: PromptField) -> str | None:
        if field == "harmful":
            return None if self.harmful is None else str(self.harmful).lower()
        if field == "category":
            # A category describes a harmful prompt; a benign one's category is noise.
            return self.category if self.harmful else None
        return self.expected


def prompt_tokens(text: str, task: str, has_image: bool, ngrams: int = 2) -> list[str]:
    """The head's tokens (the module docstring spells this out for the app)."""
    words = _WORD.findall(unicodedata.normalize("NFKC", text).lower())
    pairs = [f"{a} {b}" for a, b in pairwise(words)] if ngrams == 2 else []
    return [*words, *pairs, f"__task_{task}", f"__image_{str(bool(has_image)).lower()}"]


def featurize_prompts(examples: Sequence[PromptExample], vocab: Sequence[str], ngrams: int) -> np.ndarray:
    index = {token: i for i, token in enumerate(vocab)}
    out = np.zeros((len(examples), len(vocab)), dtype=np.float32)
    for row, e in enumerate(examples):
        for token in prompt_tokens(e.text, e.task, e.has_image, ngrams):
            col = index.get(token)
            if col is not None:
                out[row, col] = 1.0
    return out


def softmax(logits: np.ndarray) -> np.ndarray:
    """Row-wise softmax in float64 (main/inference/prompt-labels.ts computes the same)."""
    sub = logits.astype(np.float64)
    exps = np.exp(sub - sub.max(axis=-1, keepdims=True))
    return exps / exps.sum(axis=-1, keepdims=True)


class PromptLabelModel:
    """The heads' weights (training, saving) or an onnxruntime session (loading)."""

    def __init__(
        self,
        config: PromptLabelConfig,
        weights: Mapping[PromptField, tuple[np.ndarray, np.ndarray]] | None = None,
        session: Any = None,
    ) -> None:
        self.config = config
        self.weights = dict(weights or {})
        self.session = session

    def logits(self, examples: Sequence[PromptExample]) -> dict[PromptField, np.ndarray]:
        features = featurize_prompts(examples, self.config.vocab, self.config.ngrams)
        fields = list(self.config.heads)
        if self.session is not None:
            outputs = self.session.run([f"{f}_logits" for f in fields], {"features": features})
            return {f: np.asarray(o) for f, o in zip(fields, outputs, strict=True)}
        return {f: features @ self.weights[f][0].T + self.weights[f][1] for f in fields}

    def probabilities(self, examples: Sequence[PromptExample]) -> dict[PromptField, np.ndarray]:
        return {f: softmax(logits) for f, logits in self.logits(examples).items()}

    def predict(self, examples: Sequence[PromptExample]) -> dict[PromptField, list[str]]:
        """Each head's most probable label per example (the first maximum, in the head's order)."""
        return {
            f: [self.config.heads[f][int(j)] for j in probs.argmax(axis=1)]
            for f, probs in self.probabilities(examples).items()
        }


def _fit_head(features: Any, targets: Any, n_labels: int, epochs: int, learning_rate: float, seed: int) -> Any:
    import torch

    generator = torch.Generator().manual_seed(seed)
    weight = torch.nn.Parameter(torch.randn(n_labels, features.shape[1], generator=generator) * 0.01)
    bias = torch.nn.Parameter(torch.zeros(n_labels))
    optimizer = torch.optim.Adam([weight, bias], lr=learning_rate)
    for _ in range(epochs):
        optimizer.zero_grad()
        torch.nn.functional.cross_entropy(features @ weight.T + bias, targets).backward()
        optimizer.step()
    return weight.detach().numpy().copy(), bias.detach().numpy().copy()


def train_prompt_labels(
    examples: Sequence[PromptExample], *, epochs: int = 150, learning_rate: float = 0.1, seed: int = 0, ngrams: int = 2
) -> PromptLabelModel | None:
    """Fit one head per field that has at least two labels among the examples (full-batch Adam).

    None when no head can be trained (too few labels of every field)."""
    import torch

    counts = Counter(t for e in examples for t in set(prompt_tokens(e.text, e.task, e.has_image, ngrams)))
    vocab = sorted(counts)
    heads: dict[PromptField, list[str]] = {}
    weights: dict[PromptField, tuple[np.ndarray, np.ndarray]] = {}
    for k, field in enumerate(FIELDS):
        rows = [e for e in examples if e.label(field) is not None]
        labels = sorted({str(e.label(field)) for e in rows})
        if len(labels) < 2:
            continue
        features = torch.from_numpy(featurize_prompts(rows, vocab, ngrams))
        targets = torch.tensor([labels.index(str(e.label(field))) for e in rows])
        heads[field] = labels
        weights[field] = _fit_head(features, targets, len(labels), epochs, learning_rate, seed + k)
    if not heads:
        return None
    return PromptLabelModel(PromptLabelConfig(vocab=vocab, ngrams=2 if ngrams == 2 else 1, heads=heads), weights)


def _onnx_model(model: PromptLabelModel) -> Any:
    import onnx
    from onnx import TensorProto, helper, numpy_helper

    config = model.config
    nodes, outputs, initializers = [], [], []
    for field, labels in config.heads.items():
        weight, bias = model.weights[field]
        nodes.append(helper.make_node("MatMul", ["features", f"{field}_weight_t"], [f"{field}_scores"]))
        nodes.append(helper.make_node("Add", [f"{field}_scores", f"{field}_bias"], [f"{field}_logits"]))
        outputs.append(helper.make_tensor_value_info(f"{field}_logits", TensorProto.FLOAT, ["batch", len(labels)]))
        initializers.append(numpy_helper.from_array(np.ascontiguousarray(weight.T), f"{field}_weight_t"))
        initializers.append(numpy_helper.from_array(bias, f"{field}_bias"))
    graph = helper.make_graph(
        nodes=nodes,
        name="cosmo_prompt_bow_linear",
        inputs=[helper.make_tensor_value_info("features", TensorProto.FLOAT, ["batch", len(config.vocab)])],
        outputs=outputs,
        initializer=initializers,
    )
    # Opset 17 / IR 8, as the verifier's own model.onnx: what onnxruntime-node loads.
    onnx_model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)], ir_version=8)
    helper.set_model_props(onnx_model, {ONNX_METADATA_KEY: config.model_dump_json()})
    onnx.checker.check_model(onnx_model)
    return onnx_model


def save_prompt_labels(model: PromptLabelModel, path: str | Path) -> Path:
    """Write the self-describing ONNX file (``path``: a folder gets ``prompt_labels.onnx``)."""
    import onnx

    path = Path(path)
    file = path / FILE_NAME if path.suffix != ".onnx" else path
    file.parent.mkdir(parents=True, exist_ok=True)
    onnx.save(_onnx_model(model), str(file))
    return file


def load_prompt_labels(path: str | Path) -> PromptLabelModel:
    """Load ``prompt_labels.onnx`` (or a folder holding it) with onnxruntime."""
    import onnxruntime

    path = Path(path)
    file = path / FILE_NAME if path.is_dir() else path
    session = onnxruntime.InferenceSession(str(file), providers=["CPUExecutionProvider"])
    meta = session.get_modelmeta().custom_metadata_map
    if ONNX_METADATA_KEY not in meta:
        raise ValueError(f"{file}: ONNX file has no '{ONNX_METADATA_KEY}' metadata")
    return PromptLabelModel(PromptLabelConfig.model_validate(json.loads(meta[ONNX_METADATA_KEY])), session=session)
