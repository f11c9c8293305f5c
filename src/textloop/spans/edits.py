"""Editing a text without losing its spans: every offset moved exactly.

A synthetic span record is made by changing a labeled text (a mention swapped for another
of its type, a word typed wrongly outside the mentions); its spans must then cover the same
strings in the new text, in code points, whatever the edit did to the length of what came
before (a Hangul name for a Latin one, an emoji added). ``rewrite`` applies replacements
of ranges and shifts every span by the exact change before it: a span whose extent is a
replaced range becomes the replacement, a span holding one grows or shrinks with it, and a
range that would cut a span's boundary is refused, because no offset could then be right.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from textloop.spans.core import Span, SpanError, canonical


@dataclass(frozen=True)
class Replacement:
    """Put ``text`` where ``start:end`` of the old text was (``start == end``: insert)."""

    start: int
    end: int
    text: str


def rewrite(text: str, spans: Sequence[Span], edits: Sequence[Replacement]
            ) -> tuple[str, list[Span]]:
    """(the edited text, the spans moved onto it). An insertion at a span's boundary goes
    outside the span. SpanError for ranges outside the text, overlapping one another, or
    with a span boundary strictly inside them."""
    ordered = sorted(edits, key=lambda e: (e.start, e.end))
    previous = 0
    for edit in ordered:
        if not previous <= edit.start <= edit.end <= len(text):
            raise SpanError(f"edit {edit.start}-{edit.end} is outside the text (0-{len(text)}) "
                            "or overlaps another edit",
                            fix="give non-overlapping ranges within the text")
        previous = edit.end
        for span in spans:
            for offset in (span.start, span.end):
                if edit.start < offset < edit.end:
                    raise SpanError(f"edit {edit.start}-{edit.end} cuts span {span.start}-"
                                    f"{span.end} ({span.label})",
                                    fix="replace a whole span, or only text outside spans")
    pieces, at = [], 0
    for edit in ordered:
        pieces += [text[at:edit.start], edit.text]
        at = edit.end
    pieces.append(text[at:])

    def moved(offset: int, is_end: bool) -> int:
        shift = 0
        for edit in ordered:
            delta = len(edit.text) - (edit.end - edit.start)
            # an edit wholly before the offset moves it; an insertion exactly at a span's
            # end stays outside the span, at its start it goes before the span
            if edit.end < offset or (edit.end == offset and (edit.start < edit.end
                                                             or not is_end)):
                shift += delta
        return offset + shift

    return "".join(pieces), canonical(Span(moved(s.start, False), moved(s.end, True), s.label)
                                      for s in spans)
