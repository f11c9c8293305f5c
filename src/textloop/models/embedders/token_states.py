"""Per-token vectors from a sentence encoder's ONNX graph: its last hidden states, one vector
per token of the project's token view (``spans.matching.word_tokens``).

Span models tag tokens, so they need a vector per token where an embedder gives one per text.
The graph is the embedder's own verified file (for MiniLM int8: one activation scale per
token, so a token's vector does not depend on the other texts in its batch), read with its
output moved in memory from the pooled sentence vector to the last encoder layer's states:
training and serving read the same file, and nothing new is built or cached.

**From pieces to tokens.** Each token of the text is handed to the subword tokenizer as one
pre-tokenised word, so each piece knows its token by construction and nothing is mapped back
through character offsets: a Hangul syllable (split into jamo pieces), an emoji with its
joiners, a word next to ``\\r\\n`` all stay whole tokens with the code-point offsets
``word_tokens`` gave them. A token the tokenizer drops entirely (a control character, a
zero-width space, a byte-order mark: BERT's normaliser deletes them) is given the unknown
piece, so every token has a vector.

A token's vector is the **mean** of its pieces' states by default (``pooling="mean"``), or
its first piece's (``"first"``, as BERT's NER fine-tuning reads a word: Devlin et al. 2019,
section 5.3). Fine-tuning teaches the encoder to gather a word into its first piece; a frozen
encoder has not learnt that, and the mean keeps what the other pieces carry. Measured with
``minilm-crf`` on the development splits (``benchmarks/span_model.py``, trained on the full
train splits): strict entity F1 0.414 with the mean against 0.408 with the first piece on
WNUT-17, 0.702 against 0.680 on BC5CDR, whose chemical names split into many pieces.

**Long texts.** The encoder reads at most the tokenizer's ``max_length`` pieces with the
special ones (256 for MiniLM, the length it was trained with). A longer text is read in
windows of that size overlapping by ``overlap`` pieces, never truncated: each piece takes
its state from the window in which it sits farthest from a cut edge, so it sees at least
``overlap / 2`` pieces of context on each side.
"""

from __future__ import annotations

import contextlib
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import onnx
import onnx.shape_inference
import onnx.utils
import onnxruntime as ort
from tokenizers import Tokenizer

from textloop.errors import IntegrityError, InvalidInputError
from textloop.models.embedders.batching import length_sorted_batches, load_tokenizer, open_tokenizer
from textloop.models.embedders.onnx_embedder import (
    MAX_BATCH_TOKENS,
    ModelFiles,
    check_inputs,
    make_session,
)
from textloop.progress import NULL_PROGRESS, Progress, Task
from textloop.spans.matching import Token, word_tokens

POOLINGS = ("first", "mean")
OVERLAP = 64
"""Pieces shared by neighbouring windows of a long text (a quarter of MiniLM's 256)."""

_memo_bytes = 0
"""Bytes of token vectors every encoder may keep between calls (0: none; see ``memo``)."""


@contextlib.contextmanager
def memo(max_bytes: int = 1 << 30) -> Iterator[None]:
    """Within the block, every token encoder keeps the vectors it computed (up to
    ``max_bytes`` in all per encoder, least recently used dropped first) and reuses them for
    the same text, tokens and pooling.

    Simulated active learning and cross-validated cleaning fit a span model over and over on
    subsets of the same texts; the encoder pass is most of each fit's time, and the vectors
    of a text never change within an encoder (one activation scale per token), so reading
    them again is exact. Outside such work (serving, one training run) nothing is kept.
    """
    global _memo_bytes
    before = _memo_bytes
    _memo_bytes = max(before, max_bytes)
    try:
        yield
    finally:
        _memo_bytes = before
        if not before:
            for encoder in list(_ENCODERS):
                encoder.forget()


_ENCODERS: list[TokenEncoder] = []


