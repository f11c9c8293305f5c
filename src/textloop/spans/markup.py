"""Inline span markup: ``[Paris](LOC)`` in a sentence, as LLMs write it and read it.

The synthetic-data LLM generator shows seed records in this form and asks for new sentences
in it; ``parse_markup`` turns an answer line into the plain text and its spans (code points
over that text), ``to_markup`` writes a labeled record the same way. The form is Markdown's
link syntax with the label in the parentheses, so a model has seen it often and brackets
rarely clash with the text. A mention may hold another (``[[New York](LOC) Times](ORG)``)
where the project allows overlapping spans.

An answer the code cannot read without guessing is refused with the reason, never repaired:
``unbalanced`` (a ``[`` without its ``](LABEL)``, or a ``]`` or ``](`` without its ``[``),
``unknown-label`` (a label the project does not have), ``nested`` (a mention inside another
where spans may not overlap) and ``empty`` (a mention with no text, or no text at all).
Spaces just inside the brackets are left outside the span.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from textloop.spans.core import Span, SpanError, canonical, check_spans

UNBALANCED, UNKNOWN_LABEL, NESTED, EMPTY = "unbalanced", "unknown-label", "nested", "empty"
MARKUP_PROBLEMS = (UNBALANCED, UNKNOWN_LABEL, NESTED, EMPTY)
_CLOSE = re.compile(r"\]\(([^()\[\]\s]+)\)")


class MarkupError(ValueError):
    """An answer that is not well-formed markup: ``reason`` is one of ``MARKUP_PROBLEMS``."""

    def __init__(self, reason: str, detail: str) -> None:
        super().__init__(f"{reason}: {detail}")
        self.reason = reason
        self.detail = detail


def parse_markup(marked: str, labels: Iterable[str], *, overlapping: bool = False
                 ) -> tuple[str, list[Span]]:
    """(plain text, canonical spans) of one marked-up sentence; MarkupError otherwise."""
    known = set(labels)
    out: list[str] = []
    length = 0
    opened: list[int] = []  # plain-text offsets of the open mentions
    spans: list[Span] = []
    i = 0
    while i < len(marked):
        char = marked[i]
        if char == "[":
            opened.append(length)
            i += 1
            continue
        if char == "]":
            close = _CLOSE.match(marked, i)
            if close is None or not opened:
                raise MarkupError(UNBALANCED, f"{']' if close is None else close.group(0)!r} "
                                  f"at character {i} closes no mention (write mentions as "
                                  "[text](LABEL))")
            label, start = close.group(1), opened.pop()
            if label not in known:
                raise MarkupError(UNKNOWN_LABEL, f"label {label!r} at character {i} is not one "
                                  f"of {', '.join(sorted(known))}")
            if opened and not overlapping:
                raise MarkupError(NESTED, f"mention ending at character {i} is inside another "
                                  "and this project's spans may not overlap")
            spans.append(_trimmed(out, start, length, label, i))
            i = close.end()
            continue
        out.append(char)
        length += 1
        i += 1
    if opened:
        raise MarkupError(UNBALANCED, f"{len(opened)} mention(s) opened with '[' are never "
                          "closed with ](LABEL)")
    text = "".join(out)
    if not text.strip():
        raise MarkupError(EMPTY, "the sentence has no text")
    try:
        return text, check_spans(text, spans, known, overlapping=overlapping)
    except SpanError as exc:  # e.g. two mentions marking the same words with other labels
        raise MarkupError(NESTED, str(exc)) from None


def _trimmed(out: Sequence[str], start: int, end: int, label: str, at: int) -> Span:
    while start < end and out[start].isspace():
        start += 1
    while end > start and out[end - 1].isspace():
        end -= 1
    if start == end:
        raise MarkupError(EMPTY, f"the mention ending at character {at} ({label}) has no text")
    return Span(start, end, label)


def to_markup(text: str, spans: Iterable[Span]) -> str:
    """``text`` with each span written as ``[mention](LABEL)``; a span crossing another's
    boundary (allowed nowhere in markup) is left out, nested ones are nested."""
    kept: list[Span] = []
    for span in sorted(canonical(spans), key=lambda s: (s.start, -s.end, s.label)):
        if all(span.end <= k.start or k.end <= span.start
               or (k.start <= span.start and span.end <= k.end) for k in kept):
            kept.append(span)
    opens: dict[int, int] = {}
    for span in kept:
        opens[span.start] = opens.get(span.start, 0) + 1
    out = []
    for offset in range(len(text) + 1):
        out += [f"]({label})" for label in _closing(kept, offset)]
        if offset < len(text):
            out.append("[" * opens.get(offset, 0) + text[offset])
    return "".join(out)


def _closing(kept: Sequence[Span], offset: int) -> list[str]:
    """Labels of the spans ending at ``offset``, innermost (latest start) first."""
    ending = [s for s in kept if s.end == offset]
    return [s.label for s in sorted(ending, key=lambda s: (-s.start, s.label))]
