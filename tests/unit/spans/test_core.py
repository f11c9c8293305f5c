"""Spans: offsets in code points over the stored text, one stored spelling, clear refusals,
and the one conversion to the browser's UTF-16 units."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from textloop.spans import (
    Span,
    SpanError,
    check_spans,
    decode_spans,
    encode_spans,
    from_utf16,
    to_utf16,
)

PIECES = ["a", " ", "\t", "\r\n", "\n", "가", "한", "中", "ア", "😀", "👩\u200d💻", "e\u0301", "ﬁ"]
TRICKY = st.lists(st.sampled_from(PIECES), min_size=1, max_size=20).map("".join)
"""Hangul, CJK, kana, astral emoji, a ZWJ sequence, a combining mark, CRLF and tabs."""


def test_the_stored_form_is_canonical() -> None:
    a = encode_spans([Span(5, 9, "ORG"), Span(0, 4, "PER"), Span(0, 4, "PER")])
    b = encode_spans([Span(0, 4, "PER"), Span(5, 9, "ORG")])
    assert a == b == '[{"start":0,"end":4,"label":"PER"},{"start":5,"end":9,"label":"ORG"}]'
    assert decode_spans(a) == [Span(0, 4, "PER"), Span(5, 9, "ORG")]
    assert decode_spans('[[0, 2, "장소"]]') == [Span(0, 2, "장소")]


@pytest.mark.parametrize(("spans", "message"), [
    ([Span(3, 20, "PER")], "outside the text"),
    ([Span(4, 4, "PER")], r"outside the text \(0-13\) or empty"),
    ([Span(0, 2, "DATE")], "'DATE' is not in textloop.yaml"),
    ([Span(0, 4, "PER"), Span(2, 6, "ORG")], "overlap"),
])
def test_bad_spans_are_refused_with_the_fix(spans: list[Span], message: str) -> None:
    with pytest.raises(SpanError, match=message) as caught:
        check_spans("Ana went home", spans, ["PER", "ORG"], overlapping=False)
    assert caught.value.fix


def test_overlap_is_allowed_when_the_task_says_so() -> None:
    spans = [Span(2, 6, "ORG"), Span(0, 4, "PER")]
    assert check_spans("Ana went home", spans, None, overlapping=True) == sorted(spans)


@pytest.mark.parametrize("value", [
    "nope", '{"start": 0}', '[{"start": "0", "end": 2, "label": "A"}]',
    '[{"start": 0, "end": 2}]', "[[0, 1]]"])
def test_malformed_stored_values_are_refused(value: str) -> None:
    with pytest.raises(SpanError):
        decode_spans(value)


@given(TRICKY, st.data())
def test_utf16_offsets_round_trip_on_tricky_text(text: str, data: st.DataObject) -> None:
    offset = data.draw(st.integers(0, len(text)))
    units = to_utf16(text, offset)
    assert units == len(text[:offset].encode("utf-16-le")) // 2
    assert from_utf16(text, units) == offset


def test_an_offset_inside_a_surrogate_pair_is_refused() -> None:
    with pytest.raises(SpanError, match="inside a surrogate pair"):
        from_utf16("a😀b", 2)


def test_spans_cross_to_utf16_and_back_exactly() -> None:
    from textloop.spans import spans_from_utf16, spans_to_utf16

    text = "😀 Ana\r\n👩‍👩‍👧 김철수 e\u0301"
    spans = [Span(2, 5, "PER"), Span(7, 12, "X"), Span(13, 16, "PER"), Span(17, 19, "Y")]
    page = spans_to_utf16(text, spans)
    assert page[0] == {"start": 3, "end": 6, "label": "PER"}
    assert page[1] == {"start": 8, "end": 16, "label": "X"}  # three astral characters
    assert spans_from_utf16(text, [Span(p["start"], p["end"], p["label"]) for p in page]) == spans


@pytest.mark.parametrize(("start", "end", "message"), [
    (3, 3, "empty or reversed"), (-1, 2, "empty or reversed"),
    (1, 3, "inside a surrogate pair"), (0, 99, "past the end"),
])
def test_spans_from_utf16_refuse_what_no_selection_gives(start, end, message) -> None:
    from textloop.spans import spans_from_utf16

    with pytest.raises(SpanError, match=message) as caught:
        spans_from_utf16("😀 Ana", [Span(start, end, "PER")])
    assert caught.value.fix
