"""What one classify request may send: how many texts, how long, and only storable text."""

from __future__ import annotations

import pytest

from textloop.errors import InvalidInputError
from textloop.stages.serving.errors import TooLargeError
from textloop.stages.serving.limits import check_texts, texts_of


def test_each_text_is_named_by_the_field_it_came_in() -> None:
    sent = texts_of("first", ["a", "b"])
    assert [(s.field, s.text) for s in sent] == [("text", "first"), ("texts[0]", "a"),
                                                 ("texts[1]", "b")]
    assert [s.field for s in texts_of(None, ["a", "b"])] == ["texts[0]", "texts[1]"]
    with pytest.raises(InvalidInputError, match="the request has no text"):
        texts_of(None, [])


@pytest.mark.parametrize(("bad", "problem"), [("evil \ud800 row", "lone UTF-16 surrogate"),
                                              ("nul \x00 byte", "NUL character")])
def test_texts_the_store_cannot_hold_are_refused_naming_the_field(bad: str,
                                                                  problem: str) -> None:
    sent = texts_of(None, ["fine", "also fine", "ok", bad])
    with pytest.raises(InvalidInputError) as refused:
        check_texts(sent, max_texts=10, max_chars=100)
    assert refused.value.message.startswith(f"texts[3] contains a {problem}")
    assert refused.value.details == {"field": "texts[3]"}
    assert bad not in refused.value.message and refused.value.hint
    with pytest.raises(InvalidInputError, match=r"^text contains"):
        check_texts(texts_of(bad, ["fine"]), max_texts=10, max_chars=100)


def test_counts_lengths_and_empty_texts_name_the_field_too() -> None:
    with pytest.raises(TooLargeError, match="3 texts in one request; the limit is 2"):
        check_texts(texts_of(None, ["a", "b", "c"]), max_texts=2, max_chars=100)
    with pytest.raises(InvalidInputError, match=r"^texts\[1\] is empty"):
        check_texts(texts_of(None, ["a", " "]), max_texts=5, max_chars=100)
    with pytest.raises(InvalidInputError, match=r"^text has 6 characters; the limit is 5"):
        check_texts(texts_of("x" * 6, None), max_texts=5, max_chars=5)