def hidden_states_graph(path: Path) -> tuple[bytes, str]:
    """The graph at ``path`` cut at its last encoder layer: (serialised graph, output name).

    The graphs textloop builds (``onnx_graph.build_bert_graph`` and its int8 rewrite) end
    every encoder layer with a LayerNormalization and pool after the last one, so the last
    LayerNormalization's output is the final hidden states [batch, sequence, hidden].
    """
    model = onnx.load(str(path))
    norms = [node for node in model.graph.node if node.op_type == "LayerNormalization"]
    if not norms:
        raise IntegrityError(f"{path}: the graph has no LayerNormalization (expected a BERT "
                             "encoder built by textloop)",
                             hint="run `textloop models download --force`")
    hidden = norms[-1].output[0]
    if hidden not in {info.name for info in model.graph.value_info}:
        # The extractor reads the cut tensor's type from value_info. The int8 rewrite lists
        # every tensor there; the fp32 graph as built lists only its inputs and outputs, so
        # its types are inferred here (seconds; the int8 graph, read by default, skips it).
        model = onnx.shape_inference.infer_shapes(model)
    inputs = [tensor.name for tensor in model.graph.input]
    cut = onnx.utils.Extractor(model).extract_model(inputs, [hidden])
    return cut.SerializeToString(), hidden


def window_bounds(n_pieces: int, size: int, overlap: int) -> list[tuple[int, int]]:
    """(start, stop) of the windows covering ``n_pieces`` pieces: one when they fit, else
    windows of ``size`` that overlap by at least ``overlap`` (the last one flush with the
    end, so it is full too)."""
    if n_pieces <= size:
        return [(0, n_pieces)] if n_pieces else []
    step = size - overlap
    starts = list(range(0, n_pieces - size, step))
    return [(start, start + size) for start in starts] + [(n_pieces - size, n_pieces)]


@dataclass(frozen=True, slots=True)
class _Runtime:
    tokenizer: Tokenizer
    session: ort.InferenceSession
    inputs: frozenset[str]
    output: str
    pad_id: int
    unk_id: int
    prefix: tuple[int, ...]
    """Special pieces before a window's content ([CLS]) and after it ([SEP])."""
    suffix: tuple[int, ...]
    window: int
    """Content pieces per window: the tokenizer's max length less the special pieces."""


@dataclass(frozen=True, slots=True)
class Pieces:
    """A text's subword pieces, each known to belong to one token of the text."""

    ids: np.ndarray
    """The text's subword ids, in order, without special pieces."""
    first: np.ndarray
    """Index in ``ids`` of each token's first piece (every token has at least one)."""


def special_pieces(tokenizer: Tokenizer) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """The special piece ids the tokenizer puts before a text's pieces ([CLS]) and after
    them ([SEP]), read from how it encodes one letter."""
    bare = tokenizer.encode("a", add_special_tokens=False).ids
    full = tokenizer.encode("a").ids
    at = next(i for i in range(len(full)) if full[i:i + len(bare)] == bare)
    return tuple(full[:at]), tuple(full[at + len(bare):])


def unknown_piece(tokenizer: Tokenizer, source: object) -> int:
    """The id of the tokenizer's unknown piece (``source`` names the file in the error)."""
    unk = getattr(tokenizer.model, "unk_token", None)
    unk_id = tokenizer.token_to_id(unk) if unk is not None else None
    if unk_id is None:
        raise IntegrityError(f"{source}: the tokenizer has no unknown token",
                             hint="run `textloop models download --force`")
    return int(unk_id)


def word_pieces(tokenizer: Tokenizer, unk_id: int, text: str,
                offsets: Sequence[Token]) -> Pieces:
    """The pieces of ``text``'s tokens ``offsets``, each token handed to the tokenizer as one
    pre-tokenised word; a token the normaliser drops entirely gets the ``unk_id`` piece.

    Both the runtime (``TokenEncoder``) and training of a token classifier cut texts here,
    so a model learns on exactly the pieces it later reads.
    """
    words = [text[start:end] for start, end in offsets]
    if not words:
        return Pieces(np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64))
    encoding = tokenizer.encode(words, is_pretokenized=True, add_special_tokens=False)
    ids = np.asarray(encoding.ids, dtype=np.int64)
    owners = np.asarray(encoding.word_ids, dtype=np.int64)
    missing = np.flatnonzero(np.bincount(owners, minlength=len(words)) == 0)
    if len(missing):  # dropped by the normaliser: the unknown piece stands in
        at = np.searchsorted(owners, missing)
        ids = np.insert(ids, at, unk_id)
        owners = np.insert(owners, at, missing)
    return Pieces(ids, np.searchsorted(owners, np.arange(len(words))))


