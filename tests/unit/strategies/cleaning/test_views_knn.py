"""views-knn and its weighted variant: the weights come from the given labels alone and
favour the view that predicts them; the equal-weight method stays as it was."""

from __future__ import annotations

import numpy as np
import pytest

from textloop.strategies.cleaning import LabelIssueInput, get_method
from textloop.strategies.cleaning.views_knn import agreement_weights


def _case(seed: int = 0, n: int = 2000, noise: float = 0.2):
    """Binary truth, 20% of labels flipped; a strong view (right on 95% of records), a
    weak one (right on 60%) and the given labels of 10 neighbours sharing the record's true
    class (never the record itself, as in ``neighbour_label_proba``)."""
    rng = np.random.default_rng(seed)
    truth = rng.integers(0, 2, n)
    flipped = rng.random(n) < noise
    given = np.where(flipped, 1 - truth, truth)

    def view(accuracy: float, confidence: float) -> np.ndarray:
        right = rng.random(n) < accuracy
        says = np.where(right, truth, 1 - truth)
        p = np.full((n, 2), 1 - confidence)
        p[np.arange(n), says] = confidence
        return p

    votes = rng.binomial(10, 1 - noise, n) / 10  # neighbours whose given label is true
    knn = np.zeros((n, 2))
    knn[np.arange(n), truth] = votes
    knn[np.arange(n), 1 - truth] = 1 - votes
    return given, flipped, view(0.95, 0.9), view(0.6, 0.9), knn


def test_weights_favour_the_view_that_agrees_with_the_given_labels() -> None:
    given, _, strong, weak, _ = _case()
    weights = agreement_weights(given, [weak, strong])
    assert weights.sum() == pytest.approx(1.0)
    assert weights[1] > 0.8 > weights[0]


def test_weights_ignore_which_position_a_view_holds() -> None:
    given, _, strong, weak, knn = _case(1)
    forward = agreement_weights(given, [strong, weak, knn])
    backward = agreement_weights(given, [knn, weak, strong])
    np.testing.assert_allclose(forward, backward[::-1], atol=1e-5)


def test_identical_views_share_the_weight_equally() -> None:
    given, _, strong, _, _ = _case(2)
    np.testing.assert_allclose(agreement_weights(given, [strong, strong]), [0.5, 0.5])


def test_weighting_finds_more_flips_than_the_equal_mean_when_one_view_is_weak() -> None:
    given, flipped, strong, weak, knn = _case(3)
    data = LabelIssueInput(labels=given, views=[strong, weak], neighbour_proba=knn)
    f1 = {}
    for name in ("views-knn", "views-knn-weighted"):
        issues = get_method(name)[1].find(data)
        hit = np.sum(issues.flagged & flipped)
        f1[name] = 2 * hit / (issues.flagged.sum() + flipped.sum())
    assert f1["views-knn-weighted"] > f1["views-knn"] + 0.02  # 0.960 vs 0.927
    weighted = get_method("views-knn-weighted")[1].find(data)
    assert len(weighted.weights) == 3 and weighted.weights[1] == min(weighted.weights)


def test_the_equal_weight_method_reports_equal_weights_and_the_plain_mean() -> None:
    given, _, strong, weak, knn = _case(4, n=50)
    issues = get_method("views-knn")[1].find(
        LabelIssueInput(labels=given, views=[strong, weak], neighbour_proba=knn))
    assert issues.weights == [pytest.approx(1 / 3, abs=1e-4)] * 3
    np.testing.assert_allclose(issues.proba, (strong + weak + knn) / 3)


def test_the_weighted_method_has_its_own_versioned_name() -> None:
    assert get_method("views-knn-weighted")[0] == "textloop.cleaning.views-knn-weighted.v1"
