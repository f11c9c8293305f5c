"""ROC and precision-recall curves (one-vs-rest) with the area in every legend entry.

A model with a positive class (``metrics["auc_method"]["positive"]``, decided once by
``textloop.config.positive_label``: the score label, else the second of two labels) gets
that class's curve, the one its headline AUC describes. Otherwise few classes get one
curve each. Many classes would be an unreadable tangle, so they get the
micro- and macro-averages plus the few classes with the lowest area, which are the ones
worth looking at. Classes without positives or negatives have no curve (see ``undefined``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
from matplotlib.axes import Axes
from sklearn.metrics import (
    average_precision_score,
    precision_recall_curve,
    roc_auc_score,
    roc_curve,
)

from textloop.reports.figures import GREY, Plot, new_figure, report_style, short_label, to_svg

PER_CLASS_MAX = 8
WORST = 5
_GRID = np.linspace(0.0, 1.0, 201)


@dataclass(frozen=True)
class Curve:
    """One line on a panel: x and y values and the legend text (which carries the area)."""

    name: str
    x: np.ndarray
    y: np.ndarray
    colour: str | None = None
    dashed: bool = False
    steps: bool = False


def curve_plots(y_idx: np.ndarray, probs: np.ndarray, labels: Sequence[str],
                per_class: dict[str, Any], positive: str | None = None) -> list[Plot]:
    """The ROC and PR panels, or nothing when no class has both positives and negatives.
    ``positive`` is the class the headline AUCs describe (None: averaged one-vs-rest)."""
    defined = [j for j, label in enumerate(labels) if per_class[label]["roc_auc"] is not None]
    if not defined:
        return []
    onehot = np.eye(len(labels), dtype=bool)[y_idx]
    roc, pr, caption = _choose_curves(onehot, probs, labels, per_class, defined, positive)
    with report_style():
        fig = new_figure(10.0, 4.4)
        roc_ax, pr_ax = fig.subplots(1, 2)
        _draw(roc_ax, roc, "false positive rate", "true positive rate", "lower right")
        roc_ax.plot([0, 1], [0, 1], color=GREY, linestyle=":", linewidth=1)
        roc_ax.set_title("ROC")
        _draw(pr_ax, pr, "recall", "precision", "lower left")
        pr_ax.set_title("Precision-recall")
        return [Plot("ROC and precision-recall curves", to_svg(fig, "curves"), caption,
                     wide=True)]


def _choose_curves(onehot: np.ndarray, probs: np.ndarray, labels: Sequence[str],
                   per_class: dict[str, Any], defined: list[int], positive: str | None
                   ) -> tuple[list[Curve], list[Curve], str]:
    j = None if positive is None else list(labels).index(positive)
    if j is not None and j in defined:
        caption = f"Positive class: {labels[j]} (its probability against the rest)."
        return ([_class_roc(onehot, probs, labels, per_class, j)],
                [_class_pr(onehot, probs, labels, per_class, j)], caption)
    roc = [_micro_roc(onehot, probs, defined)]
    pr = [_micro_pr(onehot, probs, defined)]
    if len(labels) <= PER_CLASS_MAX:
        roc += [_class_roc(onehot, probs, labels, per_class, j) for j in defined]
        pr += [_class_pr(onehot, probs, labels, per_class, j) for j in defined]
        return roc, pr, "One curve per class (one-vs-rest) and the micro-average."
    roc.append(_macro_roc(onehot, probs, labels, per_class, defined))
    pr.append(_macro_pr(onehot, probs, labels, per_class, defined))
    roc += [_class_roc(onehot, probs, labels, per_class, j)
            for j in _worst(labels, per_class, defined, "roc_auc")]
    pr += [_class_pr(onehot, probs, labels, per_class, j)
           for j in _worst(labels, per_class, defined, "pr_auc")]
    caption = (f"Micro- and macro-averages over {len(defined)} classes, and the {WORST} classes "
               "with the lowest area in each panel.")
    return roc, pr, caption


def _worst(labels: Sequence[str], per_class: dict[str, Any], defined: list[int],
           metric: str) -> list[int]:
    return sorted(defined, key=lambda j: per_class[labels[j]][metric])[:WORST]


def _class_roc(onehot: np.ndarray, probs: np.ndarray, labels: Sequence[str],
               per_class: dict[str, Any], j: int) -> Curve:
    fpr, tpr, _ = roc_curve(onehot[:, j], probs[:, j])
    area = per_class[labels[j]]["roc_auc"]
    return Curve(f"{short_label(labels[j])} (AUC {area:.3f})", fpr, tpr)


def _class_pr(onehot: np.ndarray, probs: np.ndarray, labels: Sequence[str],
              per_class: dict[str, Any], j: int) -> Curve:
    precision, recall, _ = precision_recall_curve(onehot[:, j], probs[:, j])
    area = per_class[labels[j]]["pr_auc"]
    return Curve(f"{short_label(labels[j])} (AP {area:.3f})", recall, precision, steps=True)


def _micro_roc(onehot: np.ndarray, probs: np.ndarray, defined: list[int]) -> Curve:
    truth, score = onehot[:, defined].ravel(), probs[:, defined].ravel()
    fpr, tpr, _ = roc_curve(truth, score)
    return Curve(f"micro-average (AUC {roc_auc_score(truth, score):.3f})", fpr, tpr, "black")


def _micro_pr(onehot: np.ndarray, probs: np.ndarray, defined: list[int]) -> Curve:
    truth, score = onehot[:, defined].ravel(), probs[:, defined].ravel()
    precision, recall, _ = precision_recall_curve(truth, score)
    area = average_precision_score(truth, score)
    return Curve(f"micro-average (AP {area:.3f})", recall, precision, "black", steps=True)


def _macro_roc(onehot: np.ndarray, probs: np.ndarray, labels: Sequence[str],
               per_class: dict[str, Any], defined: list[int]) -> Curve:
    """The mean true positive rate over classes at each false positive rate."""
    rates = []
    for j in defined:
        fpr, tpr, _ = roc_curve(onehot[:, j], probs[:, j])
        rates.append(np.interp(_GRID, fpr, tpr))
    mean_area = np.mean([per_class[labels[j]]["roc_auc"] for j in defined])
    return Curve(f"macro-average (mean AUC {mean_area:.3f})", _GRID, np.mean(rates, axis=0),
                 "#4b5563", dashed=True)


def _macro_pr(onehot: np.ndarray, probs: np.ndarray, labels: Sequence[str],
              per_class: dict[str, Any], defined: list[int]) -> Curve:
    """The mean precision over classes at each recall (recall falls along sklearn's curve)."""
    precisions = []
    for j in defined:
        precision, recall, _ = precision_recall_curve(onehot[:, j], probs[:, j])
        precisions.append(np.interp(_GRID, recall[::-1], precision[::-1]))
    mean_area = np.mean([per_class[labels[j]]["pr_auc"] for j in defined])
    return Curve(f"macro-average (mean AP {mean_area:.3f})", _GRID,
                 np.mean(precisions, axis=0), "#4b5563", dashed=True)


def _draw(ax: Axes, curves: list[Curve], xlabel: str, ylabel: str,
          legend_at: Literal["lower right", "lower left"]) -> None:
    for curve in curves:
        ax.plot(curve.x, curve.y, label=curve.name, color=curve.colour, linewidth=1.4,
                linestyle="--" if curve.dashed else "-",
                drawstyle="steps-post" if curve.steps else "default")
    ax.set_xlim(-0.01, 1.01)
    ax.set_ylim(-0.01, 1.02)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.set_aspect("equal")
    ax.legend(loc=legend_at, fontsize=7)
