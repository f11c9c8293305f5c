"""Read a local Hugging Face / sentence-transformers model folder, refusing what cannot be built.

``textloop models add PATH`` takes a folder as ``save_pretrained`` (and sentence-transformers'
``save``) writes it: ``config.json``, ``tokenizer.json``, safetensors weights, and optionally
``modules.json`` with ``1_Pooling/config.json`` saying how token states become one vector.
Every problem is reported with the file (and field or tensor) at fault and what to do,
before anything is written to the cache.

PyTorch ``pytorch_model.bin`` files are refused, not read: they are pickles, and unpickling
a file runs whatever code it carries. The error says how to convert one to safetensors.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
from safetensors.numpy import load_file
from tokenizers import Tokenizer

from textloop.errors import InvalidInputError
from textloop.models.embedders.bert_config import BertConfig, read_json
from textloop.models.embedders.onnx_graph import POOLING, check_shapes, strip_prefix

CONFIG = "config.json"
TOKENIZER = "tokenizer.json"
WEIGHTS = "model.safetensors"
WEIGHTS_INDEX = "model.safetensors.index.json"
PICKLED_WEIGHTS = ("pytorch_model.bin", "pytorch_model.bin.index.json")
MODULES = "modules.json"
SENTENCE_CONFIG = "sentence_bert_config.json"
CONVERT_HINT = ("convert it to safetensors where torch and transformers are installed: "
                "python -c \"from transformers import AutoModel; "
                "AutoModel.from_pretrained('PATH').save_pretrained('PATH', "
                "safe_serialization=True)\"")
_POOLING_FLAGS = {"mean": "pooling_mode_mean_tokens", "cls": "pooling_mode_cls_token"}


@dataclass(frozen=True)
class FolderModel:
    """What a model folder holds, checked and ready to build into ONNX."""

    folder: Path
    config: BertConfig
    weights: dict[str, np.ndarray]
    tokenizer_json: bytes
    pooling: str
    """``mean`` or ``cls``."""
    normalized: bool
    """Whether the folder's own pipeline ends in Normalize (the vectors are normalised anyway)."""
    max_length: int
    """Tokens per text: the model's trained length, at most what its position table holds."""
    pad_id: int
    pad_token: str
    files: tuple[str, ...]
    """The folder's files that went into the build (their hashes go into the manifest)."""


def read_folder(path: Path, pooling: str | None = None) -> FolderModel:
    """Read and check the model folder at ``path``.

    ``pooling`` (``mean``/``cls``) is for folders without sentence-transformers' pooling
    config; one that disagrees with the folder's own config is an error, not an override.
    """
    folder = path.expanduser().resolve()
    if not folder.is_dir():
        raise InvalidInputError(f"{path}: not a folder (expected a saved model folder with "
                                f"{CONFIG}, {TOKENIZER} and {WEIGHTS})",
                                hint="pass the folder that save_pretrained() wrote")
    if not (folder / CONFIG).is_file():
        raise InvalidInputError(f"{folder / CONFIG} is missing (expected the model's config)",
                                hint="pass the folder that save_pretrained() wrote")
    config = BertConfig.from_file(folder / CONFIG)
    tokenizer_json, tokenizer = _read_tokenizer(folder)
    weights, weight_files = _read_weights(folder)
    try:
        check_shapes(weights, config)
    except InvalidInputError as exc:
        raise InvalidInputError(f"{folder / weight_files[-1]}: {exc.message}", hint=exc.hint
                                ) from exc
    found, normalized, pooling_files = _pooling(folder)
    if pooling is not None and pooling not in POOLING:
        raise InvalidInputError(f"--pooling {pooling!r} (expected one of {', '.join(POOLING)})",
                                hint="mean averages the token states, cls takes the first")
    if found is not None and pooling is not None and pooling != found:
        raise InvalidInputError(f"--pooling {pooling} contradicts {folder / pooling_files[-1]}, "
                                f"which pools by {found}",
                                hint="leave --pooling out: the folder says how it pools")
    _check_vocabulary(folder, config, tokenizer, weights)
    max_length, length_files = _max_length(folder, config)
    pad_token = tokenizer.id_to_token(config.pad_token_id) or "[PAD]"
    return FolderModel(folder=folder, config=config, weights=weights,
                       tokenizer_json=tokenizer_json, pooling=found or pooling or "mean",
                       normalized=normalized, max_length=max_length,
                       pad_id=config.pad_token_id, pad_token=pad_token,
                       files=(CONFIG, TOKENIZER, *weight_files, *pooling_files, *length_files))


def _read_tokenizer(folder: Path) -> tuple[bytes, Tokenizer]:
    path = folder / TOKENIZER
    if not path.is_file():
        raise InvalidInputError(
            f"{path} is missing (expected the fast tokenizer file)",
            hint="write it where transformers is installed: python -c \"from transformers "
                 "import AutoTokenizer; AutoTokenizer.from_pretrained('PATH')"
                 ".save_pretrained('PATH')\"")
    raw = path.read_bytes()
    try:
        return raw, Tokenizer.from_str(raw.decode("utf-8"))
    except Exception as exc:  # tokenizers raises a bare Exception for malformed files
        raise InvalidInputError(f"{path}: not a readable tokenizer ({exc})",
                                hint="save the tokenizer again with save_pretrained()") from exc


