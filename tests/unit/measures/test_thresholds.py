"""The band optimizer against a brute-force search over every candidate threshold."""

from __future__ import annotations

import numpy as np
import pytest

from textloop.config import Actions, BandTarget
from textloop.measures.thresholds import (
    band_table,
    choose_thresholds,
    fit_band_policy,
    highest_for_recall,
    lowest_for_precision,
    score_curve,
    scores_and_positives,
)


def _random_data(seed: int, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Scores on a coarse grid (many ties) with positives likelier at high scores."""
    rng = np.random.default_rng(seed)
    scores = np.round(rng.uniform(0, 1, n), int(rng.integers(1, 4)))
    positive = rng.uniform(0, 1, n) < scores ** float(rng.uniform(0.5, 3))
    return scores, positive


def _precision(scores: np.ndarray, positive: np.ndarray, t: float) -> float:
    hit = scores >= t
    return positive[hit].sum() / hit.sum()


def _recall(scores: np.ndarray, positive: np.ndarray, t: float) -> float:
    return positive[scores >= t].sum() / positive.sum()


def _brute_force(scores: np.ndarray, positive: np.ndarray, actions: Actions) -> dict[str, float]:
    """Every band, top down: try every distinct score (and the ceiling) as its threshold."""
    chosen: dict[str, float] = {}
    ceiling = 1.0
    for band, declared in sorted(actions.bands.items(), key=lambda kv: -kv[1]):
        target = actions.targets.get(band)
        candidates = sorted({float(s) for s in scores if s <= ceiling})
        if target is None:
            found: float | None = min(declared, ceiling)
        elif target.precision is not None:
            ok = [t for t in candidates if _precision(scores, positive, t) >= target.precision]
            found = min(ok) if ok else None
        else:
            assert target.recall is not None
            ok = [t for t in [*candidates, ceiling]
                  if (scores >= t).any() and _recall(scores, positive, t) >= target.recall]
            found = max(ok) if ok else None
        if found is not None:
            chosen[band] = found
            ceiling = found
    return chosen


@pytest.mark.parametrize("seed", range(40))
def test_thresholds_match_brute_force_on_random_data(seed: int) -> None:
    rng = np.random.default_rng(1000 + seed)
    scores, positive = _random_data(seed, int(rng.integers(5, 300)))
    if not positive.any():
        positive[np.argmax(scores)] = True
    actions = Actions(bands={"block": 0.9, "review": 0.5, "look": 0.2}, default="allow",
                      targets={"block": BandTarget(precision=float(rng.uniform(0.5, 1.0))),
                               "review": BandTarget(recall=float(rng.uniform(0.3, 1.0))),
                               "look": BandTarget(precision=float(rng.uniform(0.2, 0.9)))})
    chosen, _ = choose_thresholds(scores, positive, actions)
    expected = _brute_force(scores, positive, actions)
    assert chosen == pytest.approx(expected)


def test_precision_target_takes_the_most_volume_it_can() -> None:
    scores = np.array([0.99, 0.95, 0.9, 0.8, 0.7, 0.6, 0.3])
    positive = np.array([True, True, True, False, True, True, False])
    actions = Actions(bands={"block": 0.9}, targets={"block": BandTarget(precision=0.8)})
    chosen, unmet = choose_thresholds(scores, positive, actions)
    assert chosen == {"block": 0.6}  # 5 of 6 rows >= 0.6 are positive
    assert unmet == []


def test_unreachable_precision_closes_the_band_and_says_so() -> None:
    scores = np.array([0.9, 0.8, 0.7])
    positive = np.array([False, True, False])
    actions = Actions(bands={"block": 0.9, "review": 0.5}, default="allow",
                      targets={"block": BandTarget(precision=0.95)})
    policy = fit_band_policy(scores, positive, actions)
    assert "block" not in policy.actions.bands
    assert policy.actions.band_for(0.99) == "review"
    assert "no threshold reaches precision 0.95" in policy.unmet[0]
    closed = [row for row in policy.bands if row.get("closed")]
    assert [row["band"] for row in closed] == ["block"] and closed[0]["met"] is False


def test_recall_band_stays_empty_when_the_band_above_already_catches_enough() -> None:
    scores = np.array([0.95, 0.93, 0.4, 0.3])
    positive = np.array([True, True, False, False])
    actions = Actions(bands={"block": 0.9, "review": 0.5},
                      targets={"review": BandTarget(recall=0.9)})
    chosen, _ = choose_thresholds(scores, positive, actions)
    assert chosen == {"block": 0.9, "review": 0.9}
    table = band_table(scores, positive, Actions(bands=chosen))
    assert [row["rows"] for row in table] == [2, 0, 2]


def test_band_table_volumes_and_rates() -> None:
    scores = np.array([0.95, 0.92, 0.7, 0.6, 0.55, 0.2, 0.1, 0.05])
    positive = np.array([True, False, True, True, False, True, False, False])
    rows = band_table(scores, positive, Actions.for_filter(["spam"]))
    block, review, allow = rows
    assert (block["band"], block["rows"], block["volume"]) == ("block", 2, 0.25)
    assert block["precision"] == 0.5 and block["recall"] == 0.25
    assert (review["rows"], review["precision"]) == (3, pytest.approx(2 / 3))
    assert review["cumulative_recall"] == 0.75
    assert (allow["band"], allow["threshold"], allow["rows"]) == ("allow", None, 3)
    assert sum(row["volume"] for row in rows) == pytest.approx(1.0)


def test_no_positives_keeps_declared_recall_threshold_with_a_note() -> None:
    actions = Actions(bands={"review": 0.5}, targets={"review": BandTarget(recall=0.9)})
    chosen, unmet = choose_thresholds(np.array([0.2, 0.7]), np.array([False, False]), actions)
    assert chosen == {"review": 0.5}
    assert "no positive rows" in unmet[0]


def test_positives_are_score_labels_or_correct_predictions() -> None:
    proba = np.array([[0.2, 0.8], [0.9, 0.1], [0.6, 0.4]])
    y = np.array([1, 1, 1])
    spam = Actions.for_filter(["spam"])
    scores, positive = scores_and_positives(proba, y, ["ham", "spam"], spam)
    assert scores.tolist() == [0.8, 0.1, 0.4] and positive.tolist() == [True, True, True]
    scores, positive = scores_and_positives(proba, y, ["ham", "spam"], Actions())
    assert scores.tolist() == [0.8, 0.9, 0.6] and positive.tolist() == [True, False, False]


def test_score_curve_of_no_rows_is_empty() -> None:
    # a span type the model never predicts has no scores to threshold
    curve = score_curve(np.array([]), np.array([], dtype=bool))
    assert (len(curve.thresholds), len(curve.rows), curve.total_positives) == (0, 0, 0)
    assert highest_for_recall(curve, 0.5, 1.0) is None
    assert lowest_for_precision(curve, 0.5, 1.0) is None
