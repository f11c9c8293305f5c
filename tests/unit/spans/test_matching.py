"""Span matching (strict and SemEval-2013 partial) and the token view of spans, by hand."""

from __future__ import annotations

import pytest

from textloop.spans import Span
from textloop.spans.matching import (
    OUTSIDE,
    SpanMatch,
    covered,
    match_by_label,
    match_spans,
    pair_overlapping,
    same_label,
    token_tags,
    word_tokens,
)


def pieces(text: str) -> list[str]:
    return [text[a:b] for a, b in word_tokens(text)]


@pytest.mark.parametrize(("text", "expected"), [
    ("Hello, world!", ["Hello", ",", "world", "!"]),
    # Hangul has no spaces between a word and its particle: one syllable, one token
    ("삼성전자가 010-1234-5678로", ["삼", "성", "전", "자", "가", "010", "-", "1234", "-",
                                 "5678", "로"]),
    ("東京タワー", ["東", "京", "タ", "ワ", "ー"]),
    # a combining accent stays on its word; a ZWJ emoji and a skin-toned emoji are one token
    ("Cafe\u0301 \U0001f469\u200d\U0001f4bb ok\U0001f44d\U0001f3fd",
     ["Cafe\u0301", "\U0001f469\u200d\U0001f4bb", "ok", "\U0001f44d\U0001f3fd"]),
    ("", []),
])
def test_word_tokens(text: str, expected: list[str]) -> None:
    assert pieces(text) == expected


def test_word_tokens_offsets_are_code_points_over_the_text() -> None:
    text = "\U0001f600 Kim"  # an astral emoji is one code point, two UTF-16 units
    assert word_tokens(text) == [(0, 1), (2, 5)]


def test_covered_counts_tokens_a_span_touches_even_partly() -> None:
    tokens = word_tokens("New York City")  # (0,3) (4,8) (9,13)
    assert list(covered(tokens, Span(0, 8, "LOC"))) == [0, 1]
    assert list(covered(tokens, Span(5, 10, "LOC"))) == [1, 2]
    assert list(covered(tokens, Span(3, 4, "LOC"))) == []  # only the space


def test_token_tags_take_the_first_overlapping_span_by_start_end_label() -> None:
    tokens = word_tokens("Bank of Korea Seoul")
    wide, narrow = Span(0, 13, "ORG"), Span(8, 19, "LOC")
    # whatever order they come in, "Korea" (8-13) goes to the span starting first
    assert token_tags(tokens, [narrow, wide]) == ["ORG", "ORG", "ORG", "LOC"]
    # same start: the shorter span wins; same offsets: the smaller label
    assert token_tags(tokens, [Span(0, 13, "ORG"), Span(0, 4, "MISC")])[:3] == [
        "MISC", "ORG", "ORG"]
    assert token_tags(tokens, [Span(0, 4, "ORG"), Span(0, 4, "B")])[0] == "B"
    assert token_tags(tokens, []) == [OUTSIDE] * 4


def test_match_strict_and_partial_by_hand() -> None:
    gold = [Span(0, 5, "PER"), Span(10, 20, "ORG"), Span(30, 35, "LOC")]
    pred = [Span(0, 5, "PER"), Span(12, 20, "ORG"), Span(30, 35, "PER"), Span(40, 41, "LOC")]
    m = match_spans(gold, pred)
    # COR = 1 (PER 0-5), PAR = 1 (ORG 10-20 ~ 12-20); LOC vs PER at 30-35 is no match
    assert m == SpanMatch(n_reference=3, n_candidate=4, exact=1, partial=1)
    assert m.precision() == pytest.approx(1 / 4)
    assert m.recall() == pytest.approx(1 / 3)
    assert m.f1() == pytest.approx(2 / 7)
    assert m.precision(partial=True) == pytest.approx(1.5 / 4)
    assert m.recall(partial=True) == pytest.approx(1.5 / 3)
    assert m.f1(partial=True) == pytest.approx(3 / 7)


def test_partial_matching_is_one_to_one_and_symmetric() -> None:
    # one long gold span against two short guesses: only one of them earns partial credit
    gold = [Span(0, 10, "X")]
    pred = [Span(0, 3, "X"), Span(5, 10, "X")]
    assert match_spans(gold, pred).partial == 1
    swapped = match_spans(pred, gold)
    assert (swapped.exact, swapped.partial) == (0, 1)
    assert swapped.f1(True) == match_spans(gold, pred).f1(True)
    assert swapped.precision(True) == match_spans(gold, pred).recall(True)


def test_partial_prefers_the_largest_overlap() -> None:
    gold = [Span(0, 4, "X"), Span(5, 20, "X")]
    pred = [Span(3, 18, "X")]  # overlaps 0-4 by 1 and 5-20 by 13
    m = match_spans(gold, pred)
    assert m.partial == 1
    # and the other gold span is then free for a second guess
    assert match_spans(gold, [*pred, Span(1, 3, "X")]).partial == 2


def test_empty_lists_have_no_f1_rather_than_zero() -> None:
    none = match_spans([], [])
    assert (none.precision(), none.recall(), none.f1()) == (None, None, None)
    one_sided = match_spans([Span(0, 1, "X")], [])
    assert one_sided.f1() == 0.0 and one_sided.precision() is None


def test_match_by_label_adds_up_to_the_whole() -> None:
    gold = [Span(0, 5, "PER"), Span(10, 20, "ORG"), Span(30, 35, "LOC")]
    pred = [Span(0, 5, "PER"), Span(12, 20, "ORG"), Span(30, 35, "PER")]
    per_label = match_by_label(gold, pred)
    assert sorted(per_label) == ["LOC", "ORG", "PER"]
    assert per_label["PER"] == SpanMatch(1, 2, 1, 0)
    assert per_label["ORG"] == SpanMatch(1, 1, 0, 1)
    assert per_label["LOC"] == SpanMatch(1, 0, 0, 0)
    total = per_label["PER"] + per_label["ORG"] + per_label["LOC"]
    assert total == match_spans(gold, pred)


def test_duplicates_count_once() -> None:
    assert match_spans([Span(0, 1, "X"), Span(0, 1, "X")], [Span(0, 1, "X")]) == SpanMatch(
        1, 1, 1, 0)


def test_pair_overlapping_returns_the_pairs_partial_matching_counts() -> None:
    gold = [Span(0, 4, "X"), Span(5, 20, "X"), Span(30, 35, "Y")]
    pred = [Span(1, 3, "X"), Span(3, 18, "X"), Span(30, 33, "Z")]
    pairs = pair_overlapping(gold, pred, same_label)
    # 5-20 takes 3-18 (overlap 13), then 0-4 takes 1-3; Y and Z never pair by label
    assert pairs == [(Span(5, 20, "X"), Span(3, 18, "X")), (Span(0, 4, "X"), Span(1, 3, "X"))]
    assert len(pairs) == match_spans(gold, pred).partial
    # any condition: the Y/Z pair is found when labels may differ
    assert (Span(30, 35, "Y"), Span(30, 33, "Z")) in pair_overlapping(
        gold, pred, lambda a, b: True)
