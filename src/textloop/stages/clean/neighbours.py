"""Nearest neighbours in embedding space, block by block, never holding an n x n matrix.

One pass over row blocks gives each record its ``k`` most similar records (for outlier
scores and neighbour label agreement) and every pair above a cosine threshold (semantic
near-duplicates). Vectors are L2-normalised, so a dot product is the cosine similarity.
Memory is ``block x n`` floats at a time; time grows with n², which is why callers can
skip this step on very large sets.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from textloop.progress import NULL_PROGRESS, Progress

BLOCK = 1024


@dataclass(frozen=True)
class Neighbours:
    """``index[i]`` holds record i's k nearest other records, most similar first."""

    index: np.ndarray
    similarity: np.ndarray
    pairs: np.ndarray
    """int64 [m, 2] with i < j: pairs whose cosine similarity is at least the threshold."""
    pair_similarity: np.ndarray


def scan(vectors: np.ndarray, k: int, threshold: float, *, block: int = BLOCK,
         progress: Progress = NULL_PROGRESS) -> Neighbours:
    """Top-``k`` neighbours of every row and all pairs with similarity >= ``threshold``."""
    n = len(vectors)
    k = max(0, min(k, n - 1))
    x = np.ascontiguousarray(vectors, dtype=np.float32)
    index = np.zeros((n, k), dtype=np.int64)
    sims = np.zeros((n, k), dtype=np.float32)
    pairs: list[np.ndarray] = []
    scores: list[np.ndarray] = []
    with progress.task("Nearest neighbours", total=n) as task:
        for start in range(0, n, block):
            stop = min(start + block, n)
            s = x[start:stop] @ x.T
            rows = np.arange(stop - start)
            s[rows, rows + start] = -np.inf  # a record is not its own neighbour
            if k:
                index[start:stop], sims[start:stop] = _top_k(s, k)
            hit_i, hit_j = np.nonzero(s >= threshold)
            keep = hit_i + start < hit_j
            pairs.append(np.stack([hit_i[keep] + start, hit_j[keep]], axis=1))
            scores.append(s[hit_i[keep], hit_j[keep]])
            task.advance(stop - start)
    found = np.concatenate(pairs) if pairs else np.zeros((0, 2), dtype=np.int64)
    return Neighbours(index, sims, found.astype(np.int64),
                      np.concatenate(scores) if scores else np.zeros(0, dtype=np.float32))


def best_match(queries: np.ndarray, reference: np.ndarray, *, budget: int = 1 << 23
               ) -> tuple[np.ndarray, np.ndarray]:
    """Each query row's most similar reference row and their cosine similarity.

    Both sets are L2-normalised vectors. The reference is read in blocks of at most
    ``budget`` query-by-reference similarities (32 MiB of float32), so thousands of queries
    against 100,000 reference rows never hold the full matrix. With an empty reference,
    every index is -1 and every similarity -inf.
    """
    q = np.ascontiguousarray(queries, dtype=np.float32)
    ref = np.ascontiguousarray(reference, dtype=np.float32)
    index = np.full(len(q), -1, dtype=np.int64)
    best = np.full(len(q), -np.inf, dtype=np.float32)
    step = max(1, budget // max(1, len(q)))
    for start in range(0, len(ref) if len(q) else 0, step):
        s = q @ ref[start:start + step].T
        top = np.argmax(s, axis=1)
        value = s[np.arange(len(q)), top]
        better = value > best
        index[better] = top[better] + start
        best[better] = value[better]
    return index, best


def _top_k(s: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    part = np.argpartition(-s, k - 1, axis=1)[:, :k]
    values = np.take_along_axis(s, part, axis=1)
    order = np.argsort(-values, axis=1, kind="stable")
    return np.take_along_axis(part, order, axis=1), np.take_along_axis(values, order, axis=1)


def neighbour_label_proba(index: np.ndarray, y: np.ndarray, n_classes: int) -> np.ndarray:
    """Each record's class distribution among its neighbours' given labels."""
    out = np.zeros((len(y), n_classes), dtype=np.float64)
    if index.shape[1] == 0:
        return np.full((len(y), n_classes), 1.0 / n_classes)
    for c in range(n_classes):
        out[:, c] = (y[index] == c).mean(axis=1)
    return out
