"""Realized entity F1 from span feedback: strict micro-F1 of served spans against the
corrected ones, against the goal and the run's test score."""

from __future__ import annotations

import json

import numpy as np
import pytest

from textloop.config import MonitoringSettings
from textloop.stages.monitor.sides import DRIFT, NOT_ENOUGH, OK, Comparison, Side
from textloop.stages.monitor.span_performance import entity_f1_check
from textloop.strategies.drift.span_base import SpanHit

TEXT = "Ana met Bob at Acme"
ANA, BOB, ACME = (0, 3, "PER"), (8, 11, "PER"), (15, 19, "ORG")
SETTINGS = MonitoringSettings(min_rows=5, max_performance_drop=0.05)


def served(*spans: tuple[int, int, str]) -> list[SpanHit]:
    return [SpanHit(label, start, end, 0.9, TEXT[start:end]) for start, end, label in spans]


def truth(*spans: tuple[int, int, str]) -> str:
    return json.dumps([{"start": s, "end": e, "label": label} for s, e, label in spans])


def comparison(rows: list[tuple[list[SpanHit], str | None]], expected: dict[str, float]
               ) -> Comparison:
    def side(n: int, spans: list[list[SpanHit]], feedback: list[str | None]) -> Side:
        return Side([TEXT] * n, None, [""] * n, [""] * n, np.zeros((n, 2)), feedback, spans)

    reference = side(10, [served(ANA)] * 10, [truth(ANA)] * 10)
    current = side(len(rows), [s for s, _ in rows], [f for _, f in rows])
    return Comparison("all", reference, current, frozenset(), ["PER", "ORG"],
                      expected=expected)


def test_realized_f1_is_counted_exactly_and_alerts_below_the_test_score() -> None:
    rows = [(served(ANA, BOB, ACME), truth(ANA, BOB, ACME))] * 3  # 9 correct
    rows += [(served(ANA, (8, 15, "PER")), truth(ANA, BOB))] * 2  # 2 right, 2 wrong, 2 missed
    rows += [(served(ACME), None)] * 5  # no feedback: not scored
    check = entity_f1_check(comparison(rows, {"goal": 0.8, "test": 0.95}), SETTINGS)
    realized = check.result.details["realized"]
    precision, recall = 11 / 13, 11 / 13
    f1 = 2 * precision * recall / (precision + recall)
    assert realized["entity_micro_f1"] == pytest.approx(f1)
    assert (realized["rows"], realized["n_gold"], realized["n_predicted"],
            realized["n_correct"]) == (5, 13, 13, 11)
    assert check.status == DRIFT  # 0.846 is 0.104 under the test score of 0.95
    assert check.result.score == pytest.approx(0.95 - 11 / 13)
    assert check.result.details["shortfall"]["goal"] == pytest.approx(0.8 - 11 / 13)
    assert check.rows == [3, 4]  # the rows whose served spans differ from the feedback


def test_within_tolerance_of_the_test_score_and_above_the_goal_is_ok() -> None:
    rows = [(served(ANA, BOB, ACME), truth(ANA, BOB, ACME))] * 6
    check = entity_f1_check(comparison(rows, {"goal": 0.8, "test": 0.97}), SETTINGS)
    assert check.status == OK and check.result.details["realized"]["entity_micro_f1"] == 1.0
    assert check.rows == []


def test_too_little_feedback_shows_the_number_without_deciding() -> None:
    rows = [(served(ANA), truth(BOB))] * 2 + [(served(ANA), None)] * 8
    check = entity_f1_check(comparison(rows, {"test": 0.9}), SETTINGS)
    assert check.status == NOT_ENOUGH and "2 rows with feedback" in check.reason
    assert check.result.details["realized"]["entity_micro_f1"] == 0.0
    no_feedback = entity_f1_check(comparison([(served(ANA), None)] * 10, {}), SETTINGS)
    assert no_feedback.status == NOT_ENOUGH and "no feedback" in no_feedback.reason
