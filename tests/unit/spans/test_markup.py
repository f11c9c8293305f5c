"""Inline span markup (``[Paris](LOC)``): read back exactly, refused with a reason."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from textloop.spans import Span
from textloop.spans.markup import (
    EMPTY,
    NESTED,
    UNBALANCED,
    UNKNOWN_LABEL,
    MarkupError,
    parse_markup,
    to_markup,
)

WORDS = ["Ana", "서울", "😀", "👩‍💻", "São", "met", "in", "김철수는", "e\u0301", "(hi)"]


@st.composite
def labeled(draw: st.DrawFn) -> tuple[str, list[Span]]:
    words = draw(st.lists(st.sampled_from(WORDS), min_size=1, max_size=8))
    marks = draw(st.lists(st.sampled_from([None, "PER", "LOC"]), min_size=len(words),
                          max_size=len(words)))
    text, spans = "", []
    for word, mark in zip(words, marks, strict=True):
        text += (" " if text else "")
        if mark:
            spans.append(Span(len(text), len(text) + len(word), mark))
        text += word
    return text, spans


@given(labeled())
def test_markup_written_for_a_record_reads_back_as_the_same_text_and_spans(case) -> None:
    text, spans = case
    assert parse_markup(to_markup(text, spans), ["PER", "LOC"]) == (text, sorted(spans))


def test_nested_mentions_read_where_spans_may_overlap() -> None:
    marked = to_markup("New York Times", [Span(0, 8, "LOC"), Span(0, 14, "ORG")])
    assert marked == "[[New York](LOC) Times](ORG)"
    assert parse_markup(marked, ["LOC", "ORG"], overlapping=True)[1] == [
        Span(0, 8, "LOC"), Span(0, 14, "ORG")]


def test_spaces_inside_the_brackets_are_left_outside_the_span() -> None:
    assert parse_markup("in [ 서울 ](LOC)!", ["LOC"]) == ("in  서울 !", [Span(4, 6, "LOC")])


@pytest.mark.parametrize(("marked", "reason", "says"), [
    ("I flew to [Paris](CITY)", UNKNOWN_LABEL, "'CITY'"),
    ("I flew to [Paris", UNBALANCED, "never closed"),
    ("I flew to Paris](LOC)", UNBALANCED, "closes no mention"),
    ("a [b] c", UNBALANCED, "closes no mention"),
    ("[[New York](LOC) Times](ORG)", NESTED, "may not overlap"),
    ("I flew to [ ](LOC)", EMPTY, "no text"),
    ("[ ](LOC)", EMPTY, "no text"),
])
def test_malformed_markup_is_refused_with_its_reason(marked: str, reason: str,
                                                     says: str) -> None:
    with pytest.raises(MarkupError) as caught:
        parse_markup(marked, ["LOC", "ORG"])
    assert caught.value.reason == reason
    assert says in caught.value.detail
