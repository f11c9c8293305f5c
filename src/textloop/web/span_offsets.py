"""Spans between the server (code points) and the browser (UTF-16 code units), in one place.

A browser's strings, selections and ``Range`` offsets count UTF-16 code units, so a
character outside the Basic Multilingual Plane (most emoji) counts two there and one in the
stored spans. Every span the web app sends to a page goes through ``page_spans`` and every
span a page posts back through ``posted_spans``; nothing else converts offsets. Texts are
highlighted server-side in code points (``highlighted``) and never need converting.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from textloop.errors import InvalidInputError
from textloop.spans import Span, SpanError, canonical, from_utf16, span_from, to_utf16


def page_spans(text: str, spans: Sequence[Span]) -> list[dict[str, Any]]:
    """Spans as a page counts them: UTF-16 offsets, with their label."""
    return [{"start": to_utf16(text, s.start), "end": to_utf16(text, s.end), "label": s.label}
            for s in spans]


def posted_spans(text: str, posted: str) -> list[Span]:
    """Spans a page posted (a JSON list of ``{start, end, label}`` in UTF-16 offsets) in code
    points over ``text``; a clear error for anything else. Labels, bounds and overlaps are
    the task's to check (``queue.adjudicate``)."""
    try:
        items = json.loads(posted)
    except ValueError:
        raise InvalidInputError("the posted spans are not JSON",
                                hint="reload the page and mark the spans again") from None
    if not isinstance(items, list):
        raise InvalidInputError("the posted spans must be a JSON list",
                                hint="reload the page and mark the spans again")
    out = []
    try:
        for item in items:
            unit = span_from(item)
            if not 0 <= unit.start < unit.end:
                raise SpanError(f"span {unit.start}-{unit.end} ({unit.label}) is empty or "
                                "reversed", fix="select at least one character")
            out.append(Span(from_utf16(text, unit.start), from_utf16(text, unit.end),
                            unit.label))
    except SpanError as exc:
        raise InvalidInputError(f"posted spans: {exc}", hint=exc.fix) from None
    return out


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
