"""Sentence embeddings on ONNX Runtime: cached, deduplicated, length-sorted.

The expensive part is the encoder, so ``embed`` works hard to call it as little as
possible: identical texts in one call are encoded once, texts whose (model id, content
hash) is already in the cache are not encoded at all, and the rest are encoded in batches
of similar length, written to the cache chunk by chunk.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path

import numpy as np
import onnxruntime as ort

from textloop.errors import IntegrityError, InvalidInputError
from textloop.models.embedders.base import BatchRunner, EmbeddingCache, text_hash
from textloop.models.embedders.batching import Tokenize, length_sorted_batches, open_tokenizer
from textloop.progress import NULL_PROGRESS, NULL_TASK, Progress, Task

CHUNK = 4096
"""Texts encoded between cache writes: an interrupted run keeps what it finished, and
length-sorting still has enough texts to group."""


@dataclass(slots=True)
class EmbedStats:
    """Work actually done, for logs, benchmarks and tests of the cache."""

    texts_encoded: int = 0
    batches_run: int = 0


def available_cores() -> int:
    """Cores this process may use (respects CPU affinity and container limits)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


# ONNX Runtime fuses residual Add + LayerNormalization into SkipLayerNormalization where it
# knows both shapes (in the int8 graph). On CPU the fused kernel is slower than the ops it
# replaces: measured on 2 cores with 2,000 SMS texts, the int8 graph runs at 806 sentences/s
# without the fusion and 722 with it (the fp32 graph is not fused either way). An optimiser
# name that a future ONNX Runtime no longer has is ignored.
DISABLED_OPTIMIZERS = ["SkipLayerNormFusion"]

EXACT_INTEGER_PRODUCTS = ("session.x64quantprecision", "1")
"""Make ONNX Runtime multiply uint8 by int8 exactly on x86 CPUs without VNNI.

On AVX2 (and AVX-512 without VNNI) its fast uint8 × int8 kernel adds pairs of products in
saturating 16-bit lanes (``vpmaddubsw``); our activations are uint8 codes around 128, so the
pairs overflow and the int8 vectors came out worse on those CPUs than on others (mean cosine
to fp32 0.988 against 0.991 on the embedder tests' mixed texts, 0.9946 against 0.9957 on 300
SMS texts, measured on an AMD EPYC with AVX2 only). This option switches such CPUs to the
exact uint8 × uint8 kernel, about 15% slower there; CPUs with VNNI are unaffected. Exact
arithmetic is what lets one text get one int8 vector on every machine a team uses."""


def make_session(model: Path | bytes, threads: int | None = None,
                 source: Path | None = None) -> ort.InferenceSession:
    """A CPU session with the graph optimisations that help and one intra-op thread per core.

    ``model`` is a graph file or a serialised graph (one rewritten in memory from the file
    ``source``, which errors then name).
    """
    options = ort.SessionOptions()
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    options.intra_op_num_threads = threads or available_cores()
    options.inter_op_num_threads = 1
    options.log_severity_level = 3
    options.add_session_config_entry(*EXACT_INTEGER_PRODUCTS)
    try:
        return ort.InferenceSession(model if isinstance(model, bytes) else str(model), options,
                                    providers=["CPUExecutionProvider"],
                                    disabled_optimizers=DISABLED_OPTIMIZERS)
    except Exception as exc:  # ORT raises its own untyped errors for unreadable graphs
        where = source if isinstance(model, bytes) else model
        raise IntegrityError(f"{where}: ONNX Runtime cannot load it ({exc})",
                             hint="run `textloop models download --force`") from exc


@dataclass(frozen=True, slots=True)
class ModelFiles:
    """Where a loader found a verified graph and its tokenizer, and how to open the latter."""

    model: Path
    tokenizer: Path
    dim: int
    open_tokenizer: Callable[[Path, int | None], tuple[Tokenize, int]] = open_tokenizer
    """(tokenizer path, ``max_tokens``) → (tokenize, pad id); ``tokenizers`` files by default."""