def _read_weights(folder: Path) -> tuple[dict[str, np.ndarray], tuple[str, ...]]:
    """The tensors of ``model.safetensors`` (or of the shards its index lists)."""
    if (folder / WEIGHTS).is_file():
        files: tuple[str, ...] = (WEIGHTS,)
    elif (folder / WEIGHTS_INDEX).is_file():
        index = read_json(folder / WEIGHTS_INDEX)
        weight_map = index.get("weight_map") if isinstance(index, dict) else None
        if not isinstance(weight_map, dict) or not weight_map:
            raise InvalidInputError(f"{folder / WEIGHTS_INDEX}: field \"weight_map\" is missing "
                                    "or empty (expected tensor name → shard file)",
                                    hint="save the model again with save_pretrained()")
        files = (WEIGHTS_INDEX, *sorted(set(map(str, weight_map.values()))))
    else:
        pickled = [name for name in PICKLED_WEIGHTS if (folder / name).is_file()]
        if pickled:
            raise InvalidInputError(
                f"{folder / pickled[0]}: PyTorch pickle weights are not read (unpickling runs "
                f"whatever code the file carries); expected {WEIGHTS}",
                hint=CONVERT_HINT.replace("PATH", str(folder)))
        raise InvalidInputError(f"{folder}: no {WEIGHTS} (expected the model's weights)",
                                hint="save the model with save_pretrained(), which writes "
                                     "safetensors")
    weights: dict[str, np.ndarray] = {}
    for name in files:
        if name == WEIGHTS_INDEX:
            continue
        path = folder / name
        if path.resolve().parent != folder or not path.is_file():
            raise InvalidInputError(f"{folder / WEIGHTS_INDEX} lists {name!r}, which is not a "
                                    "file in the folder", hint="copy every shard of the model")
        try:
            weights |= load_file(str(path))
        except Exception as exc:  # safetensors raises several untyped errors
            raise InvalidInputError(
                f"{path}: cannot read it as safetensors ({exc})",
                hint="the file is damaged, or in a type numpy cannot hold (bfloat16): save the "
                     "model in float32 or float16") from exc
    return strip_prefix(weights), files


def _pooling(folder: Path) -> tuple[str | None, bool, tuple[str, ...]]:
    """Pooling mode and Normalize from sentence-transformers' ``modules.json``, if present.

    Returns (mode or None, whether Normalize follows, files read).
    """
    path = folder / MODULES
    if not path.is_file():
        return None, False, ()
    listed = read_json(path)
    if not isinstance(listed, list) or not all(isinstance(m, dict) and "type" in m
                                               for m in listed):
        raise InvalidInputError(f"{path}: expected a list of modules with a \"type\" each",
                                hint="save the model again with sentence-transformers")
    kinds = [str(m["type"]).rsplit(".", 1)[-1] for m in listed]
    if kinds not in (["Transformer", "Pooling"], ["Transformer", "Pooling", "Normalize"]):
        raise InvalidInputError(
            f"{path}: modules {' → '.join(kinds)} (expected Transformer → Pooling, optionally "
            "→ Normalize)", hint="models with Dense or other extra modules cannot be built")
    pooling_dir = str(listed[1].get("path") or "1_Pooling")
    pooling_file = f"{pooling_dir}/config.json"
    pooling_path = folder / pooling_file
    if not pooling_path.is_file():
        raise InvalidInputError(f"{pooling_path} is missing (expected the Pooling module's "
                                "config, named in modules.json)",
                                hint="copy the whole sentence-transformers folder")
    raw = read_json(pooling_path)
    if not isinstance(raw, dict):
        raise InvalidInputError(f"{pooling_path}: expected a JSON object",
                                hint="save the model again with sentence-transformers")
    on = sorted(key for key, value in raw.items() if key.startswith("pooling_mode_") and value)
    modes = [mode for mode, flag in _POOLING_FLAGS.items() if on == [flag]]
    if not modes:
        raise InvalidInputError(
            f"{pooling_path}: fields {', '.join(on) or 'none'} are set (expected exactly one of "
            f"{', '.join(_POOLING_FLAGS.values())})",
            hint="only mean and CLS pooling are built into the ONNX graph")
    return modes[0], kinds[-1] == "Normalize", (MODULES, pooling_file)


def _max_length(folder: Path, config: BertConfig) -> tuple[int, tuple[str, ...]]:
    """sentence-transformers' ``max_seq_length`` if given, capped by the position table."""
    path = folder / SENTENCE_CONFIG
    if not path.is_file():
        return config.max_tokens, ()
    raw = read_json(path)
    value = raw.get("max_seq_length") if isinstance(raw, dict) else None
    if isinstance(value, bool) or not isinstance(value, int) or value < 2:
        raise InvalidInputError(f"{path}: field \"max_seq_length\" is {value!r} (expected an "
                                "integer >= 2)", hint="fix or remove the file")
    return min(value, config.max_tokens), (SENTENCE_CONFIG,)


def _check_vocabulary(folder: Path, config: BertConfig, tokenizer: Tokenizer,
                      weights: dict[str, np.ndarray]) -> None:
    """Every id the tokenizer can produce must have a row in the word-embedding table."""
    rows = int(weights["embeddings.word_embeddings.weight"].shape[0])  # shapes checked before
    size = tokenizer.get_vocab_size(with_added_tokens=True)
    if size > rows:
        raise InvalidInputError(
            f"{folder / TOKENIZER}: {size} tokens, but the word-embedding table has {rows} rows",
            hint="the tokenizer and the weights belong to different models")

