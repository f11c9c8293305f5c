"""torch behind the ``train`` extra: imported only when a model is fitted, never by the core."""

from __future__ import annotations

from types import ModuleType
from typing import Any

from textloop.errors import MissingExtraError
from textloop.models.embedders.onnx_embedder import available_cores


def require_torch(purpose: str) -> ModuleType:
    """The ``torch`` module, threads set to this machine's cores; else ``MissingExtraError``."""
    try:
        import torch
    except ImportError as exc:
        raise MissingExtraError("torch", "train", purpose) from exc
    torch.set_num_threads(available_cores())
    return torch


def require_peft(purpose: str) -> Any:
    """The ``peft`` module (LoRA adapters); else ``MissingExtraError``."""
    try:
        import peft
    except ImportError as exc:
        raise MissingExtraError("peft", "train", purpose) from exc
    return peft


def linear_schedule(optimizer: Any, total_steps: int, warmup: float) -> Any:
    """Learning rate rising over the first ``warmup`` share of steps, then falling to 0."""
    import torch

    rise = max(1, round(warmup * total_steps))

    def factor(step: int) -> float:
        if step < rise:
            return (step + 1) / rise
        return max(0.0, (total_steps - step) / max(1, total_steps - rise))

    return torch.optim.lr_scheduler.LambdaLR(optimizer, factor)
