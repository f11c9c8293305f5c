"""The regression report: ranges, largest errors, goal direction, escaping of texts."""

from __future__ import annotations

import json

import numpy as np

from textloop.measures.regression_metrics import regression_metrics
from textloop.reports.regression import error_by_range, largest_errors, write_regression_report


def test_error_by_range_covers_every_row_and_finds_the_bad_end() -> None:
    truth = np.linspace(0, 10, 100)
    pred = truth + np.where(truth > 8, 3.0, 0.1)
    bins = error_by_range(truth, pred)
    assert sum(b["n"] for b in bins) == 100
    assert max(bins, key=lambda b: b["mae"]) is bins[-1]


def test_a_target_with_few_values_gets_one_row_per_value() -> None:
    truth = np.array([1.0, 5.0, 5.0, 5.0, 3.0])
    bins = error_by_range(truth, truth + np.array([1.0, 0.0, 0.0, 0.5, -1.0]))
    assert [(b["range"], b["n"]) for b in bins] == [("1", 1), ("3", 1), ("5", 3)]
    assert bins[0]["bias"] == 1.0 and bins[1]["bias"] == -1.0


def test_largest_errors_come_first() -> None:
    truth, pred = np.array([1.0, 2.0, 3.0]), np.array([1.1, 0.0, 3.5])
    rows = largest_errors(["a", "b", "c"], truth, pred, ["i1", "i2", "i3"], k=2)
    assert [r["id"] for r in rows] == ["i2", "i3"] and rows[0]["error"] == -2.0


def test_report_escapes_texts_and_reads_a_lower_is_better_goal(tmp_path) -> None:
    truth, pred = np.array([0.0, 1.0, 2.0, 3.0]), np.array([0.2, 1.1, 1.5, 3.2])
    metrics = regression_metrics(truth, pred, baseline=1.5)
    html_path, json_path = write_regression_report(
        tmp_path, title="r", metrics=metrics, truth=truth, pred=pred,
        texts=["<script>alert(1)</script>", "b", "c", "d"], ids=["1", "2", "3", "4"],
        context={"goal": {"metric": "mae", "target": 0.3}})
    html = html_path.read_text()
    assert "<script>alert(1)" not in html and "&lt;script&gt;alert(1)" in html
    assert "✔ Goal met" in html and "target ≤ 0.300" in html
    saved = json.loads(json_path.read_text())
    assert saved["error_by_range"] and saved["mae"] == metrics["mae"]
