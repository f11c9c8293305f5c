"""A span: ``(start, end, label)`` in Unicode code points over the stored text.

The stored text is never re-tokenised or altered; offsets index it as Python indexes a
``str`` (code points), so a Hangul syllable, a CJK character, an emoji outside the Basic
Multilingual Plane and a combining mark each count as what they are in the string. Tokens
are derived from the text and used only by models, file formats and the labeling page.
Browsers count UTF-16 code units: ``to_utf16``/``from_utf16`` convert at that one place.

A span list is stored as canonical JSON (sorted by start, end, label; no duplicates), so two
annotators giving the same spans store the same value and agree.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, order=True)
class Span:
    start: int
    end: int
    label: str

    def text_of(self, text: str) -> str:
        return text[self.start:self.end]

    def overlaps(self, other: Span) -> bool:
        return self.start < other.end and other.start < self.end

    def to_dict(self) -> dict[str, Any]:
        return {"start": self.start, "end": self.end, "label": self.label}


class SpanError(ValueError):
    """A span that cannot be stored, with how to fix it."""

    def __init__(self, message: str, fix: str) -> None:
        super().__init__(message)
        self.fix = fix


def canonical(spans: Iterable[Span]) -> list[Span]:
    """Sorted by (start, end, label), duplicates dropped."""
    return sorted(set(spans))


def encode_spans(spans: Iterable[Span]) -> str:
    """The stored form: canonical JSON, non-ASCII labels kept as written."""
    return json.dumps([s.to_dict() for s in canonical(spans)], ensure_ascii=False,
                      separators=(",", ":"))


def decode_spans(value: str) -> list[Span]:
    """Spans from their stored (or any JSON list-of-objects) form."""
    try:
        items = json.loads(value)
    except json.JSONDecodeError as exc:
        raise SpanError(f"spans are not JSON: {exc.msg}",
                        fix='give a JSON list like [{"start": 0, "end": 4, "label": "PER"}]'
                        ) from None
    if not isinstance(items, list):
        raise SpanError("spans must be a JSON list",
                        fix='give a JSON list like [{"start": 0, "end": 4, "label": "PER"}]')
    return [span_from(item) for item in items]


def span_from(item: Any) -> Span:
    """A span from ``{"start", "end", "label"}`` or ``[start, end, label]``."""
    if isinstance(item, dict):
        start, end, label = item.get("start"), item.get("end"), item.get("label")
    elif isinstance(item, (list, tuple)) and len(item) == 3:
        start, end, label = item
    else:
        raise SpanError(f"a span must be {{start, end, label}}, got {item!r}",
                        fix='write each span as {"start": 0, "end": 4, "label": "PER"}')
    if (not isinstance(start, int) or isinstance(start, bool) or not isinstance(end, int)
            or isinstance(end, bool)):
        raise SpanError(f"span offsets must be integers, got start={start!r} end={end!r}",
                        fix="give start and end as character offsets (integers)")
    if not isinstance(label, str) or not label:
        raise SpanError(f"a span needs a label, got {label!r}", fix="give each span a label")
    return Span(start, end, label)


def check_spans(text: str, spans: Sequence[Span], labels: Iterable[str] | None, *,
                overlapping: bool) -> list[Span]:
    """The canonical spans, or SpanError for the first problem: outside the text, empty or
    reversed, splitting a surrogate pair, an unknown label, or an overlap in a task whose
    spans may not overlap."""
    known = None if labels is None else set(labels)
    for span in spans:
        if not 0 <= span.start < span.end <= len(text):
            raise SpanError(f"span {span.start}-{span.end} ({span.label}) is outside the text "
                            f"(0-{len(text)}) or empty",
                            fix="offsets count characters (code points) of the text: "
                                "0 <= start < end <= length")
        for offset in (span.start, span.end):
            if 0 < offset < len(text) and _is_low_surrogate(text[offset]):
                raise SpanError(f"span {span.start}-{span.end} splits a surrogate pair",
                                fix="count offsets in code points, not UTF-16 units")
        if known is not None and span.label not in known:
            raise SpanError(f"span label {span.label!r} is not in textloop.yaml "
                            f"(labels: {', '.join(sorted(known)) or 'none'})",
                            fix="add the label to textloop.yaml or pass --add-labels")
    ordered = canonical(spans)
    if not overlapping:
        for a, b in itertools.pairwise(ordered):
            if a.overlaps(b):
                raise SpanError(f"spans {a.start}-{a.end} ({a.label}) and {b.start}-{b.end} "
                                f"({b.label}) overlap",
                                fix="remove one, or set spans.overlapping: true in "
                                    "textloop.yaml")
    return ordered


def _is_low_surrogate(char: str) -> bool:
    """A lone low surrogate (only in texts decoded with ``surrogatepass``)."""
    return "\udc00" <= char <= "\udfff"


def to_utf16(text: str, offset: int) -> int:
    """A code-point offset as a UTF-16 code-unit offset (what a browser counts)."""
    return offset + sum(1 for ch in text[:offset] if ord(ch) > 0xFFFF)


def utf16_offsets(text: str) -> list[int]:
    """``to_utf16`` for every offset at once: item ``i`` is code point ``i``'s UTF-16 offset
    (``len(text) + 1`` items), so a page with many tokens converts in one pass."""
    units = [0] * (len(text) + 1)
    for index, ch in enumerate(text):
        units[index + 1] = units[index] + (2 if ord(ch) > 0xFFFF else 1)
    return units


def spans_to_utf16(text: str, spans: Iterable[Span]) -> list[dict[str, Any]]:
    """Spans as a browser counts them: ``{start, end, label}`` in UTF-16 code units, every
    offset converted through one ``utf16_offsets`` table of the text."""
    units = utf16_offsets(text)
    return [{"start": units[s.start], "end": units[s.end], "label": s.label} for s in spans]


def spans_from_utf16(text: str, spans: Iterable[Span]) -> list[Span]:
    """Spans a browser sent (UTF-16 code units) in code points over ``text``; SpanError for
    an empty or reversed span, an offset inside a surrogate pair or past the end. Labels,
    bounds against the task and overlaps are the task's to check."""
    out = []
    for unit in spans:
        if not 0 <= unit.start < unit.end:
            raise SpanError(f"span {unit.start}-{unit.end} ({unit.label}) is empty or reversed",
                            fix="select at least one character")
        out.append(Span(from_utf16(text, unit.start), from_utf16(text, unit.end), unit.label))
    return out


def from_utf16(text: str, offset: int) -> int:
    """A UTF-16 code-unit offset as a code-point offset; refuses one inside a pair."""
    units = 0
    for index, ch in enumerate(text):
        if units == offset:
            return index
        units += 2 if ord(ch) > 0xFFFF else 1
        if units > offset:
            raise SpanError(f"offset {offset} falls inside a surrogate pair",
                            fix="select whole characters")
    if units == offset:
        return len(text)
    raise SpanError(f"offset {offset} is past the end of the text ({units} UTF-16 units)",
                    fix="select within the text")
