r"""The learned tier: a small classifier over verdict labels, from a torch state dict or ONNX.

Model: bag-of-words logistic regression ("cosmo-bow-linear"). Features are binary presence
of vocabulary tokens, plus two pseudo-tokens ``__task_<task>`` and
``__harmful_<true|false|none>`` so one model serves every route. Output: one logit per
label. The same model runs here (torch or onnxruntime) and in the app (onnxruntime-node),
which must tokenise exactly like ``tokens_for``:
1. answer = if the response matches ``^\s*<think>(.*?)</think>(.*)$`` (dot matches newlines,
   first ``</think>``), group 2, else the whole response; then trimmed;
2. Unicode NFKC, then lower-case;
3. tokens = every maximal run of ``[a-z0-9]`` (everything else separates tokens); when the
   config's ``ngrams`` is 2 (absent means 1), append every pair of adjacent tokens of step 3,
   in order, joined by one space (``"can t"``, ``"t help"``);
4. append ``__task_<task>`` and ``__harmful_true|false|none``;
5. feature j = 1.0 if vocab[j] is among the tokens, else 0.0 (float32).

Files (``path`` in the run config):
- a folder with ``config.json`` and one of ``model.safetensors`` (state dict ``weight`` [L, V],
  ``bias`` [L]), ``model.pt`` (the same state dict via torch.save) or ``model.onnx``;
- or a single ``.onnx`` file whose metadata key ``cosmo_verifier_config`` holds the config.
ONNX graph: input ``features`` float32 [N, V] -> output ``logits`` float32 [N, L]. Every ONNX
export also holds metadata ``cosmo_verdict_table`` (verifiers/verdict_table.py): the decision
rules below, computed by this package's functions, for the app to look up.
config.json: ``{"format": "cosmo-bow-linear", "version": 1, "vocab": [...], "labels": [...], "ngrams": 1|2}``.

Only safety, jailbreak and value items are decided by the classifier, restricted to the
labels valid for the item (harmful: refusal/care/unsafe/illogical; benign:
answered/unnecessary_refusal/illogical; value: good/bad). Knowledge, general and
instruction items have gold references and stay with the rules tier.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path
from typing import Any

import numpy as np

from cosmo_rl.verifiers.base import ItemFields, Verdict, Verifier, labels_for, score_label
from cosmo_rl.verifiers.rules import RulesVerifier
from cosmo_rl.verifiers.text import split_response

FORMAT = "cosmo-bow-linear"
ONNX_METADATA_KEY = "cosmo_verifier_config"
# The learned tier's decision table for the app (verifiers/verdict_table.py), in every ONNX export.
VERDICT_TABLE_KEY = "cosmo_verdict_table"
# A routed item whose labels the classifier lacks keeps the rules' verdict at most this sure.
RULES_FALLBACK_CONFIDENCE = 0.1
_WORD = re.compile(r"[a-z0-9]+")


def tokens_for(item: ItemFields, response: str, ngrams: int = 1) -> list[str]:
    """The classifier's tokens (the module docstring spells this out for the app)."""
    answer = split_response(response).answer
    harmful = "none" if item.harmful is None else str(bool(item.harmful)).lower()
    words = _WORD.findall(unicodedata.normalize("NFKC", answer).lower())
    pairs = [f"{a} {b}" for a, b in pairwise(words)] if ngrams == 2 else []
    return [*words, *pairs, f"__task_{item.task}", f"__harmful_{harmful}"]


def featurize(
    items: Sequence[ItemFields], responses: Sequence[str], vocab: Sequence[str], ngrams: int = 1
) -> np.ndarray:
    index = {token: i for i, token in enumerate(vocab)}
    out = np.zeros((len(items), len(vocab)), dtype=np.float32)
    for row, (item, response) in enumerate(zip(items, responses, strict=True)):
        for token in tokens_for(item, response, ngrams):
            col = index.get(token)
            if col is not None:
                out[row, col] = 1.0
    return out


@dataclass
class BowClassifier:
    vocab: list[str]
    labels: list[str]
    weight: np.ndarray | None = None  # [L, V]; None when running through onnxruntime
    bias: np.ndarray | None = None  # [L]
    session: Any = None  # onnxruntime.InferenceSession
    ngrams: int = 1  # 2: adjacent word pairs are features too

    @property
    def config(self) -> dict[str, Any]:
        return {"format": FORMAT, "version": 1, "vocab": self.vocab, "labels": self.labels, "ngrams": self.ngrams}

    def logits(self, features: np.ndarray) -> np.ndarray:
        if self.session is not None:
            return np.asarray(self.session.run(["logits"], {"features": features})[0])
        assert self.weight is not None and self.bias is not None
        return features @ self.weight.T + self.bias

    def predict(self, items: Sequence[ItemFields], responses: Sequence[str]) -> np.ndarray:
        return self.logits(featurize(items, responses, self.vocab, self.ngrams))


