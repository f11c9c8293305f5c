"""Diversity without embeddings: distinct-2, the share of word bigrams that are distinct.

Distinct-n (Li et al., 2016) is the number of distinct n-grams divided by the number of
n-grams over all the texts together. Texts that repeat each other's phrasing score low;
varied texts score near 1. Words are lowercased runs of letters and digits. The value
falls as a set grows, so compare sets of similar size (the gate reports it per label).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np

_WORD = re.compile(r"[^\W_]+")


class DistinctN:
    needs_vectors = False

    def __init__(self, n: int = 2) -> None:
        self.n = n

    def __call__(self, texts: Sequence[str], vectors: np.ndarray | None = None) -> float:
        """Distinct n-grams / all n-grams over the texts; 0.0 when there are none."""
        grams: list[tuple[str, ...]] = []
        for text in texts:
            words = _WORD.findall(text.casefold())
            grams += zip(*(words[k:] for k in range(self.n)), strict=False)
        return len(set(grams)) / len(grams) if grams else 0.0


def distinct_2_v1() -> DistinctN:
    return DistinctN(2)
