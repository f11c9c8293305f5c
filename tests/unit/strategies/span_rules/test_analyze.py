"""Span rule analysis on a hand-counted example: coverage, overlaps, conflicts, precision."""

from __future__ import annotations

import pytest

from textloop.config import SpanRule
from textloop.errors import InvalidInputError
from textloop.spans import Span
from textloop.spans.rules import compile_span_rules
from textloop.strategies.span_rules import analyze_span_rules

# tokens: Call 0-4 | 010 5-8 | - | 1234 9-13 | - | 5678 14-18 | now 19-22
T0 = "Call 010-1234-5678 now"
# tokens: 삼 성 전 자 (one per syllable) | 010 5-8 | - | 1234 9-13 | - | 5678 14-18
T1 = "삼성전자 010-1234-5678"
T2 = "Apple 아이폰"
T3 = "nothing"
NAMES = ["phone", "brand", "number", "brand2"]
LABELS = ["PHONE", "BRAND", "NUM", "BRAND"]
SPANS = [
    [[Span(5, 18, "PHONE")], [], [Span(5, 8, "NUM"), Span(9, 13, "NUM"), Span(14, 18, "NUM")],
     []],
    [[Span(9, 18, "PHONE")], [Span(0, 4, "BRAND")], [Span(5, 8, "NUM")], []],
    [[], [Span(0, 5, "BRAND")], [], [Span(0, 5, "BRAND")]],
    [[], [], [], []],
]
GOLD = [[Span(5, 18, "PHONE")], [Span(0, 4, "BRAND"), Span(5, 18, "PHONE")], None, []]


def test_hand_counted_statistics() -> None:
    result = analyze_span_rules([T0, T1, T2, T3], SPANS, NAMES, LABELS, GOLD)
    assert (result.n_items, result.n_gold) == (4, 3)
    assert (result.coverage, result.overlap, result.conflict) == (3 / 4, 2 / 4, 1 / 4)
    phone, brand, number, brand2 = result.rules
    # phone: overlaps the NUM spans on T0 only (on T1 it starts after "010")
    assert (phone.label, phone.coverage, phone.n_spans) == ("PHONE", 0.5, 2)
    assert (phone.n_overlapping, phone.n_conflicting, phone.overlaps) == (1, 1, 0.5)
    # gold: exact on T0, partial on T1
    assert phone.n_gold_spans == 2
    assert phone.strict_precision == 0.5 and phone.partial_precision == 0.75
    assert phone.strict_recall == 0.5
    # brand: agrees with brand2 on T2 (overlap, no conflict); right on T1 (T2 has no gold)
    assert (brand.n_overlapping, brand.n_conflicting, brand.conflicts) == (1, 0, 0.0)
    assert (brand.n_gold_spans, brand.strict_precision, brand.strict_recall) == (1, 1.0, 1.0)
    # number: its three T0 spans sit inside the phone span; no gold NUM at all
    assert (number.n_spans, number.n_overlapping, number.n_conflicting) == (4, 3, 3)
    assert number.overlaps == 0.75 and number.strict_precision == 0.0
    assert number.partial_precision == 0.0 and number.strict_recall is None
    # brand2 fires only where there is no gold: no precision, rather than 0
    assert (brand2.coverage, brand2.n_gold_spans, brand2.strict_precision) == (0.25, 0, None)
    assert result.to_dict()["rules"][0]["name"] == "phone"


def test_overlap_is_sharing_a_token_not_a_character() -> None:
    spans = [[[Span(0, 3, "A")], [Span(4, 7, "B")]]]
    result = analyze_span_rules(["Samsung"], spans, ["a", "b"], ["A", "B"])
    assert [r.n_conflicting for r in result.rules] == [1, 1]
    assert result.conflict == 1.0 and result.n_gold == 0
    assert result.rules[0].strict_precision is None


def test_analysis_of_compiled_rules_on_korean_text() -> None:
    rules = compile_span_rules([
        SpanRule(name="kr-mobile", label="PHONE", regex=r"01[016789]-?\d{3,4}-?\d{4}"),
        SpanRule(name="brands", label="BRAND", phrases=["삼성전자", "LG전자"])])
    texts = ["삼성전자서비스 01012345678", "LG전자에 문의", "없음"]
    gold = [[Span(0, 4, "BRAND"), Span(8, 19, "PHONE")], [Span(0, 4, "BRAND")], []]
    result = analyze_span_rules(texts, rules.apply_many(texts), rules.names, rules.labels, gold)
    assert [r.coverage for r in result.rules] == [pytest.approx(1 / 3), pytest.approx(2 / 3)]
    assert [r.strict_precision for r in result.rules] == [1.0, 1.0]
    assert result.overlap == 0.0


def test_shapes_must_agree() -> None:
    with pytest.raises(InvalidInputError, match="one row of 2 span lists"):
        analyze_span_rules(["a"], [[[]]], ["x", "y"], ["X", "Y"])
    with pytest.raises(InvalidInputError, match="1 gold entries"):
        analyze_span_rules(["a", "b"], [[[]], [[]]], ["x"], ["X"], [None])