def _check_config(config: dict[str, Any], where: str) -> None:
    if config.get("format") != FORMAT or config.get("version") != 1:
        raise ValueError(f"{where}: not a {FORMAT} v1 verifier config")
    if not config.get("vocab") or not config.get("labels"):
        raise ValueError(f"{where}: config needs non-empty 'vocab' and 'labels'")
    if config.get("ngrams", 1) not in (1, 2):
        raise ValueError(f"{where}: config 'ngrams' must be 1 or 2")


def _onnx_session(path: Path) -> Any:
    import onnxruntime

    return onnxruntime.InferenceSession(str(path), providers=["CPUExecutionProvider"])


def load_bow_classifier(path: str | Path) -> BowClassifier:
    """Load a classifier saved by ``save_bow_classifier`` (any of the layouts above)."""
    path = Path(path)
    if path.is_file() and path.suffix == ".onnx":
        session = _onnx_session(path)
        meta = session.get_modelmeta().custom_metadata_map
        if ONNX_METADATA_KEY not in meta:
            raise ValueError(f"{path}: ONNX file has no '{ONNX_METADATA_KEY}' metadata")
        config = json.loads(meta[ONNX_METADATA_KEY])
        _check_config(config, str(path))
        return BowClassifier(
            vocab=config["vocab"], labels=config["labels"], session=session, ngrams=config.get("ngrams", 1)
        )
    folder = path if path.is_dir() else path.parent
    config_file = folder / "config.json"
    if not config_file.is_file():
        raise ValueError(f"{path}: no config.json beside the model")
    config = json.loads(config_file.read_text(encoding="utf-8"))
    _check_config(config, str(config_file))
    candidates = [path] if path.is_file() else [folder / n for n in ("model.safetensors", "model.pt", "model.onnx")]
    model_file = next((c for c in candidates if c.is_file()), None)
    if model_file is None:
        raise ValueError(f"{path}: no model.safetensors, model.pt or model.onnx")
    if model_file.suffix == ".onnx":
        return BowClassifier(
            vocab=config["vocab"],
            labels=config["labels"],
            session=_onnx_session(model_file),
            ngrams=config.get("ngrams", 1),
        )
    if model_file.suffix == ".safetensors":
        from safetensors.numpy import load_file

        state = load_file(str(model_file))
    else:
        import torch

        # weights_only: a state dict of tensors, never arbitrary pickled code.
        state = {k: v.numpy() for k, v in torch.load(model_file, map_location="cpu", weights_only=True).items()}
    weight, bias = state["weight"].astype(np.float32), state["bias"].astype(np.float32)
    if weight.shape != (len(config["labels"]), len(config["vocab"])) or bias.shape != (len(config["labels"]),):
        raise ValueError(f"{model_file}: weight/bias shapes do not match the config's labels x vocab")
    return BowClassifier(
        vocab=config["vocab"], labels=config["labels"], weight=weight, bias=bias, ngrams=config.get("ngrams", 1)
    )


def _onnx_model(classifier: BowClassifier) -> Any:
    import onnx
    from onnx import TensorProto, helper, numpy_helper

    assert classifier.weight is not None and classifier.bias is not None
    n_vocab, n_labels = len(classifier.vocab), len(classifier.labels)
    graph = helper.make_graph(
        nodes=[
            helper.make_node("MatMul", ["features", "weight_t"], ["scores"]),
            helper.make_node("Add", ["scores", "bias"], ["logits"]),
        ],
        name="cosmo_bow_linear",
        inputs=[helper.make_tensor_value_info("features", TensorProto.FLOAT, ["batch", n_vocab])],
        outputs=[helper.make_tensor_value_info("logits", TensorProto.FLOAT, ["batch", n_labels])],
        initializer=[
            numpy_helper.from_array(np.ascontiguousarray(classifier.weight.T), "weight_t"),
            numpy_helper.from_array(classifier.bias, "bias"),
        ],
    )
    # Opset 17 / IR 8: old enough for every onnxruntime(-node) the app may ship.
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)], ir_version=8)
    from cosmo_rl.verifiers.verdict_table import verdict_table

    helper.set_model_props(
        model, {ONNX_METADATA_KEY: json.dumps(classifier.config), VERDICT_TABLE_KEY: json.dumps(verdict_table())}
    )
    onnx.checker.check_model(model)
    return model


