"""Per-type span thresholds for a declared target, by hand: recall and precision targets,
targets out of reach, types without gold or predictions, duplicates and bad scores."""

from __future__ import annotations

import json
import math

import pytest

from textloop.config import BandTarget
from textloop.errors import InvalidInputError
from textloop.measures.span_metrics import SpansByRecord
from textloop.measures.span_thresholds import (
    ScoredSpansByRecord,
    TypeThreshold,
    span_thresholds,
)
from textloop.spans import Span

# four records with a Korean phone number each (3-16); the model also marks 전화 (0-2)
TEXTS = {f"r{i}": f"전화 010-1234-567{i}" for i in range(4)}
PHONE = Span(3, 16, "PHONE")
WRONG = Span(0, 2, "PHONE")
GOLD = {rid: [PHONE] for rid in TEXTS}
# scores, highest first: right .9, wrong .85, right .8, wrong .5, right .4, wrong .3;
# r3's number is never found. Kept at or above each score: 1/1, 1/2, 2/3, 2/4, 3/5, 3/6
# right, of 4 gold spans.
PRED = {"r0": [(PHONE, 0.9), (WRONG, 0.85)], "r1": [(PHONE, 0.8), (WRONG, 0.5)],
        "r2": [(PHONE, 0.4), (WRONG, 0.3)], "r3": []}


def one(target: BandTarget, predicted: ScoredSpansByRecord = PRED,
        gold: SpansByRecord = GOLD, label: str = "PHONE") -> TypeThreshold:
    """The threshold of ``label`` for ``target``."""
    result = span_thresholds(gold, predicted, TEXTS, {label: target})
    (row,) = result.types
    return row


def test_a_recall_target_takes_the_highest_threshold_that_reaches_it() -> None:
    row = one(BandTarget(recall=0.5))
    assert (row.threshold, row.met, row.n_kept, row.support) == (0.8, True, 3, 4)
    assert (row.precision, row.recall) == (pytest.approx(2 / 3), 0.5)
    assert row.f1 == pytest.approx(2 * (2 / 3) * 0.5 / (2 / 3 + 0.5))
    assert one(BandTarget(recall=0.75)).threshold == 0.4


def test_a_recall_target_out_of_reach_gets_no_threshold() -> None:
    row = one(BandTarget(recall=0.95))
    # keeping every span finds 3 of 4 phone numbers: no threshold can do better
    assert (row.threshold, row.met, row.at, row.recall, row.precision) == (
        None, False, 0.3, 0.75, 0.5)
    assert "finds 3 of 4 gold spans" in row.note


def test_a_precision_target_takes_the_lowest_threshold_that_reaches_it() -> None:
    # precision is not monotonic in the threshold: 0.6 is reached at .9 and again at .4
    row = one(BandTarget(precision=0.6))
    assert (row.threshold, row.precision, row.recall) == (0.4, 0.6, 0.75)
    assert one(BandTarget(precision=1.0)).threshold == 0.9


def test_a_precision_target_out_of_reach_reports_the_most_precise_threshold() -> None:
    predicted = {"r0": [(WRONG, 0.9), (PHONE, 0.7)], "r1": [], "r2": [], "r3": []}
    row = one(BandTarget(precision=0.9), predicted=predicted)
    assert (row.threshold, row.met, row.at, row.precision) == (None, False, 0.7, 0.5)
    assert "best 0.500" in row.note


def test_types_without_gold_or_without_predictions() -> None:
    none_predicted = one(BandTarget(recall=0.9), label="EMAIL",
                         gold={**GOLD, "r0": [PHONE, Span(0, 2, "EMAIL")]})
    assert (none_predicted.threshold, none_predicted.at, none_predicted.support) == (
        None, None, 1)
    assert "no predicted spans" in none_predicted.note
    no_gold = one(BandTarget(recall=0.9), label="NAME",
                  predicted={**PRED, "r3": [(Span(0, 2, "NAME"), 0.7)]})
    assert (no_gold.threshold, no_gold.met) == (None, False)
    assert "no gold spans of type NAME" in no_gold.note


def test_a_default_target_covers_every_other_type_and_the_result_is_json() -> None:
    predicted = {**PRED, "r3": [(Span(0, 2, "NAME"), 0.7)]}
    result = span_thresholds(GOLD, predicted, TEXTS, {"PHONE": BandTarget(recall=0.5)},
                             default=BandTarget(precision=0.5), labels=["NAME", "PHONE"])
    assert [row.label for row in result.types] == ["NAME", "PHONE"]
    assert result.thresholds == {"PHONE": 0.8}
    assert result.unmet == ["NAME: no threshold reaches precision 0.5 (best 0.000)"]
    as_dict = result.to_dict()
    assert json.loads(json.dumps(as_dict, allow_nan=False)) == as_dict
    assert as_dict["types"][1]["target"] == {"recall": 0.5}


def test_a_span_predicted_twice_keeps_its_highest_score() -> None:
    predicted = {**PRED, "r2": [(PHONE, 0.1), (PHONE, 0.95), (WRONG, 0.3)]}
    # r2's number now leads at .95: 2 of 4 are found from .9 down
    assert one(BandTarget(recall=0.5), predicted=predicted).threshold == 0.9


@pytest.mark.parametrize("score", [math.nan, math.inf, "high", None])
def test_a_score_that_is_not_a_finite_number_is_refused(score: object) -> None:
    with pytest.raises(InvalidInputError, match=r"record r1: span 3-16 \(PHONE\) has score"):
        one(BandTarget(recall=0.5), predicted={**PRED, "r1": [(PHONE, score)]})
