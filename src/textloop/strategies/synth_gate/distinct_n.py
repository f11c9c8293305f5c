"""Diversity without embeddings: distinct-2, the share of bigrams that are distinct.

Distinct-n (Li et al., 2016) is the number of distinct n-grams divided by the number of
n-grams over all the texts together. Texts that repeat each other's phrasing score low;
varied texts score near 1. The value falls as a set grows, so compare sets of similar size
(the gate reports it per label).

Version 1 counts word bigrams (words: lowercased runs of letters and digits) in every
language. Version 2 follows the project's language as ``clean``'s MinHash near-duplicates
do: where words are units (``languages.words_are_units``) it answers as version 1; in
Korean, Japanese, Chinese and Thai its grams are characters of the texts' comparison form
(``texts.similarity_form``), so its bigrams are the 2-character shingles MinHash compares.
Word bigrams fail there: particle variants of one Korean sentence (``학교가``, ``학교는``)
share no word pair and score as varied as unrelated texts.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np

from textloop.languages import words_are_units
from textloop.texts import similarity_form

_WORD = re.compile(r"[^\W_]+")


class DistinctN:
    needs_vectors = False

    def __init__(self, n: int = 2, characters: bool = False) -> None:
        self.n = n
        self.characters = characters
        """True: the grams are characters (where words are not units), else words."""

    def units(self, text: str) -> Sequence[str]:
        if self.characters:
            return similarity_form(text)
        return _WORD.findall(text.casefold())

    def __call__(self, texts: Sequence[str], vectors: np.ndarray | None = None) -> float:
        """Distinct n-grams / all n-grams over the texts; 0.0 when there are none."""
        grams: list[tuple[str, ...]] = []
        for text in texts:
            units = self.units(text)
            grams += zip(*(units[k:] for k in range(self.n)), strict=False)
        return len(set(grams)) / len(grams) if grams else 0.0


def distinct_2_v1(language: str | None = None) -> DistinctN:
    """Word bigrams whatever the language (kept so an old batch's config re-runs as it did)."""
    return DistinctN(2)


def distinct_2_v2(language: str | None = None) -> DistinctN:
    """Word bigrams where words are units of ``language``, else character bigrams."""
    return DistinctN(2, characters=not words_are_units(language))
