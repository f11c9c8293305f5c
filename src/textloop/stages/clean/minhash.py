"""MinHash signatures for many texts at once, computed with numpy instead of per-text loops.

A text is normalised (case folded, whitespace collapsed), encoded as UTF-8, and cut into
overlapping 5-byte shingles. Five bytes fit exactly in a 64-bit integer, so a shingle *is*
its own hash key: no hashing of strings in Python, and no collisions before the MinHash
permutations. Each permutation is a multiply-shift hash ``(a * x + b) >> 32`` over all
shingles of a chunk of texts at once, and ``np.minimum.reduceat`` takes each text's minimum.
That is what lets lexical near-duplicate detection reach a million rows in minutes.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np

SHINGLE_BYTES = 5
NUM_PERM = 128
SEED = 1
_SPACE = re.compile(r"\s+")


def normalise(text: str) -> str:
    """The form texts are compared in: case folded, runs of whitespace as one space."""
    return _SPACE.sub(" ", text.casefold()).strip()


def permutations(num_perm: int = NUM_PERM, seed: int = SEED) -> tuple[np.ndarray, np.ndarray]:
    """Odd multipliers and offsets of the multiply-shift hash family, fixed by ``seed``."""
    rng = np.random.default_rng(seed)
    a = rng.integers(1, 2**63, size=num_perm, dtype=np.uint64) | np.uint64(1)
    b = rng.integers(0, 2**63, size=num_perm, dtype=np.uint64)
    return a, b


def signatures(texts: Sequence[str], num_perm: int = NUM_PERM, seed: int = SEED,
               chunk: int = 20_000) -> np.ndarray:
    """uint32 [len(texts), num_perm] MinHash signatures of the texts' normalised shingles."""
    a, b = permutations(num_perm, seed)
    out = np.empty((len(texts), num_perm), dtype=np.uint32)
    for start in range(0, len(texts), chunk):
        shingles, starts = _shingles([normalise(t) for t in texts[start:start + chunk]])
        out[start:start + len(starts)] = _min_hashes(shingles, starts, a, b)
    return out


def similarity(sig: np.ndarray, i: int, others: np.ndarray) -> np.ndarray:
    """Estimated Jaccard similarity of row ``i`` with each row in ``others``."""
    return np.asarray((sig[others] == sig[i]).mean(axis=1))


def _shingles(texts: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """All shingles of the texts as uint64 keys, and where each text's shingles start.

    A text shorter than a shingle becomes one shingle of itself (padded with zero bytes), so
    even an empty text has a signature.
    """
    encoded = [t.encode("utf-8", "surrogatepass") for t in texts]
    lengths = np.fromiter((len(e) for e in encoded), dtype=np.int64, count=len(encoded))
    padded = np.maximum(lengths, SHINGLE_BYTES)
    buffer = np.zeros(int(padded.sum()) + SHINGLE_BYTES, dtype=np.uint64)
    offsets = np.concatenate(([0], np.cumsum(padded)[:-1]))
    joined = np.frombuffer(b"".join(e.ljust(SHINGLE_BYTES, b"\0") for e in encoded),
                           dtype=np.uint8)
    buffer[:len(joined)] = joined
    counts = padded - SHINGLE_BYTES + 1
    starts = np.concatenate(([0], np.cumsum(counts)[:-1]))
    positions = np.repeat(offsets - starts, counts) + np.arange(int(counts.sum()))
    keys = np.zeros(len(positions), dtype=np.uint64)
    for k in range(SHINGLE_BYTES):
        keys |= buffer[positions + k] << np.uint64(8 * k)
    return keys, starts


def _min_hashes(keys: np.ndarray, starts: np.ndarray, a: np.ndarray,
                b: np.ndarray) -> np.ndarray:
    out = np.empty((len(starts), len(a)), dtype=np.uint32)
    shift = np.uint64(32)
    for p in range(len(a)):
        hashed = ((keys * a[p] + b[p]) >> shift).astype(np.uint32)
        out[:, p] = np.minimum.reduceat(hashed, starts)
    return out
