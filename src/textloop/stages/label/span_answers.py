"""Span answers on the labeling page: what a span item carries, how an answer is checked, and
how the page's UTF-16 offsets meet the stored code points.

A span answer is the list of spans an annotator ends with (an empty list is an answer too:
"nothing to mark"). It is checked by the task against the record's own text and stored as
the canonical span JSON, like any other value. Browsers count UTF-16 code units, the store
counts code points: ``page_view`` (and ``page_spans``) give an item's tokens, spans and
suggestions to a page and ``spans_from_page`` reads posted spans back, all through
``spans.core``'s ``utf16_offsets``/``spans_to_utf16``/``spans_from_utf16``; the labeling and
adjudication pages both go through these, and nothing else converts.
"""

from __future__ import annotations

import json
import weakref
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy import Connection

from textloop.errors import InvalidInputError
from textloop.spans import (
    Span,
    SpanError,
    encode_spans,
    spans_from_utf16,
    spans_to_utf16,
    utf16_offsets,
)
from textloop.spans.matching import Token, word_tokens
from textloop.storage import annotation_log, span_verdicts
from textloop.tasks import ValueProblem, task_for
from textloop.types import AnnotationKind

if TYPE_CHECKING:
    from textloop.config import Project
    from textloop.storage import Store
    from textloop.strategies.span_suggest import SpanSuggester, SuggestedSpan

MAX_SPANS = 2000
"""Spans one answer may hold: far above any real record, low enough that a runaway script
cannot make one request write megabytes."""


def is_span_project(project: Project) -> bool:
    return task_for(project).value_kind == "spans"


def check_answer(project: Project, text: str, spans: Sequence[Span]) -> str:
    """The stored value of an answer (canonical span JSON), or an InvalidInputError naming
    the span and the fix: outside the text, an unknown label, an overlap the project does not
    allow, a split surrogate pair. Checked by the task, as an imported value is."""
    if len(spans) > MAX_SPANS:
        raise InvalidInputError(f"the answer has {len(spans):,} spans (limit {MAX_SPANS:,})",
                                hint="split the record, or mark fewer spans")
    try:
        return task_for(project).check_value(encode_spans(spans), project.spec, text)
    except ValueProblem as problem:
        raise InvalidInputError(str(problem), hint=problem.fix) from None


def spans_from_page(text: str, spans: Iterable[Span]) -> list[Span]:
    """Spans posted by a page (UTF-16 code units) in code points over ``text``; an empty
    span, an offset inside a surrogate pair or past the end is refused with the fix."""
    try:
        return spans_from_utf16(text, spans)
    except SpanError as exc:
        raise InvalidInputError(str(exc), hint=exc.fix) from None


def describe_answer(project: Project, value: str) -> str:
    """A stored answer in a few words for a notice: its labels, or for spans how many of
    which labels ("2 spans: PER, ORG", "no spans")."""
    from textloop.stages.label.queue import decode_labels

    if not is_span_project(project):
        return ", ".join(decode_labels(value))
    from textloop.spans import decode_spans

    spans = decode_spans(value)
    if not spans:
        return "no spans"
    labels = ", ".join(dict.fromkeys(span.label for span in spans))
    return f"{len(spans)} span{'s' if len(spans) != 1 else ''}: {labels}"


def parse_posted(value: str | None) -> list[Span]:
    """The page's ``spans`` field (a JSON list of ``{start, end, label}``) as spans, still in
    the page's units; a missing field is refused rather than read as "nothing to mark"."""
    from textloop.spans import decode_spans

    if value is None:
        raise InvalidInputError("the answer has no spans field",
                                hint='post spans as a JSON list, [] for "nothing to mark"')
    try:
        return decode_spans(value)
    except SpanError as exc:
        raise InvalidInputError(f"field spans: {exc}", hint=exc.fix) from None


@dataclass(frozen=True)
class PagePiece:
    """A run of the text as the page shows it: a token (selectable) or the gap between two
    (whitespace, kept as typed); ``start``/``end`` in UTF-16 code units."""

    text: str
    start: int
    end: int
    token: int | None
    """The token's index, None for a gap."""


