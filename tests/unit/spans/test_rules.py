"""Compiling span rules and applying them: regex groups and flags, gazetteers across scripts."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.unit.spans.gazetteer_oracle import one_lookbehind_per_phrase
from textloop.config import SpanRule
from textloop.errors import ConfigError
from textloop.spans import Span
from textloop.spans.rules import compile_span_rules, phrase_pattern

KR_MOBILE = r"(?<!\d)01[016789]-?\d{3,4}-?\d{4}(?!\d)"


def texts_of(text: str, spans: list[Span]) -> list[str]:
    return [text[s.start:s.end] for s in spans]


def one(rule: SpanRule, text: str) -> list[str]:
    (spans,) = compile_span_rules([rule]).apply(text)
    assert all(s.label == rule.label for s in spans)
    return texts_of(text, spans)


def test_korean_mobile_regex_finds_numbers_with_and_without_dashes() -> None:
    rule = SpanRule(name="kr-mobile", label="PHONE", regex=KR_MOBILE)
    text = "연락처 010-1234-5678, 또는 01098765432로 (02-123-4567 아님, 0101234567800도 아님)"
    assert one(rule, text) == ["010-1234-5678", "01098765432"]


def test_a_capture_group_gives_the_span() -> None:
    rule = SpanRule(name="after-keyword", label="PHONE", group="number",
                    regex=r"(?:전화|tel)\s*:?\s*(?P<number>01[016789]-?\d{3,4}-?\d{4})")
    text = "전화: 010-1111-2222 그리고 010-3333-4444, Tel 011-555-6666"
    assert one(rule, text) == ["010-1111-2222", "011-555-6666"]
    by_number = rule.model_copy(update={"group": 1})
    assert one(by_number, text) == ["010-1111-2222", "011-555-6666"]


def test_an_optional_group_that_did_not_match_gives_no_span() -> None:
    rule = SpanRule(name="title", label="PER", regex=r"(?:Dr\. (\w+))|Mr\.", group=1,
                    case_sensitive=True)
    assert one(rule, "Mr. Kim met Dr. Lee") == ["Lee"]


def test_regex_case_and_flags() -> None:
    assert one(SpanRule(name="r", label="X", regex="abc"), "ABC abc") == ["ABC", "abc"]
    assert one(SpanRule(name="r", label="X", regex="abc", case_sensitive=True),
               "ABC abc") == ["abc"]
    assert one(SpanRule(name="r", label="X", regex="^id: \\w+$", flags=["MULTILINE"]),
               "id: a\nid: b") == ["id: a", "id: b"]


def test_gazetteer_matches_inside_korean_without_spaces() -> None:
    rule = SpanRule(name="brands", label="BRAND", phrases=["삼성전자", "삼성", "현대자동차"])
    text = "삼성전자가현대자동차와 손잡았다. 삼성은"
    # the longest phrase wins at a position; particles attached without spaces are fine
    assert one(rule, text) == ["삼성전자", "현대자동차", "삼성"]


def test_gazetteer_needs_word_boundaries_in_latin_but_not_next_to_hangul() -> None:
    rule = SpanRule(name="brands", label="BRAND", phrases=["Apple", "Galaxy S24"])
    text = "Pineapple, Apples, Apple에서 산 galaxy   s24와 Apple\u0301 and APPLE."
    assert one(rule, text) == ["Apple", "galaxy   s24", "APPLE"]


def test_gazetteer_case_sensitive_and_cjk_and_emoji() -> None:
    rule = SpanRule(name="places", label="LOC", phrases=["東京", "Seoul", "🗼"],
                    case_sensitive=True)
    assert one(rule, "東京タワー🗼 seoul Seoul") == ["東京", "🗼", "Seoul"]


def test_phrases_with_regex_characters_are_literal() -> None:
    rule = SpanRule(name="p", label="X", phrases=["C++", "a.b"])
    assert one(rule, "C++ and axb and a.b") == ["C++", "a.b"]


def test_apply_gives_each_rules_spans_in_rule_order() -> None:
    rules = compile_span_rules([SpanRule(name="phone", label="PHONE", regex=KR_MOBILE),
                                SpanRule(name="brand", label="BRAND", phrases=["LG전자"])],
                               labels=["PHONE", "BRAND"])
    text = "LG전자 고객센터 010-1234-5678"
    assert rules.names == ["phone", "brand"] and rules.labels == ["PHONE", "BRAND"]
    assert rules.apply(text) == [[Span(10, 23, "PHONE")], [Span(0, 4, "BRAND")]]
    assert rules.apply_many([text, "없음"])[1] == [[], []]


def test_unknown_labels_and_repeated_names_name_their_key() -> None:
    rule = SpanRule(name="r", label="PHONE", regex="1")
    with pytest.raises(ConfigError, match=r"span_rules\.0\.label.*'PHONE'") as caught:
        compile_span_rules([rule], labels=["PER"])
    assert "PER" in (caught.value.hint or "")
    with pytest.raises(ConfigError, match=r"span_rules\.1\.name.*span_rules\.0"):
        compile_span_rules([rule, rule])


_PIECES = ["Ana", "ana", "New", "York", "New York", "서울", "서울역", "#tag", "tag", "é",
           "e\u0301", "東京", "😀", "-x", "x-", "A.B.", "NY", "york city"]


@settings(max_examples=200)
@given(phrases=st.lists(st.sampled_from(_PIECES), min_size=1, max_size=8),
       words=st.lists(st.sampled_from([*_PIECES, " ", "  ", "\n", "가", ".", "s", "!"]),
                      max_size=14),
       case_sensitive=st.booleans())
def test_a_gazetteer_finds_exactly_what_one_lookbehind_per_phrase_found(
        phrases, words, case_sensitive) -> None:
    """Phrases that need a word boundary before them share one look-behind: it is checked
    once per position instead of once per phrase (thousands of phrases made it the cost),
    and every match stays the same, because those phrases and the others never start with
    the same character."""
    text = "".join(words)
    new = phrase_pattern(phrases, case_sensitive)
    old = one_lookbehind_per_phrase(phrases, case_sensitive)
    assert [m.span() for m in new.finditer(text)] == [m.span() for m in old.finditer(text)]
