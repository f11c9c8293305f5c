"""Which existing text a generated text repeats: exactly, lexically or in meaning.

Texts are compared in their loose form (``gate_format.loose_key``: case, punctuation and
spacing ignored), so a copy with a changed comma is still a copy. Three measures, cheapest
first, each reusing the clean stage's duplicate machinery:

- *exact*: equal loose forms (a dictionary lookup);
- *near*: estimated Jaccard similarity of shingles (MinHash LSH, ``NearIndex`` and
  ``near_pairs`` from ``stages.clean.duplicates``; 5-byte shingles, or 2-character ones where
  words are not units of the project's language, as in ``clean``);
- *semantic*: cosine similarity of embeddings (``best_match`` and ``scan`` from
  ``stages.clean.neighbours``, block by block).

Each finder returns, per generated text, the best ``Match`` at or above its threshold, or
None. Within a batch, a text is matched only with an earlier text that is kept, so the
first of a family of duplicates survives.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from textloop.progress import NULL_PROGRESS, Progress
from textloop.stages.clean.duplicates import (
    EXACT,
    NEAR,
    RECALL,
    SEMANTIC,
    NearIndex,
    exact_pairs,
    near_pairs,
)
from textloop.stages.clean.neighbours import best_match, scan


@dataclass(frozen=True)
class Match:
    other: int
    """Position of the matched text in the reference (or in the batch)."""
    how: str
    """``exact``, ``near`` (MinHash) or ``semantic`` (embedding cosine)."""
    similarity: float
    """1.0 for exact, estimated Jaccard for near, cosine for semantic."""

    def describe(self) -> str:
        """How close, in words, for a verdict's detail."""
        if self.how == EXACT:
            return "the same text (ignoring case, spacing and punctuation) as"
        if self.how == NEAR:
            return f"a near-duplicate (estimated Jaccard {self.similarity:.2f}) of"
        return f"a paraphrase (embedding cosine {self.similarity:.3f}) of"


Found = list[Match | None]


def exact_to(keys: Sequence[str], reference: Sequence[str]) -> Found:
    """Each key's first equal reference key."""
    first: dict[str, int] = {}
    for position, key in enumerate(reference):
        first.setdefault(key, position)
    return [Match(first[k], EXACT, 1.0) if k in first else None for k in keys]


def near_to(index: NearIndex, rows: Sequence[int], reference: Sequence[str],
            progress: Progress = NULL_PROGRESS) -> Found:
    """For the index's queries at ``rows``, the most similar reference key by MinHash, at
    the index's Jaccard threshold."""
    best, similarity = index.best_matches(reference, progress)
    return [Match(int(best[r]), NEAR, float(similarity[r])) if best[r] >= 0 else None
            for r in rows]


def semantic_to(vectors: np.ndarray, reference: np.ndarray, threshold: float
                ) -> tuple[Found, np.ndarray]:
    """Each vector's most similar reference vector at cosine >= ``threshold``, and every
    vector's highest cosine to the reference (-inf when the reference is empty)."""
    index, similarity = best_match(vectors, reference)
    found = [Match(int(i), SEMANTIC, float(s)) if s >= threshold else None
             for i, s in zip(index, similarity, strict=True)]
    return found, similarity


def exact_within(keys: Sequence[str]) -> Found:
    """For each later copy of a key, its first occurrence."""
    found: Found = [None] * len(keys)
    for first, other in exact_pairs(keys):
        found[other] = Match(first, EXACT, 1.0)
    return found


def near_within(keys: Sequence[str], threshold: float, *, num_perm: int,
                progress: Progress = NULL_PROGRESS, language: str | None = None) -> Found:
    """For each key that near-duplicates an earlier kept key, that key (its leader);
    ``language``: the project's, which picks the shingles."""
    found: Found = [None] * len(keys)
    pairs, scores = near_pairs(keys, threshold, num_perm=num_perm, weights=RECALL,
                               progress=progress, language=language)
    for (leader, other), score in zip(pairs, scores, strict=True):
        found[other] = Match(leader, NEAR, score)
    return found


def semantic_within(vectors: np.ndarray, threshold: float,
                    progress: Progress = NULL_PROGRESS) -> Found:
    """For each vector within ``threshold`` cosine of an earlier kept vector, the most
    similar such vector; a vector matched this way is not kept, so it matches nothing."""
    pairs = scan(vectors, 0, threshold, progress=progress)
    earlier: dict[int, list[tuple[int, float]]] = {}
    for (i, j), score in zip(pairs.pairs.tolist(), pairs.pair_similarity.tolist(),
                             strict=True):
        earlier.setdefault(j, []).append((i, score))
    found: Found = [None] * len(vectors)
    for j in sorted(earlier):
        kept = [(score, i) for i, score in earlier[j] if found[i] is None]
        if kept:
            score, i = max(kept)
            found[j] = Match(i, SEMANTIC, score)
    return found
