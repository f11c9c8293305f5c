"""Batches of open label issues in review order and their estimated precision."""

from __future__ import annotations

from textloop.stages.review.batches import Batch, precision_batches


def issue(chance: float | None) -> dict:
    details = {} if chance is None else {"error_probability": chance}
    return {"kind": "label_issue", "details": details}


def test_each_batch_is_the_mean_chance_of_its_label_issues_in_order() -> None:
    rows = [issue(0.9), {"kind": "duplicate", "details": {}}, issue(0.7), issue(0.4),
            issue(0.2), issue(0.1)]
    assert precision_batches(rows, size=2) == [Batch(1, 2, 0.8), Batch(3, 4, 0.3),
                                               Batch(5, 5, 0.1)]


def test_a_run_stored_before_the_estimates_has_no_batches() -> None:
    assert precision_batches([issue(0.9), issue(None)]) == []
    assert precision_batches([{"kind": "outlier", "details": {}}]) == []