@dataclass(frozen=True, slots=True)
class _Runtime:
    tokenize: Tokenize
    pad_id: int
    session: ort.InferenceSession
    inputs: frozenset[str]
    """The graph's inputs: a batch carries ``token_type_ids`` too, which not every graph reads."""


# Rows × padded length per batch. Measured on 2 cores (benchmarks/embedding_throughput.py and
# Rotten Tomatoes plot synopses): 512 to 1,024 is fastest for short and long texts alike,
# and caps peak memory near 0.5 GiB where a fixed 64 rows of 256 tokens took 1.4 GiB.
MAX_BATCH_TOKENS = 1024


class OnnxEmbedder:
    """An ``Embedder`` over one ONNX graph whose output is ``sentence_embedding``.

    The graph is loaded on the first call that has something to encode, by ``locate``
    (which may fetch and build the files, reporting through that call's progress). A call
    answered entirely from the cache never loads the model at all.
    """

    def __init__(self, model_id: str, dim: int, locate: Callable[[Progress], ModelFiles],
                 threads: int | None = None, max_batch_tokens: int = MAX_BATCH_TOKENS,
                 max_tokens: int | None = None) -> None:
        self.model_id = model_id
        self.dim = dim
        self.max_batch_tokens = max_batch_tokens
        self.max_tokens = max_tokens
        """Truncate texts at this many tokens instead of the tokenizer's own limit (a
        cheaper, lossier variant; ``model_id`` must then name it, being a cache key)."""
        self.stats = EmbedStats()
        self._locate = locate
        self._threads = threads
        self._runtime: _Runtime | None = None
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return f"OnnxEmbedder({self.model_id!r}, dim={self.dim})"

    @property
    def loaded(self) -> bool:
        return self._runtime is not None

    def files(self, progress: Progress = NULL_PROGRESS) -> ModelFiles:
        """Where the verified graph and tokenizer are (fetched first if needed): what a model
        published with ``textloop publish model`` ships, so it runs without textloop."""
        return self._locate(progress)

    def _load(self, progress: Progress) -> _Runtime:
        with self._lock:
            if self._runtime is None:
                files = self._locate(progress)
                if files.dim != self.dim:
                    raise IntegrityError(f"{files.model}: {files.dim}-dimensional vectors "
                                         f"(expected {self.dim} for {self.model_id})",
                                         hint="run `textloop models download --force`")
                tokenize, pad_id = files.open_tokenizer(files.tokenizer, self.max_tokens)
                session = make_session(files.model, self._threads)
                self._runtime = _Runtime(tokenize, pad_id, session,
                                         frozenset(i.name for i in session.get_inputs()))
            return self._runtime

    def embed(self, texts: Sequence[str], *, hashes: Sequence[str] | None = None,
              cache: EmbeddingCache | None = None, progress: Progress = NULL_PROGRESS,
              batch_size: int = 64, runner: BatchRunner | None = None) -> np.ndarray:
        """float32 [len(texts), dim], L2-normalised, in input order.

        ``runner`` (an executor's ``map_batches``): the chunks to encode go to its workers,
        each loading the model once, and come back in order to be written to ``cache``
        here, so the store is only ever touched by this process. The chunks are the same
        as without a runner, so every text gets the same bytes either way.
        """
        check_inputs(texts, hashes, batch_size)
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        keys = list(hashes) if hashes is not None else (
            [text_hash(t) for t in texts] if cache is not None else list(texts))
        first = _first_index(keys)
        known = dict(cache.get(self.model_id, list(first))) if cache is not None else {}
        todo = [key for key in first if key not in known]
        if todo:  # everything cached: no bar at all (not an empty "0/0" one)
            if runner is None:
                self._load(progress)  # before the bar below: a first use may download
            else:
                self.files(progress)  # fetched once, here, rather than by every worker
            chunks = [todo[start:start + CHUNK] for start in range(0, len(todo), CHUNK)]
            with progress.task(f"Embedding with {self.model_id}", total=len(todo)) as task:
                if runner is None:
                    encoded: Iterable[np.ndarray] = (
                        self._encode([texts[first[key]] for key in chunk], task, batch_size)
                        for chunk in chunks)
                else:
                    encoded = runner.map_batches(
                        partial(_chunk_encoder, self, batch_size),
                        ([texts[first[key]] for key in chunk] for chunk in chunks))
                for chunk, fresh in zip(chunks, encoded, strict=True):
                    if cache is not None:
                        cache.put(self.model_id, chunk, fresh)
                    known.update(zip(chunk, fresh, strict=True))
                    if runner is not None:
                        task.advance(len(chunk))
        return np.stack([np.asarray(known[key], dtype=np.float32) for key in keys])

    def __getstate__(self) -> dict[str, object]:
        """What a worker receives: the settings, not the loaded session (which does not
        travel between processes); the worker loads the model itself, once."""
        state = {k: v for k, v in self.__dict__.items() if k not in ("_runtime", "_lock")}
        return {**state, "stats": EmbedStats()}

    def __setstate__(self, state: dict[str, object]) -> None:
        self.__dict__.update(state)
        self._runtime = None
        self._lock = threading.Lock()

    def encode(self, texts: Sequence[str], progress: Progress = NULL_PROGRESS,
               batch_size: int = 64) -> np.ndarray:
        """Run the encoder on every text (no cache, no deduplication)."""
        self._load(progress)
        with progress.task(f"Embedding with {self.model_id}", total=len(texts)) as task:
            return self._encode(texts, task, batch_size)

    def _encode(self, texts: Sequence[str], task: Task, batch_size: int) -> np.ndarray:
        runtime = self._load(NULL_PROGRESS)
        out = np.empty((len(texts), self.dim), dtype=np.float32)
        token_ids = runtime.tokenize(texts)
        for batch in length_sorted_batches(token_ids, batch_size, runtime.pad_id,
                                           self.max_batch_tokens):
            feeds = {name: batch.feeds[name] for name in runtime.inputs}
            out[batch.rows] = runtime.session.run(None, feeds)[0]
            self.stats.batches_run += 1
            self.stats.texts_encoded += len(batch.rows)
            task.advance(len(batch.rows))
        return out


