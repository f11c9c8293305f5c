"""Spans written into their text: ``[Ana](PER) works at [Acme](ORG)``."""

from __future__ import annotations

from textloop.spans import Span
from textloop.spans.render import mark_spans


def test_spans_are_marked_in_place_with_their_labels() -> None:
    text = "Ana works at Acme"
    assert mark_spans(text, [Span(13, 17, "ORG"), Span(0, 3, "PER")]) == (
        "[Ana](PER) works at [Acme](ORG)")
    assert mark_spans(text, []) == text


def test_code_point_offsets_over_hangul_and_emoji() -> None:
    text = "👩‍💻 김철수는 삼성전자에 다닌다"
    assert mark_spans(text, [Span(0, 3, "PER"), Span(4, 7, "PER"), Span(9, 13, "ORG")]) == (
        "[👩‍💻](PER) [김철수](PER)는 [삼성전자](ORG)에 다닌다")


def test_brackets_in_the_text_are_escaped_and_nested_spans_nest() -> None:
    assert mark_spans("a [b] c\\", [Span(2, 5, "X")]) == "a [\\[b\\]](X) c\\\\"
    assert mark_spans("New York City", [Span(0, 13, "LOC"), Span(0, 8, "LOC")]) == (
        "[[New York](LOC) City](LOC)")
