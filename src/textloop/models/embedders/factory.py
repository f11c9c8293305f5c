"""Named embedders, registered under versioned names and loaded once per process.

Loading an ONNX Runtime session and verifying the model files takes a noticeable fraction
of a second, and a session is safe to share between threads, so ``get_embedder`` keeps one
instance per name (each loads its files on first use).
"""

from __future__ import annotations

import threading

from textloop.models.embedders.base import Embedder
from textloop.models.embedders.build import FP32_FILE, INT8_FILE, TOKENIZER_FILE
from textloop.models.embedders.model_files import MODEL_NAME, ensure_model
from textloop.models.embedders.onnx_embedder import ModelFiles, OnnxEmbedder
from textloop.progress import Progress
from textloop.registry import REGISTRY

PRECISION_FILES = {"int8": INT8_FILE, "fp32": FP32_FILE}
MINILM_DIM = 384
_instances: dict[str, Embedder] = {}
_lock = threading.Lock()


def minilm_embedder(precision: str) -> OnnxEmbedder:
    """all-MiniLM-L6-v2 at ``precision`` ("int8" or "fp32"); files fetched on first encode."""
    filename = PRECISION_FILES[precision]

    def locate(progress: Progress) -> ModelFiles:
        folder, manifest = ensure_model(progress)
        return ModelFiles(folder / filename, folder / TOKENIZER_FILE, int(manifest["dim"]))

    return OnnxEmbedder(f"{MODEL_NAME}/{precision}", MINILM_DIM, locate)


@REGISTRY.register("textloop.embedder.minilm-int8.v1")
def minilm_int8() -> OnnxEmbedder:
    """int8 weights (dynamic, per-channel, MatMul only): the fast default."""
    return minilm_embedder("int8")


@REGISTRY.register("textloop.embedder.minilm-fp32.v1")
def minilm_fp32() -> OnnxEmbedder:
    """Full precision: the reference the int8 model is measured against."""
    return minilm_embedder("fp32")


def embedder_names() -> list[str]:
    return REGISTRY.names("embedder")


def get_embedder(name: str = "minilm-int8") -> Embedder:
    """The embedder registered as ``name`` (short or full name), shared within the process.

    Cheap: nothing is read from disk until a call has texts to encode. Unknown names raise
    ``NotFoundError`` listing the known ones.
    """
    full_name, factory = REGISTRY.resolve("embedder", name)
    with _lock:
        if full_name not in _instances:
            _instances[full_name] = factory()
        return _instances[full_name]


def forget_embedders() -> None:
    """Drop the shared instances (after the model files were rebuilt, and in tests)."""
    with _lock:
        _instances.clear()
