"""LoRA adapters (peft) on the encoder's attention, and their weights as plain arrays.

An adapter adds ``scaling · B @ A`` to a frozen weight matrix, with ``A`` [r, in] and
``B`` [out, r] of a small rank ``r``: for MiniLM's query and value projections that is
about 74k trained numbers instead of 22M. The bundle stores only ``A`` and ``B``; for
prediction they are merged into the stock weights (``merge_adapters``), so the tuned
encoder runs on the same ONNX graph as the stock one.
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np

from textloop.models.finetune.torch_support import require_peft

TARGETS = ("query", "value")
PREFIX = "lora."
_PEFT_PREFIX = "base_model.model."


def add_adapters(model: Any, r: int, alpha: float, dropout: float) -> Any:
    """Wrap ``model`` (modified in place) with adapters on ``TARGETS``; returns the peft model.

    Only the adapters train: peft freezes every other weight of the encoder.
    """
    peft = require_peft("LoRA fine-tuning")
    config = peft.LoraConfig(r=r, lora_alpha=alpha, lora_dropout=dropout,
                             target_modules=list(TARGETS), bias="none")
    with warnings.catch_warnings():  # peft asks transformers about a renamed attribute
        warnings.simplefilter("ignore", FutureWarning)
        return peft.get_peft_model(model, config)


def adapter_arrays(model: Any) -> dict[str, np.ndarray]:
    """``lora.<module>.A`` / ``lora.<module>.B`` float32 arrays (``module`` in BertModel keys).

    Read from the parameters themselves: peft's own state-dict export looks the base model
    up on the Hugging Face hub, which is not reachable from here and not needed.
    """
    out = {}
    for name, value in model.named_parameters():
        module, found, part = name.removeprefix(_PEFT_PREFIX).partition(".lora_")
        if found:
            out[f"{PREFIX}{module}.{part[0]}"] = value.detach().numpy().astype(np.float32)
    return out


def merge_adapters(weights: dict[str, np.ndarray], adapters: dict[str, np.ndarray],
                   scaling: float) -> dict[str, np.ndarray]:
    """A copy of ``weights`` with each adapted matrix ``W + scaling · B @ A``."""
    merged = dict(weights)
    modules = {key.removeprefix(PREFIX)[:-2] for key in adapters}
    for module in sorted(modules):
        delta = adapters[f"{PREFIX}{module}.B"] @ adapters[f"{PREFIX}{module}.A"]
        key = f"{module}.weight"
        if key not in merged or merged[key].shape != delta.shape:
            raise ValueError(f"adapter {module} does not fit the encoder")
        merged[key] = (merged[key] + np.float32(scaling) * delta).astype(np.float32)
    return merged
