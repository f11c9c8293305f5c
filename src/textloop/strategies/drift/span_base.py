"""What the span detectors read, and what they share.

A span model answers each text with a list of spans; the span detectors compare those lists
between the reference (the served bundle's spans on the release's reference split) and a
production window (the spans in the prediction log). A side is one list of ``SpanHit`` per
text, so the driving rows a detector names are texts (log rows), as for every other
detector, even when its statistic is over spans (lengths, scores, strings): a span's row is
its text's.

Statistics over spans treat spans as exchangeable, as the KS tests on lengths and scores
do; spans of one text are not independent, which the permutation decision (over spans) does
not correct for. Rates and shares per text are tested over texts.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, replace
from typing import Any, ClassVar

import numpy as np

from textloop.strategies.drift.base import DriftResult, PermutationTested
from textloop.strategies.drift.confidence import ConfidenceDetector


class NotEnoughSpans(ValueError):
    """A side has too few spans (or none of what the detector reads) to test: the check is
    reported as "not enough data" with this reason, never as "ok"."""


@dataclass(frozen=True)
class SpanHit:
    """One predicted span as a detector reads it."""

    label: str
    start: int
    end: int
    """Code points of the text, ``[start, end)``."""
    score: float | None
    surface: str | None
    """The text it covers (None: the log keeps no texts)."""

    @property
    def length(self) -> int:
        """Code points."""
        return self.end - self.start

    @property
    def tokens(self) -> int | None:
        """Whitespace tokens of the surface (None without it)."""
        return None if self.surface is None else max(len(self.surface.split()), 1)


SpanRows = Sequence[Sequence[SpanHit]]
"""Per text (row), its spans."""


def hits_of(spans: Iterable[Mapping[str, Any]], text: str | None) -> list[SpanHit]:
    """A logged row's spans (``{start, end, label, score}``, code points of ``text``)."""
    out = []
    for span in spans:
        start, end = int(span["start"]), int(span["end"])
        score = span.get("score")
        out.append(SpanHit(str(span["label"]), start, end,
                           None if score is None else float(score),
                           None if text is None else text[start:end]))
    return out


@dataclass(frozen=True)
class Flat:
    """Every span of a side in row order, with the row each came from."""

    hits: list[SpanHit]
    owners: np.ndarray

    def values(self, read: str) -> tuple[np.ndarray, np.ndarray]:
        """(values of ``read`` for the spans that have one, their rows)."""
        kept = [(getattr(hit, read), owner) for hit, owner in zip(self.hits, self.owners,
                                                                  strict=True)
                if getattr(hit, read) is not None]
        return (np.array([v for v, _ in kept], dtype=np.float64),
                np.array([o for _, o in kept], dtype=np.int64))


def flatten(rows: SpanRows) -> Flat:
    hits = [hit for row in rows for hit in row]
    owners = np.array([i for i, row in enumerate(rows) for _ in row], dtype=np.int64)
    return Flat(hits, owners)


def distinct_rows(owners: Sequence[int] | np.ndarray, k: int) -> list[int]:
    """The first ``k`` distinct rows of spans taken in order (a row with two driving spans
    is named once)."""
    return list(dict.fromkeys(int(o) for o in owners))[:k]


EVIDENTLY_P_VALUE = 0.05
"""Evidently's fixed rule for a column of up to 1,000 rows: its test's p-value below 0.05."""


@dataclass(frozen=True)
class SpanDetector(PermutationTested):
    """A detector over the spans of each text; ``known_strings`` (the training release's
    span strings, case-folded) is given to every one, and read by those that need it."""

    name: ClassVar[str] = ""
    fixed_p_value: float = EVIDENTLY_P_VALUE

    def test(self, reference: SpanRows, current: SpanRows, *, seed: int = 0,
             known_strings: AbstractSet[str] = frozenset()) -> DriftResult:
        """``compare`` on the seeded, bounded reference sample and the whole window."""
        rng = np.random.default_rng(seed)
        sample = [reference[i] for i in self.reference_rows(len(reference), rng)]
        return self.compare(sample, current, rng, seed, known_strings)

    def compare(self, reference: SpanRows, current: SpanRows, rng: np.random.Generator,
                seed: int, known_strings: AbstractSet[str]) -> DriftResult:
        raise NotImplementedError

    def ks_over_spans(self, read: str, reference: SpanRows, current: SpanRows,
                      seed: int) -> tuple[DriftResult, np.ndarray, np.ndarray]:
        """The confidence detector's KS test (and Evidently's rule) on one number per span
        (``read``: ``length``, ``score``, ``tokens``), named as this detector; the driving
        rows are the texts of the most extreme spans in the direction the mean moved.
        Also returns both sides' values, for the details."""
        ref, _ = flatten(reference).values(read)
        cur, owners = flatten(current).values(read)
        if len(ref) < 2 or len(cur) < 2:
            raise NotEnoughSpans(f"{len(ref)} reference and {len(cur)} production spans "
                                 f"with a {read} (at least 2 each)")
        tested = ConfidenceDetector(alpha=self.alpha, permutations=self.permutations,
                                    max_reference=self.max_reference, rows=len(cur),
                                    fixed_p_value=self.fixed_p_value)
        result = tested.test(ref, cur, seed=seed)
        return (replace(result, detector=self.name,
                        rows=distinct_rows(owners[result.rows], self.rows)), ref, cur)
