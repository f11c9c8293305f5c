"""Nearest labeled neighbours stored with findings, for the review queue to show.

A reviewer judging a flagged label wants to see the most similar labeled records and their
labels. Storing a few neighbour ids per finding at clean time is cheap (the neighbour search
has just run); finding them at review time would mean reading every embedding on each page.
Without embeddings, neighbours are found in TF-IDF space for the flagged records only.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

import numpy as np

from textloop.models.tfidf import make_vectorizer
from textloop.stages.clean.neighbours import Neighbours
from textloop.stages.clean.result import Finding

KINDS = ("label_issue", "conflict", "outlier")
"""Finding kinds whose review is helped by neighbours."""
SHOWN = 5
BLOCK = 512


def with_neighbours(found: Sequence[Finding], ids: Sequence[str], texts: Sequence[str],
                    near: Neighbours | None, k: int = SHOWN) -> list[Finding]:
    """``found`` with ``neighbours`` ([[record_id, similarity], ...]) in ``KINDS`` details."""
    position = {rid: i for i, rid in enumerate(ids)}
    wanted = sorted({position[f.record_id] for f in found
                     if f.kind in KINDS and f.record_id in position})
    if not wanted or len(ids) < 2:
        return list(found)
    if near is not None and near.index.shape[1]:
        index, sims, space = near.index[wanted, :k], near.similarity[wanted, :k], "embedding"
    else:
        index, sims = lexical_neighbours(texts, wanted, k)
        space = "tfidf"
    lists = {ids[i]: [[ids[int(j)], round(float(s), 4)] for j, s in zip(row, sim, strict=True)]
             for i, row, sim in zip(wanted, index, sims, strict=True)}
    return [replace(f, details={**f.details, "neighbours": lists[f.record_id],
                                "neighbour_space": space})
            if f.kind in KINDS and f.record_id in lists else f for f in found]


def lexical_neighbours(texts: Sequence[str], rows: Sequence[int], k: int
                       ) -> tuple[np.ndarray, np.ndarray]:
    """Top-``k`` TF-IDF cosine neighbours of ``rows`` among all texts, block by block."""
    matrix = make_vectorizer().fit_transform(list(texts))  # rows are L2-normalised
    k = min(k, len(texts) - 1)
    index = np.zeros((len(rows), k), dtype=np.int64)
    sims = np.zeros((len(rows), k), dtype=np.float32)
    for start in range(0, len(rows), BLOCK):
        chunk = np.asarray(rows[start:start + BLOCK])
        s = (matrix[chunk] @ matrix.T).toarray()
        s[np.arange(len(chunk)), chunk] = -np.inf  # a record is not its own neighbour
        part = np.argpartition(-s, k - 1, axis=1)[:, :k]
        values = np.take_along_axis(s, part, axis=1)
        order = np.argsort(-values, axis=1, kind="stable")
        index[start:start + len(chunk)] = np.take_along_axis(part, order, axis=1)
        sims[start:start + len(chunk)] = np.take_along_axis(values, order, axis=1)
    return index, sims
