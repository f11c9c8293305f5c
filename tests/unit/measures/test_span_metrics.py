"""Entity-level span scores against hand-computed cases (English, Hangul, emoji), each
convention (zero divisions, types left out, macro means) and bad input."""

from __future__ import annotations

import json

import pytest

from textloop.errors import InvalidInputError
from textloop.measures.span_metrics import span_metrics
from textloop.spans import Span

# Alice 0-5, met 6-9, Bob 10-13, in 14-16, Paris 17-22
EN = "Alice met Bob in Paris"
# 서울에서 0-4 (one token per syllable), 삼성전자를 5-10, 만났다 11-14
KO = "서울에서 삼성전자를 만났다"
# Call 0-4, 📞 5, Ana 7-10, 👩‍💻 11-14 (three code points, one token), now 15-18
EMOJI = "Call \U0001f4de Ana \U0001f469\u200d\U0001f4bb now"
TEXTS = {"en": EN, "ko": KO, "emoji": EMOJI}
GOLD = {"en": [Span(0, 5, "PER"), Span(10, 13, "PER"), Span(17, 22, "LOC")],
        "ko": [Span(0, 2, "LOC"), Span(5, 9, "ORG")],
        "emoji": [Span(7, 10, "PER")]}
PRED = {"en": [Span(0, 5, "PER"), Span(10, 16, "PER"), Span(17, 22, "ORG")],
        "ko": [Span(0, 2, "LOC"), Span(5, 7, "ORG")],
        "emoji": [Span(11, 14, "PER")]}


def test_strict_scores_by_hand() -> None:
    m = span_metrics(GOLD, PRED, TEXTS, labels=["PER", "ORG", "LOC"])
    # exact: PER 0-5 (en), LOC 0-2 (ko): 2 of 6 gold, 2 of 6 predicted
    assert (m["n_records"], m["n_gold"], m["n_predicted"], m["n_correct"]) == (3, 6, 6, 2)
    assert m["entity_micro_precision"] == pytest.approx(2 / 6)
    assert m["entity_micro_recall"] == pytest.approx(2 / 6)
    assert m["entity_micro_f1"] == pytest.approx(1 / 3)
    assert list(m["per_type"]) == m["types"] == ["PER", "ORG", "LOC"]
    per = m["per_type"]
    assert (per["PER"]["precision"], per["PER"]["recall"], per["PER"]["support"]) == (
        pytest.approx(1 / 3), pytest.approx(1 / 3), 3)
    assert (per["LOC"]["precision"], per["LOC"]["recall"], per["LOC"]["f1"]) == (
        1.0, 0.5, pytest.approx(2 / 3))
    assert (per["ORG"]["precision"], per["ORG"]["recall"], per["ORG"]["f1"]) == (0.0, 0.0, 0.0)
    assert (per["ORG"]["support"], per["ORG"]["n_predicted"]) == (1, 2)
    # macro: the mean of the per-type numbers (F1 averaged, not recomputed from P and R)
    assert m["entity_macro_precision"] == pytest.approx((1 / 3 + 0 + 1) / 3)
    assert m["entity_macro_recall"] == pytest.approx((1 / 3 + 0 + 1 / 2) / 3)
    assert m["entity_macro_f1"] == pytest.approx((1 / 3 + 0 + 2 / 3) / 3)
    # each score under one key: the goal's old names (span_f1, ...) are config aliases only
    assert not {"span_f1", "span_precision", "span_recall", "partial_f1"} & set(m)


def test_partial_credit_is_half_for_an_overlap_of_the_same_type() -> None:
    m = span_metrics(GOLD, PRED, TEXTS)
    per = m["per_type"]
    # PER 10-13 ~ 10-16 and ORG 5-9 ~ 5-7 earn 0.5; LOC 17-22 vs ORG 17-22 earns nothing
    assert m["n_partial"] == 2
    assert (per["PER"]["partial_precision"], per["PER"]["partial_f1"]) == (0.5, 0.5)
    assert (per["ORG"]["partial_precision"], per["ORG"]["partial_recall"]) == (0.25, 0.5)
    assert per["ORG"]["partial_f1"] == pytest.approx(1 / 3)
    assert per["LOC"]["partial_recall"] == 0.5
    assert m["partial_micro_precision"] == m["partial_micro_recall"] == 0.5
    assert m["partial_macro_precision"] == pytest.approx((0.5 + 0.25 + 1) / 3)
    assert m["partial_macro_f1"] == pytest.approx((0.5 + 1 / 3 + 2 / 3) / 3)


