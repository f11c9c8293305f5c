"""A span list written into its text, for people reading a terminal or a log:
``[Ana](PER) works at [Acme](ORG)``. Pure code: no store.

Brackets and backslashes of the text itself are escaped with a backslash, so every ``[``
that is not preceded by one opens a span and the marking reads back unambiguously. Nested
spans (overlapping projects) nest their brackets; spans that cross (one starts inside
another and ends after it) cannot nest, so a reader needs the offsets as well, which
``textloop show`` prints beside the marked text.
"""

from __future__ import annotations

from collections.abc import Iterable

from textloop.spans.core import Span, canonical

_ESCAPE = str.maketrans({"\\": "\\\\", "[": "\\[", "]": "\\]"})


def mark_spans(text: str, spans: Iterable[Span]) -> str:
    """``text`` with each span as ``[its text](LABEL)``."""
    ordered = canonical(spans)
    # at each offset: spans ending there close first (innermost first), then spans starting
    # there open, the longest first, so a span inside another is inside its brackets
    events: dict[int, tuple[list[Span], list[Span]]] = {}
    for span in ordered:
        events.setdefault(span.start, ([], []))[1].append(span)
        events.setdefault(span.end, ([], []))[0].append(span)
    out, last = [], 0
    for offset in sorted(events):
        closing, opening = events[offset]
        out.append(text[last:offset].translate(_ESCAPE))
        out.extend(f"]({span.label})" for span in sorted(closing, key=lambda s: -s.start))
        out.extend("[" for _ in sorted(opening, key=lambda s: -s.end))
        last = offset
    out.append(text[last:].translate(_ESCAPE))
    return "".join(out)