@dataclass(frozen=True)
class PageView:
    """An item's text, spans and suggestions in the page's units (UTF-16)."""

    pieces: list[PagePiece]
    spans: str
    """The annotator's own spans (pre-filled), as JSON for a ``data-`` attribute."""
    suggestions: str
    """Suggested spans with their sources, as JSON for a ``data-`` attribute."""


def page_spans(text: str, spans: Iterable[Span]) -> str:
    """Spans as the page posts them back: JSON, offsets in UTF-16 code units."""
    return json.dumps(spans_to_utf16(text, spans), ensure_ascii=False)


def page_view(text: str, tokens: Sequence[Token], spans: Iterable[Span],
              suggestions: Iterable[SuggestedSpan]) -> PageView:
    """What the span editor draws: the text cut into tokens and gaps, and the spans and
    suggestions over it, every offset in UTF-16 code units."""
    units = utf16_offsets(text)
    pieces: list[PagePiece] = []
    at = 0
    for index, (start, end) in enumerate(tokens):
        if start > at:
            pieces.append(PagePiece(text[at:start], units[at], units[start], None))
        pieces.append(PagePiece(text[start:end], units[start], units[end], index))
        at = end
    if at < len(text):
        pieces.append(PagePiece(text[at:], units[at], units[len(text)], None))

    suggested = list(suggestions)
    offered = [{**place, "source": s.source, "score": s.score}
               for place, s in zip(spans_to_utf16(text, [s.span for s in suggested]),
                                   suggested, strict=True)]
    return PageView(pieces, page_spans(text, spans), json.dumps(offered, ensure_ascii=False))


def tokens_of(text: str) -> tuple[Token, ...]:
    """The tokens the page moves its cursor over (``spans.matching.word_tokens``: one per
    Hangul/CJK character, words elsewhere, an emoji sequence as one)."""
    return tuple(word_tokens(text))


_SUGGESTERS: weakref.WeakKeyDictionary[Project, tuple[Store, list[SpanSuggester]]] = (
    weakref.WeakKeyDictionary())


def suggesters_for(store: Store, project: Project) -> list[SpanSuggester]:
    """The project's suggesters, built once per project (and store) and kept while the
    project is: span rules are compiled once, not on every record the page shows. A changed
    ``textloop.yaml`` is read when ``textloop label`` starts again, with a new project."""
    from textloop.stages.label.span_suggestions import span_suggesters

    cached = _SUGGESTERS.get(project)
    if cached is None or cached[0] is not store:
        cached = (store, span_suggesters(store, project))
        _SUGGESTERS[project] = cached
    return cached[1]


def suggestions_for(store: Store, project: Project, text: str) -> list[SuggestedSpan]:
    """``suggest_spans`` for one text, with the suggesters built once (``suggesters_for``)."""
    from textloop.stages.label.span_suggestions import suggest_spans

    return suggest_spans(store, project, text, suggesters_for(store, project))


def starting_point(conn: Connection, annotator: str, record_id: str
                   ) -> tuple[list[Span], set[Span]]:
    """What the annotator starts a record with, and the suggestions to keep from them.

    They start with their own spans: the answer ``U`` took back (the record comes back as
    they left it) and the suggestions they accepted in teach mode since; the spans they
    decided on in teach mode, accepted or rejected, are no longer suggestions to them.
    """
    from textloop.spans import decode_spans

    rows = [row for row in annotation_log.history(conn, record_id)
            if row["annotator"] == annotator and row["kind"] == AnnotationKind.HUMAN.value]
    spans: list[Span] = []
    since = 0.0
    if rows and rows[-1]["retracted_at"] is not None:
        spans = decode_spans(rows[-1]["label"])
        since = rows[-1]["created_at"]
    decided: set[Span] = set()
    for verdict in span_verdicts.standing(conn, annotator, record_id):
        span = Span(verdict["start"], verdict["end"], verdict["label"])
        decided.add(span)
        if verdict["verdict"] == span_verdicts.ACCEPTED and verdict["created_at"] >= since:
            spans.append(span)
    return sorted(set(spans)), decided
