"""Spans highlighted over their text, server-side, in code points.

The pages' offsets count UTF-16 code units; they convert in one place, the span library
(``spans.spans_to_utf16`` out, ``stages.label.spans_from_page`` back in). Highlighted texts
are cut here in code points and never need converting.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass

from textloop.spans import Span, canonical


@dataclass(frozen=True)
class Segment:
    """A run of text covered by the same spans: what a page highlights as one piece."""

    text: str
    labels: tuple[str, ...]
    """Labels of the spans covering the run (none: plain text)."""
    ends: tuple[str, ...]
    """Labels of the spans that end with this run (shown as tags after it)."""


def highlighted(text: str, spans: Sequence[Span]) -> list[Segment]:
    """``text`` cut at every span boundary, each piece with the spans over it, so a template
    can highlight spans (overlapping ones too) while escaping every piece of text."""
    ordered = canonical(spans)
    cuts = sorted({0, len(text), *(s.start for s in ordered), *(s.end for s in ordered)})
    out = []
    for start, end in itertools.pairwise(cuts):
        over = tuple(s.label for s in ordered if s.start <= start and end <= s.end)
        ending = tuple(s.label for s in ordered if s.end == end)
        out.append(Segment(text[start:end], over, ending))
    return out
