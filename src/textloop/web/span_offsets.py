"""Spans between the server (code points) and the browser (UTF-16 code units), in one place.

A browser's strings, selections and ``Range`` offsets count UTF-16 code units, so a
character outside the Basic Multilingual Plane (most emoji) counts two there and one in the
stored spans. Every span the web app sends to a page goes through ``page_spans`` and every
span a page posts back through ``posted_spans``, which use the span library's conversion
(``spans.spans_to_utf16``) and the labeling stage's reader of posted spans
(``stages.label.spans_from_page``), the same as the span labeling page's. Texts are
highlighted server-side in code points (``highlighted``) and never need converting.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from textloop.spans import Span, canonical, spans_to_utf16
from textloop.stages import label as labeling


def page_spans(text: str, spans: Sequence[Span]) -> list[dict[str, Any]]:
    """Spans as a page counts them: UTF-16 offsets, with their label."""
    return spans_to_utf16(text, spans)


def posted_spans(text: str, posted: str) -> list[Span]:
    """Spans a page posted (a JSON list of ``{start, end, label}`` in UTF-16 offsets) in code
    points over ``text``, read as the labeling page's answers are; a clear error for anything
    else. Labels, bounds and overlaps are the task's to check (``queue.adjudicate``)."""
    return labeling.spans_from_page(text, labeling.parse_posted(posted))


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
