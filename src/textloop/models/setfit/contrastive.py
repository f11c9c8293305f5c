"""Stage 1 of SetFit: tune the encoder so that same-label sentences embed close together.

The loss is sentence-transformers' ``CosineSimilarityLoss``: the mean squared difference
between each pair's cosine similarity and its target (1 for a positive pair, 0 for a
negative one). With few labeled examples the pairs of a batch share sentences, so each
distinct sentence is encoded once per step and its embedding reused by every pair it is in:
the same loss at a fraction of the encoder passes.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from textloop.models.finetune.torch_encoder import embed_feeds, torch_batches
from textloop.models.setfit.pairs import Pairs
from textloop.progress import Task


def contrastive_epoch(model: Any, tokenizer: Any, texts: list[str], pairs: Pairs,
                      batch_size: int, optimizer: Any, scheduler: Any, task: Task) -> float:
    """One pass over ``pairs`` in batches; returns the mean loss."""
    import torch

    model.train()
    left, right, target = pairs
    losses = []
    for start in range(0, len(target), batch_size):
        rows = slice(start, start + batch_size)
        distinct, inverse = np.unique(np.concatenate([left[rows], right[rows]]),
                                      return_inverse=True)
        embedded = _embed_in_order(model, tokenizer, [texts[i] for i in distinct])
        half = len(inverse) // 2
        cosine = (embedded[inverse[:half]] * embedded[inverse[half:]]).sum(dim=1)
        loss = torch.nn.functional.mse_loss(cosine, torch.from_numpy(target[rows]))
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        scheduler.step()
        losses.append(float(loss.detach()))
        task.advance()
    return float(np.mean(losses))


def _embed_in_order(model: Any, tokenizer: Any, texts: list[str]) -> Any:
    """Embeddings of ``texts`` in their order, with gradients (one padded batch)."""
    import torch

    ((rows, feeds),) = torch_batches(tokenizer, texts, batch_size=len(texts))
    embedded = embed_feeds(model, feeds)
    return embedded[torch.from_numpy(np.argsort(rows))]
