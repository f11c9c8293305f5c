"""``spans.edits.rewrite``: edits move every span by exactly the change before it."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from textloop.spans import Span, SpanError
from textloop.spans.edits import Replacement, rewrite

WORDS = ["Ana", "서울", "😀", "👩‍💻", "São Paulo", "x", "Lima", "김철수", "e\u0301"]


@st.composite
def edited_texts(draw: st.DrawFn) -> tuple[str, list[Span], list[Replacement], list[str]]:
    """A text of words, spans on some, replacements of some spans by other words."""
    words = draw(st.lists(st.sampled_from(WORDS), min_size=1, max_size=8))
    text, spans = "", []
    for word in words:
        if text:
            text += " "
        start = len(text)
        text += word
        spans.append(Span(start, len(text), "T"))
    kept = draw(st.lists(st.booleans(), min_size=len(spans), max_size=len(spans)))
    spans = [s for s, k in zip(spans, kept, strict=True) if k]
    swapped = draw(st.lists(st.booleans(), min_size=len(spans), max_size=len(spans)))
    new = draw(st.lists(st.sampled_from(WORDS), min_size=len(spans), max_size=len(spans)))
    edits = [Replacement(s.start, s.end, w) for s, on, w in zip(spans, swapped, new, strict=True)
             if on]
    expected = [w if on else s.text_of(text) for s, on, w in zip(spans, swapped, new,
                                                                   strict=True)]
    return text, spans, edits, expected


@given(edited_texts())
def test_every_span_covers_its_intended_string_after_replacements(case) -> None:
    text, spans, edits, expected = case
    new_text, moved = rewrite(text, spans, edits)
    assert [s.text_of(new_text) for s in moved] == expected
    assert all(0 <= s.start < s.end <= len(new_text) for s in moved)


def test_an_insertion_at_a_span_boundary_stays_outside_the_span() -> None:
    text = "Ana met 김철수"
    spans = [Span(0, 3, "PER"), Span(8, 11, "PER")]
    new, moved = rewrite(text, spans, [Replacement(3, 3, "😀"), Replacement(8, 8, "Dr. ")])
    assert new == "Ana😀 met Dr. 김철수"
    assert [s.text_of(new) for s in moved] == ["Ana", "김철수"]


def test_a_span_holding_a_replaced_span_grows_with_it() -> None:
    text = "New York Times"
    spans = [Span(0, 8, "LOC"), Span(0, 14, "ORG")]
    new, moved = rewrite(text, spans, [Replacement(0, 8, "서울")])
    assert [(s.text_of(new), s.label) for s in moved] == [("서울", "LOC"), ("서울 Times", "ORG")]


def test_an_edit_cutting_a_span_boundary_is_refused() -> None:
    with pytest.raises(SpanError, match="cuts span 0-3"):
        rewrite("Ana met Bo", [Span(0, 3, "PER")], [Replacement(2, 5, "x")])