def test_token_accuracy_counts_every_word_token() -> None:
    m = span_metrics(GOLD, PRED, TEXTS)
    # en 5 tokens, 3 alike (Alice, met, Bob); ko 12 syllables, 10 alike (자, 전 differ);
    # emoji 5 tokens (the ZWJ sequence is one), 3 alike (Ana and 👩‍💻 differ)
    assert m["n_tokens"] == 22
    assert m["token_accuracy"] == pytest.approx(16 / 22)


def test_a_type_only_predicted_counts_in_the_macro_mean_with_zero_recall() -> None:
    text = {"r": "Ana at Acme"}
    m = span_metrics({"r": [Span(0, 3, "PER")]},
                     {"r": [Span(0, 3, "PER"), Span(7, 11, "ORG")]}, text,
                     labels=["PER", "ORG", "LOC"])
    assert m["per_type"]["ORG"] == {**m["per_type"]["ORG"], "precision": 0.0, "recall": 0.0,
                                    "f1": 0.0, "support": 0, "n_predicted": 1}
    assert m["entity_macro_f1"] == pytest.approx((1.0 + 0.0) / 2)
    # LOC: neither gold nor predicted, so it is left out of per_type and the macro mean
    assert "LOC" not in m["per_type"] and m["absent_types"] == ["LOC"]


def test_a_type_never_predicted_has_zero_precision_not_undefined() -> None:
    m = span_metrics({"r": [Span(0, 3, "PER")]}, {"r": []}, {"r": "Ana"})
    assert m["per_type"]["PER"]["precision"] == 0.0
    assert m["entity_micro_precision"] == m["entity_micro_f1"] == 0.0
    assert m["token_accuracy"] == 0.0  # the one token is PER in gold, O predicted


def test_no_spans_anywhere_scores_zero_and_stays_json() -> None:
    m = span_metrics({"r": []}, {"r": []}, {"r": "nothing here"})
    assert m["per_type"] == {} and m["types"] == []
    for key in ("entity_micro_f1", "entity_macro_f1", "partial_micro_f1", "partial_macro_f1"):
        assert m[key] == 0.0
    assert m["token_accuracy"] == 1.0  # every token O on both sides
    assert json.loads(json.dumps(m, allow_nan=False)) == m


def test_no_records_and_no_tokens() -> None:
    m = span_metrics({}, {}, {})
    assert (m["n_records"], m["n_tokens"], m["token_accuracy"], m["entity_micro_f1"]) == (
        0, 0, 0.0, 0.0)


def test_duplicate_predictions_count_once() -> None:
    twice = {"r": [Span(0, 3, "PER"), Span(0, 3, "PER")]}
    m = span_metrics({"r": [Span(0, 3, "PER")]}, twice, {"r": "Ana"})
    assert (m["n_predicted"], m["entity_micro_precision"]) == (1, 1.0)


def test_a_gold_record_without_prediction_is_refused() -> None:
    with pytest.raises(InvalidInputError, match="record ko: gold spans but no prediction"):
        span_metrics(GOLD, {"en": PRED["en"], "emoji": []}, TEXTS)


def test_a_prediction_for_a_record_without_gold_is_refused() -> None:
    with pytest.raises(InvalidInputError, match="record zz: spans were predicted"):
        span_metrics(GOLD, {**PRED, "zz": []}, TEXTS)


def test_a_span_outside_its_text_names_the_record_and_side() -> None:
    with pytest.raises(InvalidInputError, match="record emoji, predicted: span 11-40") as caught:
        span_metrics(GOLD, {**PRED, "emoji": [Span(11, 40, "PER")]}, TEXTS)
    assert caught.value.hint


def test_a_record_without_text_is_refused() -> None:
    with pytest.raises(InvalidInputError, match="record ko: spans were given but no text"):
        span_metrics(GOLD, PRED, {"en": EN, "emoji": EMOJI})
