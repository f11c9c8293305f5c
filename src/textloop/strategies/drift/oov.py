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

Version 2 reads the project's language. Where a space-split word is not a unit (Korean
glues particles to every noun, Japanese, Chinese and Thai write no spaces; see
``textloop.languages``), whole words make half of an unchanged Korean comment "new"
(``학교에는`` after ``학교에``), which drowns real slang. There a run of Hangul, Han, Kana or
Thai letters counts by its overlapping character pairs (a one-letter run as itself), and a
new term is a stretch of consecutive unknown pairs put back together (``알잘딱깔센``, or
``킹받`` in ``킹받네`` when ``받네`` is known). Pairs beat pairs-and-triples and whole words
on real comments: lower OOV share when nothing changed (0.12 against 0.22 and 0.49), more
power against injected slang. Runs of other scripts stay whole words, and for every other
language version 2 answers exactly as version 1. The share is calibrated the same way.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from typing import ClassVar

import numpy as np
from scipy.stats import ks_2samp

from textloop.languages import script_of, words_are_units
from textloop.strategies.drift.base import (
    DriftResult,
    PermutationTested,
    decided,
    top_rows,
)

NAME = "textloop.drift.oov.v1"
NAME_V2 = "textloop.drift.oov.v2"
EVIDENTLY_P_VALUE = 0.05
_WORD = re.compile(r"[^\W\d_]{2,}")
_LETTERS = re.compile(r"[^\W\d_]+")
# scripts whose letter runs are counted by character pairs, not as words
_PAIRED_SCRIPTS = frozenset({"Hangul", "Han", "Kana", "Thai"})


def words(text: str) -> list[str]:
    return _WORD.findall(text.lower())


def terms(text: str, language: str | None = None) -> list[str]:
    """The units whose novelty is counted: ``words`` where words are units of ``language``
    (the default), else each letter run's character pairs (see the module docstring)."""
    if words_are_units(language):
        return words(text)
    return [unit for run in _LETTERS.findall(text.lower()) for unit in _run_units(run)]


def vocabulary(texts: Iterable[str], language: str | None = None) -> set[str]:
    return {term for text in texts for term in terms(text, language)}


def oov_shares(texts: Sequence[str], known: AbstractSet[str],
               language: str | None = None) -> np.ndarray:
    """Per text, the share of its terms missing from ``known`` (0 for a text without any)."""
    out = np.zeros(len(texts), dtype=np.float64)
    for i, text in enumerate(texts):
        found = terms(text, language)
        if found:
            out[i] = sum(term not in known for term in found) / len(found)
    return out


def mean_gap(reference: np.ndarray, current: np.ndarray) -> float:
    return float(current.mean() - reference.mean())


@dataclass(frozen=True)
class OovDetector(PermutationTested):
    """Version 1: whole words for every language (kept so an old run re-runs identically)."""

    name: ClassVar[str] = NAME
    top_terms: int = 20

    @property
    def units_language(self) -> str | None:
        """The language whose units are counted (None: whole words)."""
        return None

    def test(self, reference: Sequence[str], current: Sequence[str], *, seed: int = 0,
             known_words: AbstractSet[str] | None = None) -> DriftResult:
        """``known_words``: the training split's ``vocabulary`` in this detector's language."""
        language = self.units_language
        rng = np.random.default_rng(seed)
        ref = [reference[i] for i in self.reference_rows(len(reference), rng)]
        known, measured = _split(ref, known_words, rng, language)
        ref_share = oov_shares(measured, known, language)
        cur_share = oov_shares(current, known, language)
        score, verdict = self.permutation_test(mean_gap, ref_share, cur_share, rng)
        p_fixed = float(ks_2samp(ref_share, cur_share, method="asymp").pvalue)
        new = new_terms(current, known | vocabulary(ref, language), self.top_terms, language)
        return decided(
            self.name, score, verdict,
            fixed=(EVIDENTLY_P_VALUE, p_fixed < EVIDENTLY_P_VALUE and score > 0),
            rows=top_rows(cur_share, self.rows),
            details={"reference_oov_share": float(ref_share.mean()),
                     "current_oov_share": float(cur_share.mean()), "ks_p_value": p_fixed,
                     "vocabulary_size": len(known), "new_terms": new})


@dataclass(frozen=True)
class OovDetectorV2(OovDetector):
    """Version 2: the project's language picks the units (``terms``); English and every
    language whose words are units answer exactly as version 1, under this name."""

    name: ClassVar[str] = NAME_V2
    language: str | None = None

    @property
    def units_language(self) -> str | None:
        return self.language


def _run_units(run: str) -> list[str]:
    """A letter run's units: character pairs in a paired script, else the run as a word."""
    if script_of(run[0]) in _PAIRED_SCRIPTS:
        return [run] if len(run) == 1 else [run[i:i + 2] for i in range(len(run) - 1)]
    return [run] if len(run) > 1 else []


def _unknown_terms(text: str, known: AbstractSet[str], language: str | None) -> list[str]:
    """What a reader would call the new terms of ``text``: unknown words, or in a paired
    script each stretch of consecutive unknown pairs joined back into the letters it spans."""
    if words_are_units(language):
        return [word for word in words(text) if word not in known]
    out: list[str] = []
    for run in _LETTERS.findall(text.lower()):
        units = _run_units(run)
        if units in ([], [run]):  # a word, or a one-letter run: no pairs to join
            out += [unit for unit in units if unit not in known]
            continue
        stretch: int | None = None  # start of the current stretch of unknown pairs
        for i, unit in enumerate([*units, None]):
            if unit is not None and unit not in known:
                stretch = i if stretch is None else stretch
            elif stretch is not None:
                out.append(run[stretch:i + 1])
                stretch = None
    return out


def _split(reference: list[str], known_words: AbstractSet[str] | None,
           rng: np.random.Generator, language: str | None = None
           ) -> tuple[AbstractSet[str], list[str]]:
    """(vocabulary, reference texts whose OOV share is measured against it)."""
    if known_words is not None:
        return known_words, reference
    order = rng.permutation(len(reference))
    half = len(reference) // 2
    return (vocabulary((reference[i] for i in order[:half]), language),
            [reference[i] for i in order[half:]])


def new_terms(texts: Sequence[str], known: AbstractSet[str], k: int,
              language: str | None = None) -> list[dict[str, object]]:
    """The ``k`` unknown terms used by the most current rows, with up to 3 of those rows."""
    rows_of: dict[str, list[int]] = {}
    for i, text in enumerate(texts):
        for word in dict.fromkeys(_unknown_terms(text, known, language)):
            rows_of.setdefault(word, []).append(i)
    counts = Counter({word: len(rows) for word, rows in rows_of.items()})
    ranked = sorted(counts, key=lambda w: (-counts[w], w))[:k]
    return [{"term": word, "rows": counts[word], "examples": rows_of[word][:3]}
            for word in ranked]
