"""Span error analysis: each kind of mistake by hand, the one-to-one rounds, examples,
the confusion matrix, and a property test that every span is counted exactly once."""

from __future__ import annotations

import json

from hypothesis import given, settings
from hypothesis import strategies as st

from tests.unit.measures.test_span_metrics import EMOJI, GOLD, PRED, TEXTS
from textloop.measures.span_errors import KINDS, ShownSpan, classify_spans, span_errors
from textloop.measures.span_metrics import span_metrics
from textloop.spans import Span, canonical


def test_each_mistake_by_hand() -> None:
    report = span_errors(GOLD, PRED, TEXTS, labels=["PER", "ORG", "LOC"])
    # en: PER 10-13 -> 10-16 (boundary), LOC 17-22 -> ORG (type); ko: ORG 5-9 -> 5-7
    # (boundary); emoji: PER Ana missed, PER on the emoji spurious
    assert report.counts == {"missed": 1, "spurious": 1, "wrong_type": 1,
                             "wrong_boundary": 2, "wrong_type_and_boundary": 0}
    assert (report.n_gold, report.n_predicted, report.n_correct) == (6, 6, 2)
    (wrong_type,) = report.examples["wrong_type"]
    assert (wrong_type.record_id, wrong_type.gold, wrong_type.predicted) == (
        "en", ShownSpan(17, 22, "LOC", "Paris"), ShownSpan(17, 22, "ORG", "Paris"))
    assert [(m.record_id, m.gold and m.gold.text, m.predicted and m.predicted.text)
            for m in report.examples["wrong_boundary"]] == [
        ("en", "Bob", "Bob in"), ("ko", "삼성전자", "삼성")]


def test_confusion_matrix_of_types_with_a_none_row_and_column() -> None:
    report = span_errors(GOLD, PRED, TEXTS, labels=["PER", "ORG", "LOC"])
    assert report.types == ["PER", "ORG", "LOC"]
    # rows gold PER, ORG, LOC, none; columns predicted in the same order
    assert report.confusion == [[2, 0, 0, 1],   # PER: correct + boundary; Ana missed
                                [0, 1, 0, 0],   # ORG: boundary (same type)
                                [0, 1, 1, 0],   # LOC: Paris as ORG; 서울 correct
                                [1, 0, 0, 0]]   # the emoji spuriously PER
    as_dict = report.to_dict()
    assert as_dict["confusion"] == {"labels": ["PER", "ORG", "LOC", None],
                                    "counts": report.confusion}
    assert json.loads(json.dumps(as_dict)) == as_dict


def test_wrong_type_and_boundary() -> None:
    text = {"r": "Acme Corp hired Bob"}
    report = span_errors({"r": [Span(0, 9, "ORG")]}, {"r": [Span(0, 4, "PER")]}, text)
    assert report.counts["wrong_type_and_boundary"] == 1
    assert sum(report.counts.values()) == 1
    (mistake,) = report.examples["wrong_type_and_boundary"]
    assert (mistake.gold, mistake.predicted) == (ShownSpan(0, 9, "ORG", "Acme Corp"),
                                                 ShownSpan(0, 4, "PER", "Acme"))


def test_a_same_type_overlap_is_paired_before_an_other_type_with_same_bounds() -> None:
    gold = [Span(0, 5, "PER")]
    pred = [Span(0, 5, "ORG"), Span(0, 3, "PER")]
    assert classify_spans(gold, canonical(pred)) == [
        ("wrong_boundary", Span(0, 5, "PER"), Span(0, 3, "PER")),
        ("spurious", None, Span(0, 5, "ORG"))]


def test_pairs_are_one_to_one() -> None:
    # one gold span, two predictions with its boundaries and other types: one is the wrong
    # type, the other has nothing left to pair with
    kinds = [kind for kind, *_ in classify_spans(
        [Span(0, 5, "PER")], canonical([Span(0, 5, "ORG"), Span(0, 5, "LOC")]))]
    assert sorted(kinds) == ["spurious", "wrong_type"]
    # the largest overlap wins a gold span two wrong-type predictions overlap
    rows = classify_spans([Span(0, 10, "PER")], canonical([Span(0, 2, "ORG"),
                                                           Span(3, 10, "LOC")]))
    assert ("wrong_type_and_boundary", Span(0, 10, "PER"), Span(3, 10, "LOC")) in rows


def test_examples_are_bounded_and_keep_whole_tokens_around_them() -> None:
    gold = {f"r{i}": [Span(7, 10, "PER")] for i in range(4)}
    report = span_errors(gold, {rid: [] for rid in gold}, {rid: EMOJI for rid in gold},
                         examples=2, context_chars=3)
    assert report.counts["missed"] == 4
    assert [m.record_id for m in report.examples["missed"]] == ["r0", "r1"]
    first = report.examples["missed"][0]
    # 3 characters each side of Ana (7-10) would cut the 👩‍💻 sequence (11-14) after its
    # joiner; the context takes the whole emoji instead
    assert (first.context, first.context_start) == (" \U0001f4de Ana \U0001f469\u200d\U0001f4bb", 4)
    assert first.gold == ShownSpan(7, 10, "PER", "Ana") and first.predicted is None


def test_hangul_context_and_empty_inputs() -> None:
    ko = {"r": "서울에서 삼성전자를 만났다"}
    report = span_errors({"r": []}, {"r": [Span(5, 9, "ORG")]}, ko, context_chars=1)
    (spurious,) = report.examples["spurious"]
    assert (spurious.predicted, spurious.context) == (ShownSpan(5, 9, "ORG", "삼성전자"),
                                                      " 삼성전자를")
    empty = span_errors({}, {}, {})
    assert empty.counts == dict.fromkeys(KINDS, 0)
    assert empty.confusion == [[0]] and empty.types == []


spans = st.builds(lambda a, n, label: Span(a, a + n, label), st.integers(0, 15),
                  st.integers(1, 5), st.sampled_from(["A", "B", "C"]))


@settings(max_examples=200, deadline=None)
@given(st.lists(spans, max_size=6), st.lists(spans, max_size=6))
def test_every_span_is_counted_once_and_agrees_with_the_scores(
        gold: list[Span], pred: list[Span]) -> None:
    texts = {"r": "x" * 20}
    report = span_errors({"r": gold}, {"r": pred}, texts)
    scores = span_metrics({"r": gold}, {"r": pred}, texts)
    c = report.counts
    paired = c["wrong_type"] + c["wrong_boundary"] + c["wrong_type_and_boundary"]
    assert report.n_gold == report.n_correct + c["missed"] + paired == scores["n_gold"]
    assert report.n_predicted == report.n_correct + c["spurious"] + paired
    assert report.n_correct == scores["n_correct"]
    # the wrong-boundary pairs are exactly the partial-credit pairs
    assert c["wrong_boundary"] == scores["n_partial"]
    matrix = report.confusion
    assert sum(map(sum, matrix)) == report.n_correct + paired + c["missed"] + c["spurious"]
    assert sum(row[-1] for row in matrix) == c["missed"]
    assert sum(matrix[-1]) == c["spurious"]
