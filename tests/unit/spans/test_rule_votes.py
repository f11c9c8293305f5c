"""Combining span rules: per-token majority, ties left out, boundaries, determinism."""

from __future__ import annotations

import itertools

from textloop.registry import REGISTRY
from textloop.spans import Span
from textloop.spans.rule_votes import combine_spans

TEXT = "Call Kim at Samsung"  # Call 0-4, Kim 5-8, at 9-11, Samsung 12-19


def test_the_majority_label_wins_per_token() -> None:
    votes = [[Span(5, 8, "PER")], [Span(5, 8, "PER")], [Span(5, 8, "ORG")]]
    assert combine_spans(TEXT, votes) == [Span(5, 8, "PER")]


def test_a_tie_leaves_the_token_out_and_silence_is_no_vote() -> None:
    votes = [[Span(12, 19, "ORG")], [Span(12, 19, "BRAND"), Span(5, 8, "PER")], []]
    # Samsung: ORG 1, BRAND 1 -> tie, no span; Kim: one PER vote, the others abstain
    assert combine_spans(TEXT, votes) == [Span(5, 8, "PER")]


def test_spans_are_widened_to_whole_tokens() -> None:
    assert combine_spans("Samsungs phone", [[Span(0, 7, "ORG")]]) == [Span(0, 8, "ORG")]


def test_korean_ties_per_syllable() -> None:
    text = "삼성전자가 왔다"
    votes = [[Span(0, 4, "BRAND")], [Span(0, 2, "ORG")]]
    # 삼 성: BRAND vs ORG, tied; 전 자: BRAND alone
    assert combine_spans(text, votes) == [Span(2, 4, "BRAND")]
    assert combine_spans(text, [*votes, [Span(0, 4, "BRAND")]]) == [Span(0, 4, "BRAND")]


PHONES = "010-1111-2222 010-3333-4444"  # two numbers, 13 characters each


def test_touching_spans_of_one_label_stay_apart_when_most_voters_split_them() -> None:
    two = [Span(0, 13, "PHONE"), Span(14, 27, "PHONE")]
    one = [Span(0, 27, "PHONE")]
    assert combine_spans(PHONES, [two, two, one]) == two
    # one rule splits, one does not: not a majority for a new span, so one span
    assert combine_spans(PHONES, [two, one]) == one


def test_the_result_does_not_depend_on_rule_or_span_order() -> None:
    votes = [[Span(12, 19, "ORG"), Span(5, 8, "PER")], [Span(5, 8, "PER")],
             [Span(12, 19, "ORG"), Span(0, 8, "MISC")]]
    expected = combine_spans(TEXT, votes)
    # Call: MISC alone; Kim: PER 2 to MISC 1; Samsung: ORG 2
    assert expected == [Span(0, 4, "MISC"), Span(5, 8, "PER"), Span(12, 19, "ORG")]
    for order in itertools.permutations(votes):
        assert combine_spans(TEXT, [list(reversed(spans)) for spans in order]) == expected


def test_registered_as_a_versioned_span_label_model() -> None:
    name, function = REGISTRY.resolve("span_label_model", "majority")
    assert name == "textloop.span_label_model.majority.v1" and function is combine_spans
