"""An independent BERT sentence encoder in plain numpy, to check the ONNX graph against.

Written from the BERT paper and Hugging Face's ``modeling_bert`` semantics, sharing no code
with the graph builder: explicit loops over heads, ``math.erf`` GELU, masked mean pooling.
Slow, but exact enough (float64) to serve as the reference.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import numpy as np

_erf = np.vectorize(math.erf)


def _layer_norm(x: np.ndarray, weight: np.ndarray, bias: np.ndarray, eps: float) -> np.ndarray:
    mean = x.mean(axis=-1, keepdims=True)
    var = ((x - mean) ** 2).mean(axis=-1, keepdims=True)
    return (x - mean) / np.sqrt(var + eps) * weight + bias


def _dense(w: Mapping[str, np.ndarray], prefix: str, x: np.ndarray) -> np.ndarray:
    """torch.nn.Linear: y = x W^T + b, W stored [out, in]."""
    return x @ w[f"{prefix}.weight"].T + w[f"{prefix}.bias"]


def _attention(w: Mapping[str, np.ndarray], prefix: str, x: np.ndarray, mask: np.ndarray,
               heads: int) -> np.ndarray:
    hidden = x.shape[1]
    size = hidden // heads
    q, k, v = (_dense(w, f"{prefix}.{n}", x) for n in ("query", "key", "value"))
    out = np.zeros_like(x)
    for h in range(heads):
        cols = slice(h * size, (h + 1) * size)
        scores = q[:, cols] @ k[:, cols].T / math.sqrt(size)
        scores = np.where(mask[None, :] > 0, scores, -np.inf)
        probs = np.exp(scores - scores.max(axis=-1, keepdims=True))
        probs /= probs.sum(axis=-1, keepdims=True)
        out[:, cols] = probs @ v[:, cols]
    return out


def as_float64(weights: Mapping[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Checkpoint tensors in float64 (convert once, encode many)."""
    return {k.removeprefix("bert."): np.asarray(v, dtype=np.float64) for k, v in weights.items()}


def encode_one(w: Mapping[str, np.ndarray], ids: list[int], heads: int, layers: int,
               eps: float = 1e-12, position_offset: int = 0, pooling: str = "mean") -> np.ndarray:
    """Sentence embedding of one unpadded token sequence (pooled, L2-normalised).

    ``position_offset`` is XLM-R's ``padding_idx + 1``: Hugging Face numbers the positions
    of non-padding tokens from there (``create_position_ids_from_input_ids``). ``pooling``
    is ``mean`` (over all tokens) or ``cls`` (the first token's state).
    """
    seq = len(ids)
    mask = np.ones(seq)
    x = (w["embeddings.word_embeddings.weight"][ids]
         + w["embeddings.position_embeddings.weight"][position_offset:position_offset + seq]
         + w["embeddings.token_type_embeddings.weight"][0])
    x = _layer_norm(x, w["embeddings.LayerNorm.weight"], w["embeddings.LayerNorm.bias"], eps)
    for i in range(layers):
        p = f"encoder.layer.{i}"
        attended = _dense(w, f"{p}.attention.output.dense",
                          _attention(w, f"{p}.attention.self", x, mask, heads))
        x = _layer_norm(attended + x, w[f"{p}.attention.output.LayerNorm.weight"],
                        w[f"{p}.attention.output.LayerNorm.bias"], eps)
        inner = _dense(w, f"{p}.intermediate.dense", x)
        inner = 0.5 * inner * (1.0 + _erf(inner / math.sqrt(2.0)))
        x = _layer_norm(_dense(w, f"{p}.output.dense", inner) + x,
                        w[f"{p}.output.LayerNorm.weight"], w[f"{p}.output.LayerNorm.bias"], eps)
    pooled = x.mean(axis=0) if pooling == "mean" else x[0]
    return pooled / max(np.linalg.norm(pooled), 1e-12)
