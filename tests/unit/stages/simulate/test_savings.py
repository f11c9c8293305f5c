"""Labels to reach a level, medians with "not reached", ratios to random and the verdict."""

from __future__ import annotations

import pytest

from textloop.stages.simulate.loop import Curve, Point
from textloop.stages.simulate.savings import (
    labels_to_reach,
    median_or_none,
    normalized_auc,
    plateau_from,
    savings_rows,
    verdict,
)


def make_curve(name: str, seed: int, f1s: list[float], step: int = 50) -> Curve:
    points = [Point(step * (i + 1), f, f) for i, f in enumerate(f1s)]
    return Curve(name, seed, points)


def test_labels_to_reach_is_the_first_count_at_or_above() -> None:
    points = make_curve("m", 0, [0.5, 0.8, 0.79, 0.9]).points
    assert labels_to_reach(points, 0.8) == 100
    assert labels_to_reach(points, 0.95) is None


def test_median_counts_unreached_seeds_as_infinite() -> None:
    assert median_or_none([100, None, 200]) == 200
    assert median_or_none([100, None, None]) is None
    assert median_or_none([100, 151]) == 126


def test_normalized_auc_is_the_mean_score_over_the_label_range() -> None:
    assert normalized_auc(make_curve("m", 0, [0.5, 0.7, 0.9]).points) == pytest.approx(0.7)
    assert normalized_auc(make_curve("m", 0, [0.6]).points) == pytest.approx(0.6)


def test_rows_compare_with_random_per_seed() -> None:
    curves = {"random": [make_curve("random", s, [0.5, 0.7, 0.8, 0.9, 0.96]) for s in (0, 1)],
              "margin": [make_curve("margin", s, [0.5, 0.9, 0.96, 0.97, 0.99]) for s in (0, 1)],
              "slow": [make_curve("slow", s, [0.5, 0.6, 0.6, 0.7, 0.7]) for s in (0, 1)]}
    rows = savings_rows(curves, {0: 1.0, 1: 1.0}, budget=250)
    random, margin, slow = rows
    assert random.reach(0.95).labels == 250 and random.auc_vs_random is None
    assert margin.reach(0.95).labels == 150 and margin.reach(0.95).ratio == pytest.approx(250 / 150)
    assert margin.reach(0.98).labels == 250 and margin.reach(0.98).ratio_at_least == 1.0
    assert margin.auc_vs_random is not None and margin.auc_vs_random > 0
    assert slow.reach(0.95).labels is None and slow.reach(0.95).seeds_reached == 0
    assert slow.auc_vs_random is not None and slow.auc_vs_random < 0
    sentence = verdict(rows, 1.0, 250)
    assert sentence.startswith("margin reached 95% of the full-data macro-F1 (0.950) with 150")
    assert "1.7× fewer than random sampling (250)" in sentence


def test_verdict_when_nothing_or_only_the_strategy_reaches() -> None:
    curves = {"random": [make_curve("random", 0, [0.5, 0.6])],
              "margin": [make_curve("margin", 0, [0.5, 0.7])]}
    rows = savings_rows(curves, {0: 1.0}, budget=100)
    assert verdict(rows, 1.0, 100).startswith("No strategy reached 95%")
    curves["margin"] = [make_curve("margin", 0, [0.5, 0.97])]
    rows = savings_rows(curves, {0: 1.0}, budget=100)
    assert "random sampling did not reach it within 100 labels" in verdict(rows, 1.0, 100)


def test_rows_without_random_have_no_ratio_instead_of_failing() -> None:
    """A simulation of one strategy alone (random not in the plan) still gets its row:
    labels to each level, no ratio and no AUC difference."""
    rows = savings_rows({"margin": [make_curve("margin", 0, [0.5, 0.96, 1.0])]}, {0: 1.0}, 150)
    assert median_or_none([]) is None
    assert [r.strategy for r in rows] == ["margin"]
    assert rows[0].reach(0.95).labels == 100 and rows[0].reach(0.95).ratio is None
    assert rows[0].auc_vs_random is None


def test_plateau_is_where_the_score_stays_within_two_percent_to_the_end() -> None:
    points = make_curve("m", 0, [0.5, 0.985, 0.97, 0.99, 0.981]).points
    assert plateau_from(points, 0.98) == 200  # 0.985 at 100 dips to 0.97 at 150
    assert plateau_from(make_curve("m", 0, [0.99, 0.5]).points, 0.98) is None


FLAT = [0.90, 0.981, 0.982, 0.982, 0.981, 0.983, 0.982, 0.983, 0.984, 0.985]
"""Within 2% of the full-data score from 200 of 1,000 labels (a frozen encoder on
balanced data)."""
NEAR = [0.90, 0.96, 0.97, 0.975, 0.975, 0.976, 0.975, 0.976, 0.977, 0.978]
"""95% at 200 labels, then just short of 98% to the end."""
QUICK = [0.90, 0.96, 0.98, 0.985, 0.985, 0.99, 0.99, 0.99, 0.99, 0.99]


def early_curves(random: list[float] = FLAT) -> dict[str, list]:
    return {"random": [make_curve("random", s, random, step=100) for s in (0, 1)],
            "margin": [make_curve("margin", s, QUICK, step=100) for s in (0, 1)]}


def test_rows_say_when_each_curve_plateaued_and_whether_early() -> None:
    random, margin = savings_rows(early_curves(), {0: 1.0, 1: 1.0}, budget=1000)
    assert (random.plateau_at, random.plateau_early) == (200, True)
    assert (margin.plateau_at, margin.plateau_early) == (300, False)  # a quarter: 250
    random, _ = savings_rows(early_curves(NEAR), {0: 1.0, 1: 1.0}, budget=1000)
    assert (random.plateau_at, random.plateau_early) == (None, False)
    late = savings_rows({"random": [make_curve("random", 0, [0.5, 0.7, 0.9, 0.99],
                                               step=100)]}, {0: 1.0}, budget=400)
    assert (late[0].plateau_at, late[0].plateau_early) == (400, False)


def test_verdict_says_active_learning_will_save_little_when_random_is_early() -> None:
    flat = verdict(savings_rows(early_curves(), {0: 1.0, 1: 1.0}, budget=1000), 1.0, 1000)
    assert "\n" not in flat
    assert flat.endswith("Random sampling reaches 95% at 200 labels (20% of the budget) and "
                         "stays within 2% of the full-data macro-F1 from 200 on: active "
                         "learning will save little here.")
    near = verdict(savings_rows(early_curves(NEAR), {0: 1.0, 1: 1.0}, budget=1000), 1.0, 1000)
    assert near.endswith("Random sampling reaches 95% at 200 labels (20% of the budget): "
                         "active learning will save little here, except toward 98% (margin: "
                         "300 labels, at least 3.3× fewer).")
    # random reaching 95% late: no such claim
    curves = {"random": [make_curve("random", 0, [0.5, 0.6, 0.7, 0.96])],
              "margin": [make_curve("margin", 0, [0.5, 0.96, 0.97, 0.99])]}
    assert "save little" not in verdict(savings_rows(curves, {0: 1.0}, 200), 1.0, 200)