class TokenEncoder:
    """Per-token vectors of one encoder graph; loaded on the first call, shared by threads.

    ``model_id`` names the vector space (a span model stores it and refuses other vectors).
    """

    def __init__(self, model_id: str, dim: int, locate: Callable[[Progress], ModelFiles],
                 threads: int | None = None, max_batch_tokens: int = MAX_BATCH_TOKENS,
                 overlap: int = OVERLAP, max_length: int | None = None) -> None:
        self.model_id = model_id
        self.dim = dim
        self.max_batch_tokens = max_batch_tokens
        self.overlap = overlap
        self.max_length = max_length
        """Pieces per window with the special ones; None: the tokenizer's own limit."""
        self._locate = locate
        self._threads = threads
        self._runtime: _Runtime | None = None
        self._lock = threading.Lock()
        self._kept: OrderedDict[tuple[str, tuple[Token, ...], str], np.ndarray] = OrderedDict()
        self._kept_bytes = 0
        _ENCODERS.append(self)

    def forget(self) -> None:
        """Drop the vectors kept under ``memo``."""
        with self._lock:
            self._kept.clear()
            self._kept_bytes = 0

    def __repr__(self) -> str:
        return f"TokenEncoder({self.model_id!r}, dim={self.dim})"

    def _load(self, progress: Progress) -> _Runtime:
        with self._lock:
            if self._runtime is None:
                self._runtime = self._open(self._locate(progress))
            return self._runtime

    def _open(self, files: ModelFiles) -> _Runtime:
        if files.dim != self.dim:
            raise IntegrityError(f"{files.model}: {files.dim}-dimensional vectors (expected "
                                 f"{self.dim} for {self.model_id})",
                                 hint="run `textloop models download --force`")
        if files.open_tokenizer is not open_tokenizer:
            raise InvalidInputError(f"{self.model_id}: per-token vectors need a `tokenizers` "
                                    "file, which this encoder does not have",
                                    hint="use a MiniLM or BERT encoder for span models")
        tokenizer, pad_id = load_tokenizer(files.tokenizer)
        limit = self.max_length or int((tokenizer.truncation or {})["max_length"])
        tokenizer.no_truncation()
        graph, output = hidden_states_graph(files.model)
        session = make_session(graph, self._threads, source=files.model)
        unk_id = unknown_piece(tokenizer, files.tokenizer)
        prefix, suffix = special_pieces(tokenizer)
        window = limit - len(prefix) - len(suffix)
        if not 0 <= self.overlap < window:
            raise InvalidInputError(f"overlap {self.overlap} (expected 0 to {window - 1}, "
                                    f"below the {window} pieces of a window)",
                                    hint=f"use the default of {OVERLAP}")
        return _Runtime(tokenizer, session, frozenset(i.name for i in session.get_inputs()),
                        output, pad_id, unk_id, prefix, suffix, window)

    def encode(self, texts: Sequence[str], tokens: Sequence[Sequence[Token]] | None = None, *,
               pooling: str = "mean", progress: Progress = NULL_PROGRESS,
               batch_size: int = 64) -> list[np.ndarray]:
        """float32 [n_tokens, dim] per text: one row per token of ``tokens`` (default
        ``word_tokens`` of each text), in order; a text without tokens gets zero rows.

        ``tokens`` are (start, end) code-point offsets into each text, in order and not
        overlapping; each must hold a non-space character.
        """
        check_inputs(texts, None, batch_size)
        if pooling not in POOLINGS:
            raise InvalidInputError(f"pooling {pooling!r} (expected one of "
                                    f"{', '.join(POOLINGS)})", hint="use first or mean")
        if tokens is None:
            tokens = [word_tokens(text) for text in texts]
        elif len(tokens) != len(texts):
            raise InvalidInputError(f"{len(tokens)} token lists for {len(texts)} texts "
                                    "(expected one each)",
                                    hint="pass one list of (start, end) offsets per text")
        if not _memo_bytes:
            return self._encode(texts, tokens, pooling, progress, batch_size)
        keys = [(text, tuple((int(a), int(b)) for a, b in offsets), pooling)
                for text, offsets in zip(texts, tokens, strict=True)]
        with self._lock:
            found: dict[int, np.ndarray] = {}
            for i, key in enumerate(keys):
                if key in self._kept:
                    self._kept.move_to_end(key)
                    found[i] = self._kept[key]
        todo = [i for i in range(len(keys)) if i not in found]
        if todo:
            fresh = self._encode([texts[i] for i in todo], [tokens[i] for i in todo],
                                 pooling, progress, batch_size)
            with self._lock:
                for i, vectors in zip(todo, fresh, strict=True):
                    found[i] = vectors
                    if keys[i] not in self._kept:
                        self._kept[keys[i]] = vectors
                        self._kept_bytes += vectors.nbytes
                while self._kept_bytes > _memo_bytes and self._kept:
                    self._kept_bytes -= self._kept.popitem(last=False)[1].nbytes
        return [found[i] for i in range(len(keys))]

    def _encode(self, texts: Sequence[str], tokens: Sequence[Sequence[Token]], pooling: str,
                progress: Progress, batch_size: int) -> list[np.ndarray]:
        runtime = self._load(progress)
        pieces = [self._pieces(runtime, text, offsets) for text, offsets in
                  zip(texts, tokens, strict=True)]
        bounds = [window_bounds(len(p.ids), runtime.window, self.overlap) for p in pieces]
        windows = [[*runtime.prefix, *p.ids[start:stop].tolist(), *runtime.suffix]
                   for p, spans in zip(pieces, bounds, strict=True) for start, stop in spans]
        with progress.task(f"Token vectors with {self.model_id}", total=len(windows)) as task:
            states = self._run(runtime, windows, task, batch_size)
        out, used = [], 0
        for p, spans in zip(pieces, bounds, strict=True):
            piece_states = _stitch(states[used:used + len(spans)], spans, len(p.ids), self.dim)
            used += len(spans)
            out.append(_pool(piece_states, p.first, pooling))
        return out

    def _pieces(self, runtime: _Runtime, text: str, offsets: Sequence[Token]) -> Pieces:
        return word_pieces(runtime.tokenizer, runtime.unk_id, text, offsets)

    def _run(self, runtime: _Runtime, windows: list[list[int]], task: Task,
             batch_size: int) -> list[np.ndarray]:
        """Each window's content states [pieces, dim] (special pieces cut off)."""
        out: list[np.ndarray] = [np.zeros((0, self.dim), dtype=np.float32)] * len(windows)
        head, tail = len(runtime.prefix), len(runtime.suffix)
        for batch in length_sorted_batches(windows, batch_size, runtime.pad_id,
                                           self.max_batch_tokens):
            feeds = {name: batch.feeds[name] for name in runtime.inputs}
            hidden = runtime.session.run([runtime.output], feeds)[0]
            for k, row in enumerate(batch.rows):
                out[row] = np.array(hidden[k, head:len(windows[row]) - tail], dtype=np.float32)
            task.advance(len(batch.rows))
        return out


