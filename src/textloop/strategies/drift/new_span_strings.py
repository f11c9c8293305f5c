"""New entity strings: surface strings predicted in production that never occur as a span
in the training release, the span version of the out-of-vocabulary check.

A new product, a new person in the news, a new slang insult: a span model meets strings its
training never labeled, and those are where its errors concentrate. Each predicted span is
"new" when its text, case-folded, is not among the training release's gold span strings
(``known_strings``, case-folded). The score is how much the share of new spans in production
exceeds the reference's (the bundle's spans on the held-out reference split, measured
against the same training strings, so the share a model reaches on unseen data is the
baseline), calibrated by permuting spans; Evidently's rule for a binary column, the
two-proportion z-test at p below 0.05, is the fixed rule. The details list the most
frequent new strings with their count, the texts that hold them (up to 3 examples) and their
most frequent label; the driving rows are those texts, most frequent string first.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np

from textloop.strategies.drift.base import DriftResult, decided
from textloop.strategies.drift.oov import mean_gap
from textloop.strategies.drift.span_base import (
    Flat,
    NotEnoughSpans,
    SpanDetector,
    SpanRows,
    distinct_rows,
    flatten,
)
from textloop.strategies.drift.span_presence import two_proportion_p

NAME = "textloop.drift.new-span-strings.v1"
EXAMPLES = 3


def fold(surface: str) -> str:
    """The form strings are compared in: case-folded, inner whitespace collapsed."""
    return " ".join(surface.casefold().split())


def novelty(flat: Flat, known: AbstractSet[str]) -> np.ndarray:
    """1 for each span whose string training never labeled, else 0."""
    return np.array([fold(hit.surface or "") not in known for hit in flat.hits],
                    dtype=np.float64)


@dataclass(frozen=True)
class NewSpanStringsDetector(SpanDetector):
    name: ClassVar[str] = NAME
    top_strings: int = 20

    def compare(self, reference: SpanRows, current: SpanRows, rng: np.random.Generator,
                seed: int, known_strings: AbstractSet[str]) -> DriftResult:
        ref, cur = flatten(reference), flatten(current)
        if not known_strings:
            raise NotEnoughSpans("the training release has no spans to compare strings with")
        if any(hit.surface is None for hit in [*ref.hits, *cur.hits]):
            raise NotEnoughSpans("span strings need the logged texts")
        if len(ref.hits) < 2 or len(cur.hits) < 2:
            raise NotEnoughSpans(f"{len(ref.hits)} reference and {len(cur.hits)} production "
                                 "spans (at least 2 each)")
        ref_new, cur_new = novelty(ref, known_strings), novelty(cur, known_strings)
        score, verdict = self.permutation_test(mean_gap, ref_new, cur_new, rng)
        p_fixed = two_proportion_p(ref_new, cur_new)
        strings = new_strings(cur, cur_new, self.top_strings)
        driving = distinct_rows([row for s in strings for row in s["all_rows"]], self.rows)
        for s in strings:
            del s["all_rows"]
        return decided(NAME, score, verdict,
                       fixed=(self.fixed_p_value, p_fixed < self.fixed_p_value and score > 0),
                       rows=driving,
                       details={"reference_new_share": float(ref_new.mean()),
                                "current_new_share": float(cur_new.mean()),
                                "current_new_spans": int(cur_new.sum()),
                                "known_strings": len(known_strings), "z_test_p_value": p_fixed,
                                "new_strings": strings})


def new_strings(flat: Flat, new: np.ndarray, k: int) -> list[dict[str, Any]]:
    """The ``k`` most frequent new strings (by spans), each with its count, the texts
    holding it and its most frequent label; spelled as production spelled it most."""
    spans: dict[str, list[int]] = {}
    for position in np.flatnonzero(new):
        spans.setdefault(fold(flat.hits[position].surface or ""), []).append(int(position))
    ranked = sorted(spans, key=lambda s: (-len(spans[s]), s))[:k]
    out = []
    for folded in ranked:
        hits = [flat.hits[p] for p in spans[folded]]
        rows = distinct_rows(flat.owners[spans[folded]], len(hits))
        out.append({"string": Counter(h.surface for h in hits).most_common(1)[0][0],
                    "label": Counter(h.label for h in hits).most_common(1)[0][0],
                    "count": len(hits), "rows": len(rows), "examples": rows[:EXAMPLES],
                    "all_rows": rows})
    return out
