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
    text = "Hi, 서울에서 東京!\tcafe\u0301 👩\u200d💻👍🏽 🇰🇷 @user_1 #tag\r\n3.5"
    assert words(text, tokenize(text)) == [
        "Hi", ",", "서울에서", "東", "京", "!", "cafe\u0301", "👩\u200d💻", "👍🏽", "🇰🇷",
        "@", "user_1", "#", "tag", "3", ".", "5"]


def test_char_tokens_keep_spaces_and_marks() -> None:
    text = "한 국e\u0301"
    assert words(text, char_tokens(text)) == ["한", " ", "국", "e\u0301"]


def test_misaligned_spans_are_widened_and_reported() -> None:
    text = "서울에서 만나요 Obama"
    offsets = tokenize(text)
    alignment = Alignment()
    spans = [Span(0, 2, "LOC"), Span(9, 14, "PER"), Span(4, 5, "X")]
    assert to_token_spans(text, spans, offsets, alignment) == [Span(0, 1, "LOC"),
                                                              Span(2, 3, "PER")]
    assert (alignment.expanded, alignment.dropped) == (1, 1)
    message = alignment.message()
    assert message is not None
    assert "1 span(s) did not fall on token boundaries and were widened" in message
    assert "1 span(s) covered no token" in message
    assert "first: LOC 0-2 '서울' -> 0-4 '서울에서'" in message
    assert Alignment().message() is None


PIECES = ["word", "서울", "東", "😀", "👩\u200d💻", "e\u0301", ",", "Ab1"]


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