def _chunk_encoder(embedder: OnnxEmbedder, batch_size: int
                   ) -> Callable[[list[str]], np.ndarray]:
    """A worker's encoder: the model is loaded on its first chunk, then kept."""
    return lambda texts: embedder._encode(texts, NULL_TASK, batch_size)


def _first_index(keys: Sequence[str]) -> dict[str, int]:
    """Each distinct key with the position of its first occurrence (insertion-ordered)."""
    first: dict[str, int] = {}
    for position, key in enumerate(keys):
        first.setdefault(key, position)
    return first


def check_inputs(texts: Sequence[str], hashes: Sequence[str] | None, batch_size: int) -> None:
    if isinstance(texts, str):
        raise InvalidInputError("got a single string (expected a list of texts)",
                                hint="wrap it in a list: [text]")
    bad = next((i for i, t in enumerate(texts) if not isinstance(t, str)), None)
    if bad is not None:
        raise InvalidInputError(f"text {bad} is {type(texts[bad]).__name__} (expected str)",
                                hint="convert missing values to '' or drop them first")
    if hashes is not None and len(hashes) != len(texts):
        raise InvalidInputError(f"{len(hashes)} hashes for {len(texts)} texts (expected one each)",
                                hint="pass one content hash per text, or none")
    if batch_size < 1:
        raise InvalidInputError(f"batch_size={batch_size} (expected >= 1)",
                                hint="use the default of 64")
