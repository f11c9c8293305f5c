"""Several people's spans on one text combined into one list: the span-level majority.

A span is kept when a strict majority of the record's annotators marked exactly it (same
start, end and label), and dropped when a strict majority did not. A span that exactly half
of them marked is a tie: nothing in the answers says which half is right, so label
resolution gives the record no spans and it waits for someone to decide (an adjudicator),
as a tied label does.
With two annotators every difference is such a tie; with an odd number there is none.

The kept spans never overlap unless some annotator's own spans overlap: two spans each
marked by more than half of the annotators were both marked by at least one of them. So in
a project whose spans may not overlap (every answer checked by the task), the majority may
not either, and no overlap has to be resolved afterwards.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from textloop.spans.core import Span, canonical


@dataclass(frozen=True)
class SpanMajority:
    spans: list[Span]
    """The spans more than half of the annotators marked, canonical."""
    n_dropped: int
    """Spans fewer than half of them marked."""
    n_tied: int
    """Spans exactly half of them marked: a tie, left out of ``spans``."""


def span_majority(answers: Mapping[str, Sequence[Span]]) -> SpanMajority:
    """The spans a strict majority of ``answers`` (annotator -> spans) marked, and how many
    others were dropped or tied (a resolution waits on a tie; an adjudicator's "majority"
    merge leaves tied spans out)."""
    counts = Counter(span for spans in answers.values() for span in set(spans))
    kept = canonical(span for span, n in counts.items() if 2 * n > len(answers))
    tied = sum(2 * n == len(answers) for n in counts.values())
    return SpanMajority(kept, len(counts) - len(kept) - tied, tied)