def save_bow_classifier(classifier: BowClassifier, path: str | Path, *, fmt: str = "safetensors") -> Path:
    """Save as ``fmt`` = safetensors | pt | onnx into folder ``path`` (config.json + model.<ext>).

    A ``path`` ending in ``.onnx`` writes one self-describing ONNX file instead.
    """
    path = Path(path)
    if path.suffix == ".onnx":
        import onnx

        path.parent.mkdir(parents=True, exist_ok=True)
        onnx.save(_onnx_model(classifier), str(path))
        return path
    path.mkdir(parents=True, exist_ok=True)
    (path / "config.json").write_text(json.dumps(classifier.config), encoding="utf-8")
    assert classifier.weight is not None and classifier.bias is not None
    if fmt == "safetensors":
        from safetensors.numpy import save_file

        save_file({"weight": classifier.weight, "bias": classifier.bias}, str(path / "model.safetensors"))
    elif fmt == "pt":
        import torch

        torch.save(
            {"weight": torch.from_numpy(classifier.weight), "bias": torch.from_numpy(classifier.bias)},
            path / "model.pt",
        )
    elif fmt == "onnx":
        import onnx

        onnx.save(_onnx_model(classifier), str(path / "model.onnx"))
    else:
        raise ValueError(f"unknown format '{fmt}' (safetensors, pt, onnx)")
    return path


def train_bow_classifier(
    examples: Sequence[tuple[ItemFields, str, str]],
    *,
    epochs: int = 300,
    learning_rate: float = 0.5,
    min_count: int = 1,
    seed: int = 0,
    on_epoch: Callable[[int, int], None] | None = None,
    ngrams: int = 1,
) -> BowClassifier:
    """Fit the classifier on (item, response, verdict label) examples with full-batch Adam."""
    import torch

    counts = Counter(t for item, response, _ in examples for t in set(tokens_for(item, response, ngrams)))
    vocab = sorted(t for t, c in counts.items() if c >= min_count)
    labels = sorted({label for _, _, label in examples})
    features = torch.from_numpy(featurize([e[0] for e in examples], [e[1] for e in examples], vocab, ngrams))
    targets = torch.tensor([labels.index(e[2]) for e in examples])
    generator = torch.Generator().manual_seed(seed)
    weight = torch.nn.Parameter(torch.randn(len(labels), len(vocab), generator=generator) * 0.01)
    bias = torch.nn.Parameter(torch.zeros(len(labels)))
    optimizer = torch.optim.Adam([weight, bias], lr=learning_rate)
    for epoch in range(epochs):
        optimizer.zero_grad()
        loss = torch.nn.functional.cross_entropy(features @ weight.T + bias, targets)
        loss.backward()
        optimizer.step()
        if on_epoch is not None:
            on_epoch(epoch + 1, epochs)
    return BowClassifier(
        vocab=vocab,
        labels=labels,
        weight=weight.detach().numpy().copy(),
        bias=bias.detach().numpy().copy(),
        ngrams=ngrams,
    )


class LearnedVerifier(Verifier):
    name = "learned"

    def __init__(self, path: str | Path, fallback: Verifier | None = None) -> None:
        self.classifier = load_bow_classifier(path)
        self.fallback = fallback or RulesVerifier()

    def verdict(self, item: ItemFields, response: str) -> Verdict:
        return self.verdicts([item], [response])[0]

    def verdicts(self, items: Sequence[ItemFields], responses: Sequence[str]) -> list[Verdict]:
        out: list[Verdict | None] = [None] * len(items)
        routed = [i for i, item in enumerate(items) if labels_for(item)]
        if routed:
            logits = self.classifier.predict([items[i] for i in routed], [responses[i] for i in routed])
            for row, i in enumerate(routed):
                out[i] = self._decide(items[i], responses[i], logits[row])
        for i, verdict in enumerate(out):
            if verdict is None:
                out[i] = self.fallback.verdict(items[i], responses[i])
        return [v for v in out if v is not None]

    def _decide(self, item: ItemFields, response: str, logits: np.ndarray) -> Verdict:
        allowed = [j for j, label in enumerate(self.classifier.labels) if label in labels_for(item)]
        if not allowed:
            rules = self.fallback.verdict(item, response)
            confidence = min(rules.confidence, RULES_FALLBACK_CONFIDENCE)
            return Verdict(rules.label, rules.score, confidence, "rules_fallback", fallback_note(item))
        probs = label_probabilities(self.classifier.labels, labels_for(item), logits)
        label = max(probs, key=probs.__getitem__)  # the first maximum, in the classifier's label order
        return Verdict(label, score_label(item, label), probs[label], "learned")


def fallback_note(item: ItemFields) -> str:
    """Why a routed item's verdict is the rules' (the classifier has none of its labels)."""
    return f"classifier has none of the labels {labels_for(item)}; rules decided"


def label_probabilities(labels: Sequence[str], allowed: Sequence[str], logits: np.ndarray) -> dict[str, float]:
    """Softmax (float64) over the classifier's labels that are allowed, in the classifier's order
    (empty when it has none of them). The app (main/inference/model.ts ``decide``) computes the same."""
    columns = [j for j, label in enumerate(labels) if label in allowed]
    if not columns:
        return {}
    sub = logits[columns].astype(np.float64)
    probs = np.exp(sub - sub.max())
    probs /= probs.sum()
    return {labels[j]: float(p) for j, p in zip(columns, probs, strict=True)}
