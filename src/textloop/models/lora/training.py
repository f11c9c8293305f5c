"""One LoRA epoch in torch: adapters and head trained end to end on the labeled texts."""

from __future__ import annotations

from typing import Any

import numpy as np

from textloop.models.finetune.linear_head import LinearHead
from textloop.models.finetune.torch_encoder import embed_feeds, embed_texts, torch_batches
from textloop.progress import Task


def torch_head(head: LinearHead) -> Any:
    """A ``torch.nn.Linear`` starting from ``head``'s weights."""
    import torch

    layer = torch.nn.Linear(head.weight.shape[1], head.weight.shape[0])
    with torch.no_grad():
        layer.weight.copy_(torch.from_numpy(head.weight))
        layer.bias.copy_(torch.from_numpy(head.bias))
    return layer


def numpy_head(layer: Any) -> LinearHead:
    return LinearHead(layer.weight.detach().numpy().astype(np.float32, copy=True),
                      layer.bias.detach().numpy().astype(np.float32, copy=True))


def batch_loss(scores: Any, y: Any, loss: str) -> Any:
    """Cross-entropy, or the Crammer-Singer multiclass hinge (as ``embed-mlp``'s)."""
    import torch

    if loss == "cross_entropy":
        return torch.nn.functional.cross_entropy(scores, y)
    true = scores.gather(1, y[:, None])
    margins = (1.0 + scores - true).scatter(1, y[:, None], 0.0)
    return margins.max(dim=1).values.clamp(min=0.0).mean()


def train_epoch(encoder: Any, head: Any, tokenizer: Any, texts: list[str], y_idx: np.ndarray,
                settings: dict[str, Any], optimizer: Any, rng: np.random.Generator,
                task: Task) -> None:
    """Shuffled mini-batches of ``settings["batch_size"]`` texts, one optimiser step each."""
    import torch

    encoder.train()
    order = rng.permutation(len(texts))
    size = settings["batch_size"]
    for start in range(0, len(order), size):
        chosen = order[start:start + size]
        ((rows, feeds),) = torch_batches(tokenizer, [texts[i] for i in chosen], len(chosen))
        scores = head(embed_feeds(encoder, feeds))
        target = torch.from_numpy(y_idx[chosen[rows]])
        loss = batch_loss(scores, target, settings["loss"])
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        task.advance(len(chosen))


def class_scores(encoder: Any, head: LinearHead, tokenizer: Any, texts: list[str]) -> np.ndarray:
    """Class scores of ``texts`` (eval mode, no gradients)."""
    return head.scores(embed_texts(encoder, tokenizer, texts))
