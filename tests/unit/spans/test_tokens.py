"""Tokens and text: recorded joins with exact offsets, a tokenizer that keeps offsets and
graphemes whole, and spans widened (and counted) when they cut a token."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from textloop.spans import Span, SpanError
from textloop.spans.tokens import (
    Alignment,
    char_tokens,
    detokenize,
    to_char_spans,
    to_token_spans,
    tokenize,
)


def words(text: str, offsets: list[tuple[int, int]]) -> list[str]:
    return [text[s:e] for s, e in offsets]


def test_detokenize_records_offsets_for_both_joins() -> None:
    text, offsets = detokenize(["서울", "에서", "👩\u200d💻", "e\u0301"])
    assert text == "서울 에서 👩\u200d💻 e\u0301"
    assert words(text, offsets) == ["서울", "에서", "👩\u200d💻", "e\u0301"]
    text, offsets = detokenize(["서", "울", " ", "시"], "none")
    assert text == "서울 시" and offsets == [(0, 1), (1, 2), (2, 3), (3, 4)]
    with pytest.raises(SpanError, match="unknown join"):
        detokenize(["a"], "tab")


def test_tokenize_splits_words_punctuation_and_cjk_and_keeps_graphemes() -> None:
    text = "Hi, 서울에서 東京!\tcafe\u0301 👩\u200d💻👍🏽 @user #tag\r\n3.5"
    assert words(text, tokenize(text)) == [
        "Hi", ",", "서", "울", "에", "서", "東", "京", "!", "cafe\u0301", "👩\u200d💻",
        "👍🏽", "@", "user", "#", "tag", "3", ".", "5"]


def test_char_tokens_keep_spaces_marks_and_emoji_sequences() -> None:
    text = "한 국e\u0301\t👩\u200d💻"
    assert words(text, char_tokens(text)) == ["한", " ", "국", "e\u0301", "\t", "👩\u200d💻"]


def test_misaligned_spans_are_widened_and_reported() -> None:
    text = "Obamas met 서울 people"
    offsets = tokenize(text)
    alignment = Alignment()
    spans = [Span(0, 5, "PER"), Span(11, 13, "LOC"), Span(8, 9, "X"), Span(10, 11, "Y")]
    assert to_token_spans(text, spans, offsets, alignment) == [
        Span(0, 1, "PER"), Span(2, 4, "LOC"), Span(1, 2, "X")]
    assert (alignment.expanded, alignment.dropped) == (2, 1)
    message = alignment.message()
    assert message is not None
    assert "2 span(s) did not fall on token boundaries and were widened" in message
    assert "1 span(s) covered no token" in message
    assert "first: PER 0-5 'Obama' -> 0-6 'Obamas'" in message
    assert Alignment().message() is None


PIECES = ["word", "서", "東", "😀", "👩\u200d💻", "e\u0301", ",", "Ab1", "👍🏽"]


@given(st.lists(st.sampled_from(PIECES), min_size=1, max_size=12), st.data())
def test_token_spans_map_to_char_spans_and_back(pieces: list[str], data: st.DataObject
                                                ) -> None:
    text, offsets = detokenize(pieces)
    assert tokenize(text) == offsets
    start = data.draw(st.integers(0, len(pieces) - 1))
    end = data.draw(st.integers(start + 1, len(pieces)))
    token_span = Span(start, end, "L")
    [char_span] = to_char_spans([token_span], offsets)
    alignment = Alignment()
    assert to_token_spans(text, [char_span], offsets, alignment) == [token_span]
    assert alignment.message() is None
