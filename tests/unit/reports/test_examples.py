"""Choosing and trimming the mistakes shown in a report."""

from __future__ import annotations

import numpy as np

from textloop.reports.examples import confident_mistakes, confusion_examples, truncate


def test_mistakes_come_most_confident_first_and_respect_the_limit():
    probs = np.array([[0.9, 0.1], [0.3, 0.7], [0.2, 0.8], [0.6, 0.4]])
    y_idx = np.array([0, 0, 0, 1])
    found = confident_mistakes(["id-a", "id-b", "id-c", "id-d"], ["a", "b", "c", "d"], y_idx,
                               probs, ["x", "y"], limit=2)
    assert [(m.record_id, m.text, m.true, m.predicted) for m in found] == [
        ("id-c", "c", "x", "y"), ("id-b", "b", "x", "y")]
    assert found[0].confidence == 0.8 and found[0].p_true == 0.2


def test_no_mistakes_gives_an_empty_list():
    probs = np.array([[0.9, 0.1]])
    assert confident_mistakes(["id-a"], ["a"], np.array([0]), probs, ["x", "y"], limit=5) == []


def test_truncate_cuts_at_a_space_when_one_is_near():
    assert truncate("short") == "short"
    assert truncate("word " * 100, limit=22) == "word word word word …"
    assert truncate("x" * 50, limit=10) == "x" * 10 + " …"


def test_each_confusion_pair_gets_its_most_confident_examples():
    probs = np.array([[0.2, 0.8, 0.0], [0.4, 0.6, 0.0], [0.1, 0.9, 0.0], [0.0, 0.3, 0.7],
                      [0.9, 0.1, 0.0]])
    y_idx = np.array([0, 0, 0, 1, 0])
    pairs = [{"true": "x", "predicted": "y", "count": 3}, {"true": "y", "predicted": "z",
                                                           "count": 1}]
    found = confusion_examples([f"id-{c}" for c in "abcde"], list("abcde"), y_idx, probs,
                               ["x", "y", "z"], pairs, per_pair=2)
    assert [(p.true, p.predicted, p.count) for p in found] == [("x", "y", 3), ("y", "z", 1)]
    assert [(m.record_id, m.text, m.confidence) for m in found[0].examples] == [
        ("id-c", "c", 0.9), ("id-a", "a", 0.8)]
    assert [(m.record_id, m.p_true) for m in found[1].examples] == [("id-d", 0.3)]
