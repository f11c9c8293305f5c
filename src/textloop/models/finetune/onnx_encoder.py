"""Tuned encoder weights run on ONNX Runtime: prediction and serving need no torch.

The weights go through the same graph builder as the stock embedder
(``embedders/onnx_graph.py``: BERT → mean pooling → L2 normalisation), so a tuned model
embeds exactly as it was trained to, with the embedder's length-sorted batching. The graph
is built on first use and kept, with its tokenizer, in a private temporary folder that
lives as long as the encoder.
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np
import onnx

from textloop.models.embedders.bert_config import BertConfig
from textloop.models.embedders.onnx_embedder import ModelFiles, OnnxEmbedder
from textloop.models.embedders.onnx_graph import build_bert_graph
from textloop.models.embedders.quantize import quantize_model
from textloop.models.finetune.base_encoder import BaseEncoder
from textloop.models.finetune.tokenizer import truncating_tokenizer
from textloop.progress import NULL_PROGRESS, Progress


class OnnxTunedEncoder:
    """``embed(texts)`` → float32 [n, dim] L2-normalised vectors from tuned weights."""

    def __init__(self, weights: Mapping[str, np.ndarray], base: BaseEncoder,
                 max_seq_len: int, model_id: str = "tuned-minilm") -> None:
        self._folder = tempfile.TemporaryDirectory(prefix="textloop-tuned-")
        self._weights = weights
        self._base = base
        self._max_seq_len = max_seq_len
        self.embedder = OnnxEmbedder(model_id, int(base.config["hidden_size"]), self._write)

    def embed(self, texts: Sequence[str], progress: Progress = NULL_PROGRESS) -> np.ndarray:
        return self.embedder.encode(list(texts), progress=progress)

    def _write(self, progress: Progress) -> ModelFiles:
        """Graph and tokenizer files for ONNX Runtime, written once when first needed."""
        return write_tuned_files(Path(self._folder.name), self._weights, self._base,
                                 self._max_seq_len, "fp32", progress)


def write_tuned_files(folder: Path, weights: Mapping[str, np.ndarray], base: BaseEncoder,
                      max_seq_len: int, precision: str,
                      progress: Progress = NULL_PROGRESS) -> ModelFiles:
    """``encoder.onnx`` (built from ``weights``; ``precision`` int8: the embedders' per-channel,
    per-token quantisation, ``quantize.quantize_model``) and ``tokenizer.json`` (cut at
    ``max_seq_len``) in ``folder``: what ONNX Runtime runs for any tuned encoder."""
    with progress.task(f"Building the tuned encoder's {precision} ONNX graph", total=None):
        config_path = folder / "config.json"
        config_path.write_text(json.dumps(base.config), encoding="utf-8")
        graph = build_bert_graph(weights, BertConfig.from_file(config_path))
        if precision == "int8":
            graph = quantize_model(graph)
        onnx.save(graph, folder / "encoder.onnx")
        truncating_tokenizer(base, max_seq_len).save(str(folder / "tokenizer.json"))
    return ModelFiles(folder / "encoder.onnx", folder / "tokenizer.json",
                      int(base.config["hidden_size"]))