def _stitch(states: Sequence[np.ndarray], bounds: Sequence[tuple[int, int]], n_pieces: int,
            dim: int) -> np.ndarray:
    """One state per piece from overlapping windows: each from the window where the piece is
    farthest from a cut edge (a window edge at the text's own start or end cuts nothing)."""
    merged = np.zeros((n_pieces, dim), dtype=np.float32)
    best = np.full(n_pieces, -1, dtype=np.int64)
    for window, (start, stop) in zip(states, bounds, strict=True):
        position = np.arange(start, stop)
        left = position - start if start > 0 else np.full(len(position), n_pieces)
        right = stop - 1 - position if stop < n_pieces else np.full(len(position), n_pieces)
        margin = np.minimum(left, right)
        better = margin > best[start:stop]
        merged[start:stop][better] = window[better]
        best[start:stop] = np.maximum(best[start:stop], margin)
    return merged


def _pool(piece_states: np.ndarray, first: np.ndarray, pooling: str) -> np.ndarray:
    """Token vectors from piece states: the first piece's, or the mean of the token's."""
    if not len(first):
        return np.zeros((0, piece_states.shape[1]), dtype=np.float32)
    if pooling == "first":
        return piece_states[first]
    counts = np.diff(np.append(first, len(piece_states)))
    return (np.add.reduceat(piece_states, first, axis=0) / counts[:, None]).astype(np.float32)
