"""ROC and PR panels: which curves appear, with their areas in the legend."""

from __future__ import annotations

import numpy as np

from textloop.measures.metrics import compute_metrics
from textloop.reports.curves import curve_plots


def _plots(y_true: list[str], proba: np.ndarray, labels: list[str],
           score_labels: tuple[str, ...] = ()):
    metrics = compute_metrics(y_true, proba, labels, score_labels)
    y_idx = np.array([labels.index(y) for y in y_true])
    return curve_plots(y_idx, proba, labels, metrics["per_class"],
                       metrics["auc_method"].get("positive"))


def test_binary_shows_the_positive_class_with_its_areas():
    spam = np.array([0.1, 0.6, 0.4, 0.9])
    plots = _plots(["ham", "ham", "spam", "spam"], np.column_stack([1 - spam, spam]),
                   ["ham", "spam"])
    assert len(plots) == 1
    assert "spam (AUC 0.750)" in plots[0].svg and "spam (AP 0.833)" in plots[0].svg
    assert "micro-average" not in plots[0].svg


def test_the_score_label_is_the_positive_class_whatever_the_label_order():
    spam = np.array([0.1, 0.6, 0.4, 0.9])
    plots = _plots(["ham", "ham", "spam", "spam"], np.column_stack([spam, 1 - spam]),
                   ["spam", "ham"], score_labels=("spam",))
    assert "spam (AUC 0.750)" in plots[0].svg and "spam (AP 0.833)" in plots[0].svg
    assert "ham (AUC" not in plots[0].svg
    assert plots[0].caption.startswith("Positive class: spam")


def test_many_classes_show_averages_and_the_worst_five():
    k = 12
    rng = np.random.default_rng(0)
    y_idx = np.repeat(np.arange(k), 5)
    proba = rng.dirichlet(np.ones(k), size=len(y_idx))
    labels = [f"c{i:02d}" for i in range(k)]
    svg = _plots([labels[i] for i in y_idx], proba, labels)[0].svg
    assert "micro-average" in svg and "macro-average" in svg
    assert sum(f"{label} (AUC" in svg for label in labels) == 5


def test_no_curves_when_no_class_has_positives_and_negatives():
    assert _plots(["a", "a"], np.array([[0.9, 0.1], [0.8, 0.2]]), ["a", "b"]) == []
