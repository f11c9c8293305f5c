"""Out-of-vocabulary drift: production words the training data never used.

New slang, product names, another language or another domain all show up as words outside
the training vocabulary. A row's OOV share is the share of its words (runs of two or more
letters, lower-cased) missing from the vocabulary; the score is how much the current mean
OOV share exceeds the reference's. The reference share must itself be measured on rows the
vocabulary was not built from (a text's own words are never new to it): the vocabulary
is ``known_words`` (the training split's words, built once per monitor run) when given,
else half of the reference's words, the other half being measured. Evidently's OOV
descriptor is compared with a KS test (p below 0.05), its fixed rule here. The details
list the top new terms with the rows that use them; the driving rows are the rows with the
largest OOV share.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass

import numpy as np
from scipy.stats import ks_2samp

from textloop.registry import REGISTRY
from textloop.strategies.drift.base import (
    DriftResult,
    PermutationTested,
    decided,
    top_rows,
)

NAME = "textloop.drift.oov.v1"
EVIDENTLY_P_VALUE = 0.05
_WORD = re.compile(r"[^\W\d_]{2,}")


def words(text: str) -> list[str]:
    return _WORD.findall(text.lower())


def vocabulary(texts: Iterable[str]) -> set[str]:
    return {word for text in texts for word in words(text)}


def oov_shares(texts: Sequence[str], known: AbstractSet[str]) -> np.ndarray:
    """Per text, the share of its words missing from ``known`` (0 for a text without words)."""
    out = np.zeros(len(texts), dtype=np.float64)
    for i, text in enumerate(texts):
        found = words(text)
        if found:
            out[i] = sum(word not in known for word in found) / len(found)
    return out


def mean_gap(reference: np.ndarray, current: np.ndarray) -> float:
    return float(current.mean() - reference.mean())


@REGISTRY.register(NAME)
@dataclass(frozen=True)
class OovDetector(PermutationTested):
    top_terms: int = 20

    def test(self, reference: Sequence[str], current: Sequence[str], *, seed: int = 0,
             known_words: AbstractSet[str] | None = None) -> DriftResult:
        rng = np.random.default_rng(seed)
        ref = [reference[i] for i in self.reference_rows(len(reference), rng)]
        known, measured = _split(ref, known_words, rng)
        ref_share = oov_shares(measured, known)
        cur_share = oov_shares(current, known)
        score, verdict = self.permutation_test(mean_gap, ref_share, cur_share, rng)
        p_fixed = float(ks_2samp(ref_share, cur_share, method="asymp").pvalue)
        new = new_terms(current, known | vocabulary(ref), self.top_terms)
        return decided(
            NAME, score, verdict, fixed=(EVIDENTLY_P_VALUE, p_fixed < EVIDENTLY_P_VALUE
                                         and score > 0),
            rows=top_rows(cur_share, self.rows),
            details={"reference_oov_share": float(ref_share.mean()),
                     "current_oov_share": float(cur_share.mean()), "ks_p_value": p_fixed,
                     "vocabulary_size": len(known), "new_terms": new})


def _split(reference: list[str], known_words: AbstractSet[str] | None,
           rng: np.random.Generator) -> tuple[AbstractSet[str], list[str]]:
    """(vocabulary, reference texts whose OOV share is measured against it)."""
    if known_words is not None:
        return known_words, reference
    order = rng.permutation(len(reference))
    half = len(reference) // 2
    return vocabulary(reference[i] for i in order[:half]), [reference[i] for i in order[half:]]


def new_terms(texts: Sequence[str], known: AbstractSet[str], k: int) -> list[dict[str, object]]:
    """The ``k`` unknown words used by the most current rows, with up to 3 of those rows."""
    rows_of: dict[str, list[int]] = {}
    for i, text in enumerate(texts):
        for word in dict.fromkeys(words(text)):
            if word not in known:
                rows_of.setdefault(word, []).append(i)
    counts = Counter({word: len(rows) for word, rows in rows_of.items()})
    ranked = sorted(counts, key=lambda w: (-counts[w], w))[:k]
    return [{"term": word, "rows": counts[word], "examples": rows_of[word][:3]}
            for word in ranked]
