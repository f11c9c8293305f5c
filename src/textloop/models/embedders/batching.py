"""Tokenise once, sort by length, pad per batch.

Sorting by token count before batching means each batch is padded only to the length of
its own longest text, not the longest text overall; on short-text data (SMS, tickets)
this removes most of the padding and most of the compute. Callers get rows back in their
input order via ``Batch.rows``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from tokenizers import Tokenizer

from textloop.errors import IntegrityError


@dataclass(frozen=True, slots=True)
class Batch:
    rows: np.ndarray
    """Positions of this batch's texts in the tokenised input."""
    feeds: dict[str, np.ndarray]
    """``input_ids``, ``attention_mask``, ``token_type_ids``, int64 [len(rows), longest]."""


def load_tokenizer(path: Path) -> tuple[Tokenizer, int]:
    """The model's tokenizer (truncation kept, padding off: done per batch here) and pad id."""
    try:
        tokenizer = Tokenizer.from_file(str(path))
    except Exception as exc:  # tokenizers raises a bare Exception for malformed files
        raise IntegrityError(f"{path}: not a readable tokenizer ({exc})",
                             hint="run `textloop models download --force`") from exc
    if tokenizer.truncation is None:
        raise IntegrityError(f"{path}: the tokenizer does not truncate (expected a max length, "
                             "or long texts overflow the position table)",
                             hint="run `textloop models download --force`")
    pad_id = int((tokenizer.padding or {}).get("pad_id", 0))
    tokenizer.no_padding()
    return tokenizer, pad_id


Tokenize = Callable[[Sequence[str]], list[list[int]]]
"""Token ids of each text, special tokens included, truncated as the model needs."""


def open_tokenizer(path: Path, max_tokens: int | None = None) -> tuple[Tokenize, int]:
    """A ``tokenizers`` file as a ``Tokenize`` function and its pad id.

    ``max_tokens`` truncates shorter than the file says (a cheaper variant of the model).
    """
    tokenizer, pad_id = load_tokenizer(path)
    if max_tokens is not None:
        tokenizer.enable_truncation(max_tokens)
    return (lambda texts: tokenize(tokenizer, texts)), pad_id


def tokenize(tokenizer: Tokenizer, texts: Sequence[str]) -> list[list[int]]:
    """Token ids per text, with special tokens, truncated as the tokenizer is configured."""
    return [encoding.ids for encoding in tokenizer.encode_batch(list(texts))]


def length_sorted_batches(token_ids: Sequence[Sequence[int]], batch_size: int,
                          pad_id: int = 0, max_tokens: int | None = None) -> Iterator[Batch]:
    """Batches of similar length, each padded to its own longest sequence.

    ``max_tokens`` caps rows × padded length, so batches of long texts hold fewer rows:
    attention memory grows with the square of the length, and on 2 cores a smaller batch of
    long texts is also faster (it stays in cache).
    """
    lengths = np.fromiter((len(ids) for ids in token_ids), dtype=np.int64, count=len(token_ids))
    order = np.argsort(lengths, kind="stable")
    start = 0
    while start < len(order):
        stop = _batch_end(lengths, order, start, batch_size, max_tokens)
        rows = order[start:stop]
        yield Batch(rows=rows, feeds=_pad([token_ids[i] for i in rows], int(lengths[rows].max()),
                                          pad_id))
        start = stop


def _batch_end(lengths: np.ndarray, order: np.ndarray, start: int, batch_size: int,
               max_tokens: int | None) -> int:
    """End of the batch starting at ``start`` (sorted ascending: the last row is the longest)."""
    stop = min(start + batch_size, len(order))
    if max_tokens is None:
        return stop
    longest = lengths[order[start:stop]]  # ascending, so row k pads to longest[k]
    fits = (np.arange(1, len(longest) + 1) * longest) <= max_tokens
    return start + max(1, int(fits.sum()))


def _pad(token_ids: list[Sequence[int]], width: int, pad_id: int) -> dict[str, np.ndarray]:
    input_ids = np.full((len(token_ids), width), pad_id, dtype=np.int64)
    mask = np.zeros((len(token_ids), width), dtype=np.int64)
    for row, ids in enumerate(token_ids):
        input_ids[row, :len(ids)] = ids
        mask[row, :len(ids)] = 1
    return {"input_ids": input_ids, "attention_mask": mask,
            "token_type_ids": np.zeros_like(input_ids)}
