"""Rule analysis on a vote matrix whose every number is counted by hand in the comments."""

from __future__ import annotations

import numpy as np
import pytest

from textloop.errors import InvalidInputError
from textloop.stages.rules.analyze import analyze_rules

LABELS = ["spam", "ham"]
RULES = ["r1", "r2", "r3"]  # r1, r2 vote spam (0), r3 votes ham (1)
VOTES = np.array([[0, 0, -1],     # i0: r1 and r2 agree
                  [0, -1, 1],     # i1: r1 and r3 conflict
                  [-1, -1, 1],    # i2: r3 alone
                  [-1, -1, -1],   # i3: nobody
                  [0, -1, -1],    # i4: r1 alone
                  [-1, 0, 1]])    # i5: r2 and r3 conflict
GOLD = np.array([0, 1, 1, 0, -1, 0])  # i4 has no gold label


def test_per_rule_numbers() -> None:
    found = {r.name: r for r in analyze_rules(VOTES, RULES, LABELS, GOLD).rules}
    r1, r2, r3 = found["r1"], found["r2"], found["r3"]
    # r1 votes on i0, i1, i4; overlaps on i0 (r2), i1 (r3); conflicts on i1; gold: i0 right,
    # i1 wrong (i4 has no gold)
    assert (r1.coverage, r1.overlaps, r1.conflicts) == pytest.approx((3 / 6, 2 / 6, 1 / 6))
    assert (r1.n_votes, r1.n_gold, r1.n_correct, r1.accuracy) == (3, 2, 1, 0.5)
    # r2 votes on i0, i5, overlapping both; conflicts on i5; right on both
    assert (r2.coverage, r2.overlaps, r2.conflicts) == pytest.approx((2 / 6, 2 / 6, 1 / 6))
    assert (r2.n_gold, r2.accuracy) == (2, 1.0)
    # r3 votes on i1, i2, i5; overlaps and conflicts on i1, i5; right on i1, i2
    assert (r3.coverage, r3.overlaps, r3.conflicts) == pytest.approx((3 / 6, 2 / 6, 2 / 6))
    assert (r3.n_gold, r3.n_correct) == (3, 2) and r3.accuracy == pytest.approx(2 / 3)
    assert [r.polarity for r in (r1, r2, r3)] == [["spam"], ["spam"], ["ham"]]


def test_totals() -> None:
    analysis = analyze_rules(VOTES, RULES, LABELS, GOLD)
    assert analysis.n_items == 6 and analysis.n_gold == 5
    # any rule: all but i3; two or more rules: i0, i1, i5; different labels: i1, i5
    assert (analysis.coverage, analysis.overlap, analysis.conflict) == pytest.approx(
        (5 / 6, 3 / 6, 2 / 6))


def test_no_gold_means_no_accuracy_not_zero() -> None:
    analysis = analyze_rules(VOTES, RULES, LABELS)
    assert [r.accuracy for r in analysis.rules] == [None, None, None]
    assert analysis.n_gold == 0


def test_a_rule_voting_several_labels_lists_them_all() -> None:
    votes = np.array([[0], [1], [-1]])
    (stats,) = analyze_rules(votes, ["fn"], LABELS).rules
    assert stats.polarity == ["spam", "ham"] and stats.coverage == pytest.approx(2 / 3)


def test_shapes_are_checked() -> None:
    with pytest.raises(InvalidInputError):
        analyze_rules(VOTES, ["r1"], LABELS)
    with pytest.raises(InvalidInputError):
        analyze_rules(VOTES, RULES, LABELS, GOLD[:3])
    empty = analyze_rules(np.empty((0, 2), dtype=int), ["a", "b"], LABELS)
    assert empty.coverage == 0.0 and empty.rules[0].coverage == 0.0
