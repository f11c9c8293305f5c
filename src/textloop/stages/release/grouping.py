"""Which records must land in the same split: near-duplicate texts and rows sharing a group value.

Exact duplicates are already one record (ids come from the content hash), but texts that
differ only in case or spacing would leak between train and test if split apart. An optional
group column (an author, a video, a movie) adds a second reason to keep rows together. The
groups are the connected components of both relations, found with scipy in near-linear time.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass

import numpy as np
import pyarrow as pa
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

MISSING = -1


def normalize_for_grouping(text: str) -> str:
    """The key under which two texts count as the same: lowercased, whitespace collapsed."""
    return " ".join(text.lower().split())


def factorize(values: Sequence[Hashable | None]) -> np.ndarray:
    """An integer code per distinct value (hash-based, in C when Arrow can type the values);
    ``None`` becomes ``MISSING``."""
    try:
        encoded = pa.array(values).dictionary_encode().indices
    except (pa.ArrowException, TypeError, ValueError, OverflowError):
        index: dict[Hashable, int] = {}
        return np.fromiter(
            (MISSING if v is None else index.setdefault(v, len(index)) for v in values),
            dtype=np.int64, count=len(values))
    return encoded.fill_null(MISSING).to_numpy(zero_copy_only=False).astype(np.int64)


@dataclass(frozen=True)
class Grouping:
    """A group id per row, and how many repeated texts were left to their group values."""

    ids: np.ndarray
    texts_across_groups: int = 0


def group_ids(texts: Sequence[str], group_values: Sequence[Hashable | None] | None = None
              ) -> Grouping:
    """Group ids (0..n_groups-1): rows joined by a shared text key or group value.

    A row without a group value is joined only through its text key, so it is its own group
    unless a near-duplicate ties it to others. A text key that occurs under two or more
    group values (a generic "thanks!" under many videos) would chain those groups into one;
    there the group values win, and the key only keeps together the rows that have none.
    """
    text_codes = factorize([normalize_for_grouping(t) for t in texts])
    if group_values is None:
        return Grouping(text_codes)
    value_codes = factorize(group_values)
    n_text = int(text_codes.max()) + 1 if len(text_codes) else 0
    n_values = max(int(value_codes.max()) + 1 if len(value_codes) else 0, 1)
    has_value = value_codes != MISSING
    pairs = np.unique(text_codes[has_value] * n_values + value_codes[has_value])
    pair_text, pair_value = pairs // n_values, pairs % n_values
    across = np.bincount(pair_text, minlength=n_text) > 1
    keep = ~across[pair_text]
    n_nodes = n_text + n_values
    edges = coo_matrix((np.ones(int(keep.sum()), dtype=np.int8),
                        (pair_text[keep], n_text + pair_value[keep])), shape=(n_nodes, n_nodes))
    _, component = connected_components(edges, directed=False)
    node = np.where(has_value, n_text + value_codes, text_codes)
    return Grouping(_renumber(component[node]), int(across.sum()))


def _renumber(codes: np.ndarray) -> np.ndarray:
    """Consecutive ids in order of first appearance, so ids depend only on row order."""
    _, first, inverse = np.unique(codes, return_index=True, return_inverse=True)
    rank = np.empty(len(first), dtype=np.int64)
    rank[np.argsort(first, kind="stable")] = np.arange(len(first))
    return rank[inverse]
