"""The encoder as a torch module for training: BERT → mean pooling → L2 normalisation.

This is the pipeline the ONNX graph computes (``embedders/onnx_graph.py``), so a model
trained here and exported there embeds the same way. Batches come from the embedder's own
tokeniser and length-sorted batching; only the tensor conversion is torch's.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

import numpy as np

from textloop.models.embedders.batching import length_sorted_batches, tokenize
from textloop.models.finetune.base_encoder import BaseEncoder
from textloop.models.finetune.torch_support import require_torch

Feeds = dict[str, Any]


def torch_bert(base: BaseEncoder, purpose: str, dropout: float = 0.1) -> Any:
    """A ``transformers.BertModel`` holding the base weights (``dropout`` on hidden states
    and attention, as the checkpoint was trained). It carries no hub name, so nothing
    (peft included) tries to look it up online."""
    torch = require_torch(purpose)
    from transformers import BertConfig, BertModel

    settings = {**base.config, "_name_or_path": "", "hidden_dropout_prob": dropout,
                "attention_probs_dropout_prob": dropout}
    model = BertModel(BertConfig(**settings), add_pooling_layer=False)
    state = {key: torch.from_numpy(value.copy()) for key, value in base.weights.items()
             if not key.startswith("pooler.")}
    model.load_state_dict(state, strict=False)
    return model


def encoder_arrays(model: Any) -> dict[str, np.ndarray]:
    """The module's weights as float32 numpy arrays under ``BertModel`` keys."""
    return {key: value.detach().cpu().numpy().astype(np.float32, copy=True)
            for key, value in model.state_dict().items() if not key.endswith("position_ids")}


def embed_feeds(model: Any, feeds: Feeds) -> Any:
    """Mean over real tokens of the last hidden state, L2-normalised (differentiable)."""
    import torch

    mask = feeds["attention_mask"].unsqueeze(-1).to(torch.float32)
    hidden = model(**feeds).last_hidden_state
    mean = (hidden * mask).sum(dim=1) / mask.sum(dim=1).clamp(min=1e-9)
    return torch.nn.functional.normalize(mean, p=2, dim=1, eps=1e-12)


def torch_batches(tokenizer: Any, texts: Sequence[str], batch_size: int,
                  pad_id: int = 0) -> Iterator[tuple[np.ndarray, Feeds]]:
    """(row positions, torch feeds) per length-sorted batch of ``texts``."""
    import torch

    for batch in length_sorted_batches(tokenize(tokenizer, texts), batch_size, pad_id):
        yield batch.rows, {key: torch.from_numpy(value) for key, value in batch.feeds.items()}


def embed_texts(model: Any, tokenizer: Any, texts: Sequence[str],
                batch_size: int = 64) -> np.ndarray:
    """float32 [len(texts), dim] embeddings in input order, without gradients (eval mode)."""
    import torch

    was_training = model.training
    model.eval()
    out = np.zeros((len(texts), model.config.hidden_size), dtype=np.float32)
    with torch.no_grad():
        for rows, feeds in torch_batches(tokenizer, texts, batch_size):
            out[rows] = embed_feeds(model, feeds).numpy()
    model.train(was_training)
    return out
