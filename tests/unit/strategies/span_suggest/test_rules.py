"""Span rules as a suggester: each span named after the rule that proposed it."""

from __future__ import annotations

from textloop.config import SpanRule
from textloop.spans.rules import compile_span_rules
from textloop.strategies.span_suggest import RuleSuggester, SuggestedSpan


def test_each_rule_proposes_its_spans_under_its_own_name() -> None:
    rules = compile_span_rules([
        SpanRule(name="kr-mobile", label="PHONE", regex=r"01[016789]-?\d{3,4}-?\d{4}"),
        SpanRule(name="brands", label="BRAND", phrases=["삼성전자", "Apple"]),
    ])
    text = "삼성전자가 010-1234-5678로 연락, Apple도"
    (found, empty) = RuleSuggester(rules).suggest([text, "nothing here"])
    assert empty == []
    assert found == [SuggestedSpan(0, 4, "BRAND", "rule:brands"),
                     SuggestedSpan(6, 19, "PHONE", "rule:kr-mobile"),
                     SuggestedSpan(25, 30, "BRAND", "rule:brands")]
    assert [text[s.start:s.end] for s in found] == ["삼성전자", "010-1234-5678", "Apple"]
    assert found[0].span.label == "BRAND" and found[0].to_dict()["source"] == "rule:brands"


def test_two_rules_proposing_the_same_span_are_both_listed() -> None:
    rules = compile_span_rules([SpanRule(name="a", label="ORG", phrases=["Acme"]),
                                SpanRule(name="b", label="ORG", regex="Acme")])
    (found,) = RuleSuggester(rules).suggest(["Acme"])
    assert [s.source for s in found] == ["rule:a", "rule:b"]
